//! Indicators (safety surveys, population) over HTTP, under `/api/v1`:
//!
//! - `GET /indicators?indicator=&source=&area=&period=` — the stored values with their areas and
//!   the Swedish text ("32 % (28–36), n = 812"), and every stored series (indicator × source).
//!   Everyone signed in.
//! - `POST /indicators/import?format=long|trygghetsmatning|ntu|scb-population` — body = the
//!   file. All or nothing: 422 `import_failed` with every problem by line; the same file again
//!   changes nothing. Admin, coordinator or analyst.
//! - `DELETE /indicators?indicator=CODE&source=SOURCE` — a dataset's every value. As import.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State, rejection::BytesRejection},
    routing::{get, post},
};
use serde_json::{Value, json};
use trygg_app::indicators::IndicatorFormat;
use trygg_app::indicators::{self, IndicatorQuery};

use super::transfer::{Importer, MAX_UPLOAD, Params, body, params};
use crate::{ApiError, AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/indicators", get(list).delete(delete_dataset))
        .route(
            "/indicators/import",
            post(import).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Params,
) -> Result<Json<Value>, ApiError> {
    let q = IndicatorQuery::from_pairs(&params(query)?)?;
    let items = indicators::list(&state, caller.principal(), &q).await?;
    let series = indicators::series(&state, caller.principal()).await?;
    Ok(Json(json!({ "items": items, "series": series })))
}

fn one<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn import(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let pairs = params(query)?;
    if let Some((k, _)) = pairs.iter().find(|(k, _)| k != "format") {
        return Err(ApiError::param(
            k,
            format!("Unknown parameter {k:?}: an indicator import takes format only."),
        ));
    }
    let format = IndicatorFormat::parse(one(&pairs, "format").unwrap_or(""))
        .map_err(|e| ApiError::param("format", e))?;
    let bytes = body(bytes)?;
    let report = indicators::import(&state, caller.principal(), format, bytes).await?;
    Ok(Json(json!(report)))
}

async fn delete_dataset(
    State(state): State<AppState>,
    Importer(caller): Importer,
    query: Params,
) -> Result<Json<Value>, ApiError> {
    let pairs = params(query)?;
    let (Some(indicator), Some(source)) = (one(&pairs, "indicator"), one(&pairs, "source")) else {
        return Err(ApiError::param(
            "indicator",
            "Name the dataset to delete: indicator=CODE&source=SOURCE (see GET /api/v1/indicators).",
        ));
    };
    let deleted = indicators::delete_dataset(&state, caller.principal(), indicator, source).await?;
    Ok(Json(json!({ "deleted": deleted })))
}
