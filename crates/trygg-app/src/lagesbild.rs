//! The panels of the lägesbild dashboard (`/api/v1/lagesbild/*`), from the live snapshot.
//!
//! Every endpoint takes the dashboard page's own query string, so a shared view URL and its
//! data agree: `from`, `to` (dates, `to` exclusive, as `GET /incidents`), `category`, `area`,
//! `source` — each repeatable (`category=a&category=b`) or comma-separated — parsed by
//! [`IncidentQuery::filter`] exactly as the incident list. Panel options (`kind`, `cell`, `radius`,
//! `fdr`, `snap`, `n`, `limit`, `indicator`) are ignored by the panels that do not use them, and
//! `lang`, `layers` and `choropleth` (the page's own state) are accepted and ignored. Anything
//! else is a 400. The panels that read indicator values (`areas`' rates, `survey`) put a
//! fingerprint of the values they read into their cache key, so an import is seen at once.
//!
//! Scope: always the principal's ([`Principal::scope`]). Who may: `read_picture`. Point statistics use point-usable incidents
//! only; area-precision positions (Polisen's kommun centroids) are counted and reported as
//! `excluded_area_precision`.
//!
//! Results are cached per (endpoint, normalised filter, scope, options, snapshot generation):
//! a write to the snapshot changes the generation, so a cached answer is never stale. The
//! cache holds at most [`CACHE_ENTRIES`] answers (cleared when full).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use jiff::{
    ToSpan,
    civil::{Date, ISOWeekDate, Weekday},
};
use serde_json::{Value, json};
use trygg_analysis::{
    GridSpec,
    gistar::{GiStarOptions, GridWeights, gistar_grid},
    kde::{self as density, KdeOptions},
    knox::{EnglishNoun, KnoxConfig, SwedishNoun, knox},
    repeats::{RepeatOptions, repeat_places},
    snapshot::{Granularity, PeriodKey},
};
use trygg_domain::{AreaKind, IncidentFilter, Taxonomy};
use trygg_geo::{Sweref99Tm, sweref99tm_to_wgs84};

use crate::{App, AppError, Principal, incidents::IncidentQuery};

/// A panel's answer: its JSON, serialised once, and whether it came from the cache.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The JSON document.
    pub json: Bytes,
    /// Whether it was cached.
    pub hit: bool,
}

/// Serialised answers are shared between the cache and the callers.
pub type Bytes = Arc<[u8]>;

/// Most answers the cache keeps before it is cleared.
pub const CACHE_ENTRIES: usize = 512;
/// Most bytes of answers the cache keeps before it is cleared (a points answer of 5 000 points
/// weighs about 0.9 MB, a KDE surface about 0.5 MB).
pub const CACHE_BYTES: usize = 64 << 20;
/// Points returned by `points` unless `limit` says otherwise, and the most it may say.
const POINTS_DEFAULT: usize = 5_000;
const POINTS_MAX: usize = 50_000;
/// Knox runs on at most this many events (the most recent ones).
pub const KNOX_MAX_EVENTS: usize = 10_000;
/// Permutations of the dashboard's Knox test unless `permutations` asks for another number
/// (9–999; 999 is ANALYSIS.md's default). 299 is the fewest round number with which a lone
/// cell can be named in the headline: the smallest p it gives, 1/300, is below 0,05/12, what
/// the Benjamini–Hochberg correction over the 12 finite cells asks of one cell alone
/// ([`trygg_analysis::knox::KnoxResult::notable_cells`]). About 0.6 s fresh at a million
/// incidents (the Knox runs on the latest [`KNOX_MAX_EVENTS`]), then cached.
const KNOX_PERMUTATIONS: usize = 299;
/// KDE cells below this share of the maximum are not sent.
const KDE_SHOWN_SHARE: f64 = 0.05;
/// Most KDE cells sent (the highest).
const KDE_MAX_CELLS: usize = 12_000;
/// Most grid cells a KDE or Gi* grid may have.
const MAX_CELLS: usize = 400_000;

/// Weekly counts (ISO weeks, local time) of the filter in the principal's scope:
/// `(year, week, count)`, weeks without incidents between the first and last included.
pub fn weekly_counts(
    app: &App,
    who: &Principal,
    mut filter: IncidentFilter,
) -> Result<Vec<(i16, i8, u32)>, AppError> {
    who.check(trygg_domain::Permission::ReadPicture)?;
    filter.scope = who.scope();
    Ok(app
        .live()
        .weekly_counts(&filter)
        .into_iter()
        .filter_map(|(k, n)| match k {
            PeriodKey::IsoWeek { year, week } => Some((year, week, n)),
            _ => None,
        })
        .collect())
}

/// The dashboard query: the incident filter plus the panel options.
#[derive(Debug, Default)]
pub struct DashboardQuery {
    /// The filter part, lists comma-joined, as `GET /incidents` takes it.
    pub list: IncidentQuery,
    /// Area kind of the choropleth (`district` by default).
    pub kind: Option<String>,
    /// Grid cell size in metres (KDE, Gi*).
    pub cell: Option<f64>,
    /// KDE search radius in metres.
    pub radius: Option<f64>,
    /// Benjamini–Hochberg correction for Gi* classes.
    pub fdr: bool,
    /// Snap size of top places, metres.
    pub snap: Option<f64>,
    /// Number of top places.
    pub n: Option<usize>,
    /// Most points returned.
    pub limit: Option<usize>,
    /// Knox permutations (99 by default, 9–999).
    pub permutations: Option<usize>,
    /// The survey layer's series, `CODE|SOURCE` (the first survey series when omitted).
    pub indicator: Option<String>,
    /// The map's layers on the page (`omraden,punkter,tathet,hotspots,enkat`), drawn by the
    /// map PNG; `None`: the page's default, areas and hot spots.
    pub layers: Option<Vec<String>>,
    /// The normalised query (sorted pairs), the cache key.
    key: String,
}

fn number<T: std::str::FromStr>(field: &str, v: &str, hint: &str) -> Result<T, AppError> {
    v.trim()
        .parse()
        .map_err(|_| AppError::param(field, format!("{v:?} is not {hint}.")))
}

impl DashboardQuery {
    /// Reads the query pairs (repeated keys allowed for the lists).
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let mut q = DashboardQuery::default();
        let mut lists: [Vec<&str>; 3] = Default::default();
        let mut key: Vec<(&str, &str)> = Vec::new();
        for (k, v) in pairs {
            let v = v.as_str();
            match k.as_str() {
                "from" | "to" if v.trim().is_empty() => {}
                "from" => q.list.from = Some(v.to_string()),
                "to" => q.list.to = Some(v.to_string()),
                "category" => lists[0].push(v),
                "area" => lists[1].push(v),
                "source" => lists[2].push(v),
                "kind" => q.kind = Some(v.to_string()),
                "cell" => {
                    let c: f64 = number("cell", v, "a cell size in metres")?;
                    if !(10.0..=5_000.0).contains(&c) {
                        return Err(AppError::param(
                            "cell",
                            "The cell size must be between 10 and 5000 metres.",
                        ));
                    }
                    q.cell = Some(c);
                }
                "radius" => {
                    let r: f64 = number("radius", v, "a radius in metres")?;
                    if !(10.0..=20_000.0).contains(&r) {
                        return Err(AppError::param(
                            "radius",
                            "The radius must be between 10 and 20000 metres.",
                        ));
                    }
                    q.radius = Some(r);
                }
                "fdr" => q.fdr = matches!(v, "1" | "true" | "on" | "ja"),
                "snap" => {
                    let s: f64 = number("snap", v, "a snap size in metres")?;
                    if !(1.0..=1_000.0).contains(&s) {
                        return Err(AppError::param(
                            "snap",
                            "The snap size must be between 1 and 1000 metres.",
                        ));
                    }
                    q.snap = Some(s);
                }
                "n" => {
                    let n: usize = number("n", v, "a number of places")?;
                    q.n = Some(n.clamp(1, 100));
                }
                "limit" => {
                    let n: usize = number("limit", v, "a number of points")?;
                    q.limit = Some(n.clamp(1, POINTS_MAX));
                }
                "permutations" => {
                    let n: usize = number("permutations", v, "a number of permutations")?;
                    if !(9..=999).contains(&n) {
                        return Err(AppError::param(
                            "permutations",
                            "The number of permutations must be between 9 and 999.",
                        ));
                    }
                    q.permutations = Some(n);
                }
                "indicator" => q.indicator = Some(v.to_string()),
                "layers" => {
                    q.layers = Some(
                        v.split(',')
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(String::from)
                            .collect(),
                    );
                    continue;
                }
                "lang" | "choropleth" => continue,
                other => {
                    return Err(AppError::param(
                        other,
                        format!(
                            "Unknown parameter {other:?}. The lägesbild takes from, to, category, area, source, kind, cell, radius, fdr, snap, n, limit, permutations and indicator."
                        ),
                    ));
                }
            }
            key.push((k.as_str(), v));
        }
        let join = |l: &Vec<&str>| (!l.is_empty()).then(|| l.join(","));
        q.list.category = join(&lists[0]);
        q.list.area = join(&lists[1]);
        q.list.source = join(&lists[2]);
        key.sort_unstable();
        q.key = key
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        Ok(q)
    }
}

