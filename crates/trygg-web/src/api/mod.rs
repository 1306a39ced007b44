//! The JSON API under `/api/v1/`. Every route needs a [`Caller`](crate::auth::Caller).

mod cycle;
mod incidents;
mod stats;
mod transfer;

pub use incidents::ListQuery;

use axum::{Json, Router, routing::get};
use serde_json::{Value, json};
use trygg_domain::Taxonomy;

use crate::{AppState, auth::Caller};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/categories", get(categories))
        .merge(incidents::routes())
        .merge(stats::routes())
        .merge(transfer::routes())
        .merge(cycle::routes())
}

/// The taxonomy, for clients building forms and filters.
async fn categories(_caller: Caller) -> Json<Value> {
    Json(json!({ "items": Taxonomy.all() }))
}
