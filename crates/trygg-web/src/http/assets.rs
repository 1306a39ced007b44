//! `/assets/*`: every file under `crates/trygg-web/assets/`, embedded in the binary (debug
//! builds too), so nothing is fetched from a CDN and a single binary is the whole app.
//!
//! Each answer carries its content type, a strong `ETag` (SHA-256 of the bytes) and
//! `Cache-Control`: vendored libraries (`/assets/vendor/…`, pinned by `assets/vendor.sh`) may be
//! cached for a day; the app's own files are revalidated on every use (`no-cache`, answered with
//! 304 when the ETag still matches), so a new binary is picked up at once.
//!
//! A few files are made from other crates' constants and served as if they lay in `assets/`
//! ([`GENERATED`]): the reports' content styles, which a page that embeds a report links, since
//! no page may carry an inline style.

use std::{collections::HashMap, sync::OnceLock};

use axum::{
    Router,
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};

use crate::AppState;

static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// `/assets/{*path}`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/assets/{*path}", get(asset))
}

/// Assets that are another crate's text: (path under `/assets/`, contents).
const GENERATED: &[(&str, &str)] = &[("report.css", trygg_report::html::CONTENT_CSS)];

/// The embedded bytes of an asset (path relative to `assets/`), for tests and other modules.
pub fn get_asset(path: &str) -> Option<&'static [u8]> {
    ASSETS.get_file(path).map(|f| f.contents()).or_else(|| {
        GENERATED
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, text)| text.as_bytes())
    })
}

fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn etags() -> &'static HashMap<&'static str, String> {
    static ETAGS: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    ETAGS.get_or_init(|| {
        let mut map = HashMap::new();
        let mut stack = vec![&ASSETS];
        while let Some(dir) = stack.pop() {
            for f in dir.files() {
                if let Some(p) = f.path().to_str() {
                    map.insert(p, etag(f.contents()));
                }
            }
            stack.extend(dir.dirs());
        }
        for (p, text) in GENERATED {
            map.insert(*p, etag(text.as_bytes()));
        }
        map
    })
}

/// A fingerprint of every embedded asset: it changes whenever any asset does. The service
/// worker names its cache by it, so phones drop cached assets when a new binary is deployed.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let mut tags: Vec<_> = etags().iter().collect();
        tags.sort();
        let mut h = Sha256::new();
        for (path, tag) in tags {
            h.update(path.as_bytes());
            h.update(tag.as_bytes());
        }
        h.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    })
}

/// The content type for a file name.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "sh" | "txt" | "md" | "" => "text/plain; charset=utf-8",
        _ if path.ends_with("LICENSE") || path.ends_with("VERSION") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(file) = get_asset(&path) else {
        return (StatusCode::NOT_FOUND, "No such asset.").into_response();
    };
    let etag = etags().get(path.as_str()).cloned().unwrap_or_default();
    let cache = if path.starts_with("vendor/") {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    let mut out = HeaderMap::new();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, v);
    }
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    (out, file).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_libraries_are_embedded() {
        assert!(get_asset("vendor/leaflet/leaflet.js").is_some());
        assert!(get_asset("vendor/leaflet/leaflet.css").is_some());
        assert!(get_asset("vendor/uplot/uPlot.iife.min.js").is_some());
        assert!(get_asset("dashboard.js").is_some());
        assert_eq!(
            get_asset("report.css"),
            Some(trygg_report::html::CONTENT_CSS.as_bytes())
        );
        assert!(etags()["report.css"].starts_with('"'));
        assert_eq!(
            content_type("vendor/leaflet/leaflet.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("vendor/leaflet/LICENSE"),
            "text/plain; charset=utf-8"
        );
        assert!(etags()["vendor/leaflet/leaflet.css"].starts_with('"'));
    }
}
