//! Fixes (*åtgärdsärenden*): the list `/atgarder` (filters: status, owner, overdue), a fix by
//! hand `/atgarder/ny`, one fix `/atgarder/{id}` (owners and their parts, status with reason,
//! due date, history), the routing rules and service levels `/atgarder/regler`, and "Skapa
//! åtgärdsärende" from an incident (`/handelser/{id}/atgard`) and a tip (`/tips/{id}/atgard`).
//! Every check is `trygg_app::fixes`'; this only translates.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use trygg_app::fixes::{self, By, FixQuery, NewFix};
use trygg_app::{AppError, Stored};
use trygg_domain::fix::{Fix, FixChange, FixOwner, FixSource, FixStatus, Responsible};
use trygg_domain::{IncidentId, Lang, OrganisationId, Permission, Taxonomy};

use super::{
    PageCtx,
    extract::{PageError, Posted, PostedFile, SignedIn},
    form::Fields,
    layout::layout_with_head,
};
use crate::AppState;

fn head() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet/leaflet.css";
        script src="/assets/vendor/leaflet/leaflet.js" defer {}
        script src="/assets/fixes.js" defer {}
    }
}

fn status_label(l: Lang, s: FixStatus) -> &'static str {
    let (sv, en) = s.label();
    l.t(sv, en)
}

fn category_label(l: Lang, code: &str) -> String {
    Taxonomy.get(code).map_or_else(
        || code.to_string(),
        |c| l.t(c.label_sv, c.label_en).to_string(),
    )
}

fn lead_name(f: &Fix) -> Option<&str> {
    f.lead().map(|o| o.responsible.name())
}

/// A use case's refusal of a form's input as a 422 message on the page it came from; other
/// refusals (not found, not allowed) as their page.
fn form_error(l: Lang, e: AppError) -> Result<String, PageError> {
    match e {
        AppError::Invalid(_) | AppError::BadParameter { .. } | AppError::Conflict(_) => {
            Ok(e.to_string())
        }
        other => Err(PageError::from_app(l, other)),
    }
}

/// The query of `/atgarder`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ListQuery {
    status: String,
    owner: String,
    overdue: String,
}

