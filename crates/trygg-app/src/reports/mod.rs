//! The partnership's generated reports, assembled as [`trygg_report::Document`]s from the live
//! data: the weekly lägesbild ([`weekly`]), the tertial analysis ([`tertial`]), the law's
//! lägesbild ([`lagesbild`]), and — on plain partnership structs — the annual compilation of the
//! commitment plan ([`annual_compilation`]) and the final follow-up of the agreement
//! ([`final_follow_up`]). [`build`] (in `stored.rs`) is the one entry for the CLI and the web
//! app: it loads the stored agreement, plans and linked interventions for the partnership's
//! reports, and adds the law's åtgärdsplan ([`atgardsplan`]).
//!
//! Every statistic comes from the analysis snapshot through [`crate::snapshot::Live::with`] under
//! the caller's scope (reports to the committee use [`Scope::Shared`]); areas come from the
//! store. Every sentence that holds a number is generated from that number, in Swedish, with
//! the decimal comma of [`fmt_sv`]. Nothing here is typed twice.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::{Date, ISOWeekDate, Weekday};
use jiff::{Span, Timestamp, Zoned};
use trygg_analysis::snapshot::{Filter, Granularity, PeriodKey, Snapshot};
use trygg_domain::partnership::{
    Agreement, CommitmentPlan, CommitmentStatus, JOINT, Resource, deadlines,
};
use trygg_domain::{AreaId, AreaKind, Channel, IncidentFilter, Lang, Scope, Taxonomy};
use trygg_report::chart::{self, BarChart, BeforeAfterChart, HeatMap, LineChart, Series};
use trygg_report::map::{self, HotSpots, MapArea, MapPoint, MapPolygon, MapSpec};
use trygg_report::{
    Block, Column, Document, Inline, KeyFigure, Meta, Table, fmt_num, fmt_percent, fmt_sv,
};

use crate::App;

mod compilation;
mod context;
mod filter_map;
mod law_lagesbild;
mod tertial_analysis;
mod walk_protocol;
mod weekly_picture;

pub use compilation::*;
pub use filter_map::*;
pub use law_lagesbild::*;
pub use tertial_analysis::*;
pub use walk_protocol::*;
pub use weekly_picture::*;
mod stored;
pub use stored::{
    Request, annual_compilation_from_records, atgardsplan, build, default_as_of,
    final_follow_up_from_records,
};

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportBuildError {
    /// The request is wrong (a week that does not exist, a tertial outside 1–3).
    #[error("{0}")]
    Input(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] trygg_store::StoreError),
    /// A chart, map or the document could not be drawn.
    #[error(transparent)]
    Render(#[from] trygg_report::ReportError),
}

type Result<T, E = ReportBuildError> = std::result::Result<T, E>;

/// "Generated at" in the configured zone, `2024-03-01 14:05`.
fn generated_now(state: &App) -> String {
    state
        .now()
        .to_zoned(state.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

use trygg_domain::week::MONTHS_SV_SHORT as MONTHS_SV;
const WEEKDAYS_PLURAL_SV: [&str; 7] = [
    "måndagar",
    "tisdagar",
    "onsdagar",
    "torsdagar",
    "fredagar",
    "lördagar",
    "söndagar",
];
const WEEKDAYS_PLURAL_EN: [&str; 7] = [
    "Mondays",
    "Tuesdays",
    "Wednesdays",
    "Thursdays",
    "Fridays",
    "Saturdays",
    "Sundays",
];
/// Cell size of the Gi* grid, metres.
const GI_CELL: f64 = 250.0;
/// Fewest positioned incidents for a Gi* analysis.
const GI_MIN_POINTS: usize = 30;
/// Fewest positioned burglaries for a Knox test.
const KNOX_MIN_POINTS: usize = 20;

/// Parses an ISO week "2024-W47" (also "2024W47", "2024-w7"): the domain's one parser.
pub fn parse_iso_week(s: &str) -> Result<ISOWeekDate> {
    trygg_domain::week::parse_iso_week(s).map_err(ReportBuildError::Input)
}

/// A district (or other area) as the reports need it.
#[derive(Debug, Clone)]
struct AreaInfo {
    id: AreaId,
    name: String,
    index: Option<u16>,
    polygons: Vec<MapPolygon>,
}

/// What every report is built over.
struct Ctx<'a> {
    state: &'a App,
    scope: Scope,
    /// The districts, by name.
    districts: Vec<AreaInfo>,
    /// The districts' boundaries, in the order of `districts`: the one point-in-district test,
    /// the same index that assigns incidents to areas.
    district_index: trygg_geo::AreaIndex,
    /// Kommun outlines (drawn without value under the districts).
    outlines: Vec<AreaInfo>,
    organisation: String,
    now: Zoned,
    /// Years with any incident in scope (a comparison with a year before the data is no comparison).
    years: Vec<i16>,
    /// The report's language: every sentence, label and number.
    lang: Lang,
}

/// Counts of one period.
#[derive(Debug, Default, Clone)]
struct PeriodStats {
    total: u32,
    by_group: HashMap<&'static str, u32>,
    by_category: HashMap<u16, u32>,
    by_area: HashMap<u16, u32>,
}

fn rings_to_sweref(rings: &serde_json::Value) -> Option<MapPolygon> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    for ring in rings.as_array()? {
        let pts: Vec<(f64, f64)> = ring
            .as_array()?
            .iter()
            .filter_map(|p| {
                let lon = p.get(0)?.as_f64()?;
                let lat = p.get(1)?.as_f64()?;
                let s = trygg_geo::wgs84_to_sweref99tm(trygg_geo::Wgs84 { lat, lon });
                Some((s.e, s.n))
            })
            .collect();
        out.push(pts);
    }
    let mut it = out.into_iter();
    Some(MapPolygon {
        exterior: it.next()?,
        holes: it.collect(),
    })
}

