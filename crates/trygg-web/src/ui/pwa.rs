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
        include_str!("../../assets/sw.js").replace("ASSETS_VERSION", crate::assets::version()),
    )
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;

    use super::*;

    #[tokio::test]
    async fn the_service_worker_caches_under_the_assets_fingerprint() {
        let res = service_worker().await.into_response();
        let body = to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let js = String::from_utf8(body.to_vec()).unwrap();
        let version = crate::assets::version();
        assert_eq!(version.len(), 12);
        assert!(
            js.contains(&format!("const CACHE = \"trygg-{version}\";")),
            "{js}"
        );
        assert!(!js.contains("ASSETS_VERSION"));
        // Every file the worker pre-caches exists.
        for asset in js
            .lines()
            .filter_map(|l| l.trim().strip_prefix("\"/assets/"))
        {
            let path = asset.trim_end_matches(['"', ',']);
            assert!(crate::assets::get_asset(path).is_some(), "{path}");
        }
    }
}
