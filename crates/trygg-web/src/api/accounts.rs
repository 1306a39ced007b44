//! `/api/v1/users` and `/api/v1/tokens`: the administrator's account tools for scripts (the
//! kommun's IT provisioning users). Each handler is one call of `trygg_app::accounts`, which
//! checks `manage_accounts` and audits.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post, put},
};
use serde::Deserialize;
use serde_json::{Value, json};
use trygg_app::accounts;
use trygg_domain::{Role, User, UserId};

use crate::{ApiError, AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(users))
        .route("/users/{id}/roles", put(set_roles))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
        .route("/tokens", get(tokens).post(create_token))
        .route("/tokens/{id}", axum::routing::delete(revoke_token))
}

fn user_json(u: &User) -> Value {
    json!({
        "id": u.id.0,
        "email": u.email,
        "display_name": u.display_name,
        "organisation_id": u.organisation_id,
        "roles": u.roles,
        "disabled": u.disabled,
    })
}

/// `GET /api/v1/users`.
async fn users(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let users = accounts::users(&state, caller.principal()).await?;
    Ok(Json(
        json!({ "items": users.iter().map(user_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesBody {
    roles: Vec<String>,
}

/// `PUT /api/v1/users/{id}/roles` with `{"roles": ["analyst", …]}`.
async fn set_roles(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(body): Json<RolesBody>,
) -> Result<StatusCode, ApiError> {
    let roles = body
        .roles
        .iter()
        .map(|r| {
            Role::parse(r).ok_or_else(|| {
                ApiError::param(
                    "roles",
                    format!("'{r}' is not a role: use admin, coordinator, analyst, reporter, steering or viewer."),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    accounts::set_roles(&state, caller.principal(), UserId(id), &roles).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/users/{id}/disable`: their sessions end and their tokens are revoked.
async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    accounts::set_disabled(&state, caller.principal(), UserId(id), true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/users/{id}/enable`.
async fn enable(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    accounts::set_disabled(&state, caller.principal(), UserId(id), false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/tokens`: every token, never the token itself.
async fn tokens(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let now = state.now();
    let items: Vec<Value> = accounts::tokens(&state, caller.principal())
        .await?
        .into_iter()
        .map(|t| {
            let live = t.live(now);
            let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
            v["live"] = live.into();
            v
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    user_id: i64,
    name: String,
    days: Option<u32>,
}

/// `POST /api/v1/tokens` with `{"user_id", "name", "days"}`: the token, shown once.
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<TokenBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let t = accounts::create_token(
        &state,
        caller.principal(),
        UserId(body.user_id),
        &body.name,
        body.days,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": t.id, "token": t.token, "expires_at": t.expires_at })),
    ))
}

/// `DELETE /api/v1/tokens/{id}`: revoked at once.
async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    accounts::revoke_token(&state, caller.principal(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