/// Everything a panel handler needs.
struct Ctx {
    state: App,
    filter: IncidentFilter,
    q: DashboardQuery,
}

fn prepare(state: App, who: &Principal, pairs: &[(String, String)]) -> Result<Ctx, AppError> {
    who.check(trygg_domain::Permission::ReadPicture)?;
    let q = DashboardQuery::from_pairs(pairs)?;
    let filter = q.list.filter(&state.tz, who.scope())?;
    if let (Some(a), Some(b)) = (filter.from, filter.to)
        && a >= b
    {
        return Err(AppError::param(
            "to",
            "The period ends before it starts: 'to' must be after 'from'.",
        ));
    }
    Ok(Ctx { state, filter, q })
}

/// Answers serialised once, per application, for one snapshot generation: an answer of an
/// older generation is never given, so a write empties the cache instead of leaving it full of
/// answers nobody can use, and the answers kept weigh at most [`CACHE_BYTES`].
#[derive(Debug, Default)]
pub struct PanelCache(Mutex<CacheEntries>);

#[derive(Debug, Default)]
struct CacheEntries {
    generation: u64,
    bytes: usize,
    answers: HashMap<String, Bytes>,
}

impl CacheEntries {
    fn get(&self, key: &str, generation: u64) -> Option<Bytes> {
        (self.generation == generation)
            .then(|| self.answers.get(key).cloned())
            .flatten()
    }

    fn put(&mut self, key: String, generation: u64, answer: Bytes) {
        if generation < self.generation {
            return; // computed from a snapshot that has changed since
        }
        if generation > self.generation
            || self.answers.len() >= CACHE_ENTRIES
            || self.bytes + answer.len() > CACHE_BYTES
        {
            self.answers.clear();
            self.bytes = 0;
            self.generation = generation;
        }
        self.bytes += answer.len();
        if let Some(old) = self.answers.insert(key, answer) {
            self.bytes -= old.len();
        }
    }
}

impl Ctx {
    fn cache_key(&self, panel: &str) -> String {
        format!("{panel}?{}#{:?}", self.q.key, self.filter.scope)
    }

    /// The cached answer for this panel and the current snapshot, or `compute` run on the
    /// snapshot (under its read lock) and cached with the generation it saw.
    /// The cached answer, if the snapshot has not changed since it was computed.
    fn hit(&self, panel: &str) -> Option<Panel> {
        let generation = self.state.ingest.live().generation();
        let c = self.state.panels.0.lock().expect("cache lock");
        c.get(&self.cache_key(panel), generation)
            .map(|json| Panel { json, hit: true })
    }

    fn cached(
        &self,
        panel: &str,
        compute: impl FnOnce(
            &trygg_analysis::Snapshot,
            &trygg_analysis::Filter,
        ) -> Result<Value, AppError>,
    ) -> Result<Panel, AppError> {
        let key = self.cache_key(panel);
        let live = self.state.ingest.live();
        let generation = live.generation();
        if let Some(json) = self
            .state
            .panels
            .0
            .lock()
            .expect("cache lock")
            .get(&key, generation)
        {
            return Ok(Panel { json, hit: true });
        }
        let (generation, value) = live.with(&self.filter, |snapshot, filter| {
            (live.generation(), compute(snapshot, filter))
        });
        self.store(key, generation, value?)
    }

    /// As [`Ctx::cached`] for the point statistics: only the extraction of the points runs
    /// under the snapshot's read lock; the statistic runs after it is released, so writers
    /// wait for no Knox test.
    fn cached_points(
        &self,
        panel: &str,
        compute: impl FnOnce((Vec<f64>, Vec<f64>, Vec<f64>, usize)) -> Result<Value, AppError>,
    ) -> Result<Panel, AppError> {
        if let Some(r) = self.hit(panel) {
            return Ok(r);
        }
        let live = self.state.ingest.live();
        let (generation, points) = live.with(&self.filter, |snapshot, filter| {
            (live.generation(), snapshot.points(filter))
        });
        self.store(self.cache_key(panel), generation, compute(points)?)
    }

    fn store(&self, key: String, generation: u64, value: Value) -> Result<Panel, AppError> {
        let bytes: Bytes = serde_json::to_vec(&value)
            .map_err(|e| AppError::param("query", format!("cannot encode the answer: {e}")))?
            .into();
        self.state
            .panels
            .0
            .lock()
            .expect("cache lock")
            .put(key, generation, bytes.clone());
        Ok(Panel {
            json: bytes,
            hit: false,
        })
    }
}

/// Computes a panel off the async workers: on the blocking pool, and at most [`App::heavy`]
/// at a time (one per core; the rest wait without holding a thread), so that cheap requests —
/// a report from a phone, a sign-in, `/readyz` — never queue behind statistics. A cached answer
/// comes at once, also one computed by another request while this one waited.
async fn heavy(
    ctx: Ctx,
    panel: &'static str,
    compute: impl FnOnce(&Ctx) -> Result<Panel, AppError> + Send + 'static,
) -> Result<Panel, AppError> {
    if let Some(r) = ctx.hit(panel) {
        return Ok(r);
    }
    let _turn = ctx.state.heavy.clone().acquire_owned().await;
    if let Some(r) = ctx.hit(panel) {
        return Ok(r);
    }
    blocking(move || compute(&ctx)).await
}

/// Runs a computation on the blocking pool, so the async workers keep answering.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(AppError::Internal(format!("statistic cancelled: {e}"))),
    }
}

