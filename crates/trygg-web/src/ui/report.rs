//! The EST report form (mobile first, works offline), a reporter's own reports, and one
//! incident's page.

use axum::extract::{Path, State};
use maud::{Markup, html};
use trygg_domain::{IncidentFilter, IncidentId, Permission, PlaceType, Taxonomy};

use super::{
    Lang,
    extract::{PageError, SignedIn},
    layout,
};
use crate::AppState;

fn category_label(lang: Lang, code: &str) -> String {
    Taxonomy.get(code).map_or_else(
        || code.to_string(),
        |c| lang.t(c.label_sv, c.label_en).to_string(),
    )
}

/// The category picker: EST groups with their sub-types.
pub(crate) fn category_select(lang: Lang) -> Markup {
    let all = Taxonomy.all();
    html! {
        select name="category" required {
            option value="" { (lang.t("Välj kategori …", "Choose a category …")) }
            @for g in all.iter().filter(|c| c.parent.is_none() && c.est) {
                optgroup label=(lang.t(g.label_sv, g.label_en)) {
                    option value=(g.code) { (lang.t(g.label_sv, g.label_en)) " (" (lang.t("allmänt", "general")) ")" }
                    @for c in all.iter().filter(|c| c.parent == Some(g.code)) {
                        option value=(c.code) { (lang.t(c.label_sv, c.label_en)) }
                    }
                }
            }
        }
    }
}

fn place_label(lang: Lang, p: PlaceType) -> &'static str {
    match lang {
        Lang::Sv => p.label_sv(),
        Lang::En => p.as_str(),
    }
}

/// One event's fields; the script clones it for "add another event".
fn event_fields(lang: Lang) -> Markup {
    html! {
        fieldset.event {
            legend { (lang.t("Händelse", "Event")) " " span.n { "1" } }
            label { (lang.t("Kategori", "Category")) (category_select(lang)) }
            label { (lang.t("Typ av plats", "Type of place"))
                select name="place_type" {
                    option value="" { "–" }
                    @for p in PlaceType::ALL { option value=(p.as_str()) { (place_label(lang, p)) } }
                }
            }
            div.when {
                label { (lang.t("När (eller från)", "When (or from)"))
                    input type="datetime-local" name="occurred_from" required;
                }
                label { (lang.t("Till (om okänt exakt)", "To (if not known exactly)"))
                    input type="datetime-local" name="occurred_to";
                }
            }
            div.where {
                span.label { (lang.t("Plats", "Place")) }
                div.pick-map {}
                div.row {
                    button.gps type="button" { (lang.t("Använd min position", "Use my position")) }
                    output.pos { (lang.t("Tryck på kartan för att välja plats.", "Tap the map to pick the place.")) }
                }
                small.hint { (lang.t(
                    "Med tangentbordet: flytta kartan med piltangenterna och tryck Enter för att välja platsen vid korset i mitten.",
                    "By keyboard: move the map with the arrow keys and press Enter to pick the place at the cross in the middle.",
                )) }
                input type="hidden" name="lat";
                input type="hidden" name="lon";
                label { (lang.t("Platsnamn (frivilligt)", "Place name (optional)"))
                    input type="text" name="place" maxlength="200" placeholder=(lang.t("t.ex. Gottsunda centrum, entrén mot torget", "e.g. Gottsunda centrum, square entrance"));
                }
            }
            label { (lang.t("Kort beskrivning", "Short description"))
                textarea name="description" maxlength="2000" rows="3" {}
                small.hint { (lang.t("Skriv aldrig namn eller personnummer.", "Never write names or personal identity numbers.")) }
            }
            button.remove.link type="button" { (lang.t("Ta bort händelsen", "Remove this event")) }
        }
    }
}

/// `GET /rapportera`: the EST form.
pub(crate) async fn form(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::FileReport)?;
    let l = me.ctx.lang;
    Ok(layout(
        &me.ctx,
        l.t("Rapportera", "Report"),
        html! {
            section.est {
                h1 { (l.t("Ny EST-rapport", "New EST report")) }
                p.lead { (l.t(
                    "Rapportera det du har sett under passet. Flera händelser kan ingå i samma rapport. Formuläret fungerar utan uppkoppling; rapporten skickas när telefonen är online igen.",
                    "Report what you saw during your shift. One report can hold several events. The form works offline; the report is sent when the phone is back online.")) }
                p #queue.notice.info hidden {}
                form #est-form data-tiles=(state.config.tile_url) data-attribution=(state.config.tile_attribution) novalidate {
                    div #events { (event_fields(l)) }
                    button #add-event.secondary type="button" { (l.t("+ Lägg till en händelse", "+ Add another event")) }
                    p #est-status role="status" {}
                    button.primary.big type="submit" { (l.t("Skicka rapport", "Send report")) }
                }
            }
            link rel="stylesheet" href="/assets/vendor/leaflet/leaflet.css";
            script src="/assets/vendor/leaflet/leaflet.js" {}
            script src="/assets/est.js" data-lang=(l.code()) {}
        },
    ))
}

