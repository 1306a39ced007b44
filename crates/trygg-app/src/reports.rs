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
use trygg_domain::{AreaId, AreaKind, Channel, IncidentFilter, Scope, Taxonomy};
use trygg_report::chart::{self, BarChart, BeforeAfterChart, HeatMap, LineChart, Series};
use trygg_report::map::{self, HotSpots, MapArea, MapPoint, MapPolygon, MapSpec};
use trygg_report::{
    Block, Column, Document, Inline, KeyFigure, Meta, Table, fmt_int_sv, fmt_percent_sv, fmt_sv,
};

use crate::App;

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

const MONTHS_SV: [&str; 12] = [
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];
const WEEKDAYS_PLURAL_SV: [&str; 7] = [
    "måndagar",
    "tisdagar",
    "onsdagar",
    "torsdagar",
    "fredagar",
    "lördagar",
    "söndagar",
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
    /// Kommun outlines (drawn without value under the districts).
    outlines: Vec<AreaInfo>,
    organisation: String,
    now: Zoned,
    /// Years with any incident in scope (a comparison with a year before the data is no comparison).
    years: Vec<i16>,
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

fn in_ring(ring: &[(f64, f64)], (x, y): (f64, f64)) -> bool {
    let mut inside = false;
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = ring[i];
        let (xj, yj) = ring[j];
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn in_polygons(polys: &[MapPolygon], p: (f64, f64)) -> bool {
    polys
        .iter()
        .any(|poly| in_ring(&poly.exterior, p) && !poly.holes.iter().any(|h| in_ring(h, p)))
}

/// "ökade med 12 %" / "minskade med 5 %" / "var oförändrat" for current vs previous.
fn change_words(current: u32, previous: u32) -> String {
    if previous == 0 {
        return if current == 0 {
            "var oförändrat (inga händelser någon av perioderna)".into()
        } else {
            "ökade från noll".into()
        };
    }
    let ch = f64::from(current) / f64::from(previous) - 1.0;
    let p = fmt_percent_sv(ch.abs(), 0, false);
    if current > previous {
        format!("ökade med {p}")
    } else if current < previous {
        format!("minskade med {p}")
    } else {
        "var oförändrat".into()
    }
}

/// The signed change for a table cell ("+12 %", "–" without a base).
fn change_cell(current: u32, previous: u32) -> String {
    if previous == 0 {
        "–".into()
    } else {
        fmt_percent_sv(f64::from(current) / f64::from(previous) - 1.0, 0, true)
    }
}

fn count_sv(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", fmt_int_sv(i64::from(n)))
    }
}

/// "18–24 november 2024", "28 oktober – 3 november 2024", "30 december 2024 – 5 januari 2025".
fn range_sv(a: Date, b: Date) -> String {
    if a.year() != b.year() {
        format!("{} – {}", date_sv(a), date_sv(b))
    } else if a.month() != b.month() {
        format!(
            "{} {} – {}",
            a.day(),
            MONTH_NAMES[a.month() as usize - 1],
            date_sv(b)
        )
    } else {
        format!("{}–{}", a.day(), date_sv(b))
    }
}

fn date_sv(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTH_NAMES[d.month() as usize - 1],
        d.year()
    )
}

const MONTH_NAMES: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

