//! Citizens' tips: the public form `/tipsa` (no sign-in; its CSRF token rides in a cookie as
//! on the sign-in page), its receipt `/tipsa/tack`, the moderation queue `/tips`, its
//! decisions, and the QR link page `/tips/lank`. Every check is `trygg_app::tips`'; this only
//! translates.

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use serde::Deserialize;
use trygg_app::tips::{self, Prefill, TipInput};
use trygg_domain::tip::{Duplicate, TipCategory};
use trygg_domain::{AreaId, IncidentId};

use super::{
    Lang, PageCtx,
    extract::{Page, PageError, Posted, SignedIn},
    layout::{layout_with_head, mail_status},
};
use crate::{AppState, auth::generate_token, http::client::ClientAddr, session};

/// The cookie that carries the public form's CSRF token (there is no session).
const TIP_CSRF_COOKIE: &str = "trygg_tip";

fn head() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet/leaflet.css";
        script src="/assets/vendor/leaflet/leaflet.js" defer {}
        script src="/assets/tips.js" defer {}
    }
}

/// `?omrade=ID` or `?plats=lat,lon&namn=…`.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct TipQuery {
    omrade: Option<i64>,
    plats: Option<String>,
    namn: Option<String>,
}

/// The form's fields as posted.
#[derive(Debug, Deserialize, Default, Clone)]
pub(crate) struct TipForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    stamp: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    email: String,
    /// The honeypot: hidden from people, named to attract bots.
    #[serde(default)]
    website: String,
}

fn parse_plats(s: &str) -> Option<(f64, f64)> {
    let (lat, lon) = s.split_once(',')?;
    Some((lat.trim().parse().ok()?, lon.trim().parse().ok()?))
}

/// What the form shows besides the fields: the map's centre (a QR link's area) and the
/// names of places to type.
#[derive(Debug, Default)]
struct Around {
    centre: Option<(f64, f64)>,
    places: Vec<String>,
}

fn tip_form(
    state: &AppState,
    ctx: &PageCtx,
    f: &TipForm,
    around: &Around,
    error: Option<&str>,
) -> Markup {
    let l = ctx.lang;
    let stamp = tips::stamp(state.now());
    let today = state.today().to_string();
    let lang_q = if l == Lang::En { "?lang=en" } else { "" };
    html! {
        section.card.narrow {
            h1 { (l.t("Tipsa om en plats", "Tell us about a place")) }
            p { (l.t(
                "Berätta om en plats som känns otrygg – eller trygg. Kommunen och polisen läser alla tips. Tipset är anonymt; inget du skriver visas för allmänheten. Ring 112 vid nödläge och 114 14 för att anmäla brott.",
                "Tell us about a place that feels unsafe – or safe. The municipality and the police read every tip. The tip is anonymous; nothing you write is shown to the public. Call 112 in an emergency and 114 14 to report a crime.",
            )) }
            @if let Some(e) = error { p.notice.error role="alert" #tip-error { (e) } }
            form method="post" action={ "/tipsa" (lang_q) } #tip-form
                data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution)
                data-lang=(l.code()) {
                input type="hidden" name="csrf" value=(f.csrf);
                input type="hidden" name="stamp" value=(stamp);
                fieldset {
                    legend { (l.t("Vad gäller det?", "What is it about?")) }
                    @for c in TipCategory::ALL {
                        @let (sv, en) = c.label();
                        label.choice {
                            input type="radio" name="category" value=(c.as_str()) required checked[f.category == c.as_str()];
                            " " (l.t(sv, en))
                        }
                    }
                }
                fieldset {
                    legend { (l.t("Var?", "Where?")) }
                    label { (l.t("Plats eller adress", "Place or address"))
                        input type="text" name="place" value=(f.place) maxlength="200" list="tip-places" autocomplete="off";
                    }
                    datalist #tip-places { @for p in &around.places { option value=(p) {} } }
                    p.hint { (l.t(
                        "Klicka på kartan, använd din position eller skriv namnet på ett område.",
                        "Click the map, use your position or write the name of an area.",
                    )) }
                    button type="button" #tip-gps { (l.t("Använd min position", "Use my position")) }
                    div #tip-map .pick-map
                        data-lat=[around.centre.map(|c| format!("{:.6}", c.0))]
                        data-lon=[around.centre.map(|c| format!("{:.6}", c.1))]
                        role="application" aria-label=(l.t("Karta: klicka för att välja plats", "Map: click to choose the place")) {}
                    output #tip-pos aria-live="polite" {
                        @if !f.lat.is_empty() { (l.t("Vald plats: ", "Chosen place: ")) (f.lat) ", " (f.lon) }
                    }
                    input type="hidden" name="lat" value=(f.lat);
                    input type="hidden" name="lon" value=(f.lon);
                }
                fieldset {
                    legend { (l.t("När?", "When?")) }
                    label { (l.t("Datum", "Date"))
                        input type="date" name="date" required max=(today)
                            value=(if f.date.is_empty() { today.as_str() } else { f.date.as_str() });
                    }
                    label { (l.t("Tid (om du vet)", "Time (if you know)"))
                        input type="time" name="time" value=(f.time);
                    }
                }
                label { (l.t("Beskrivning", "Description"))
                    textarea name="description" rows="5" maxlength="2000" required { (f.description) }
                }
                p.hint { (l.t(
                    "Skriv inte namn, personnummer, telefonnummer eller e-postadresser i texten.",
                    "Do not write names, personal identity numbers, phone numbers or e-mail addresses in the text.",
                )) }
                label { (l.t("Din e-post, om du vill ha besked (frivilligt)", "Your e-mail, if you want to hear back (optional)"))
                    input type="email" name="email" value=(f.email) autocomplete="email";
                }
                div.hp aria-hidden="true" {
                    label { "Website"
                        input type="text" name="website" tabindex="-1" autocomplete="off";
                    }
                }
                button.primary type="submit" { (l.t("Skicka tipset", "Send the tip")) }
            }
        }
    }
}

