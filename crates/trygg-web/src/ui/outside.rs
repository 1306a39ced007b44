//! An outside party's page `/atgard/{token}` (no sign-in): the fix as its owner needs it —
//! category, place on a map, the coordinator's description, their part, the due date, approved
//! photos; never the reporter's text — and a form to answer with their part's status, a text
//! and one photo. Its CSRF token rides in a cookie, as on the tip form. An expired or revoked
//! link answers 410 and names the organisation to ask. Every check is
//! `trygg_app::fixes`'; this only translates.

use axum::{
    extract::{FromRequest, Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use trygg_app::AppError;
use trygg_app::fixes::{self, LinkAnswer, LinkGone, LinkView};
use trygg_domain::fix::FixStatus;
use trygg_domain::{Lang, Taxonomy};

use super::{
    PageCtx,
    extract::{Page, PageError, read_multipart},
    layout::layout_with_head,
};
use crate::{AppState, auth::generate_token, session};

/// The cookie that carries the page's CSRF token (there is no session).
const CSRF_COOKIE: &str = "trygg_atgard";

fn head() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet/leaflet.css";
        script src="/assets/vendor/leaflet/leaflet.js" defer {}
        script src="/assets/fixes.js" defer {}
    }
}

fn label(l: Lang, s: FixStatus) -> &'static str {
    let (sv, en) = s.label();
    l.t(sv, en)
}

fn lang_q(l: Lang) -> &'static str {
    if l == Lang::En { "?lang=en" } else { "" }
}

/// `?tack=1` after an answer.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Thanks {
    tack: Option<String>,
}

fn form_page(
    state: &AppState,
    ctx: &PageCtx,
    token: &str,
    v: &LinkView,
    csrf: &str,
    notice: Option<(bool, &str)>,
    text: &str,
) -> Markup {
    let l = ctx.lang;
    let category = Taxonomy.get(&v.category).map_or_else(
        || v.category.clone(),
        |c| l.t(c.label_sv, c.label_en).to_string(),
    );
    let expires = v
        .expires_at
        .to_zoned(state.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    html! {
        section.card.narrow {
            h1 { (l.t("Åtgärdsärende", "Fix")) " " (v.fix) ": " (category) }
            p { (l.t("Till", "For")) " " strong { (v.owner) } " " (l.t("från", "from")) " " (v.organisation) "." }
            @if let Some((ok, message)) = notice {
                @if ok { p.notice.ok role="status" #answer-notice { (message) } }
                @else { p.notice.error role="alert" #answer-notice { (message) } }
            }
            dl {
                dt { (l.t("Vad ska göras", "What to do")) } dd #link-description { (v.description) }
                @if let Some(p) = &v.part { dt { (l.t("Er del", "Your part")) } dd { (p) } }
                dt { (l.t("Plats", "Place")) }
                dd { (v.place.as_deref().unwrap_or("–")) " · " (format!("{:.5}, {:.5}", v.position.lat, v.position.lon)) }
                dt { (l.t("Status", "Status")) } dd #link-status { (label(l, v.status)) }
                @if let Some(d) = v.due { dt { (l.t("Klart senast", "Due")) } dd { (d.to_string()) } }
            }
            div #fix-map .pick-map.small data-lat=(v.position.lat) data-lon=(v.position.lon)
                data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution)
                role="region" aria-label=(l.t("Karta över platsen", "Map of the place")) {}
            @if !v.photos.is_empty() {
                div.photos {
                    @for n in &v.photos {
                        img src={ "/atgard/" (token) "/foto/" (n) } width="240" loading="lazy"
                            alt={ (l.t("Foto", "Photo")) " " (n) };
                    }
                }
            }
            h2 { (l.t("Svara", "Answer")) }
            form method="post" action={ "/atgard/" (token) (lang_q(l)) } enctype="multipart/form-data" #answer-form {
                input type="hidden" name="csrf" value=(csrf);
                label { (l.t("Status för er del", "Status of your part"))
                    select name="status" {
                        option value="" { (l.t("Oförändrad", "Unchanged")) " (" (label(l, v.status)) ")" }
                        @for s in v.status.next() { option value=(s.as_str()) { (label(l, s)) } }
                    }
                }
                label { (l.t("Ert svar", "Your answer"))
                    span.hint { (l.t("Vad har gjorts eller planeras? Skäl om det inte blir av.", "What has been done or is planned? The reason if it will not be done.")) }
                    textarea name="text" rows="4" required maxlength="4000" { (text) }
                }
                label { (l.t("Foto (frivilligt: JPEG, PNG eller WebP)", "Photo (optional: JPEG, PNG or WebP)"))
                    input type="file" name="photo" accept="image/jpeg,image/png,image/webp";
                }
                p.hint { (l.t(
                    "Platsuppgifter och kamerainformation tas bort ur fotot. Fotografera inte människor.",
                    "Location and camera details are removed from the photo. Do not photograph people.",
                )) }
                button.primary type="submit" { (l.t("Skicka svaret", "Send the answer")) }
            }
            p.hint { (l.t("Länken gäller till", "The link works until")) " " (expires) "." }
        }
    }
}

fn gone_page(ctx: &PageCtx, g: &LinkGone) -> Response {
    let l = ctx.lang;
    let title = if g.revoked {
        l.t("Länken har återkallats", "The link has been revoked")
    } else {
        l.t("Länken har gått ut", "The link has expired")
    };
    let body = html! {
        section.card.narrow {
            h1 #link-gone { (title) }
            p { (l.t("Länken till åtgärdsärendet gäller inte längre. Fråga", "The link to the fix no longer works. Ask")) " "
                strong { (g.organisation) } " "
                (l.t("om en ny länk.", "for a new one.")) }
        }
    };
    (StatusCode::GONE, super::layout(ctx, title, body)).into_response()
}

fn with_cookie(status: StatusCode, token: &str, csrf: &str, body: Markup) -> Response {
    let mut res = (status, body).into_response();
    let c = cookie::Cookie::build((CSRF_COOKIE, csrf))
        .path(format!("/atgard/{token}"))
        .http_only(true)
        .same_site(cookie::SameSite::Strict);
    session::set(res.headers_mut(), &c.build());
    res
}

async fn render(
    state: &AppState,
    ctx: &PageCtx,
    token: &str,
    status: StatusCode,
    notice: Option<(bool, &str)>,
    text: &str,
) -> Result<Response, PageError> {
    let l = ctx.lang;
    match fixes::open_link(state, token).await {
        Ok(Ok(v)) => {
            let csrf = generate_token();
            let body = layout_with_head(
                ctx,
                l.t("Åtgärdsärende", "Fix"),
                head(),
                form_page(state, ctx, token, &v, &csrf, notice, text),
            );
            Ok(with_cookie(status, token, &csrf, body))
        }
        Ok(Err(gone)) => Ok(gone_page(ctx, &gone)),
        Err(e) => Err(PageError::from_app(l, e)),
    }
}

/// `GET /atgard/{token}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Query(q): Query<Thanks>,
) -> Result<Response, PageError> {
    let l = page.ctx.lang;
    let thanks = l.t(
        "Tack! Svaret är sparat och samordnaren ser det.",
        "Thank you! The answer is stored and the coordinator sees it.",
    );
    let notice = q.tack.is_some().then_some((true, thanks));
    render(&state, &page.ctx, &token, StatusCode::OK, notice, "").await
}

