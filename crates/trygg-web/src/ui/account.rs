//! Signing in and out, and changing one's password.

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use serde::Deserialize;

use super::{
    Lang, PageCtx,
    extract::{Page, PageError, Posted, SignedIn},
    layout,
};
use trygg_app::accounts::{self, PasswordRefused, SignInError};
use trygg_app::credentials::PASSWORD_MIN_CHARS;

use crate::{AppState, auth::generate_token, session};

/// The cookie that carries the sign-in form's CSRF token before there is a session.
const LOGIN_CSRF_COOKIE: &str = "trygg_login";

#[derive(Debug, Deserialize, Default)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    expired: Option<String>,
}

/// Only a path on this site is followed after sign-in: it starts with one `/`, and holds
/// only visible ASCII other than `\\` (browsers drop tabs and line breaks and read `\\` as
/// `/`, so `/\t/evil.example` would lead to another site).
pub(crate) fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n
        }
        _ => "/",
    }
}

fn login_form(
    ctx: &PageCtx,
    token: &str,
    next: &str,
    email: &str,
    notice: Option<(&str, &str)>,
    providers: &Markup,
) -> Markup {
    let l = ctx.lang;
    layout(
        ctx,
        l.t("Logga in", "Sign in"),
        html! {
            section.card.narrow {
                h1 { (l.t("Logga in", "Sign in")) }
                @if let Some((class, text)) = notice {
                    p class={ "notice " (class) } role="alert" { (text) }
                }
                form method="post" action="/login" {
                    input type="hidden" name="csrf" value=(token);
                    input type="hidden" name="next" value=(next);
                    label { (l.t("E-postadress", "E-mail address"))
                        input type="email" name="email" value=(email) autocomplete="username" required autofocus;
                    }
                    label { (l.t("Lösenord", "Password"))
                        input type="password" name="password" autocomplete="current-password" required;
                    }
                    button.primary type="submit" { (l.t("Logga in", "Sign in")) }
                }
                (providers)
            }
        },
    )
}

/// The sign-in page with a refusal (from the identity provider's callback).
pub(crate) fn sign_in_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    next: &str,
    error: Option<&str>,
) -> Response {
    let token = generate_token();
    let providers = super::oidc::buttons(state, page.ctx.lang, next);
    let body = login_form(
        &page.ctx,
        &token,
        next,
        "",
        error.map(|e| ("error", e)),
        &providers,
    );
    with_login_cookie(status, &token, body)
}

/// What a refused sign-in says, and its status. `provider` names the identity provider when
/// the refusal came from one.
pub(crate) fn refusal(l: Lang, e: &SignInError, provider: Option<&str>) -> (StatusCode, String) {
    let provider = provider.unwrap_or_default();
    match e {
        SignInError::Wrong => (
            StatusCode::UNAUTHORIZED,
            l.t(
                "Fel e-postadress eller lösenord.",
                "Wrong e-mail address or password.",
            )
            .into(),
        ),
        SignInError::Disabled => (
            StatusCode::FORBIDDEN,
            l.t(
                "Kontot är avstängt. Kontakta en administratör om du behöver det igen.",
                "The account is disabled. Contact an administrator if you need it again.",
            )
            .into(),
        ),
        SignInError::UseProvider => (
            StatusCode::FORBIDDEN,
            l.t(
                "Din organisation loggar in via sin identitetsleverantör, inte med lösenord här. Använd knappen nedan.",
                "Your organisation signs in through its identity provider, not with a password here. Use the button below.",
            )
            .into(),
        ),
        SignInError::NoRole => (
            StatusCode::FORBIDDEN,
            match l {
                Lang::Sv => format!(
                    "{provider} känner dig, men du är inte med i någon grupp som ger behörighet i trygg. Be kommunens IT eller en administratör om behörighet."
                ),
                Lang::En => format!(
                    "{provider} knows you, but you are in no group that gives access to trygg. Ask the kommun's IT or an administrator for access."
                ),
            },
        ),
        SignInError::OtherOrganisation => (
            StatusCode::FORBIDDEN,
            l.t(
                "Det finns redan ett konto med din e-postadress i en annan organisation. Kontakta en administratör.",
                "An account with your e-mail address already exists in another organisation. Contact an administrator.",
            )
            .into(),
        ),
        SignInError::Locked(wait) => {
            let minutes = wait.as_secs().div_ceil(60);
            (
                StatusCode::TOO_MANY_REQUESTS,
                match l {
                    Lang::Sv => format!(
                        "För många misslyckade inloggningar. Inloggningen är spärrad i {minutes} minuter till; försök igen sedan."
                    ),
                    Lang::En => format!(
                        "Too many failed sign-ins. Signing in is locked for {minutes} more minutes; try again then."
                    ),
                },
            )
        }
    }
}

fn with_login_cookie(status: StatusCode, token: &str, body: Markup) -> Response {
    let mut res = (status, body).into_response();
    let c = cookie::Cookie::build((LOGIN_CSRF_COOKIE, token))
        .path("/login")
        .http_only(true)
        .same_site(cookie::SameSite::Strict);
    session::set(res.headers_mut(), &c.build());
    res
}

