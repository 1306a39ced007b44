//! `/api/v1/incidents`: create, get, list with filters.

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::JsonRejection},
    http::StatusCode,
    routing::get,
};
use serde::Deserialize;
use trygg_domain::{
    Channel, ErrorCode, Incident, IncidentId, NewIncident, Page, PlaceType, Position, Precision,
    ValidationError, Visibility,
};

use crate::{ApiError, AppState, auth::Caller};
use trygg_app::{
    incidents::{self, IncidentQuery},
    time::parse_time,
};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list).post(create))
        .route("/incidents/{id}", get(get_one))
        .route("/reports", axum::routing::post(create_report))
}

/// A position as a client sends it: WGS84 `lat`/`lon`, or SWEREF 99 TM `n`/`e` in metres.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PositionBody {
    lat: Option<f64>,
    lon: Option<f64>,
    n: Option<f64>,
    e: Option<f64>,
    #[serde(default)]
    precision: Option<Precision>,
}

/// The body of `POST /api/v1/incidents`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentBody {
    occurred_from: String,
    occurred_to: Option<String>,
    category: String,
    place_type: Option<PlaceType>,
    position: Option<PositionBody>,
    place: Option<String>,
    description: Option<String>,
    external_id: Option<String>,
    #[serde(default)]
    visibility: Visibility,
}

fn invalid(code: ErrorCode, field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(ValidationError::new(code, field, message))
}

fn position(p: PositionBody) -> Result<Position, ApiError> {
    let precision = p.precision.unwrap_or(Precision::Exact);
    match (p.lat, p.lon, p.n, p.e) {
        (Some(lat), Some(lon), None, None) => Ok(Position::from_wgs84(lat, lon, precision)?),
        (None, None, Some(n), Some(e)) => Ok(Position::from_sweref99tm(n, e, precision)?),
        _ => Err(invalid(
            ErrorCode::Invalid,
            "position",
            "Give either lat and lon (WGS84 degrees) or n and e (SWEREF 99 TM metres).",
        )),
    }
}

impl IncidentBody {
    /// The incident this body describes, filed by `caller` through `channel`.
    fn into_new(
        self,
        tz: &jiff::tz::TimeZone,
        caller: &Caller,
        channel: Channel,
    ) -> Result<NewIncident, ApiError> {
        let occurred_from = parse_time(&self.occurred_from, tz)
            .map_err(|m| invalid(ErrorCode::Invalid, "occurred_from", m))?;
        let occurred_to = self
            .occurred_to
            .as_deref()
            .map(|s| parse_time(s, tz))
            .transpose()
            .map_err(|m| invalid(ErrorCode::Invalid, "occurred_to", m))?;
        Ok(NewIncident {
            occurred_from,
            occurred_to,
            reported_at: None,
            category: self.category,
            place_type: self.place_type,
            position: self.position.map(position).transpose()?,
            place: self.place,
            source_org: caller.0.organisation_id,
            channel,
            external_id: self.external_id,
            description: self.description,
            visibility: self.visibility,
            report_id: None,
            created_by: Some(caller.0.id),
        })
    }
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<IncidentBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Incident>), ApiError> {
    let Json(b) = body?;
    let incident = b.into_new(&state.tz, &caller, Channel::Api)?;
    let created = incidents::create(&state, caller.principal(), incident).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The body of `POST /api/v1/reports`: an EST report holding one or more events.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportBody {
    events: Vec<IncidentBody>,
}

/// A filed report with its events.
#[derive(Debug, serde::Serialize)]
struct FiledReport {
    report: trygg_domain::Report,
    events: Vec<Incident>,
}

/// Files an EST report: every event is checked before anything is stored.
async fn create_report(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<ReportBody>, JsonRejection>,
) -> Result<(StatusCode, Json<FiledReport>), ApiError> {
    let Json(b) = body?;
    if b.events.is_empty() {
        return Err(invalid(
            ErrorCode::Missing,
            "events",
            "A report needs at least one event.",
        ));
    }
    let mut incidents = Vec::with_capacity(b.events.len());
    for (k, e) in b.events.into_iter().enumerate() {
        incidents.push(
            e.into_new(&state.tz, &caller, Channel::Est)
                .map_err(|err| match err {
                    ApiError::Invalid(mut v) => {
                        v.field = format!("events[{k}].{}", v.field);
                        ApiError::Invalid(v)
                    }
                    other => other,
                })?,
        );
    }
    let (report, events) = incidents::file_report(&state, caller.principal(), incidents)
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Invalid(mut v) => {
                v.field = v.field.replacen("incidents[", "events[", 1);
                ApiError::Invalid(v)
            }
            other => other,
        })?;
    Ok((StatusCode::CREATED, Json(FiledReport { report, events })))
}

async fn get_one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Incident>, ApiError> {
    Ok(Json(
        incidents::get(&state, caller.principal(), IncidentId(id)).await?,
    ))
}

async fn list(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<IncidentQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Page<Incident>>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::param("query", e.body_text()))?;
    let filter = q.filter(&state.tz, caller.scope())?;
    Ok(Json(
        incidents::list(&state, caller.principal(), filter).await?,
    ))
}
