//! The public safety map (`/karta`): an aggregated lägesbild for everyone, without signing in,
//! that identifies no one.
//!
//! Pages and the public API serve only a [`Publication`]: fixed cuts computed from the
//! analysis snapshot, cached until the snapshot changes or the day turns. What it holds:
//!
//! - **Areas only**: counts per area of one kind (`[public] area_kind`: the partnership's
//!   districts, or DeSO), never a point. Polisen's events, whose positions are kommun or county
//!   centroids, are assigned to no district or DeSO and so are never counted.
//! - **Whole calendar months with a delay**: a month is published once its last day is at
//!   least `delay_days` (7) days past; the last `months` (24) such months.
//! - **Only shared incidents** (`Visibility::Shared`), never an organisation's internal ones.
//! - **No sensitive categories**: the codes or groups of `sensitive` are never counted, in no
//!   cut (default `brott.sexualbrott`: the taxonomy has no code for violence in close
//!   relationships, and sexual offences have only this one).
//! - **Fixed cuts**: per month, area × published group (the taxonomy's top-level groups of
//!   `categories`, sensitive codes left out of them), each area's total over those groups, each
//!   group's total over the areas ("hela kommunen" is the sum of the areas), and the month's
//!   grand total. Every number shown anywhere (map, table, trend, CSV, JSON) is one of these.
//! - **Small counts suppressed**: a count below `k` (5) — zero included, so that neither a
//!   lone event nor an empty area is revealed — is published as "färre än k", a flag without
//!   the number; complementary suppression ([`suppress`]) keeps any suppressed number from
//!   being computed out of a month's published totals and parts.
//!
//! The property `every published count ≥ k; in every row and column with a published total,
//! the suppressed parts are none, or at least two summing to k or more; no suppressed entry
//! is determined by the published ones` is tested over random incident sets
//! (`tests::publications_never_single_out`), with a linear-algebra check independent of the
//! suppression's own graph argument.

pub mod suppress;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use jiff::{
    Timestamp, ToSpan,
    civil::{Date, date},
};
use serde::{Deserialize, Serialize};
use trygg_domain::{Area, AreaId, AreaKind, Category, IncidentFilter, Scope, Taxonomy};

use crate::{App, AppError};

/// The codes left out by default: sexual offences (the taxonomy's one code for them; it has
/// none for violence in close relationships).
pub const DEFAULT_SENSITIVE: &[&str] = &["brott.sexualbrott"];

/// The public map's settings (`[public]` in `trygg.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PublicConfig {
    /// Serve `/karta` and `/api/public/v1/` (default true).
    pub enabled: bool,
    /// Counts below this are published as "fewer than k" (default 5, at least 3).
    pub k: u32,
    /// A month is published once its last day is this many days past (default 7).
    pub delay_days: u32,
    /// The areas counted: `district` (default) or `deso`.
    pub area_kind: AreaKind,
    /// How many published months are shown (default 24).
    pub months: u32,
    /// Category codes or groups never published (default [`DEFAULT_SENSITIVE`]).
    pub sensitive: Vec<String>,
    /// The top-level groups published; empty = every group not wholly sensitive.
    pub categories: Vec<String>,
}

impl Default for PublicConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            k: 5,
            delay_days: 7,
            area_kind: AreaKind::District,
            months: 24,
            sensitive: DEFAULT_SENSITIVE.iter().map(|s| s.to_string()).collect(),
            categories: Vec::new(),
        }
    }
}

