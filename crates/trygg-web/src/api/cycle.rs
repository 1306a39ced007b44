//! The knowledge-based cycle over JSON: problems, cause analyses, interventions and their
//! follow-up, weekly EST meetings, and emerging-problem alerts. The handlers translate; the
//! use cases and their access rules are `trygg_app::cycle`'s.
//!
//! Records are answered as `{"id", "kind", "version", "organisation_id", "created_at",
//! "updated_at", "created_by", "data": {…}}`. A `PUT` sends `{"version": N, "data": {…}}` with
//! the version it read: if someone else saved in between, it gets 409 `conflict` and nothing
//! changes.

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection},
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};
use trygg_app::{
    Stored,
    cycle::{self, AlertQuery, EvaluationOverrides},
};
use trygg_domain::{
    AreaId, Visibility,
    cycle::{CauseAnalysis, FollowUp, Intervention, Meeting, Problem},
};

use crate::{ApiError, AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/techniques", get(techniques))
        .route("/problems", get(list_problems).post(create_problem))
        .route("/problems/{id}", get(get_problem).put(put_problem))
        .route(
            "/problems/{id}/analysis",
            get(get_analysis).put(put_analysis),
        )
        .route(
            "/interventions",
            get(list_interventions).post(create_intervention),
        )
        .route(
            "/interventions/{id}",
            get(get_intervention).put(put_intervention),
        )
        .route(
            "/interventions/{id}/evaluation",
            get(get_evaluation).post(approve),
        )
        .route("/interventions/{id}/evaluation/approve", post(approve))
        .route("/meetings", get(list_meetings).post(create_meeting))
        .route("/meetings/{id}", get(get_meeting).put(put_meeting))
        .route("/feedback", get(feedback))
        .route("/alerts", get(alerts))
        .route("/alerts/{key}/problem", post(alert_to_problem))
}

pub(crate) fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    Ok(b?.0)
}

/// The body of every `PUT`: the version read, and the new data. Other fields (a whole `GET`
/// answer sent back) are ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct Versioned<T> {
    /// The version the client read (0 or absent: creating).
    #[serde(default)]
    pub(crate) version: i64,
    pub(crate) data: T,
}

pub(crate) fn list_json<T: serde::Serialize>(items: Vec<T>) -> Json<Value> {
    Json(json!({ "items": items }))
}

fn created_or_ok(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

async fn techniques(caller: Caller) -> Result<Json<Value>, ApiError> {
    Ok(Json(cycle::techniques(caller.principal())?))
}

async fn list_problems(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        cycle::problems(&state, caller.principal()).await?,
    ))
}

/// `?visibility=shared|internal` of a new record (default shared).
#[derive(Debug, Default, serde::Deserialize)]
struct NewRecord {
    visibility: Option<String>,
}

fn visibility(
    q: Result<Query<NewRecord>, axum::extract::rejection::QueryRejection>,
) -> Result<Visibility, ApiError> {
    let Query(q) = q.map_err(|e| ApiError::param("query", e.body_text()))?;
    match q.visibility.as_deref() {
        None | Some("") => Ok(Visibility::Shared),
        Some(v) => Visibility::parse(v).ok_or_else(|| {
            ApiError::param(
                "visibility",
                format!(
                    "Unknown visibility {v:?}: use shared (the whole partnership reads it) or internal (only your organisation)."
                ),
            )
        }),
    }
}

type NewRecordQuery = Result<Query<NewRecord>, axum::extract::rejection::QueryRejection>;

async fn create_problem(
    State(state): State<AppState>,
    caller: Caller,
    q: NewRecordQuery,
    b: Result<Json<Problem>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<Problem>>), ApiError> {
    let v = visibility(q)?;
    let p = body(b)?;
    let stored = cycle::save_problem(&state, caller.principal(), None, v, &p).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn get_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(cycle::problem(&state, caller.principal(), id).await?))
}

async fn put_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<Problem>>, JsonRejection>,
) -> Result<Json<Stored<Problem>>, ApiError> {
    let v = body(b)?;
    let who = caller.principal();
    Ok(Json(
        cycle::save_problem(
            &state,
            who,
            Some((id, v.version)),
            Visibility::Shared,
            &v.data,
        )
        .await?,
    ))
}

async fn get_analysis(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Stored<CauseAnalysis>>, ApiError> {
    Ok(Json(cycle::analysis(&state, caller.principal(), id).await?))
}

/// The cause analysis as sent: `problem_id` may be left out (it comes from the path).
#[derive(Debug, Deserialize)]
struct AnalysisBody {
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

async fn put_analysis(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<AnalysisBody>>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<CauseAnalysis>>), ApiError> {
    let v = body(b)?;
    let mut data = v.data.rest;
    data.insert("problem_id".into(), json!(id));
    let analysis: CauseAnalysis = serde_json::from_value(Value::Object(data))
        .map_err(|e| ApiError::InvalidJson(format!("The cause analysis is not valid: {e}.")))?;
    let (created, stored) =
        cycle::save_analysis(&state, caller.principal(), v.version, &analysis).await?;
    Ok((created_or_ok(created), Json(stored)))
}

async fn list_interventions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        cycle::interventions(&state, caller.principal()).await?,
    ))
}

