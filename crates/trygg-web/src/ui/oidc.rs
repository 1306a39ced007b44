//! Sign-in through an organisation's identity provider (OpenID Connect: Entra ID, Keycloak, a
//! partner's own): the authorization code flow with PKCE, a nonce and a state, through the
//! `openidconnect` crate. Providers are configured per organisation (`[[web.oidc]]`); the web
//! does the protocol and hands the verified claims to `trygg_app::accounts::sign_in_vouched`,
//! which creates the account at first sign-in and sets the roles the groups give.
//!
//! Nothing is kept on the server between the two legs: the PKCE verifier, nonce, state and the
//! page to return to ride in a short-lived `HttpOnly` cookie scoped to `/login/oidc`, so any
//! server behind the load balancer can finish a sign-in another began.

use std::collections::{BTreeMap, HashMap};

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use base64::Engine;
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    core::{CoreClient, CoreProviderMetadata, CoreResponseType},
};
use serde::{Deserialize, Serialize};
use trygg_app::accounts::{self, Vouched};
use trygg_domain::Role;

use super::{Lang, account, extract::Page};
use crate::{AppState, http::session};

/// The cookie that carries the flow between the two legs.
const FLOW_COOKIE: &str = "trygg_oidc";
/// How long a started sign-in may take at the provider.
const FLOW_MINUTES: i64 = 10;

/// One identity provider, for one organisation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProvider {
    /// Its key in URLs (`/login/oidc/{name}`): letters, digits and `-`.
    pub name: String,
    /// The button on the sign-in page ("Uppsala kommun (Entra ID)").
    pub label: String,
    /// The issuer, whose `/.well-known/openid-configuration` is read.
    pub issuer: String,
    /// The client registered at the provider.
    pub client_id: String,
    /// Its secret (or `TRYGG_OIDC_<NAME>_SECRET` in the environment).
    #[serde(default)]
    pub client_secret: String,
    /// This site's callback as registered: `https://…/login/oidc/{name}/callback`.
    pub redirect_url: String,
    /// The organisation (by name, as under `/admin`) its people belong to.
    pub organisation: String,
    /// The ID token claim that lists the person's groups.
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// Scopes asked for besides `openid` (default `email`, `profile`).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Which roles each group gives; a person in no listed group is refused.
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<Role>>,
    /// Whether the organisation's people may still sign in with a local password.
    #[serde(default = "yes")]
    pub passwords: bool,
}

fn default_groups_claim() -> String {
    "groups".into()
}
fn default_scopes() -> Vec<String> {
    vec!["email".into(), "profile".into()]
}
fn yes() -> bool {
    true
}

impl OidcProvider {
    /// The roles `groups` give, in the policy's order, without repeats.
    pub fn roles_for(&self, groups: &[String]) -> Vec<Role> {
        let mut roles: Vec<Role> = groups
            .iter()
            .filter_map(|g| self.roles.get(g))
            .flatten()
            .copied()
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }
}

/// The providers' discovered metadata (read once, on first use) and the HTTP client that
/// talks to them.
#[derive(Debug, Default)]
pub struct OidcCache {
    metadata: tokio::sync::Mutex<HashMap<String, CoreProviderMetadata>>,
    http: std::sync::OnceLock<openidconnect::reqwest::Client>,
}

impl OidcCache {
    fn http(&self) -> &openidconnect::reqwest::Client {
        self.http.get_or_init(|| {
            openidconnect::reqwest::Client::builder()
                // The token endpoint must not redirect us (SSRF); see openidconnect's docs.
                .redirect(openidconnect::reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .expect("an HTTP client with default TLS")
        })
    }

    async fn metadata(&self, p: &OidcProvider) -> Result<CoreProviderMetadata, String> {
        if let Some(m) = self.metadata.lock().await.get(&p.name) {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(p.issuer.clone()).map_err(|e| format!("issuer: {e}"))?;
        let m = CoreProviderMetadata::discover_async(issuer, self.http())
            .await
            .map_err(|e| format!("discovery at {}: {e}", p.issuer))?;
        self.metadata.lock().await.insert(p.name.clone(), m.clone());
        Ok(m)
    }
}

/// What the first leg leaves for the second.
#[derive(Debug, Serialize, Deserialize)]
struct Flow {
    provider: String,
    state: String,
    nonce: String,
    verifier: String,
    next: String,
}

fn provider<'a>(state: &'a AppState, name: &str) -> Option<&'a OidcProvider> {
    state.config.oidc.iter().find(|p| p.name == name)
}