fn with_tip_cookie(status: StatusCode, token: &str, body: Markup) -> Response {
    let mut res = (status, body).into_response();
    let c = cookie::Cookie::build((TIP_CSRF_COOKIE, token))
        .path("/tipsa")
        .http_only(true)
        .same_site(cookie::SameSite::Strict);
    session::set(res.headers_mut(), &c.build());
    res
}

async fn render_form(
    state: &AppState,
    ctx: &PageCtx,
    mut f: TipForm,
    centre: Option<(f64, f64)>,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, PageError> {
    let token = generate_token();
    f.csrf.clone_from(&token);
    let around = Around {
        centre,
        places: tips::place_names(state)
            .await
            .map_err(|e| PageError::from_app(ctx.lang, e))?,
    };
    let title = ctx.lang.t("Tipsa", "Send a tip");
    let body = layout_with_head(ctx, title, head(), tip_form(state, ctx, &f, &around, error));
    Ok(with_tip_cookie(status, &token, body))
}

/// `GET /tipsa`: the public form, the place pre-filled from a QR link.
pub(crate) async fn form(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<TipQuery>,
) -> Result<Response, PageError> {
    let l = page.ctx.lang;
    // An area's link names the area and centres the map on it, but leaves the point to the
    // citizen (unpicked, the tip stands for the whole area); a place's link is that point.
    let (f, centre) = match (q.omrade, q.plats.as_deref().and_then(parse_plats)) {
        (Some(id), _) => match tips::area_prefill(&state, AreaId(id))
            .await
            .map_err(|e| PageError::from_app(l, e))?
        {
            Some(Prefill { name, lat, lon }) => (
                TipForm {
                    place: name,
                    ..TipForm::default()
                },
                Some((lat, lon)),
            ),
            None => (TipForm::default(), None),
        },
        (None, Some((lat, lon))) => (
            TipForm {
                place: q.namn.clone().unwrap_or_default(),
                lat: format!("{lat:.6}"),
                lon: format!("{lon:.6}"),
                ..TipForm::default()
            },
            Some((lat, lon)),
        ),
        _ => (TipForm::default(), None),
    };
    render_form(&state, &page.ctx, f, centre, StatusCode::OK, None).await
}

/// `POST /tipsa`.
pub(crate) async fn submit(
    State(state): State<AppState>,
    page: Page,
    headers: HeaderMap,
    ClientAddr(from): ClientAddr,
    Form(f): Form<TipForm>,
) -> Result<Response, PageError> {
    let l = page.ctx.lang;
    let expected = session::cookie(&headers, TIP_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !session::csrf_matches(expected, &f.csrf) {
        return Err(PageError::csrf(l));
    }
    let position = f
        .lat
        .trim()
        .parse::<f64>()
        .ok()
        .zip(f.lon.trim().parse::<f64>().ok());
    let input = TipInput {
        category: f.category.clone(),
        position,
        place: f.place.clone(),
        date: f.date.clone(),
        time: f.time.clone(),
        description: f.description.clone(),
        email: f.email.clone(),
        honeypot: f.website.clone(),
        stamp: f.stamp.clone(),
        lang: l,
    };
    let limits = state.config.tips.limits();
    match tips::submit(&state, &input, from, &limits)
        .await
        .map_err(|e| PageError::internal(l, e))?
    {
        Ok(receipt) => {
            let reply = if receipt.wants_reply { "&svar=1" } else { "" };
            let lang = if l == Lang::En { "&lang=en" } else { "" };
            Ok(Redirect::to(&format!(
                "/tipsa/tack?ref={}{reply}{lang}",
                receipt.reference
            ))
            .into_response())
        }
        Err(refusal) => {
            let message = match l {
                Lang::Sv => refusal.sv,
                Lang::En => refusal.en,
            };
            render_form(
                &state,
                &page.ctx,
                f,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&message),
            )
            .await
        }
    }
}

/// `?ref=T-…&svar=1`.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ReceiptQuery {
    #[serde(rename = "ref", default)]
    reference: String,
    svar: Option<String>,
}

