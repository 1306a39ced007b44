//! The knowledge-based cycle over JSON: problems, cause analyses, interventions and their
//! follow-up, weekly EST meetings, and emerging-problem alerts.
//!
//! Records are stored in the generic record store and answered as
//! `{"id", "kind", "version", "organisation_id", "created_at", "updated_at", "created_by",
//! "data": {…}}`. A `PUT` sends `{"version": N, "data": {…}}` with the version it read: if
//! someone else saved in between, it gets 409 `conflict` and nothing changes. Every signed-in
//! user may read; writing needs the coordinator, analyst or admin role; approving a follow-up
//! needs coordinator or admin.

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection},
    http::StatusCode,
    routing::{get, post},
};
use jiff::{Span, civil::Date};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use trygg_analysis::{
    IndexSet,
    emerging::{EmergingOptions, detect},
    snapshot::{Granularity, PeriodKey},
};
use trygg_domain::{
    Area, AreaId, ErrorCode, IncidentFilter, Role, Taxonomy, ValidationError,
    cycle::{
        CauseAnalysis, FollowUp, Intervention, Meeting, Origin, OriginKind, Problem,
        ProblemDefinition, ProblemStatus, Record, TECHNIQUES, TechniqueGroup,
    },
};
use trygg_store::records::{self, Stored};

use crate::{ApiError, AppState, auth::Caller};
use trygg_app::followup;

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

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

fn may_write(caller: &Caller) -> Result<(), ApiError> {
    if caller.0.has_any(crate::auth::CYCLE_ROLES) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only coordinators, analysts and administrators may change problems, interventions and meetings.",
        ))
    }
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

pub(crate) fn not_found(kind: &str, id: i64) -> ApiError {
    ApiError::NotFound(format!("{kind} {id} does not exist."))
}

pub(crate) async fn load<T: Record>(
    state: &AppState,
    id: i64,
    what: &str,
) -> Result<Stored<T>, ApiError> {
    records::get::<T>(state.store.as_ref(), id)
        .await?
        .ok_or_else(|| not_found(what, id))
}

