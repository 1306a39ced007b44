//! The partnership's records over JSON, under `/api/v1/partnership/`: the agreement (the
//! current one, and its history), governance bodies and their meetings, collaboration forms,
//! commitment plans, citizen promises and the communication plan.
//!
//! Same shapes and rules as the cycle's API (`api/cycle.rs`): records are answered as
//! `{"id", "kind", "version", …, "data": {…}}`, a `PUT` sends `{"version": N, "data": {…}}`
//! with the version it read (409 `conflict` if someone saved in between), bad input is 422 with
//! the field. The partnership's readers (`auth::PARTNERSHIP_ROLES`) may read; coordinators and
//! administrators (`auth::PARTNERSHIP_EDIT_ROLES`, as on `/samverkan`) may write. Plans are
//! checked against the stored agreement and kept one per year by `trygg_app::partnership`, which
//! the pages use too; a new agreement replaces the current one there as well.

use axum::{
    Json, Router,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
    routing::get,
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use trygg_domain::{
    cycle::Record,
    partnership::{
        Agreement, Body, BodyMeeting, CitizenPromise, CollaborationForm, CommitmentPlan,
        CommunicationPlan,
    },
};
use trygg_store::records::{self, Stored};

use super::cycle::{Versioned, body, create_typed, list_json, load, update_typed};
use crate::{
    ApiError, AppState,
    auth::{Caller, PARTNERSHIP_EDIT_ROLES, PARTNERSHIP_ROLES},
};
use trygg_app::partnership;

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
            "/partnership/communication-plan",
            get(get_communication).put(put_communication),
        )
}

/// A partnership record the generic handlers serve.
trait Rec: Record + Clone + Serialize + DeserializeOwned + Send + Sync + 'static {}
impl<T: Record + Clone + Serialize + DeserializeOwned + Send + Sync + 'static> Rec for T {}

fn may_read(caller: &Caller) -> Result<(), ApiError> {
    if caller.0.has_any(PARTNERSHIP_ROLES) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only the partnership's coordinators, analysts, styrgrupp and administrators may read its records.",
        ))
    }
}

fn may_write(caller: &Caller) -> Result<(), ApiError> {
    if caller.0.has_any(PARTNERSHIP_EDIT_ROLES) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "Only coordinators and administrators may change the partnership's records.",
        ))
    }
}

async fn list<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    may_read(&caller)?;
    Ok(list_json(records::list::<T>(state.store.as_ref()).await?))
}

async fn one<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Stored<T>>, ApiError> {
    may_read(&caller)?;
    Ok(Json(load::<T>(&state, id, T::KIND).await?))
}

async fn create<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<T>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<T>>), ApiError> {
    may_write(&caller)?;
    let value = body(b)?;
    create_typed(&state, &caller, &value).await
}

async fn put<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<T>>, JsonRejection>,
) -> Result<Json<Stored<T>>, ApiError> {
    may_write(&caller)?;
    let v = body(b)?;
    update_typed(&state, &caller, id, T::KIND, v).await
}

async fn remove<T: Rec>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    may_write(&caller)?;
    load::<T>(&state, id, T::KIND).await?;
    records::delete::<T>(state.store.as_ref(), &caller.actor(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /partnership/agreement`: the current agreement (the one whose period ends last).
async fn get_agreement(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Stored<Agreement>>, ApiError> {
    may_read(&caller)?;
    Ok(Json(
        partnership::require_agreement(state.store.as_ref()).await?,
    ))
}

/// `PUT /partnership/agreement`: version 0 (or absent) registers a new agreement that replaces
/// the current one (which joins its earlier agreements); the current version changes the
/// current agreement.
async fn put_agreement(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<Versioned<Agreement>>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<Agreement>>), ApiError> {
    may_write(&caller)?;
    let v = body(b)?;
    let store = state.store.as_ref();
    if v.version == 0 {
        let stored = partnership::create_agreement(
            store,
            &caller.actor(),
            caller.0.organisation_id,
            &v.data,
        )
        .await?;
        return Ok((StatusCode::CREATED, Json(stored)));
    }
    let current = partnership::require_agreement(store).await?;
    let stored =
        partnership::update_agreement(store, &caller.actor(), current.meta.id, v.version, &v.data)
            .await?;
    Ok((StatusCode::OK, Json(stored)))
}

/// `POST /partnership/commitment-plans`: checked against the current agreement, one per year.
async fn create_plan(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<CommitmentPlan>, JsonRejection>,
) -> Result<(StatusCode, Json<Stored<CommitmentPlan>>), ApiError> {
    may_write(&caller)?;
    let plan = body(b)?;
    let stored = partnership::create_plan(
        state.store.as_ref(),
        &caller.actor(),
        caller.0.organisation_id,
        &plan,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// `PUT /partnership/commitment-plans/{id}`: checked like a new plan.
async fn put_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    b: Result<Json<Versioned<CommitmentPlan>>, JsonRejection>,
) -> Result<Json<Stored<CommitmentPlan>>, ApiError> {
    may_write(&caller)?;
    let v = body(b)?;
    load::<CommitmentPlan>(&state, id, CommitmentPlan::KIND).await?;
    Ok(Json(
        partnership::update_plan(
            state.store.as_ref(),
            &caller.actor(),
            id,
            v.version,
            &v.data,
        )
        .await?,
    ))
}

/// The communication plan: the first one stored (the partnership keeps one).
async fn communication_plan(
    state: &AppState,
) -> Result<Option<Stored<CommunicationPlan>>, ApiError> {
    Ok(records::list::<CommunicationPlan>(state.store.as_ref())
        .await?
        .into_iter()
        .min_by_key(|p| p.meta.id))
}

/// `GET /partnership/communication-plan`.
async fn get_communication(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Stored<CommunicationPlan>>, ApiError> {
    may_read(&caller)?;
    communication_plan(&state)
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
    may_write(&caller)?;
    let v = body(b)?;
    match communication_plan(&state).await? {
        None if v.version == 0 => create_typed(&state, &caller, &v.data).await,
        None => Err(ApiError::NotFound(
            "No communication plan is stored yet; send version 0 to create it.".into(),
        )),
        Some(p) if v.version == 0 => Err(ApiError::Conflict(format!(
            "There is already a communication plan (version {}); send the version you read to change it.",
            p.meta.version
        ))),
        Some(p) => Ok((
            StatusCode::OK,
            update_typed(&state, &caller, p.meta.id, CommunicationPlan::KIND, v).await?,
        )),
    }
}
