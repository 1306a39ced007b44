//! What a page handler gets from the request: the language, the signed-in user (or a redirect
//! to the sign-in page), and errors that render as a clear page with the right status.

use axum::{
    extract::{FromRequest, FromRequestParts, OriginalUri},
    http::{HeaderMap, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use trygg_app::Principal;
use trygg_domain::{Permission, Role};

use super::{Lang, PageCtx, layout};
use crate::{
    AppState,
    session::{self, CookieSession},
};

/// The language of a request: `?lang=` wins, then the language cookie, then Swedish.
pub fn lang(parts: &Parts) -> Lang {
    query_lang(&parts.uri)
        .or_else(|| session::cookie(&parts.headers, session::LANG_COOKIE).map(Lang::parse))
        .unwrap_or_default()
}

/// The language a request asks for with `?lang=`, if it does.
fn query_lang(uri: &axum::http::Uri) -> Option<Lang> {
    uri.query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .map(|(_, v)| Lang::parse(v))
}

fn path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.path().to_string(), |u| u.path().to_string())
}

/// Any page: the user if signed in.
#[derive(Debug, Clone)]
pub struct Page {
    /// The frame's context.
    pub ctx: PageCtx,
    /// The session cookie said the session had expired.
    pub expired: bool,
}

/// The request's session: as the access guard found it, or looked up now.
async fn cookie_session(
    parts: &Parts,
    state: &AppState,
    lang: Lang,
) -> Result<CookieSession, PageError> {
    match parts.extensions.get::<CookieSession>() {
        Some(found) => Ok(found.clone()),
        None => session::from_headers(state, &parts.headers)
            .await
            .map_err(|e| PageError::internal(lang, e)),
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let lang = lang(parts);
        let found = cookie_session(parts, state, lang).await?;
        let mut ctx = PageCtx {
            lang,
            user: None,
            csrf: None,
            path: path(parts),
            wide: false,
        };
        let expired = matches!(found, CookieSession::Expired);
        if let CookieSession::Live(s, _) = found {
            ctx.user = Some(s.user);
            ctx.csrf = Some(s.csrf);
        }
        Ok(Page { ctx, expired })
    }
}

/// A page for signed-in users; others are sent to the sign-in page and brought back after.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The frame's context (user and CSRF token set).
    pub ctx: PageCtx,
    /// The user, as the principal the use cases act for.
    pub user: Principal,
    /// The hash of the session cookie.
    pub session_hash: String,
}

impl SignedIn {
    /// Refuses with 403 unless the user holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), PageError> {
        if self.user.has_any(roles) {
            Ok(())
        } else {
            Err(PageError::forbidden(self.ctx.lang))
        }
    }

    /// Refuses with 403 (the policy's sentence) unless the user holds `p`.
    pub fn check(&self, p: Permission) -> Result<(), PageError> {
        self.user
            .check(p)
            .map_err(|e| PageError::from_app(self.ctx.lang, e))
    }

    /// Whether the user holds `p` (what to show).
    pub fn may(&self, p: Permission) -> bool {
        self.user.may(p)
    }

    /// Refuses with 403 unless `given` is this session's CSRF token.
    pub fn check_csrf(&self, given: &str) -> Result<(), PageError> {
        let expected = self.ctx.csrf.as_deref().unwrap_or_default();
        if session::csrf_matches(expected, given) {
            Ok(())
        } else {
            Err(PageError::csrf(self.ctx.lang))
        }
    }

    /// `self.ctx.lang.t(sv, en)`.
    pub fn t<'a>(&self, sv: &'a str, en: &'a str) -> &'a str {
        self.ctx.lang.t(sv, en)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let lang = lang(parts);
        let found = cookie_session(parts, state, lang).await?;
        let here = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.to_string(), |u| u.0.to_string());
        let next = urlencode(&here);
        match found {
            CookieSession::Live(s, hash) => Ok(SignedIn {
                ctx: PageCtx {
                    lang,
                    user: Some(s.user.clone()),
                    csrf: Some(s.csrf),
                    path: path(parts),
                    wide: false,
                },
                user: s.user.into(),
                session_hash: hash,
            }),
            CookieSession::Expired => {
                Err(PageError::Redirect(format!("/login?expired=1&next={next}")))
            }
            CookieSession::None => Err(PageError::Redirect(format!("/login?next={next}"))),
        }
    }
}

/// A form posted by a signed-in user, taken only when its `csrf` field is this session's
/// token: the one prologue of every page that writes (the access guard has already checked the
/// route's permission; the use case checks the record's owner). `T` is any serde form: a
/// struct, or `Vec<(String, String)>` for forms with repeated fields. The body is read under the
/// router's body limit; a form that does not fit `T` is a 400 page saying what is wrong.
#[derive(Debug)]
pub struct Posted<T> {
    /// Who posted.
    pub me: SignedIn,
    /// The form's fields (the `csrf` field included; it has been checked).
    pub form: T,
}

