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
    Router::new().route("/stats/weekly", get(weekly))
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