/// `POST /atgard/{token}`: the answer (multipart: `csrf`, `status`, `text`, `photo`).
pub(crate) async fn answer(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let l = page.ctx.lang;
    let expected = session::cookie(&headers, CSRF_COOKIE)
        .unwrap_or_default()
        .to_string();
    let unreadable = |status: StatusCode| {
        PageError::Page {
        status,
        lang: l,
        title: l
            .t("Svaret kunde inte tas emot", "The answer could not be accepted")
            .into(),
        message: l
            .t(
                "Svaret eller fotot är för stort eller kom inte fram helt. Försök igen med ett mindre foto.",
                "The answer or the photo is too large or did not arrive whole. Try again with a smaller photo.",
            )
            .into(),
    }
    };
    let (fields, file) = match axum::extract::Multipart::from_request(req, &state).await {
        Ok(mut m) => read_multipart(&mut m).await.map_err(unreadable)?,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(unreadable(e.status()));
        }
        Err(_) => (Vec::new(), None),
    };
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    if expected.is_empty() || !session::csrf_matches(&expected, field("csrf")) {
        return Err(PageError::csrf(l));
    }
    let reply = LinkAnswer {
        status: FixStatus::parse(field("status")),
        text: field("text").to_string(),
        photo: file.map(|(_, b)| b.to_vec()),
    };
    match fixes::answer(&state, &token, reply).await {
        Ok(Ok(_)) => {
            let lang = if l == Lang::En { "&lang=en" } else { "" };
            Ok(Redirect::to(&format!("/atgard/{token}?tack=1{lang}")).into_response())
        }
        Ok(Err(gone)) => Ok(gone_page(&page.ctx, &gone)),
        Err(e @ (AppError::Invalid(_) | AppError::BadParameter { .. })) => {
            let message = e.to_string();
            render(
                &state,
                &page.ctx,
                &token,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((false, &message)),
                field("text"),
            )
            .await
        }
        Err(e) => Err(PageError::from_app(l, e)),
    }
}

/// `GET /atgard/{token}/foto/{n}`: a photo approved for public pages.
pub(crate) async fn photo(
    State(state): State<AppState>,
    page: Page,
    Path((token, n)): Path<(String, u32)>,
) -> Result<Response, PageError> {
    let (kind, bytes) = fixes::link_photo(&state, &token, n)
        .await
        .map_err(|e| PageError::from_app(page.ctx.lang, e))?;
    Ok(super::fixes::image(kind, bytes))
}