/// The signed-in user of a posted request, and the request to read the body from.
async fn signed_in(
    req: axum::extract::Request,
    state: &AppState,
) -> Result<(SignedIn, axum::extract::Request), PageError> {
    let (mut parts, body) = req.into_parts();
    let me = SignedIn::from_request_parts(&mut parts, state).await?;
    Ok((me, axum::extract::Request::from_parts(parts, body)))
}

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = PageError;

    async fn from_request(
        req: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, PageError> {
        let (me, req) = signed_in(req, state).await?;
        let lang = me.ctx.lang;
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| PageError::Page {
                status: e.status(),
                lang,
                title: lang
                    .t("Formuläret kunde inte tas emot", "The form could not be accepted")
                    .into(),
                message: lang
                    .t(
                        "Formuläret är för stort eller kom inte fram helt. Korta texterna och försök igen.",
                        "The form is too large or did not arrive whole. Shorten the texts and try again.",
                    )
                    .into(),
            })?;
        let given = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        me.check_csrf(&given)?;
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            PageError::bad_request(
                lang,
                format!(
                    "{} ({e})",
                    lang.t(
                        "Formulärets fält kunde inte läsas",
                        "The form's fields could not be read"
                    )
                ),
            )
        })?;
        Ok(Posted { me, form })
    }
}

/// A form with a file (`multipart/form-data`) posted by a signed-in user, taken only when its
/// `csrf` field is this session's token: [`Posted`] for uploads. The whole body is read first
/// (under the route's body limit, after the access guard has checked the route's permission),
/// then the token is checked, so no field is acted on without it.
#[derive(Debug)]
pub struct PostedFile {
    /// Who posted.
    pub me: SignedIn,
    /// The text fields, in order (the `csrf` field included; it has been checked).
    pub fields: Vec<(String, String)>,
    /// The first file field: its file name and bytes (none when no file was chosen).
    pub file: Option<(String, axum::body::Bytes)>,
}

impl FromRequest<AppState> for PostedFile {
    type Rejection = PageError;

    async fn from_request(
        req: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, PageError> {
        let (me, req) = signed_in(req, state).await?;
        let lang = me.ctx.lang;
        let unreadable = |status: StatusCode| {
            PageError::Page {
            status,
            lang,
            title: lang
                .t("Filen kunde inte tas emot", "The file could not be accepted")
                .into(),
            message: lang
                .t(
                    "Filen är för stor eller kom inte fram helt. Dela upp den i mindre filer, eller importera den på servern med trygg import.",
                    "The file is too large or did not arrive whole. Split it into smaller files, or import it on the server with trygg import.",
                )
                .into(),
        }
        };
        // Not multipart at all: no token could be read from it, so it is refused as any form
        // without one (a body too large says so).
        let mut multipart = match axum::extract::Multipart::from_request(req, state).await {
            Ok(m) => m,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(unreadable(e.status()));
            }
            Err(e) => {
                me.check_csrf("")?;
                return Err(unreadable(e.status()));
            }
        };
        let (fields, file) = read_multipart(&mut multipart).await.map_err(unreadable)?;
        let given = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map_or("", |(_, v)| v.as_str());
        me.check_csrf(given)?;
        Ok(PostedFile { me, fields, file })
    }
}

/// A multipart form's text fields, in order, and its first chosen file (name and bytes); the
/// status of a body that did not arrive whole.
pub(crate) async fn read_multipart(
    multipart: &mut axum::extract::Multipart,
) -> Result<(Vec<(String, String)>, Option<(String, axum::body::Bytes)>), StatusCode> {
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|e| e.status())? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|e| e.status())?;
                if file.is_none() && !file_name.is_empty() {
                    file = Some((file_name, bytes));
                }
            }
            None => fields.push((name, field.text().await.map_err(|e| e.status())?)),
        }
    }
    Ok((fields, file))
}

/// Percent-encodes a value for a query string (`application/x-www-form-urlencoded`).
pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A page that could not be shown: rendered as a page saying why, with the right status.
#[derive(Debug)]
pub enum PageError {
    /// Go elsewhere (sign-in).
    Redirect(String),
    /// A page of its own.
    Page {
        /// The HTTP status.
        status: StatusCode,
        /// The language to say it in.
        lang: Lang,
        /// The heading.
        title: String,
        /// What happened and what to do.
        message: String,
    },
}

