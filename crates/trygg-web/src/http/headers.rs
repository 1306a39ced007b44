//! The security headers every answer carries, set once around the whole router.
//!
//! The Content-Security-Policy lets a page run only the scripts and styles of `/assets/` (no
//! inline `<script>`, `on…=` handler, `<style>` or `style=`), load images from itself, `data:`
//! URIs and the configured map tile server, talk only to its own origin, and never be framed.
//! Pages pass their data to the scripts in `data-*` attributes. `Cache-Control: no-store` is
//! the default for every answer that sets no caching of its own — the pages and the JSON API
//! carry personal and internal data, so no browser or proxy keeps a copy — while the assets
//! keep theirs (`http::assets`). `Strict-Transport-Security` is sent only when the cookies are
//! `Secure` (`[web] secure_cookies`), that is behind HTTPS.

use axum::{
    Router,
    http::{HeaderName, HeaderValue, header},
};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::WebConfig;

/// The origin to allow images from for a tile URL template: `https://tile.openstreetmap.org`
/// for `https://tile.openstreetmap.org/{z}/{x}/{y}.png`, `https://*.tile.example.se` for a
/// `{s}` subdomain. `None` for an empty template, or one that is not plainly `http(s)://host`.
pub fn tile_origin(tile_url: &str) -> Option<String> {
    let url = tile_url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // A placeholder label (`{s}`, `{switch:a,b}`) becomes the wildcard CSP allows.
    let host = match host.split_once('.') {
        Some((first, tail)) if first.starts_with('{') && first.ends_with('}') => {
            format!("*.{tail}")
        }
        _ => host.to_string(),
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    let ok = !host.is_empty()
        && host.trim_start_matches("*.").chars().all(plain)
        && !host.trim_start_matches("*.").is_empty();
    ok.then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// The Content-Security-Policy for these settings.
pub fn content_security_policy(config: &WebConfig) -> String {
    let tiles = tile_origin(&config.tile_url)
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
         object-src 'none'"
    )
}

/// The headers, as (name, value, whether an answer's own value wins).
fn headers(config: &WebConfig) -> Vec<(HeaderName, HeaderValue, bool)> {
    let csp = HeaderValue::from_str(&content_security_policy(config))
        .expect("the policy is made of visible ASCII (tile_origin lets no other through)");
    let mut out = vec![
        (header::CONTENT_SECURITY_POLICY, csp, false),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
            false,
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
            false,
        ),
        (
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
            false,
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
            true,
        ),
    ];
    if config.secure_cookies {
        out.push((
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
            false,
        ));
    }
    out
}

/// `router` with the security headers on every answer, the fallback's included.
pub fn apply(router: Router, config: &WebConfig) -> Router {
    headers(config)
        .into_iter()
        .fold(router, |router, (name, value, answer_wins)| {
            router.layer(if answer_wins {
                SetResponseHeaderLayer::if_not_present(name, value)
            } else {
                SetResponseHeaderLayer::overriding(name, value)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tile_server_is_the_only_other_image_origin() {
        assert_eq!(
            tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        assert_eq!(
            tile_origin("https://{s}.tile.example.se:8443/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.example.se:8443")
        );
        assert_eq!(
            tile_origin("HTTP://Kartor.Kommun.se/wmts?x={x}").as_deref(),
            Some("http://kartor.kommun.se")
        );
        // The quote ends the host; what follows is the path, never part of the policy.
        assert_eq!(
            tile_origin("https://t/{z}\"><script>").as_deref(),
            Some("https://t")
        );
        for refused in [
            "",
            "/tiles/{z}/{x}/{y}.png",
            "javascript:alert(1)",
            "https://t; script-src *",
            "https://{s}/x",
            "https://",
        ] {
            assert_eq!(tile_origin(refused), None, "{refused:?}");
        }
        let csp = content_security_policy(&WebConfig::default());
        assert!(
            csp.contains("img-src 'self' data: https://tile.openstreetmap.org;"),
            "{csp}"
        );
        let none = content_security_policy(&WebConfig {
            tile_url: String::new(),
            ..WebConfig::default()
        });
        assert!(none.contains("img-src 'self' data:;"), "{none}");
        assert!(!none.contains("unsafe"), "{none}");
    }
}
