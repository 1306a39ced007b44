//! Safety walks (*trygghetsvandringar*): the list and the plan `/trygghetsvandringar` (the route
//! drawn on the map), one walk `/trygghetsvandringar/{id}` (its points, routing them to fixes,
//! publishing them, the closing meeting's answers, the comparison with the earlier walk), the
//! phone's page for the walk itself `/trygghetsvandringar/{id}/vandra` (works offline: the
//! service worker keeps the page, `assets/walk.js` queues findings), and the public protocol
//! `/trygghetsvandringar/{id}/protokoll` with the photos a coordinator approved
//! (`…/protokoll/punkt/{n}/foto/{photo}`). Every check is `trygg_app::walks`'; this only
//! translates.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use trygg_app::AppError;
use trygg_app::walks::{self, NewFinding, NewWalk, WalkView};
use trygg_domain::walk::{FindingKind, OwnerAnswer, ParticipantGroup, Participants, SafetyWalk};
use trygg_domain::{ErrorCode, Lang, Permission, Taxonomy};

use super::{
    PageCtx,
    extract::{Page, PageError, Posted, PostedFile, SignedIn},
    form::Fields,
    layout::layout_with_head,
};
use crate::AppState;

fn head() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet/leaflet.css";
        script src="/assets/vendor/leaflet/leaflet.js" defer {}
        script src="/assets/walk.js" defer {}
    }
}

fn category_label(l: Lang, code: Option<&str>) -> String {
    code.map_or_else(String::new, |c| {
        Taxonomy.get(c).map_or_else(
            || c.to_string(),
            |x| l.t(x.label_sv, x.label_en).to_string(),
        )
    })
}

fn kind_label(l: Lang, k: FindingKind) -> &'static str {
    let (sv, en) = k.label();
    l.t(sv, en)
}

/// A use case's refusal of a form's input, said in the page's language by its field; other
/// refusals (not found, not allowed) as their page.
fn say(l: Lang, e: AppError) -> Result<String, PageError> {
    let AppError::Invalid(v) = &e else {
        return match e {
            AppError::BadParameter { .. } | AppError::Conflict(_) => Ok(e.to_string()),
            other => Err(PageError::from_app(l, other)),
        };
    };
    let field = v.field.split(['[', '.']).next().unwrap_or_default();
    Ok(match (v.code, field) {
        (ErrorCode::PersonalIdentityNumber, _) => l.t(
            "Texten innehåller något som liknar ett personnummer. Ta bort det: protokollet får aldrig peka ut en person.",
            "The text holds something like a personal identity number. Remove it: the protocol must never single out a person.",
        ),
        (ErrorCode::OutsideSweden, _) => l.t(
            "Platsen ligger i havet eller utanför Sverige. Tryck på kartan där ni stod.",
            "The place is in the sea or outside Sweden. Tap the map where you stood.",
        ),
        (ErrorCode::Missing, "position") => l.t(
            "Markera platsen på kartan eller använd telefonens position.",
            "Mark the place on the map or use the phone's position.",
        ),
        (_, "position") => l.t(
            "Platsen ligger utanför kommunen. Markera den där gruppen stod.",
            "The place is outside the municipality. Mark it where the group stood.",
        ),
        (_, "category") => l.t(
            "Välj vad som gör platsen otrygg (kategori).",
            "Choose what makes the place unsafe (category).",
        ),
        (_, "description") => l.t(
            "Skriv vad gruppen såg.",
            "Write what the group saw.",
        ),
        (_, "route") => l.t(
            "Rita rutten med minst två punkter på kartan, alla på land.",
            "Draw the route with at least two points on the map, all on land.",
        ),
        (_, "title") => l.t("Ge vandringen ett namn.", "Name the walk."),
        (_, "photo") if v.message.contains("MiB") => l.t(
            "Fotot är för stort. Ta ett nytt med lägre upplösning eller skicka platsen utan foto.",
            "The photo is too large. Take a new one at a lower resolution or send the place without a photo.",
        ),
        (_, "photo") => l.t(
            "Filen är ingen bild som tas emot: skicka ett foto i JPEG, PNG eller WebP.",
            "The file is not an image that is taken: send a photo in JPEG, PNG or WebP.",
        ),
        (_, "earlier") => l.t(
            "Den tidigare vandringen måste ha gått före den här.",
            "The earlier walk must have taken place before this one.",
        ),
        _ => return Ok(e.to_string()),
    }
    .to_string())
}

