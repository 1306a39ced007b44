//! Open311 GeoReport v2 at `/open311/v2/` (JSON only), and the outbound client that sends a
//! fix to an outside party's endpoint and polls its status back.
//!
//! Inbound, the caller is the API token in `api_key` (a query parameter, or a field of the
//! form-encoded or multipart POST); who may file is the policy's
//! ([`Permission::FileServiceRequest`](trygg_domain::Permission)), checked by
//! `trygg_app::open311`. `discovery.json` and `services.json` are public. Errors use the spec's
//! format: a JSON array of `{code, description}` with HTTP 400, 403 or 404. A `.xml` name answers
//! 400 with a sentence.
//!
//! Outbound, [`send`] posts a fix to its lead owner's endpoint with that endpoint's api_key
//! from the configuration (`[[web.open311.endpoints]]`), and [`poll`] reads every sent, open
//! fix's status back; `trygg serve` runs it every `[web.open311] poll_minutes`.

use std::collections::HashMap;

use axum::{
    Json, Router,
    body::Body,
    extract::{FromRequest, Multipart, Path, Query, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};
use trygg_app::{AppError, Principal, open311};

use crate::AppState;

/// The outbound side's settings (`[web.open311]`).
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Open311Config {
    /// Minutes between polls of the sent fixes' status; 0: off.
    pub poll_minutes: u32,
    /// The outside parties' endpoints with their api_keys.
    pub endpoints: Vec<Endpoint>,
}

/// An outside party's endpoint and the api_key trygg files with (a secret: never logged,
/// never stored in a record, never shown).
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_debug_implementations)] // its api_key must never reach a log
pub struct Endpoint {
    /// The endpoint as a routing rule names it (`https://felanmalan.example.se/open311/v2/`).
    pub url: String,
    /// Its api_key.
    pub api_key: String,
}

impl std::fmt::Debug for Open311Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let urls: Vec<&str> = self.endpoints.iter().map(|e| e.url.as_str()).collect();
        f.debug_struct("Open311Config")
            .field("poll_minutes", &self.poll_minutes)
            .field("endpoints", &urls)
            .finish_non_exhaustive()
    }
}

impl Open311Config {
    fn key_for(&self, url: &str) -> Option<&str> {
        let norm = |u: &str| u.trim().trim_end_matches('/').to_string();
        self.endpoints
            .iter()
            .find(|e| norm(&e.url) == norm(url))
            .map(|e| e.api_key.as_str())
    }
}

/// The largest body read: a photo over the limit is read to here, then refused by the photo
/// rule with its sentence (not a bare 413).
const BODY_CAP: usize = 64 * 1024 * 1024;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311/v2/discovery.json", get(discovery))
        .route("/open311/v2/services.json", get(services))
        .route(
            "/open311/v2/requests.json",
            get(requests)
                .post(file)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/open311/v2/requests/{id}", get(one))
        .route("/open311/v2/{name}", get(other).post(other))
}

/// An Open311 error: `[{"code": 400, "description": "…"}]` with that status.
#[derive(Debug)]
pub struct Open311Error(StatusCode, String);

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        (
            self.0,
            Json(json!([{ "code": self.0.as_u16(), "description": self.1 }])),
        )
            .into_response()
    }
}

impl From<AppError> for Open311Error {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(v) => Open311Error(StatusCode::BAD_REQUEST, v.message),
            AppError::BadParameter { message, .. } => {
                Open311Error(StatusCode::BAD_REQUEST, message)
            }
            AppError::Forbidden(r) => Open311Error(StatusCode::FORBIDDEN, r.en),
            AppError::NotFound(m) => Open311Error(StatusCode::NOT_FOUND, m),
            AppError::Conflict(m) => Open311Error(StatusCode::CONFLICT, m),
            other => {
                let e = crate::ApiError::from(other);
                Open311Error(e.status(), e.to_string())
            }
        }
    }
}

fn bad(message: impl Into<String>) -> Open311Error {
    Open311Error(StatusCode::BAD_REQUEST, message.into())
}

/// The principal of `api_key`.
async fn caller(state: &AppState, key: Option<&str>) -> Result<Principal, Open311Error> {
    let key = key
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            Open311Error(
                StatusCode::FORBIDDEN,
                "api_key is missing: send your organisation's API token as api_key.".into(),
            )
        })?;
    trygg_app::accounts::by_token(state, key)
        .await?
        .ok_or_else(|| {
            Open311Error(
                StatusCode::FORBIDDEN,
                "api_key is not a valid API token: ask an administrator for a new one.".into(),
            )
        })
}