fn secret(p: &OidcProvider) -> Option<ClientSecret> {
    let env = format!(
        "TRYGG_OIDC_{}_SECRET",
        p.name.to_uppercase().replace('-', "_")
    );
    let s = std::env::var(env).unwrap_or_else(|_| p.client_secret.clone());
    (!s.is_empty()).then(|| ClientSecret::new(s))
}

/// A refusal on the sign-in page.
fn refused(state: &AppState, page: &Page, status: StatusCode, sv: &str, en: &str) -> Response {
    account::sign_in_page(state, page, status, "/", Some(page.ctx.lang.t(sv, en)))
}

fn unavailable(state: &AppState, page: &Page, detail: impl std::fmt::Display) -> Response {
    tracing::error!(%detail, "identity provider sign-in failed");
    refused(
        state,
        page,
        StatusCode::BAD_GATEWAY,
        "Inloggningen via identitetsleverantören misslyckades. Försök igen om en stund, eller kontakta kommunens IT om det fortsätter.",
        "Signing in through the identity provider failed. Try again in a while, or contact the kommun's IT if it goes on.",
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct StartQuery {
    next: Option<String>,
}

/// `GET /login/oidc/{name}`: off to the provider.
pub(crate) async fn start(
    State(state): State<AppState>,
    page: Page,
    Path(name): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(p) = provider(&state, &name) else {
        return super::extract::PageError::not_found(page.ctx.lang).into_response();
    };
    let metadata = match state.oidc.metadata(p).await {
        Ok(m) => m,
        Err(e) => return unavailable(&state, &page, e),
    };
    let redirect = match RedirectUrl::new(p.redirect_url.clone()) {
        Ok(r) => r,
        Err(e) => return unavailable(&state, &page, format!("redirect_url: {e}")),
    };
    let client =
        CoreClient::from_provider_metadata(metadata, ClientId::new(p.client_id.clone()), secret(p))
            .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for s in &p.scopes {
        request = request.add_scope(Scope::new(s.clone()));
    }
    let (url, csrf, nonce) = request.url();
    let flow = Flow {
        provider: p.name.clone(),
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        next: account::safe_next(q.next.as_deref()).to_string(),
    };
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&flow).unwrap_or_default());
    let cookie = cookie::Cookie::build((FLOW_COOKIE, value))
        .path("/login/oidc")
        .http_only(true)
        .secure(state.config.secure_cookies)
        // Lax: the provider's redirect back is a top-level GET from another site.
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::minutes(FLOW_MINUTES))
        .build();
    let mut res = Redirect::to(url.as_str()).into_response();
    session::set(res.headers_mut(), &cookie);
    res
}

#[derive(Debug, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The groups the ID token lists under `claim` (its signature has been checked).
fn groups(id_token: &str, claim: &str) -> Vec<String> {
    id_token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get(claim).cloned())
        .map(|g| match g {
            serde_json::Value::Array(items) => items
                .into_iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            serde_json::Value::String(s) => vec![s],
            _ => vec![],
        })
        .unwrap_or_default()
}