fn category_groups() -> Vec<(&'static str, &'static str)> {
    Taxonomy
        .all()
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| (c.code, c.label_sv))
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
fn profile_sentence(p: &[[f64; 24]; 7], what: &str) -> String {
    let total: f64 = p.iter().flatten().sum();
    if total <= 0.0 {
        return format!("Inga händelser att fördela över dygnet under {what}.");
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
    format!(
        "Under {what} inträffade flest händelser på {} ({} av alla, mot {} vid jämn fördelning) och mellan klockan {:02} och {:02} ({}, mot {} vid jämn fördelning).",
        WEEKDAYS_PLURAL_SV[top_day],
        fmt_percent_sv(top_day_v / total, 0, false),
        fmt_percent_sv(1.0 / 7.0, 0, false),
        top_h,
        (top_h + 3) % 24,
        fmt_percent_sv(top_h_v / total, 0, false),
        fmt_percent_sv(3.0 / 24.0, 0, false),
    )
}

impl<'a> Ctx<'a> {
    async fn load(state: &'a App, scope: Scope) -> Result<Ctx<'a>> {
        let areas = state.store.list_areas().await?;
        let live = state.ingest.live();
        let info = |a: &trygg_domain::Area| AreaInfo {
            id: a.id,
            name: a.name.clone(),
            index: live.area_index(a.id),
            polygons: geometry_to_sweref(&a.geometry),
        };
        let mut districts: Vec<AreaInfo> = areas
            .iter()
            .filter(|a| a.kind == AreaKind::District)
            .map(info)
            .collect();
        if districts.is_empty() {
            districts = areas
                .iter()
                .filter(|a| a.kind == AreaKind::Deso)
                .map(info)
                .collect();
        }
        districts.sort_by(|a, b| a.name.cmp(&b.name));
        let outlines = areas
            .iter()
            .filter(|a| a.kind == AreaKind::Kommun)
            .map(info)
            .collect();
        let orgs = state.store.list_organisations().await?;
        let mut names: Vec<String> = orgs
            .iter()
            .filter(|o| {
                matches!(
                    o.kind,
                    trygg_domain::OrgKind::Kommun | trygg_domain::OrgKind::Lokalpolisomrade
                ) && o.name != trygg_import::polisen::FEED_ORGANISATION
            })
            .map(|o| o.name.clone())
            .collect();
        // The kommun first, then the police.
        names.sort_by_key(|n| (!n.to_lowercase().contains("kommun"), n.clone()));
        names.dedup();
        let organisation = match names.len() {
            0 => "Kommunen och polisen i samverkan".to_string(),
            1 => names[0].clone(),
            _ => {
                let last = names.pop().unwrap_or_default();
                format!("{} och {last}", names.join(", "))
            }
        };
        Ok(Ctx {
            state,
            scope,
            districts,
            outlines,
            organisation,
            now: state.now().to_zoned(state.tz.clone()),
            years: data_years(state, scope),
        })
    }

    fn midnight(&self, d: Date) -> Result<Timestamp> {
        d.to_zoned(self.state.tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| {
                ReportBuildError::Input(format!("the date {d} has no local midnight: {e}"))
            })
    }

    fn filter(&self, from: Timestamp, to: Timestamp) -> IncidentFilter {
        IncidentFilter {
            from: Some(from),
            to: Some(to),
            scope: self.scope,
            ..Default::default()
        }
    }

    fn with<R>(&self, f: &IncidentFilter, run: impl FnOnce(&Snapshot, &Filter) -> R) -> R {
        self.state.ingest.live().with(f, run)
    }

    fn stats(&self, from: Date, to: Date) -> Result<PeriodStats> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        Ok(self.with(&f, period_stats))
    }

    fn meta(&self, period: String) -> Meta {
        Meta {
            organisation: self.organisation.clone(),
            period,
            generated_at: self.now.strftime("%Y-%m-%d %H:%M").to_string(),
        }
    }

    fn district_name(&self, index: u16) -> Option<&str> {
        self.districts
            .iter()
            .chain(&self.outlines)
            .find(|a| a.index == Some(index))
            .map(|a| a.name.as_str())
    }

    fn district_of_point(&self, p: (f64, f64)) -> Option<&str> {
        self.districts
            .iter()
            .find(|a| in_polygons(&a.polygons, p))
            .map(|a| a.name.as_str())
    }

    /// The map areas: kommun outlines, then districts with `value(district)`.
    fn map_areas(&self, value: impl Fn(&AreaInfo) -> Option<f64>) -> Vec<MapArea> {
        let outlines: &[AreaInfo] = if self.districts.is_empty() {
            &self.outlines
        } else {
            &[]
        };
        outlines
            .iter()
            .map(|a| MapArea {
                name: a.name.clone(),
                polygons: a.polygons.clone(),
                value: None,
            })
            .chain(self.districts.iter().map(|a| MapArea {
                name: a.name.clone(),
                polygons: a.polygons.clone(),
                value: value(a),
            }))
            .collect()
    }

    /// Table by category group: name, then one column per period.
    fn group_table(
        &self,
        caption: &str,
        periods: &[(&str, &PeriodStats)],
        with_change: bool,
    ) -> Table {
        let mut columns = vec![Column::text("Kategori")];
        columns.extend(periods.iter().map(|(l, _)| Column::number(*l)));
        if with_change && periods.len() >= 2 {
            columns.push(Column::number("Förändring"));
        }
        let mut rows = Vec::new();
        for (code, label) in category_groups() {
            let vals: Vec<u32> = periods
                .iter()
                .map(|(_, s)| s.by_group.get(code).copied().unwrap_or(0))
                .collect();
            if vals.iter().all(|&v| v == 0) {
                continue;
            }
            let mut row = vec![label.to_string()];
            row.extend(vals.iter().map(|&v| fmt_int_sv(i64::from(v))));
            if with_change && vals.len() >= 2 {
                row.push(change_cell(vals[0], vals[vals.len() - 1]));
            }
            rows.push(row);
        }
        let mut total = vec!["Summa".to_string()];
        total.extend(periods.iter().map(|(_, s)| fmt_int_sv(i64::from(s.total))));
        if with_change && periods.len() >= 2 {
            total.push(change_cell(
                periods[0].1.total,
                periods[periods.len() - 1].1.total,
            ));
        }
        Table {
            caption: caption.into(),
            columns,
            rows,
            total: Some(total),
        }
    }

    /// Table by district: count now, before, change, share of the period's incidents.
    fn district_table(
        &self,
        caption: &str,
        now_label: &str,
        prev_label: &str,
        now: &PeriodStats,
        prev: &PeriodStats,
    ) -> Table {
        let mut rows: Vec<(u32, Vec<String>)> = self
            .districts
            .iter()
            .map(|d| {
                let c = d
                    .index
                    .and_then(|i| now.by_area.get(&i))
                    .copied()
                    .unwrap_or(0);
                let p = d
                    .index
                    .and_then(|i| prev.by_area.get(&i))
                    .copied()
                    .unwrap_or(0);
                (
                    c,
                    vec![
                        d.name.clone(),
                        fmt_int_sv(i64::from(c)),
                        fmt_int_sv(i64::from(p)),
                        change_cell(c, p),
                        if now.total > 0 {
                            fmt_percent_sv(f64::from(c) / f64::from(now.total), 1, false)
                        } else {
                            "–".into()
                        },
                    ],
                )
            })
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
        Table {
            caption: caption.into(),
            columns: vec![
                Column::text("Område"),
                Column::number(now_label),
                Column::number(prev_label),
                Column::number("Förändring"),
                Column::number("Andel av alla"),
            ],
            rows: rows.into_iter().map(|r| r.1).collect(),
            total: None,
        }
    }

    /// Sentences on the districts that changed most.
    /// "Antalet ökade med 12 % jämfört med samma period 2023 (1 234)." — or that trygg has no
    /// data for `last_year`, rather than comparing with an empty year.
    fn vs_same_period(&self, last_year: i16, now: u32, before: u32) -> String {
        if self.years.contains(&last_year) {
            format!(
                "Antalet {} jämfört med samma period {last_year} ({}).",
                change_words(now, before),
                fmt_int_sv(i64::from(before))
            )
        } else {
            format!("För samma period {last_year} finns inga uppgifter i trygg.")
        }
    }

    fn district_changes(
        &self,
        now: &PeriodStats,
        prev: &PeriodStats,
        against: &str,
    ) -> Vec<String> {
        let mut ch: Vec<(i64, &str, u32, u32)> = self
            .districts
            .iter()
            .filter_map(|d| {
                let i = d.index?;
                let c = now.by_area.get(&i).copied().unwrap_or(0);
                let p = prev.by_area.get(&i).copied().unwrap_or(0);
                Some((i64::from(c) - i64::from(p), d.name.as_str(), c, p))
            })
            .filter(|x| x.0 != 0)
            .collect();
        ch.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let mut out = Vec::new();
        let ups: Vec<String> = ch
            .iter()
            .filter(|x| x.0 > 0)
            .take(3)
            .map(|x| {
                format!(
                    "{} ({} → {})",
                    x.1,
                    fmt_int_sv(i64::from(x.3)),
                    fmt_int_sv(i64::from(x.2))
                )
            })
            .collect();
        let downs: Vec<String> = ch
            .iter()
            .rev()
            .filter(|x| x.0 < 0)
            .take(3)
            .map(|x| {
                format!(
                    "{} ({} → {})",
                    x.1,
                    fmt_int_sv(i64::from(x.3)),
                    fmt_int_sv(i64::from(x.2))
                )
            })
            .collect();
        if !ups.is_empty() {
            out.push(format!(
                "Störst ökning i antal jämfört med {against}: {}.",
                ups.join(", ")
            ));
        }
        if !downs.is_empty() {
            out.push(format!(
                "Störst minskning i antal jämfört med {against}: {}.",
                downs.join(", ")
            ));
        }
        out
    }

    fn heat_map_figure(&self, from: Date, to: Date, what: &str) -> Result<Vec<Block>> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        let p = self.with(&f, |s, f| s.hour_weekday_profile(f));
        let total: f64 = p.iter().flatten().sum();
        let mut out = vec![Block::text(profile_sentence(&p, what))];
        if total > 0.0 {
            let img = chart::heat_map(&HeatMap {
                title: format!("Händelser per veckodag och timme, {what}"),
                unit: "händelser".into(),
                values: p,
                show_values: total < 400.0,
                decimals: if total < 400.0 { 1 } else { 0 },
            })?;
            out.push(Block::figure(
                format!(
                    "Händelser per veckodag och timme, {what} ({} händelser). En händelse med ett tidsfönster fördelas jämnt över fönstrets timmar (aoristisk viktning).",
                    fmt_sv(total, 0)
                ),
                img,
            ));
        }
        Ok(out)
    }

    /// Gi* hot spots over `[from, to)`: a sentence, and the classes for a map.
    fn hot_spots(&self, from: Date, to: Date, what: &str) -> Result<(String, Option<HotSpots>)> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        let (x, y, _, centroids) = self.with(&f, |s, f| s.points(f));
        if x.len() < GI_MIN_POINTS {
            return Ok((
                format!(
                    "Hot spots (Gi*) prövas inte för {what}: {} har en känd position, minst {GI_MIN_POINTS} behövs.",
                    count_sv(x.len() as u32, "händelse", "händelser")
                ),
                None,
            ));
        }
        let grid = match trygg_analysis::grid::GridSpec::covering(&x, &y, GI_CELL) {
            Ok(g) => g,
            Err(e) => return Ok((format!("Hot spots (Gi*) kunde inte beräknas: {e}."), None)),
        };
        let (counts, _) = grid.counts(&x, &y);
        let gi = match trygg_analysis::gistar::gistar_grid(
            &grid,
            &counts,
            trygg_analysis::gistar::GridWeights::Queen,
            &trygg_analysis::gistar::GiStarOptions {
                fdr: true,
                ..Default::default()
            },
        ) {
            Ok(g) => g,
            Err(e) => return Ok((format!("Hot spots (Gi*) kunde inte beräknas: {e}."), None)),
        };
        let mut by_district: BTreeMap<String, (u32, f64)> = BTreeMap::new();
        let mut hot = 0u32;
        let mut in_hot = 0.0;
        for r in 0..grid.rows {
            for c in 0..grid.cols {
                let k = r * grid.cols + c;
                if trygg_analysis::gistar::is_hot_spot(gi.class[k]) {
                    hot += 1;
                    in_hot += counts[k];
                    let name = self
                        .district_of_point(grid.centre(r, c))
                        .unwrap_or("utanför stadsdelarna")
                        .to_string();
                    let e = by_district.entry(name).or_default();
                    e.0 += 1;
                    e.1 += counts[k];
                }
            }
        }
        let excluded = if centroids > 0 {
            format!(
                " {} med bara en kommun- eller länsposition (Polisens händelser) ingår inte.",
                count_sv(centroids as u32, "händelse", "händelser")
            )
        } else {
            String::new()
        };
        let sentence = if hot == 0 {
            format!(
                "Inga statistiskt säkerställda hot spots (Gi*, 95 %, med FDR-korrektion) för {what}, bland {} med position.{excluded}",
                count_sv(x.len() as u32, "händelse", "händelser")
            )
        } else {
            let mut list: Vec<(String, (u32, f64))> = by_district.into_iter().collect();
            list.sort_by(|a, b| b.1.1.total_cmp(&a.1.1).then(a.0.cmp(&b.0)));
            let parts: Vec<String> = list
                .iter()
                .take(6)
                .map(|(n, (cells, ev))| {
                    format!(
                        "{n} ({}, {})",
                        count_sv(*cells, "ruta", "rutor"),
                        count_sv(*ev as u32, "händelse", "händelser")
                    )
                })
                .collect();
            format!(
                "För {what} är {} om {} m hot spots med minst 95 % konfidens (Gi*, med FDR-korrektion). De rymmer {} av {} händelser med position ({}) på {} av rutorna. Flest i {}.{excluded}",
                count_sv(hot, "ruta", "rutor"),
                fmt_sv(GI_CELL, 0),
                fmt_sv(in_hot, 0),
                fmt_int_sv(x.len() as i64),
                fmt_percent_sv(in_hot / x.len() as f64, 0, false),
                fmt_percent_sv(f64::from(hot) / grid.len() as f64, 1, false),
                parts.join(", ")
            )
        };
        let spots = HotSpots {
            x0: grid.x0,
            y0: grid.y0,
            cell: grid.cell,
            rows: grid.rows,
            cols: grid.cols,
            class: gi.class.clone(),
        };
        Ok((sentence, Some(spots)))
    }

    /// Knox test of burglaries over `[from, to)`.
    fn near_repeat(&self, from: Date, to: Date, what: &str) -> Result<String> {
        let mut f = self.filter(self.midnight(from)?, self.midnight(to)?);
        f.categories = Taxonomy
            .all()
            .iter()
            .filter(|c| c.code.contains("inbrott"))
            .map(|c| c.code.to_string())
            .collect();
        f.categories.retain(|c| !c.starts_with("polisinsats"));
        let (x, y, t, _) = self.with(&f, |s, f| s.points(f));
        if x.len() < KNOX_MIN_POINTS {
            return Ok(format!(
                "Nära upprepning prövas inte för {what}: {} med position, minst {KNOX_MIN_POINTS} behövs.",
                count_sv(x.len() as u32, "inbrott", "inbrott")
            ));
        }
        let cfg = trygg_analysis::knox::KnoxConfig::new(
            vec![0.0, 100.0, 200.0, 400.0],
            vec![0.0, 7.0, 14.0, 28.0],
        );
        Ok(match trygg_analysis::knox::knox(&x, &y, &t, &cfg) {
            Ok(k) => format!(
                "Knox-test på {} inbrott med position under {what} (avstånd 0–100–200–400 m, tid 0–7–14–28 dagar, {} permutationer): {}",
                fmt_int_sv(x.len() as i64),
                fmt_int_sv(cfg.permutations as i64),
                k.swedish_summary(&trygg_analysis::knox::SwedishNoun {
                    indefinite: "ett inbrott".into(),
                    new_one: "ett nytt".into(),
                })
            ),
            Err(e) => format!("Nära upprepning kunde inte prövas: {e}."),
        })
    }

    /// Emerging problems in the week ending before `to` (district series only).
    fn emerging(&self, to: Date) -> Result<Vec<Block>> {
        let from = to
            .checked_sub(Span::new().weeks(3 * 52 + 4))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?;
        let mut f = self.filter(self.midnight(from)?, self.midnight(to)?);
        f.areas = self.districts.iter().map(|d| d.id).collect();
        if f.areas.is_empty() {
            return Ok(vec![Block::text(
                "Nya problembilder prövas per område; det finns inga stadsdelar inlagda.",
            )]);
        }
        let series = self.with(&f, |s, f| s.weekly_series(f));
        let report = trygg_analysis::emerging::detect(
            &series,
            &trygg_analysis::emerging::EmergingOptions::default(),
        );
        let mut out = vec![Block::text(report.swedish_summary())];
        if !report.flags.is_empty() {
            out.push(Block::bullets(report.flags.iter().map(|fl| {
                let cat = Taxonomy.all()[usize::from(fl.category)].label_sv;
                let area = self.district_name(fl.area).unwrap_or("okänt område");
                format!(
                    "{area}: {cat} – {} mot normalt {} för årstiden (kontrollgräns {}, p {}).",
                    count_sv(fl.observed, "händelse", "händelser"),
                    fmt_sv(fl.baseline_mean, 1),
                    fl.ucl,
                    if fl.p < 0.0001 {
                        "< 0,0001".to_string()
                    } else {
                        format!("= {}", fmt_sv(fl.p, 4))
                    }
                )
            })));
        }
        Ok(out)
    }

    /// Repeat places over `[from, to)`: a sentence and a table of the top places.
    fn top_places(&self, from: Date, to: Date, what: &str) -> Result<Vec<Block>> {
        let f = self.filter(self.midnight(from)?, self.midnight(to)?);
        let (x, y, _, _) = self.with(&f, |s, f| s.points(f));
        if x.len() < 2 {
            return Ok(vec![Block::text(format!(
                "För få händelser med position under {what} för att visa återkommande platser."
            ))]);
        }
        let opts = trygg_analysis::repeats::RepeatOptions {
            snap_m: 50.0,
            min_events: 3,
            top_percent: 5.0,
        };
        let rep = match trygg_analysis::repeats::repeat_places(&x, &y, &opts) {
            Ok(r) => r,
            Err(e) => {
                return Ok(vec![Block::text(format!(
                    "Återkommande platser kunde inte beräknas: {e}."
                ))]);
            }
        };
        let mut out = vec![Block::text(format!(
            "Händelserna med position under {what} fördelar sig på {} platser (rutor om 50 × 50 m). {} har minst {} händelser och rymmer tillsammans {} av {}. De {} mest drabbade platserna ({} av alla) står för {} av händelserna.",
            fmt_int_sv(rep.places as i64),
            count_sv(rep.repeat_places.len() as u32, "plats", "platser"),
            opts.min_events,
            fmt_int_sv(rep.events_at_repeat_places as i64),
            fmt_int_sv(rep.events as i64),
            fmt_int_sv(rep.top_places as i64),
            fmt_percent_sv(opts.top_percent / 100.0, 0, false),
            fmt_percent_sv(rep.share_at_top, 0, false),
        ))];
        let mut places = rep.repeat_places.clone();
        places.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
        if !places.is_empty() {
            out.push(Block::Table(Table {
                caption: format!(
                    "De {} platser med flest händelser under {what} (50 m-rutor; koordinaterna anger rutans mitt)",
                    places.len().min(10)
                ),
                columns: vec![
                    Column::text("Område"),
                    Column::number("N (SWEREF 99 TM)"),
                    Column::number("E (SWEREF 99 TM)"),
                    Column::number("Händelser"),
                ],
                rows: places
                    .iter()
                    .take(10)
                    .map(|p| {
                        vec![
                            self.district_of_point((p.x, p.y))
                                .unwrap_or("–")
                                .to_string(),
                            fmt_sv((p.y / 10.0).round() * 10.0, 0),
                            fmt_sv((p.x / 10.0).round() * 10.0, 0),
                            fmt_int_sv(i64::from(p.count)),
                        ]
                    })
                    .collect(),
                total: None,
            }));
        }
        Ok(out)
    }

    /// A map: districts with the choropleth `stats`, optional points and hot spots.
    fn map_figure(
        &self,
        title: &str,
        legend: &str,
        stats: &PeriodStats,
        points: Option<(Date, Date)>,
        hotspots: Option<HotSpots>,
        caption: String,
    ) -> Result<Option<Block>> {
        let points = match points {
            Some((from, to)) => Some(self.filter(self.midnight(from)?, self.midnight(to)?)),
            None => None,
        };
        let Some(spec) = self.map_spec(title, legend, stats, points.as_ref(), hotspots)? else {
            return Ok(None);
        };
        let img = map::image(&spec)?;
        Ok(Some(Block::figure(caption, img)))
    }

    /// The map of [`map_figure`](Self::map_figure), with the points of filter `points`.
    fn map_spec(
        &self,
        title: &str,
        legend: &str,
        stats: &PeriodStats,
        points: Option<&IncidentFilter>,
        hotspots: Option<HotSpots>,
    ) -> Result<Option<MapSpec>> {
        if self.districts.is_empty() && self.outlines.is_empty() {
            return Ok(None);
        }
        let any = stats.total > 0;
        let areas = self.map_areas(|d| {
            any.then(|| {
                f64::from(
                    d.index
                        .and_then(|i| stats.by_area.get(&i))
                        .copied()
                        .unwrap_or(0),
                )
            })
        });
        let mut spec = MapSpec {
            title: title.into(),
            areas,
            area_labels: true,
            choropleth_label: legend.into(),
            hotspots,
            ..Default::default()
        };
        if let Some(f) = points {
            let rows = self.with(f, |s, f| {
                s.select(&Filter {
                    point_usable_only: true,
                    ..f.clone()
                })
            });
            let groups = category_groups();
            let mut used: Vec<&str> = Vec::new();
            for r in &rows {
                let g = group_of_index(r.category);
                if !used.contains(&g) {
                    used.push(g);
                }
            }
            used.sort_by_key(|g| groups.iter().position(|(c, _)| c == g));
            used.truncate(7);
            spec.point_classes = used
                .iter()
                .map(|g| {
                    groups
                        .iter()
                        .find(|(c, _)| c == g)
                        .map_or(*g, |(_, l)| l)
                        .to_string()
                })
                .collect();
            let (ox, oy) = (0.0, 0.0);
            spec.points = rows
                .iter()
                .filter_map(|r| {
                    let class = used.iter().position(|g| *g == group_of_index(r.category))?;
                    Some(MapPoint {
                        x: r.x + ox,
                        y: r.y + oy,
                        class,
                    })
                })
                .collect();
        }
        Ok(Some(spec))
    }

    fn channel_table(&self, from: Date, to: Date, caption: &str) -> Result<Table> {
        let (a, b) = (self.midnight(from)?, self.midnight(to)?);
        let labels = [
            (Channel::Est, "EST-rapporter från utbildade rapportörer"),
            (Channel::Polisen, "Polisens händelser (polisen.se)"),
            (
                Channel::Import,
                "Importerade filer (polisens och kommunens system)",
            ),
            (Channel::Api, "Andra system via API"),
        ];
        let mut rows = Vec::new();
        let mut total = 0u32;
        for (ch, label) in labels {
            let mut f = self.filter(a, b);
            f.channels = vec![ch];
            let n = self.with(&f, |s, f| s.select_ids(f).len()) as u32;
            total += n;
            rows.push(vec![label.to_string(), fmt_int_sv(i64::from(n))]);
        }
        Ok(Table {
            caption: caption.into(),
            columns: vec![Column::text("Källa"), Column::number("Händelser")],
            rows,
            total: Some(vec!["Summa".into(), fmt_int_sv(i64::from(total))]),
        })
    }
}

