//! The taxonomy and the partnership's own words for it: `GET/POST /api/v1/categories` (every
//! category, own ones marked `"own": true`; an administrator adds one under a standard group)
//! and `GET/POST/DELETE /api/v1/category-synonyms` (the values imports read as categories).
//! Who may is `trygg_app::categories`' and `trygg_app::synonyms`', as on `/admin/kategorier`.

use axum::{
    Json, Router,
    extract::{Path, State, rejection::JsonRejection},
    http::StatusCode,
    routing::{delete, get},
};
use serde::Deserialize;
use serde_json::{Value, json};
use trygg_app::categories::{self, NewCategory};
use trygg_domain::{Permission, Taxonomy};

use super::cycle::{body, list_json};
use crate::{ApiError, AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/categories", get(list).post(add))
        .route("/category-synonyms", get(synonyms).post(add_synonym))
        .route("/category-synonyms/{id}", delete(remove_synonym))
}

/// The taxonomy, for clients building forms and filters.
async fn list(caller: Caller) -> Result<Json<Value>, ApiError> {
    caller.principal().check(Permission::ReadReference)?;
    Ok(Json(json!({ "items": Taxonomy.all() })))
}

/// `POST /api/v1/categories`: `{"group", "code"?, "label_sv", "label_en"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryBody {
    group: String,
    #[serde(default)]
    code: Option<String>,
    label_sv: String,
    label_en: String,
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<CategoryBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b = body(b)?;
    let new = NewCategory {
        group: b.group,
        code: b.code,
        label_sv: b.label_sv,
        label_en: b.label_en,
    };
    let stored = categories::add(&state, caller.principal(), &new).await?;
    Ok((StatusCode::CREATED, Json(json!(stored))))
}

async fn synonyms(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    Ok(list_json(
        trygg_app::synonyms::list(&state, caller.principal()).await?,
    ))
}

/// `POST /api/v1/category-synonyms`: `{"value", "code"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SynonymBody {
    value: String,
    code: String,
}

async fn add_synonym(
    State(state): State<AppState>,
    caller: Caller,
    b: Result<Json<SynonymBody>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let b = body(b)?;
    let stored = trygg_app::synonyms::add(&state, caller.principal(), &b.value, &b.code).await?;
    Ok((StatusCode::CREATED, Json(json!(stored))))
}

async fn remove_synonym(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    trygg_app::synonyms::remove(&state, caller.principal(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