impl PublicConfig {
    /// Refuses settings that would publish too much or nothing, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if !(3..=100).contains(&self.k) {
            return Err(format!(
                "public: k = {} would show counts that single out events; give a whole number from 3 to 100 (default 5)",
                self.k
            ));
        }
        if self.delay_days > 366 {
            return Err(format!(
                "public: delay_days = {} is more than a year; give 0 to 366 days (default 7)",
                self.delay_days
            ));
        }
        if !(1..=120).contains(&self.months) {
            return Err(format!(
                "public: months = {} is not a number of months to show; give 1 to 120 (default 24)",
                self.months
            ));
        }
        if !matches!(self.area_kind, AreaKind::District | AreaKind::Deso) {
            return Err(format!(
                "public: area_kind = \"{}\" is not published; give \"district\" or \"deso\"",
                self.area_kind.as_str()
            ));
        }
        for code in &self.sensitive {
            if Taxonomy.get(code).is_none() {
                return Err(format!(
                    "public: sensitive = {code:?} is not a category code or group; nearest: {}",
                    Taxonomy.nearest(code, 3).join(", ")
                ));
            }
        }
        for code in &self.categories {
            match Taxonomy.get(code) {
                Some(c) if c.parent.is_none() => {}
                _ => {
                    return Err(format!(
                        "public: categories = {code:?} is not a top-level group; give groups such as \"skadegorelse\" (nearest: {})",
                        Taxonomy.nearest(code, 3).join(", ")
                    ));
                }
            }
        }
        if self.groups().is_empty() {
            return Err(
                "public: every group in categories is sensitive, so nothing would be published"
                    .into(),
            );
        }
        Ok(())
    }

    /// Whether `code` is never published (listed, or its group is).
    pub fn is_sensitive(&self, code: &str) -> bool {
        let group = Taxonomy.group_of(code).map_or(code, |g| g.code);
        self.sensitive.iter().any(|s| s == code || s == group)
    }

    /// The groups published, in taxonomy order.
    pub fn groups(&self) -> Vec<&'static Category> {
        Taxonomy
            .all()
            .iter()
            .filter(|c| c.parent.is_none())
            .filter(|c| self.categories.is_empty() || self.categories.iter().any(|g| g == c.code))
            .filter(|c| !self.is_sensitive(c.code))
            .collect()
    }

    /// The codes counted under `group`: its own and its sub-categories', sensitive ones left out.
    pub fn codes(&self, group: &str) -> Vec<&'static str> {
        Taxonomy
            .expand(group)
            .into_iter()
            .filter(|c| !self.is_sensitive(c))
            .collect()
    }

    /// The sensitive categories, as categories of the taxonomy (for "what is left out").
    pub fn sensitive_categories(&self) -> Vec<&'static Category> {
        self.sensitive
            .iter()
            .filter_map(|c| Taxonomy.get(c))
            .collect()
    }
}

/// A calendar month, `2026-10` in JSON and CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Year.
    pub year: i16,
    /// Month 1–12.
    pub month: i8,
}

impl Month {
    /// The month of `d`.
    pub fn of(d: Date) -> Self {
        Self {
            year: d.year(),
            month: d.month(),
        }
    }

    /// Its first day.
    pub fn first_day(self) -> Date {
        date(self.year, self.month, 1)
    }

    /// Its last day.
    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }

    /// The month before.
    pub fn previous(self) -> Self {
        Self::of(self.first_day() - 1.day())
    }

    /// The month after.
    pub fn next(self) -> Self {
        Self::of(self.last_day() + 1.day())
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// Whether the month is published on `today`: its last day is `delay_days` days past.
    pub fn is_published(self, today: Date, delay_days: u32) -> bool {
        self.last_day() + i64::from(delay_days).days() <= today
    }

    /// The month's name in Swedish or English ("oktober 2026").
    pub fn label(self, english: bool) -> String {
        let names = if english {
            trygg_domain::week::MONTHS_EN
        } else {
            trygg_domain::week::MONTHS_SV
        };
        format!("{} {}", names[(self.month - 1) as usize], self.year)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The months published on `today`, oldest first: the last `count` months whose last day is
/// `delay_days` days past.
pub fn published_months(today: Date, delay_days: u32, count: u32) -> Vec<Month> {
    let mut last = Month::of(today).previous();
    while !last.is_published(today, delay_days) {
        last = last.previous();
    }
    let mut months = vec![last];
    while months.len() < count as usize {
        months.push(months[months.len() - 1].previous());
    }
    months.reverse();
    months
}

/// A published group of categories.
#[derive(Debug, Clone, Serialize)]
pub struct PublicGroup {
    /// The group's code.
    pub code: &'static str,
    /// Swedish label.
    pub label_sv: &'static str,
    /// English label.
    pub label_en: &'static str,
}

impl From<&'static Category> for PublicGroup {
    fn from(c: &'static Category) -> Self {
        Self {
            code: c.code,
            label_sv: c.label_sv,
            label_en: c.label_en,
        }
    }
}

/// A published area: its name and code, and its boundary for the map (not in the JSON of the
/// publication; the map's GeoJSON carries it).
#[derive(Debug, Clone, Serialize)]
pub struct PublicArea {
    /// The area's id.
    pub id: AreaId,
    /// Its name.
    pub name: String,
    /// Its official code, if any.
    pub code: Option<String>,
    /// Its boundary (GeoJSON, WGS84).
    #[serde(skip)]
    pub geometry: serde_json::Value,
}

/// One published number: a month, an area (none = the areas together, "hela kommunen"), a
/// group (none = every published group), and the count, or none when it is fewer than k.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The month.
    pub month: Month,
    /// The area's id, or none for the areas together.
    pub area: Option<AreaId>,
    /// The group's code, or none for every published group.
    pub group: Option<&'static str>,
    /// The count; none when it is suppressed.
    pub count: Option<u32>,
    /// Whether it is suppressed (fewer than k, or withheld so that such a count cannot be
    /// computed from the others).
    pub suppressed: bool,
}