pub(crate) async fn create_typed<T: Record + Clone + Serialize>(
    state: &AppState,
    caller: &Caller,
    value: &T,
) -> Result<(StatusCode, Json<Stored<T>>), ApiError> {
    let stored = records::create(
        state.store.as_ref(),
        &caller.actor(),
        caller.0.organisation_id,
        value,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

pub(crate) async fn update_typed<T: Record + Clone + Serialize>(
    state: &AppState,
    caller: &Caller,
    id: i64,
    what: &str,
    v: Versioned<T>,
) -> Result<Json<Stored<T>>, ApiError> {
    load::<T>(state, id, what).await?;
    let stored = records::update(
        state.store.as_ref(),
        &caller.actor(),
        id,
        v.version,
        &v.data,
    )
    .await?;
    Ok(Json(stored))
}

pub(crate) fn list_json<T: Serialize>(items: Vec<T>) -> Json<Value> {
    Json(json!({ "items": items }))
}

fn today(state: &AppState) -> Date {
    jiff::Timestamp::now().to_zoned(state.tz.clone()).date()
}

fn ts(d: Date, state: &AppState) -> Option<jiff::Timestamp> {
    d.to_zoned(state.tz.clone()).ok().map(|z| z.timestamp())
}

pub(crate) async fn check_areas(
    state: &AppState,
    field: &str,
    ids: &[AreaId],
) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let areas = state.store.list_areas().await?;
    for (k, id) in ids.iter().enumerate() {
        if !areas.iter().any(|a| a.id == *id) {
            return Err(ApiError::Invalid(ValidationError::new(
                ErrorCode::Invalid,
                format!("{field}[{k}]"),
                format!("Area {id} does not exist. Pick one from the map or import it first."),
            )));
        }
    }
    Ok(())
}

/// The 25 techniques of situational crime prevention, grouped.
async fn techniques(_caller: Caller) -> Json<Value> {
    let groups: Vec<Value> = TechniqueGroup::ALL
        .iter()
        .map(|g| {
            json!({
                "group": g,
                "label_sv": g.label_sv(),
                "label_en": g.label_en(),
                "techniques": TECHNIQUES.iter().filter(|t| t.group == *g).collect::<Vec<_>>(),
            })
        })
        .collect();
    Json(json!({ "items": groups }))
}

// ---------------------------------------------------------------------------------------------
// Problems
// ---------------------------------------------------------------------------------------------

/// Live size of a problem: the count in its definition and the monthly trend, in the caller's
/// view. Drawn polygons count incidents with a point position inside them.
pub(crate) fn problem_size(state: &AppState, caller: &Caller, d: &ProblemDefinition) -> Value {
    let to =
        d.to.unwrap_or_else(|| today(state).tomorrow().unwrap_or(today(state)));
    let filter = IncidentFilter {
        categories: d.category_codes(),
        areas: d.areas.clone(),
        from: ts(d.from, state),
        to: ts(to, state),
        scope: caller.scope(),
        ..Default::default()
    };
    let live = state.ingest.live();
    let area_set: IndexSet = d.areas.iter().filter_map(|a| live.area_index(*a)).collect();
    let polygon = d.polygon.as_ref().and_then(|p| match p.crs {
        trygg_domain::cycle::Crs::Wgs84 => {
            trygg_geo::MultiPolygon::from_geojson_wgs84(&p.geometry).ok()
        }
        trygg_domain::cycle::Crs::Sweref99tm => {
            trygg_geo::MultiPolygon::from_geojson_sweref99tm(&p.geometry).ok()
        }
    });
    let tz = state.tz.clone();
    let monthly: Vec<(String, u32)> = live.with(&filter, |snap, f| {
        let mut f = f.clone();
        if d.polygon.is_none() {
            f.areas = Some(area_set.clone());
        }
        match &polygon {
            None => snap
                .counts(&f, Granularity::Month, false, false)
                .into_iter()
                .filter_map(|r| match r.period {
                    PeriodKey::Month { year, month } => {
                        Some((format!("{year}-{month:02}"), r.count))
                    }
                    _ => None,
                })
                .collect(),
            Some(poly) => {
                f.areas = None;
                f.point_usable_only = true;
                let mut m = std::collections::BTreeMap::<String, u32>::new();
                for r in snap.select(&f) {
                    if poly.contains([r.x, r.y]) {
                        let day = jiff::Timestamp::from_second(r.start)
                            .map(|t| t.to_zoned(tz.clone()).date())
                            .unwrap_or_default();
                        *m.entry(format!("{}-{:02}", day.year(), day.month()))
                            .or_default() += 1;
                    }
                }
                m.into_iter().collect()
            }
        }
    });
    let total: u64 = monthly.iter().map(|(_, n)| u64::from(*n)).sum();
    json!({
        "count": total,
        "period": {"from": d.from, "to": to},
        "monthly": monthly.iter().map(|(m, n)| json!({"month": m, "count": n})).collect::<Vec<_>>(),
    })
}

async fn list_problems(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        records::list::<Problem>(state.store.as_ref()).await?,
    ))
}

async fn create_problem(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<Problem>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<Problem>>), ApiError> {
    let p = body(b)?;
    let stored = save_problem(&state, &caller, None, &p).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Checks and writes a problem (new, or `(id, version read)`): what the API and the pages do.
pub(crate) async fn save_problem(
    state: &AppState,
    caller: &Caller,
    existing: Option<(i64, i64)>,
    p: &Problem,
) -> Result<Stored<Problem>, ApiError> {
    may_write(caller)?;
    p.validate()?;
    check_areas(state, "definition.areas", &p.definition.areas).await?;
    match existing {
        None => Ok(create_typed(state, caller, p).await?.1.0),
        Some((id, version)) => Ok(update_typed(
            state,
            caller,
            id,
            "Problem",
            Versioned {
                version,
                data: p.clone(),
            },
        )
        .await?
        .0),
    }
}

async fn get_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let p = load::<Problem>(&state, id, "Problem").await?;
    let size = problem_size(&state, &caller, &p.data.definition);
    let mut v = serde_json::to_value(&p).map_err(|e| ApiError::Internal(e.to_string()))?;
    v["computed"] = size;
    let interventions: Vec<i64> = records::list::<Intervention>(state.store.as_ref())
        .await?
        .into_iter()
        .filter(|i| i.data.problem_ids.contains(&id))
        .map(|i| i.meta.id)
        .collect();
    v["intervention_ids"] = json!(interventions);
    v["analysis_id"] = json!(find_analysis(&state, id).await?.map(|a| a.meta.id));
    Ok(Json(v))
}