fn wgs(x: f64, y: f64) -> [f64; 2] {
    let p = sweref99tm_to_wgs84(Sweref99Tm { n: y, e: x });
    [round6(p.lon), round6(p.lat)]
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// The cell's ring in WGS84 `[lon, lat]`, counter-clockwise from the lower-left corner.
fn cell_ring(grid: &GridSpec, row: usize, col: usize) -> [[f64; 2]; 4] {
    let (x, y) = grid.corner(row, col);
    let c = grid.cell;
    [wgs(x, y), wgs(x + c, y), wgs(x + c, y + c), wgs(x, y + c)]
}

fn grid_json(grid: &GridSpec) -> Value {
    json!({
        "crs": "EPSG:3006", "x0": grid.x0, "y0": grid.y0, "cell": grid.cell,
        "rows": grid.rows, "cols": grid.cols,
    })
}

/// The grid for a KDE or Gi* over these points: the `cell` asked for, or the ArcGIS default
/// (the shorter side of the extent / 250, at least 25 m, rounded to 5 m); grown when the grid
/// would exceed [`MAX_CELLS`].
fn grid_for(x: &[f64], y: &[f64], cell: Option<f64>, pad: f64) -> Result<GridSpec, AppError> {
    let (x0, x1) = x
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let (y0, y1) = y
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let mut cell = cell.unwrap_or_else(|| {
        let side = (x1 - x0).min(y1 - y0) / 250.0;
        ((side / 5.0).round() * 5.0).max(25.0)
    });
    loop {
        let xs = [x0 - pad, x1 + pad];
        let ys = [y0 - pad, y1 + pad];
        let g = GridSpec::covering(&xs, &ys, cell)
            .map_err(|e| AppError::param("cell", e.to_string()))?;
        if g.len() <= MAX_CELLS {
            return Ok(g);
        }
        cell *= 1.5;
    }
}

/// The KDE layer's surface: the radius asked for or the ArcGIS default, the cell asked for or
/// the extent / 250 (at least three cells per radius when we pick it).
fn kde_surface(
    x: &[f64],
    y: &[f64],
    cell: Option<f64>,
    radius: Option<f64>,
) -> Result<(GridSpec, trygg_analysis::kde::KdeResult), AppError> {
    let r = match radius {
        Some(r) => r,
        None => trygg_analysis::kde::default_radius(x, y)
            .map_err(|e| AppError::param("radius", e.to_string()))?,
    };
    let mut grid = grid_for(x, y, cell, r)?;
    if cell.is_none() && r < 3.0 * grid.cell {
        // Keep the surface smooth: at least three cells per radius when we pick the cell.
        grid = grid_for(x, y, Some((r / 3.0).max(10.0)), r)?;
    }
    let result = density::kde(
        x,
        y,
        None,
        &grid,
        &KdeOptions {
            radius: Some(r),
            threads: 0,
        },
    )
    .map_err(|e| AppError::param("radius", e.to_string()))?;
    Ok((grid, result))
}

/// The Gi* grid, its counts, and the Gi* result or why it could not be computed.
type GiStarCells = (
    GridSpec,
    Vec<f64>,
    Result<trygg_analysis::gistar::GiStarResult, trygg_analysis::AnalysisError>,
);

/// The hot spot layer's Gi*: counts per `cell` over the points' extent plus one cell, queen
/// contiguity, Benjamini–Hochberg when `fdr`.
fn gistar_cells(x: &[f64], y: &[f64], cell: f64, fdr: bool) -> Result<GiStarCells, AppError> {
    let grid = grid_for(x, y, Some(cell), cell)?;
    let (counts, _) = grid.counts(x, y);
    let result = gistar_grid(
        &grid,
        &counts,
        GridWeights::Queen,
        &GiStarOptions {
            fdr,
            ..Default::default()
        },
    );
    Ok((grid, counts, result))
}

/// Incidents matching but without a point position (kommun centroids).
fn too_few(n: usize, excluded: usize, what: &str) -> Value {
    json!({
        "events": n, "excluded_area_precision": excluded, "cells": [],
        "message": format!("För få händelser med punktposition för {what} ({n})."),
    })
}

/// `GET /lagesbild/points`: GeoJSON FeatureCollection of the point-usable incidents, newest
/// first, at most `limit` (default 5000). Properties: `id`, `category`, `label` (Swedish),
/// `time` (window start, unix seconds). Foreign members: `total` (point-usable matches),
/// `returned`, `left_out` (total − returned), `excluded_area_precision`.
pub async fn points(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let ctx = prepare(app.clone(), who, pairs)?;
    let limit = ctx.q.limit.unwrap_or(POINTS_DEFAULT);
    heavy(ctx, "points", move |ctx| {
        ctx.cached("points", |snapshot, filter| {
            let rows = snapshot.select(filter);
            let excluded = rows.iter().filter(|r| !r.point_usable).count();
            let mut usable: Vec<_> = rows.into_iter().filter(|r| r.point_usable).collect();
            let total = usable.len();
            if usable.len() > limit {
                usable.select_nth_unstable_by_key(limit, |r| std::cmp::Reverse(r.start));
                usable.truncate(limit);
            }
            usable.sort_unstable_by_key(|r| std::cmp::Reverse(r.start));
            let all = Taxonomy.all();
            let features: Vec<Value> = usable
                .iter()
                .map(|r| {
                    let c = all.get(usize::from(r.category));
                    json!({
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": wgs(r.x, r.y)},
                        "properties": {
                            "id": r.id,
                            "category": c.map(|c| c.code),
                            "label": c.map(|c| c.label_sv),
                            "label_en": c.map(|c| c.label_en),
                            "time": r.start,
                        }
                    })
                })
                .collect();
            Ok(json!({
                "type": "FeatureCollection",
                "features": features,
                "total": total,
                "returned": usable.len(),
                "left_out": total - usable.len(),
                "excluded_area_precision": excluded,
            }))
        })
    })
    .await
}

/// `GET /lagesbild/kde`: quartic KDE (ArcGIS default radius unless `radius`; cell from `cell`
/// or the extent / 250). Cells whose value is at least 5 % of the maximum (at most the 12 000
/// highest), as WGS84 rings:
/// `{"cells": [{"ring": [[lon,lat]×4], "value": expected count per cell}], "max", "radius",
/// "default_radius", "cell", "unit", "grid", "events", "excluded_area_precision",
/// "cells_left_out", "warnings"}`.
pub async fn kde(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let ctx = prepare(app.clone(), who, pairs)?;
    let (cell, radius) = (ctx.q.cell, ctx.q.radius);
    heavy(ctx, "kde", move |ctx| {
        ctx.cached_points("kde", |(x, y, _, excluded)| {
        if x.len() < 2 {
            return Ok(too_few(x.len(), excluded, "en täthetsyta"));
        }
        let (grid, result) = kde_surface(&x, &y, cell, radius)?;
        let max = result.density.iter().copied().fold(0.0, f64::max) * result.cell_area;
        let mut shown: Vec<(f64, usize)> = Vec::new();
        let mut left_out = 0usize;
        for (i, d) in result.density.iter().enumerate() {
            let v = d * result.cell_area;
            if v > 0.0 && v >= KDE_SHOWN_SHARE * max {
                shown.push((v, i));
            } else if v > 0.0 {
                left_out += 1;
            }
        }
        if shown.len() > KDE_MAX_CELLS {
            shown.select_nth_unstable_by(KDE_MAX_CELLS, |a, b| b.0.total_cmp(&a.0));
            left_out += shown.len() - KDE_MAX_CELLS;
            shown.truncate(KDE_MAX_CELLS);
        }
        let cells: Vec<Value> = shown
            .iter()
            .map(|&(v, i)| {
                json!({
                    "ring": cell_ring(&grid, i / grid.cols, i % grid.cols),
                    "value": (v * 1e4).round() / 1e4,
                })
            })
            .collect();
        Ok(json!({
            "cells": cells, "max": max, "radius": result.radius, "default_radius": radius.is_none(),
            "cell": grid.cell, "unit": "expected count per cell", "grid": grid_json(&grid),
            "events": x.len(), "excluded_area_precision": excluded, "cells_left_out": left_out,
            "warnings": result.warnings,
        }))
    })
    })
    .await
}

/// `GET /lagesbild/hotspots`: Getis-Ord Gi* on counts per grid cell (zero cells included),
/// queen contiguity, cell `cell` (default 250 m) over the points' extent plus one cell.
/// Significant cells only: `{"cells": [{"ring", "count", "z", "p", "class", "area_id",
/// "area"}], "classes":
/// {"3": n, …, "-3": n}, "fdr", "cell", "weights": "queen", "units", "events",
/// "excluded_area_precision"}`. Classes as ArcGIS Gi_Bin: ±3 = 99 %, ±2 = 95 %, ±1 = 90 %.
pub async fn hotspots(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let ctx = prepare(app.clone(), who, pairs)?;
    let (cell, fdr) = (ctx.q.cell.unwrap_or(250.0), ctx.q.fdr);
    let districts = district_polygons(&ctx.state.store.list_areas().await?);
    let state = ctx.state.clone();
    heavy(ctx, "hotspots", move |ctx| ctx.cached_points("hotspots", |(x, y, _, excluded)| {
        if x.len() < 3 {
            return Ok(too_few(x.len(), excluded, "Gi*"));
        }
        let (grid, counts, result) = gistar_cells(&x, &y, cell, fdr)?;
        let result = match result {
            Ok(r) => r,
            Err(e) => {
                return Ok(json!({
                    "cells": [], "events": x.len(), "excluded_area_precision": excluded,
                    "message": format!("Gi* kunde inte beräknas: {e}"),
                }));
            }
        };
        let mut cells = Vec::new();
        let mut hot_spots = 0usize;
        let mut classes: HashMap<i8, usize> = HashMap::new();
        for row in 0..grid.rows {
            for col in 0..grid.cols {
                let i = row * grid.cols + col;
                let class = result.class[i];
                if class != 0 {
                    *classes.entry(class).or_default() += 1;
                    let hot_spot = trygg_analysis::gistar::is_hot_spot(class);
                    hot_spots += usize::from(hot_spot);
                    // Hot spots name the district holding the cell's centre (to make a problem).
                    let (cx, cy) = grid.corner(row, col);
                    let half = grid.cell / 2.0;
                    let area = (class > 0)
                        .then(|| district_at(&state, &districts, [cx + half, cy + half]))
                        .flatten();
                    cells.push(json!({
                        "ring": cell_ring(&grid, row, col), "count": counts[i],
                        "z": (result.z[i] * 1000.0).round() / 1000.0, "p": result.p[i], "class": class,
                        "hot_spot": hot_spot,
                        "area_id": area.map(|a| a.0), "area": area.map(|a| a.1.as_str()),
                    }));
                }
            }
        }
        let classes: serde_json::Map<String, Value> = (-3..=3)
            .filter(|c| *c != 0)
            .map(|c: i8| (c.to_string(), json!(classes.get(&c).copied().unwrap_or(0))))
            .collect();
        Ok(json!({
            "cells": cells, "classes": classes, "fdr": result.fdr, "cell": grid.cell,
            "hot_spots": hot_spots, "hot_spot_min_class": trygg_analysis::gistar::HOT_SPOT_MIN_CLASS,
            "weights": "queen", "units": grid.len(), "grid": grid_json(&grid),
            "events": x.len(), "excluded_area_precision": excluded,
        }))
    }))
    .await
}

/// The districts by id: their names.
fn district_polygons(all: &[trygg_domain::Area]) -> HashMap<trygg_domain::AreaId, String> {
    all.iter()
        .filter(|a| a.kind == AreaKind::District)
        .map(|a| (a.id, a.name.clone()))
        .collect()
}

/// The district containing a point (SWEREF 99 TM `[e, n]`), by the area index that assigns
/// incidents: (id, name).
fn district_at<'a>(
    state: &App,
    districts: &'a HashMap<trygg_domain::AreaId, String>,
    [e, n]: trygg_geo::XyMetres,
) -> Option<(i64, &'a String)> {
    state
        .ingest
        .areas_at(Sweref99Tm { n, e })
        .into_iter()
        .find_map(|id| districts.get(&id).map(|name| (id.0, name)))
}