/// A citizen promise's area before and after the promise, in published numbers
/// ([`Publication::before_after`]).
#[derive(Debug, Clone, Serialize)]
pub struct BeforeAfter {
    /// The area's name as published.
    pub area: String,
    /// The area's monthly totals before the promise, oldest first.
    pub before: Vec<Cell>,
    /// Its monthly totals since.
    pub after: Vec<Cell>,
    /// Mean per month before, when every month before is published.
    pub before_mean: Option<f64>,
    /// Mean per month since, when every month since is published.
    pub after_mean: Option<f64>,
}

/// The public map's numbers: everything pages and the public API show.
#[derive(Debug, Clone, Serialize)]
pub struct Publication {
    /// When it was computed.
    pub generated_at: Timestamp,
    /// The threshold: counts below it are suppressed.
    pub k: u32,
    /// Days after a month's end before it is published.
    pub delay_days: u32,
    /// The kind of the areas.
    pub area_kind: AreaKind,
    /// The months covered, oldest first.
    pub months: Vec<Month>,
    /// The groups published.
    pub groups: Vec<PublicGroup>,
    /// The categories never published.
    pub left_out: Vec<PublicGroup>,
    /// The areas, by name.
    pub areas: Vec<PublicArea>,
    /// Per month, per area then the areas together, per group then every group.
    pub cells: Vec<Cell>,
}

impl Publication {
    /// The cell of month `m` (index into `months`), area `a` (index into `areas`, none =
    /// together) and group `g` (index into `groups`, none = every group).
    pub fn cell(&self, m: usize, a: Option<usize>, g: Option<usize>) -> &Cell {
        let (rows, cols) = (self.areas.len(), self.groups.len());
        let r = a.unwrap_or(rows);
        let c = g.unwrap_or(cols);
        &self.cells[m * (rows + 1) * (cols + 1) + r * (cols + 1) + c]
    }

    /// The published totals (every group) of the area named `area` for up to `n` published
    /// months before `from`, and for the published months from `from`'s month to `to`'s — the
    /// figures a citizen promise is followed up with on `/lofte`. None when no area has the
    /// name. A mean is given only when every month of its side is published (a mean of
    /// published numbers reveals nothing the cells do not).
    pub fn before_after(&self, area: &str, from: Date, to: Date, n: usize) -> Option<BeforeAfter> {
        let a = self
            .areas
            .iter()
            .position(|x| x.name.eq_ignore_ascii_case(area.trim()))?;
        let (start, end) = (Month::of(from), Month::of(to));
        let side = |keep: &dyn Fn(Month) -> bool| -> Vec<Cell> {
            self.months
                .iter()
                .enumerate()
                .filter(|(_, m)| keep(**m))
                .map(|(i, _)| *self.cell(i, Some(a), None))
                .collect()
        };
        let mut before = side(&|m| m < start);
        before.drain(..before.len().saturating_sub(n));
        let after = side(&|m| m >= start && m <= end);
        let mean = |cells: &[Cell]| -> Option<f64> {
            let counts: Option<Vec<u32>> = cells.iter().map(|c| c.count).collect();
            let counts = counts.filter(|c| !c.is_empty())?;
            Some(f64::from(counts.iter().sum::<u32>()) / counts.len() as f64)
        };
        Some(BeforeAfter {
            area: self.areas[a].name.clone(),
            before_mean: mean(&before),
            after_mean: mean(&after),
            before,
            after,
        })
    }

