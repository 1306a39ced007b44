//! `/api/v1/stats/*`: statistics from the live analysis snapshot, never from SQL.

use axum::{
    Json, Router,
    extract::{Query, State, rejection::QueryRejection},
    routing::get,
};
use serde_json::{Value, json};

use crate::{ApiError, AppState, auth::Caller};
use trygg_app::incidents::IncidentQuery;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/stats/weekly", get(weekly))
        .route("/stats/coverage", get(coverage))
}

/// The coverage query: every field optional.
#[derive(Debug, Default, serde::Deserialize)]
struct CoverageParams {
    weeks: Option<u16>,
    silent_weeks: Option<u16>,
    active_weeks: Option<u16>,
}

/// Who has been reporting: `{"weeks": ["2026-11-02", …], "organisations": [{"organisation_id",
/// "name", "counts": […]}], "polisen": […], "alerts": [{"kind": "silent", …, "message",
/// "message_sv"}]}` (see `trygg_app::coverage`).
async fn coverage(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<CoverageParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(p) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    let d = trygg_app::coverage::CoverageQuery::default();
    let q = trygg_app::coverage::CoverageQuery {
        weeks: p.weeks.unwrap_or(d.weeks),
        silent_weeks: p.silent_weeks.unwrap_or(d.silent_weeks),
        active_weeks: p.active_weeks.unwrap_or(d.active_weeks),
    };
    let c = trygg_app::coverage::coverage(&state, caller.principal(), q).await?;
    let mut v = serde_json::to_value(&c).map_err(|e| ApiError::Internal(e.to_string()))?;
    v["alerts"] = c
        .alerts
        .iter()
        .map(|a| {
            let mut x = serde_json::to_value(a).unwrap_or_default();
            x["message"] = json!(a.message_en());
            x["message_sv"] = json!(a.message_sv());
            x
        })
        .collect();
    Ok(Json(v))
}

/// Weekly counts (ISO weeks, Europe/Stockholm) for the same filters as `GET /incidents`,
/// within the caller's visibility: `{"weeks": [{"year": 2024, "week": 18, "label": "2024-W18",
/// "count": 12}, …], "total": N}`. Weeks without incidents between the first and last are
/// included with 0.
async fn weekly(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<IncidentQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    let filter = q.filter(&state.tz, caller.scope())?;
    let counts = trygg_app::lagesbild::weekly_counts(&state, caller.principal(), filter)?;
    let total: u64 = counts.iter().map(|(_, _, n)| u64::from(*n)).sum();
    let weeks: Vec<Value> = counts
        .iter()
        .map(|(year, week, n)| {
            json!({
                "year": year, "week": week, "label": format!("{year}-W{week:02}"), "count": n,
            })
        })
        .collect();
    Ok(Json(json!({ "weeks": weeks, "total": total })))
}