impl PageError {
    fn page(status: StatusCode, lang: Lang, title: &str, message: &str) -> Self {
        PageError::Page {
            status,
            lang,
            title: title.into(),
            message: message.into(),
        }
    }

    /// 403: the user's role does not allow the page.
    pub fn forbidden(lang: Lang) -> Self {
        Self::page(
            StatusCode::FORBIDDEN,
            lang,
            lang.t("Ingen behörighet", "Not allowed"),
            lang.t(
                "Din roll ger inte tillgång till den här sidan. Be en administratör om behörighet om du behöver den.",
                "Your role does not give access to this page. Ask an administrator if you need it.",
            ),
        )
    }

    /// 403: the form's CSRF token is missing or wrong.
    pub fn csrf(lang: Lang) -> Self {
        Self::page(
            StatusCode::FORBIDDEN,
            lang,
            lang.t("Formuläret kunde inte tas emot", "The form could not be accepted"),
            lang.t(
                "Formulärets säkerhetstoken saknas eller stämmer inte (till exempel om sidan var öppen länge). Ladda om sidan och försök igen.",
                "The form's security token is missing or does not match (for example if the page was open for a long time). Reload the page and try again.",
            ),
        )
    }

    /// 404: not there, or not visible to this user (never says which).
    pub fn not_found(lang: Lang) -> Self {
        Self::page(
            StatusCode::NOT_FOUND,
            lang,
            lang.t("Sidan finns inte", "Page not found"),
            lang.t(
                "Det du söker finns inte, eller så har du inte behörighet att se det.",
                "What you are looking for does not exist, or you are not allowed to see it.",
            ),
        )
    }

    /// 400 with a message saying what to fix.
    pub fn bad_request(lang: Lang, message: impl Into<String>) -> Self {
        PageError::Page {
            status: StatusCode::BAD_REQUEST,
            lang,
            title: lang
                .t("Något behöver rättas", "Something needs fixing")
                .into(),
            message: message.into(),
        }
    }

    /// 500; the detail is logged, never shown.
    pub fn internal(lang: Lang, detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "page failed");
        Self::page(
            StatusCode::INTERNAL_SERVER_ERROR,
            lang,
            lang.t("Något gick fel", "Something went wrong"),
            lang.t(
                "Felet har loggats. Försök igen om en stund.",
                "The error has been logged. Try again in a while.",
            ),
        )
    }

    /// A page error for an API-style error from shared code.
    pub fn from_api(lang: Lang, e: crate::ApiError) -> Self {
        match e.status() {
            StatusCode::NOT_FOUND => Self::not_found(lang),
            StatusCode::FORBIDDEN => Self::forbidden(lang),
            s if s.is_server_error() => Self::internal(lang, e),
            s => PageError::Page {
                status: s,
                lang,
                title: lang
                    .t("Något behöver rättas", "Something needs fixing")
                    .into(),
                message: e.to_string(),
            },
        }
    }
}

impl PageError {
    /// The page for a use case's refusal: the policy's sentence on 403, the not-found page on
    /// 404 (never telling "not there" from "not yours"), else as the API would answer.
    pub fn from_app(lang: Lang, e: trygg_app::AppError) -> Self {
        match e {
            trygg_app::AppError::Forbidden(refusal) => PageError::Page {
                status: StatusCode::FORBIDDEN,
                lang,
                title: lang.t("Ingen behörighet", "Not allowed").into(),
                message: match lang {
                    Lang::Sv => refusal.sv,
                    Lang::En => refusal.en,
                },
            },
            other => Self::from_api(lang, other.into()),
        }
    }
}

impl From<(Lang, trygg_app::AppError)> for PageError {
    fn from((lang, e): (Lang, trygg_app::AppError)) -> Self {
        Self::from_app(lang, e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(to) => Redirect::to(&to).into_response(),
            PageError::Page {
                status,
                lang,
                title,
                message,
            } => {
                let ctx = PageCtx {
                    lang,
                    ..Default::default()
                };
                let body = html! {
                    section.notice.error {
                        h1 { (title) }
                        p { (message) }
                        p { a href="/" { (lang.t("Till startsidan", "Go to the start page")) } }
                    }
                };
                (status, layout(&ctx, &title, body)).into_response()
            }
        }
    }
}

/// Sets the language cookie when a request carries `?lang=`.
pub async fn remember_lang(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let chosen = query_lang(req.uri());
    let mut res = next.run(req).await;
    if let Some(l) = chosen {
        let c = cookie::Cookie::build((session::LANG_COOKIE, l.code()))
            .path("/")
            .max_age(cookie::time::Duration::days(365))
            .same_site(cookie::SameSite::Lax);
        session::set(res.headers_mut(), &c.build());
    }
    res
}

/// Whether the request prefers HTML (a browser) over JSON.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}
