//! The public safety map for everyone, without signing in: `/karta` (the map, the table with
//! the same numbers and each area's trend, for the month and group of two plain `<select>`s,
//! which work without script) and `/karta/om` (what the numbers are and what is left out).
//! Both show only the publication (`trygg_app::public`); `assets/karta.js` draws the map from
//! `/api/public/v1/karta.geojson` with the page's choice, passed in `data-*` attributes.

use axum::extract::{Query, State};
use maud::{Markup, html};
use trygg_app::public::{self, ALL_AREAS_SV, Cell, Publication};

use super::{
    Lang, PageCtx,
    extract::{Page, PageError},
    layout,
};
use crate::{AppState, public::Choice};

fn head() -> Markup {
    html! {
        link rel="stylesheet" href="/assets/vendor/leaflet/leaflet.css";
        link rel="stylesheet" href="/assets/karta.css";
        script src="/assets/vendor/leaflet/leaflet.js" defer {}
        script src="/assets/karta.js" defer {}
    }
}

/// "färre än 5", or the count.
fn shown(l: Lang, k: u32, cell: &Cell) -> String {
    match cell.count {
        Some(n) => n.to_string(),
        None => format!("{} {k}", l.t("färre än", "fewer than")),
    }
}

fn group_label(l: Lang, p: &Publication, g: Option<usize>) -> String {
    match g {
        Some(g) => l.t(p.groups[g].label_sv, p.groups[g].label_en).to_string(),
        None => l
            .t("Alla publicerade kategorier", "All published categories")
            .to_string(),
    }
}

/// `GET /karta`.
pub(crate) async fn map(
    State(state): State<AppState>,
    mut page: Page,
    Query(q): Query<Choice>,
) -> Result<Markup, PageError> {
    let l = page.ctx.lang;
    let p = public::publication(&state)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    // A bookmark of a month no longer shown opens the latest one.
    let (m, g) = p
        .select(q.month.as_deref(), q.group.as_deref())
        .or_else(|_| p.select(None, None))
        .map_err(|e| PageError::from_app(l, e))?;
    page.ctx.wide = true;
    let title = l.t("Trygghetskarta", "Safety map");
    Ok(layout::layout_with_head(
        &page.ctx,
        title,
        head(),
        body(&page.ctx, &state, &p, m, g),
    ))
}

fn body(ctx: &PageCtx, state: &AppState, p: &Publication, m: usize, g: Option<usize>) -> Markup {
    let l = ctx.lang;
    let month = p.months[m];
    let group = g.map(|g| p.groups[g].code).unwrap_or("");
    let layer = format!("/api/public/v1/karta.geojson?month={month}&group={group}");
    html! {
        div.karta {
            h1 { (l.t("Trygghetskarta", "Safety map")) }
            p.lead { (l.t(
                "Händelser som kommunen, polisen och deras samarbetspartner har registrerat, per område och månad. Kartan visar inga platser eller enskilda händelser, bara antal per område.",
                "Incidents registered by the municipality, the police and their partners, per area and month. The map shows no places or single incidents, only counts per area.",
            )) " "
              a href="/karta/om" { (l.t("Om siffrorna", "About the numbers")) } }
            form.karta-choice method="get" action="/karta" {
                @if l == Lang::En { input type="hidden" name="lang" value="en"; }
                label { (l.t("Månad", "Month"))
                    select #karta-month name="month" {
                        @for (i, mo) in p.months.iter().enumerate().rev() {
                            option value=(mo) selected[i == m] { (mo.label(l == Lang::En)) }
                        }
                    }
                }
                label { (l.t("Kategori", "Category"))
                    select #karta-group name="group" {
                        option value="" selected[g.is_none()] { (group_label(l, p, None)) }
                        @for (i, gr) in p.groups.iter().enumerate() {
                            option value=(gr.code) selected[g == Some(i)] { (l.t(gr.label_sv, gr.label_en)) }
                        }
                    }
                }
                button.primary type="submit" { (l.t("Visa", "Show")) }
            }
            div #karta-map role="region"
                aria-label=(l.t("Karta över områdena. Tabellen nedanför visar samma siffror.", "Map of the areas. The table below shows the same numbers."))
                data-layer=(layer)
                data-tiles=(state.config.tile_url)
                data-attribution=(state.config.tile_attribution)
                data-lang=(l.code())
                data-k=(p.k) {}
            (table(l, p, m, g))
            p.karta-downloads {
                (l.t("Ladda ner alla publicerade siffror: ", "Download every published number: "))
                a href="/api/public/v1/karta.csv" download { "CSV (Excel)" }
                " · "
                a href="/api/public/v1/karta" { "JSON" }
            }
            p.hint {
                (l.t("Visar ", "Showing ")) (p.months[0].label(l == Lang::En)) " – " (p.months[p.months.len() - 1].label(l == Lang::En))
                ". " (l.t("Beräknad ", "Computed ")) (local_time(state, p.generated_at)) "."
            }
        }
    }
}