/// A GeoJSON Polygon or MultiPolygon (WGS84) as SWEREF 99 TM map polygons.
fn geometry_to_sweref(g: &serde_json::Value) -> Vec<MapPolygon> {
    match g.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => g
            .get("coordinates")
            .and_then(rings_to_sweref)
            .into_iter()
            .collect(),
        Some("MultiPolygon") => g
            .get("coordinates")
            .and_then(|c| c.as_array())
            .map(|polys| polys.iter().filter_map(rings_to_sweref).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// "ökade med 12 %" / "minskade med 5 %" / "var oförändrat" for current vs previous; in
/// English "rose by 12%" / "fell by 5%" / "was unchanged".
fn change_words(lang: Lang, current: u32, previous: u32) -> String {
    if previous == 0 {
        return if current == 0 {
            lang.t(
                "var oförändrat (inga händelser någon av perioderna)",
                "was unchanged (no incidents in either period)",
            )
            .into()
        } else {
            lang.t("ökade från noll", "rose from zero").into()
        };
    }
    let ch = f64::from(current) / f64::from(previous) - 1.0;
    let p = fmt_percent(lang, ch.abs(), 0, false);
    if current > previous {
        format!("{} {p}", lang.t("ökade med", "rose by"))
    } else if current < previous {
        format!("{} {p}", lang.t("minskade med", "fell by"))
    } else {
        lang.t("var oförändrat", "was unchanged").into()
    }
}

/// The signed change for a table cell ("+12 %", "–" without a base).
fn change_cell(lang: Lang, current: u32, previous: u32) -> String {
    if previous == 0 {
        "–".into()
    } else {
        fmt_percent(
            lang,
            f64::from(current) / f64::from(previous) - 1.0,
            0,
            true,
        )
    }
}

/// "18–24 november 2024", "28 oktober – 3 november 2024", "30 december 2024 – 5 januari 2025";
/// in English "18–24 November 2024" and so on.
fn date_range(lang: Lang, a: Date, b: Date) -> String {
    if a.year() != b.year() {
        format!("{} – {}", long_date(lang, a), long_date(lang, b))
    } else if a.month() != b.month() {
        format!(
            "{} {} – {}",
            a.day(),
            month_name(lang, a.month()),
            long_date(lang, b)
        )
    } else {
        format!("{}–{}", a.day(), long_date(lang, b))
    }
}

/// "3 november 2024", "3 November 2024".
fn long_date(lang: Lang, d: Date) -> String {
    format!("{} {} {}", d.day(), month_name(lang, d.month()), d.year())
}

/// "jan", "Jan": the short month name for a chart's axis.
fn month_short(lang: Lang, month: i8) -> &'static str {
    let i = usize::try_from(month - 1).unwrap_or(0);
    match lang {
        Lang::Sv => MONTHS_SV[i],
        Lang::En => &trygg_domain::week::MONTHS_EN[i][..3],
    }
}

fn month_name(lang: Lang, month: i8) -> &'static str {
    let i = usize::try_from(month - 1).unwrap_or(0);
    match lang {
        Lang::Sv => MONTH_NAMES[i],
        Lang::En => trygg_domain::week::MONTHS_EN[i],
    }
}

