//! File imports and exports over HTTP, under `/api/v1`.
//!
//! Imports (admin, coordinator or analyst; others get 403 `forbidden`), body = the file's bytes:
//!
//! - `POST /import/polisen` — a response of Polisen's events feed (JSON array).
//! - `POST /import/csv`, `POST /import/geojson` — incidents. Query: `crs=4326|3006`,
//!   `map=FIELD=COLUMN` (repeat the parameter, or put several in one separated by commas),
//!   `visibility=shared|internal` (default shared), `precision=exact|address` (default exact).
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
use trygg_domain::{AreaKind, Incident, Permission, Precision, Visibility};
use trygg_import::export::swedish_label;
use trygg_import::{
    Crs, ImportBatch, ImportErrors,
    csv::{CsvOptions, parse_mapping},
    polisen::PolisenOptions,
};

use crate::{ApiError, AppState, auth::Caller};
use trygg_app::incidents::IncidentQuery;
use trygg_app::ingest::Filing;

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

/// Query parameters as name/value pairs, so that `map` can repeat.
type Params = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

fn params(p: Params) -> Result<Vec<(String, String)>, ApiError> {
    p.map(|Query(v)| v)
        .map_err(|e| ApiError::param("query", e.body_text()))
}

/// A caller who may import (the policy's `import`). Checked from the headers alone, so that a
/// refused caller is answered before any upload is read.
struct Importer(Caller);

impl FromRequestParts<AppState> for Importer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.principal().check(Permission::Import)?;
        Ok(Importer(caller))
    }
}

fn body(b: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
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

/// Runs a parser on the blocking pool: a large file is seconds of CPU work.
async fn parse<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ImportErrors> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("import task: {e}")))?
        .map_err(ApiError::ImportFailed)
}

async fn store_batch(
    state: &AppState,
    caller: &Caller,
    batch: ImportBatch,
    filing: Filing,
) -> Result<Json<Value>, ApiError> {
    let stored = state
        .ingest
        .import_batch(&caller.actor(), batch, filing)
        .await?;
    Ok(Json(
        json!({ "summary": stored.summary, "stored": stored.outcome }),
    ))
}

async fn import_polisen(
    State(state): State<AppState>,
    Importer(caller): Importer,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let bytes = body(bytes)?;
    // Parse first, so a bad file creates nothing; then file the events under the feed's
    // organisation, shared with the poller and the CLI.
    let placeholder = PolisenOptions {
        source_org: trygg_domain::OrganisationId(0),
    };
    let batch = parse(move || trygg_import::polisen::parse_polisen(&bytes, placeholder)).await?;
    store_batch(&state, &caller, batch, Filing::PolisenFeed).await
}

/// Reads the CSV/GeoJSON import options from the query.
fn file_options(caller: &Caller, params: Vec<(String, String)>) -> Result<CsvOptions, ApiError> {
    let mut options = CsvOptions::new(caller.0.organisation_id);
    for (key, value) in params {
        match key.as_str() {
            "crs" => {
                options.crs = Some(Crs::parse(&value).ok_or_else(|| {
                    ApiError::param(
                        "crs",
                        format!(
                            "Unknown crs {value:?}: use 4326 (WGS84 degrees) or 3006 (SWEREF 99 \
                             TM metres)."
                        ),
                    )
                })?)
            }
            "map" => {
                for m in value.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                    options
                        .mapping
                        .push(parse_mapping(m).map_err(|e| ApiError::param("map", e))?);
                }
            }
            "visibility" => {
                options.visibility = Visibility::parse(&value).ok_or_else(|| {
                    ApiError::param(
                        "visibility",
                        format!("Unknown visibility {value:?}: use shared or internal."),
                    )
                })?
            }
            "precision" => {
                options.precision = match value.as_str() {
                    "exact" => Precision::Exact,
                    "address" => Precision::Address,
                    _ => {
                        return Err(ApiError::param(
                            "precision",
                            format!("Unknown precision {value:?}: use exact or address."),
                        ));
                    }
                }
            }
            other => {
                return Err(ApiError::param(
                    other,
                    format!("Unknown parameter {other:?}: use crs, map, visibility or precision."),
                ));
            }
        }
    }
    Ok(options)
}

async fn import_csv(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let options = file_options(&caller, params(query)?)?;
    let bytes = body(bytes)?;
    let batch = parse(move || trygg_import::csv::parse_csv(&bytes, &options)).await?;
    store_batch(
        &state,
        &caller,
        batch,
        Filing::Organisation(caller.0.organisation_id),
    )
    .await
}