/// `GET /login/oidc/{name}/callback`: back from the provider with a code.
pub(crate) async fn callback(
    State(state): State<AppState>,
    page: Page,
    Path(name): Path<String>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let l = page.ctx.lang;
    let Some(p) = provider(&state, &name) else {
        return super::extract::PageError::not_found(l).into_response();
    };
    let flow: Option<Flow> = session::cookie(&headers, FLOW_COOKIE)
        .and_then(|v| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(v)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok());
    let Some(flow) = flow.filter(|f| {
        f.provider == p.name
            && q.state
                .as_deref()
                .is_some_and(|s| session::csrf_matches(&f.state, s))
    }) else {
        return refused(
            &state,
            &page,
            StatusCode::BAD_REQUEST,
            "Inloggningen kunde inte slutföras (den började i en annan flik eller för länge sedan). Börja om från inloggningssidan.",
            "The sign-in could not be finished (it began in another tab or too long ago). Start again from the sign-in page.",
        );
    };
    if let Some(e) = &q.error {
        tracing::warn!(provider = %p.name, error = %e, "the identity provider refused the sign-in");
        return refused(
            &state,
            &page,
            StatusCode::FORBIDDEN,
            "Identitetsleverantören godkände inte inloggningen.",
            "The identity provider did not accept the sign-in.",
        );
    }
    let Some(code) = q.code else {
        return refused(
            &state,
            &page,
            StatusCode::BAD_REQUEST,
            "Svaret från identitetsleverantören saknar kod. Börja om från inloggningssidan.",
            "The identity provider's answer has no code. Start again from the sign-in page.",
        );
    };
    let vouched = match verify(&state, p, &flow, code).await {
        Ok(v) => v,
        Err(e) => return unavailable(&state, &page, e),
    };
    let Some(vouched) = vouched else {
        return refused(
            &state,
            &page,
            StatusCode::FORBIDDEN,
            "Identitetsleverantören skickade ingen e-postadress för dig, så inget konto kan knytas. Kontakta kommunens IT.",
            "The identity provider sent no e-mail address for you, so no account can be linked. Contact the kommun's IT.",
        );
    };
    let outcome = match accounts::sign_in_vouched(&state, &vouched).await {
        Ok(o) => o,
        Err(e) => return unavailable(&state, &page, e),
    };
    match outcome {
        Ok(opened) => {
            tracing::info!(provider = %p.name, user = %opened.user.email, "signed in through the identity provider");
            let mut res = Redirect::to(&flow.next).into_response();
            let c = session::session_cookie(&opened.token, state.config.secure_cookies);
            session::set(res.headers_mut(), &c);
            let gone = cookie::Cookie::build((FLOW_COOKIE, ""))
                .path("/login/oidc")
                .max_age(cookie::time::Duration::ZERO)
                .build();
            session::set(res.headers_mut(), &gone);
            res
        }
        Err(e) => {
            let (status, text) = account::refusal(l, &e, Some(&p.label));
            account::sign_in_page(&state, &page, status, "/", Some(&text))
        }
    }
}

/// Exchanges the code (with the PKCE verifier) and verifies the ID token (signature,
/// issuer, audience, expiry, nonce). `None` when it carries no e-mail.
async fn verify(
    state: &AppState,
    p: &OidcProvider,
    flow: &Flow,
    code: String,
) -> Result<Option<Vouched>, String> {
    let metadata = state.oidc.metadata(p).await?;
    let redirect = RedirectUrl::new(p.redirect_url.clone()).map_err(|e| e.to_string())?;
    let client =
        CoreClient::from_provider_metadata(metadata, ClientId::new(p.client_id.clone()), secret(p))
            .set_redirect_uri(redirect);
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| format!("token endpoint: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
        .request_async(state.oidc.http())
        .await
        .map_err(|e| format!("code exchange: {e}"))?;
    let id_token = tokens
        .id_token()
        .ok_or("the token response has no ID token")?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
        .map_err(|e| format!("ID token: {e}"))?;
    let Some(email) = claims.email().map(|e| e.as_str().trim().to_lowercase()) else {
        return Ok(None);
    };
    let name = claims
        .name()
        .and_then(|n| n.get(None))
        .map_or_else(|| email.clone(), |n| n.as_str().to_string());
    let groups = groups(&id_token.to_string(), &p.groups_claim);
    Ok(Some(Vouched {
        provider: p.name.clone(),
        organisation: p.organisation.clone(),
        email,
        name,
        roles: p.roles_for(&groups),
    }))
}

/// The sign-in page's buttons, one per provider.
pub(crate) fn buttons(state: &AppState, l: Lang, next: &str) -> maud::Markup {
    maud::html! {
        @if !state.config.oidc.is_empty() {
            div.providers {
                p { (l.t("Eller logga in med din organisations konto:", "Or sign in with your organisation's account:")) }
                @for p in &state.config.oidc {
                    a.button href={ "/login/oidc/" (p.name) "?next=" (super::extract::urlencode(next)) } { (p.label) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_map_to_roles_once_each() {
        let p: OidcProvider = serde_json::from_value(serde_json::json!({
            "name": "k", "label": "K", "issuer": "https://idp", "client_id": "c",
            "redirect_url": "https://trygg/login/oidc/k/callback", "organisation": "K",
            "roles": {"analytiker": ["analyst"], "samordnare": ["coordinator", "analyst"]}
        }))
        .unwrap();
        assert_eq!(
            p.roles_for(&["samordnare".into(), "analytiker".into(), "okänd".into()]),
            vec![Role::Coordinator, Role::Analyst]
        );
        assert!(p.roles_for(&["okänd".into()]).is_empty());
        assert!(p.passwords, "passwords stay on unless switched off");
    }
}
