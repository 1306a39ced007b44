//! Who is calling: API tokens for integrations, or a browser session (see [`crate::session`]).
//!
//! A token is 32 random bytes, shown once as hex; only its SHA-256 is stored, so a leaked
//! database does not leak working tokens.

use axum::{extract::FromRequestParts, http::request::Parts};
use trygg_app::Principal;
use trygg_domain::{Actor, Scope};

use crate::{ApiError, AppState};
pub use trygg_app::credentials::generate_token;

/// The authenticated caller of an API request: the principal the use cases act for.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

impl Caller {
    /// The principal.
    pub fn principal(&self) -> &Principal {
        &self.0
    }

    /// The actor to audit.
    pub fn actor(&self) -> Actor {
        Actor::User { id: self.0.id }
    }

    /// What the caller may see: the shared picture plus their organisation's internal reports.
    pub fn scope(&self) -> Scope {
        Scope::Organisation(self.0.organisation_id)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    /// An API token in `Authorization: Bearer …`, or a browser session cookie. A write with a
    /// session cookie must carry the session's CSRF token in `X-CSRF-Token`.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let Some(header) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
            return from_session(parts, state).await;
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized(
                "The Authorization header must read 'Bearer TOKEN'.",
            ))?;
        let principal =
            trygg_app::accounts::by_token(state, token)
                .await?
                .ok_or(ApiError::Unauthorized(
                    "The API token is not valid. Ask an administrator for a new one.",
                ))?;
        Ok(Caller(principal))
    }
}

async fn from_session(parts: &Parts, state: &AppState) -> Result<Caller, ApiError> {
    use crate::session::{CookieSession, csrf_matches, from_headers};
    match from_headers(state, &parts.headers).await? {
        CookieSession::None => Err(ApiError::Unauthorized(
            "Sign in, or send an API token as 'Authorization: Bearer TOKEN'.",
        )),
        CookieSession::Expired => Err(ApiError::Unauthorized(
            "Your session has expired. Sign in again.",
        )),
        CookieSession::Live(s, _) => {
            if !parts.method.is_safe() {
                let given = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !csrf_matches(&s.csrf, given) {
                    return Err(ApiError::Forbidden(
                        "The CSRF token is missing or wrong. Reload the page and try again.",
                    ));
                }
            }
            Ok(Caller(s.user.into()))
        }
    }
}
