//! trygg's HTTP face.
//!
//! An axum router over an [`AppState`] holding the [`Store`]. Handlers parse and check input,
//! call the store, and shape answers; they hold no SQL and no statistics. Every error leaves as
//! [`ApiError`]: a status, a stable code and a message that says what to fix.

pub mod api;
pub mod auth;
pub mod error;
pub mod followup;
mod health;
pub mod ingest;
pub mod live;
pub mod time;

use std::sync::Arc;

use axum::Router;
use tower_http::trace::TraceLayer;
use trygg_store::Store;

pub use error::ApiError;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database (reads).
    pub store: Arc<dyn Store>,
    /// The way incidents and areas are written.
    pub ingest: ingest::Ingest,
    /// Local time zone for dates without an offset and for display (Europe/Stockholm).
    pub tz: jiff::tz::TimeZone,
}

impl AppState {
    /// State over `store` in time zone `tz`; loads the area index.
    pub async fn load(
        store: Arc<dyn Store>,
        tz: jiff::tz::TimeZone,
    ) -> Result<Self, trygg_store::StoreError> {
        let ingest = ingest::Ingest::load(store.clone(), tz.clone()).await?;
        Ok(Self { store, ingest, tz })
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .nest("/api/v1", api::routes())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
