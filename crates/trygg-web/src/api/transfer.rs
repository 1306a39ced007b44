//! File imports and exports over HTTP, under `/api/v1`.
//!
//! Imports (admin, coordinator or analyst; others get 403 `forbidden`), body = the file's bytes:
//!
//! - `POST /import/polisen` — a response of Polisen's events feed (JSON array).
//! - `POST /import/csv`, `POST /import/geojson` — incidents. Query: `crs=4326|3006`,
//!   `map=FIELD=COLUMN` (repeat the parameter, or put several in one separated by commas),
//!   `category_map=VALUE=CODE` (the file's category value as trygg's category or group code; one
//!   per parameter, repeat it), `visibility=shared|internal` (default shared),
//!   `precision=exact|address` (default exact).
//! - `POST /import/areas` — GeoJSON, or a GeoPackage (recognised by its SQLite header). Query:
//!   `name_property`, `code_property`, `kind` (county, kommun, district, deso, custom), `layer`.
//!
//! Incidents are filed under the caller's organisation. An import is all or nothing: a bad file
//! answers 422 `import_failed` listing every problem with its line, and stores nothing. Bodies
//! above [`MAX_UPLOAD`] answer 413 `payload_too_large`.
//!
//! Exports: `GET /export/incidents.csv` (Swedish Excel: BOM, `;`, decimal comma) and
//! `GET /export/incidents.geojson` (WGS84), with the filters of `GET /incidents` and every
//! matching incident the caller may see (`limit` and `offset` are ignored).

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, FromRequestParts, Query, State, rejection::BytesRejection},
    http::{StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::{Value, json};
use trygg_app::incidents::IncidentQuery;
use trygg_app::ingest::BatchImport;
use trygg_app::transfer::{self, IncidentFile};

use crate::{ApiError, AppState, auth::Caller};

/// The largest upload accepted, in bytes (64 MiB).
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;

pub(crate) fn routes() -> Router<AppState> {
    let imports = Router::new()
        .route("/import/polisen", post(import_polisen))
        .route("/import/csv", post(import_csv))
        .route("/import/geojson", post(import_geojson))
        .route("/import/areas", post(import_areas))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD));
    Router::new()
        .merge(imports)
        .route("/export/incidents.csv", get(export_csv))
        .route("/export/incidents.geojson", get(export_geojson))
}

/// Query parameters as name/value pairs, so that `map` and `category_map` can repeat.
pub(super) type Params =
    Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

pub(super) fn params(p: Params) -> Result<Vec<(String, String)>, ApiError> {
    p.map(|Query(v)| v)
        .map_err(|e| ApiError::param("query", e.body_text()))
}

/// A caller who may import (the policy's `import`). Checked from the headers alone, so that a
/// refused caller is answered before any upload is read.
pub(super) struct Importer(pub(super) Caller);

impl FromRequestParts<AppState> for Importer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        transfer::check_import(caller.principal())?;
        Ok(Importer(caller))
    }
}

pub(super) fn body(b: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    b.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "The file is larger than {} MiB, the most an upload may be. Split it into \
                 smaller files, or import it on the server with `trygg import`.",
                MAX_UPLOAD / (1024 * 1024)
            ))
        } else {
            ApiError::param(
                "body",
                format!("The request body could not be read: {}", r.body_text()),
            )
        }
    })
}

fn stored(b: BatchImport) -> Json<Value> {
    Json(json!({ "summary": b.summary, "stored": b.outcome }))
}

async fn import_polisen(
    State(state): State<AppState>,
    Importer(caller): Importer,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let bytes = body(bytes)?;
    Ok(stored(
        transfer::import_polisen(&state, caller.principal(), bytes).await?,
    ))
}

async fn import_csv(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let params = params(query)?;
    let bytes = body(bytes)?;
    let b = transfer::import_incidents(
        &state,
        caller.principal(),
        IncidentFile::Csv,
        &params,
        bytes,
    )
    .await?;
    Ok(stored(b))
}

async fn import_geojson(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let params = params(query)?;
    let bytes = body(bytes)?;
    let b = transfer::import_incidents(
        &state,
        caller.principal(),
        IncidentFile::GeoJson,
        &params,
        bytes,
    )
    .await?;
    Ok(stored(b))
}

async fn import_areas(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let params = params(query)?;
    let bytes = body(bytes)?;
    let result = transfer::import_areas(&state, caller.principal(), &params, bytes).await?;
    let areas: Vec<Value> = result
        .areas
        .iter()
        .map(|a| json!({ "id": a.id, "name": a.name, "code": a.code, "kind": a.kind }))
        .collect();
    Ok(Json(
        json!({ "areas": areas, "linked_incidents": result.linked_incidents }),
    ))
}

/// The filter of an export: `GET /incidents`'s, without paging.
fn filter(
    state: &AppState,
    caller: &Caller,
    query: Result<Query<IncidentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<trygg_domain::IncidentFilter, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    Ok(q.filter(&state.tz, caller.scope())?)
}

/// A file download: `bytes` as `content_type`, saved as `filename`.
pub(crate) fn attachment(content_type: &'static str, filename: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn export_csv(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<IncidentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = filter(&state, &caller, query)?;
    let bytes = transfer::export_csv(&state, caller.principal(), filter).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        "handelser.csv",
        bytes,
    ))
}

async fn export_geojson(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<IncidentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = filter(&state, &caller, query)?;
    let bytes = transfer::export_geojson(&state, caller.principal(), filter).await?;
    Ok(attachment(
        "application/geo+json",
        "handelser.geojson",
        bytes,
    ))
}