use trygg_domain::week::MONTHS_SV as MONTH_NAMES;

/// The category groups: code and label in `lang`.
fn category_groups(lang: Lang) -> Vec<(&'static str, &'static str)> {
    Taxonomy
        .all()
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| (c.code, lang.t(c.label_sv, c.label_en)))
        .collect()
}

fn group_of_index(i: u16) -> &'static str {
    let c = &Taxonomy.all()[usize::from(i)];
    c.parent.unwrap_or(c.code)
}

fn period_stats(s: &Snapshot, f: &Filter) -> PeriodStats {
    let mut out = PeriodStats::default();
    for r in s.counts(f, Granularity::Year, true, false) {
        let c = r.category.unwrap_or(0);
        out.total += r.count;
        *out.by_category.entry(c).or_default() += r.count;
        *out.by_group.entry(group_of_index(c)).or_default() += r.count;
    }
    for r in s.counts(f, Granularity::Year, false, true) {
        if let Some(a) = r.area {
            *out.by_area.entry(a).or_default() += r.count;
        }
    }
    out
}

/// Top weekday and the busiest 3-hour window of a profile, as a sentence.
fn profile_sentence(lang: Lang, p: &[[f64; 24]; 7], what: &str) -> String {
    let total: f64 = p.iter().flatten().sum();
    if total <= 0.0 {
        return match lang {
            Lang::Sv => format!("Inga händelser att fördela över dygnet under {what}."),
            Lang::En => format!("No incidents to spread over the day in {what}."),
        };
    }
    let days: Vec<f64> = p.iter().map(|r| r.iter().sum()).collect();
    let (top_day, top_day_v) = days
        .iter()
        .enumerate()
        .fold((0, f64::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
    let hours: Vec<f64> = (0..24).map(|h| p.iter().map(|r| r[h]).sum()).collect();
    let (top_h, top_h_v) = (0..24)
        .map(|h| (h, hours[h] + hours[(h + 1) % 24] + hours[(h + 2) % 24]))
        .fold((0, f64::MIN), |b, (h, v)| if v > b.1 { (h, v) } else { b });
    let pct = |v: f64| fmt_percent(lang, v, 0, false);
    match lang {
        Lang::Sv => format!(
            "Under {what} inträffade flest händelser på {} ({} av alla, mot {} vid jämn fördelning) och mellan klockan {:02} och {:02} ({}, mot {} vid jämn fördelning).",
            WEEKDAYS_PLURAL_SV[top_day],
            pct(top_day_v / total),
            pct(1.0 / 7.0),
            top_h,
            (top_h + 3) % 24,
            pct(top_h_v / total),
            pct(3.0 / 24.0),
        ),
        Lang::En => format!(
            "In {what} most incidents happened on {} ({} of all, against {} if spread evenly) and between {:02}:00 and {:02}:00 ({}, against {} if spread evenly).",
            WEEKDAYS_PLURAL_EN[top_day],
            pct(top_day_v / total),
            pct(1.0 / 7.0),
            top_h,
            (top_h + 3) % 24,
            pct(top_h_v / total),
            pct(3.0 / 24.0),
        ),
    }
}

/// Definitions every statistical report ends with.
pub(super) fn method_bullets(lang: Lang) -> Vec<String> {
    if lang == Lang::En {
        return METHOD_EN.iter().map(|s| (*s).to_string()).collect();
    }
    vec![
        "En händelse är ett brott, en otrygghetsskapande händelse eller en otrygg plats som rapporterats till trygg: av utbildade rapportörer (EST), från Polisens publika händelser, eller importerad från polisens och kommunens system. Det är anmälda och rapporterade händelser – inte all brottslighet, och inte upplevd otrygghet.".into(),
        "En händelse räknas i den period då dess tidsfönster börjar, i lokal tid (Europe/Stockholm). Veckor är ISO-veckor (måndag–söndag); perioder är halvöppna: från och med första dagen, till men inte med dagen efter den sista.".into(),
        "Rapporten bygger bara på delade händelser (gemensam lägesbild); organisationernas interna rapporter ingår inte. Inga personuppgifter finns i underlaget.".into(),
        "En händelse räknas i varje område dess position ligger i. Polisens händelser har bara kommunens eller länets mittpunkt som position: de räknas för kommunen men inte per stadsdel, och ingår aldrig i kartor, hot spots eller nära upprepning.".into(),
        "Veckodag och timme: en händelse med ett tidsfönster (t.ex. upptäckt måndag morgon, senast sedd fredag kväll) fördelas jämnt över fönstrets timmar (aoristisk viktning), så att summan är antalet händelser.".into(),
        "Hot spots: Getis-Ord Gi* på antal händelser i rutor om 250 × 250 m (tomma rutor ingår), binära queen-vikter inklusive rutan själv, tvåsidigt test; en ruta är hot spot med 95 % konfidens när z ≥ 1,96 efter Benjamini–Hochbergs korrektion för många test (FDR). Samma definition som ArcGIS Hot Spot Analysis och PySAL esda G_Local(transform='B', star=True).".into(),
        "Nära upprepning: Knox-test på inbrott med position, Manhattanavstånd, halvöppna band [a, b), 999 permutationer av tiderna (fröet 1, så att resultatet går att upprepa); kvoten är observerade par delat med medelvärdet av de permuterade.".into(),
        "Nya problembilder: veckoantal per kategori och stadsdel jämförs med samma veckor (±2) de tre föregående åren; en vecka flaggas när antalet når kontrollgränsen för p ≤ 0,001 (Poisson, eller negativ binomial vid överspridning) och är minst 3. Rapporten anger hur många serier som prövats och hur många flaggor slumpen ensam ger.".into(),
        "Återkommande platser: positioner avrundade till rutor om 50 × 50 m.".into(),
        "Förändring i procent = (antal nu / antal i jämförelseperioden − 1). Små tal ger stora procentsatser: läs procent tillsammans med antalen.".into(),
    ]
}

/// [`method_bullets`] in English, from the same definitions.
const METHOD_EN: [&str; 10] = [
    "An incident is a crime, an insecurity-creating event or an unsafe place reported to trygg: by trained reporters (EST), from the police's public events, or imported from the police's and the municipality's systems. These are reported incidents – not all crime, and not perceived insecurity.",
    "An incident is counted in the period in which its time window begins, in local time (Europe/Stockholm). Weeks are ISO weeks (Monday–Sunday); periods are half-open: from the first day, up to but not including the day after the last.",
    "The report rests only on shared incidents (the joint picture); the organisations' internal reports are not included. There are no personal data in the data.",
    "An incident is counted in every area its position lies in. The police's events have only the municipality's or the county's centre as their position: they count for the municipality but not per district, and never enter maps, hot spots or near repeats.",
    "Weekday and hour: an incident with a time window (e.g. discovered Monday morning, last seen Friday evening) is spread evenly over the window's hours (aoristic weighting), so that the total is the number of incidents.",
    "Hot spots: Getis-Ord Gi* on counts of incidents in cells of 250 × 250 m (empty cells included), binary queen weights including the cell itself, two-sided test; a cell is a hot spot with 95% confidence when z ≥ 1.96 after the Benjamini–Hochberg correction for multiple tests (FDR). The same definition as ArcGIS Hot Spot Analysis and PySAL esda G_Local(transform='B', star=True).",
    "Near repeats: Knox test on burglaries with a position, Manhattan distance, half-open bands [a, b), 999 permutations of the times (seed 1, so that the result can be repeated); the ratio is observed pairs divided by the mean of the permuted ones.",
    "Emerging problems: weekly counts per category and district are compared with the same weeks (±2) of the three previous years; a week is flagged when its count reaches the control limit for p ≤ 0.001 (Poisson, or negative binomial when overdispersed) and is at least 3. The report states how many series were tested and how many flags chance alone gives.",
    "Repeat places: positions rounded to cells of 50 × 50 m.",
    "Change in per cent = (count now / count in the comparison period − 1). Small numbers give large percentages: read percentages together with the counts.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_own_category_is_counted_under_its_group() {
        let own = trygg_domain::own_category::register(&trygg_domain::own_category::OwnCategory {
            code: "skadegorelse.rapportens-egen".into(),
            label_sv: "Rapportens egen".into(),
            label_en: "The report's own".into(),
        })
        .unwrap();
        let i = Taxonomy
            .all()
            .iter()
            .position(|c| c.code == own.code)
            .unwrap();
        assert_eq!(group_of_index(u16::try_from(i).unwrap()), "skadegorelse");
        assert!(
            category_groups(Lang::Sv)
                .iter()
                .all(|(code, _)| *code != own.code),
            "not a group of its own"
        );
    }
}
