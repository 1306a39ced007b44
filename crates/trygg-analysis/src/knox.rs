//! Knox test for near-repeat patterns (space–time interaction), as in Ratcliffe's Near Repeat
//! Calculator (NRC) and Johnson & Bowers.
//!
//! # Definitions
//! - Pairs i < j of events. Spatial distance in metres: Manhattan `|dx| + |dy|` (default, as the
//!   NRC) or Euclidean. Time distance `|t_i − t_j|` in days.
//! - Bands are half-open `[a, b)` from a list of increasing edges, so `0, 0.1, 200` gives the
//!   rows `[0, 0.1)` ("same place") and `[0.1, 200)`. A last row/column "≥ last edge" is added:
//!   space row "beyond" = (all pairs in that time band) − (the enumerated pairs in that band),
//!   time column "beyond" = (pairs in that space band) − (its finite columns). Pairs below the
//!   first edge belong to no row/column.
//! - Null hypothesis: no space–time interaction. The event times are permuted over the events
//!   (R = 999 by default) and the table recomputed. Because a permutation does not change the
//!   multiset of times, the all-pairs time band counts are the same in every permutation and
//!   are computed once (sorted times, O(n log n)); pairs beyond the last finite space edge are
//!   therefore never enumerated.
//! - Knox ratio = observed / mean(simulated); the median-based ratio = observed /
//!   median(simulated). `None` when the denominator is 0 (never NaN).
//! - p = (#{sim ≥ obs} + 1) / (R + 1), one-sided (more pairs than chance).
//! - Reproducibility: permutation k uses ChaCha8 stream k of the seed ([`crate::rng`]), so the
//!   result is identical for the same seed on any machine and any thread count.
//!
//! # Algorithm
//! Close pairs (spatial distance < last finite space edge) are found with a uniform grid hash
//! whose cell is the last edge, visiting each unordered pair of neighbouring cells once. Events
//! are renumbered in grid order so that the per-permutation gathers stay in cache. For each
//! permutation only the close pairs are visited, and per space band the counts
//! `#{dt < e_m}` for each time edge are accumulated branch-free.

use serde::Serialize;

use crate::error::{AnalysisError, Result};
use crate::points::{check_edges, check_points};
use crate::rng;
use crate::special::sv_number;

/// Spatial distance measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// `|dx| + |dy|`, the NRC default.
    #[default]
    Manhattan,
    /// `sqrt(dx² + dy²)`.
    Euclidean,
}

/// Parameters of a Knox test.
#[derive(Debug, Clone)]
pub struct KnoxConfig {
    /// Space band edges in metres, strictly increasing, ≥ 0.
    pub space_edges: Vec<f64>,
    /// Time band edges in days, strictly increasing, ≥ 0.
    pub time_edges: Vec<f64>,
    /// Distance measure.
    pub metric: Metric,
    /// Number of permutations R (999 by default; 0 gives the observed table only).
    pub permutations: usize,
    /// Seed of the permutation RNG.
    pub seed: u64,
    /// Worker threads (0 = all available). Does not change the result.
    pub threads: usize,
    /// NRC compatibility: coordinates and distances in single precision (f32).
    pub single_precision: bool,
    /// Row labels (one per finite band plus the "beyond" row); generated when empty.
    pub space_labels: Vec<String>,
    /// Column labels (one per finite band plus the "beyond" column); generated when empty.
    pub time_labels: Vec<String>,
}

impl KnoxConfig {
    /// Bands given as edges, Manhattan distance, R = 999, seed 1, all threads.
    pub fn new(space_edges: Vec<f64>, time_edges: Vec<f64>) -> Self {
        Self {
            space_edges,
            time_edges,
            metric: Metric::Manhattan,
            permutations: 999,
            seed: 1,
            threads: 0,
            single_precision: false,
            space_labels: Vec::new(),
            time_labels: Vec::new(),
        }
    }

    /// Near Repeat Calculator compatibility mode.
    ///
    /// The NRC asks for a spatial bandwidth and number of spatial bands, a temporal bandwidth
    /// (days) and number of temporal bands. It labels rows "Same location", "1 to 100",
    /// "101 to 200", …, "More than 500" and columns "0 to 7", "8 to 14", …, "More than 21".
    /// A label "a to b" means `[a − 1, b)` for these integer bands, so the rows are
    /// `[0, 0]` (same location: distance exactly 0), `(0, bw)`, `[bw, 2bw)`, … and the columns
    /// `[0, tbw)`, `[tbw, 2tbw)`, …. The "More than" row is (all pairs in that time band) −
    /// (the finite rows), exactly as here. Coordinates are kept in single precision, as the
    /// NRC appears to do. What this mode reproduces: the observed table and its row/column
    /// structure exactly (for dates given as whole days, as the NRC takes); the simulated
    /// expectations and p-values agree only statistically (different random generator).
    pub fn near_repeat_calculator(
        spatial_bandwidth: f64,
        spatial_bands: usize,
        temporal_bandwidth_days: f64,
        temporal_bands: usize,
    ) -> Self {
        let mut space_edges = vec![0.0, f64::MIN_POSITIVE];
        let mut space_labels = vec!["Same location".to_string()];
        for k in 1..=spatial_bands {
            space_edges.push(spatial_bandwidth * k as f64);
            let lo = spatial_bandwidth * (k - 1) as f64 + 1.0;
            space_labels.push(format!(
                "{} to {}",
                fmt_plain(lo),
                fmt_plain(spatial_bandwidth * k as f64)
            ));
        }
        space_labels.push(format!(
            "More than {}",
            fmt_plain(spatial_bandwidth * spatial_bands as f64)
        ));
        let mut time_edges = vec![0.0];
        let mut time_labels = Vec::new();
        for k in 1..=temporal_bands {
            time_edges.push(temporal_bandwidth_days * k as f64);
            let lo = if k == 1 {
                0.0
            } else {
                temporal_bandwidth_days * (k - 1) as f64 + 1.0
            };
            time_labels.push(format!(
                "{} to {}",
                fmt_plain(lo),
                fmt_plain(temporal_bandwidth_days * k as f64)
            ));
        }
        time_labels.push(format!(
            "More than {}",
            fmt_plain(temporal_bandwidth_days * temporal_bands as f64)
        ));
        Self {
            single_precision: true,
            space_labels,
            time_labels,
            ..Self::new(space_edges, time_edges)
        }
    }
}