async fn import_geojson(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let options = file_options(&caller, params(query)?)?;
    let bytes = body(bytes)?;
    let batch =
        parse(move || trygg_import::geojson::parse_geojson_points(&bytes, &options)).await?;
    store_batch(
        &state,
        &caller,
        batch,
        Filing::Organisation(caller.0.organisation_id),
    )
    .await
}

/// The magic header of an SQLite database, and so of a GeoPackage.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// A GeoPackage written to a temporary file, removed on drop.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn write_temp(bytes: Bytes) -> Result<TempFile, ApiError> {
    let name = crate::auth::generate_token();
    let path = std::env::temp_dir().join(format!("trygg-upload-{name}.gpkg"));
    let file = TempFile(path.clone());
    tokio::task::spawn_blocking(move || std::fs::write(&path, &bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("temporary file: {e}")))?
        .map_err(|e| ApiError::Internal(format!("temporary file: {e}")))?;
    Ok(file)
}

async fn import_areas(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let (mut name_property, mut code_property, mut kind, mut layer) = (None, None, None, None);
    for (key, value) in params(query)? {
        match key.as_str() {
            "name_property" => name_property = Some(value),
            "code_property" => code_property = Some(value),
            "layer" => layer = Some(value),
            "kind" => {
                kind = Some(AreaKind::parse(&value).ok_or_else(|| {
                    ApiError::param(
                        "kind",
                        format!(
                            "Unknown area kind {value:?}: use county, kommun, district, deso or \
                             custom."
                        ),
                    )
                })?)
            }
            other => {
                return Err(ApiError::param(
                    other,
                    format!(
                        "Unknown parameter {other:?}: use name_property, code_property, kind \
                         or layer."
                    ),
                ));
            }
        }
    }
    let bytes = body(bytes)?;
    let areas = if bytes.starts_with(SQLITE_MAGIC) {
        let file = write_temp(bytes).await?;
        trygg_import::areas::read_areas_geopackage(
            &file.0,
            layer.as_deref(),
            name_property.as_deref(),
            code_property.as_deref(),
            kind,
        )
        .await
        .map_err(|e| ApiError::ImportFailed(hide_temp_path(e, &file.0)))?
    } else if trygg_import::areas::is_parquet(&bytes) {
        parse(move || {
            trygg_import::areas::read_areas_geoparquet(
                &bytes,
                name_property.as_deref(),
                code_property.as_deref(),
                kind,
            )
        })
        .await?
    } else {
        parse(move || {
            trygg_import::areas::read_areas_geojson(
                &bytes,
                name_property.as_deref(),
                code_property.as_deref(),
                kind,
            )
        })
        .await?
    };
    let result = state.ingest.import_areas(&caller.actor(), areas).await?;
    let areas: Vec<Value> = result
        .areas
        .iter()
        .map(|a| json!({ "id": a.id, "name": a.name, "code": a.code, "kind": a.kind }))
        .collect();
    Ok(Json(
        json!({ "areas": areas, "linked_incidents": result.linked_incidents }),
    ))
}

/// Messages about a GeoPackage name the temporary file; the uploader knows it as "the file".
fn hide_temp_path(mut e: ImportErrors, path: &std::path::Path) -> ImportErrors {
    let shown = path.display().to_string();
    for r in &mut e.errors {
        r.message = r.message.replace(&shown, "The uploaded file");
    }
    e
}

/// Every incident matching the query that the caller may see.
async fn matching(
    state: &AppState,
    caller: &Caller,
    query: Result<Query<IncidentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Vec<Incident>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    let filter = q.filter(&state.tz, caller.scope())?;
    Ok(trygg_app::incidents::export(state, caller.principal(), filter).await?)
}

fn attachment(content_type: &'static str, filename: &str, bytes: Vec<u8>) -> Response {
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
    let incidents = matching(&state, &caller, query).await?;
    let bytes = trygg_import::export::incidents_to_csv(&incidents, &swedish_label);
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
    let incidents = matching(&state, &caller, query).await?;
    let value = trygg_import::export::incidents_to_geojson(&incidents, &swedish_label);
    let bytes =
        serde_json::to_vec(&value).map_err(|e| ApiError::Internal(format!("geojson: {e}")))?;
    Ok(attachment(
        "application/geo+json",
        "handelser.geojson",
        bytes,
    ))
}