/// Areas of a kind with their polygons, and the snapshot's index for each.
fn areas_of_kind(kind: AreaKind, all: &[trygg_domain::Area]) -> Vec<&trygg_domain::Area> {
    all.iter().filter(|a| a.kind == kind).collect()
}

fn parse_kind(kind: Option<&str>) -> Result<AreaKind, AppError> {
    Ok(match kind.unwrap_or("district") {
        "district" => AreaKind::District,
        "kommun" => AreaKind::Kommun,
        "county" => AreaKind::County,
        "deso" => AreaKind::Deso,
        "custom" => AreaKind::Custom,
        other => {
            return Err(AppError::param(
                "kind",
                format!("Unknown area kind {other:?}: district, kommun, county, deso or custom."),
            ));
        }
    })
}

/// `GET /lagesbild/areas?kind=district`: choropleth. A GeoJSON FeatureCollection of the areas of
/// that kind (properties `id`, `name`, `code`, `count`), plus `total` (matching incidents),
/// `in_areas` (sum over the areas; an incident counts in each of its areas) and `max`.
/// Area-precision incidents count for kommun/county areas only (never for districts).
///
/// Rates (`trygg_analysis::rates`): each feature also has `per_1000` (incidents per 1 000
/// inhabitants, null without a usable population), `population`, `population_year` (the
/// period's last year, or the nearest earlier year with a population), `rate_status`
/// (`computed`, `no_population`, `small_population` — under
/// [`trygg_analysis::rates::MIN_POPULATION`]) and the risk-adjusted hot spot of Gi* on the rates
/// over the areas' interior points with the smallest distance band that gives every area a
/// neighbour (`rate_z`, `rate_class`, null where not computed). `rate_year`, `max_per_1000`
/// and `rate_note` (a Swedish sentence on what was left out and why) describe them.
pub async fn areas(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let mut ctx = prepare(app.clone(), who, pairs)?;
    let kind = parse_kind(ctx.q.kind.as_deref())?;
    let populations = crate::indicators::populations(app).await?;
    ctx.q.key.push_str(&format!(
        "#population={:x}",
        fingerprint(populations.iter().map(|(a, y)| format!("{}:{y:?}", a.0)))
    ));
    if let Some(r) = ctx.hit("areas") {
        return Ok(r);
    }
    let year = rate_year(app, &ctx.filter);
    let all = ctx.state.store.list_areas().await?;
    heavy(ctx, "areas", move |ctx| {
        let live = ctx.state.ingest.live();
        let shown: Vec<(&trygg_domain::Area, Option<u16>)> = areas_of_kind(kind, &all)
            .into_iter()
            .map(|a| (a, live.area_index(a.id)))
            .collect();
        ctx.cached("areas", |snapshot, filter| {
            let mut per_area: HashMap<u16, u64> = HashMap::new();
            let mut total = 0u64;
            for row in snapshot.counts(filter, Granularity::Year, false, true) {
                if let Some(a) = row.area {
                    *per_area.entry(a).or_default() += u64::from(row.count);
                }
            }
            for row in snapshot.counts(filter, Granularity::Year, false, false) {
                total += u64::from(row.count);
            }
            let counts: Vec<u64> = shown
                .iter()
                .map(|(_, idx)| idx.and_then(|i| per_area.get(&i).copied()).unwrap_or(0))
                .collect();
            let rates = area_rates(&shown, &counts, &populations, year)?;
            let max = counts.iter().copied().max().unwrap_or(0);
            let in_areas: u64 = counts.iter().sum();
            let features: Vec<Value> = shown
                .iter()
                .zip(&counts)
                .zip(&rates.per_area)
                .map(|(((a, _), count), r)| {
                    json!({
                        "type": "Feature", "geometry": a.geometry,
                        "properties": {
                            "id": a.id.0, "name": a.name, "code": a.code, "count": count,
                            "per_1000": r.rate.per_1000.map(|v| (v * 100.0).round() / 100.0),
                            "population": r.rate.population,
                            "population_year": r.rate.population_year,
                            "rate_status": r.rate.status,
                            "rate_z": r.z, "rate_class": r.class,
                        },
                    })
                })
                .collect();
            Ok(json!({
                "type": "FeatureCollection", "kind": kind.as_str(), "features": features,
                "total": total, "in_areas": in_areas, "max": max,
                "rate_year": year, "max_per_1000": rates.max, "rate_note": rates.note,
            }))
        })
    })
    .await
}