fn fmt_plain(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The result of a Knox test. Every table has rows = space bands (finite bands, then
/// "beyond") and columns = time bands (finite bands, then "beyond").
#[derive(Debug, Clone, Serialize)]
pub struct KnoxResult {
    /// Row labels.
    pub space_labels: Vec<String>,
    /// Column labels.
    pub time_labels: Vec<String>,
    /// Space edges used (metres).
    pub space_edges: Vec<f64>,
    /// Time edges used (days).
    pub time_edges: Vec<f64>,
    /// Distance measure.
    pub metric: Metric,
    /// Observed pair counts.
    pub observed: Vec<Vec<u64>>,
    /// Mean of the simulated counts.
    pub expected_mean: Vec<Vec<f64>>,
    /// Median of the simulated counts.
    pub expected_median: Vec<Vec<f64>>,
    /// observed / expected_mean (None when expected is 0).
    pub knox_ratio: Vec<Vec<Option<f64>>>,
    /// observed / expected_median (None when the median is 0).
    pub knox_ratio_median: Vec<Vec<Option<f64>>>,
    /// (#{sim ≥ obs} + 1) / (R + 1); None when R = 0.
    pub p_value: Vec<Vec<Option<f64>>>,
    /// Number of permutations R.
    pub permutations: usize,
    /// Seed.
    pub seed: u64,
    /// Number of events.
    pub events: usize,
    /// Number of enumerated close pairs (distance < last space edge).
    pub close_pairs: u64,
    /// Number of all pairs n(n−1)/2.
    pub all_pairs: u64,
}

/// A noun for the Swedish sentence: indefinite ("ett inbrott") and "a new one" ("ett nytt").
#[derive(Debug, Clone)]
pub struct SwedishNoun {
    /// e.g. "ett inbrott", "en stöld".
    pub indefinite: String,
    /// e.g. "ett nytt", "en ny".
    pub new_one: String,
}

impl Default for SwedishNoun {
    fn default() -> Self {
        Self {
            indefinite: "en händelse".into(),
            new_one: "en ny".into(),
        }
    }
}

impl KnoxResult {
    /// The strongest significant finding (p ≤ `alpha`, mean-based ratio > 1, finite bands
    /// only; highest ratio, then lowest p) as (row, col).
    pub fn strongest_finding(&self, alpha: f64) -> Option<(usize, usize)> {
        let rows = self.space_edges.len() - 1;
        let cols = self.time_edges.len() - 1;
        let mut best: Option<(usize, usize, f64, f64)> = None;
        for r in 0..rows {
            for c in 0..cols {
                let (Some(ratio), Some(p)) = (self.knox_ratio[r][c], self.p_value[r][c]) else {
                    continue;
                };
                if p <= alpha && ratio > 1.0 {
                    let better = match best {
                        None => true,
                        Some((_, _, br, bp)) => ratio > br || (ratio == br && p < bp),
                    };
                    if better {
                        best = Some((r, c, ratio, p));
                    }
                }
            }
        }
        best.map(|(r, c, _, _)| (r, c))
    }

    /// Which finite cells are worth a headline: significant at [`HEADLINE_FDR`] after the
    /// Benjamini–Hochberg correction for the number of finite cells tested (those with a
    /// p-value), and with a mean-based Knox ratio of at least [`HEADLINE_MIN_RATIO`].
    /// `[space band][time band]`, finite bands only. With 12 cells a lone cell needs
    /// p ≤ 0,05/12 ≈ 0,0042, so at least 239 permutations.
    pub fn notable_cells(&self) -> Vec<Vec<bool>> {
        let rows = self.space_edges.len() - 1;
        let cols = self.time_edges.len() - 1;
        let tested: Vec<f64> = (0..rows)
            .flat_map(|r| (0..cols).filter_map(move |c| self.p_value[r][c]))
            .collect();
        let threshold = crate::gistar::bh_threshold(&tested, HEADLINE_FDR);
        (0..rows)
            .map(|r| {
                (0..cols)
                    .map(|c| match (self.knox_ratio[r][c], self.p_value[r][c]) {
                        (Some(ratio), Some(p)) => {
                            threshold > 0.0 && p <= threshold && ratio >= HEADLINE_MIN_RATIO
                        }
                        _ => false,
                    })
                    .collect()
            })
            .collect()
    }

    /// The cell the sentence names: of the [notable cells](Self::notable_cells), the one with
    /// the highest ratio, then the lowest p, as (row, col); `None` when no cell is notable.
    pub fn headline_finding(&self) -> Option<(usize, usize)> {
        let notable = self.notable_cells();
        let mut best: Option<(usize, usize, f64, f64)> = None;
        for (r, row) in notable.iter().enumerate() {
            for (c, _) in row.iter().enumerate().filter(|(_, n)| **n) {
                let (ratio, p) = (
                    self.knox_ratio[r][c].unwrap_or(0.0),
                    self.p_value[r][c].unwrap_or(1.0),
                );
                if best.is_none_or(|(_, _, br, bp)| ratio > br || (ratio == br && p < bp)) {
                    best = Some((r, c, ratio, p));
                }
            }
        }
        best.map(|(r, c, _, _)| (r, c))
    }

    /// Finite cells with a p-value: how many the correction counts.
    fn cells_tested(&self) -> usize {
        let rows = self.space_edges.len() - 1;
        let cols = self.time_edges.len() - 1;
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter(|&(r, c)| self.p_value[r][c].is_some())
            .count()
    }

    /// A plain-language Swedish sentence of the [headline finding](Self::headline_finding),
    /// e.g. "Inom 200 m och 7 dagar efter ett inbrott är risken för ett nytt 1,8 gånger förhöjd
    /// (p = 0,001).", or a sentence saying that no near-repeat pattern stands out.
    pub fn swedish_summary(&self, noun: &SwedishNoun) -> String {
        let Some((r, c)) = self.headline_finding() else {
            return format!(
                "Inget upprepningsmönster sticker ut: inget avstånds- och tidsintervall har minst {} gånger så många par som slumpen ger och är signifikant efter korrektion för {} prövade intervall (Benjamini–Hochberg, 5 %, {} permutationer). Det utesluter inte svagare mönster.",
                sv_number(HEADLINE_MIN_RATIO, 1, false),
                self.cells_tested(),
                self.permutations
            );
        };
        let (s0, s1) = (self.space_edges[r], self.space_edges[r + 1]);
        let (t0, t1) = (self.time_edges[c], self.time_edges[c + 1]);
        let space = if s1 <= 1.0 {
            "På samma plats".to_string()
        } else if s0 < 1.0 {
            format!("Inom {} m", sv_number(s1, 1, true))
        } else {
            format!(
                "På {}–{} m avstånd",
                sv_number(s0, 1, true),
                sv_number(s1, 1, true)
            )
        };
        let time = if t0 == 0.0 {
            format!("{} dagar", sv_number(t1, 1, true))
        } else {
            format!(
                "{}–{} dagar",
                sv_number(t0, 1, true),
                sv_number(t1, 1, true)
            )
        };
        let ratio = self.knox_ratio[r][c].unwrap_or(1.0);
        let p = self.p_value[r][c].unwrap_or(1.0);
        format!(
            "{space} och {time} efter {} är risken för {} {} gånger förhöjd (p = {}).",
            noun.indefinite,
            noun.new_one,
            sv_number(ratio, 1, false),
            sv_number(p, 3, false)
        )
    }

    /// The English twin of [`swedish_summary`](Self::swedish_summary), from the same cell and
    /// numbers: "Within 200 m and 7 days of a burglary, the risk of another is 1.8 times
    /// higher (p = 0.001)."
    pub fn english_summary(&self, noun: &EnglishNoun) -> String {
        let en = |v: f64, d: usize, trim: bool| sv_number(v, d, trim).replace(',', ".");
        let Some((r, c)) = self.headline_finding() else {
            return format!(
                "No near-repeat pattern stands out: no distance and time band has at least {} times as many pairs as chance gives and is significant after the correction for {} bands tested (Benjamini–Hochberg, 5%, {} permutations). Weaker patterns are not ruled out.",
                en(HEADLINE_MIN_RATIO, 1, false),
                self.cells_tested(),
                self.permutations
            );
        };
        let (s0, s1) = (self.space_edges[r], self.space_edges[r + 1]);
        let (t0, t1) = (self.time_edges[c], self.time_edges[c + 1]);
        let space = if s1 <= 1.0 {
            "At the same place".to_string()
        } else if s0 < 1.0 {
            format!("Within {} m", en(s1, 1, true))
        } else {
            format!("At {}–{} m", en(s0, 1, true), en(s1, 1, true))
        };
        let time = if t0 == 0.0 {
            format!("within {} days", en(t1, 1, true))
        } else {
            format!("{}–{} days", en(t0, 1, true), en(t1, 1, true))
        };
        let ratio = self.knox_ratio[r][c].unwrap_or(1.0);
        let p = self.p_value[r][c].unwrap_or(1.0);
        format!(
            "{space} and {time} of {}, the risk of {} is {} times higher (p = {}).",
            noun.indefinite,
            noun.another,
            en(ratio, 1, false),
            en(p, 3, false)
        )
    }
}

/// The smallest mean-based Knox ratio the sentence names (an elevation worth saying).
pub const HEADLINE_MIN_RATIO: f64 = 1.2;
/// The false discovery rate of the Benjamini–Hochberg correction over the finite cells.
pub const HEADLINE_FDR: f64 = 0.05;

/// A noun for the English sentence: indefinite ("a burglary") and "another" ("another one").
#[derive(Debug, Clone)]
pub struct EnglishNoun {
    /// e.g. "a burglary", "an incident".
    pub indefinite: String,
    /// e.g. "another".
    pub another: String,
}

impl Default for EnglishNoun {
    fn default() -> Self {
        Self {
            indefinite: "an incident".into(),
            another: "another".into(),
        }
    }
}

/// Close pairs grouped by space band (group 0 = below the first edge).
struct ClosePairs {
    groups: Vec<Vec<[u32; 2]>>,
}

/// Runs the Knox test. `x`, `y` in metres, `t_days` in days (any origin).
pub fn knox(x: &[f64], y: &[f64], t_days: &[f64], config: &KnoxConfig) -> Result<KnoxResult> {
    check_points("the Knox test", x, y, 2)?;
    if t_days.len() != x.len() {
        return Err(AnalysisError::LengthMismatch {
            what: format!("{} coordinates but {} times", x.len(), t_days.len()),
        });
    }
    if let Some(i) = t_days.iter().position(|t| !t.is_finite()) {
        return Err(AnalysisError::NotFinite {
            what: "time",
            index: i,
        });
    }
    check_edges("space", &config.space_edges)?;
    check_edges("time", &config.time_edges)?;
    let n = x.len();
    if n > u32::MAX as usize {
        return Err(AnalysisError::InvalidParameter {
            name: "events",
            value: n.to_string(),
            hint: "at most 4 294 967 295 events",
        });
    }
    let s_rows = config.space_edges.len() - 1;
    let t_cols = config.time_edges.len() - 1;
    let (order, pairs) = close_pairs(
        x,
        y,
        &config.space_edges,
        config.metric,
        config.single_precision,
    );
    // Times in grid order, so that pair gathers are local.
    let times: Vec<f64> = order.iter().map(|&i| t_days[i as usize]).collect();

    let all_lt = all_pairs_time_lt(t_days, &config.time_edges);
    let all_pairs = (n as u64) * (n as u64 - 1) / 2;
    let close_total: u64 = pairs.groups.iter().map(|g| g.len() as u64).sum();
    let cells = (s_rows + 1) * (t_cols + 1);

    let r = config.permutations;
    let shape = Shape {
        pairs: &pairs,
        all_lt: &all_lt,
        all_pairs,
        s_rows,
        t_cols,
        permutations: r,
        seed: config.seed,
        threads: config.threads,
    };
    // Whole-day times and edges (dates, as the NRC takes) run exactly in i32 with twice the
    // SIMD lanes; anything else in f64. Both give the same table for whole-day data.
    let whole = |v: f64| v.fract() == 0.0 && v.abs() < 1e9;
    let integer = times.iter().all(|&t| whole(t)) && config.time_edges.iter().all(|&e| whole(e));
    let (observed, sims) = if integer {
        let t0 = times.iter().copied().fold(f64::MAX, f64::min);
        let span = times.iter().copied().fold(f64::MIN, f64::max) - t0;
        if span < 1e9 {
            let ti: Vec<i32> = times.iter().map(|&t| (t - t0) as i32).collect();
            let ei: Vec<i32> = config
                .time_edges
                .iter()
                .map(|&e| e.min(2e9) as i32)
                .collect();
            run_tables(&ti, &ei, &shape)
        } else {
            run_tables(&times, &config.time_edges, &shape)
        }
    } else {
        run_tables(&times, &config.time_edges, &shape)
    };

    let mut expected_mean = vec![vec![0.0; t_cols + 1]; s_rows + 1];
    let mut expected_median = expected_mean.clone();
    let mut knox_ratio = vec![vec![None; t_cols + 1]; s_rows + 1];
    let mut knox_ratio_median = knox_ratio.clone();
    let mut p_value = knox_ratio.clone();
    let mut column = vec![0.0; r];
    for row in 0..=s_rows {
        for col in 0..=t_cols {
            let cell = row * (t_cols + 1) + col;
            let obs = observed[cell];
            if r == 0 {
                continue;
            }
            let mut ge = 0usize;
            let mut sum = 0.0;
            for (k, v) in column.iter_mut().enumerate() {
                let s = sims[k * cells + cell];
                sum += s as f64;
                ge += usize::from(s >= obs);
                *v = s as f64;
            }
            let mean = sum / r as f64;
            let med = crate::special::median(&mut column);
            expected_mean[row][col] = mean;
            expected_median[row][col] = med;
            knox_ratio[row][col] = (mean > 0.0).then(|| obs as f64 / mean);
            knox_ratio_median[row][col] = (med > 0.0).then(|| obs as f64 / med);
            p_value[row][col] = Some((ge as f64 + 1.0) / (r as f64 + 1.0));
        }
    }
    let observed = observed.chunks(t_cols + 1).map(<[u64]>::to_vec).collect();
    let space_labels = if config.space_labels.len() == s_rows + 1 {
        config.space_labels.clone()
    } else {
        band_labels(&config.space_edges, "m")
    };
    let time_labels = if config.time_labels.len() == t_cols + 1 {
        config.time_labels.clone()
    } else {
        band_labels(&config.time_edges, "d")
    };
    Ok(KnoxResult {
        space_labels,
        time_labels,
        space_edges: config.space_edges.clone(),
        time_edges: config.time_edges.clone(),
        metric: config.metric,
        observed,
        expected_mean,
        expected_median,
        knox_ratio,
        knox_ratio_median,
        p_value,
        permutations: r,
        seed: config.seed,
        events: n,
        close_pairs: close_total,
        all_pairs,
    })
}

fn band_labels(edges: &[f64], unit: &str) -> Vec<String> {
    let mut labels: Vec<String> = edges
        .windows(2)
        .map(|w| format!("[{}, {}) {unit}", fmt_plain(w[0]), fmt_plain(w[1])))
        .collect();
    labels.push(format!("≥ {} {unit}", fmt_plain(edges[edges.len() - 1])));
    labels
}

/// `all_lt[m]` = number of all pairs with |t_i − t_j| < time_edges[m].
fn all_pairs_time_lt(t: &[f64], edges: &[f64]) -> Vec<u64> {
    let mut sorted = t.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    edges
        .iter()
        .map(|&e| {
            let mut count = 0u64;
            let mut j = 0usize;
            for i in 0..sorted.len() {
                if j < i + 1 {
                    j = i + 1;
                }
                while j < sorted.len() && sorted[j] - sorted[i] < e {
                    j += 1;
                }
                count += (j - i - 1) as u64;
            }
            count
        })
        .collect()
}

/// Permutations evaluated together: one pass over the close pairs serves `BATCH`
/// permutations, whose times are interleaved per event (`tau[event][lane]`).
const BATCH: usize = 8;

/// A time value in the permutation kernel: f64 days, or i32 whole days (exact, more SIMD lanes).
trait KnoxTime: Copy + Default + PartialOrd + Send + Sync {
    /// |a − b|.
    fn abs_diff(a: Self, b: Self) -> Self;
}

impl KnoxTime for f64 {
    #[inline(always)]
    fn abs_diff(a: Self, b: Self) -> Self {
        (a - b).abs()
    }
}

impl KnoxTime for i32 {
    #[inline(always)]
    fn abs_diff(a: Self, b: Self) -> Self {
        // Times are offsets from their minimum below 1e9, so this cannot overflow.
        (a - b).abs()
    }
}

/// What the table computation needs besides the times.
struct Shape<'a> {
    pairs: &'a ClosePairs,
    all_lt: &'a [u64],
    all_pairs: u64,
    s_rows: usize,
    t_cols: usize,
    permutations: usize,
    seed: u64,
    threads: usize,
}

/// The observed table and the R simulated tables (flattened, R × cells).
fn run_tables<T: KnoxTime>(times: &[T], edges: &[T], sh: &Shape<'_>) -> (Vec<u64>, Vec<u64>) {
    let cells = (sh.s_rows + 1) * (sh.t_cols + 1);
    let tables =
        |tau: &[[T; BATCH]], out: &mut [u64], used: usize| fill_tables(tau, edges, sh, out, used);
    let mut observed = vec![0u64; cells];
    {
        let tau: Vec<[T; BATCH]> = times.iter().map(|&t| [t; BATCH]).collect();
        tables(&tau, &mut observed, 1);
    }
    let r = sh.permutations;
    let mut sims = vec![0u64; r * cells];
    if r > 0 {
        let batches = r.div_ceil(BATCH);
        let threads = rng::threads(sh.threads).min(batches).max(1);
        let per_thread = batches.div_ceil(threads);
        std::thread::scope(|scope| {
            for (part, block) in sims.chunks_mut(per_thread * BATCH * cells).enumerate() {
                let tables = &tables;
                scope.spawn(move || {
                    let mut tau: Vec<[T; BATCH]> = vec![[T::default(); BATCH]; times.len()];
                    for (b, out) in block.chunks_mut(BATCH * cells).enumerate() {
                        let first = (part * per_thread + b) * BATCH;
                        let used = out.len() / cells;
                        for lane in 0..used {
                            for (slot, &t) in tau.iter_mut().zip(times.iter()) {
                                slot[lane] = t;
                            }
                            let mut g = rng::stream(sh.seed, (first + lane) as u64);
                            shuffle_lane(&mut g, &mut tau, lane);
                        }
                        tables(&tau, out, used);
                    }
                });
            }
        });
    }
    (observed, sims)
}

/// Fisher–Yates over lane `lane` of the interleaved times (same draws as [`rng::shuffle`]).
fn shuffle_lane<T: Copy>(g: &mut rand_chacha::ChaCha8Rng, tau: &mut [[T; BATCH]], lane: usize) {
    for i in (1..tau.len()).rev() {
        let j = rng::below(g, (i + 1) as u32) as usize;
        let tmp = tau[i][lane];
        tau[i][lane] = tau[j][lane];
        tau[j][lane] = tmp;
    }
}

/// Fills `used` consecutive (rows+1)×(cols+1) tables, one per lane of `tau`.
fn fill_tables<T: KnoxTime>(
    tau: &[[T; BATCH]],
    time_edges: &[T],
    sh: &Shape<'_>,
    out: &mut [u64],
    used: usize,
) {
    let (s_rows, t_cols) = (sh.s_rows, sh.t_cols);
    let (all_lt, all_pairs) = (sh.all_lt, sh.all_pairs);
    let ne = time_edges.len();
    let width = t_cols + 1;
    let cells = (s_rows + 1) * width;
    // Edges ≤ 0 count nothing (dt ≥ 0); only positive edges are compared.
    let active: Vec<usize> = (0..ne).filter(|&m| time_edges[m] > T::default()).collect();
    let active_edges: Vec<T> = active.iter().map(|&m| time_edges[m]).collect();
    let mut enum_lt = vec![[0u64; BATCH]; ne];
    let mut enum_total = 0u64;
    for (g, group) in sh.pairs.groups.iter().enumerate() {
        let counted = count_lt(group, tau, &active_edges);
        let mut lt = vec![[0u64; BATCH]; ne];
        for (k, &m) in active.iter().enumerate() {
            lt[m] = counted[k];
        }
        let total = group.len() as u64;
        for m in 0..ne {
            for lane in 0..BATCH {
                enum_lt[m][lane] += lt[m][lane];
            }
        }
        enum_total += total;
        if g >= 1 {
            for lane in 0..used {
                let row = &mut out[lane * cells + (g - 1) * width..lane * cells + g * width];
                for c in 0..t_cols {
                    row[c] = lt[c + 1][lane] - lt[c][lane];
                }
                row[t_cols] = total - lt[ne - 1][lane];
            }
        }
    }
    for lane in 0..used {
        let beyond = &mut out[lane * cells + s_rows * width..lane * cells + (s_rows + 1) * width];
        for c in 0..t_cols {
            beyond[c] = (all_lt[c + 1] - all_lt[c]) - (enum_lt[c + 1][lane] - enum_lt[c][lane]);
        }
        beyond[t_cols] = (all_pairs - all_lt[ne - 1]) - (enum_total - enum_lt[ne - 1][lane]);
    }
}

/// `lt[m][lane]` = number of pairs in `group` with |τ_i − τ_j| < edges[m] in that lane.
fn count_lt<T: KnoxTime>(group: &[[u32; 2]], tau: &[[T; BATCH]], edges: &[T]) -> Vec<[u64; BATCH]> {
    let mut lt = vec![[0u64; BATCH]; edges.len()];
    macro_rules! fixed {
        ($($n:literal),*) => {
            match edges.len() {
                0 => {}
                $($n => count_lt_n::<T, $n>(group, tau, edges, &mut lt),)*
                _ => {
                    for &[i, j] in group {
                        let (a, b) = (&tau[i as usize], &tau[j as usize]);
                        for lane in 0..BATCH {
                            let dt = T::abs_diff(a[lane], b[lane]);
                            for m in edges.partition_point(|&e| e <= dt)..edges.len() {
                                lt[m][lane] += 1;
                            }
                        }
                    }
                }
            }
        };
    }
    fixed!(1, 2, 3, 4, 5, 6, 7, 8);
    lt
}

#[inline]
fn count_lt_n<T: KnoxTime, const E: usize>(
    group: &[[u32; 2]],
    tau: &[[T; BATCH]],
    edges: &[T],
    lt: &mut [[u64; BATCH]],
) {
    let mut e = [T::default(); E];
    e.copy_from_slice(edges);
    // u32 accumulators, flushed every 2^31 pairs.
    for chunk in group.chunks(1 << 31) {
        let mut acc = [[0u32; BATCH]; E];
        for &[i, j] in chunk {
            let (a, b) = (&tau[i as usize], &tau[j as usize]);
            let mut dt = [T::default(); BATCH];
            for lane in 0..BATCH {
                dt[lane] = T::abs_diff(a[lane], b[lane]);
            }
            for m in 0..E {
                for lane in 0..BATCH {
                    acc[m][lane] += u32::from(dt[lane] < e[m]);
                }
            }
        }
        for m in 0..E {
            for lane in 0..BATCH {
                lt[m][lane] += u64::from(acc[m][lane]);
            }
        }
    }
}

/// Finds all pairs with spatial distance < the last space edge, grouped by band, with events
/// renumbered in grid order. Returns (new index → original index, pairs).
fn close_pairs(
    x: &[f64],
    y: &[f64],
    edges: &[f64],
    metric: Metric,
    single: bool,
) -> (Vec<u32>, ClosePairs) {
    let n = x.len();
    let max_d = edges[edges.len() - 1];
    let (x0, y0) = (
        x.iter().copied().fold(f64::MAX, f64::min),
        y.iter().copied().fold(f64::MAX, f64::min),
    );
    let cell = max_d;
    let key = |i: usize| -> (i64, i64) {
        (
            ((y[i] - y0) / cell).floor() as i64,
            ((x[i] - x0) / cell).floor() as i64,
        )
    };
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.sort_by_key(|&i| key(i as usize));
    let keys: Vec<(i64, i64)> = order.iter().map(|&i| key(i as usize)).collect();
    // Cell runs: key -> (start, end) in `order`.
    let mut runs: std::collections::HashMap<(i64, i64), (u32, u32)> =
        std::collections::HashMap::new();
    let mut s = 0;
    while s < n {
        let mut e = s + 1;
        while e < n && keys[e] == keys[s] {
            e += 1;
        }
        runs.insert(keys[s], (s as u32, e as u32));
        s = e;
    }
    let xs: Vec<f64> = order.iter().map(|&i| x[i as usize]).collect();
    let ys: Vec<f64> = order.iter().map(|&i| y[i as usize]).collect();
    let xs32: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
    let ys32: Vec<f32> = ys.iter().map(|&v| v as f32).collect();
    let dist = |a: usize, b: usize| -> f64 {
        if single {
            let dx = xs32[a] - xs32[b];
            let dy = ys32[a] - ys32[b];
            f64::from(match metric {
                Metric::Manhattan => dx.abs() + dy.abs(),
                Metric::Euclidean => (dx * dx + dy * dy).sqrt(),
            })
        } else {
            let dx = xs[a] - xs[b];
            let dy = ys[a] - ys[b];
            match metric {
                Metric::Manhattan => dx.abs() + dy.abs(),
                Metric::Euclidean => (dx * dx + dy * dy).sqrt(),
            }
        }
    };
    let mut groups: Vec<Vec<[u32; 2]>> = vec![Vec::new(); edges.len()];
    let first = edges[0];
    let mut push = |a: usize, b: usize| {
        let d = dist(a, b);
        if d < max_d {
            let g = if d < first {
                0
            } else {
                edges.partition_point(|&e| e <= d)
            };
            groups[g].push([a as u32, b as u32]);
        }
    };
    // Half neighbourhood: own cell (j > i) and 4 of the 8 neighbours.
    const HALF: [(i64, i64); 4] = [(0, 1), (1, -1), (1, 0), (1, 1)];
    let mut s = 0;
    while s < n {
        let (a_start, a_end) = runs[&keys[s]];
        let (ky, kx) = keys[s];
        for a in a_start as usize..a_end as usize {
            for b in a + 1..a_end as usize {
                push(a, b);
            }
        }
        for (dy, dx) in HALF {
            if let Some(&(b_start, b_end)) = runs.get(&(ky + dy, kx + dx)) {
                for a in a_start as usize..a_end as usize {
                    for b in b_start as usize..b_end as usize {
                        push(a, b);
                    }
                }
            }
        }
        s = a_end as usize;
    }
    (order, ClosePairs { groups })
}

/// Naive O(n²) observed table, for tests: same definitions, all pairs enumerated.
pub fn knox_observed_naive(
    x: &[f64],
    y: &[f64],
    t: &[f64],
    space: &[f64],
    time: &[f64],
    metric: Metric,
) -> Vec<Vec<u64>> {
    let (s_rows, t_cols) = (space.len() - 1, time.len() - 1);
    let mut table = vec![vec![0u64; t_cols + 1]; s_rows + 1];
    let last_s = space[s_rows];
    let last_t = time[t_cols];
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            let (dx, dy) = (x[i] - x[j], y[i] - y[j]);
            let d = match metric {
                Metric::Manhattan => dx.abs() + dy.abs(),
                Metric::Euclidean => (dx * dx + dy * dy).sqrt(),
            };
            let dt = (t[i] - t[j]).abs();
            if d < space[0] || dt < time[0] {
                continue;
            }
            let r = if d >= last_s {
                s_rows
            } else {
                space.partition_point(|&e| e <= d) - 1
            };
            let c = if dt >= last_t {
                t_cols
            } else {
                time.partition_point(|&e| e <= dt) - 1
            };
            table[r][c] += 1;
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut g = rng::stream(7, 0);
        let n = 400;
        let mut x = Vec::new();
        let mut y = Vec::new();
        let mut t = Vec::new();
        for i in 0..n {
            // clusters in space-time, so that near repeats exist
            let c = (i / 4) as f64;
            x.push(1000.0 + (c * 37.0) % 3000.0 + f64::from(rng::below(&mut g, 150)));
            y.push(2000.0 + (c * 53.0) % 3000.0 + f64::from(rng::below(&mut g, 150)));
            t.push((c * 3.0) % 365.0 + f64::from(rng::below(&mut g, 5)));
        }
        (x, y, t)
    }

    #[test]
    fn observed_matches_naive_and_seed_reproduces_across_threads() {
        let (x, y, t) = demo();
        let mut cfg = KnoxConfig::new(
            vec![0.0, 0.1, 200.0, 400.0, 600.0],
            vec![0.0, 7.0, 14.0, 21.0],
        );
        cfg.permutations = 99;
        cfg.seed = 42;
        cfg.threads = 1;
        let a = knox(&x, &y, &t, &cfg).unwrap();
        let naive = knox_observed_naive(
            &x,
            &y,
            &t,
            &cfg.space_edges,
            &cfg.time_edges,
            Metric::Manhattan,
        );
        assert_eq!(a.observed, naive);
        cfg.threads = 3;
        let b = knox(&x, &y, &t, &cfg).unwrap();
        assert_eq!(a.p_value, b.p_value);
        assert_eq!(a.expected_mean, b.expected_mean);
        // near repeats planted: the closest cell is significant
        assert!(a.p_value[1][0].unwrap() <= 0.05, "{:?}", a.p_value);
        let s = a.swedish_summary(&SwedishNoun {
            indefinite: "ett inbrott".into(),
            new_one: "ett nytt".into(),
        });
        assert!(
            s.contains("efter ett inbrott är risken för ett nytt"),
            "{s}"
        );
        assert!(s.contains("(p = 0,0"), "{s}");
    }

    #[test]
    fn whole_day_path_equals_float_path() {
        let (x, y, t) = demo();
        let mut cfg = KnoxConfig::new(
            vec![0.0, 0.1, 200.0, 400.0, 600.0],
            vec![0.0, 7.0, 14.0, 21.0],
        );
        cfg.permutations = 49;
        let whole = knox(&x, &y, &t, &cfg).unwrap();
        // Shifting every time by half a day keeps all differences but forces the f64 path.
        let shifted: Vec<f64> = t.iter().map(|v| v + 0.5).collect();
        let float = knox(&x, &y, &shifted, &cfg).unwrap();
        assert_eq!(whole.observed, float.observed);
        assert_eq!(whole.expected_mean, float.expected_mean);
        assert_eq!(whole.p_value, float.p_value);
    }

    #[test]
    fn expected_totals_are_invariant() {
        // Each simulated table sums to all pairs, so the expected table does too.
        let (x, y, t) = demo();
        let mut cfg = KnoxConfig::new(vec![0.0, 200.0, 400.0], vec![0.0, 7.0, 14.0]);
        cfg.permutations = 19;
        let r = knox(&x, &y, &t, &cfg).unwrap();
        let total: f64 = r.expected_mean.iter().flatten().sum();
        assert!((total - r.all_pairs as f64).abs() < 1e-6);
        let obs: u64 = r.observed.iter().flatten().sum();
        assert_eq!(obs, r.all_pairs);
    }

    #[test]
    fn no_finding_sentence() {
        let mut g = rng::stream(3, 0);
        let x: Vec<f64> = (0..300)
            .map(|_| f64::from(rng::below(&mut g, 5000)))
            .collect();
        let y: Vec<f64> = (0..300)
            .map(|_| f64::from(rng::below(&mut g, 5000)))
            .collect();
        let t: Vec<f64> = (0..300)
            .map(|_| f64::from(rng::below(&mut g, 365)))
            .collect();
        let mut cfg = KnoxConfig::new(vec![0.0, 100.0], vec![0.0, 1.0]);
        cfg.permutations = 99;
        let r = knox(&x, &y, &t, &cfg).unwrap();
        if r.headline_finding().is_none() {
            assert!(
                r.swedish_summary(&SwedishNoun::default())
                    .starts_with("Inget upprepningsmönster sticker ut")
            );
            assert!(
                r.english_summary(&EnglishNoun::default())
                    .starts_with("No near-repeat pattern stands out")
            );
        }
    }

    #[test]
    fn nrc_mode_labels_and_same_location() {
        let cfg = KnoxConfig::near_repeat_calculator(100.0, 3, 7.0, 2);
        assert_eq!(
            cfg.space_labels,
            [
                "Same location",
                "1 to 100",
                "101 to 200",
                "201 to 300",
                "More than 300"
            ]
        );
        assert_eq!(cfg.time_labels, ["0 to 7", "8 to 14", "More than 14"]);
        let x = [0.0, 0.0, 50.0, 150.0, 1000.0];
        let y = [0.0, 0.0, 0.0, 0.0, 0.0];
        let t = [0.0, 3.0, 9.0, 20.0, 1.0];
        let mut cfg = cfg;
        cfg.permutations = 9;
        let r = knox(&x, &y, &t, &cfg).unwrap();
        assert_eq!(r.observed[0], vec![1, 0, 0]); // the two at (0,0), 3 days apart
        let naive = knox_observed_naive(
            &x,
            &y,
            &t,
            &cfg.space_edges,
            &cfg.time_edges,
            Metric::Manhattan,
        );
        assert_eq!(r.observed, naive);
    }

    #[test]
    fn swedish_sentence_matches_the_design_example() {
        let mut r = KnoxResult {
            space_labels: band_labels(&[0.0, 0.1, 200.0, 400.0, 600.0], "m"),
            time_labels: band_labels(&[0.0, 7.0, 14.0, 21.0], "d"),
            space_edges: vec![0.0, 0.1, 200.0, 400.0, 600.0],
            time_edges: vec![0.0, 7.0, 14.0, 21.0],
            metric: Metric::Manhattan,
            observed: vec![vec![0; 4]; 5],
            expected_mean: vec![vec![1.0; 4]; 5],
            expected_median: vec![vec![1.0; 4]; 5],
            knox_ratio: vec![vec![Some(1.0); 4]; 5],
            knox_ratio_median: vec![vec![Some(1.0); 4]; 5],
            p_value: vec![vec![Some(0.5); 4]; 5],
            permutations: 999,
            seed: 1,
            events: 100,
            close_pairs: 10,
            all_pairs: 4950,
        };
        r.knox_ratio[1][0] = Some(1.84);
        r.p_value[1][0] = Some(0.001);
        r.knox_ratio[2][1] = Some(1.3);
        r.p_value[2][1] = Some(0.02);
        let noun = SwedishNoun {
            indefinite: "ett inbrott".into(),
            new_one: "ett nytt".into(),
        };
        assert_eq!(
            r.swedish_summary(&noun),
            "Inom 200 m och 7 dagar efter ett inbrott är risken för ett nytt 1,8 gånger förhöjd (p = 0,001)."
        );
        assert_eq!(
            r.english_summary(&EnglishNoun {
                indefinite: "a burglary".into(),
                another: "another".into(),
            }),
            "Within 200 m and within 7 days of a burglary, the risk of another is 1.8 times higher (p = 0.001)."
        );
        // p = 0,02 in one cell of twelve is not significant after the correction
        // (Benjamini–Hochberg needs 0,05/12 for a lone cell) ...
        r.p_value[1][0] = Some(0.2);
        assert!(
            r.swedish_summary(&noun)
                .starts_with("Inget upprepningsmönster sticker ut"),
            "{}",
            r.swedish_summary(&noun)
        );
        // ... but is when enough cells are strong together: five cells at p ≤ 0,02 pass
        // (0,02 ≤ 5 · 0,05/12).
        for (i, j) in [(0, 0), (2, 0), (3, 0), (0, 1)] {
            r.knox_ratio[i][j] = Some(1.25);
            r.p_value[i][j] = Some(0.01);
        }
        assert_eq!(
            r.swedish_summary(&noun),
            "På 200–400 m avstånd och 7–14 dagar efter ett inbrott är risken för ett nytt 1,3 gånger förhöjd (p = 0,020)."
        );
        // A significant ratio of 1,0 is not worth a headline, however small its p.
        let mut flat = r.clone();
        for row in flat.knox_ratio.iter_mut() {
            for v in row.iter_mut() {
                *v = Some(1.01);
            }
        }
        for row in flat.p_value.iter_mut() {
            for v in row.iter_mut() {
                *v = Some(0.001);
            }
        }
        assert!(flat.notable_cells().iter().flatten().all(|n| !n));
        assert!(
            flat.swedish_summary(&noun)
                .starts_with("Inget upprepningsmönster sticker ut: inget avstånds- och tidsintervall har minst 1,2 gånger så många par som slumpen ger och är signifikant efter korrektion för 12 prövade intervall"),
            "{}",
            flat.swedish_summary(&noun)
        );
    }

    #[test]
    fn bad_bands_are_refused() {
        let (x, y, t) = demo();
        let cfg = KnoxConfig::new(vec![0.0, 200.0, 100.0], vec![0.0, 7.0]);
        assert!(matches!(
            knox(&x, &y, &t, &cfg),
            Err(AnalysisError::BandsNotIncreasing { which: "space", .. })
        ));
        let one = knox(
            &[1.0],
            &[1.0],
            &[1.0],
            &KnoxConfig::new(vec![0.0, 1.0], vec![0.0, 1.0]),
        );
        assert!(matches!(one, Err(AnalysisError::TooFewEvents { .. })));
    }
}