fn local_time(state: &AppState, t: jiff::Timestamp) -> String {
    t.to_zoned(state.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// The table equal to the map: each area's count, the areas together, and each area's trend.
fn table(l: Lang, p: &Publication, m: usize, g: Option<usize>) -> Markup {
    html! {
        div.karta-table {
            table.list {
                caption { (p.months[m].label(l == Lang::En)) ": " (group_label(l, p, g)) }
                thead { tr {
                    th scope="col" { (l.t("Område", "Area")) }
                    th.num scope="col" { (l.t("Antal", "Count")) }
                    th scope="col" title=(format!("{} {} – {}", l.t("Varje månad", "Each month"), p.months[0].label(l == Lang::En), p.months[p.months.len() - 1].label(l == Lang::En))) { (l.t("Utveckling", "Trend")) }
                } }
                tbody {
                    @for (a, area) in p.areas.iter().enumerate() {
                        tr {
                            th scope="row" { (area.name) }
                            td.num { (shown(l, p.k, p.cell(m, Some(a), g))) }
                            td { (trend(l, p, Some(a), g)) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (l.t(ALL_AREAS_SV, "The whole municipality (the areas together)")) }
                    td.num { (shown(l, p.k, p.cell(m, None, g))) }
                    td { (trend(l, p, None, g)) }
                } }
            }
        }
    }
}

/// A small line of the published counts over the months; suppressed months are gaps marked
/// at the bottom. Its text alternative names the first and last month's numbers.
fn trend(l: Lang, p: &Publication, a: Option<usize>, g: Option<usize>) -> Markup {
    const W: f64 = 120.0;
    const H: f64 = 28.0;
    let cells: Vec<&Cell> = (0..p.months.len()).map(|m| p.cell(m, a, g)).collect();
    let max = cells
        .iter()
        .filter_map(|c| c.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let step = W / (cells.len().max(2) - 1) as f64;
    let point = |i: usize, n: u32| {
        (
            i as f64 * step,
            H - 2.0 - (H - 4.0) * f64::from(n) / f64::from(max),
        )
    };
    // Runs of published months, each one polyline.
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut gaps = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        match c.count {
            Some(n) => match (i > 0 && cells[i - 1].count.is_some(), runs.last_mut()) {
                (true, Some(run)) => run.push(point(i, n)),
                _ => runs.push(vec![point(i, n)]),
            },
            None => gaps.push(i as f64 * step),
        }
    }
    let label = format!(
        "{}: {}, {}: {}",
        p.months[0].label(l == Lang::En),
        shown(l, p.k, cells[0]),
        p.months[p.months.len() - 1].label(l == Lang::En),
        shown(l, p.k, cells[cells.len() - 1])
    );
    html! {
        svg.trend viewBox=(format!("-2 0 {} {H}", W + 4.0)) role="img" aria-label=(label) {
            @for run in &runs {
                @if run.len() == 1 {
                    circle cx=(run[0].0) cy=(run[0].1) r="1.6" {}
                } @else {
                    polyline points=(run.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ")) {}
                }
            }
            @for x in &gaps { line.gap x1=(x - 1.0) x2=(x + 1.0) y1=(H - 0.5) y2=(H - 0.5) {} }
        }
    }
}

/// `GET /karta/om`: what the numbers are, and what is left out and why, in plain Swedish.
pub(crate) async fn about(State(state): State<AppState>, page: Page) -> Result<Markup, PageError> {
    let l = page.ctx.lang;
    let p = public::publication(&state)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let k = p.k;
    let areas = match p.area_kind {
        trygg_domain::AreaKind::Deso => l.t(
            "DeSO-områden (SCB:s demografiska statistikområden)",
            "DeSO areas (Statistics Sweden's demographic statistical areas)",
        ),
        _ => l.t(
            "stadsdelar och områden som kommunen och polisen delat in kommunen i",
            "the districts the municipality and the police divide the municipality into",
        ),
    };
    let left_out: Vec<&str> = p
        .left_out
        .iter()
        .map(|c| l.t(c.label_sv, c.label_en))
        .collect();
    let groups: Vec<&str> = p
        .groups
        .iter()
        .map(|c| l.t(c.label_sv, c.label_en))
        .collect();
    let body = html! {
        div.karta-about {
            h1 { (l.t("Om siffrorna", "About the numbers")) }
            h2 { (l.t("Vad kartan visar", "What the map shows")) }
            p { (l.t(
                "Kartan visar hur många händelser som registrerats per område och månad. Händelserna kommer från rapporter från kommunens och samarbetspartnernas personal (till exempel fältassistenter, fritidsledare och fastighetsbolag), från filer som importerats från polisens och kommunens system och från andra källor i samverkan mellan kommunen och polisen.",
                "The map shows how many incidents were registered per area and month. They come from reports by the staff of the municipality and its partners (such as field workers, youth workers and housing companies), from files imported from police and municipal systems and from other sources of the partnership between the municipality and the police.",
            )) }
            p { (l.t("Områdena är ", "The areas are ")) (areas) ". "
                (l.t("Kategorierna är: ", "The categories are: ")) (groups.join(", ")) "." }
            p { (l.t(
                "Siffrorna visar vad som har registrerats, inte all brottslighet eller otrygghet. Fler rapporter från ett område kan betyda fler händelser, men också att fler rapporterar där.",
                "The numbers show what was registered, not all crime or insecurity. More reports from an area can mean more incidents, but also that more people report there.",
            )) }
            h2 { (l.t("Vad som lämnas bort och varför", "What is left out and why")) }
            ul {
                li { strong { (l.t("Inga platser. ", "No places. ")) } (l.t(
                    "Kartan visar bara antal per område, aldrig var en händelse skedde, så att ingen händelse eller adress kan pekas ut.",
                    "The map shows only counts per area, never where an incident happened, so that no incident or address can be singled out.",
                )) }
                li { strong { (l.t("Små tal döljs. ", "Small numbers are hidden. ")) }
                    (l.t("Är det färre än ", "When there are fewer than ")) (k)
                    (l.t(
                        " händelser visas ”färre än ",
                        " incidents the map says “fewer than ",
                    )) (k) (l.t("” i stället för talet. Det gäller även noll, så att det inte heller syns var ingenting har hänt. Ibland döljs också ett större tal, om det annars skulle gå att räkna ut ett dolt tal genom att dra ifrån de andra från summan.", "” instead of the number. That holds for zero too, so that it does not show where nothing happened either. Sometimes a larger number is hidden too, when a hidden one could otherwise be worked out by subtracting the others from the total.")) }
                li { strong { (l.t("Hela månader, en tid efteråt. ", "Whole months, some time afterwards. ")) }
                    (l.t("En månad visas först ", "A month is shown only ")) (p.delay_days)
                    (l.t(" dagar efter att den tagit slut, så att sena rapporter hinner komma med och inga färska händelser går att känna igen.", " days after it ended, so that late reports are included and no recent incident can be recognised.")) }
                @if !left_out.is_empty() {
                    li { strong { (l.t("Känsliga brott visas inte. ", "Sensitive offences are not shown. ")) }
                        (left_out.join(", "))
                        (l.t(" räknas aldrig med, inte heller i summorna, eftersom de drabbar enskilda personer som inte ska kunna pekas ut. Våld i nära relationer har ingen egen kategori och registreras inte här.", " are never counted, not in the totals either, because they concern individual victims who must not be singled out. Violence in close relationships has no category of its own and is not registered here.")) }
                }
                li { strong { (l.t("Bara det som delas. ", "Only what is shared. ")) } (l.t(
                    "Händelser som en organisation bara registrerat för eget bruk räknas inte. Polisens öppna händelser, som bara har kommunen som plats, hör inte till något område och räknas inte heller.",
                    "Incidents an organisation registered for its own use only are not counted. The police's public events, whose only position is the municipality, belong to no area and are not counted either.",
                )) }
            }
            h2 { (l.t("Hela kommunen", "The whole municipality")) }
            p { (l.t(
                "Raden för hela kommunen är områdena sammanlagda. Händelser utanför områdena räknas inte.",
                "The row for the whole municipality is the areas added together. Incidents outside the areas are not counted.",
            )) }
            p { a href="/karta" { (l.t("Tillbaka till kartan", "Back to the map")) } }
        }
    };
    Ok(layout::layout(
        &page.ctx,
        l.t("Om siffrorna", "About the numbers"),
        body,
    ))
}