/// A short fingerprint of what a panel read besides the snapshot (FNV-1a over its debug
/// form), for its cache key.
fn fingerprint<T: std::fmt::Debug + Ord>(items: impl Iterator<Item = T>) -> u64 {
    let mut items: Vec<T> = items.collect();
    items.sort();
    format!("{items:?}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The year whose population a period's rates use: the year of its last day (local time), or
/// this year without an end.
fn rate_year(app: &App, filter: &IncidentFilter) -> i16 {
    filter
        .to
        .map(|t| {
            (t - jiff::SignedDuration::from_secs(1))
                .to_zoned(app.tz.clone())
                .year()
        })
        .unwrap_or_else(|| app.today().year())
}

/// One area's rate and its risk-adjusted Gi*.
struct AreaRate {
    rate: trygg_analysis::rates::Rate,
    z: Option<f64>,
    class: Option<i8>,
}

/// The rates of the shown areas and what to say about them.
struct AreaRates {
    per_area: Vec<AreaRate>,
    max: Option<f64>,
    note: String,
}

fn area_rates(
    shown: &[(&trygg_domain::Area, Option<u16>)],
    counts: &[u64],
    populations: &HashMap<trygg_domain::AreaId, Vec<(i16, f64)>>,
    year: i16,
) -> Result<AreaRates, AppError> {
    use trygg_analysis::rates::{self, AreaWeights, RateStatus};
    let counts: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    let pops: Vec<Vec<(i16, f64)>> = shown
        .iter()
        .map(|(a, _)| populations.get(&a.id).cloned().unwrap_or_default())
        .collect();
    let computed = rates::per_1000(&counts, &pops, year, rates::MIN_POPULATION)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // Interior points in SWEREF 99 TM; an area without one takes no part in Gi*.
    let points: Vec<Option<[f64; 2]>> = shown
        .iter()
        .map(|(a, _)| {
            trygg_geo::MultiPolygon::from_geojson_wgs84(&a.geometry)
                .ok()
                .and_then(|m| m.interior_point())
        })
        .collect();
    let usable: Vec<usize> = (0..shown.len()).filter(|&i| points[i].is_some()).collect();
    let sub: Vec<rates::Rate> = usable.iter().map(|&i| computed[i].clone()).collect();
    let xs: Vec<f64> = usable
        .iter()
        .filter_map(|&i| points[i].map(|p| p[0]))
        .collect();
    let ys: Vec<f64> = usable
        .iter()
        .filter_map(|&i| points[i].map(|p| p[1]))
        .collect();
    let mut z = vec![None; shown.len()];
    let mut class = vec![None; shown.len()];
    let mut gi_note = String::new();
    match rates::rate_hot_spots(
        &sub,
        &xs,
        &ys,
        &AreaWeights::MinimumBand,
        &GiStarOptions::default(),
    ) {
        Ok(hs) => {
            for (k, &j) in hs.areas.iter().enumerate() {
                z[usable[j]] = Some((hs.gistar.z[k] * 1000.0).round() / 1000.0);
                class[usable[j]] = Some(hs.gistar.class[k]);
            }
            gi_note = format!(
                " Gi* på takten över {} områden, avståndsband {} m (minsta som ger varje område en granne).",
                hs.areas.len(),
                crate::sv_number(hs.band.unwrap_or(0.0), 0, true)
            );
        }
        Err(e) => {
            if computed.iter().any(|r| r.per_1000.is_some()) {
                gi_note = format!(" Ingen Gi* på takten: {e}.");
            }
        }
    }
    let count = |s: RateStatus| computed.iter().filter(|r| r.status == s).count();
    let earlier: Vec<i16> = {
        let mut y: Vec<i16> = computed
            .iter()
            .filter_map(|r| {
                r.population_year
                    .filter(|&p| p != year && r.per_1000.is_some())
            })
            .collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let mut note = if count(RateStatus::Computed) == 0 {
        format!(
            "Ingen folkmängd för {year} eller tidigare finns för dessa områden: importera SCB:s folkmängd för att se händelser per 1 000 invånare."
        )
    } else {
        format!(
            "Händelser per 1 000 invånare med folkmängden {year}{}.",
            if earlier.is_empty() {
                String::new()
            } else {
                format!(
                    " (närmast tidigare år där {year} saknas: {})",
                    earlier
                        .iter()
                        .map(i16::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        )
    };
    let (none, small) = (
        count(RateStatus::NoPopulation),
        count(RateStatus::SmallPopulation),
    );
    if none > 0 && none < computed.len() {
        note.push_str(&format!(
            " {none} områden saknar folkmängd och har ingen takt."
        ));
    }
    if small > 0 {
        note.push_str(&format!(
            " {small} områden med färre än {} invånare har ingen takt (för osäker).",
            rates::MIN_POPULATION as u32
        ));
    }
    note.push_str(&gi_note);
    let max = computed
        .iter()
        .filter_map(|r| r.per_1000)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    Ok(AreaRates {
        per_area: computed
            .into_iter()
            .zip(z.into_iter().zip(class))
            .map(|(rate, (z, class))| AreaRate { rate, z, class })
            .collect(),
        max: max.map(|v| (v * 100.0).round() / 100.0),
        note,
    })
}

/// `GET /lagesbild/survey?indicator=CODE|SOURCE`: the survey layer and panel. `series` lists
/// every stored survey series (`key` = `CODE|SOURCE`, `name`, `source`, `unit`); `indicator` is
/// the one shown (the asked one, or the first); `features` are the areas with a value of it,
/// coloured by the value of their latest period (properties `id`, `name`, `period`, `value`,
/// `ci_low`, `ci_high`, `n`, `text` — the value always with its interval, "32 % (28–36),
/// n = 812"); `rows` list every value of the series by area and period, newest first. The
/// incident filter does not apply: a survey is its own period.
pub async fn survey(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let mut ctx = prepare(app.clone(), who, pairs)?;
    let stored =
        trygg_store::records::list::<trygg_domain::indicator::IndicatorValue>(app.store.as_ref())
            .await?;
    ctx.q.key.push_str(&format!(
        "#values={:x}",
        fingerprint(stored.iter().map(|s| (s.meta.id, s.meta.version)))
    ));
    if let Some(r) = ctx.hit("survey") {
        return Ok(r);
    }
    let areas = ctx.state.store.list_areas().await?;
    heavy(ctx, "survey", move |ctx| {
        use trygg_domain::indicator::Unit;
        let surveys: Vec<_> = stored
            .into_iter()
            .map(|s| s.data)
            .filter(|v| v.unit != Unit::Count)
            .collect();
        let key = |v: &trygg_domain::indicator::IndicatorValue| {
            format!("{}|{}", v.indicator.code, v.source)
        };
        let mut series: Vec<(String, String, String, Unit)> = surveys
            .iter()
            .map(|v| (key(v), v.indicator.name.clone(), v.source.clone(), v.unit))
            .collect();
        series.sort_by(|a, b| (&a.1, &a.2).cmp(&(&b.1, &b.2)));
        series.dedup_by(|a, b| a.0 == b.0);
        let chosen = match ctx.q.indicator.as_deref() {
            Some(k) => Some(series.iter().find(|s| s.0 == k).ok_or_else(|| {
                AppError::param(
                    "indicator",
                    format!(
                        "No survey series {k:?} is stored; the series are {}.",
                        series.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?),
            None => series.first(),
        };
        let by_id: HashMap<trygg_domain::AreaId, &trygg_domain::Area> =
            areas.iter().map(|a| (a.id, a)).collect();
        let mut values: Vec<(&trygg_domain::Area, &trygg_domain::indicator::IndicatorValue)> =
            match chosen {
                Some(c) => surveys
                    .iter()
                    .filter(|v| key(v) == c.0)
                    .filter_map(|v| by_id.get(&v.area).map(|a| (*a, v)))
                    .collect(),
                None => Vec::new(),
            };
        values.sort_by(|a, b| a.0.name.cmp(&b.0.name).then(b.1.period.cmp(&a.1.period)));
        let props = |a: &trygg_domain::Area, v: &trygg_domain::indicator::IndicatorValue| {
            json!({
                "id": a.id.0, "name": a.name, "period": v.period, "value": v.value,
                "ci_low": v.ci_low, "ci_high": v.ci_high, "n": v.n,
                "text": crate::indicators::describe(v),
            })
        };
        let mut latest_seen = std::collections::HashSet::new();
        let features: Vec<Value> = values
            .iter()
            .filter(|(a, _)| latest_seen.insert(a.id))
            .map(|(a, v)| json!({"type": "Feature", "geometry": a.geometry, "properties": props(a, v)}))
            .collect();
        let rows: Vec<Value> = values.iter().map(|(a, v)| props(a, v)).collect();
        let value = json!({
            "series": series.iter().map(|s| json!({"key": s.0, "name": s.1, "source": s.2, "unit": s.3})).collect::<Vec<_>>(),
            "indicator": chosen.map(|c| json!({"key": c.0, "name": c.1, "source": c.2, "unit": c.3})),
            "type": "FeatureCollection", "features": features, "rows": rows,
        });
        let generation = ctx.state.ingest.live().generation();
        ctx.store(ctx.cache_key("survey"), generation, value)
    })
    .await
}

fn week_monday(year: i16, week: i8) -> Option<Date> {
    ISOWeekDate::new(year, week, Weekday::Monday)
        .ok()
        .map(|d| d.date())
}

/// `GET /lagesbild/trend`: weekly counts (ISO weeks, local time) over the whole weeks the period
/// touches, and the same ISO weeks one year earlier:
/// `{"weeks": [{"year", "week", "label": "v. 47", "monday": "2024-11-18", "count",
/// "last_year"}], "from", "to" (the whole-week period used), "total", "total_last_year"}`.
/// `last_year` is null for week 53 when the year before has none; `partial` marks a week that
/// has not ended yet, and such weeks are left out of both totals (so the comparison is fair).
/// Without `from`, the 12 weeks before `to` (or today).
pub async fn trend(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let mut ctx = prepare(app.clone(), who, pairs)?;
    let tz = ctx.state.tz.clone();
    let to = ctx.filter.to.unwrap_or_else(|| ctx.state.now());
    let last_day = (to.to_zoned(tz.clone()) - 1.second()).date();
    let from_day = match ctx.filter.from {
        Some(f) => f.to_zoned(tz.clone()).date(),
        None => last_day - 83.days(),
    };
    let first = from_day.iso_week_date();
    let mut weeks: Vec<ISOWeekDate> = Vec::new();
    let mut d = first.date() - (i64::from(first.weekday().to_monday_zero_offset())).days();
    while d <= last_day {
        weeks.push(d.iso_week_date());
        d += 7.days();
    }
    if weeks.len() > 600 {
        return Err(AppError::param(
            "from",
            "The trend covers at most 600 weeks; choose a shorter period.",
        ));
    }
    let start_monday = weeks[0].date();
    let end_monday = weeks[weeks.len() - 1].date() + 7.days();
    let prev_start = week_monday(weeks[0].year() - 1, weeks[0].week().min(52))
        .unwrap_or(start_monday - 52.weeks());
    let ts = |d: Date| -> Result<jiff::Timestamp, AppError> {
        d.to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| AppError::param("from", e.to_string()))
    };
    let (used_from, used_to) = (start_monday, end_monday);
    let today = ctx.state.today();
    ctx.filter.from = Some(ts(prev_start)?);
    ctx.filter.to = Some(ts(end_monday)?);
    heavy(ctx, "trend", move |ctx| {
        ctx.cached("trend", move |snapshot, filter| {
            let counts: HashMap<(i16, i8), u32> = snapshot
                .weekly_counts(filter)
                .into_iter()
                .filter_map(|(k, n)| match k {
                    PeriodKey::IsoWeek { year, week } => Some(((year, week), n)),
                    _ => None,
                })
                .collect();
            let (mut total, mut total_prev) = (0u64, 0u64);
            let rows: Vec<Value> = weeks
                .iter()
                .map(|w| {
                    let (y, k) = (w.year(), w.week());
                    let count = counts.get(&(y, k)).copied().unwrap_or(0);
                    let prev = week_monday(y - 1, k)
                        .filter(|m| m.iso_week_date().week() == k)
                        .map(|_| counts.get(&(y - 1, k)).copied().unwrap_or(0));
                    let partial = w.date() + 7.days() > today;
                    if !partial {
                        total += u64::from(count);
                        total_prev += u64::from(prev.unwrap_or(0));
                    }
                    json!({
                        "year": y, "week": k, "label": format!("v. {k}"),
                        "monday": w.date().to_string(), "count": count, "last_year": prev,
                        "partial": partial,
                    })
                })
                .collect();
            Ok(json!({
                "weeks": rows, "from": used_from.to_string(), "to": used_to.to_string(),
                "total": total, "total_last_year": total_prev,
            }))
        })
    })
    .await
}

/// `GET /lagesbild/hour-weekday`: the aoristic hour × weekday profile (local time):
/// `{"values": [[24 × f64] × 7] (Monday first), "weekdays": ["mån", …], "total", "max"}`.
pub async fn hour_weekday(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let ctx = prepare(app.clone(), who, pairs)?;
    heavy(ctx, "hour-weekday", move |ctx| ctx.cached("hour-weekday", |snapshot, filter| {
        let p = snapshot.hour_weekday_profile(filter);
        let total: f64 = p.iter().flatten().sum();
        let max = p.iter().flatten().copied().fold(0.0, f64::max);
        let values: Vec<Vec<f64>> = p
            .iter()
            .map(|row| row.iter().map(|v| (v * 100.0).round() / 100.0).collect())
            .collect();
        Ok(json!({
            "values": values,
            "weekdays": ["mån", "tis", "ons", "tor", "fre", "lör", "sön"],
            "total": total.round(), "max": max,
            "method": "aoristisk: varje händelse fördelar vikten 1 jämnt över timmarna i sitt tidsfönster",
        }))
    }))
    .await
}

/// Incidents read per top place to name it: the nearest to the cell's centre first.
const PLACE_NAME_READS: usize = 25;

/// `GET /lagesbild/top-places?n=10&snap=100`: the places with the most incidents. Places are
/// grid cells of `snap` metres (default 100 m) on SWEREF 99 TM, each named by the most frequent
/// place name (`place` of the incidents, as the principal may read them) among the cell's
/// incidents, else by the nearest named incident's place (`place_near`: true; among the
/// [`PLACE_NAME_READS`] incidents nearest the cell's centre), and by the district that contains
/// the cell centre:
/// `{"places": [{"rank", "count", "share", "lat", "lon", "place", "place_near", "area",
/// "area_id"}], "events", "places_with_events", "top_percent", "share_at_top", "snap", "method",
/// "excluded_area_precision"}`.
pub async fn top_places(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let ctx = prepare(app.clone(), who, pairs)?;
    let (n, snap) = (ctx.q.n.unwrap_or(10), ctx.q.snap.unwrap_or(100.0));
    if let Some(r) = ctx.hit("top-places") {
        return Ok(r);
    }
    let districts = district_polygons(&ctx.state.store.list_areas().await?);
    let turn = ctx.state.heavy.clone().acquire_owned().await;
    if let Some(r) = ctx.hit("top-places") {
        return Ok(r);
    }
    // The statistic on the blocking pool: the places, and for each the incidents nearest its
    // centre (id, inside the cell) to read its name from.
    let (ctx, generation, mut value, candidates) = blocking(move || {
        let live = ctx.state.ingest.live();
        let (generation, rows) =
            live.with(&ctx.filter, |snapshot, filter| (live.generation(), snapshot.select(filter)));
        let excluded = rows.iter().filter(|r| !r.point_usable).count();
        let rows: Vec<_> = rows.into_iter().filter(|r| r.point_usable).collect();
        if rows.is_empty() {
            let value = json!({"places": [], "events": 0, "excluded_area_precision": excluded});
            return Ok((ctx, generation, value, Vec::new()));
        }
        let x: Vec<f64> = rows.iter().map(|r| r.x).collect();
        let y: Vec<f64> = rows.iter().map(|r| r.y).collect();
        let report = repeat_places(
            &x,
            &y,
            &RepeatOptions {
                snap_m: snap,
                min_events: 1,
                top_percent: 20.0,
            },
        )
        .map_err(|e| AppError::param("snap", e.to_string()))?;
        let mut candidates: Vec<Vec<(i64, bool)>> = Vec::new();
        let places: Vec<Value> = report
            .repeat_places
            .iter()
            .take(n)
            .enumerate()
            .map(|(i, p)| {
                let mut near: Vec<(f64, i64, bool)> = rows
                    .iter()
                    .map(|r| {
                        let (dx, dy) = (r.x - p.x, r.y - p.y);
                        let inside = dx.abs() <= snap / 2.0 && dy.abs() <= snap / 2.0;
                        (dx.hypot(dy), r.id, inside)
                    })
                    .collect();
                let k = PLACE_NAME_READS.min(near.len());
                if k < near.len() {
                    near.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0));
                    near.truncate(k);
                }
                near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                candidates.push(near.iter().map(|c| (c.1, c.2)).collect());
                let area = district_at(&ctx.state, &districts, [p.x, p.y]);
                let [lon, lat] = wgs(p.x, p.y);
                json!({
                    "rank": i + 1, "count": p.count,
                    "share": f64::from(p.count) / report.events as f64,
                    "lat": lat, "lon": lon, "place": null, "place_near": false,
                    "area": area.map(|a| a.1.as_str()), "area_id": area.map(|a| a.0),
                })
            })
            .collect();
        let value = json!({
            "places": places, "events": report.events, "places_with_events": report.places,
            "top_percent": report.top_percent, "share_at_top": report.share_at_top,
            "snap": snap, "excluded_area_precision": excluded,
            "method": format!("rutor om {snap} m (SWEREF 99 TM), namngivna efter det vanligaste platsnamnet bland rutans händelser, annars det närmaste, och stadsdelen som innehåller rutans mitt"),
        });
        Ok((ctx, generation, value, candidates))
    })
    .await?;
    drop(turn);
    // The names, read in the principal's scope.
    let scope = ctx.filter.scope;
    for (i, near) in candidates.iter().enumerate() {
        let mut names: HashMap<String, u32> = HashMap::new();
        let mut nearest: Option<String> = None;
        for &(id, inside) in near {
            if !inside && nearest.is_some() {
                continue; // the nearest named one outside is known; only the cell's count now
            }
            let Some(incident) = ctx
                .state
                .store
                .get_incident(trygg_domain::IncidentId(id), scope)
                .await?
            else {
                continue;
            };
            let Some(name) = incident
                .place
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
            else {
                continue;
            };
            if inside {
                *names.entry(name).or_default() += 1;
            } else {
                nearest = Some(name);
            }
        }
        let chosen = names
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(name, _)| (name, false))
            .or(nearest.map(|name| (name, true)));
        if let (Some((name, near)), Some(place)) = (chosen, value["places"].get_mut(i)) {
            place["place"] = json!(name);
            place["place_near"] = json!(near);
        }
    }
    ctx.store(ctx.cache_key("top-places"), generation, value)
}

/// `GET /lagesbild/near-repeat`: the Knox test, Manhattan distance, space bands 0–100, 100–200,
/// 200–400, 400–600 m, time bands 0–7, 7–14, 14–21 days, [`KNOX_PERMUTATIONS`] permutations
/// (seed 1; `permutations` 9–999), on at most
/// [`KNOX_MAX_EVENTS`] events (the most recent matching ones; `capped` says when). Cached per
/// filter and snapshot. `{"sentence": "Inom 200 m och 7 dagar …", "sentence_en": "Within 200 m
/// …", "space_labels", "time_labels", "time_labels_en", "observed", "expected", "ratio", "p",
/// "notable" (the cells the headline may name: significant after the Benjamini–Hochberg
/// correction and a ratio ≥ 1,2), "events", "events_matching", "capped", "permutations",
/// "excluded_area_precision"}`.
pub async fn near_repeat(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Panel, AppError> {
    let ctx = prepare(app.clone(), who, pairs)?;
    let permutations = ctx.q.permutations.unwrap_or(KNOX_PERMUTATIONS);
    // The permutations take up to a few hundred milliseconds.
    heavy(ctx, "near-repeat", move |ctx| {
        ctx.cached_points("near-repeat", |(mut x, mut y, mut t, excluded)| {
            let matching = x.len();
            if matching > KNOX_MAX_EVENTS {
                let mut idx: Vec<usize> = (0..matching).collect();
                idx.select_nth_unstable_by(KNOX_MAX_EVENTS, |&a, &b| t[b].total_cmp(&t[a]));
                idx.truncate(KNOX_MAX_EVENTS);
                x = idx.iter().map(|&i| x[i]).collect();
                y = idx.iter().map(|&i| y[i]).collect();
                t = idx.iter().map(|&i| t[i]).collect();
            }
            if x.len() < 2 {
                return Ok(json!({
                    "sentence": "För få händelser med punktposition för en upprepningsanalys.",
                    "sentence_en": "Too few incidents with a point position for a near-repeat analysis.",
                    "events": x.len(), "events_matching": matching, "capped": false,
                    "excluded_area_precision": excluded, "observed": [],
                }));
            }
            let mut config = KnoxConfig::new(
                vec![0.0, 100.0, 200.0, 400.0, 600.0],
                vec![0.0, 7.0, 14.0, 21.0],
            );
            config.permutations = permutations;
            config.space_labels = ["0–100 m", "100–200 m", "200–400 m", "400–600 m", "> 600 m"]
                .map(String::from)
                .to_vec();
            config.time_labels = ["0–7 dagar", "7–14 dagar", "14–21 dagar", "> 21 dagar"]
                .map(String::from)
                .to_vec();
            let r =
                knox(&x, &y, &t, &config).map_err(|e| AppError::param("query", e.to_string()))?;
            Ok(json!({
                "sentence": r.swedish_summary(&SwedishNoun::default()),
                "sentence_en": r.english_summary(&EnglishNoun::default()),
                "space_labels": r.space_labels, "time_labels": r.time_labels,
                "time_labels_en": ["0–7 days", "7–14 days", "14–21 days", "> 21 days"],
                "observed": r.observed, "expected": r.expected_mean, "ratio": r.knox_ratio,
                "p": r.p_value, "notable": r.notable_cells(),
                "min_ratio": trygg_analysis::knox::HEADLINE_MIN_RATIO,
                "events": x.len(), "events_matching": matching,
                "capped": matching > x.len(), "permutations": r.permutations,
                "metric": "manhattan", "excluded_area_precision": excluded,
            }))
        })
    })
    .await
}

/// `GET /lagesbild/map.png`: the map on the dashboard's screen as a PNG, drawn on the server
/// without tiles, for reports and slides: the layers of `layers` (as the page's query; areas
/// and hot spots by default) — districts coloured by count (`omraden`), points (`punkter`, told
/// apart by category when the filter names categories), the KDE surface (`tathet`) and the Gi*
/// cells (`hotspots`, with `cell` and `fdr` as the layer) — a title with the period, the filter in
/// words, and the source and date under the map. The survey layer is not drawn (its values are
/// in the survey panel). The PNG's `Description` text holds the title, legend and source.
pub async fn map_png(
    app: &App,
    who: &Principal,
    pairs: &[(String, String)],
) -> Result<Vec<u8>, AppError> {
    let ctx = prepare(app.clone(), who, pairs)?;
    // The page's language (the dashboard sends its own), for the legend, title and footer.
    let l = pairs
        .iter()
        .find(|(k, _)| k == "lang")
        .map_or(trygg_domain::Lang::Sv, |(_, v)| {
            trygg_domain::Lang::parse(v)
        });
    let layers: Vec<String> = ctx
        .q
        .layers
        .clone()
        .unwrap_or_else(|| vec!["omraden".into(), "hotspots".into()]);
    let on = |l: &str| layers.iter().any(|x| x == l);
    let (choropleth, points, hot, dense) =
        (on("omraden"), on("punkter"), on("hotspots"), on("tathet"));
    let areas = ctx.state.store.list_areas().await?;
    let (title, subtitle) = map_titles(&ctx, &areas, l);
    let (cell, fdr, kde_cell, radius) = (
        ctx.q.cell.unwrap_or(250.0),
        ctx.q.fdr,
        ctx.q.cell,
        ctx.q.radius,
    );
    let today = ctx.state.today();
    app.heavy_work(async move {
        let live = ctx.state.ingest.live();
        let (selected, (x, y, _, excluded)) = live.with(&ctx.filter, |s, f| {
            (
                s.counts(f, Granularity::Year, false, false)
                    .iter()
                    .map(|r| u64::from(r.count))
                    .sum::<u64>(),
                s.points(f),
            )
        });
        let mut method = Vec::new();
        let hotspots = if hot && x.len() >= 3 {
            let (grid, _, result) = gistar_cells(&x, &y, cell, fdr)?;
            result.ok().map(|gi| {
                let fdr = if gi.fdr {
                    l.t("med FDR", "with FDR")
                } else {
                    l.t("utan FDR", "without FDR")
                };
                method.push(match l {
                    trygg_domain::Lang::Sv => format!(
                        "Gi*: antal per ruta om {} m, queen, {fdr}",
                        fmt_metres(l, grid.cell)
                    ),
                    trygg_domain::Lang::En => format!(
                        "Gi*: counts per cell of {} m, queen, {fdr}",
                        fmt_metres(l, grid.cell)
                    ),
                });
                trygg_report::map::HotSpots {
                    x0: grid.x0,
                    y0: grid.y0,
                    cell: grid.cell,
                    rows: grid.rows,
                    cols: grid.cols,
                    class: gi.class,
                }
            })
        } else {
            None
        };
        let kde = if dense && x.len() >= 2 {
            let (grid, result) = kde_surface(&x, &y, kde_cell, radius)?;
            method.push(format!(
                "{} {} m",
                l.t(
                    "täthet: kvartisk kärna, sökradie",
                    "density: quartic kernel, search radius"
                ),
                fmt_metres(l, result.radius)
            ));
            Some(trygg_report::map::Raster {
                x0: grid.x0,
                y0: grid.y0,
                cell: grid.cell,
                rows: grid.rows,
                cols: grid.cols,
                values: result
                    .density
                    .iter()
                    .map(|d| d * result.cell_area)
                    .collect(),
                label: l
                    .t(
                        "Täthet (förväntat antal per ruta)",
                        "Density (expected count per cell)",
                    )
                    .into(),
            })
        } else {
            None
        };
        let selected = l.count(
            selected as i64,
            ("händelse", "händelser"),
            ("incident", "incidents"),
        );
        let placed = l.int(x.len() as i64);
        let mut footer = match l {
            trygg_domain::Lang::Sv => {
                format!("Källa: trygg, {selected} i urvalet, {placed} med punktposition")
            }
            trygg_domain::Lang::En => {
                format!("Source: trygg, {selected} selected, {placed} with a point position")
            }
        };
        if excluded > 0 {
            let excluded = l.int(excluded as i64);
            footer += &match l {
                trygg_domain::Lang::Sv => {
                    format!(" ({excluded} med bara områdesposition ingår inte i punkterna)")
                }
                trygg_domain::Lang::En => {
                    format!(" ({excluded} with only an area position are not among the points)")
                }
            };
        }
        for m in &method {
            footer += "; ";
            footer += m;
        }
        footer += &match l {
            trygg_domain::Lang::Sv => format!(". Skapad {today}. Ingen bakgrundskarta."),
            trygg_domain::Lang::En => format!(". Generated {today}. No background map."),
        };
        let what = crate::reports::FilterMap {
            title,
            subtitle,
            footer,
            choropleth,
            points,
            hotspots,
            kde,
            lang: l,
        };
        crate::reports::filter_map_png(&ctx.state, &ctx.filter, what)
            .await
            .map_err(|e| AppError::Internal(format!("map: {e}")))
    })
    .await??
    .ok_or_else(|| {
        AppError::NotFound("There are no areas to draw a map of; import areas first.".into())
    })
}

fn fmt_metres(l: trygg_domain::Lang, v: f64) -> String {
    l.int(v.round() as i64)
}

/// The PNG's title (the period, `to` exclusive shown as its last day) and the filter in words.
fn map_titles(ctx: &Ctx, areas: &[trygg_domain::Area], l: trygg_domain::Lang) -> (String, String) {
    let tz = &ctx.state.tz;
    let day = |t: jiff::Timestamp| t.to_zoned(tz.clone()).date();
    let period = match (ctx.filter.from, ctx.filter.to) {
        (Some(a), Some(b)) => format!(
            "{} – {}",
            day(a),
            (b.to_zoned(tz.clone()) - 1.second()).date()
        ),
        (Some(a), None) => format!("{} {}", l.t("från", "from"), day(a)),
        (None, Some(b)) => format!(
            "{} {}",
            l.t("till och med", "up to and including"),
            (b.to_zoned(tz.clone()) - 1.second()).date()
        ),
        (None, None) => l.t("alla datum", "all dates").into(),
    };
    let all = Taxonomy.all();
    let list = |items: Vec<String>, none: &str| {
        if items.is_empty() {
            none.to_string()
        } else {
            items.join(", ")
        }
    };
    let categories: Vec<String> = ctx
        .filter
        .categories
        .iter()
        .map(|c| {
            all.iter()
                .find(|t| t.code == c)
                .map_or_else(|| c.clone(), |t| l.t(t.label_sv, t.label_en).to_string())
        })
        .collect();
    let chosen: Vec<String> = ctx
        .filter
        .areas
        .iter()
        .map(|id| {
            areas
                .iter()
                .find(|a| a.id == *id)
                .map_or_else(|| id.0.to_string(), |a| a.name.clone())
        })
        .collect();
    let sources: Vec<String> = ctx
        .filter
        .channels
        .iter()
        .map(|c| {
            match c {
                trygg_domain::Channel::Est => l.t("EST-rapporter", "EST reports"),
                trygg_domain::Channel::Polisen => l.t("Polisens händelser", "the police's events"),
                trygg_domain::Channel::Import => l.t("importerade", "imported"),
                trygg_domain::Channel::Api => "API",
                trygg_domain::Channel::Tips => l.t("invånarnas tips", "citizens' tips"),
            }
            .to_string()
        })
        .collect();
    (
        format!("{} {period}", l.t("Lägesbild", "Situation")),
        match l {
            trygg_domain::Lang::Sv => format!(
                "Kategorier: {} · Områden: {} · Källor: {}",
                list(categories, "alla"),
                list(chosen, "alla"),
                list(sources, "alla")
            ),
            trygg_domain::Lang::En => format!(
                "Categories: {} · Areas: {} · Sources: {}",
                list(categories, "all"),
                list(chosen, "all"),
                list(sources, "all")
            ),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(len: usize) -> Bytes {
        vec![b' '; len].into()
    }

    #[test]
    fn the_cache_gives_only_answers_of_the_current_snapshot_and_stays_within_its_weight() {
        let mut c = CacheEntries::default();
        c.put("points?a".into(), 1, answer(10));
        assert!(c.get("points?a", 1).is_some());
        assert!(
            c.get("points?a", 2).is_none(),
            "never an answer of another snapshot"
        );

        // A newer snapshot's answer empties the cache; an older one's is not kept.
        c.put("kde?a".into(), 2, answer(10));
        assert!(c.get("points?a", 2).is_none() && c.get("kde?a", 2).is_some());
        assert_eq!((c.answers.len(), c.bytes), (1, 10));
        c.put("late?a".into(), 1, answer(10));
        assert!(c.get("late?a", 1).is_none() && c.get("late?a", 2).is_none());

        // Past the weight it starts again, and replacing an answer counts it once.
        c.put("kde?a".into(), 2, answer(20));
        assert_eq!(c.bytes, 20);
        c.put("big".into(), 2, answer(CACHE_BYTES - 10));
        assert_eq!((c.answers.len(), c.bytes), (1, CACHE_BYTES - 10));
        assert!(c.get("kde?a", 2).is_none());
    }
}
