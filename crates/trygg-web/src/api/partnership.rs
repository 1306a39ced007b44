//! The partnership's records over JSON, under `/api/v1/partnership/`: the agreement (the
//! current one, and its history), governance bodies and their meetings, collaboration forms,
//! commitment plans, citizen promises and the communication plan.
//!
//! Same shapes and rules as the cycle's API (`api/cycle.rs`): records are answered as
//! `{"id", "kind", "version", …, "data": {…}}`, a `PUT` sends `{"version": N, "data": {…}}`
//! with the version it read (409 `conflict` if someone saved in between), bad input is 422 with
//! the field. Who may read and write is `trygg_app::partnership::cases`' (the policy's
//! `read_partnership` and `write_partnership`, the latter only for a party to the current
//! agreement), which the pages call too. Plans are checked against the stored agreement and
//! kept one per year; a new agreement replaces the current one.

use axum::{
    Json, Router,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
    routing::get,
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use trygg_app::{Stored, partnership::cases};
use trygg_domain::{
    cycle::Record,
    partnership::{
        Agreement, Body, BodyMeeting, CitizenPromise, CollaborationForm, CommitmentPlan,
        CommunicationPlan, LawDecision,
    },
};

use super::cycle::{Versioned, body, list_json};
use crate::{ApiError, AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/partnership/agreement",
            get(get_agreement).put(put_agreement),
        )
        .route("/partnership/agreements", get(list::<Agreement>))
        .route(
            "/partnership/bodies",
            get(list::<Body>).post(create::<Body>),
        )
        .route(
            "/partnership/bodies/{id}",
            get(one::<Body>).put(put::<Body>).delete(remove::<Body>),
        )
        .route(
            "/partnership/body-meetings",
            get(list::<BodyMeeting>).post(create::<BodyMeeting>),
        )
        .route(
            "/partnership/body-meetings/{id}",
            get(one::<BodyMeeting>)
                .put(put::<BodyMeeting>)
                .delete(remove::<BodyMeeting>),
        )
        .route(
            "/partnership/collaboration-forms",
            get(list::<CollaborationForm>).post(create::<CollaborationForm>),
        )
        .route(
            "/partnership/collaboration-forms/{id}",
            get(one::<CollaborationForm>)
                .put(put::<CollaborationForm>)
                .delete(remove::<CollaborationForm>),
        )
        .route(
            "/partnership/commitment-plans",
            get(list::<CommitmentPlan>).post(create_plan),
        )
        .route(
            "/partnership/commitment-plans/{id}",
            get(one::<CommitmentPlan>)
                .put(put_plan)
                .delete(remove::<CommitmentPlan>),
        )
        .route(
            "/partnership/citizen-promises",
            get(list::<CitizenPromise>).post(create::<CitizenPromise>),
        )
        .route(
            "/partnership/citizen-promises/{id}",
            get(one::<CitizenPromise>)
                .put(put::<CitizenPromise>)
                .delete(remove::<CitizenPromise>),
        )
        .route(
            "/partnership/law-decisions",
            get(list::<LawDecision>).post(create::<LawDecision>),
        )
        .route(
            "/partnership/law-decisions/{id}",
            get(one::<LawDecision>)
                .put(put::<LawDecision>)
                .delete(remove::<LawDecision>),
        )
        .route(
            "/partnership/communication-plan",
            get(get_communication).put(put_communication),
        )
}

/// A partnership record the generic handlers serve.
trait Rec: Record + Clone + Serialize + DeserializeOwned + Send + Sync + 'static {}
impl<T: Record + Clone + Serialize + DeserializeOwned + Send + Sync + 'static> Rec for T {}

fn status(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

async fn list<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        cases::list::<T>(&state, caller.principal()).await?,
    ))
}

async fn one<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Stored<T>>, ApiError> {
    Ok(Json(cases::get::<T>(&state, caller.principal(), id).await?))
}

async fn create<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<T>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<T>>), ApiError> {
    let value = body(b)?;
    let stored = cases::create(&state, caller.principal(), &value).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

async fn put<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<T>>, JsonRejection>,
) -> Result<Json<Stored<T>>, ApiError> {
    let v = body(b)?;
    Ok(Json(
        cases::update(&state, caller.principal(), id, v.version, &v.data).await?,
    ))
}

async fn remove<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    cases::delete::<T>(&state, caller.principal(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /partnership/agreement`: the current agreement (the one whose period ends last).
async fn get_agreement(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Stored<Agreement>>, ApiError> {
    Ok(Json(cases::agreement(&state, caller.principal()).await?))
}

/// `PUT /partnership/agreement`: version 0 (or absent) registers a new agreement that replaces
/// the current one (which joins its earlier agreements); the current version changes the
/// current agreement.
async fn put_agreement(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<Versioned<Agreement>>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<Agreement>>), ApiError> {
    let v = body(b)?;
    let (created, stored) =
        cases::put_agreement(&state, caller.principal(), v.version, &v.data).await?;
    Ok((status(created), Json(stored)))
}

/// `POST /partnership/commitment-plans`: checked against the current agreement, one per year.
async fn create_plan(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<CommitmentPlan>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<CommitmentPlan>>), ApiError> {
    let plan = body(b)?;
    let stored = cases::create_plan(&state, caller.principal(), &plan).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// `PUT /partnership/commitment-plans/{id}`: checked like a new plan.
async fn put_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<CommitmentPlan>>, JsonRejection>,
) -> Result<Json<Stored<CommitmentPlan>>, ApiError> {
    let v = body(b)?;
    Ok(Json(
        cases::update_plan(&state, caller.principal(), id, v.version, &v.data).await?,
    ))
}

/// `GET /partnership/communication-plan`.
async fn get_communication(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Stored<CommunicationPlan>>, ApiError> {
    cases::communication_plan(&state, caller.principal())
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound("No communication plan is stored yet.".into()))
}

/// `PUT /partnership/communication-plan`: version 0 creates it (if there is none), the current
/// version changes it.
async fn put_communication(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<Versioned<CommunicationPlan>>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<CommunicationPlan>>), ApiError> {
    let v = body(b)?;
    let (created, stored) =
        cases::put_communication_plan(&state, caller.principal(), v.version, &v.data).await?;
    Ok((status(created), Json(stored)))
}