/// `GET /atgarder`.
pub(crate) async fn list(
    State(state): State<AppState>,
    me: SignedIn,
    Query(q): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let query = FixQuery {
        status: FixStatus::parse(&q.status),
        owner: Some(q.owner.clone()).filter(|o| !o.trim().is_empty()),
        overdue: !q.overdue.is_empty(),
        open: false,
    };
    let items = fixes::list(&state, &me.user, &query)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let today = state.today();
    let body = html! {
        h1 { (l.t("Åtgärdsärenden", "Fixes")) }
        p { (l.t(
            "Platser som behöver åtgärdas, skickade till den som äger platsen. Ägaren väljs av reglerna (område × kategori) eller av samordnaren.",
            "Places that need mending, sent to whoever owns the place. The owner comes from the rules (area × category) or from the coordinator.",
        )) }
        p {
            @if me.may(Permission::ManageFixes) {
                a.button href="/atgarder/ny" { (l.t("Nytt åtgärdsärende", "New fix")) } " "
            }
            a href="/atgarder/regler" { (l.t("Regler och servicenivåer", "Rules and service levels")) }
        }
        form.filters method="get" action="/atgarder" {
            label { (l.t("Status", "Status"))
                select name="status" {
                    option value="" { (l.t("Alla", "All")) }
                    @for s in FixStatus::ALL {
                        option value=(s.as_str()) selected[q.status == s.as_str()] { (status_label(l, s)) }
                    }
                }
            }
            label { (l.t("Ägare", "Owner"))
                input type="text" name="owner" value=(q.owner);
            }
            label.check { input type="checkbox" name="overdue" value="1" checked[!q.overdue.is_empty()]; " " (l.t("Bara försenade", "Overdue only")) }
            button type="submit" { (l.t("Visa", "Show")) }
        }
        p { (l.count(items.len() as i64, ("åtgärdsärende", "åtgärdsärenden"), ("fix", "fixes"))) }
        @if !items.is_empty() {
            table.list #fix-list {
                thead { tr {
                    th { "Nr" } th { (l.t("Kategori", "Category")) } th { (l.t("Plats", "Place")) }
                    th { (l.t("Huvudansvarig", "Lead owner")) } th { (l.t("Status", "Status")) } th { (l.t("Klart senast", "Due")) }
                } }
                tbody {
                    @for f in &items {
                        tr {
                            td { a href={ "/atgarder/" (f.meta.id) } { (f.meta.id) } }
                            td { (category_label(l, &f.data.category)) }
                            td { (f.data.place.as_deref().unwrap_or("–")) }
                            td { (lead_name(&f.data).unwrap_or(l.t("Ingen ännu", "None yet"))) }
                            td { (status_label(l, f.data.status)) }
                            td {
                                @if let Some(d) = f.data.due { (d.to_string()) }
                                @if f.data.is_overdue(today) { " " span.tag.late { (l.t("försenad", "overdue")) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(super::layout(&me.ctx, l.t("Åtgärdsärenden", "Fixes"), body))
}

fn category_select(l: Lang, chosen: &str) -> Markup {
    html! {
        select name="category" required {
            option value="" { (l.t("Välj kategori", "Choose a category")) }
            @for g in Taxonomy.all().iter().filter(|c| c.parent.is_none()) {
                optgroup label=(l.t(g.label_sv, g.label_en)) {
                    option value=(g.code) selected[chosen == g.code] { (l.t(g.label_sv, g.label_en)) " (" (l.t("alla", "all")) ")" }
                    @for c in Taxonomy.all().iter().filter(|c| c.parent == Some(g.code)) {
                        option value=(c.code) selected[chosen == c.code] { (l.t(c.label_sv, c.label_en)) }
                    }
                }
            }
        }
    }
}

/// The fields that name an owner: a unit of an organisation, or an outside party.
fn owner_fields(l: Lang, orgs: &[trygg_domain::Organisation], f: &Fields) -> Markup {
    html! {
        fieldset.owner {
            legend { (l.t("Ägare", "Owner")) }
            label.choice { input type="radio" name="owner_kind" value="unit" checked[f.get("owner_kind") != "outside"]; " " (l.t("En enhet i samverkan", "A unit of the partnership")) }
            label.choice { input type="radio" name="owner_kind" value="outside" checked[f.get("owner_kind") == "outside"]; " " (l.t("En extern part (får en länk)", "An outside party (gets a link)")) }
            label { (l.t("Organisation (för en enhet)", "Organisation (for a unit)"))
                select name="organisation" {
                    @for o in orgs { option value=(o.id.0) selected[f.get("organisation") == o.id.0.to_string()] { (o.name) } }
                }
            }
            label { (l.t("Enhetens eller partens namn", "The unit's or party's name"))
                input type="text" name="owner_name" value=(f.get("owner_name")) maxlength="200";
            }
            label { (l.t("Partens funktionsbrevlåda (frivilligt; får länken med e-post när ärendet skickas)", "The party's functional mailbox (optional; gets the link by e-mail when the fix is sent)"))
                input type="email" name="contact" value=(f.get("contact"));
            }
            label { (l.t("Partens Open311-adress för felanmälan (frivilligt; nyckeln står i konfigurationen)", "The party's Open311 fault-report endpoint (optional; its key is in the configuration)"))
                input type="url" name="open311" value=(f.get("open311")) placeholder="https://felanmalan.example.se/open311/v2/";
            }
        }
    }
}

/// The owner the fields name; `None` when no name was written.
fn owner_from(f: &Fields) -> Option<Responsible> {
    let name = f.get("owner_name");
    if name.is_empty() {
        return None;
    }
    Some(if f.get("owner_kind") == "outside" {
        Responsible::Outside {
            name: name.into(),
            contact: Some(f.get("contact").to_string()).filter(|c| !c.is_empty()),
            open311: Some(f.get("open311").trim().to_string()).filter(|c| !c.is_empty()),
        }
    } else {
        Responsible::Unit {
            organisation: OrganisationId(f.get("organisation").parse().unwrap_or(0)),
            unit: name.into(),
        }
    })
}

fn new_form(
    state: &AppState,
    me: &SignedIn,
    orgs: &[trygg_domain::Organisation],
    f: &Fields,
    error: Option<&str>,
) -> Markup {
    let l = me.ctx.lang;
    html! {
        h1 { (l.t("Nytt åtgärdsärende", "New fix")) }
        @if let Some(e) = error { p.notice.error role="alert" { (e) } }
        form method="post" action="/atgarder/ny" #fix-new {
            (me.ctx.csrf_field())
            label { (l.t("Kategori", "Category")) (category_select(l, f.get("category"))) }
            fieldset {
                legend { (l.t("Plats", "Place")) }
                label { (l.t("Platsens namn eller adress", "The place's name or address"))
                    input type="text" name="place" value=(f.get("place")) maxlength="200";
                }
                div #fix-pick .pick-map data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution)
                    role="application" aria-label=(l.t("Karta: klicka för att välja plats", "Map: click to choose the place")) {}
                div.row {
                    label { (l.t("Latitud", "Latitude")) input type="text" inputmode="decimal" name="lat" value=(f.get("lat")) required; }
                    label { (l.t("Longitud", "Longitude")) input type="text" inputmode="decimal" name="lon" value=(f.get("lon")) required; }
                }
            }
            label { (l.t("Beskrivning för ägaren", "Description for the owner"))
                span.hint { (l.t("Visas för ägaren, även en extern part: vad ska göras, var exakt.", "Shown to the owner, an outside party too: what to do, where exactly.")) }
                textarea name="description" rows="4" required maxlength="4000" { (f.get("description")) }
            }
            p.hint { (l.t("Lämna ägaren tom för att låta reglerna välja.", "Leave the owner empty to let the rules choose.")) }
            (owner_fields(l, orgs, f))
            label { (l.t("Klart senast (tomt: kategorins servicenivå)", "Due (empty: the category's service level)"))
                input type="date" name="due" value=(f.get("due"));
            }
            button.primary type="submit" { (l.t("Skapa åtgärdsärende", "Create fix")) }
        }
    }
}

/// `GET /atgarder/ny`.
pub(crate) async fn new_page(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    me.check(Permission::ManageFixes)?;
    let orgs = trygg_app::reference::organisations(&state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let body = new_form(&state, &me, &orgs, &Fields::default(), None);
    Ok(layout_with_head(
        &me.ctx,
        l.t("Nytt åtgärdsärende", "New fix"),
        head(),
        body,
    ))
}

fn parse_due(l: Lang, v: &str) -> Result<Option<jiff::civil::Date>, String> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    v.trim().parse().map(Some).map_err(|_| {
        l.t(
            "Skriv datumet som 2026-12-31.",
            "Write the date as 2026-12-31.",
        )
        .to_string()
    })
}

/// `POST /atgarder/ny`.
pub(crate) async fn create(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let f = Fields(form);
    let position = f
        .get("lat")
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .zip(f.get("lon").replace(',', ".").parse::<f64>().ok());
    let result: Result<(), String> = match (position, parse_due(l, f.get("due"))) {
        (None, _) => Err(l
            .t("Välj platsen på kartan eller skriv latitud och longitud (59.8586 och 17.6389).", "Choose the place on the map or write latitude and longitude (59.8586 and 17.6389).")
            .to_string()),
        (_, Err(e)) => Err(e),
        (Some(pos), Ok(due)) => {
            let new = NewFix {
                place: Some(f.get("place").to_string()),
                owner: owner_from(&f),
                due,
                ..NewFix::manual(f.get("category"), pos, f.get("description"))
            };
            match fixes::create(&state, &me.user, new).await {
                Ok(fix) => return Ok(Redirect::to(&format!("/atgarder/{}", fix.meta.id)).into_response()),
                Err(e) => Err(form_error(l, e)?),
            }
        }
    };
    let message = result.err().unwrap_or_default();
    let orgs = trygg_app::reference::organisations(&state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let body = new_form(&state, &me, &orgs, &f, Some(&message));
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        layout_with_head(&me.ctx, l.t("Nytt åtgärdsärende", "New fix"), head(), body),
    )
        .into_response())
}

fn when(state: &AppState, t: jiff::Timestamp) -> String {
    t.to_zoned(state.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn by_text(l: Lang, b: &By) -> String {
    match b {
        By::System(name) if name == trygg_app::notify::ACTOR => {
            l.t("trygg (e-post)", "trygg (e-mail)").to_string()
        }
        By::User(name) | By::System(name) => name.clone(),
        By::Link { number, owner } => format!("{} {number} ({owner})", l.t("länk", "link")),
    }
}

fn change_text(l: Lang, c: &FixChange) -> String {
    match c {
        FixChange::Created => l.t("Skapat", "Created").into(),
        FixChange::Owners { owners, rule } => {
            let by = match rule {
                Some(r) => format!(" ({} {r})", l.t("regel", "rule")),
                None => String::new(),
            };
            format!("{}: {}{by}", l.t("Ägare", "Owners"), owners.join(", "))
        }
        FixChange::Status {
            from,
            to,
            reason,
            owner,
        } => {
            let mut s = format!("{} → {}", status_label(l, *from), status_label(l, *to));
            if let Some(o) = owner {
                s = format!("{o}: {s}");
            }
            if let Some(r) = reason {
                s.push_str(&format!(" — {r}"));
            }
            s
        }
        FixChange::Due { due } => format!(
            "{}: {}",
            l.t("Klart senast", "Due"),
            due.map_or_else(|| "–".to_string(), |d| d.to_string())
        ),
        FixChange::LinkMade { owner, expires_at } => format!(
            "{} {owner}, {} {}",
            l.t("Länk skapad för", "Link made for"),
            l.t("gäller till", "valid until"),
            expires_at.strftime("%Y-%m-%d")
        ),
        FixChange::LinkRevoked { owner } => {
            format!("{} {owner}", l.t("Länk återkallad för", "Link revoked for"))
        }
        FixChange::Answer { owner, text, photo } => format!(
            "{} {owner}: {text}{}",
            l.t("Svar från", "Answer from"),
            if photo.is_some() {
                l.t(" (med foto)", " (with a photo)")
            } else {
                ""
            }
        ),
        FixChange::Photo { photo } => format!("{} {photo}", l.t("Foto tillagt:", "Photo added:")),
        FixChange::PhotoApproval { photo, approved } => format!(
            "{} {photo} {}",
            l.t("Foto", "Photo"),
            if *approved {
                l.t("godkänt för publicering", "approved for public pages")
            } else {
                l.t("inte längre godkänt", "no longer approved")
            }
        ),
    }
}

fn source_link(l: Lang, s: &FixSource) -> Markup {
    let (sv, en) = s.label();
    html! {
        (l.t(sv, en))
        @match s {
            FixSource::Est { incident } => { " " a href={ "/handelser/" (incident.0) } { (incident.0) } }
            FixSource::Tip { tip } => { " " (tip) }
            FixSource::Walk { walk, finding } => { " " (walk) @if let Some(n) = finding { " #" (n) } }
            FixSource::Open311 { request } => { " " (request) }
            FixSource::Manual => {}
        }
    }
}

async fn show_page(
    state: &AppState,
    me: &SignedIn,
    fix: &Stored<Fix>,
    error: Option<&str>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let f = &fix.data;
    let id = fix.meta.id;
    let manage =
        me.may(Permission::ManageFixes) && fix.meta.organisation_id == me.user.organisation();
    let orgs = trygg_app::reference::organisations(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let org_name = |o: OrganisationId| {
        orgs.iter()
            .find(|x| x.id == o)
            .map_or_else(|| o.0.to_string(), |x| x.name.clone())
    };
    let owner_org = org_name(fix.meta.organisation_id);
    let by = fixes::history_by(state, f)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let history: Vec<(String, String, String)> = f
        .history
        .iter()
        .zip(&by)
        .rev()
        .map(|(e, b)| (when(state, e.at), by_text(l, b), change_text(l, &e.change)))
        .collect();
    let today = state.today();
    let title = format!(
        "{} {id}: {}",
        l.t("Åtgärdsärende", "Fix"),
        category_label(l, &f.category)
    );
    Ok(html! {
        p { a href="/atgarder" { "← " (l.t("Alla åtgärdsärenden", "All fixes")) } }
        h1 { (title) }
        @if let Some(e) = error { p.notice.error role="alert" { (e) } }
        section.card {
            dl {
                dt { (l.t("Status", "Status")) }
                dd #fix-status { (status_label(l, f.status))
                    @if let Some(r) = &f.reason { " — " (r) } }
                dt { (l.t("Klart senast", "Due")) }
                dd { @match f.due { Some(d) => { (d.to_string()) @if f.is_overdue(today) { " " span.tag.late { (l.t("försenad", "overdue")) } } }, None => "–" } }
                dt { (l.t("Plats", "Place")) }
                dd { (f.place.as_deref().unwrap_or("–")) " · " (format!("{:.5}, {:.5}", f.position.lat, f.position.lon)) }
                dt { (l.t("Beskrivning för ägaren", "Description for the owner")) } dd #fix-description { (f.description) }
                @if let Some(t) = &f.reporter_text {
                    dt { (l.t("Rapportörens text", "The reporter's text")) }
                    dd { (t) br; span.hint { (l.t("Visas aldrig för externa parter.", "Never shown to outside parties.")) } }
                }
                dt { (l.t("Källa", "Source")) } dd { (source_link(l, &f.source)) }
                dt { (l.t("Hanteras av", "Managed by")) } dd { (owner_org) }
                dt { (l.t("Skapat", "Created")) } dd { (when(state, f.created_at)) }
                @if let Some(n) = fixes::nearby(state, f, me.user.scope(), state.now()) {
                    dt { (l.t("Händelser i närheten", "Incidents nearby")) }
                    dd #fix-nearby {
                        @if n.days == 0 {
                            (l.t("Åtgärdat i dag: jämförelsen börjar i morgon.", "Done today: the comparison starts tomorrow."))
                        } @else {
                            (l.count(i64::from(n.before), ("händelse", "händelser"), ("incident", "incidents"))) " "
                            (l.t("före", "before")) ", "
                            (l.count(i64::from(n.after), ("händelse", "händelser"), ("incident", "incidents"))) " "
                            (l.t("efter", "after"))
                            br;
                            span.hint { (l.t("Samma kategorigrupp inom", "The same category group within")) " " (n.metres) " m, "
                                (l.count(n.days, ("dag", "dagar"), ("day", "days"))) " " (l.t("före och efter dagen det åtgärdades.", "before and after the day it was done.")) }
                        }
                    }
                }
            }
            div #fix-map .pick-map.small data-lat=(f.position.lat) data-lon=(f.position.lon)
                data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution)
                role="region" aria-label=(l.t("Karta över platsen", "Map of the place")) {}
        }
        section.card {
            h2 { (l.t("Ägare", "Owners")) }
            @if f.owners.is_empty() {
                p.notice.info { (l.t(
                    "Ingen ägare ännu: ingen regel passade. Välj en ägare nedan eller lägg till en regel och dirigera igen.",
                    "No owner yet: no rule matched. Choose an owner below, or add a rule and route again.",
                )) }
            } @else {
                table.list #fix-owners {
                    thead { tr { th { (l.t("Ägare", "Owner")) } th { (l.t("Del", "Part")) } th { (l.t("Status", "Status")) } @if manage { th { } } } }
                    tbody {
                        @for (i, o) in f.owners.iter().enumerate() {
                            tr {
                                td {
                                    (o.responsible.name())
                                    @match &o.responsible {
                                        Responsible::Unit { organisation, .. } => { br; span.hint { (org_name(*organisation)) } }
                                        Responsible::Outside { .. } => { br; span.hint { (l.t("extern part", "outside party")) } }
                                    }
                                    @if o.lead { " " span.tag { (l.t("huvudansvarig", "lead")) } }
                                }
                                td { (o.part.as_deref().unwrap_or(l.t("hela ärendet", "the whole fix"))) }
                                td { (status_label(l, o.status)) }
                                @if manage {
                                    td {
                                        @if !o.lead {
                                            form.inline method="post" action={ "/atgarder/" (id) "/agare/" (i) "/huvud" } {
                                                (me.ctx.csrf_field())
                                                button type="submit" { (l.t("Gör huvudansvarig", "Make lead")) }
                                            }
                                            form.inline method="post" action={ "/atgarder/" (id) "/agare/" (i) "/ta-bort" } {
                                                (me.ctx.csrf_field())
                                                button type="submit" { (l.t("Ta bort", "Remove")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if manage {
                form method="post" action={ "/atgarder/" (id) "/dirigera" } {
                    (me.ctx.csrf_field())
                    button type="submit" { (l.t("Dirigera enligt reglerna", "Route by the rules")) }
                    span.hint { (l.t("Ersätter ägarna med regelns.", "Replaces the owners with the rule's.")) }
                }
                details {
                    summary { (if f.owners.is_empty() { l.t("Välj ägare", "Choose the owner") } else { l.t("Lägg till en ägare eller dela upp ärendet", "Add an owner or split the fix") }) }
                    form method="post" action={ "/atgarder/" (id) "/agare" } {
                        (me.ctx.csrf_field())
                        (owner_fields(l, &orgs, &Fields::default()))
                        label { (l.t("Deras del (tomt: hela ärendet)", "Their part (empty: the whole fix)"))
                            input type="text" name="part" maxlength="4000";
                        }
                        label.check { input type="checkbox" name="lead" value="1" checked[f.owners.is_empty()]; " " (l.t("Huvudansvarig (äger hela ärendet)", "Lead (owns the whole fix)")) }
                        button type="submit" { (l.t("Lägg till ägare", "Add owner")) }
                    }
                }
            }
        }
        @if manage {
            section.card {
                h2 { (l.t("Ändra status", "Change the status")) }
                form method="post" action={ "/atgarder/" (id) "/status" } #fix-status-form {
                    (me.ctx.csrf_field())
                    @if f.owners.len() > 1 {
                        label { (l.t("Gäller", "For"))
                            select name="owner" {
                                option value="" { (l.t("Hela ärendet", "The whole fix")) }
                                @for (i, o) in f.owners.iter().enumerate() {
                                    option value=(i) { (o.responsible.name()) @if let Some(p) = &o.part { " — " (p) } }
                                }
                            }
                        }
                    }
                    label { (l.t("Ny status", "New status"))
                        select name="status" {
                            @for s in f.status.next() {
                                option value=(s.as_str()) {
                                    (status_label(l, s))
                                    @if f.status.is_closed() { " (" (l.t("öppna igen", "reopen")) ")" }
                                }
                            }
                        }
                    }
                    label { (l.t("Skäl (krävs för ”åtgärdas inte” och för att öppna igen)", "Reason (needed for “will not be done” and for reopening)"))
                        input type="text" name="reason" maxlength="4000";
                    }
                    button.primary type="submit" { (l.t("Spara status", "Save status")) }
                }
                h3 { (l.t("Klart senast", "Due")) }
                form method="post" action={ "/atgarder/" (id) "/datum" } {
                    (me.ctx.csrf_field())
                    label { (l.t("Datum (tomt: inget datum)", "Date (empty: none)"))
                        input type="date" name="due" value=(f.due.map(|d| d.to_string()).unwrap_or_default());
                    }
                    button type="submit" { (l.t("Spara datum", "Save date")) }
                }
            }
        }
        (photos_section(me, fix, manage))
        (links_section(state, me, fix, manage))
        section.card {
            h2 { (l.t("Historik", "History")) }
            ul.history #fix-history {
                @for (at, by, what) in &history {
                    li { (what) br; span.hint { (at) " · " (by) } }
                }
            }
        }
    })
}

/// `GET /atgarder/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let fix = fixes::get(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let body = show_page(&state, &me, &fix, None).await?;
    Ok(layout_with_head(
        &me.ctx,
        l.t("Åtgärdsärende", "Fix"),
        head(),
        body,
    ))
}

/// After a change: back to the fix, or the fix with the message (422).
async fn changed(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    r: Result<Stored<Fix>, AppError>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/atgarder/{id}")).into_response()),
        Err(e) => {
            let message = form_error(l, e)?;
            let fix = fixes::get(state, &me.user, id)
                .await
                .map_err(|e| PageError::from_app(l, e))?;
            let body = show_page(state, me, &fix, Some(&message)).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                layout_with_head(&me.ctx, l.t("Åtgärdsärende", "Fix"), head(), body),
            )
                .into_response())
        }
    }
}

/// `POST /atgarder/{id}/status`.
pub(crate) async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let f = Fields(form);
    let Some(to) = FixStatus::parse(f.get("status")) else {
        return Err(PageError::bad_request(
            l,
            l.t("Välj en status.", "Choose a status."),
        ));
    };
    let owner = f.get("owner").parse::<usize>().ok();
    let r = fixes::set_status(&state, &me.user, id, to, f.get("reason"), owner).await;
    changed(&state, &me, id, r).await
}

/// `POST /atgarder/{id}/datum`.
pub(crate) async fn set_due(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let f = Fields(form);
    let due = parse_due(l, f.get("due")).map_err(|m| PageError::bad_request(l, m))?;
    let r = fixes::set_due(&state, &me.user, id, due).await;
    changed(&state, &me, id, r).await
}

/// `POST /atgarder/{id}/dirigera`.
pub(crate) async fn reroute(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let r = fixes::reroute(&state, &me.user, id).await;
    changed(&state, &me, id, r).await
}

/// The fix's owners changed by `edit`, stored through `set_owners`.
async fn edit_owners(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    edit: impl FnOnce(&mut Vec<FixOwner>) -> Result<(), String>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let fix = fixes::get(state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let mut owners = fix.data.owners.clone();
    let r = match edit(&mut owners) {
        Ok(()) => fixes::set_owners(state, &me.user, id, owners).await,
        Err(m) => Err(AppError::invalid("owners", m)),
    };
    changed(state, me, id, r).await
}

/// `POST /atgarder/{id}/agare`: adds an owner (the lead, when marked: the others then are not).
pub(crate) async fn add_owner(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let f = Fields(form);
    let missing = l
        .t(
            "Skriv enhetens eller partens namn.",
            "Write the unit's or the party's name.",
        )
        .to_string();
    let owner = owner_from(&f);
    let lead = !f.get("lead").is_empty();
    let part = Some(f.get("part").to_string()).filter(|p| !p.is_empty());
    edit_owners(&state, &me, id, move |owners| {
        let responsible = owner.ok_or(missing)?;
        let lead = lead || owners.is_empty();
        if lead {
            owners.iter_mut().for_each(|o| o.lead = false);
        }
        owners.push(FixOwner {
            responsible,
            lead,
            part,
            status: FixStatus::New,
        });
        Ok(())
    })
    .await
}

/// `POST /atgarder/{id}/agare/{n}/huvud`.
pub(crate) async fn make_lead(
    State(state): State<AppState>,
    Path((id, n)): Path<(i64, usize)>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let none = me.t("Ägaren finns inte.", "No such owner.").to_string();
    edit_owners(&state, &me, id, move |owners| {
        if n >= owners.len() {
            return Err(none);
        }
        for (i, o) in owners.iter_mut().enumerate() {
            o.lead = i == n;
        }
        Ok(())
    })
    .await
}

/// `POST /atgarder/{id}/agare/{n}/ta-bort`: removes an owner who is not the lead.
pub(crate) async fn remove_owner(
    State(state): State<AppState>,
    Path((id, n)): Path<(i64, usize)>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let refused = me
        .t(
            "Huvudansvarig kan inte tas bort: gör någon annan huvudansvarig först.",
            "The lead cannot be removed: make someone else the lead first.",
        )
        .to_string();
    edit_owners(&state, &me, id, move |owners| match owners.get(n) {
        Some(o) if !o.lead => {
            owners.remove(n);
            Ok(())
        }
        _ => Err(refused),
    })
    .await
}

/// `POST /handelser/{id}/atgard`: a fix from an incident.
pub(crate) async fn from_incident(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let f = Fields(form);
    let new = NewFix {
        source: FixSource::Est {
            incident: IncidentId(id),
        },
        category: None,
        position: None,
        place: None,
        description: f.get("description").to_string(),
        reporter_text: None,
        owner: None,
        due: None,
    };
    match fixes::create(&state, &me.user, new).await {
        Ok(fix) => Ok(Redirect::to(&format!("/atgarder/{}", fix.meta.id)).into_response()),
        Err(e) => Err(PageError::bad_request(l, form_error(l, e)?)),
    }
}

/// `POST /tips/{id}/atgard`: accepts a tip and makes a fix of it.
pub(crate) async fn from_tip(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    me.check(Permission::ManageFixes)?;
    let f = Fields(form);
    let description = f.get("description").to_string();
    if description.is_empty() {
        return Err(PageError::bad_request(
            l,
            l.t(
                "Skriv vad ägaren ska göra innan tipset blir ett åtgärdsärende.",
                "Write what the owner should do before the tip becomes a fix.",
            ),
        ));
    }
    trygg_app::tips::accept(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let new = NewFix {
        source: FixSource::Tip { tip: id },
        category: None,
        position: None,
        place: None,
        description,
        reporter_text: None,
        owner: None,
        due: None,
    };
    match fixes::create(&state, &me.user, new).await {
        Ok(fix) => Ok(Redirect::to(&format!("/atgarder/{}", fix.meta.id)).into_response()),
        Err(e) => Err(PageError::bad_request(l, form_error(l, e)?)),
    }
}

/// The form on an incident's page that makes a fix of it.
pub(crate) fn incident_form(ctx: &PageCtx, incident: i64) -> Markup {
    let l = ctx.lang;
    html! {
        section.card #fix-from-incident {
            h2 { (l.t("Skapa åtgärdsärende", "Create a fix")) }
            form method="post" action={ "/handelser/" (incident) "/atgard" } {
                (ctx.csrf_field())
                label { (l.t("Vad ska ägaren göra?", "What should the owner do?"))
                    span.hint { (l.t("Visas för ägaren, även en extern part. Rapportörens text visas aldrig för externa parter.", "Shown to the owner, an outside party too. The reporter's text is never shown to outside parties.")) }
                    textarea name="description" rows="3" required maxlength="4000" {}
                }
                button.primary type="submit" { (l.t("Skapa åtgärdsärende", "Create fix")) }
            }
        }
    }
}

/// `GET /atgarder/regler`: the routing rules and the service levels.
pub(crate) async fn rules(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    rules_page(&state, &me, None, StatusCode::OK)
        .await
        .map(|(_, m)| m)
}

async fn rules_page(
    state: &AppState,
    me: &SignedIn,
    error: Option<&str>,
    status: StatusCode,
) -> Result<(StatusCode, Markup), PageError> {
    let l = me.ctx.lang;
    let app_err = |e| PageError::from_app(l, e);
    let rules = fixes::rules(state, &me.user).await.map_err(app_err)?;
    let levels = fixes::levels(state, &me.user).await.map_err(app_err)?;
    let areas = trygg_app::reference::areas(state, &me.user)
        .await
        .map_err(app_err)?;
    let orgs = trygg_app::reference::organisations(state, &me.user)
        .await
        .map_err(app_err)?;
    let manage = me.may(Permission::ManageFixes);
    let area_name = |id: trygg_domain::AreaId| {
        areas
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| id.0.to_string(), |a| a.name.clone())
    };
    let org_name = |o: OrganisationId| {
        orgs.iter()
            .find(|x| x.id == o)
            .map_or_else(|| o.0.to_string(), |x| x.name.clone())
    };
    let body = html! {
        p { a href="/atgarder" { "← " (l.t("Alla åtgärdsärenden", "All fixes")) } }
        h1 { (l.t("Regler och servicenivåer", "Rules and service levels")) }
        @if let Some(e) = error { p.notice.error role="alert" { (e) } }
        section.card {
            h2 { (l.t("Dirigeringsregler", "Routing rules")) }
            p { (l.t(
                "Ett nytt åtgärdsärende går till ägaren i den regel som passar bäst: först den exakta kategorin före dess grupp före alla kategorier, sedan det minsta området (eget område, DeSO, stadsdel, kommun) före alla områden.",
                "A new fix goes to the owner of the rule that fits best: first the very category over its group over every category, then the smallest area (custom, DeSO, district, kommun) over every area.",
            )) }
            @if rules.is_empty() { p { (l.t("Inga regler ännu.", "No rules yet.")) } }
            @else {
                table.list #fix-rules {
                    thead { tr { th { (l.t("Område", "Area")) } th { (l.t("Kategori", "Category")) } th { (l.t("Ägare", "Owner")) } @if manage { th {} } } }
                    tbody {
                        @for r in &rules {
                            tr {
                                td { (r.data.area.map_or_else(|| l.t("Alla områden", "Every area").to_string(), area_name)) }
                                td { (r.data.category.as_deref().map_or_else(|| l.t("Alla kategorier", "Every category").to_string(), |c| category_label(l, c))) }
                                td { (r.data.owner.name())
                                    @match &r.data.owner {
                                        Responsible::Unit { organisation, .. } => { br; span.hint { (org_name(*organisation)) } }
                                        Responsible::Outside { .. } => { br; span.hint { (l.t("extern part", "outside party")) } }
                                    }
                                }
                                @if manage {
                                    td {
                                        form.inline method="post" action={ "/atgarder/regler/" (r.meta.id) "/ta-bort" } {
                                            (me.ctx.csrf_field())
                                            button type="submit" { (l.t("Ta bort", "Remove")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if manage {
                h3 { (l.t("Ny regel", "New rule")) }
                form method="post" action="/atgarder/regler" #fix-rule-form {
                    (me.ctx.csrf_field())
                    label { (l.t("Område", "Area"))
                        select name="area" {
                            option value="" { (l.t("Alla områden", "Every area")) }
                            @for a in &areas { option value=(a.id.0) { (a.name) " (" (a.kind.as_str()) ")" } }
                        }
                    }
                    label { (l.t("Kategori", "Category"))
                        select name="category" {
                            option value="" { (l.t("Alla kategorier", "Every category")) }
                            @for g in Taxonomy.all().iter().filter(|c| c.parent.is_none()) {
                                optgroup label=(l.t(g.label_sv, g.label_en)) {
                                    option value=(g.code) { (l.t(g.label_sv, g.label_en)) " (" (l.t("alla", "all")) ")" }
                                    @for c in Taxonomy.all().iter().filter(|c| c.parent == Some(g.code)) {
                                        option value=(c.code) { (l.t(c.label_sv, c.label_en)) }
                                    }
                                }
                            }
                        }
                    }
                    (owner_fields(l, &orgs, &Fields::default()))
                    button.primary type="submit" { (l.t("Lägg till regel", "Add rule")) }
                }
            }
        }
        section.card {
            h2 { (l.t("Servicenivåer", "Service levels")) }
            p { (l.t("Dagar från att ärendet skapas till att det ska vara klart; en grupps nivå gäller dess kategorier som saknar egen.", "Days from a fix's creation to its due date; a group's level holds for its categories without their own.")) }
            @if levels.is_empty() { p { (l.t("Inga servicenivåer ännu.", "No service levels yet.")) } }
            @else {
                table.list #fix-levels {
                    thead { tr { th { (l.t("Kategori", "Category")) } th { (l.t("Dagar", "Days")) } } }
                    tbody { @for v in &levels { tr { td { (category_label(l, &v.data.category)) } td { (v.data.days) } } } }
                }
            }
            @if manage {
                form method="post" action="/atgarder/serviceniva" #fix-level-form {
                    (me.ctx.csrf_field())
                    label { (l.t("Kategori", "Category")) (category_select(l, "")) }
                    label { (l.t("Dagar (tomt: ta bort nivån)", "Days (empty: remove the level)"))
                        input type="number" name="days" min="1" max="730";
                    }
                    button.primary type="submit" { (l.t("Spara servicenivå", "Save service level")) }
                }
            }
        }
    };
    Ok((
        status,
        super::layout(
            &me.ctx,
            l.t("Regler för åtgärdsärenden", "Rules for fixes"),
            body,
        ),
    ))
}

async fn rules_after(
    state: &AppState,
    me: &SignedIn,
    r: Result<(), AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to("/atgarder/regler").into_response()),
        Err(e) => {
            let message = form_error(me.ctx.lang, e)?;
            Ok(
                rules_page(state, me, Some(&message), StatusCode::UNPROCESSABLE_ENTITY)
                    .await?
                    .into_response(),
            )
        }
    }
}

/// `POST /atgarder/regler`.
pub(crate) async fn add_rule(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = Fields(form);
    let r = match owner_from(&f) {
        None => Err(AppError::invalid(
            "owner",
            me.t(
                "Skriv enhetens eller partens namn.",
                "Write the unit's or the party's name.",
            ),
        )),
        Some(owner) => {
            let rule = trygg_domain::fix::FixRoutingRule {
                area: f.get("area").parse().ok().map(trygg_domain::AreaId),
                category: Some(f.get("category").to_string()).filter(|c| !c.is_empty()),
                owner,
            };
            fixes::add_rule(&state, &me.user, rule).await.map(|_| ())
        }
    };
    rules_after(&state, &me, r).await
}

/// `POST /atgarder/regler/{id}/ta-bort`.
pub(crate) async fn remove_rule(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let r = fixes::remove_rule(&state, &me.user, id).await;
    rules_after(&state, &me, r).await
}

/// `POST /atgarder/serviceniva`.
pub(crate) async fn set_level(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = Fields(form);
    let days = f.get("days");
    let r = match days.parse::<u32>() {
        _ if days.is_empty() => fixes::set_level(&state, &me.user, f.get("category"), None)
            .await
            .map(|_| ()),
        Ok(d) => fixes::set_level(&state, &me.user, f.get("category"), Some(d))
            .await
            .map(|_| ()),
        Err(_) => Err(AppError::invalid(
            "days",
            me.t(
                "Skriv antalet dagar som ett heltal.",
                "Write the number of days as a whole number.",
            ),
        )),
    };
    rules_after(&state, &me, r).await
}

fn photos_section(me: &SignedIn, fix: &Stored<Fix>, manage: bool) -> Markup {
    let l = me.ctx.lang;
    let id = fix.meta.id;
    html! {
        section.card #fix-photos {
            h2 { (l.t("Foton", "Photos")) }
            p.hint { (l.t(
                "Foton visas bara för inloggade. Ett foto visas utanför trygg (för externa parter och på publika sidor) först när en samordnare har godkänt det: kontrollera att ingen person kan kännas igen.",
                "Photos are shown only to people signed in. A photo is shown outside trygg (to outside parties and on public pages) only once a coordinator has approved it: check that no one can be recognised.",
            )) }
            @if fix.data.photos.is_empty() { p { (l.t("Inga foton ännu.", "No photos yet.")) } }
            div.photos {
                @for p in &fix.data.photos {
                    figure {
                        a href={ "/atgarder/" (id) "/foto/" (p.number) } {
                            img src={ "/atgarder/" (id) "/foto/" (p.number) } width="240" loading="lazy"
                                alt={ (l.t("Foto", "Photo")) " " (p.number) };
                        }
                        figcaption {
                            (l.t("Foto", "Photo")) " " (p.number)
                            @if let Some(o) = &p.from_owner { " · " (l.t("från", "from")) " " (o) }
                            " · " @if p.approved_for_public { span.tag { (l.t("godkänt för publicering", "approved for public pages")) } } @else { (l.t("inte publicerat", "not public")) }
                            @if manage {
                                form.inline method="post" action={ "/atgarder/" (id) "/foto/" (p.number) "/godkann" } {
                                    (me.ctx.csrf_field())
                                    input type="hidden" name="approved" value=(if p.approved_for_public { "0" } else { "1" });
                                    button type="submit" { (if p.approved_for_public { l.t("Ta tillbaka godkännandet", "Withdraw the approval") } else { l.t("Godkänn för publicering", "Approve for public pages") }) }
                                }
                            }
                        }
                    }
                }
            }
            @if manage {
                form method="post" action={ "/atgarder/" (id) "/foto" } enctype="multipart/form-data" #fix-photo-form {
                    (me.ctx.csrf_field())
                    label { (l.t("Lägg till foto (JPEG, PNG eller WebP)", "Add a photo (JPEG, PNG or WebP)"))
                        input type="file" name="photo" accept="image/jpeg,image/png,image/webp" required;
                    }
                    p.hint { (l.t("Platsuppgifter och kamerainformation (EXIF) tas bort innan fotot sparas.", "Location and camera details (EXIF) are removed before the photo is stored.")) }
                    button type="submit" { (l.t("Ladda upp", "Upload")) }
                }
            }
        }
    }
}

/// What happens to an outside party's link when `[smtp]` is configured.
const LINK_MAILED: (&str, &str) = (
    "När ärendet skickas till en extern part med funktionsbrevlåda e-postas en länk dit (den visas inte här). Skapar du en länk själv skickas ingen.",
    "When the fix is sent to an outside party with a functional mailbox, a link is e-mailed there (it is not shown here). If you make a link yourself, none is mailed.",
);

fn links_section(state: &AppState, me: &SignedIn, fix: &Stored<Fix>, manage: bool) -> Markup {
    let l = me.ctx.lang;
    let id = fix.meta.id;
    let now = state.now();
    let outside: Vec<(usize, &FixOwner)> = fix
        .data
        .owners
        .iter()
        .enumerate()
        .filter(|(_, o)| o.responsible.is_outside())
        .collect();
    html! {
        @if !outside.is_empty() || !fix.data.links.is_empty() {
            section.card #fix-links {
                h2 { (l.t("Länkar till externa parter", "Links for outside parties")) }
                p.hint { (l.t(
                    "En extern part svarar utan konto via en länk som går ut. Länken visar kategori, plats och beskrivningen för ägaren – aldrig rapportörens text.",
                    "An outside party answers without an account through a link that expires. The link shows the category, the place and the description for the owner – never the reporter's text.",
                )) }
                @if outside.iter().any(|(_, o)| matches!(&o.responsible, Responsible::Outside { contact: Some(_), .. })) {
                    (super::layout::mail_status(l, state.notify.is_on(), LINK_MAILED))
                }
                @if !fix.data.links.is_empty() {
                    table.list {
                        thead { tr { th { "Nr" } th { (l.t("Part", "Party")) } th { (l.t("Gäller till", "Valid until")) } th { (l.t("Läge", "State")) } @if manage { th {} } } }
                        tbody {
                            @for k in fix.data.links.iter().rev() {
                                tr {
                                    td { (k.number) }
                                    td { (fix.data.owners.get(k.owner).map_or("", |o| o.responsible.name())) }
                                    td { (when(state, k.expires_at)) }
                                    td { (if k.revoked { l.t("återkallad", "revoked") } else if k.is_live(now) { l.t("gäller", "live") } else { l.t("har gått ut", "expired") }) }
                                    @if manage {
                                        td { @if k.is_live(now) {
                                            form.inline method="post" action={ "/atgarder/" (id) "/lank/" (k.number) "/aterkalla" } {
                                                (me.ctx.csrf_field())
                                                button type="submit" { (l.t("Återkalla", "Revoke")) }
                                            }
                                        } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if manage {
                    @for (i, o) in &outside {
                        form.inline method="post" action={ "/atgarder/" (id) "/lank" } {
                            (me.ctx.csrf_field())
                            input type="hidden" name="owner" value=(i);
                            button type="submit" { (l.t("Skapa länk för", "Make a link for")) " " (o.responsible.name()) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /atgarder/{id}/foto/{n}`: a photo, for those who read the fix.
pub(crate) async fn photo(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, n)): Path<(i64, u32)>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let (kind, bytes) = fixes::photo(&state, &me.user, id, n)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok(image(kind, bytes))
}

/// A photo's answer: its type, private caching, no sniffing.
pub(crate) fn image(kind: &'static str, bytes: Vec<u8>) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, kind),
            (axum::http::header::CACHE_CONTROL, "private, max-age=3600"),
            (axum::http::header::CONTENT_DISPOSITION, "inline"),
        ],
        bytes,
    )
        .into_response()
}

/// `POST /atgarder/{id}/foto`.
pub(crate) async fn add_photo(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    posted: PostedFile,
) -> Result<Response, PageError> {
    let PostedFile { me, file, .. } = posted;
    let l = me.ctx.lang;
    let r = match file {
        Some((_, bytes)) => fixes::add_photo(&state, &me.user, id, &bytes).await,
        None => Err(AppError::invalid(
            "photo",
            l.t("Välj ett foto.", "Choose a photo."),
        )),
    };
    changed(&state, &me, id, r).await
}

/// `POST /atgarder/{id}/foto/{n}/godkann`: `approved=1` approves, `0` withdraws.
pub(crate) async fn approve_photo(
    State(state): State<AppState>,
    Path((id, n)): Path<(i64, u32)>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let approved = Fields(form).get("approved") == "1";
    let r = fixes::approve_photo(&state, &me.user, id, n, approved).await;
    changed(&state, &me, id, r).await
}

/// `POST /atgarder/{id}/lank`: makes a link for an outside owner and shows it once.
pub(crate) async fn make_link(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    let owner = Fields(form)
        .get("owner")
        .parse::<usize>()
        .unwrap_or(usize::MAX);
    let made = match fixes::make_link(&state, &me.user, id, owner).await {
        Ok(m) => m,
        Err(e) => return changed(&state, &me, id, Err(e)).await,
    };
    let url = format!(
        "{}/atgard/{}",
        state.config.public_url.trim_end_matches('/'),
        made.token
    );
    let party = made
        .fix
        .data
        .links
        .iter()
        .find(|k| k.number == made.number)
        .and_then(|k| made.fix.data.owners.get(k.owner))
        .map_or("", |o| o.responsible.name());
    let body = html! {
        p { a href={ "/atgarder/" (id) } { "← " (l.t("Tillbaka till ärendet", "Back to the fix")) } }
        h1 { (l.t("Länk för", "Link for")) " " (party) }
        p.notice.ok { (l.t(
            "Kopiera länken nu och skicka den till parten: den visas bara en gång. Den som har länken kan svara på ärendet tills den går ut.",
            "Copy the link now and send it to the party: it is shown only once. Whoever has it can answer the fix until it expires.",
        )) }
        p { code #fix-link { (url) } }
        p { (l.t("Gäller till", "Valid until")) " " (when(&state, made.expires_at)) "." }
    };
    Ok(super::layout(
        &me.ctx,
        l.t("Länk till extern part", "Link for an outside party"),
        body,
    )
    .into_response())
}

/// `POST /atgarder/{id}/lank/{n}/aterkalla`.
pub(crate) async fn revoke_link(
    State(state): State<AppState>,
    Path((id, n)): Path<(i64, u32)>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let r = fixes::revoke_link(&state, &me.user, id, n).await;
    changed(&state, &me, id, r).await
}
