//! Fixes (*åtgärdsärenden*) over JSON: the list and one fix, a new fix (from an incident, a
//! tip, a walk, Open311 or by hand), its status and owners, and the routing rules and service
//! levels. The handlers translate; the use cases and their checks are `trygg_app::fixes`'.

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection},
    http::StatusCode,
    routing::{get, post, put},
};
use serde::Deserialize;
use serde_json::Value;
use trygg_app::{
    Stored,
    fixes::{self, FixQuery, NewFix},
};
use trygg_domain::fix::{Fix, FixOwner, FixRoutingRule, FixServiceLevel, FixStatus};

use super::cycle::{body, list_json};
use crate::{ApiError, AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/fixes", get(list).post(create))
        .route("/fixes/{id}", get(one))
        .route("/fixes/{id}/status", post(status))
        .route("/fixes/{id}/open311", post(send_open311))
        .route("/fixes/{id}/owners", put(owners))
        .route("/fix-rules", get(rules).post(add_rule))
        .route("/fix-rules/{id}", axum::routing::delete(remove_rule))
        .route("/fix-service-levels", get(levels).put(set_level))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<FixQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::param("query", e.body_text()))?;
    Ok(list_json(
        fixes::list(&state, caller.principal(), &q).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<NewFix>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<Fix>>), ApiError> {
    let new = body(b)?;
    let stored = fixes::create(&state, caller.principal(), new).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Stored<Fix>>, ApiError> {
    Ok(Json(fixes::get(&state, caller.principal(), id).await?))
}

/// The body of `POST /fixes/{id}/status`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: FixStatus,
    #[serde(default)]
    reason: String,
    /// The owner (index) whose part moves; absent: the whole fix.
    #[serde(default)]
    owner: Option<usize>,
}

async fn status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<StatusBody>, JsonRejection>,
) -> Result<Json<Stored<Fix>>, ApiError> {
    let b = body(b)?;
    Ok(Json(
        fixes::set_status(&state, caller.principal(), id, b.status, &b.reason, b.owner).await?,
    ))
}

/// The body of `PUT /fixes/{id}/owners`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnersBody {
    owners: Vec<FixOwner>,
}

async fn owners(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<OwnersBody>, JsonRejection>,
) -> Result<Json<Stored<Fix>>, ApiError> {
    let b = body(b)?;
    Ok(Json(
        fixes::set_owners(&state, caller.principal(), id, b.owners).await?,
    ))
}

async fn rules(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    Ok(list_json(fixes::rules(&state, caller.principal()).await?))
}

async fn add_rule(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<FixRoutingRule>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<FixRoutingRule>>), ApiError> {
    let rule = body(b)?;
    Ok((
        StatusCode::CREATED,
        Json(fixes::add_rule(&state, caller.principal(), rule).await?),
    ))
}

async fn remove_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    fixes::remove_rule(&state, caller.principal(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn levels(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    Ok(list_json(fixes::levels(&state, caller.principal()).await?))
}

/// The body of `PUT /fix-service-levels`: `days` absent or null removes the level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelBody {
    category: String,
    #[serde(default)]
    days: Option<u32>,
}

async fn set_level(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<LevelBody>, JsonRejection>,
) -> Result<Json<Option<Stored<FixServiceLevel>>>, ApiError> {
    let b = body(b)?;
    Ok(Json(
        fixes::set_level(&state, caller.principal(), &b.category, b.days).await?,
    ))
}

/// Sends the fix to its lead owner's Open311 endpoint.
async fn send_open311(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Stored<Fix>>, ApiError> {
    match crate::open311::send(&state, caller.principal(), id).await {
        Ok(fix) => Ok(Json(fix)),
        Err(crate::open311::RemoteError::App(e)) => Err(e.into()),
        Err(crate::open311::RemoteError::Remote(m)) => Err(ApiError::Conflict(format!(
            "The fix was not sent, nothing changed: {m}"
        ))),
    }
}