async fn create_intervention(
    State(state): State<AppState>,
    caller: Caller,
    q: NewRecordQuery,
    b: Result<Json<Intervention>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<Intervention>>), ApiError> {
    let v = visibility(q)?;
    let i = body(b)?;
    let stored = cycle::save_intervention(&state, caller.principal(), None, v, &i).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn get_intervention(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        cycle::intervention(&state, caller.principal(), id).await?,
    ))
}

async fn put_intervention(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<Intervention>>, JsonRejection>,
) -> Result<Json<Stored<Intervention>>, ApiError> {
    let v = body(b)?;
    let who = caller.principal();
    Ok(Json(
        cycle::save_intervention(
            &state,
            who,
            Some((id, v.version)),
            Visibility::Shared,
            &v.data,
        )
        .await?,
    ))
}

/// Optional overrides of the intervention's areas, to try a control before saving it.
#[derive(Debug, Deserialize, Default)]
struct EvaluationQuery {
    /// Comma-separated area ids.
    control: Option<String>,
    /// Comma-separated area ids.
    buffer: Option<String>,
}

fn ids(field: &str, s: &Option<String>) -> Result<Option<Vec<AreaId>>, ApiError> {
    s.as_deref()
        .map(|s| {
            s.split(',')
                .filter(|x| !x.trim().is_empty())
                .map(|x| {
                    x.trim().parse().map(AreaId).map_err(|_| {
                        ApiError::param(
                            field,
                            format!("{x:?} is not an area id; give numbers separated by commas."),
                        )
                    })
                })
                .collect()
        })
        .transpose()
}

async fn get_evaluation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<EvaluationQuery>,
) -> Result<Json<Value>, ApiError> {
    let overrides = EvaluationOverrides {
        control: ids("control", &q.control)?,
        buffer: ids("buffer", &q.buffer)?,
    };
    Ok(Json(
        cycle::evaluation(&state, caller.principal(), id, &overrides).await?,
    ))
}

/// The body of an approval (optional).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ApproveBody {
    #[serde(default)]
    comment: String,
}

async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Option<Json<ApproveBody>>,
) -> Result<(StatusCode, Json<Stored<FollowUp>>), ApiError> {
    let comment = b.map(|Json(b)| b.comment).unwrap_or_default();
    let (created, stored) =
        cycle::approve_follow_up(&state, caller.principal(), id, comment).await?;
    Ok((created_or_ok(created), Json(stored)))
}

async fn list_meetings(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        cycle::meetings(&state, caller.principal()).await?,
    ))
}

async fn create_meeting(
    State(state): State<AppState>,
    caller: Caller,
    q: NewRecordQuery,
    b: Result<Json<Meeting>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let v = visibility(q)?;
    let m = body(b)?;
    let (stored, carried) = cycle::create_meeting(&state, caller.principal(), v, m).await?;
    let mut v = serde_json::to_value(&stored).map_err(|e| ApiError::Internal(e.to_string()))?;
    v["carried_over"] = json!(carried);
    Ok((StatusCode::CREATED, Json(v)))
}

/// Other reads: `with_briefing=false` leaves the generated lägesbild out.
#[derive(Debug, Deserialize, Default)]
struct MeetingQuery {
    with_briefing: Option<bool>,
}

async fn get_meeting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<MeetingQuery>,
) -> Result<Json<Value>, ApiError> {
    let with_briefing = q.with_briefing.unwrap_or(true);
    let (m, briefing) = cycle::meeting(&state, caller.principal(), id, with_briefing).await?;
    let mut v = serde_json::to_value(&m).map_err(|e| ApiError::Internal(e.to_string()))?;
    if with_briefing {
        v["briefing"] = briefing;
    }
    Ok(Json(v))
}

async fn put_meeting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<Meeting>>, JsonRejection>,
) -> Result<Json<Stored<Meeting>>, ApiError> {
    let v = body(b)?;
    Ok(Json(
        cycle::save_meeting(&state, caller.principal(), id, v.version, v.data).await?,
    ))
}

/// Feedback to the reporters, newest first: all of it for the cycle's readers, a reporter's
/// own for a reporter. `{"items": [{"meeting_id", "date", "text", "report_ids",
/// "incident_ids"}]}`.
async fn feedback(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        cycle::feedback(&state, caller.principal()).await?,
    ))
}

async fn alerts(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<AlertQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    Ok(Json(cycle::alerts(&state, caller.principal(), &q).await?))
}

async fn alert_to_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> Result<(StatusCode, Json<Stored<Problem>>), ApiError> {
    let who = caller.principal();
    let problem = cycle::alert_problem(&state, who, &key).await?;
    let stored = cycle::save_problem(&state, who, None, Visibility::Shared, &problem).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}