/// `GET /tipsa/tack`: the receipt with the reference number.
pub(crate) async fn receipt(
    State(state): State<AppState>,
    page: Page,
    Query(q): Query<ReceiptQuery>,
) -> Result<Markup, PageError> {
    let l = page.ctx.lang;
    if trygg_domain::tip::Tip::id_of_reference(&q.reference).is_none() {
        return Err(PageError::not_found(l));
    }
    let body = html! {
        section.card.narrow {
            h1 { (l.t("Tack för ditt tips", "Thank you for your tip")) }
            p { (l.t("Ditt referensnummer är", "Your reference number is")) }
            p.reference { strong #tip-reference { (q.reference) } }
            @if q.svar.is_some() && state.notify.is_on() {
                p { (l.t(
                    "Du får besked via e-post när kommunen eller polisen har tagit ställning till tipset.",
                    "You will hear by e-mail when the municipality or the police have decided on the tip.",
                )) }
            } @else {
                p { (l.t(
                    "Spara numret: ange det om du vill fråga kommunen om tipset.",
                    "Keep the number: give it if you want to ask the municipality about the tip.",
                )) }
            }
            p { a href={ "/tipsa" @if l == Lang::En { "?lang=en" } } { (l.t("Skicka ett tips till", "Send another tip")) } }
        }
    };
    Ok(super::layout(&page.ctx, l.t("Tack", "Thank you"), body))
}

fn duplicate_label(l: Lang, d: &Duplicate, metres: f64) -> String {
    match d {
        Duplicate::Tip(id) => format!("{} {id} ({metres:.0} m)", l.t("Tips", "Tip")),
        Duplicate::Incident(IncidentId(id)) => {
            format!("{} {id} ({metres:.0} m)", l.t("Händelse", "Incident"))
        }
    }
}

fn duplicate_value(d: &Duplicate) -> String {
    match d {
        Duplicate::Tip(id) => format!("tip:{id}"),
        Duplicate::Incident(IncidentId(id)) => format!("incident:{id}"),
    }
}

/// `GET /tips`: the moderation queue.
pub(crate) async fn queue(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let queue = tips::queue(&state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let tz = state.tz.clone();
    let body = html! {
        h1 { (l.t("Invånarnas tips", "Citizens' tips")) }
        p { (l.t(
            "Nya tips väntar på beslut. Godkänt blir ett tips en händelse (kanal tips; en trygg plats noteras bara). Ett tips inom 50 m från ett annat eller en händelse kan slås ihop med den.",
            "New tips wait for a decision. Accepted, a tip becomes an incident (channel tips; a safe place is only noted). A tip within 50 m of another or of an incident can be merged with it.",
        )) }
        (mail_status(l, state.notify.is_on(), (
            "Den som lämnat sin e-postadress får beslutet per e-post, på det språk tipset skickades på (ett avvisat tips med skälet).",
            "Whoever left an e-mail address gets the decision by e-mail, in the language the tip was sent in (a rejected tip with the reason).",
        )))
        @if queue.is_empty() { p { (l.t("Inga tips väntar.", "No tips are waiting.")) } }
        @else {
            div #tips-map .pick-map data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution)
                role="img" aria-label=(l.t("Karta över tipsen", "Map of the tips")) {}
        }
        @for q in &queue {
            @let t = &q.tip.data;
            @let (sv, en) = t.category.label();
            @let id = q.tip.meta.id;
            article.card.tip data-lat=(t.position.lat) data-lon=(t.position.lon) data-ref=(q.reference) {
                h2 { (q.reference) ": " (l.t(sv, en)) }
                p.hint {
                    (when(l, t, &tz))
                    @if let Some(p) = &t.place { " · " (p) }
                    " · " (format!("{:.5}, {:.5}", t.position.lat, t.position.lon))
                }
                p { (t.description) }
                form method="post" action={ "/tips/" (id) "/godkann" } {
                    (me.ctx.csrf_field())
                    button.primary type="submit" { (l.t("Godkänn", "Accept")) " " (q.reference) }
                }
                @if t.category.code().is_some() && me.may(trygg_domain::Permission::ManageFixes) {
                    details {
                        summary { (l.t("Godkänn och skapa åtgärdsärende", "Accept and create a fix")) }
                        form method="post" action={ "/tips/" (id) "/atgard" } {
                            (me.ctx.csrf_field())
                            label { (l.t("Vad ska ägaren göra?", "What should the owner do?"))
                                span.hint { (l.t("Visas för ägaren; tipsarens text visas aldrig för externa parter.", "Shown to the owner; the citizen's text is never shown to outside parties.")) }
                                textarea name="description" rows="3" required maxlength="4000" {}
                            }
                            button type="submit" { (l.t("Godkänn och skapa", "Accept and create")) }
                        }
                    }
                }
                @if !q.nearby.is_empty() {
                    form method="post" action={ "/tips/" (id) "/sla-ihop" } {
                        (me.ctx.csrf_field())
                        label { (l.t("Samma som", "Same as"))
                            select name="with" {
                                @for (d, m) in &q.nearby { option value=(duplicate_value(d)) { (duplicate_label(l, d, *m)) } }
                            }
                        }
                        button type="submit" { (l.t("Slå ihop", "Merge")) }
                    }
                }
                form method="post" action={ "/tips/" (id) "/avvisa" } {
                    (me.ctx.csrf_field())
                    label { (l.t("Skäl", "Reason"))
                        input type="text" name="reason" required maxlength="500";
                    }
                    button type="submit" { (l.t("Avvisa", "Reject")) }
                }
            }
        }
        p { a href="/tips/lank" { (l.t("Länkar och QR-koder till formuläret", "Links and QR codes to the form")) } }
    };
    Ok(layout_with_head(&me.ctx, l.t("Tips", "Tips"), head(), body))
}

/// When a tip's event happened: the moment, or the day when no time was given.
fn when(l: Lang, t: &trygg_domain::tip::Tip, tz: &jiff::tz::TimeZone) -> String {
    let from = t.occurred_from.to_zoned(tz.clone());
    if t.occurred_from == t.occurred_to {
        from.strftime("%Y-%m-%d %H:%M").to_string()
    } else {
        format!("{} ({})", from.date(), l.t("tid okänd", "time unknown"))
    }
}

fn decided(
    l: Lang,
    r: Result<trygg_app::Stored<trygg_domain::tip::Tip>, trygg_app::AppError>,
) -> Result<Redirect, PageError> {
    r.map(|_| Redirect::to("/tips"))
        .map_err(|e| PageError::from_app(l, e))
}

/// `POST /tips/{id}/godkann`.
pub(crate) async fn accept(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Redirect, PageError> {
    decided(me.ctx.lang, tips::accept(&state, &me.user, id).await)
}

/// `POST /tips/{id}/sla-ihop`.
pub(crate) async fn merge(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Redirect, PageError> {
    let l = me.ctx.lang;
    let with = form
        .iter()
        .find(|(k, _)| k == "with")
        .and_then(|(_, v)| v.split_once(':'))
        .and_then(|(kind, n)| {
            let n: i64 = n.parse().ok()?;
            match kind {
                "tip" => Some(Duplicate::Tip(n)),
                "incident" => Some(Duplicate::Incident(IncidentId(n))),
                _ => None,
            }
        })
        .ok_or_else(|| {
            PageError::bad_request(l, l.t("Välj dubbletten.", "Choose the duplicate."))
        })?;
    decided(l, tips::merge(&state, &me.user, id, with).await)
}

/// `POST /tips/{id}/avvisa`.
pub(crate) async fn reject(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Redirect, PageError> {
    let reason = form
        .iter()
        .find(|(k, _)| k == "reason")
        .map_or("", |(_, v)| v.as_str());
    decided(
        me.ctx.lang,
        tips::reject(&state, &me.user, id, reason).await,
    )
}

/// The tip form's link for area `id`: the QR code's content.
fn area_link(state: &AppState, id: i64) -> String {
    format!(
        "{}/tipsa?omrade={id}",
        state.config.public_url.trim_end_matches('/')
    )
}

/// `GET /tips/lank`: the form's link for each area, with its QR code to print on signs and
/// safety walks' maps.
pub(crate) async fn links(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    me.check(trygg_domain::Permission::ModerateTips)?;
    let areas = trygg_app::reference::areas(&state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let body = html! {
        h1 { (l.t("Länkar och QR-koder till tipsformuläret", "Links and QR codes to the tip form")) }
        p { (l.t(
            "Varje länk fyller i områdets namn och visar området på kartan; den som tipsar sätter själv ut platsen. Skriv ut QR-koden på skyltar och trygghetsvandringarnas kartor (spara bilden: SVG, skarp i alla storlekar). För en egen plats: /tipsa?plats=lat,lon&namn=Namn.",
            "Each link fills in the area's name and shows the area on the map; the citizen places the point. Print the QR code on signs and safety walks' maps (save the image: SVG, sharp at any size). For a place of your own: /tipsa?plats=lat,lon&namn=Name.",
        )) }
        table.qr-links {
            thead { tr { th { (l.t("Område", "Area")) } th { (l.t("Länk", "Link")) } th { (l.t("QR-kod", "QR code")) } } }
            tbody {
                @for a in &areas {
                    @let src = format!("/tips/lank/{}/qr.svg", a.id.0);
                    tr {
                        td { (a.name) }
                        td { code { (area_link(&state, a.id.0)) } }
                        td {
                            a href=(src) download=(format!("tipsa-{}.svg", a.id.0)) {
                                img.qr src=(src) width="96" height="96" loading="lazy"
                                    alt=(format!("{} {}", l.t("QR-kod till tipsformuläret för", "QR code to the tip form for"), a.name));
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(super::layout(&me.ctx, l.t("Tipslänkar", "Tip links"), body))
}

/// `GET /tips/lank/{area}/qr.svg`: the QR code of the area's tip link, as SVG (error
/// correction M, which survives a scuffed sign). 404 for an area the reader cannot see.
pub(crate) async fn qr(
    State(state): State<AppState>,
    me: SignedIn,
    Path(area): Path<i64>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    me.check(trygg_domain::Permission::ModerateTips)?;
    let areas = trygg_app::reference::areas(&state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    if !areas.iter().any(|a| a.id.0 == area) {
        return Err(PageError::not_found(l));
    }
    let code = qrcode::QrCode::with_error_correction_level(
        area_link(&state, area).as_bytes(),
        qrcode::EcLevel::M,
    )
    .map_err(|e| PageError::internal(l, format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build();
    Ok(([(axum::http::header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}