fn parse_date(s: &str) -> Option<jiff::civil::Date> {
    s.trim().parse().ok()
}

/// The route field: `lat,lon;lat,lon;…`.
fn parse_route(s: &str) -> Option<Vec<(f64, f64)>> {
    s.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (a, b) = p.split_once(',')?;
            Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
        })
        .collect()
}

fn new_walk(l: Lang, f: &Fields) -> Result<NewWalk, String> {
    let date = parse_date(f.get("date")).ok_or_else(|| {
        l.t(
            "Ange vandringens dag (ÅÅÅÅ-MM-DD).",
            "Give the day of the walk (YYYY-MM-DD).",
        )
        .to_string()
    })?;
    let route = parse_route(f.get("route")).ok_or_else(|| {
        l.t(
            "Rutten kunde inte läsas: rita den på kartan igen.",
            "The route could not be read: draw it on the map again.",
        )
        .to_string()
    })?;
    let mut participants = Vec::new();
    for g in ParticipantGroup::ALL {
        let v = f.get(&format!("p_{}", g.as_str())).trim();
        if v.is_empty() {
            continue;
        }
        let count = v.parse::<u32>().map_err(|_| {
            format!(
                "{}: {}",
                l.t(g.label().0, g.label().1),
                l.t(
                    "ange antalet som ett heltal.",
                    "give the number as a whole number."
                )
            )
        })?;
        participants.push(Participants { group: g, count });
    }
    Ok(NewWalk {
        title: f.get("title").to_string(),
        area: f.get("area").parse().ok().map(trygg_domain::AreaId),
        date,
        first_meeting: parse_date(f.get("first_meeting")),
        route,
        invited: f.get("invited").lines().map(str::to_string).collect(),
        participants,
        earlier: f.get("earlier").parse().ok(),
    })
}

/// `GET /trygghetsvandringar`: the walks, and the plan of a new one.
pub(crate) async fn list(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    list_page(&state, &me, &Fields(Vec::new()), None).await
}