    /// The index of `month` among the months covered.
    pub fn month_index(&self, month: Month) -> Option<usize> {
        self.months.iter().position(|m| *m == month)
    }

    /// The index of group `code` among the groups published.
    pub fn group_index(&self, code: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.code == code)
    }

    /// The month (default the latest) and group (default every group; empty = every group)
    /// a page or the API asks for, as indices; an unknown one is refused naming the choices.
    pub fn select(
        &self,
        month: Option<&str>,
        group: Option<&str>,
    ) -> Result<(usize, Option<usize>), AppError> {
        let m = match month.map(str::trim).filter(|m| !m.is_empty()) {
            None => self.months.len() - 1,
            Some(text) => Month::parse(text)
                .and_then(|m| self.month_index(m))
                .ok_or_else(|| {
                    AppError::param(
                        "month",
                        format!(
                            "{text:?} is not a published month; give YYYY-MM from {} to {}.",
                            self.months[0],
                            self.months[self.months.len() - 1]
                        ),
                    )
                })?,
        };
        let g = match group.map(str::trim).filter(|g| !g.is_empty()) {
            None => None,
            Some(code) => Some(self.group_index(code).ok_or_else(|| {
                AppError::param(
                    "group",
                    format!(
                        "{code:?} is not a published group; give one of {}, or leave it out for all.",
                        self.groups
                            .iter()
                            .map(|g| g.code)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?),
        };
        Ok((m, g))
    }

    /// The publication as CSV for Swedish Excel (`;`, UTF-8 with BOM): one line per cell, a
    /// suppressed count empty with "ja" in the column that says so.
    pub fn to_csv(&self) -> Vec<u8> {
        let k = self.k.to_string();
        let suppressed_header = format!("Färre än {k}");
        let headers = [
            "Månad",
            "Område",
            "Områdeskod",
            "Kategorigrupp",
            "Kategorikod",
            "Antal",
            suppressed_header.as_str(),
        ];
        let rows = self.cells.iter().map(|c| {
            let area = c.area.and_then(|id| self.areas.iter().find(|a| a.id == id));
            let group = c
                .group
                .and_then(|code| self.groups.iter().find(|g| g.code == code));
            vec![
                c.month.to_string(),
                area.map_or_else(|| ALL_AREAS_SV.to_string(), |a| a.name.clone()),
                area.and_then(|a| a.code.clone()).unwrap_or_default(),
                group.map_or(ALL_GROUPS_SV, |g| g.label_sv).to_string(),
                group.map_or("", |g| g.code).to_string(),
                c.count.map(|n| n.to_string()).unwrap_or_default(),
                if c.suppressed { "ja" } else { "nej" }.to_string(),
            ]
        });
        trygg_import::export::excel_csv(&headers, rows)
    }
}

/// What the areas together are called in Swedish.
pub const ALL_AREAS_SV: &str = "Hela kommunen (områdena sammanlagt)";
/// What every published group together is called in Swedish.
pub const ALL_GROUPS_SV: &str = "Alla publicerade kategorier";

/// Counts of one publication before suppression: per month, area and group.
#[derive(Debug, Default)]
pub struct Counts(HashMap<(Month, AreaId, &'static str), u32>);

impl Counts {
    /// Adds `n` events of group `group` in `area` in `month`.
    pub fn add(&mut self, month: Month, area: AreaId, group: &'static str, n: u32) {
        *self.0.entry((month, area, group)).or_default() += n;
    }
}

/// Builds the publication from raw counts: the cuts, then the suppression month by month.
pub fn publish(
    config: &PublicConfig,
    months: Vec<Month>,
    areas: Vec<PublicArea>,
    counts: &Counts,
    generated_at: Timestamp,
) -> Publication {
    let groups: Vec<PublicGroup> = config.groups().into_iter().map(Into::into).collect();
    let mut cells = Vec::new();
    for &month in &months {
        let values: Vec<u32> = areas
            .iter()
            .flat_map(|a| {
                groups
                    .iter()
                    .map(move |g| counts.0.get(&(month, a.id, g.code)).copied())
            })
            .map(Option::unwrap_or_default)
            .collect();
        let grid = suppress::Grid::new(areas.len(), groups.len(), &values);
        let hidden = suppress::suppress(&grid, config.k);
        for r in 0..=areas.len() {
            for c in 0..=groups.len() {
                let i = r * (groups.len() + 1) + c;
                cells.push(Cell {
                    month,
                    area: areas.get(r).map(|a| a.id),
                    group: groups.get(c).map(|g| g.code),
                    count: (!hidden[i]).then(|| grid.get(r, c)),
                    suppressed: hidden[i],
                });
            }
        }
    }
    Publication {
        generated_at,
        k: config.k,
        delay_days: config.delay_days,
        area_kind: config.area_kind,
        months,
        groups,
        left_out: config
            .sensitive_categories()
            .into_iter()
            .map(Into::into)
            .collect(),
        areas,
        cells,
    }
}

/// The public map's settings and its cached publication (held by the [`App`]).
#[derive(Debug, Default)]
pub struct Publisher {
    config: PublicConfig,
    cached: Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    generation: u64,
    today: Date,
    publication: Arc<Publication>,
}

impl Publisher {
    /// A publisher with these settings (checked by the configuration).
    pub fn new(config: PublicConfig) -> Self {
        Self {
            config,
            cached: Mutex::default(),
        }
    }

    /// The settings.
    pub fn config(&self) -> &PublicConfig {
        &self.config
    }
}

/// The current publication, for everyone (no principal: it holds nothing but the published
/// cuts). Recomputed when the snapshot has changed or the day has turned since the last one;
/// refused as not found when the public map is turned off.
pub async fn publication(app: &App) -> Result<Arc<Publication>, AppError> {
    let config = app.public.config();
    if !config.enabled {
        return Err(AppError::NotFound(
            "The public map is turned off ([public] enabled = false).".into(),
        ));
    }
    let (generation, today) = (app.live().generation(), app.today());
    if let Some(c) = app.public.cached.lock().expect("publication lock").as_ref()
        && c.generation == generation
        && c.today == today
    {
        return Ok(c.publication.clone());
    }
    let publication = Arc::new(compute(app, config, today).await?);
    *app.public.cached.lock().expect("publication lock") = Some(Cached {
        generation,
        today,
        publication: publication.clone(),
    });
    Ok(publication)
}

/// Counts the published cuts from the snapshot.
async fn compute(app: &App, config: &PublicConfig, today: Date) -> Result<Publication, AppError> {
    let mut areas: Vec<PublicArea> = app
        .store
        .list_areas()
        .await?
        .into_iter()
        .filter(|a| a.kind == config.area_kind)
        .map(|a: Area| PublicArea {
            id: a.id,
            name: a.name,
            code: a.code,
            geometry: a.geometry,
        })
        .collect();
    areas.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.0.cmp(&b.id.0)));
    let months = published_months(today, config.delay_days, config.months);
    let midnight = |d: Date| -> Result<Timestamp, AppError> {
        app.midnight(d)
            .ok_or_else(|| AppError::Internal(format!("no midnight on {d}")))
    };
    let filter = IncidentFilter {
        from: Some(midnight(months[0].first_day())?),
        to: Some(midnight(months[months.len() - 1].next().first_day())?),
        categories: config
            .groups()
            .iter()
            .flat_map(|g| config.codes(g.code))
            .map(String::from)
            .collect(),
        areas: areas.iter().map(|a| a.id).collect(),
        scope: Scope::Shared,
        ..Default::default()
    };
    // One pass over the snapshot: on the blocking pool, so cheap requests do not wait.
    let reader = app.clone();
    let rows =
        crate::lagesbild::blocking(move || Ok(reader.live().monthly_area_counts(&filter))).await?;
    let mut counts = Counts::default();
    for (period, code, area, n) in rows {
        let trygg_analysis::snapshot::PeriodKey::Month { year, month } = period else {
            continue;
        };
        if let Some(group) = Taxonomy.group_of(code) {
            counts.add(Month { year, month }, area, group.code, n);
        }
    }
    Ok(publish(config, months, areas, &counts, app.now()))
}

#[cfg(test)]
mod tests;
