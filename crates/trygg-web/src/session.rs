//! Browser sessions: sign-in with a password, a cookie holding a random session token (only its
//! SHA-256 is stored, like API tokens), a per-session CSRF token that every form and every
//! cookie-authenticated API write must echo, and a limit on failed sign-ins.
//!
//! The cookie is `HttpOnly` and `SameSite=Lax`; `Secure` when the server is configured for HTTPS.
//! A session lasts [`SESSION_HOURS`] from sign-in; after that the user signs in again.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::http::{HeaderMap, header};
use trygg_domain::User;
use trygg_store::{NewSession, Session};

use crate::{
    AppState,
    auth::{generate_token, hash_token, verify_password},
};

/// The session cookie's name.
pub const COOKIE: &str = "trygg_session";
/// The language cookie's name.
pub const LANG_COOKIE: &str = "trygg_lang";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins allowed per account within [`LOCKOUT`].
pub const MAX_FAILURES: usize = 5;
/// The window failed sign-ins are counted in, and how long an account then waits.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);

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
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Looks up the session named by the request's cookie.
pub async fn from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<CookieSession, trygg_store::StoreError> {
    let Some(token) = cookie(headers, COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(CookieSession::None);
    };
    let hash = hash_token(token);
    Ok(match state.store.session(&hash, state.now()).await? {
        Some(s) => CookieSession::Live(Box::new(s), hash),
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

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// Wrong e-mail or password (never says which).
    Wrong,
    /// Too many failures; try again after this long.
    Locked(Duration),
}

/// Counts failed sign-ins per account, in memory. A restart forgets them, which only ever
/// helps a legitimate user; an attacker gains [`MAX_FAILURES`] guesses per restart.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// How long `account` must wait, if it is locked.
    pub fn locked(&self, account: &str) -> Option<Duration> {
        let mut map = self.failures.lock().expect("limiter lock");
        let list = map.get_mut(account)?;
        let now = Instant::now();
        list.retain(|t| now.duration_since(*t) < LOCKOUT);
        (list.len() >= MAX_FAILURES).then(|| LOCKOUT - now.duration_since(list[0]))
    }

    fn fail(&self, account: &str) {
        let mut map = self.failures.lock().expect("limiter lock");
        map.entry(account.to_string())
            .or_default()
            .push(Instant::now());
    }

    fn clear(&self, account: &str) {
        self.failures.lock().expect("limiter lock").remove(account);
    }
}

/// Checks the password and opens a session. Returns the user and the cookie value.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<Result<(User, String), SignInError>, trygg_store::StoreError> {
    let account = email.trim().to_lowercase();
    if let Some(wait) = state.limiter.locked(&account) {
        return Ok(Err(SignInError::Locked(wait)));
    }
    let creds = state.store.user_credentials(&account).await?;
    let ok = match &creds {
        Some(c) => c
            .password_hash
            .as_deref()
            .is_some_and(|h| verify_password(password, h)),
        None => {
            // Spend the same time as a real check, so timing does not reveal accounts.
            trygg_app::credentials::verify_nobody(password);
            false
        }
    };
    let Some(creds) = creds.filter(|_| ok) else {
        state.limiter.fail(&account);
        return Ok(Err(SignInError::Wrong));
    };
    state.limiter.clear(&account);
    let token = generate_token();
    let session = NewSession {
        token_hash: hash_token(&token),
        csrf: generate_token(),
        expires_at: state.now() + jiff::SignedDuration::from_hours(SESSION_HOURS),
    };
    state.store.create_session(creds.user.id, &session).await?;
    Ok(Ok((creds.user, token)))
}

/// The `Set-Cookie` value that stores a session.
pub fn session_cookie(token: &str, secure: bool) -> String {
    set_cookie(COOKIE, token, SESSION_HOURS * 3600, secure)
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn removal_cookie(secure: bool) -> String {
    set_cookie(COOKIE, "", 0, secure)
}

/// A `Set-Cookie` value: path `/`, `HttpOnly`, `SameSite=Lax`, `Secure` if asked.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_seconds}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_locks_after_max_failures_per_account() {
        let l = LoginLimiter::default();
        for _ in 0..MAX_FAILURES - 1 {
            l.fail("a@demo");
        }
        assert_eq!(l.locked("a@demo"), None);
        l.fail("a@demo");
        let wait = l.locked("a@demo").expect("locked");
        assert!(wait <= LOCKOUT && wait > LOCKOUT - Duration::from_secs(5));
        assert_eq!(l.locked("b@demo"), None, "other accounts are not affected");
        l.clear("a@demo");
        assert_eq!(l.locked("a@demo"), None);
    }

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
}
