//! What makes the report form an installable app that works offline: the web app manifest and
//! the service worker (served from the root so that its scope is the whole site).

use axum::{http::header, response::IntoResponse};

/// `GET /manifest.webmanifest`.
pub(crate) async fn manifest() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/manifest+json")],
        include_str!("../../assets/manifest.webmanifest"),
    )
}

/// `GET /sw.js`.
pub(crate) async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../assets/sw.js"),
    )
}
