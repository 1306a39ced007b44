//! The JSON API under `/api/v1/`. Every route needs a [`Caller`](crate::auth::Caller).

mod accounts;
mod categories;
pub(crate) mod cycle;
mod dashboard;
mod fixes;
mod incidents;
mod indicators;
mod partnership;
mod stats;
pub(crate) mod transfer;

pub(crate) use transfer::MAX_UPLOAD;

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};

use crate::{AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(categories::routes())
        .route("/areas", get(areas))
        .merge(incidents::routes())
        .merge(stats::routes())
        .merge(transfer::routes())
        .merge(indicators::routes())
        .merge(dashboard::routes())
        .merge(cycle::routes())
        .merge(fixes::routes())
        .merge(partnership::routes())
        .merge(accounts::routes())
        .fallback(unknown)
}

/// `?kind=` of `GET /api/v1/areas`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AreasQuery {
    kind: Option<String>,
}

/// The areas as a GeoJSON FeatureCollection (WGS84), optionally of one kind.
async fn areas(
    axum::extract::State(state): axum::extract::State<AppState>,
    caller: Caller,
    axum::extract::Query(q): axum::extract::Query<AreasQuery>,
) -> Result<Json<Value>, crate::ApiError> {
    let kind = q
        .kind
        .as_deref()
        .map(|k| {
            trygg_domain::AreaKind::parse(k).ok_or_else(|| {
                crate::ApiError::param(
                    "kind",
                    format!("'{k}' is not an area kind (county, kommun, district, deso, custom)."),
                )
            })
        })
        .transpose()?;
    let features: Vec<Value> = trygg_app::reference::areas(&state, caller.principal())
        .await?
        .into_iter()
        .filter(|a| kind.is_none_or(|k| a.kind == k))
        .map(|a| {
            json!({
                "type": "Feature",
                "id": a.id.0,
                "properties": { "id": a.id.0, "name": a.name, "code": a.code, "kind": a.kind },
                "geometry": a.geometry,
            })
        })
        .collect();
    Ok(Json(
        json!({ "type": "FeatureCollection", "features": features }),
    ))
}

/// Unknown `/api/v1` paths: 401 without credentials (like every API path), else a JSON 404.
async fn unknown(_caller: Caller, uri: axum::http::Uri) -> crate::ApiError {
    crate::ApiError::NotFound(format!(
        "There is no API endpoint {}; see /api/openapi.json.",
        uri.path()
    ))
}