async fn put_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<Problem>>, JsonRejection>,
) -> Result<Json<Stored<Problem>>, ApiError> {
    let v = body(b)?;
    Ok(Json(
        save_problem(&state, &caller, Some((id, v.version)), &v.data).await?,
    ))
}

// ---------------------------------------------------------------------------------------------
// Cause analysis (one per problem)
// ---------------------------------------------------------------------------------------------

pub(crate) async fn find_analysis(
    state: &AppState,
    problem: i64,
) -> Result<Option<Stored<CauseAnalysis>>, ApiError> {
    Ok(records::list::<CauseAnalysis>(state.store.as_ref())
        .await?
        .into_iter()
        .find(|a| a.data.problem_id == problem))
}

async fn get_analysis(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Stored<CauseAnalysis>>, ApiError> {
    load::<Problem>(&state, id, "Problem").await?;
    find_analysis(&state, id).await?.map(Json).ok_or_else(|| {
        ApiError::NotFound(format!(
            "Problem {id} has no cause analysis yet. Write one with PUT /api/v1/problems/{id}/analysis and version 0."
        ))
    })
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
    may_write(&caller)?;
    let v = body(b)?;
    let mut data = v.data.rest;
    data.insert("problem_id".into(), json!(id));
    let analysis: CauseAnalysis = serde_json::from_value(Value::Object(data))
        .map_err(|e| ApiError::InvalidJson(format!("The cause analysis is not valid: {e}.")))?;
    save_analysis(&state, &caller, v.version, &analysis)
        .await
        .map(|(s, a)| (s, Json(a)))
}

/// Checks and writes the cause analysis of `analysis.problem_id` (version 0: the first one).
pub(crate) async fn save_analysis(
    state: &AppState,
    caller: &Caller,
    version: i64,
    analysis: &CauseAnalysis,
) -> Result<(StatusCode, Stored<CauseAnalysis>), ApiError> {
    may_write(caller)?;
    let id = analysis.problem_id;
    load::<Problem>(state, id, "Problem").await?;
    analysis.validate()?;
    let store = state.store.as_ref();
    match find_analysis(state, id).await? {
        None if version == 0 => {
            let s =
                records::create(store, &caller.actor(), caller.0.organisation_id, analysis).await?;
            Ok((StatusCode::CREATED, s))
        }
        None => Err(ApiError::Conflict(format!(
            "Problem {id} has no cause analysis (version 0), but you sent version {}. Reload it.",
            version
        ))),
        Some(existing) => {
            let s = records::update(store, &caller.actor(), existing.meta.id, version, analysis)
                .await?;
            Ok((StatusCode::OK, s))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Interventions
// ---------------------------------------------------------------------------------------------

async fn check_intervention(state: &AppState, i: &Intervention) -> Result<(), ApiError> {
    i.validate()?;
    for (k, p) in i.problem_ids.iter().enumerate() {
        if records::get::<Problem>(state.store.as_ref(), *p)
            .await?
            .is_none()
        {
            return Err(ApiError::Invalid(ValidationError::new(
                ErrorCode::Invalid,
                format!("problem_ids[{k}]"),
                format!("Problem {p} does not exist."),
            )));
        }
    }
    for (k, h) in i.hypotheses.iter().enumerate() {
        let known = find_analysis(state, h.problem_id)
            .await?
            .is_some_and(|a| a.data.hypotheses.iter().any(|x| x.key == h.key));
        if !known {
            return Err(ApiError::Invalid(ValidationError::new(
                ErrorCode::Invalid,
                format!("hypotheses[{k}].key"),
                format!(
                    "The cause analysis of problem {} has no hypothesis {:?}.",
                    h.problem_id, h.key
                ),
            )));
        }
    }
    if let Some(c) = &i.commitment_ref {
        // Once the partnership has commitment plans, a link must name one of their commitments.
        let known = trygg_app::partnership::commitments(state.store.as_ref()).await?;
        if !known.is_empty() && !known.iter().any(|k| &k.id == c) {
            let mut ids: Vec<&str> = known.iter().map(|k| k.id.as_str()).collect();
            ids.truncate(12);
            return Err(ApiError::Invalid(ValidationError::new(
                ErrorCode::Invalid,
                "commitment_ref",
                format!(
                    "No stored commitment plan has a commitment {c:?}; name one of theirs ({}{}).",
                    ids.join(", "),
                    if known.len() > ids.len() { ", …" } else { "" }
                ),
            )));
        }
    }
    check_areas(state, "treated_areas", &i.treated_areas).await?;
    check_areas(state, "control_areas", &i.control_areas).await?;
    check_areas(state, "buffer_areas", &i.buffer_areas).await
}

async fn list_interventions(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        records::list::<Intervention>(state.store.as_ref()).await?,
    ))
}

async fn create_intervention(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<Intervention>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<Intervention>>), ApiError> {
    let i = body(b)?;
    let stored = save_intervention(&state, &caller, None, &i).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Checks and writes an intervention (new, or `(id, version read)`).
pub(crate) async fn save_intervention(
    state: &AppState,
    caller: &Caller,
    existing: Option<(i64, i64)>,
    i: &Intervention,
) -> Result<Stored<Intervention>, ApiError> {
    may_write(caller)?;
    check_intervention(state, i).await?;
    match existing {
        None => Ok(create_typed(state, caller, i).await?.1.0),
        Some((id, version)) => Ok(update_typed(
            state,
            caller,
            id,
            "Intervention",
            Versioned {
                version,
                data: i.clone(),
            },
        )
        .await?
        .0),
    }
}

async fn get_intervention(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let i = load::<Intervention>(&state, id, "Intervention").await?;
    let mut v = serde_json::to_value(&i).map_err(|e| ApiError::Internal(e.to_string()))?;
    let r = &i.data.resources;
    v["resources_total"] = json!({
        "planned_hours": r.iter().map(|x| x.planned_hours).sum::<f64>(),
        "planned_sek": r.iter().map(|x| x.planned_sek).sum::<f64>(),
        "used_hours": r.iter().map(|x| x.used_hours).sum::<f64>(),
        "used_sek": r.iter().map(|x| x.used_sek).sum::<f64>(),
    });
    v["follow_up_id"] = json!(find_follow_up(&state, id).await?.map(|f| f.meta.id));
    Ok(Json(v))
}

async fn put_intervention(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<Intervention>>, JsonRejection>,
) -> Result<Json<Stored<Intervention>>, ApiError> {
    let v = body(b)?;
    Ok(Json(
        save_intervention(&state, &caller, Some((id, v.version)), &v.data).await?,
    ))
}

// ---------------------------------------------------------------------------------------------
// Evaluation (follow-up)
// ---------------------------------------------------------------------------------------------

pub(crate) async fn find_follow_up(
    state: &AppState,
    intervention: i64,
) -> Result<Option<Stored<FollowUp>>, ApiError> {
    Ok(records::list::<FollowUp>(state.store.as_ref())
        .await?
        .into_iter()
        .find(|f| f.data.intervention_id == intervention))
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

/// The live follow-up of an intervention with its own areas, and the control suggestions.
pub(crate) async fn evaluate(
    state: &AppState,
    caller: &Caller,
    i: &Intervention,
) -> Result<(followup::FollowUpResult, Vec<followup::ControlSuggestion>), ApiError> {
    live_evaluation(state, caller, i, &EvaluationQuery::default()).await
}

/// Computes the live follow-up of an intervention, and the control suggestions.
async fn live_evaluation(
    state: &AppState,
    caller: &Caller,
    i: &Intervention,
    q: &EvaluationQuery,
) -> Result<(followup::FollowUpResult, Vec<followup::ControlSuggestion>), ApiError> {
    let mut categories = Vec::new();
    let mut problem_areas = Vec::new();
    for p in &i.problem_ids {
        if let Some(p) = records::get::<Problem>(state.store.as_ref(), *p).await? {
            categories.extend(p.data.definition.category_codes());
            problem_areas.extend(p.data.definition.areas.iter().copied());
        }
    }
    categories.sort();
    categories.dedup();
    let treated = if i.treated_areas.is_empty() {
        problem_areas
    } else {
        i.treated_areas.clone()
    };
    if treated.is_empty() {
        return Err(ApiError::Invalid(ValidationError::new(
            ErrorCode::Missing,
            "treated_areas",
            "The follow-up needs a treated area (åtgärdsområde): set treated_areas, or define the problem on areas.",
        )));
    }
    let control = ids("control", &q.control)?.unwrap_or_else(|| i.control_areas.clone());
    let buffer = ids("buffer", &q.buffer)?.unwrap_or_else(|| i.buffer_areas.clone());
    let input = followup::Input {
        categories: categories.clone(),
        treated: treated.clone(),
        control,
        buffer: buffer.clone(),
        start: i.start,
        end: i.end,
        today: today(state),
        scope: caller.scope(),
    };
    let live = state.ingest.live();
    let result = followup::compute(live, &state.tz, &input);
    let areas: Vec<Area> = state.store.list_areas().await?;
    let suggestions = followup::suggest_controls(
        live,
        &state.tz,
        &areas,
        &categories,
        &treated,
        &buffer,
        i.start,
        caller.scope(),
        5,
    );
    Ok((result, suggestions))
}

async fn get_evaluation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<EvaluationQuery>,
) -> Result<Json<Value>, ApiError> {
    let i = load::<Intervention>(&state, id, "Intervention").await?;
    let (result, suggestions) = live_evaluation(&state, &caller, &i.data, &q).await?;
    let approved = find_follow_up(&state, id).await?;
    let mut live = serde_json::to_value(&result).map_err(|e| ApiError::Internal(e.to_string()))?;
    live["status"] = json!("live");
    live["status_sv"] = json!(if approved.is_some() {
        "Beräknad nu ur dagens data; den godkända uppföljningen ovan är den som gäller."
    } else {
        "Beräknad nu ur dagens data; inte godkänd än."
    });
    Ok(Json(json!({
        "intervention_id": id,
        "approved": approved,
        "live": live,
        "control_suggestions": suggestions,
    })))
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
    approve_follow_up(&state, &caller, id, comment).await
}

/// Stores the live evaluation of intervention `id` as its approved follow-up (coordinators
/// and administrators only; not before a month has passed).
pub(crate) async fn approve_follow_up(
    state: &AppState,
    caller: &Caller,
    id: i64,
    comment: String,
) -> Result<(StatusCode, Json<Stored<FollowUp>>), ApiError> {
    if !(caller.0.has(Role::Coordinator) || caller.0.has(Role::Admin)) {
        return Err(ApiError::Forbidden(
            "Only coordinators and administrators may approve a follow-up.",
        ));
    }
    let i = load::<Intervention>(state, id, "Intervention").await?;
    let (result, _) = evaluate(state, caller, &i.data).await?;
    if result.months == 0 {
        return Err(ApiError::Invalid(ValidationError::new(
            ErrorCode::Invalid,
            "start",
            "Too early to approve a follow-up: the intervention has run for less than a month (för tidigt att följa upp).",
        )));
    }
    let mut evaluation =
        serde_json::to_value(&result).map_err(|e| ApiError::Internal(e.to_string()))?;
    evaluation["status"] = json!("approved");
    let follow_up = FollowUp {
        intervention_id: id,
        evaluation,
        approved_at: jiff::Timestamp::now(),
        approved_by: caller.0.display_name.clone(),
        comment,
    };
    approve_store(state, caller, follow_up).await
}

async fn approve_store(
    state: &AppState,
    caller: &Caller,
    follow_up: FollowUp,
) -> Result<(StatusCode, Json<Stored<FollowUp>>), ApiError> {
    let store = state.store.as_ref();
    let stored = match find_follow_up(state, follow_up.intervention_id).await? {
        // A new approval replaces the old; the audit log keeps every earlier one.
        Some(old) => (
            StatusCode::OK,
            records::update(
                store,
                &caller.actor(),
                old.meta.id,
                old.meta.version,
                &follow_up,
            )
            .await?,
        ),
        None => (
            StatusCode::CREATED,
            records::create(store, &caller.actor(), caller.0.organisation_id, &follow_up).await?,
        ),
    };
    Ok((stored.0, Json(stored.1)))
}

// ---------------------------------------------------------------------------------------------
// Meetings
// ---------------------------------------------------------------------------------------------

/// The generated lägesbild of a week: counts per category group that week, the week before,
/// and the mean of the four weeks before it, in the caller's view.
fn briefing(state: &AppState, caller: &Caller, (year, week): (i16, i8)) -> Value {
    let Ok(monday) =
        jiff::civil::ISOWeekDate::new(year, week, jiff::civil::Weekday::Monday).map(|d| d.date())
    else {
        return Value::Null;
    };
    let from = monday.checked_sub(Span::new().weeks(4)).unwrap_or(monday);
    let to = monday.checked_add(Span::new().weeks(1)).unwrap_or(monday);
    let filter = IncidentFilter {
        from: ts(from, state),
        to: ts(to, state),
        scope: caller.scope(),
        ..Default::default()
    };
    let rows = state.ingest.live().with(&filter, |snap, f| {
        snap.counts(f, Granularity::IsoWeek, true, false)
    });
    let mut groups: std::collections::BTreeMap<&'static str, [u32; 5]> = Default::default();
    let weeks: Vec<PeriodKey> = (0..5)
        .map(|k| {
            let d = from
                .checked_add(Span::new().weeks(k))
                .unwrap_or(from)
                .iso_week_date();
            PeriodKey::IsoWeek {
                year: d.year(),
                week: d.week(),
            }
        })
        .collect();
    for r in rows {
        let Some(slot) = weeks.iter().position(|w| *w == r.period) else {
            continue;
        };
        let Some(code) = r
            .category
            .and_then(|c| Taxonomy.all().get(usize::from(c)))
            .and_then(|c| Taxonomy.group_of(c.code))
            .map(|g| g.code)
        else {
            continue;
        };
        groups.entry(code).or_default()[slot] += r.count;
    }
    let items: Vec<Value> = groups
        .iter()
        .map(|(code, c)| {
            json!({
                "group": code,
                "label_sv": Taxonomy.get(code).map(|x| x.label_sv),
                "count": c[4],
                "previous_week": c[3],
                "mean_4_weeks_before": f64::from(c[0] + c[1] + c[2] + c[3]) / 4.0,
            })
        })
        .collect();
    let total: u32 = groups.values().map(|c| c[4]).sum();
    json!({
        "week": format!("{year}-W{week:02}"),
        "from": monday,
        "to": to,
        "total": total,
        "groups": items,
    })
}

async fn list_meetings(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Value>, ApiError> {
    let mut items = records::list::<Meeting>(state.store.as_ref()).await?;
    items.sort_by(|a, b| {
        b.data
            .date
            .cmp(&a.data.date)
            .then(b.meta.id.cmp(&a.meta.id))
    });
    Ok(list_json(items))
}

async fn create_meeting(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<Meeting>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let m = body(b)?;
    let (stored, carried) = create_meeting_checked(&state, &caller, m).await?;
    let mut v = serde_json::to_value(&stored).map_err(|e| ApiError::Internal(e.to_string()))?;
    v["carried_over"] = json!(carried);
    Ok((StatusCode::CREATED, Json(v)))
}

/// Checks and writes a new meeting, carrying over the open actions of the one before; returns
/// it and how many actions were carried over.
pub(crate) async fn create_meeting_checked(
    state: &AppState,
    caller: &Caller,
    mut m: Meeting,
) -> Result<(Stored<Meeting>, usize), ApiError> {
    may_write(caller)?;
    m.validate()?;
    let carried = carry_over(state, &mut m).await?;
    let (_, Json(stored)) = create_typed(state, caller, &m).await?;
    Ok((stored, carried))
}

/// Checks and writes a changed meeting (`version`: the one read).
pub(crate) async fn save_meeting(
    state: &AppState,
    caller: &Caller,
    id: i64,
    version: i64,
    mut data: Meeting,
) -> Result<Stored<Meeting>, ApiError> {
    may_write(caller)?;
    data.assign_action_keys();
    data.validate()?;
    Ok(
        update_typed(state, caller, id, "Meeting", Versioned { version, data })
            .await?
            .0,
    )
}

/// Assigns action keys and brings in the open actions of the latest earlier meeting.
async fn carry_over(state: &AppState, m: &mut Meeting) -> Result<usize, ApiError> {
    m.assign_action_keys();
    let previous = records::list::<Meeting>(state.store.as_ref())
        .await?
        .into_iter()
        .filter(|p| p.data.date < m.date)
        .max_by(|a, b| {
            a.data
                .date
                .cmp(&b.data.date)
                .then(a.meta.id.cmp(&b.meta.id))
        });
    Ok(previous.map_or(0, |p| m.carry_over_from(p.meta.id, &p.data)))
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
    let m = load::<Meeting>(&state, id, "Meeting").await?;
    let mut v = serde_json::to_value(&m).map_err(|e| ApiError::Internal(e.to_string()))?;
    if q.with_briefing.unwrap_or(true) {
        v["briefing"] = briefing(&state, &caller, m.data.briefing_week());
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
        save_meeting(&state, &caller, id, v.version, v.data).await?,
    ))
}

/// Feedback to the reporters from every meeting, newest first: what reporters see in their own
/// view. `{"items": [{"meeting_id", "date", "text", "report_ids", "incident_ids"}]}`.
async fn feedback(State(state): State<AppState>, _caller: Caller) -> Result<Json<Value>, ApiError> {
    let mut meetings = records::list::<Meeting>(state.store.as_ref()).await?;
    meetings.sort_by(|a, b| {
        b.data
            .date
            .cmp(&a.data.date)
            .then(b.meta.id.cmp(&a.meta.id))
    });
    let items: Vec<Value> = meetings
        .iter()
        .flat_map(|m| {
            m.data.feedback.iter().map(|f| {
                json!({
                    "meeting_id": m.meta.id,
                    "date": m.data.date,
                    "text": f.text,
                    "report_ids": f.report_ids,
                    "incident_ids": f.incident_ids,
                })
            })
        })
        .collect();
    Ok(list_json(items))
}

// ---------------------------------------------------------------------------------------------
// Emerging-problem alerts
// ---------------------------------------------------------------------------------------------

/// `until`: the alerts of the complete weeks before this date's week (default today);
/// `weeks`: how many weeks back to check (default 4, at most 104).
#[derive(Debug, Deserialize, Default)]
struct AlertQuery {
    until: Option<String>,
    weeks: Option<usize>,
}

const WEEK_EPOCH: Date = jiff::civil::date(1969, 12, 29);

fn week_start(week: i64) -> Date {
    WEEK_EPOCH
        .checked_add(Span::new().days(week * 7))
        .unwrap_or(WEEK_EPOCH)
}

fn alert_key(category: &str, area: AreaId, monday: Date) -> String {
    format!("{category}:{area}:{monday}")
}

async fn alerts(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<AlertQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    let until: Date = match &q.until {
        Some(s) => s.parse().map_err(|_| {
            ApiError::param(
                "until",
                format!("{s:?} is not a date; write it as 2024-05-06."),
            )
        })?,
        None => today(&state),
    };
    let weeks = q.weeks.unwrap_or(4).clamp(1, 104);
    let options = EmergingOptions {
        weeks_to_check: weeks,
        ..Default::default()
    };
    // Complete weeks only: up to the Monday of `until`'s week.
    let end = until
        .checked_sub(Span::new().days(i64::from(until.weekday().to_monday_zero_offset())))
        .unwrap_or(until);
    let start = end
        .checked_sub(Span::new().weeks((options.years_back as i64 + 1) * 53 + weeks as i64))
        .unwrap_or(end);
    let filter = IncidentFilter {
        from: ts(start, &state),
        to: ts(end, &state),
        scope: caller.scope(),
        ..Default::default()
    };
    let areas = state.store.list_areas().await?;
    let live = state.ingest.live();
    let by_index: std::collections::HashMap<u16, &Area> = areas
        .iter()
        .filter_map(|a| live.area_index(a.id).map(|i| (i, a)))
        .collect();
    let report = live.with(&filter, |snap, f| detect(&snap.weekly_series(f), &options));
    let mut items: Vec<Value> = report
        .flags
        .iter()
        .filter_map(|flag| {
            let category = Taxonomy.all().get(usize::from(flag.category))?;
            let area = by_index.get(&flag.area)?;
            let monday = week_start(flag.week);
            let iso = monday.iso_week_date();
            Some(json!({
                "key": alert_key(category.code, area.id, monday),
                "category": category.code,
                "category_label_sv": category.label_sv,
                "area_id": area.id,
                "area_name": area.name,
                "area_kind": area.kind,
                "week": format!("{}-W{:02}", iso.year(), iso.week()),
                "week_start": monday,
                "observed": flag.observed,
                "expected": flag.baseline_mean,
                "upper_control_limit": flag.ucl,
                "p": flag.p,
                "model": flag.model,
                "text_sv": format!(
                    "{} i {}: {} händelser vecka {} mot normalt omkring {} (övre kontrollgräns {}).",
                    category.label_sv, area.name, flag.observed, iso.week(),
                    trygg_analysis::special::sv_number(flag.baseline_mean, 1, true), flag.ucl
                ),
            }))
        })
        .collect();
    items.sort_by(|a, b| {
        b["week_start"]
            .as_str()
            .cmp(&a["week_start"].as_str())
            .then(
                a["p"]
                    .as_f64()
                    .unwrap_or(1.0)
                    .total_cmp(&b["p"].as_f64().unwrap_or(1.0)),
            )
    });
    Ok(Json(json!({
        "items": items,
        "weeks_checked": weeks,
        "until": end,
        "series_tested": report.series_tested,
        "weeks_tested": report.weeks_tested,
        "expected_false_alerts": report.expected_false_flags,
        "summary_sv": report.swedish_summary(),
    })))
}

/// The draft problem an alert key (`category:area:week-start`) turns into, not yet stored.
pub(crate) async fn alert_problem(
    state: &AppState,
    caller: &Caller,
    key: &str,
) -> Result<Problem, ApiError> {
    let bad = || {
        ApiError::NotFound(format!(
            "{key:?} is not an alert key; use a key from GET /api/v1/alerts (category:area:week-start)."
        ))
    };
    let mut parts = key.splitn(3, ':');
    let (Some(code), Some(area), Some(monday)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let category = Taxonomy.get(code).ok_or_else(bad)?;
    let area_id = AreaId(area.parse().map_err(|_| bad())?);
    let monday: Date = monday.parse().map_err(|_| bad())?;
    let area = state
        .store
        .list_areas()
        .await?
        .into_iter()
        .find(|a| a.id == area_id)
        .ok_or_else(bad)?;
    let iso = monday.iso_week_date();
    let place = area.name.trim_end_matches(" (ungefärlig)").to_string();
    Ok(Problem {
        title: format!("{} i {place}", category.label_sv),
        description: format!(
            "Skapad ur ett larm om ett nytt problem: fler händelser än vanligt vecka {} {}. Beskriv problemet och gör en orsaksanalys.",
            iso.week(),
            iso.year()
        ),
        definition: ProblemDefinition {
            categories: vec![category.code.to_string()],
            areas: vec![area_id],
            polygon: None,
            from: monday,
            to: None,
        },
        origin: Origin {
            kind: OriginKind::EmergingAlert,
            reference: Some(key.to_string()),
        },
        status: ProblemStatus::Draft,
        owners: vec![caller.0.organisation_id],
    })
}

async fn alert_to_problem(
    State(state): State<AppState>,
    caller: Caller,
    Path(key): Path<String>,
) -> Result<(StatusCode, Json<Stored<Problem>>), ApiError> {
    may_write(&caller)?;
    let problem = alert_problem(&state, &caller, &key).await?;
    create_typed(&state, &caller, &problem).await
}