/// Definitions every statistical report ends with.
fn method_bullets() -> Vec<String> {
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

/// The weekly lägesbild for ISO week `week` (any weekday of it).
pub async fn weekly(state: &App, week: ISOWeekDate, scope: Scope) -> Result<Document> {
    let ctx = Ctx::load(state, scope).await?;
    let (y, w) = (week.year(), week.week());
    let monday = ISOWeekDate::new(y, w, Weekday::Monday)
        .map_err(|e| ReportBuildError::Input(e.to_string()))?
        .date();
    let day = |d: Date, n: i64| -> Result<Date> {
        d.checked_add(Span::new().days(n))
            .map_err(|e| ReportBuildError::Input(e.to_string()))
    };
    let next = day(monday, 7)?;
    let prev_monday = day(monday, -7)?;
    let ly_week = ISOWeekDate::new(y - 1, w, Weekday::Monday)
        .or_else(|_| ISOWeekDate::new(y - 1, 52, Weekday::Monday))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let ly_monday = ly_week.date();
    let now = ctx.stats(monday, next)?;
    let prev = ctx.stats(prev_monday, monday)?;
    let ly = ctx.stats(ly_monday, day(ly_monday, 7)?)?;
    let sunday = day(monday, 6)?;
    let pw = prev_monday.iso_week_date().week();

    let mut b = Vec::new();
    b.push(Block::heading(1, "Sammanfattning"));
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("Händelser vecka {w}"),
            fmt_int_sv(i64::from(now.total)),
            None,
        ),
        KeyFigure::new(
            format!("Vecka {pw}"),
            fmt_int_sv(i64::from(prev.total)),
            Some(&format!(
                "{} mot vecka {pw}",
                change_cell(now.total, prev.total)
            )),
        ),
        KeyFigure::new(
            format!("Vecka {} {}", ly_week.week(), y - 1),
            fmt_int_sv(i64::from(ly.total)),
            Some(&format!("{} mot i fjol", change_cell(now.total, ly.total))),
        ),
    ]));
    if now.total == 0 {
        b.push(Block::text(format!(
            "Inga händelser har rapporterats för vecka {w} ({}). Vecka {pw} rapporterades {} och samma vecka {} {}.",
            range_sv(monday, sunday),
            count_sv(prev.total, "händelse", "händelser"),
            y - 1,
            count_sv(ly.total, "händelse", "händelser"),
        )));
    } else {
        b.push(Block::text(format!(
            "Vecka {w} ({}) rapporterades {}. Antalet {} jämfört med vecka {pw} ({}){}",
            range_sv(monday, sunday),
            count_sv(now.total, "händelse", "händelser"),
            change_words(now.total, prev.total),
            fmt_int_sv(i64::from(prev.total)),
            if ctx.years.contains(&ly_monday.year()) {
                format!(
                    " och {} jämfört med samma vecka {} ({}).",
                    change_words(now.total, ly.total),
                    y - 1,
                    fmt_int_sv(i64::from(ly.total))
                )
            } else {
                format!(". För samma vecka {} finns inga uppgifter i trygg.", y - 1)
            }
        )));
        let mut groups: Vec<(&str, u32)> = category_groups()
            .into_iter()
            .filter_map(|(c, l)| now.by_group.get(c).map(|&n| (l, n)))
            .collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.1));
        if let Some((l, n)) = groups.first() {
            b.push(Block::text(format!(
                "Största kategorin var {} med {} ({} av veckans händelser).",
                l.to_lowercase(),
                fmt_int_sv(i64::from(*n)),
                fmt_percent_sv(f64::from(*n) / f64::from(now.total), 0, false)
            )));
        }
    }

    b.push(Block::heading(2, "Händelser per kategori"));
    let l_now = format!("v. {w}");
    let l_prev = format!("v. {pw}");
    let l_ly = format!("v. {} {}", ly_week.week(), y - 1);
    b.push(Block::Table(ctx.group_table(
        &format!("Händelser per kategori vecka {w}, förra veckan och samma vecka i fjol"),
        &[(&l_now, &now), (&l_prev, &prev), (&l_ly, &ly)],
        false,
    )));

    b.push(Block::heading(2, "Händelser per område"));
    b.push(Block::Table(ctx.district_table(
        &format!("Händelser per område vecka {w} och samma vecka {}", y - 1),
        &l_now,
        &l_ly,
        &now,
        &ly,
    )));

    // Trend: the last 26 weeks and the same weeks a year earlier.
    b.push(Block::heading(2, "Utveckling de senaste 26 veckorna"));
    let first = day(monday, -7 * 25)?;
    let ly_first = day(first, -7 * 53)?;
    let wc: HashMap<PeriodKey, u32> = {
        let f = ctx.filter(ctx.midnight(ly_first)?, ctx.midnight(next)?);
        ctx.with(&f, |s, f| s.weekly_counts(f))
            .into_iter()
            .collect()
    };
    let mut labels = Vec::new();
    let (mut cur, mut last) = (Vec::new(), Vec::new());
    for i in 0..26 {
        let d = day(first, 7 * i)?.iso_week_date();
        labels.push(d.week() as u32);
        let key = |yy: i16, ww: i8| PeriodKey::IsoWeek { year: yy, week: ww };
        let counted = wc.get(&key(d.year(), d.week())).copied();
        cur.push(if counted.is_some() || ctx.years.contains(&d.year()) {
            f64::from(counted.unwrap_or(0))
        } else {
            f64::NAN
        });
        let lw = if ISOWeekDate::new(d.year() - 1, d.week(), Weekday::Monday).is_ok() {
            d.week()
        } else {
            52
        };
        // A year before the data begins has no value, not zero.
        last.push(if ctx.years.contains(&(d.year() - 1)) {
            f64::from(wc.get(&key(d.year() - 1, lw)).copied().unwrap_or(0))
        } else {
            f64::NAN
        });
    }
    let sum_cur: f64 = cur[22..].iter().filter(|v| v.is_finite()).sum();
    let sum_last: f64 = last[22..].iter().sum();
    b.push(Block::text(if sum_last.is_finite() {
        format!(
            "De senaste fyra veckorna (vecka {}–{w}) rapporterades {}; samma veckor året innan {}. Antalet {}.",
            labels[22],
            count_sv(sum_cur as u32, "händelse", "händelser"),
            fmt_sv(sum_last, 0),
            change_words(sum_cur as u32, sum_last as u32),
        )
    } else {
        format!(
            "De senaste fyra veckorna (vecka {}–{w}) rapporterades {}; för samma veckor året innan finns inga uppgifter i trygg.",
            labels[22],
            count_sv(sum_cur as u32, "händelse", "händelser"),
        )
    }));
    let img = chart::line(&LineChart::weekly(
        "Händelser per vecka",
        "Antal händelser",
        &labels,
        Series::new(format!("Senaste 26 veckorna (t.o.m. v. {w} {y})"), cur),
        Series::new("Samma veckor ett år tidigare", last),
    ))?;
    b.push(Block::figure(
        format!("Händelser per ISO-vecka, de 26 veckorna till och med vecka {w}, och samma veckor ett år tidigare."),
        img,
    ));

    b.push(Block::heading(2, "När händelserna inträffar"));
    let four_weeks = day(monday, -21)?;
    b.extend(ctx.heat_map_figure(four_weeks, next, &format!("veckorna {}–{w}", labels[22]))?);

    b.push(Block::heading(2, "Var händelserna inträffar"));
    let (gi_sentence, spots) =
        ctx.hot_spots(four_weeks, next, &format!("veckorna {}–{w}", labels[22]))?;
    let (xs, _, _, centroids) = {
        let f = ctx.filter(ctx.midnight(monday)?, ctx.midnight(next)?);
        ctx.with(&f, |s, f| s.points(f))
    };
    b.push(Block::text(format!(
        "{} av veckans händelser har en känd position och visas som punkter på kartan{}. Stadsdelarnas färg visar antalet händelser vecka {w}.",
        fmt_int_sv(xs.len() as i64),
        if centroids > 0 {
            format!(
                "; {} har bara kommunens eller länets mittpunkt som position (Polisens händelser) och räknas i tabellerna men visas inte",
                fmt_int_sv(centroids as i64)
            )
        } else {
            String::new()
        }
    )));
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser vecka {w} {y}"),
        &format!("Händelser v. {w}"),
        &now,
        Some((monday, next)),
        spots,
        format!(
            "Händelser vecka {w} (punkter, färg efter kategori) och antal per stadsdel (ytfärg). Färgade rutor: hot spots (Gi*) för veckorna {}–{w}.",
            labels[22]
        ),
    )? {
        b.push(fig);
    }
    b.push(Block::heading(3, "Hot spots"));
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(3, "Nära upprepning av inbrott"));
    let twelve = day(monday, -7 * 11)?;
    b.push(Block::text(ctx.near_repeat(
        twelve,
        next,
        "de senaste 12 veckorna",
    )?));

    b.push(Block::heading(2, "Nya problembilder"));
    b.extend(ctx.emerging(next)?);

    b.push(Block::heading(2, "Om statistiken"));
    b.push(Block::bullets(method_bullets()));

    let doc = Document {
        title: format!("Lägesbild vecka {w} {y}"),
        subtitle: Some("Veckovis lägesbild för den brottsförebyggande samverkan".into()),
        meta: ctx.meta(format!("{monday} – {sunday} (vecka {w})")),
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// The months of tertial `t` of `year`: `[from, to)`.
pub fn tertial_period(year: i16, t: u8) -> Result<(Date, Date)> {
    if !(1..=3).contains(&t) {
        return Err(ReportBuildError::Input(format!(
            "tertial {t} does not exist: a year has tertials 1 (jan–apr), 2 (maj–aug) and 3 (sep–dec)"
        )));
    }
    let from = jiff::civil::Date::new(year, (4 * (t - 1) + 1) as i8, 1)
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let to = from
        .checked_add(Span::new().months(4))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    Ok((from, to))
}

fn minus_year(d: Date) -> Result<Date> {
    d.checked_sub(Span::new().years(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))
}

/// Monthly counts for `year` (12 values; NaN after `until`).
fn monthly(ctx: &Ctx<'_>, year: i16, until: Option<Date>) -> Result<Vec<f64>> {
    let from = Date::new(year, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let to = Date::new(year + 1, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let f = ctx.filter(ctx.midnight(from)?, ctx.midnight(to)?);
    let rows = ctx.with(&f, |s, f| s.counts(f, Granularity::Month, false, false));
    if !ctx.years.contains(&year) {
        // A year without data has no values, not zeros.
        return Ok(vec![f64::NAN; 12]);
    }
    let mut out = vec![0.0; 12];
    for r in rows {
        if let PeriodKey::Month { month, .. } = r.period {
            out[month as usize - 1] += f64::from(r.count);
        }
    }
    if let Some(u) = until {
        for (m, v) in out.iter_mut().enumerate() {
            if u.year() == year && (m as i8 + 1) > u.month() {
                *v = f64::NAN;
            }
        }
    }
    Ok(out)
}

/// The tertial analysis: tertial `t` (1–3) of `year` against the same months a year earlier.
pub async fn tertial(state: &App, year: i16, t: u8, scope: Scope) -> Result<Document> {
    let ctx = Ctx::load(state, scope).await?;
    let (from, full_to) = tertial_period(year, t)?;
    let today = ctx.now.date();
    let tomorrow = today
        .checked_add(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let ongoing = full_to > tomorrow;
    let to = if ongoing { tomorrow.max(from) } else { full_to };
    let (pfrom, pto) = (minus_year(from)?, minus_year(to)?);
    let now = ctx.stats(from, to)?;
    let prev = ctx.stats(pfrom, pto)?;
    let last_day = to
        .checked_sub(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let months = format!(
        "{}–{}",
        MONTH_NAMES[from.month() as usize - 1],
        MONTH_NAMES[full_to
            .checked_sub(Span::new().days(1))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?
            .month() as usize
            - 1]
    );
    let what = format!("tertial {t} {year}");
    let mut b = Vec::new();
    b.push(Block::heading(1, "Sammanfattning"));
    if ongoing {
        b.push(Block::text(format!(
            "Tertialet pågår: siffrorna gäller {} och jämförs med samma dagar {}.",
            range_sv(from, last_day),
            year - 1
        )));
    }
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("Händelser {months} {year}"),
            fmt_int_sv(i64::from(now.total)),
            Some(&format!(
                "{} mot {}",
                change_cell(now.total, prev.total),
                year - 1
            )),
        ),
        KeyFigure::new(
            format!("Samma period {}", year - 1),
            fmt_int_sv(i64::from(prev.total)),
            None,
        ),
    ]));
    b.push(Block::text(if now.total == 0 {
        format!(
            "Inga händelser har rapporterats under {what} ({}); samma period {} rapporterades {}.",
            range_sv(from, last_day),
            year - 1,
            count_sv(prev.total, "händelse", "händelser")
        )
    } else {
        format!(
            "Under {what} ({}) rapporterades {}. {}",
            range_sv(from, last_day),
            count_sv(now.total, "händelse", "händelser"),
            ctx.vs_same_period(year - 1, now.total, prev.total)
        )
    }));
    let changes = ctx.district_changes(&now, &prev, &format!("samma period {}", year - 1));
    if !changes.is_empty() {
        b.push(Block::bullets(changes));
    }

    b.push(Block::heading(2, "Händelser per kategori"));
    let (ln, lp) = (year.to_string(), (year - 1).to_string());
    b.push(Block::Table(if ctx.years.contains(&(year - 1)) {
        ctx.group_table(
            &format!(
                "Händelser per kategori, {what} och samma period {}",
                year - 1
            ),
            &[(&ln, &now), (&lp, &prev)],
            true,
        )
    } else {
        ctx.group_table(
            &format!("Händelser per kategori, {what}"),
            &[(&ln, &now)],
            false,
        )
    }));
    b.push(Block::heading(2, "Händelser per område"));
    b.push(Block::Table(ctx.district_table(
        &format!("Händelser per område, {what} och samma period {}", year - 1),
        &ln,
        &lp,
        &now,
        &prev,
    )));

    b.push(Block::heading(2, "Utveckling över året"));
    let until = Some(last_day);
    let cur = monthly(&ctx, year, until)?;
    let p1 = monthly(&ctx, year - 1, None)?;
    let p2 = monthly(&ctx, year - 2, None)?;
    let img = chart::line(&LineChart {
        title: "Händelser per månad".into(),
        y_label: "Antal händelser".into(),
        x_label: "Månad".into(),
        x_labels: MONTHS_SV.iter().map(|s| s.to_string()).collect(),
        series: vec![
            Series::new(year.to_string(), cur),
            Series::new((year - 1).to_string(), p1),
            Series::new((year - 2).to_string(), p2),
        ],
    })?;
    b.push(Block::figure(
        format!(
            "Händelser per månad {year} (till och med {}) jämfört med {} och {}.",
            date_sv(last_day),
            year - 1,
            year - 2
        ),
        img,
    ));

    b.push(Block::heading(2, "När händelserna inträffar"));
    b.extend(ctx.heat_map_figure(from, to, &what)?);

    b.push(Block::heading(2, "Var händelserna inträffar"));
    let (gi_sentence, spots) = ctx.hot_spots(from, to, &what)?;
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser per område, {what}"),
        &format!("Händelser {what}"),
        &now,
        None,
        spots,
        format!(
            "Antal händelser per stadsdel under {what} (ytfärg) och hot spots enligt Gi* (rutor)."
        ),
    )? {
        b.push(fig);
    }
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(3, "Återkommande platser"));
    b.extend(ctx.top_places(from, to, &what)?);
    b.push(Block::heading(3, "Nära upprepning av inbrott"));
    b.push(Block::text(ctx.near_repeat(from, to, &what)?));

    b.push(Block::heading(2, "Om statistiken"));
    b.push(Block::bullets(method_bullets()));
    let doc = Document {
        title: format!("Tertialanalys {t} {year}"),
        subtitle: Some(format!(
            "{} {year} jämfört med samma period {}",
            capitalise(&months),
            year - 1
        )),
        meta: ctx.meta(format!("{from} – {last_day}")),
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The law's lägesbild (lag (2023:196) om kommuners ansvar för brottsförebyggande arbete) for
/// `year`, with trends over the four years before it.
pub async fn lagesbild(state: &App, year: i16, scope: Scope) -> Result<Document> {
    let ctx = Ctx::load(state, scope).await?;
    let d = |y: i16| Date::new(y, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()));
    let today = ctx.now.date();
    let tomorrow = today
        .checked_add(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let (from, full_to) = (d(year)?, d(year + 1)?);
    let ongoing = full_to > tomorrow;
    let to = if ongoing { tomorrow.max(from) } else { full_to };
    let last_day = to
        .checked_sub(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    // Up to four years back, but never before the data begins (a year without data is not 0).
    let first_data = data_years(state, scope).into_iter().min().unwrap_or(year);
    let y0 = first_data.clamp(year - 4, year);
    let years: Vec<i16> = (y0..=year).collect();
    let mut per_year = Vec::new();
    for &y in &years {
        // The same part of each year as the report year covers.
        let f = d(y)?;
        let t = if ongoing {
            // `to` is the day after the last day, possibly 1 January of the next year.
            to.checked_sub(Span::new().years(i64::from(year - y)))
                .map_err(|e| ReportBuildError::Input(e.to_string()))?
        } else {
            d(y + 1)?
        };
        per_year.push(ctx.stats(f, t)?);
    }
    let now = per_year.last().cloned().unwrap_or_default();
    let prev = if per_year.len() >= 2 {
        per_year[per_year.len() - 2].clone()
    } else {
        PeriodStats::default()
    };
    let first = per_year[0].clone();

    let mut b = Vec::new();
    b.push(Block::heading(1, "Inledning"));
    b.push(Block::text(format!(
        "Enligt lagen (2023:196) om kommuners ansvar för brottsförebyggande arbete ska kommunen ta fram en lägesbild över brottsligheten i kommunen, med en kartläggning av brottsligheten, dess omfattning och konsekvenser, annan information av betydelse och en analys av kartläggningen. Lägesbilden ska tas fram minst vartannat år och ligga till grund för kommunens beslut om en åtgärdsplan. Den här lägesbilden gäller {year}{}{}",
        if ongoing { format!(" till och med {}", date_sv(last_day)) } else { String::new() },
        if y0 < year {
            format!(" och jämför med {}.", if y0 + 1 == year { y0.to_string() } else { format!("åren {y0}–{}", year - 1) })
        } else {
            ". Det finns inga tidigare år att jämföra med.".to_string()
        }
    )));

    b.push(Block::heading(1, "Sammanfattning"));
    b.push(Block::KeyFigures(vec![
        KeyFigure::new(
            format!("Händelser {year}"),
            fmt_int_sv(i64::from(now.total)),
            Some(&format!(
                "{} mot {}",
                change_cell(now.total, prev.total),
                year - 1
            )),
        ),
        KeyFigure::new(
            format!("{}", y0),
            fmt_int_sv(i64::from(first.total)),
            Some(&format!(
                "{} på fyra år",
                change_cell(now.total, first.total)
            )),
        ),
    ]));
    b.push(Block::text(if now.total == 0 {
        format!("Inga händelser har rapporterats under {year}.")
    } else {
        format!(
            "Under {year}{} rapporterades {}.{}",
            if ongoing {
                format!(" (till och med {})", date_sv(last_day))
            } else {
                String::new()
            },
            count_sv(now.total, "händelse", "händelser"),
            if y0 == year {
                " Det finns inga tidigare år att jämföra med.".to_string()
            } else if y0 == year - 1 {
                format!(
                    " Antalet {} jämfört med {} ({}).",
                    change_words(now.total, prev.total),
                    year - 1,
                    fmt_int_sv(i64::from(prev.total))
                )
            } else {
                format!(
                    " Antalet {} jämfört med {} ({}) och {} jämfört med {y0} ({}).",
                    change_words(now.total, prev.total),
                    year - 1,
                    fmt_int_sv(i64::from(prev.total)),
                    change_words(now.total, first.total),
                    fmt_int_sv(i64::from(first.total)),
                )
            }
        )
    }));
    if ongoing {
        b.push(Block::text(format!(
            "Året pågår: alla år jämförs över samma del av året (1 januari – {} {}).",
            last_day.day(),
            MONTH_NAMES[last_day.month() as usize - 1]
        )));
    }

    b.push(Block::heading(
        1,
        "Kartläggning: brott och otrygghet per typ",
    ));
    let labels: Vec<String> = years.iter().map(|y| y.to_string()).collect();
    let periods: Vec<(&str, &PeriodStats)> = labels
        .iter()
        .map(|l| l.as_str())
        .zip(per_year.iter())
        .collect();
    let mut reversed = periods.clone();
    reversed.reverse();
    b.push(Block::Table(ctx.group_table(
        &format!(
            "Händelser per kategori {}–{year}; förändring {} mot {}",
            y0, year, y0
        ),
        &reversed,
        true,
    )));
    let mut grp: Vec<(&str, i64, u32, u32)> = category_groups()
        .into_iter()
        .map(|(c, l)| {
            let n = now.by_group.get(c).copied().unwrap_or(0);
            let p = prev.by_group.get(c).copied().unwrap_or(0);
            (l, i64::from(n) - i64::from(p), n, p)
        })
        .filter(|x| x.2 + x.3 > 0)
        .collect();
    grp.sort_by_key(|g| std::cmp::Reverse(g.1));
    let mut s = Vec::new();
    for x in grp.iter().take(3).filter(|x| x.1 > 0) {
        s.push(format!(
            "{}: {} → {} ({}).",
            x.0,
            fmt_int_sv(i64::from(x.3)),
            fmt_int_sv(i64::from(x.2)),
            change_cell(x.2, x.3)
        ));
    }
    if !s.is_empty() {
        b.push(Block::text(format!(
            "Kategorier som ökat mest i antal jämfört med {}:",
            year - 1
        )));
        b.push(Block::bullets(s));
    }
    let bars: Vec<(String, f64)> = category_groups()
        .into_iter()
        .filter_map(|(c, l)| now.by_group.get(c).map(|&n| (l.to_string(), f64::from(n))))
        .collect();
    if !bars.is_empty() {
        let mut bars = bars;
        bars.sort_by(|a, b| b.1.total_cmp(&a.1));
        b.push(Block::figure(
            format!("Händelser per kategori {year}."),
            chart::bars(&BarChart {
                title: format!("Händelser per kategori {year}"),
                unit: String::new(),
                decimals: 0,
                bars,
            })?,
        ));
    }

    b.push(Block::heading(
        1,
        "Kartläggning: brott och otrygghet per område",
    ));
    b.push(Block::Table(ctx.district_table(
        &format!("Händelser per område {year} och {}", year - 1),
        &year.to_string(),
        &(year - 1).to_string(),
        &now,
        &prev,
    )));
    let changes = ctx.district_changes(&now, &prev, &(year - 1).to_string());
    if !changes.is_empty() {
        b.push(Block::bullets(changes));
    }
    let (gi_sentence, spots) = ctx.hot_spots(from, to, &year.to_string())?;
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser per område {year}"),
        &format!("Händelser {year}"),
        &now,
        None,
        spots,
        format!("Antal händelser per stadsdel {year} (ytfärg) och hot spots enligt Gi* (rutor)."),
    )? {
        b.push(fig);
    }
    b.push(Block::heading(2, "Hot spots"));
    b.push(Block::text(gi_sentence));
    b.push(Block::heading(2, "Återkommande platser"));
    b.extend(ctx.top_places(from, to, &year.to_string())?);

    b.push(Block::heading(1, "Utveckling över tid"));
    let totals: Vec<f64> = per_year.iter().map(|s| f64::from(s.total)).collect();
    b.push(Block::text(format!(
        "Antal händelser per år {}–{year}: {}.",
        y0,
        years
            .iter()
            .zip(&per_year)
            .map(|(y, s)| format!("{y}: {}", fmt_int_sv(i64::from(s.total))))
            .collect::<Vec<_>>()
            .join(", ")
    )));
    b.push(Block::figure(
        format!(
            "Händelser per år {}–{year}{}.",
            y0,
            if ongoing {
                ", samma del av varje år"
            } else {
                ""
            }
        ),
        chart::line(&LineChart {
            title: "Händelser per år".into(),
            y_label: "Antal händelser".into(),
            x_label: "År".into(),
            x_labels: labels.clone(),
            series: vec![Series::new("Alla händelser", totals)],
        })?,
    ));
    let cur = monthly(&ctx, year, Some(last_day))?;
    let p1 = monthly(&ctx, year - 1, None)?;
    b.push(Block::figure(
        format!("Händelser per månad {year} och {}.", year - 1),
        chart::line(&LineChart {
            title: "Händelser per månad".into(),
            y_label: "Antal händelser".into(),
            x_label: "Månad".into(),
            x_labels: MONTHS_SV.iter().map(|s| s.to_string()).collect(),
            series: vec![
                Series::new(year.to_string(), cur),
                Series::new((year - 1).to_string(), p1),
            ],
        })?,
    ));
    b.push(Block::heading(2, "När på dygnet och veckan"));
    b.extend(ctx.heat_map_figure(from, to, &year.to_string())?);
    b.push(Block::heading(2, "Nära upprepning av inbrott"));
    b.push(Block::text(ctx.near_repeat(from, to, &year.to_string())?));

    b.push(Block::heading(1, "Analys"));
    b.push(Block::text(
        "Orsaksanalysen görs av samordnarna tillsammans med berörda verksamheter och parter. Underlaget ovan pekar ut var analysen bör börja: de kategorier och områden som ökat mest, de platser där händelserna koncentreras och de tider då de inträffar. Varje problembild (en typ av brott eller otrygghet i ett visst område) analyseras utifrån gärningsperson, offer eller mål och plats.",
    ));
    b.push(Block::heading(1, "Annan information av betydelse"));
    b.push(Block::text(
        "Lägesbilden bygger på rapporterade händelser. Upplevd otrygghet och utsatthet mäts i enkäter – Polisens trygghetsmätning, Brås Nationella trygghetsundersökning (NTU) och kommunens egna mätningar – som inte finns i trygg och bör läggas till av samordnarna.",
    ));
    b.push(Block::heading(1, "Källor och metod"));
    b.push(Block::Table(ctx.channel_table(
        from,
        to,
        &format!("Händelser {year} per källa"),
    )?));
    b.push(Block::bullets(method_bullets()));
    b.push(Block::heading(1, "Från lägesbild till åtgärdsplan"));
    b.push(Block::text(
        "Enligt lagen ska kommunen utifrån lägesbilden ta ställning till behovet av brottsförebyggande åtgärder och besluta om en åtgärdsplan. Åtgärderna i samverkansöverenskommelsens åtagandeplan följs upp i den årliga sammanställningen.",
    ));

    let doc = Document {
        title: format!("Lägesbild {year}"),
        subtitle: Some("Brottsligheten i kommunen enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete".into()),
        meta: ctx.meta(format!("{from} – {last_day}")),
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// The year in brief, for the annual compilation: incidents from 1 January to `until`
/// (inclusive) against the same dates a year earlier, per category, and a map per district
/// with hot spots. Hand the blocks to [`annual_compilation`].
pub async fn year_in_brief(
    state: &App,
    year: i16,
    until: Date,
    scope: Scope,
) -> Result<Vec<Block>> {
    let ctx = Ctx::load(state, scope).await?;
    let from = Date::new(year, 1, 1).map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let to = until
        .checked_add(Span::new().days(1))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let (pfrom, pto) = (minus_year(from)?, minus_year(to)?);
    let now = ctx.stats(from, to)?;
    let prev = ctx.stats(pfrom, pto)?;
    let what = range_sv(from, until);
    let mut b = vec![Block::text(format!(
        "Under perioden {what} rapporterades {}. {}",
        count_sv(now.total, "händelse", "händelser"),
        ctx.vs_same_period(year - 1, now.total, prev.total)
    ))];
    let changes = ctx.district_changes(&now, &prev, &format!("samma period {}", year - 1));
    if !changes.is_empty() && ctx.years.contains(&(year - 1)) {
        b.push(Block::bullets(changes));
    }
    let (ln, lp) = (year.to_string(), (year - 1).to_string());
    b.push(Block::Table(if ctx.years.contains(&(year - 1)) {
        ctx.group_table(
            &format!(
                "Händelser per kategori {what} och samma period {}",
                year - 1
            ),
            &[(&ln, &now), (&lp, &prev)],
            true,
        )
    } else {
        ctx.group_table(
            &format!("Händelser per kategori {what}"),
            &[(&ln, &now)],
            false,
        )
    }));
    let (gi, spots) = ctx.hot_spots(from, to, &what)?;
    if let Some(fig) = ctx.map_figure(
        &format!("Händelser per område {year}"),
        &format!("Händelser {year}"),
        &now,
        None,
        spots,
        format!("Antal händelser per stadsdel {what} (ytfärg) och hot spots enligt Gi* (rutor)."),
    )? {
        b.push(fig);
    }
    b.push(Block::text(gi));
    Ok(b)
}

/// Which years hold any incident visible in `scope` (for clear errors before a report).
pub fn data_years(state: &App, scope: Scope) -> Vec<i16> {
    let f = IncidentFilter {
        scope,
        ..Default::default()
    };
    state.ingest.live().with(&f, |s, f| {
        s.counts(f, Granularity::Year, false, false)
            .into_iter()
            .filter_map(|r| match r.period {
                PeriodKey::Year(y) if r.count > 0 => Some(y),
                _ => None,
            })
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------
// Annual compilation and final follow-up: on plain partnership structs.

/// An intervention's results as plain data, for the compilation and the final follow-up.
#[derive(Debug, Clone, PartialEq)]
pub struct InterventionResult {
    /// Record id (what [`trygg_domain::partnership::Commitment::interventions`] links to).
    pub id: String,
    /// Title ("Situationell prevention i Gottsunda centrum").
    pub title: String,
    /// The treated area's name.
    pub area: String,
    /// The control area's name.
    pub control_area: String,
    /// What was counted ("skadegörelse och samling").
    pub counted: String,
    /// Month labels ("jan 2022").
    pub months: Vec<String>,
    /// Monthly counts in the treated area.
    pub treated: Vec<f64>,
    /// Monthly counts in the control area.
    pub control: Vec<f64>,
    /// Index into `months` of the first month with the intervention.
    pub start: usize,
    /// The evaluation over equal periods before and after, when computed.
    pub evaluation: Option<trygg_analysis::evaluation::Evaluation>,
    /// The treated area on a map, with its control, when the polygons are known.
    pub map_areas: Vec<MapArea>,
}

/// Monthly series and the before/after evaluation of an intervention, from the live data:
/// `categories` (exact codes or groups) in `treated`, `buffer` and `control`, `months` months
/// before and after `start` (the first day of the intervention's first month).
#[allow(clippy::too_many_arguments)]
pub async fn intervention_result(
    state: &App,
    scope: Scope,
    id: &str,
    title: &str,
    categories: &[&str],
    treated: AreaId,
    buffer: Option<AreaId>,
    control: AreaId,
    start: Date,
    months: i32,
) -> Result<InterventionResult> {
    let ctx = Ctx::load(state, scope).await?;
    let codes: Vec<String> = categories
        .iter()
        .flat_map(|c| Taxonomy.expand(c))
        .map(str::to_string)
        .collect();
    let begin = start
        .first_of_month()
        .checked_sub(Span::new().months(months))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let mut labels = Vec::new();
    let (mut t, mut c) = (Vec::new(), Vec::new());
    let (mut tb, mut ta, mut cb, mut ca, mut db, mut da) = (0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
    for i in 0..2 * months {
        let m0 = begin
            .checked_add(Span::new().months(i))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?;
        let m1 = m0
            .checked_add(Span::new().months(1))
            .map_err(|e| ReportBuildError::Input(e.to_string()))?;
        labels.push(format!(
            "{} {}",
            MONTHS_SV[m0.month() as usize - 1],
            m0.year()
        ));
        let count = |area: AreaId| -> Result<u64> {
            let mut f = ctx.filter(ctx.midnight(m0)?, ctx.midnight(m1)?);
            f.areas = vec![area];
            f.categories = codes.clone();
            Ok(ctx.with(&f, |s, f| s.select_ids(f).len()) as u64)
        };
        let (nt, nc) = (count(treated)?, count(control)?);
        let nd = match buffer {
            Some(a) => count(a)?,
            None => 0,
        };
        t.push(nt as f64);
        c.push(nc as f64);
        if i < months {
            tb += nt;
            cb += nc;
            db += nd;
        } else {
            ta += nt;
            ca += nc;
            da += nd;
        }
    }
    let evaluation =
        trygg_analysis::evaluation::evaluate(trygg_analysis::evaluation::BeforeAfter {
            treated_before: tb,
            treated_after: ta,
            buffer_before: if buffer.is_some() { db } else { 1 },
            buffer_after: if buffer.is_some() { da } else { 1 },
            control_before: cb,
            control_after: ca,
        })
        .ok();
    let name = |a: AreaId| {
        ctx.districts
            .iter()
            .chain(&ctx.outlines)
            .find(|d| d.id == a)
            .map(|d| d.name.clone())
    };
    // Change per district, the same categories and periods: where did the problem go?
    let start_month = begin
        .checked_add(Span::new().months(months))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let end = begin
        .checked_add(Span::new().months(2 * months))
        .map_err(|e| ReportBuildError::Input(e.to_string()))?;
    let per_area = |a: Date, b: Date| -> Result<HashMap<u16, u32>> {
        let mut f = ctx.filter(ctx.midnight(a)?, ctx.midnight(b)?);
        f.categories = codes.clone();
        Ok(ctx.with(&f, period_stats).by_area)
    };
    let (before_by, after_by) = (per_area(begin, start_month)?, per_area(start_month, end)?);
    let map_areas = ctx
        .districts
        .iter()
        .map(|d| {
            let i = d.index;
            let b = i.and_then(|i| before_by.get(&i)).copied().unwrap_or(0);
            let a = i.and_then(|i| after_by.get(&i)).copied().unwrap_or(0);
            MapArea {
                name: d.name.clone(),
                polygons: d.polygons.clone(),
                value: (b > 0).then(|| 100.0 * (f64::from(a) / f64::from(b) - 1.0)),
            }
        })
        .collect();
    Ok(InterventionResult {
        id: id.into(),
        title: title.into(),
        area: name(treated).unwrap_or_else(|| "insatsområdet".into()),
        control_area: name(control).unwrap_or_else(|| "kontrollområdet".into()),
        counted: categories
            .iter()
            .filter_map(|c| Taxonomy.get(c).map(|c| c.label_sv.to_lowercase()))
            .collect::<Vec<_>>()
            .join(" och "),
        months: labels,
        treated: t,
        control: c,
        start: months as usize,
        evaluation,
        map_areas,
    })
}

fn hours(v: f64) -> String {
    format!("{} tim", fmt_sv(v, 0))
}

fn sek(v: f64) -> String {
    format!("{} kr", fmt_sv(v, 0))
}

fn resource_blocks(per_party: &[Resource], what: &str) -> Result<Vec<Block>> {
    if per_party.is_empty() {
        return Ok(vec![Block::text(format!(
            "Inga resurser är registrerade för {what}."
        ))]);
    }
    let mut out = Vec::new();
    let th: f64 = per_party.iter().map(|r| r.used_hours).sum();
    let ts: f64 = per_party.iter().map(|r| r.used_sek).sum();
    let ph: f64 = per_party.iter().map(|r| r.planned_hours).sum();
    out.push(Block::text(format!(
        "Parterna har lagt {} av planerade {} ({}) och {} på {what}. Varje part står för sina egna kostnader.",
        hours(th),
        hours(ph),
        if ph > 0.0 { fmt_percent_sv(th / ph, 0, false) } else { "–".into() },
        sek(ts),
    )));
    out.push(Block::Table(Table {
        caption: format!("Resurser per part, {what}"),
        columns: vec![
            Column::text("Part"),
            Column::number("Planerade timmar"),
            Column::number("Använda timmar"),
            Column::number("Planerat, kr"),
            Column::number("Använt, kr"),
        ],
        rows: per_party
            .iter()
            .map(|r| {
                vec![
                    r.party.clone(),
                    fmt_sv(r.planned_hours, 0),
                    fmt_sv(r.used_hours, 0),
                    fmt_sv(r.planned_sek, 0),
                    fmt_sv(r.used_sek, 0),
                ]
            })
            .collect(),
        total: Some(vec![
            "Summa".into(),
            fmt_sv(ph, 0),
            fmt_sv(th, 0),
            fmt_sv(per_party.iter().map(|r| r.planned_sek).sum(), 0),
            fmt_sv(ts, 0),
        ]),
    }));
    out.push(Block::figure(
        format!("Använda timmar per part, {what}."),
        chart::bars(&BarChart {
            title: "Använda timmar per part".into(),
            unit: "tim".into(),
            decimals: 0,
            bars: per_party
                .iter()
                .map(|r| (r.party.clone(), r.used_hours))
                .collect(),
        })?,
    ));
    Ok(out)
}

fn intervention_blocks(r: &InterventionResult) -> Result<Vec<Block>> {
    let mut out = vec![Block::heading(3, format!("Resultat: {}", r.title))];
    let before: f64 = r.treated[..r.start.min(r.treated.len())].iter().sum();
    let after: f64 = r.treated[r.start.min(r.treated.len())..].iter().sum();
    let cb: f64 = r.control[..r.start.min(r.control.len())].iter().sum();
    let ca: f64 = r.control[r.start.min(r.control.len())..].iter().sum();
    let n_before = r.start;
    let n_after = r.months.len().saturating_sub(r.start);
    out.push(Block::text(format!(
        "I {} rapporterades {} händelser ({}) under de {} månaderna före insatsen och {} under de {} månaderna från starten ({}). I kontrollområdet {} ändrades antalet från {} till {} ({}).",
        r.area,
        fmt_sv(before, 0),
        r.counted,
        n_before,
        fmt_sv(after, 0),
        n_after,
        change_cell(after as u32, before as u32),
        r.control_area,
        fmt_sv(cb, 0),
        fmt_sv(ca, 0),
        change_cell(ca as u32, cb as u32),
    )));
    if let Some(e) = &r.evaluation {
        out.push(Block::text(format!(
            "Relativ effekt (förändringen i insatsområdet delat med förändringen i kontrollområdet): {} (95 % konfidensintervall {}–{}). {}",
            fmt_sv(e.relative_effect.estimate, 2),
            fmt_sv(e.relative_effect.lower, 2),
            fmt_sv(e.relative_effect.upper, 2),
            if e.relative_effect.upper < 1.0 {
                "Minskningen är större än i kontrollområdet och inte förklarlig av slumpen."
            } else if e.relative_effect.lower > 1.0 {
                "Ökningen är större än i kontrollområdet och inte förklarlig av slumpen."
            } else {
                "Skillnaden mot kontrollområdet kan vara slumpmässig."
            }
        )));
        out.push(Block::text(
            "En jämförelse före och efter visar samband, inte orsak: annat som förändrats i området samtidigt kan bidra.",
        ));
    }
    if r.start > 0 && r.start < r.months.len() {
        out.push(Block::figure(
            format!(
                "{}: {} per månad i {} och i kontrollområdet {}.",
                r.title, r.counted, r.area, r.control_area
            ),
            chart::before_after(&BeforeAfterChart {
                title: r.title.clone(),
                y_label: "Antal per månad".into(),
                months: r.months.clone(),
                treated: Series::new(r.area.clone(), r.treated.clone()),
                control: Series::new(r.control_area.clone(), r.control.clone()),
                start: r.start,
                start_label: "Insatsen startar".into(),
            })?,
        ));
    }
    if r.map_areas.iter().any(|a| a.value.is_some()) {
        out.push(Block::figure(
            format!(
                "{}: förändring i procent per stadsdel, {} under de {} månaderna från insatsens start mot de {} månaderna före. Insatsområde: {}; kontrollområde: {}.",
                r.title, r.counted, n_after, n_before, r.area, r.control_area
            ),
            map::image(&MapSpec {
                title: format!("Förändring efter insatsens start: {}", r.counted),
                width: 1200,
                height: 900,
                areas: r.map_areas.clone(),
                area_labels: true,
                choropleth_label: "Förändring, %".into(),
                diverging: true,
                ..Default::default()
            })?,
        ));
    }
    Ok(out)
}

/// "2 genomförda, 3 pågående" as parts, zero counts left out.
fn status_parts(plan: &CommitmentPlan) -> Vec<String> {
    [
        (CommitmentStatus::Done, "genomförda"),
        (CommitmentStatus::Ongoing, "pågående"),
        (CommitmentStatus::NotStarted, "ej påbörjade"),
        (CommitmentStatus::Postponed, "uppskjutna"),
        (CommitmentStatus::Cancelled, "avbrutna"),
    ]
    .iter()
    .filter_map(|(st, label)| {
        let n = plan.commitments.iter().filter(|c| c.status == *st).count();
        (n > 0).then(|| format!("{n} {label}"))
    })
    .collect()
}

/// One sentence on an intervention's result.
fn result_sentence(r: &InterventionResult) -> String {
    let split = r.start.min(r.treated.len());
    let (tb, ta): (f64, f64) = (
        r.treated[..split].iter().sum(),
        r.treated[split..].iter().sum(),
    );
    let split = r.start.min(r.control.len());
    let (cb, ca): (f64, f64) = (
        r.control[..split].iter().sum(),
        r.control[split..].iter().sum(),
    );
    let mut out = format!(
        "{}: {} i {} ({} → {}) mot {} i kontrollområdet {} ({} → {})",
        r.title,
        change_cell(ta as u32, tb as u32),
        r.area,
        fmt_sv(tb, 0),
        fmt_sv(ta, 0),
        change_cell(ca as u32, cb as u32),
        r.control_area,
        fmt_sv(cb, 0),
        fmt_sv(ca, 0),
    );
    if let Some(e) = &r.evaluation {
        out.push_str(&format!(
            "; relativ effekt {} (95 % konfidensintervall {}–{})",
            fmt_sv(e.relative_effect.estimate, 2),
            fmt_sv(e.relative_effect.lower, 2),
            fmt_sv(e.relative_effect.upper, 2)
        ));
    }
    out.push('.');
    out
}

fn commitment_blocks(
    plan: &CommitmentPlan,
    interventions: &[InterventionResult],
    shown: &mut Vec<String>,
    as_of: Option<Date>,
) -> Result<Vec<Block>> {
    let mut out = Vec::new();
    let parts = status_parts(plan);
    out.push(Block::text(format!(
        "Åtagandeplanen {} har {}{}.",
        plan.year,
        count_sv(plan.commitments.len() as u32, "åtagande", "åtaganden"),
        match parts.len() {
            0 => String::new(),
            1 => format!(": {}", parts[0]),
            _ => format!(
                ": {} och {}",
                parts[..parts.len() - 1].join(", "),
                parts[parts.len() - 1]
            ),
        }
    )));
    out.push(Block::Table(Table {
        caption: format!("Åtagandena {} och deras status", plan.year),
        columns: vec![
            Column::text("Åtagande"),
            Column::text("Ansvarig"),
            Column::text("Status"),
            Column::number("Genomfört"),
        ],
        rows: plan
            .commitments
            .iter()
            .map(|c| {
                vec![
                    c.title.clone(),
                    c.responsible.clone(),
                    c.status.label_sv().into(),
                    fmt_percent_sv(f64::from(c.progress) / 100.0, 0, false),
                ]
            })
            .collect(),
        total: None,
    }));
    for area in &plan.priority_areas {
        let cs: Vec<_> = plan
            .commitments
            .iter()
            .filter(|c| c.priority_area == area.id)
            .collect();
        if cs.is_empty() {
            continue;
        }
        out.push(Block::heading(2, area.title.clone()));
        for c in cs {
            if c.title != area.title {
                out.push(Block::heading(3, c.title.clone()));
            }
            if !c.description.is_empty() {
                out.push(Block::Paragraph(vec![
                    Inline::Strong("Åtagande: ".into()),
                    Inline::Emphasis(c.description.clone()),
                ]));
            }
            out.push(Block::text(format!(
                "Ansvarig: {}{}. Status: {} ({}).",
                if c.responsible == JOINT {
                    "båda parterna"
                } else {
                    &c.responsible
                },
                if c.collaboration_forms.is_empty() {
                    String::new()
                } else {
                    format!(" (samverkansform: {})", c.collaboration_forms.join(", "))
                },
                c.status.label_sv().to_lowercase(),
                fmt_percent_sv(f64::from(c.progress) / 100.0, 0, false)
            )));
            let acts: Vec<String> = c
                .activities
                .iter()
                .filter(|a| match (as_of, a.date) {
                    (Some(cut), Some(d)) => d <= cut,
                    _ => true,
                })
                .map(|a| {
                    format!(
                        "{}{}{}",
                        a.date.map(|d| format!("{d}: ")).unwrap_or_default(),
                        a.text,
                        if a.done { "" } else { " (planerad)" }
                    )
                })
                .collect();
            if acts.is_empty() {
                out.push(Block::text("Inga aktiviteter är registrerade."));
            } else {
                out.push(Block::text("Det här har gjorts:"));
                out.push(Block::bullets(acts));
            }
            let h: f64 = c.resources.iter().map(|r| r.used_hours).sum();
            if h > 0.0 {
                out.push(Block::text(format!(
                    "Resurser: {}.",
                    c.resources
                        .iter()
                        .map(|r| format!(
                            "{} {} och {}",
                            r.party,
                            hours(r.used_hours),
                            sek(r.used_sek)
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
            for id in &c.interventions {
                match interventions.iter().find(|r| &r.id == id) {
                    Some(r) if shown.contains(id) => out.push(Block::text(format!(
                        "Resultaten av insatsen {} redovisas under ett tidigare år ovan.",
                        r.title
                    ))),
                    Some(r) => {
                        shown.push(id.clone());
                        out.extend(intervention_blocks(r)?);
                    }
                    None => out.push(Block::text(format!(
                        "Insatsen {id} är kopplad men saknar uppföljning."
                    ))),
                }
            }
        }
    }
    Ok(out)
}

/// The annual compilation of the commitment plan (to the styrgrupp in October, to KSAU before
/// year-end): per commitment what was done, resources per party, and the results of linked
/// interventions with charts and maps; `lagesbild` (from [`year_in_brief`]) adds the year's
/// incidents. `as_of` is the date the compilation describes.
pub fn annual_compilation(
    agreement: &Agreement,
    plan: &CommitmentPlan,
    interventions: &[InterventionResult],
    lagesbild: &[Block],
    as_of: Date,
    generated_at: &str,
) -> Result<Document> {
    let mut b = Vec::new();
    b.push(Block::heading(1, "Sammanfattning"));
    b.push(Block::text(format!(
        "{} och {} redovisar här genomförandet av åtagandeplanen {} inom samverkansöverenskommelsen {}–{}, per {}. Sammanställningen presenteras för styrgruppen i oktober och för kommunstyrelsens arbetsutskott (KSAU) före årsskiftet. Kommunens utvecklingsledare och kommunpolisen ansvarar för sammanställning och uppföljning.",
        agreement.parties.first().map_or("Kommunen", |p| p.name.as_str()),
        agreement.parties.get(1).map_or("polisen", |p| p.name.as_str()),
        plan.year,
        agreement.from_year,
        agreement.to_year,
        date_sv(as_of),
    )));
    b.push(Block::heading(1, "Åtagandena"));
    b.extend(commitment_blocks(
        plan,
        interventions,
        &mut Vec::new(),
        Some(as_of),
    )?);
    if !lagesbild.is_empty() {
        b.push(Block::heading(1, format!("Lägesbilden {}", plan.year)));
        b.extend(lagesbild.iter().cloned());
    }
    b.push(Block::heading(1, "Resurser per part"));
    b.extend(resource_blocks(
        &plan.resources_per_party(),
        &format!("åtagandeplanen {}", plan.year),
    )?);
    b.push(Block::heading(1, "Kommande"));
    let next: Vec<String> = deadlines(agreement)
        .into_iter()
        .filter(|e| e.deadline >= as_of)
        .take(4)
        .map(|e| format!("{}: {}", date_sv(e.deadline), e.title))
        .collect();
    if !next.is_empty() {
        b.push(Block::bullets(next));
    }
    let doc = Document {
        title: format!("Årlig sammanställning av åtagandeplanen {}", plan.year),
        subtitle: Some(format!(
            "{} {}–{}",
            agreement.title, agreement.from_year, agreement.to_year
        )),
        meta: Meta {
            organisation: agreement
                .parties
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(" och "),
            period: format!("{}-01-01 – {as_of}", plan.year),
            generated_at: generated_at.into(),
        },
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// The final follow-up of the agreement: every year's plan, resources per party over the
/// period, the interventions' results, and — when given — the yearly incident totals.
pub fn final_follow_up(
    agreement: &Agreement,
    plans: &[CommitmentPlan],
    interventions: &[InterventionResult],
    yearly_totals: &[(i16, u32)],
    generated_at: &str,
) -> Result<Document> {
    let mut b = Vec::new();
    b.push(Block::heading(1, "Sammanfattning"));
    let mut lines: Vec<String> = plans
        .iter()
        .map(|p| {
            let parts = status_parts(p);
            format!(
                "Åtagandeplanen {}: {}{}.",
                p.year,
                count_sv(p.commitments.len() as u32, "åtagande", "åtaganden"),
                match parts.len() {
                    0 => String::new(),
                    1 if parts[0].starts_with(&format!("{} ", p.commitments.len())) => {
                        format!(", alla {}", parts[0].split_once(' ').map_or("", |x| x.1))
                    }
                    1 => format!(", varav {}", parts[0]),
                    n => format!(", varav {} och {}", parts[..n - 1].join(", "), parts[n - 1]),
                }
            )
        })
        .collect();
    let hours_all: f64 = plans
        .iter()
        .flat_map(|p| p.resources_per_party())
        .map(|r| r.used_hours)
        .sum();
    if hours_all > 0.0 {
        lines.push(format!(
            "Parterna lade sammanlagt {} på åtagandena under perioden.",
            hours(hours_all)
        ));
    }
    for r in interventions {
        if plans.iter().any(|p| {
            p.commitments
                .iter()
                .any(|c| c.interventions.contains(&r.id))
        }) {
            lines.push(result_sentence(r));
        }
    }
    b.push(Block::bullets(lines));
    b.push(Block::heading(1, "Överenskommelsen"));
    b.push(Block::Paragraph(vec![Inline::Emphasis(
        agreement.purpose.clone(),
    )]));
    if !agreement.undertakings.is_empty() {
        b.push(Block::text("Parterna åtog sig att:"));
        b.push(Block::bullets(agreement.undertakings.clone()));
    }
    let years_with_plan: Vec<String> = plans.iter().map(|p| p.year.to_string()).collect();
    let missing: Vec<String> = agreement
        .years()
        .filter(|y| !plans.iter().any(|p| p.year == *y))
        .map(|y| y.to_string())
        .collect();
    b.push(Block::text(format!(
        "Perioden {}–{} har åtagandeplaner för {}{}.",
        agreement.from_year,
        agreement.to_year,
        if years_with_plan.is_empty() {
            "inget år".into()
        } else {
            years_with_plan.join(", ")
        },
        if missing.is_empty() {
            String::new()
        } else {
            format!("; det saknas plan för {}", missing.join(", "))
        }
    )));
    if !yearly_totals.is_empty() {
        b.push(Block::heading(1, "Lägesbilden under perioden"));
        b.push(Block::text(format!(
            "Rapporterade händelser per år: {}.",
            yearly_totals
                .iter()
                .map(|(y, n)| format!("{y}: {}", fmt_int_sv(i64::from(*n))))
                .collect::<Vec<_>>()
                .join(", ")
        )));
        b.push(Block::figure(
            "Rapporterade händelser per år under överenskommelsens period.",
            chart::line(&LineChart {
                title: "Händelser per år".into(),
                y_label: "Antal händelser".into(),
                x_label: "År".into(),
                x_labels: yearly_totals.iter().map(|(y, _)| y.to_string()).collect(),
                series: vec![Series::new(
                    "Alla händelser",
                    yearly_totals.iter().map(|(_, n)| f64::from(*n)).collect(),
                )],
            })?,
        ));
    }
    let mut all: Vec<Resource> = Vec::new();
    let mut shown = Vec::new();
    for p in plans {
        b.push(Block::PageBreak);
        b.push(Block::heading(1, format!("Åtagandeplanen {}", p.year)));
        b.extend(commitment_blocks(p, interventions, &mut shown, None)?);
        for r in p.resources_per_party() {
            match all.iter_mut().find(|a| a.party == r.party) {
                Some(a) => {
                    a.planned_hours += r.planned_hours;
                    a.used_hours += r.used_hours;
                    a.planned_sek += r.planned_sek;
                    a.used_sek += r.used_sek;
                }
                None => all.push(r),
            }
        }
    }
    b.push(Block::heading(1, "Resurser per part under hela perioden"));
    b.extend(resource_blocks(
        &all,
        &format!("perioden {}–{}", agreement.from_year, agreement.to_year),
    )?);
    let doc = Document {
        title: format!(
            "Slutlig uppföljning av samverkansöverenskommelsen {}–{}",
            agreement.from_year, agreement.to_year
        ),
        subtitle: Some(agreement.title.clone()),
        meta: Meta {
            organisation: agreement
                .parties
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(" och "),
            period: format!(
                "{}-01-01 – {}-12-31",
                agreement.from_year, agreement.to_year
            ),
            generated_at: generated_at.into(),
        },
        blocks: b,
    };
    doc.validate()?;
    Ok(doc)
}

/// The dashboard's "PNG of the map" for a filter: districts coloured by the filter's counts and
/// its point-usable incidents, without tiles. `None` when no areas are stored.
pub async fn filter_map_png(
    state: &App,
    filter: &IncidentFilter,
    title: &str,
) -> Result<Option<Vec<u8>>> {
    let ctx = Ctx::load(state, filter.scope).await?;
    let stats = ctx.with(filter, period_stats);
    let Some(spec) = ctx.map_spec(title, "Händelser i urvalet", &stats, Some(filter), None)?
    else {
        return Ok(None);
    };
    Ok(Some(map::render(&spec)?))
}