async fn list_page(
    state: &AppState,
    me: &SignedIn,
    f: &Fields,
    message: Option<&str>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let all = walks::list(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let areas = trygg_app::reference::areas(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let area_name = |id: Option<trygg_domain::AreaId>| {
        id.and_then(|a| areas.iter().find(|x| x.id == a))
            .map_or("", |a| a.name.as_str())
    };
    let body = html! {
        h1 { (l.t("Trygghetsvandringar", "Safety walks")) }
        p.lead { (l.t(
            "Enligt Boverkets och Brås metod: ett första möte formar rutten; på vandringen markerar en grupp på högst ett tjugotal personer trygga och otrygga platser; protokollet går till den som förvaltar varje plats; på återkopplingsmötet berättar de vad de ska göra; en ny vandring på samma rutt följer upp.",
            "By Boverket's and Brå's method: a first meeting shapes the route; on the walk a group of at most about twenty marks safe and unsafe places; the protocol goes to whoever manages each place; at the closing meeting they say what they will do; a new walk on the same route follows up.")) }
        @if all.is_empty() {
            p { (l.t("Inga vandringar ännu.", "No walks yet.")) }
        } @else {
            div.scroll { table.list {
                thead { tr {
                    th { (l.t("Dag", "Day")) } th { (l.t("Vandring", "Walk")) } th { (l.t("Område", "Area")) }
                    th { (l.t("Deltagare", "Participants")) }
                } }
                tbody { @for w in &all { tr {
                    td { (w.data.date.to_string()) }
                    td { a href={ "/trygghetsvandringar/" (w.meta.id) } { (w.data.title) } }
                    td { (area_name(w.data.area)) }
                    td { (w.data.participant_count()) }
                } } }
            } }
        }
        @if me.may(Permission::ManageWalks) {
            section.card #plan {
                h2 { (l.t("Planera en vandring", "Plan a walk")) }
                @if let Some(m) = message { p.notice.error role="alert" { (m) } }
                form.grid method="post" action="/trygghetsvandringar" {
                    (me.ctx.csrf_field())
                    label { (l.t("Namn", "Name"))
                        input type="text" name="title" required maxlength="200" value=(f.get("title"))
                            placeholder=(l.t("t.ex. Trygghetsvandring Gottsunda centrum", "e.g. Safety walk Gottsunda centre"));
                    }
                    label { (l.t("Område", "Area"))
                        select name="area" {
                            option value="" { "–" }
                            @for a in &areas { option value=(a.id.0) selected[f.get("area") == a.id.0.to_string()] { (a.name) } }
                        }
                    }
                    label { (l.t("Vandringens dag", "Day of the walk"))
                        input type="date" name="date" required value=(f.get("date"));
                    }
                    label { (l.t("Första mötet", "First meeting"))
                        input type="date" name="first_meeting" value=(f.get("first_meeting"));
                    }
                    label { (l.t("Följer upp en tidigare vandring på samma rutt", "Follows up an earlier walk on the same route"))
                        select name="earlier" {
                            option value="" { "–" }
                            @for w in &all { option value=(w.meta.id) selected[f.get("earlier") == w.meta.id.to_string()] { (w.data.date.to_string()) " " (w.data.title) } }
                        }
                    }
                    label.wide { (l.t("Inbjudna organisationer (en per rad)", "Invited organisations (one per line)"))
                        textarea name="invited" rows="4" placeholder=(l.t("Gatukontoret\nUppsalahem\nUL kollektivtrafik", "Street office\nHousing company\nPublic transport")) { (f.get("invited")) }
                    }
                    fieldset.wide {
                        legend { (l.t("Deltagare per grupp (aldrig namn)", "Participants by group (never names)")) }
                        div.grid {
                            @for g in ParticipantGroup::ALL {
                                label { (l.t(g.label().0, g.label().1))
                                    input type="number" min="0" max="200" inputmode="numeric" name={ "p_" (g.as_str()) } value=(f.get(&format!("p_{}", g.as_str())));
                                }
                            }
                        }
                    }
                    div.wide {
                        span.label { (l.t("Rutten: tryck på kartan punkt för punkt i gångordning", "The route: tap the map point by point in walking order")) }
                        div #walk-route-pick.map data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution) {}
                        div.row {
                            button #route-undo.secondary type="button" { (l.t("Ta bort senaste punkten", "Remove the last point")) }
                            output #route-count { }
                        }
                        input type="hidden" name="route" value=(f.get("route"));
                    }
                    button.primary type="submit" { (l.t("Spara planen", "Save the plan")) }
                }
            }
        }
    };
    Ok(layout_with_head(
        &me.ctx,
        l.t("Trygghetsvandringar", "Safety walks"),
        head(),
        body,
    ))
}

/// `POST /trygghetsvandringar`: a new walk's plan.
pub(crate) async fn create(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let f = Fields(form);
    let message = match new_walk(l, &f) {
        Err(m) => m,
        Ok(new) => match walks::plan(&state, &me.user, new).await {
            Ok(w) => {
                return Ok(
                    Redirect::to(&format!("/trygghetsvandringar/{}", w.meta.id)).into_response()
                );
            }
            Err(e) => say(l, e)?,
        },
    };
    let page = list_page(&state, &me, &f, Some(&message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn walk_id(l: Lang, id: &str) -> Result<i64, PageError> {
    id.parse().map_err(|_| PageError::not_found(l))
}

/// The map's data: the route and the numbered points, as JSON in `data-*` attributes.
fn map_data(w: &SafetyWalk, points: &[(u32, f64, f64, &str)]) -> (String, String) {
    let route: Vec<[f64; 2]> = w.route.iter().map(|p| [p.lat, p.lon]).collect();
    let points: Vec<serde_json::Value> = points
        .iter()
        .map(
            |(n, lat, lon, kind)| serde_json::json!({"n": n, "lat": lat, "lon": lon, "kind": kind}),
        )
        .collect();
    (
        serde_json::to_string(&route).unwrap_or_default(),
        serde_json::to_string(&points).unwrap_or_default(),
    )
}

fn plan_facts(ctx: &PageCtx, w: &SafetyWalk, area: Option<&str>) -> Markup {
    let l = ctx.lang;
    html! {
        dl {
            dt { (l.t("Vandringen", "The walk")) } dd { (w.date.to_string()) }
            @if let Some(d) = w.first_meeting { dt { (l.t("Första mötet", "First meeting")) } dd { (d.to_string()) } }
            @if let Some(a) = area { dt { (l.t("Område", "Area")) } dd { (a) } }
            @if !w.invited.is_empty() { dt { (l.t("Inbjudna", "Invited")) } dd { (w.invited.join(", ")) } }
            dt { (l.t("Deltagare", "Participants")) }
            dd {
                (l.count(i64::from(w.participant_count()), ("person", "personer"), ("person", "people")))
                @if !w.participants.is_empty() {
                    " ("
                    @for (k, p) in w.participants.iter().enumerate() {
                        @if k > 0 { ", " }
                        (l.t(p.group.label().0, p.group.label().1).to_lowercase()) " " (p.count)
                    }
                    ")"
                }
                @if w.participant_count() > trygg_domain::walk::GROUP_ADVISED_MAX {
                    " " span.tag { (l.t("fler än metodens ett tjugotal", "more than the method's twenty or so")) }
                }
            }
        }
    }
}

/// `GET /trygghetsvandringar/{id}`: the walk, its points and their fixes, the closing meeting
/// and the comparison with the earlier walk.
pub(crate) async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    show_page(&state, &me, &id, None).await
}

async fn show_page(
    state: &AppState,
    me: &SignedIn,
    id: &str,
    message: Option<&str>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let id = walk_id(l, id)?;
    let view: WalkView = walks::get(state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let compared = walks::compare(state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let areas = trygg_app::reference::areas(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let w = &view.walk.data;
    let area = w
        .area
        .and_then(|a| areas.iter().find(|x| x.id == a))
        .map(|a| a.name.as_str());
    let manage =
        me.may(Permission::ManageWalks) && view.walk.meta.organisation_id == me.user.organisation();
    let points: Vec<(u32, f64, f64, &str)> = view
        .findings
        .iter()
        .map(|f| {
            (
                f.data.number,
                f.data.position.lat,
                f.data.position.lon,
                f.data.kind.as_str(),
            )
        })
        .collect();
    let (route_json, points_json) = map_data(w, &points);
    let published = view.findings.iter().any(|f| f.data.published);
    let owners: Vec<String> = {
        let mut o: Vec<String> = view
            .fixes
            .iter()
            .filter_map(|(_, f)| f.data.lead().map(|x| x.responsible.name().to_string()))
            .chain(w.invited.iter().cloned())
            .collect();
        o.sort();
        o.dedup();
        o
    };
    let csrf = me.ctx.csrf_field();
    let body = html! {
        p { a href="/trygghetsvandringar" { "← " (l.t("Trygghetsvandringar", "Safety walks")) } }
        h1 { (w.title) }
        @if let Some(m) = message { p.notice.error role="alert" { (m) } }
        section.card {
            (plan_facts(&me.ctx, w, area))
            div #walk-map.map data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution)
                data-route=(route_json) data-points=(points_json) {}
            p.actions {
                @if manage { a.button.primary href={ "/trygghetsvandringar/" (id) "/vandra" } { (l.t("Vandra: registrera platser i telefonen", "Walk: record places on the phone")) } " " }
                a href={ "/rapporter/rapport?kind=walk-protocol&walk=" (id) } { (l.t("Protokoll", "Protocol")) } " · "
                a href={ "/rapporter/rapport?kind=walk-protocol&walk=" (id) "&format=docx" } download { "Word (DOCX)" } " · "
                a href={ "/rapporter/rapport?kind=walk-protocol&walk=" (id) "&format=html" } download { (l.t("Utskriftsvänlig HTML", "Print-ready HTML")) }
                @if published { " · " a href={ "/trygghetsvandringar/" (id) "/protokoll" } { (l.t("Publikt protokoll", "Public protocol")) } }
                @if let Some(a) = w.area { " · " a href={ "/tipsa?omrade=" (a.0) } { (l.t("Tipsformuläret för området", "The area's tip form")) } }
            }
        }
        section.card #points {
            h2 { (l.t("Punkter", "Points")) " (" (view.findings.len()) ")" }
            @if view.findings.is_empty() {
                p { (l.t("Inga platser registrerade ännu.", "No places recorded yet.")) }
            } @else {
                @if manage && view.findings.iter().any(|f| f.data.fix.is_none() && f.data.kind == FindingKind::Unsafe) {
                    form method="post" action={ "/trygghetsvandringar/" (id) "/dirigera" } {
                        (csrf)
                        button #route-all.primary type="submit" { (l.t("Skicka alla otrygga platser till sina ansvariga", "Send every unsafe place to its owner")) }
                    }
                }
                div.scroll { table.list {
                    thead { tr {
                        th { (l.t("Nr", "No.")) } th { (l.t("Typ", "Kind")) } th { (l.t("Kategori", "Category")) }
                        th { (l.t("Iakttagelse", "Observation")) } th { (l.t("Åtgärdsärende", "Fix")) } th { (l.t("Publikt", "Public")) }
                    } }
                    tbody { @for f in &view.findings {
                        tr id={ "punkt-" (f.data.number) } {
                            td { (f.data.number) }
                            td { (kind_label(l, f.data.kind)) }
                            td { (category_label(l, f.data.category.as_deref())) }
                            td { (f.data.description) @if let Some(p) = &f.data.place { br; small { (p) } }
                                @if !f.data.photos.is_empty() { br; small {
                                    (l.count(f.data.photos.len() as i64, ("foto", "foton"), ("photo", "photos"))) ", "
                                    (walks::public_photos(&f.data, view.fix(f.data.number).map(|x| &x.data)).len()) " "
                                    (l.t("godkända för det publika protokollet (godkänns på åtgärdsärendet)", "approved for the public protocol (approved on the fix)"))
                                } } }
                            td {
                                @if let Some(fix) = view.fix(f.data.number) {
                                    a href={ "/atgarder/" (fix.meta.id) } { "#" (fix.meta.id) } " "
                                    span.tag { (l.t(fix.data.status.label().0, fix.data.status.label().1)) } " "
                                    (fix.data.lead().map_or_else(|| l.t("ingen ansvarig", "no owner").to_string(), |o| o.responsible.name().to_string()))
                                    @if let Some((_, text)) = walks::latest_answer(&fix.data) { br; small { (l.t("Svar: ", "Answer: ")) (text) } }
                                } @else if manage && f.data.kind == FindingKind::Unsafe {
                                    form method="post" action={ "/trygghetsvandringar/" (id) "/fynd/" (f.data.number) "/dirigera" } {
                                        (csrf) button.secondary type="submit" { (l.t("Skicka", "Send")) }
                                    }
                                }
                            }
                            td {
                                @if manage {
                                    form method="post" action={ "/trygghetsvandringar/" (id) "/fynd/" (f.data.number) "/publicera" } {
                                        (csrf)
                                        input type="hidden" name="published" value=(if f.data.published { "0" } else { "1" });
                                        button.secondary type="submit" {
                                            @if f.data.published { (l.t("Dölj", "Hide")) } @else { (l.t("Publicera", "Publish")) }
                                        }
                                    }
                                } @else {
                                    @if f.data.published { (l.t("Ja", "Yes")) } @else { (l.t("Nej", "No")) }
                                }
                            }
                        }
                    } }
                } }
            }
        }
        section.card #closing {
            h2 { (l.t("Återkopplingsmötet", "Closing meeting")) }
            @if let Some(d) = w.closing_meeting { p { (l.t("Hölls ", "Held on ")) (d.to_string()) } }
            @if w.answers.is_empty() {
                p { (l.t("Inga svar ännu: på mötet berättar de ansvariga vad de ska göra.", "No answers yet: at the meeting the owners say what they will do.")) }
            } @else {
                ul { @for a in &w.answers { li { strong { (a.owner) ": " } (a.text) } } }
            }
            @if manage {
                form.grid method="post" action={ "/trygghetsvandringar/" (id) "/svar" } {
                    (csrf)
                    label { (l.t("Mötets dag", "Day of the meeting")) input type="date" name="date" value=(w.closing_meeting.map(|d| d.to_string()).unwrap_or_default()); }
                    label { (l.t("Ansvarig", "Owner"))
                        input type="text" name="owner" list="walk-owners" required maxlength="200";
                        datalist #walk-owners { @for o in &owners { option value=(o) {} } }
                    }
                    label.wide { (l.t("Vad de ska göra", "What they will do")) textarea name="text" rows="3" required maxlength="4000" {} }
                    button.primary type="submit" { (l.t("Spara svaret", "Save the answer")) }
                }
            }
        }
        @if w.earlier.is_some() {
            section.card #compare {
                h2 { (l.t("Jämfört med den förra vandringen", "Compared with the earlier walk")) }
                p.hint { (l.t("Varje punkt från den förra vandringen, dess åtgärdsärendes status och vad den här vandringen fann inom 25 meter.", "Each point of the earlier walk, its fix's status and what this walk found within 25 metres.")) }
                div.scroll tabindex="0" role="region" aria-label=(l.t("Jämförelsen punkt för punkt", "The comparison point by point")) { table.list {
                    thead { tr { th { (l.t("Nr då", "No. then")) } th { (l.t("Kategori", "Category")) } th { (l.t("Iakttagelse då", "Observation then")) } th { (l.t("Status", "Status")) } th { (l.t("Nu inom 25 m", "Now within 25 m")) } } }
                    tbody { @for c in &compared { tr {
                        td { (c.earlier.number) }
                        td { (category_label(l, c.earlier.category.as_deref())) }
                        td { (c.earlier.description) }
                        td { (c.status.map_or_else(|| l.t("Ej skickad", "Not sent"), |s| l.t(s.label().0, s.label().1))) }
                        td { @if c.near.is_empty() { (l.t("Inget", "Nothing")) } @else {
                            @for (k, n) in c.near.iter().enumerate() { @if k > 0 { ", " } a href={ "#punkt-" (n) } { (l.t("punkt ", "point ")) (n) } }
                        } }
                    } } }
                } }
            }
        }
    };
    Ok(layout_with_head(&me.ctx, &w.title, head(), body))
}

/// `GET /trygghetsvandringar/{id}/vandra`: the phone's page for the walk itself.
pub(crate) async fn walk_phone(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    me.check(Permission::ManageWalks)?;
    let id = walk_id(l, &id)?;
    let view = walks::get(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok(phone_page(&state, &me, &view, None).into_response())
}

fn phone_page(state: &AppState, me: &SignedIn, view: &WalkView, message: Option<&str>) -> Markup {
    let l = me.ctx.lang;
    let id = view.walk.meta.id;
    let w = &view.walk.data;
    let (route_json, _) = map_data(w, &[]);
    let body = html! {
        p { a href={ "/trygghetsvandringar/" (id) } { "← " (w.title) } }
        h1 { (l.t("Registrera en plats", "Record a place")) }
        p.lead { (l.t(
            "Markera platsen på kartan eller använd telefonens position. Sidan fungerar utan uppkoppling; platserna skickas när telefonen är online igen.",
            "Mark the place on the map or use the phone's position. The page works offline; the places are sent when the phone is back online.")) }
        p #walk-queue.notice.info hidden {}
        @if let Some(m) = message { p.notice.error role="alert" { (m) } }
        form #walk-form method="post" enctype="multipart/form-data" action={ "/trygghetsvandringar/" (id) "/fynd" }
            data-walk=(id) data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution) data-route=(route_json) novalidate {
            (me.ctx.csrf_field())
            input type="hidden" name="client_id";
            input type="hidden" name="recorded_at";
            fieldset {
                legend { (l.t("Hur upplevdes platsen?", "How did the place feel?")) }
                label.inline { input type="radio" name="kind" value="unsafe" checked; " " (l.t("Otrygg", "Unsafe")) }
                label.inline { input type="radio" name="kind" value="safe"; " " (l.t("Trygg", "Safe")) }
            }
            label { (l.t("Vad gör platsen otrygg?", "What makes the place unsafe?")) (super::report::category_select(l)) }
            div.where {
                div.pick-map {}
                div.row {
                    button.gps.secondary type="button" { (l.t("Använd min position", "Use my position")) }
                    output.pos { (l.t("Tryck på kartan för att välja plats.", "Tap the map to pick the place.")) }
                }
                input type="hidden" name="lat";
                input type="hidden" name="lon";
            }
            label { (l.t("Platsens namn (frivilligt)", "Name of the place (optional)"))
                input type="text" name="place" maxlength="200";
            }
            label { (l.t("Foto (frivilligt; inga personer i bild)", "Photo (optional; no people in it)"))
                input type="file" name="photo" accept="image/jpeg,image/png,image/webp" capture="environment";
            }
            label { (l.t("Vad såg gruppen?", "What did the group see?"))
                textarea name="description" rows="3" maxlength="4000" required {}
                small.hint { (l.t("Skriv aldrig namn eller personnummer.", "Never write names or personal identity numbers.")) }
            }
            p #walk-status role="status" {}
            button.primary.big type="submit" { (l.t("Spara platsen", "Save the place")) }
        }
        section.card {
            h2 { (l.t("Registrerade platser", "Places recorded")) " (" (view.findings.len()) ")" }
            ol #walk-recorded {
                @for f in &view.findings { li { (kind_label(l, f.data.kind)) ": " (f.data.description) } }
            }
        }
    };
    layout_with_head(
        &me.ctx,
        l.t("Registrera en plats", "Record a place"),
        head(),
        body,
    )
}

/// `POST /trygghetsvandringar/{id}/fynd`: a finding (from the phone's form, or its offline
/// queue through `fetch`): back to the phone's page, or the page with what to fix (422).
pub(crate) async fn record(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PostedFile { me, fields, file }: PostedFile,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let id = walk_id(l, &id)?;
    let f = Fields(fields);
    let number = |k: &str| f.get(k).trim().replace(',', ".").parse::<f64>().ok();
    let new = NewFinding {
        kind: FindingKind::parse(f.get("kind")).unwrap_or_default(),
        category: Some(f.get("category").to_string()),
        position: number("lat").zip(number("lon")),
        place: Some(f.get("place").to_string()),
        description: f.get("description").to_string(),
        client_id: Some(f.get("client_id").to_string()),
        recorded_at: f.get("recorded_at").trim().parse().ok(),
        photo: file.map(|(_, bytes)| bytes.to_vec()),
    };
    let message = match walks::record_finding(&state, &me.user, id, new).await {
        Ok(found) => {
            return Ok(Redirect::to(&format!(
                "/trygghetsvandringar/{id}/vandra?sparad={}",
                found.data.number
            ))
            .into_response());
        }
        Err(e) => say(l, e)?,
    };
    let view = walks::get(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        phone_page(&state, &me, &view, Some(&message)),
    )
        .into_response())
}

async fn back_or_say(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    r: Result<(), AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/trygghetsvandringar/{id}")).into_response()),
        Err(e) => {
            let m = say(me.ctx.lang, e)?;
            let page = show_page(state, me, &id.to_string(), Some(&m)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// `POST /trygghetsvandringar/{id}/dirigera`: every unsafe place to its owner.
pub(crate) async fn route_all(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { me, form: _ }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = walk_id(me.ctx.lang, &id)?;
    let r = walks::route_all(&state, &me.user, id).await.map(|_| ());
    back_or_say(&state, &me, id, r).await
}

/// `POST /trygghetsvandringar/{id}/fynd/{n}/dirigera`: one place to its owner.
pub(crate) async fn route_one(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
    Posted { me, form: _ }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let id = walk_id(l, &id)?;
    let n: u32 = n.parse().map_err(|_| PageError::not_found(l))?;
    let r = walks::route_finding(&state, &me.user, id, n)
        .await
        .map(|_| ());
    back_or_say(&state, &me, id, r).await
}

/// `POST /trygghetsvandringar/{id}/fynd/{n}/publicera`: show or hide a place on the public
/// protocol (`published=1` or `0`).
pub(crate) async fn publish(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let id = walk_id(l, &id)?;
    let n: u32 = n.parse().map_err(|_| PageError::not_found(l))?;
    let show = Fields(form).get("published") == "1";
    let r = walks::publish(&state, &me.user, id, n, show)
        .await
        .map(|_| ());
    back_or_say(&state, &me, id, r).await
}

/// `POST /trygghetsvandringar/{id}/svar`: an owner's answer at the closing meeting.
pub(crate) async fn answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id = walk_id(me.ctx.lang, &id)?;
    let f = Fields(form);
    let r = walks::answer(
        &state,
        &me.user,
        id,
        parse_date(f.get("date")),
        OwnerAnswer {
            owner: f.get("owner").to_string(),
            text: f.get("text").to_string(),
        },
    )
    .await
    .map(|_| ());
    back_or_say(&state, &me, id, r).await
}

/// `GET /trygghetsvandringar/{id}/protokoll`: the public protocol, for everyone: the places the
/// coordinator published, each with its owner, status and answer, and the photos a coordinator
/// approved on the place's fix (no photos of people: nothing unapproved shows).
pub(crate) async fn public_protocol(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let l = page.ctx.lang;
    let id = walk_id(l, &id)?;
    let p = walks::public_protocol(&state, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let w = &p.walk;
    let points: Vec<(u32, f64, f64, &str)> = p
        .points
        .iter()
        .map(|x| {
            (
                x.finding.number,
                x.finding.position.lat,
                x.finding.position.lon,
                x.finding.kind.as_str(),
            )
        })
        .collect();
    let (route_json, points_json) = map_data(w, &points);
    let title = format!("{} – {}", l.t("Protokoll", "Protocol"), w.title);
    let body = html! {
        h1 { (title) }
        p.lead {
            (l.t("Trygghetsvandringen den ", "The safety walk on ")) (w.date.to_string())
            @if let Some(a) = &p.area { " " (l.t("i", "in")) " " (a) }
            ". " (l.count(i64::from(w.participant_count()), ("deltagare", "deltagare"), ("participant", "participants"))) ". "
            (l.t("Här visas de platser samordnaren har publicerat, med ansvarig och hur långt åtgärden har kommit.", "Shown here are the places the coordinator has published, with the owner and how far the fix has come."))
        }
        div #walk-map.map data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution)
            data-route=(route_json) data-points=(points_json) {}
        div.scroll tabindex="0" role="region" aria-label=(l.t("Protokollets punkter", "The protocol's points")) { table.list #protocol {
            thead { tr {
                th { (l.t("Nr", "No.")) } th { (l.t("Typ", "Kind")) } th { (l.t("Kategori", "Category")) }
                th { (l.t("Iakttagelse", "Observation")) } th { (l.t("Ansvarig", "Owner")) } th { (l.t("Status", "Status")) } th { (l.t("Svar", "Answer")) }
            } }
            tbody { @for x in &p.points { tr {
                td { (x.finding.number) }
                td { (kind_label(l, x.finding.kind)) }
                td { (category_label(l, x.finding.category.as_deref())) }
                td {
                    (x.finding.description) @if let Some(pl) = &x.finding.place { br; small { (pl) } }
                    @if !x.photos.is_empty() {
                        div.photos { @for k in &x.photos {
                            img src={ "/trygghetsvandringar/" (id) "/protokoll/punkt/" (x.finding.number) "/foto/" (k) }
                                width="160" loading="lazy"
                                alt={ (l.t("Foto", "Photo")) " " (k) " " (l.t("av punkt", "of point")) " " (x.finding.number) };
                        } }
                    }
                }
                td { (x.owner.as_deref().unwrap_or("–")) }
                td { (x.status.map_or_else(|| l.t("Ej skickad", "Not sent"), |s| l.t(s.label().0, s.label().1))) }
                td { (x.answer.as_deref().unwrap_or("")) }
            } } }
        } }
        @if !w.answers.is_empty() {
            h2 { (l.t("Återkopplingsmötet", "Closing meeting")) }
            ul { @for a in &w.answers { li { strong { (a.owner) ": " } (a.text) } } }
        }
    };
    Ok(layout_with_head(&page.ctx, &title, head(), body))
}

/// `GET /trygghetsvandringar/{id}/protokoll/punkt/{n}/foto/{photo}`: a published point's photo
/// that a coordinator approved, for everyone (404 for any other).
pub(crate) async fn public_photo(
    State(state): State<AppState>,
    page: Page,
    Path((id, n, photo)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let l = page.ctx.lang;
    let id = walk_id(l, &id)?;
    let (n, photo) = n
        .parse()
        .ok()
        .zip(photo.parse().ok())
        .ok_or_else(|| PageError::not_found(l))?;
    let (kind, bytes) = walks::public_photo(&state, id, n, photo)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok(super::fixes::image(kind, bytes))
}