/// `GET /login`.
pub(crate) async fn login_page(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<LoginQuery>,
) -> Response {
    if page.ctx.user.is_some() {
        return Redirect::to(safe_next(q.next.as_deref())).into_response();
    }
    let l = page.ctx.lang;
    let notice = (q.expired.is_some() || page.expired).then(|| {
        (
            "info",
            l.t(
                "Din session har gått ut. Logga in igen.",
                "Your session has expired. Sign in again.",
            ),
        )
    });
    let token = generate_token();
    let next = safe_next(q.next.as_deref());
    let providers = super::oidc::buttons(&state, l, next);
    let body = login_form(&page.ctx, &token, next, "", notice, &providers);
    let status = if notice.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    with_login_cookie(status, &token, body)
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`.
pub(crate) async fn login(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    crate::http::client::ClientAddr(from): crate::http::client::ClientAddr,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let l = page.ctx.lang;
    let expected = session::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !session::csrf_matches(expected, &f.csrf) {
        return Err(PageError::csrf(l));
    }
    let next = safe_next(f.next.as_deref()).to_string();
    let outcome = accounts::sign_in(&state, &f.email, &f.password, from)
        .await
        .map_err(|e| PageError::internal(l, e))?;
    let providers = super::oidc::buttons(&state, l, &next);
    let retry = |status, message: String| {
        let token = generate_token();
        let body = login_form(
            &page.ctx,
            &token,
            &next,
            &f.email,
            Some(("error", &message)),
            &providers,
        );
        with_login_cookie(status, &token, body)
    };
    match outcome {
        Ok(accounts::Opened { token, .. }) => {
            let mut res = Redirect::to(&next).into_response();
            let c = session::session_cookie(&token, state.config.secure_cookies);
            session::set(res.headers_mut(), &c);
            Ok(res)
        }
        Err(e) => {
            let (status, message) = refusal(l, &e, None);
            let mut res = retry(status, message);
            if let SignInError::Locked(wait) = e
                && let Ok(v) = HeaderValue::from_str(&wait.as_secs().to_string())
            {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(res)
        }
    }
}

/// `POST /logout`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    accounts::sign_out(&state, &me.session_hash)
        .await
        .map_err(|e| PageError::from_app(me.ctx.lang, e))?;
    let mut res = Redirect::to("/login").into_response();
    session::set(
        res.headers_mut(),
        &session::removal_cookie(state.config.secure_cookies),
    );
    Ok(res)
}

fn account_page(me: &SignedIn, org: &str, notice: Option<(&str, String)>) -> Markup {
    let l = me.ctx.lang;
    let roles: Vec<&str> = me.user.roles.iter().map(|r| r.label_sv()).collect();
    layout(
        &me.ctx,
        l.t("Mitt konto", "My account"),
        html! {
            section.card.narrow {
                h1 { (l.t("Mitt konto", "My account")) }
                dl {
                    dt { (l.t("Namn", "Name")) } dd { (me.user.display_name) }
                    dt { (l.t("E-post", "E-mail")) } dd { (me.user.email) }
                    dt { (l.t("Organisation", "Organisation")) } dd { (org) }
                    dt { (l.t("Roller", "Roles")) } dd { (roles.join(", ")) }
                }
                h2 { (l.t("Byt lösenord", "Change password")) }
                @if let Some((class, text)) = &notice {
                    p class={ "notice " (class) } role="alert" { (text) }
                }
                form method="post" action="/konto/losenord" {
                    (me.ctx.csrf_field())
                    label { (l.t("Nuvarande lösenord", "Current password"))
                        input type="password" name="current" autocomplete="current-password" required;
                    }
                    label { (l.t("Nytt lösenord", "New password"))
                        input type="password" name="new" autocomplete="new-password" minlength=(PASSWORD_MIN_CHARS) required;
                    }
                    label { (l.t("Upprepa nytt lösenord", "Repeat new password"))
                        input type="password" name="repeat" autocomplete="new-password" minlength=(PASSWORD_MIN_CHARS) required;
                    }
                    button.primary type="submit" { (l.t("Byt lösenord", "Change password")) }
                }
            }
        },
    )
}

async fn org_name(state: &AppState, me: &SignedIn) -> String {
    trygg_app::reference::organisation_name(state, me.user.organisation_id).await
}

/// `GET /konto`.
pub(crate) async fn account(State(state): State<AppState>, me: SignedIn) -> Markup {
    let org = org_name(&state, &me).await;
    account_page(&me, &org, None)
}

#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /konto/losenord`: the current password is required; other sessions end.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<PasswordForm>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let org = org_name(&state, &me).await;
    let refuse = |m: &str| {
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            account_page(&me, &org, Some(("error", m.to_string()))),
        )
            .into_response())
    };
    let changed = accounts::change_password(
        &state,
        &me.user,
        Some(&me.session_hash),
        &f.current,
        &f.new,
        &f.repeat,
    )
    .await
    .map_err(|e| PageError::from_app(l, e))?;
    match changed {
        Ok(()) => {}
        Err(PasswordRefused::WrongCurrent) => {
            return refuse(l.t(
                "Det nuvarande lösenordet stämmer inte.",
                "The current password is not right.",
            ));
        }
        Err(PasswordRefused::TooShort) => {
            return refuse(&match l {
                Lang::Sv => {
                    format!("Det nya lösenordet behöver minst {PASSWORD_MIN_CHARS} tecken.")
                }
                Lang::En => {
                    format!("The new password needs at least {PASSWORD_MIN_CHARS} characters.")
                }
            });
        }
        Err(PasswordRefused::Differ) => {
            return refuse(l.t(
                "De två nya lösenorden är inte lika.",
                "The two new passwords differ.",
            ));
        }
    }
    Ok(Redirect::to(&super::layout::saved(
        "/konto",
        super::layout::Saved::OwnPassword,
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_followed() {
        assert_eq!(
            safe_next(Some("/lagesbild?from=2023-01-01")),
            "/lagesbild?from=2023-01-01"
        );
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\r\nSet-Cookie: x=1")), "/");
        assert_eq!(safe_next(Some("/ /evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