fn base(state: &AppState) -> String {
    format!(
        "{}/open311/v2/",
        state.config.public_url.trim_end_matches('/')
    )
}

async fn discovery(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "changeset": "2026-01-01T00:00:00Z",
        "contact": state.config.accessibility_contact,
        "key_service": "An administrator makes an API token (api_key) for an organisation of the partnership.",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": base(&state),
            "changeset": "2026-01-01T00:00:00Z",
            "type": "production",
            "formats": ["application/json"],
        }],
    }))
}

async fn services(q: Query<HashMap<String, String>>) -> Json<Vec<open311::Service>> {
    let sv = q.get("locale").is_some_and(|l| l.starts_with("sv"));
    Json(open311::services(sv))
}

async fn requests(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<open311::ServiceRequest>>, Open311Error> {
    let who = caller(&state, q.get("api_key").map(String::as_str)).await?;
    let mut all = open311::requests(&state, &who).await?;
    if let Some(ids) = q.get("service_request_id") {
        let ids: Vec<&str> = ids.split(',').map(str::trim).collect();
        all.retain(|r| ids.contains(&r.service_request_id.as_str()));
    }
    if let Some(s) = q.get("status") {
        all.retain(|r| r.status == s.trim());
    }
    if let Some(c) = q.get("service_code") {
        all.retain(|r| r.service_code == c.trim());
    }
    Ok(Json(all))
}

async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<open311::ServiceRequest>>, Open311Error> {
    if id.ends_with(".xml") {
        return Err(xml());
    }
    let who = caller(&state, q.get("api_key").map(String::as_str)).await?;
    let id = id.strip_suffix(".json").unwrap_or(&id);
    Ok(Json(vec![open311::request(&state, &who, id).await?]))
}

fn xml() -> Open311Error {
    bad("trygg answers Open311 in JSON only: ask for the .json name (requests.json).")
}

async fn other(Path(name): Path<String>) -> Open311Error {
    if name.ends_with(".xml") {
        return xml();
    }
    Open311Error(
        StatusCode::NOT_FOUND,
        format!("There is no Open311 resource '{name}': see discovery.json."),
    )
}

/// The form of a POST: its text fields and the `media` photo's bytes (read up to the cap).
async fn read_form(
    state: &AppState,
    req: Request,
) -> Result<(HashMap<String, String>, Option<Vec<u8>>), Open311Error> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut fields = HashMap::new();
    if !multipart {
        let body = axum::body::to_bytes(req.into_body(), BODY_CAP)
            .await
            .map_err(|_| bad("The request's body is too large."))?;
        for (k, v) in form_urlencoded::parse(&body) {
            fields.insert(k.into_owned(), v.into_owned());
        }
        return Ok((fields, None));
    }
    let mut m = Multipart::from_request(req, state).await.map_err(|e| {
        bad(format!(
            "The multipart form does not read: {}",
            e.body_text()
        ))
    })?;
    let mut media = None;
    let torn = |e: axum::extract::multipart::MultipartError| {
        bad(format!(
            "The multipart form does not read: {}",
            e.body_text()
        ))
    };
    while let Some(mut field) = m.next_field().await.map_err(torn)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "media" {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(torn)? {
                if bytes.len() + chunk.len() > BODY_CAP {
                    return Err(bad(
                        "media is far over the photo limit: send a smaller photo.",
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            media = Some(bytes).filter(|b| !b.is_empty());
        } else {
            fields.insert(name, field.text().await.map_err(torn)?);
        }
    }
    Ok((fields, media))
}

async fn file(State(state): State<AppState>, req: Request<Body>) -> Response {
    let query: HashMap<String, String> = req
        .uri()
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let answer = async {
        let (mut fields, media) = read_form(&state, req).await?;
        for (k, v) in query {
            fields.entry(k).or_insert(v);
        }
        let who = caller(&state, fields.get("api_key").map(String::as_str)).await?;
        let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
        let filed = open311::file(
            &state,
            &who,
            open311::Filing {
                service_code: get("service_code"),
                lat: get("lat"),
                long: get("long"),
                address_string: get("address_string"),
                description: get("description"),
                email: get("email"),
                media,
            },
        )
        .await?;
        Ok::<_, Open311Error>(filed)
    }
    .await;
    match answer {
        Ok(r) => (
            StatusCode::CREATED,
            Json(json!([{
                "service_request_id": r.service_request_id,
                "service_notice": r.status_notes,
                "account_id": null,
            }])),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Why a send or a poll failed.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The use case refused.
    #[error(transparent)]
    App(#[from] AppError),
    /// The endpoint could not be reached or answered badly.
    #[error("{0}")]
    Remote(String),
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

fn join(endpoint: &str, name: &str) -> String {
    format!("{}/{name}", endpoint.trim_end_matches('/'))
}

/// The first `{code, description}` of an Open311 error answer, or the status.
async fn remote_failure(what: &str, r: reqwest::Response) -> RemoteError {
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    let description = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v[0]["description"].as_str().map(String::from))
        .unwrap_or_else(|| text.chars().take(200).collect());
    RemoteError::Remote(format!("{what} answered {status}: {description}"))
}

/// Sends fix `id` to its lead owner's Open311 endpoint and stores the remote id.
pub async fn send(
    state: &AppState,
    who: &Principal,
    id: i64,
) -> Result<trygg_app::Stored<trygg_domain::fix::Fix>, RemoteError> {
    let out = open311::outgoing(state, who, id).await?;
    let key = state.config.open311.key_for(&out.endpoint).ok_or_else(|| {
        RemoteError::Remote(format!(
            "No api_key is configured for {} ([[web.open311.endpoints]]).",
            out.endpoint
        ))
    })?;
    let mut form: Vec<(&str, &str)> = out.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form.push(("api_key", key));
    let url = join(&out.endpoint, "requests.json");
    let r = client()
        .post(&url)
        .form(&form)
        .send()
        .await
        .map_err(|e| RemoteError::Remote(format!("{} did not answer: {e}", out.endpoint)))?;
    if !r.status().is_success() {
        return Err(remote_failure(&out.endpoint, r).await);
    }
    let v: Value = r
        .json()
        .await
        .map_err(|e| RemoteError::Remote(format!("{} answered no JSON: {e}", out.endpoint)))?;
    let remote_id = match &v[0]["service_request_id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(RemoteError::Remote(format!(
                "{} answered without a service_request_id (it may hand out a token; trygg needs the id).",
                out.endpoint
            )));
        }
    };
    Ok(open311::sent(state, who, &out, &remote_id).await?)
}

/// Reads the status of every sent, open fix back; returns how many fixes changed. An endpoint
/// that fails is logged and tried again next round.
pub async fn poll(state: &AppState) -> Result<usize, AppError> {
    let mut changed = 0;
    let http = client();
    for p in open311::polling(state).await? {
        let Some(key) = state.config.open311.key_for(&p.endpoint) else {
            tracing::warn!(fix = p.fix, endpoint = %p.endpoint, "no api_key configured for the Open311 endpoint");
            continue;
        };
        let url = join(
            &p.endpoint,
            &format!("requests/{}.json", p.service_request_id),
        );
        let got = async {
            let r = http
                .get(&url)
                .query(&[("api_key", key)])
                .send()
                .await
                .map_err(|e| RemoteError::Remote(e.to_string()))?;
            if !r.status().is_success() {
                return Err(remote_failure(&p.endpoint, r).await);
            }
            r.json::<Value>()
                .await
                .map_err(|e| RemoteError::Remote(e.to_string()))
        }
        .await;
        let v = match got {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(fix = p.fix, endpoint = %p.endpoint, error = %e, "Open311 poll failed");
                continue;
            }
        };
        let first = if v.is_array() { &v[0] } else { &v };
        let Some(status) = first["status"].as_str() else {
            tracing::warn!(fix = p.fix, endpoint = %p.endpoint, "Open311 answer without a status");
            continue;
        };
        match open311::polled(state, p.fix, status, first["status_notes"].as_str()).await {
            Ok(Some(_)) => changed += 1,
            Ok(None) => {}
            Err(e) => tracing::warn!(fix = p.fix, error = %e, "Open311 status not taken"),
        }
    }
    Ok(changed)
}

/// The poll job of `trygg serve`: [`poll`] every `[web.open311] poll_minutes` until `stop`
/// turns true; nothing when the interval is 0 or no endpoint is configured.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let minutes = state.config.open311.poll_minutes;
    if minutes == 0 || state.config.open311.endpoints.is_empty() {
        return;
    }
    let every = std::time::Duration::from_secs(u64::from(minutes) * 60);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        match poll(&state).await {
            Ok(n) if n > 0 => tracing::info!(changed = n, "Open311 statuses read back"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "Open311 poll failed"),
        }
    }
}