/// `GET /mina-rapporter`: what I reported, newest first.
pub(crate) async fn mine(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadOwnReports)?;
    let l = me.ctx.lang;
    let filter = IncidentFilter {
        created_by: Some(me.user.id),
        limit: 200,
        ..Default::default()
    };
    let page = trygg_app::incidents::list(&state, &me.user, filter)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let areas = trygg_app::reference::areas(&state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let mut items = page.items;
    items.sort_by(|a, b| b.reported_at.cmp(&a.reported_at).then(b.id.0.cmp(&a.id.0)));
    // Feedback from the weekly EST meetings: to all reporters, or on one of my reports/events.
    let all = trygg_app::cycle::feedback(&state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let mut feedback: Vec<(jiff::civil::Date, String, bool)> = all
        .into_iter()
        .filter_map(|f| {
            let general = f.report_ids.is_empty() && f.incident_ids.is_empty();
            let mine = items.iter().any(|i| {
                f.incident_ids.contains(&i.id)
                    || i.report_id.is_some_and(|r| f.report_ids.contains(&r))
            });
            (general || mine).then_some((f.date, f.text, mine))
        })
        .collect();
    feedback.sort_by_key(|f| std::cmp::Reverse(f.0));
    Ok(layout(
        &me.ctx,
        l.t("Mina rapporter", "My reports"),
        html! {
            h1 { (l.t("Mina rapporter", "My reports")) }
            section.card id="phone-reports" hidden {}
            script src="/assets/mine.js" data-lang=(l.code()) {}
            section.card {
                h2 { (l.t("Återkoppling från EST-mötet", "Feedback from the EST meeting")) }
                @if feedback.is_empty() {
                    p { (l.t("Ingen återkoppling ännu.", "No feedback yet.")) }
                } @else {
                    ul.feedback {
                        @for (date, text, mine) in &feedback {
                            li {
                                strong { (date.to_string()) } " "
                                @if *mine { span.tag { (l.t("om din rapport", "on your report")) } " " }
                                (text)
                            }
                        }
                    }
                }
            }
            @if items.is_empty() {
                p { (l.t("Du har inte rapporterat något ännu.", "You have not reported anything yet.")) " "
                    a href="/rapportera" { (l.t("Gör en rapport", "File a report")) } }
            } @else {
                p { (l.count(page.total as i64, ("händelse", "händelser"), ("event", "events"))) }
                div.scroll {
                table.list {
                    thead { tr {
                        th { (l.t("Rapport", "Report")) }
                        th { (l.t("När", "When")) }
                        th { (l.t("Kategori", "Category")) }
                        th { (l.t("Plats", "Place")) }
                    } }
                    tbody {
                        @for i in &items {
                            tr {
                                td { @if let Some(r) = i.report_id { "#" (r.0) } }
                                td { a href={ "/handelser/" (i.id.0) } { (fmt_time(&state, i.occurred_from)) } }
                                td { (category_label(l, &i.category)) }
                                td { (place_shown(l, i, &areas)) }
                            }
                        }
                    }
                }
                }
            }
        },
    ))
}

/// Where an incident happened, for a list: its place name; else the district its position lies
/// in; else the position rounded to about 100 m; else a dash.
pub(crate) fn place_shown(
    l: Lang,
    i: &trygg_domain::Incident,
    areas: &[trygg_domain::Area],
) -> String {
    if let Some(p) = i.place.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        return p.to_string();
    }
    use trygg_domain::AreaKind;
    let district = areas
        .iter()
        .filter(|a| i.areas.contains(&a.id))
        .filter_map(|a| match a.kind {
            AreaKind::District => Some((0, a)),
            AreaKind::Deso => Some((1, a)),
            AreaKind::Custom => Some((2, a)),
            AreaKind::County | AreaKind::Kommun => None,
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, a)| a);
    match (district, &i.position) {
        (Some(a), _) => format!(
            "{} ({})",
            a.name,
            l.t("vald på kartan", "picked on the map")
        ),
        (None, Some(p)) => format!("{:.3}, {:.3}", p.lat, p.lon),
        (None, None) => "–".into(),
    }
}

/// A time in the local zone, `2024-03-01 14:05`.
pub(crate) fn fmt_time(state: &AppState, t: jiff::Timestamp) -> String {
    t.to_zoned(state.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// `GET /handelser/{id}`: one incident, if the user may see it.
pub(crate) async fn incident(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let id: i64 = id.parse().map_err(|_| PageError::not_found(l))?;
    let i = trygg_app::incidents::get(&state, &me.user, IncidentId(id))
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let org = trygg_app::reference::organisation_name(&state, i.source_org).await;
    let title = category_label(l, &i.category);
    Ok(layout(
        &me.ctx,
        &title,
        html! {
            section.card {
                h1 { (title) }
                dl {
                    dt { (l.t("När", "When")) }
                    dd { (fmt_time(&state, i.occurred_from))
                        @if i.occurred_to != i.occurred_from { " – " (fmt_time(&state, i.occurred_to)) } }
                    dt { (l.t("Plats", "Place")) } dd { (i.place.as_deref().unwrap_or("–")) }
                    @if let Some(p) = &i.position {
                        dt { (l.t("Position", "Position")) }
                        dd { (format!("{:.5}, {:.5}", p.lat, p.lon)) " (WGS84) · "
                             (format!("N {:.0} E {:.0}", p.n, p.e)) " (SWEREF 99 TM)" }
                    }
                    dt { (l.t("Källa", "Source")) } dd { (i.channel.as_str()) " · " (org) }
                    dt { (l.t("Synlighet", "Visibility")) }
                    dd { (match i.visibility { trygg_domain::Visibility::Shared => l.t("Delad i samverkan", "Shared in the partnership"), trygg_domain::Visibility::Internal => l.t("Intern för organisationen", "Internal to the organisation") }) }
                    @if let Some(d) = &i.description { dt { (l.t("Beskrivning", "Description")) } dd { (d) } }
                }
            }
            @if me.may(trygg_domain::Permission::ManageFixes) && i.position.is_some() {
                (super::fixes::incident_form(&me.ctx, id))
            }
        },
    ))
}
