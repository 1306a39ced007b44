//! Browser sessions over HTTP: the cookie holding a random session token (the session itself is
//! [`trygg_app::accounts`]'), and the per-session CSRF token that every form and every
//! cookie-authenticated API write must echo. Cookies are read and written with the `cookie`
//! crate.
//!
//! The cookie is `HttpOnly` and `SameSite=Lax`; `Secure` when the server is configured for HTTPS.
//! A session lasts [`SESSION_HOURS`] from sign-in; after that the user signs in again.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};
use trygg_app::accounts::{self, Session};

use crate::AppState;

pub use trygg_app::accounts::SESSION_HOURS;

/// The session cookie's name.
pub const COOKIE: &str = "trygg_session";
/// The language cookie's name.
pub const LANG_COOKIE: &str = "trygg_lang";

/// What a request's cookie says about who is signed in.
#[derive(Debug, Clone)]
pub enum CookieSession {
    /// No session cookie.
    None,
    /// A cookie whose session has expired or was ended.
    Expired,
    /// A live session, and the cookie's token hash.
    Live(Box<Session>, String),
}

/// Reads a cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.value_raw())
}

/// Looks up the session named by the request's cookie.
pub async fn from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CookieSession, trygg_app::AppError> {
    let Some(token) = cookie(headers, COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(CookieSession::None);
    };
    Ok(match accounts::session(state, token).await? {
        Some((s, hash)) => CookieSession::Live(Box::new(s), hash),
        None => CookieSession::Expired,
    })
}

/// Constant-time comparison of two CSRF tokens.
pub fn csrf_matches(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The cookie that stores a session.
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    site_cookie(COOKIE, token.to_string(), SESSION_HOURS * 3600, secure)
}

/// The cookie that removes the session cookie.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    site_cookie(COOKIE, String::new(), 0, secure)
}

/// A cookie for the whole site: path `/`, `HttpOnly`, `SameSite=Lax`, `Secure` if asked.
pub fn site_cookie(
    name: &'static str,
    value: String,
    max_age_seconds: i64,
    secure: bool,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// Appends `Set-Cookie: c` to `headers`.
pub fn set(headers: &mut HeaderMap, c: &Cookie<'_>) {
    if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
        headers.append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_comparison() {
        assert!(csrf_matches("abc", "abc"));
        assert!(!csrf_matches("abc", "abd"));
        assert!(!csrf_matches("abc", "ab"));
        assert!(!csrf_matches("abc", ""));
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; trygg_session=xyz".parse().unwrap());
        h.append(header::COOKIE, "trygg_lang=en".parse().unwrap());
        assert_eq!(cookie(&h, COOKIE), Some("xyz"));
        assert_eq!(cookie(&h, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&h, "nope"), None);
    }

    #[test]
    fn cookies_are_written_with_their_attributes() {
        let c = session_cookie("abc", true).to_string();
        assert!(c.starts_with("trygg_session=abc; "), "{c}");
        for part in [
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=43200",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        let gone = removal_cookie(false).to_string();
        assert!(
            gone.contains("Max-Age=0") && !gone.contains("Secure"),
            "{gone}"
        );
    }
}
