//! The test app spawner shared by the integration tests: a fresh in-memory SQLite database,
//! organisations and users with API tokens, served on a random port. [`spawn`] takes any list
//! of users; [`spawn_app`] is the usual two organisations with one analyst each.
#![allow(dead_code)]

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use trygg_domain::{
    Actor, IncidentFilter, NewOrganisation, NewUser, OrgKind, OrganisationId, Role, Scope,
};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;

pub struct TestApp {
    pub base: String,
    pub token: String,
    pub other_token: String,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, body: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .post(self.url("/api/v1/incidents"))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn stored(&self) -> u64 {
        let all = IncidentFilter {
            scope: Scope::All,
            ..Default::default()
        };
        self.store.list_incidents(&all).await.unwrap().total
    }
}

/// A district: a square of 0.01° at `lon`, latitude 59.80–59.81 (Uppsala).
pub fn square(name: &str, code: &str, lon: f64) -> trygg_domain::NewArea {
    trygg_domain::NewArea {
        name: name.into(),
        code: Some(code.into()),
        kind: trygg_domain::AreaKind::District,
        geometry: serde_json::json!({"type": "Polygon", "coordinates": [[
            [lon, 59.80], [lon + 0.01, 59.80], [lon + 0.01, 59.81], [lon, 59.81], [lon, 59.80]
        ]]}),
    }
}

pub async fn spawn_app() -> TestApp {
    let app = spawn(&[
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
        ("Uppsalahem", "vakt@test", Role::Analyst),
    ])
    .await;
    let [token, other_token] = <[String; 2]>::try_from(app.tokens).unwrap();
    TestApp {
        base: app.base,
        token,
        other_token,
        store: app.store,
        client: reqwest::Client::new(),
    }
}

/// A running app.
pub struct Spawned {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// One token per requested user, in order.
    pub tokens: Vec<String>,
    /// Organisation ids by name.
    pub orgs: std::collections::HashMap<String, OrganisationId>,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The state the server runs on (for writing through `Ingest` in tests).
    pub state: trygg_web::AppState,
}

impl Spawned {
    /// `method /api/v1{path}` with `token`, and a JSON body if given: the status and the JSON
    /// answer (`Null` when there is none).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = client
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// Spawns the app with these users: (organisation name, e-mail, role). Organisations are
/// created on first mention, as kommuner.
pub async fn spawn(users: &[(&str, &str, Role)]) -> Spawned {
    spawn_with(users, trygg_web::WebConfig::default()).await
}

/// [`spawn`] with these web settings.
pub async fn spawn_with(users: &[(&str, &str, Role)], config: trygg_web::WebConfig) -> Spawned {
    spawn_mailing(users, config, None).await
}

/// [`spawn_with`], sending e-mail notices through `mailer` (`None`: SMTP not configured).
#[allow(dead_code)]
pub async fn spawn_mailing(
    users: &[(&str, &str, Role)],
    config: trygg_web::WebConfig,
    mailer: Option<Arc<dyn trygg_app::notify::Mailer>>,
) -> Spawned {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let actor = Actor::system("test");
    let mut tokens = Vec::new();
    let mut orgs = std::collections::HashMap::new();
    for (org, email, role) in users {
        let org_id = match orgs.get(*org) {
            Some(id) => *id,
            None => {
                let o = store
                    .create_organisation(
                        &actor,
                        NewOrganisation {
                            name: (*org).into(),
                            kind: OrgKind::Kommun,
                            parent_id: None,
                        },
                    )
                    .await
                    .unwrap();
                orgs.insert(org.to_string(), o.id);
                o.id
            }
        };
        let user = store
            .create_user(
                &actor,
                NewUser {
                    email: (*email).into(),
                    display_name: (*email).into(),
                    organisation_id: org_id,
                    roles: vec![*role],
                },
                None,
            )
            .await
            .unwrap();
        let token = trygg_app::credentials::generate_token();
        store
            .create_api_token(
                &actor,
                user.id,
                "test",
                &trygg_app::credentials::hash_token(&token),
                jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24),
            )
            .await
            .unwrap();
        tokens.push(token);
    }
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let mut app = trygg_app::App::load(store.clone(), tz).await.unwrap();
    if let Some(mailer) = mailer {
        app = app.with_mailer(mailer);
    }
    let state = trygg_web::AppState::new(app).with_config(config);
    let router = trygg_web::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trygg_web::serve(listener, router, std::future::pending()));
    Spawned {
        base,
        tokens,
        orgs,
        store,
        state,
    }
}
