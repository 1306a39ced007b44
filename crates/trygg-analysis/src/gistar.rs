//! Getis-Ord Gi* hot-spot statistic, as ArcGIS "Hot Spot Analysis" and PySAL
//! `esda.G_Local(y, w, transform='B', star=True)`.
//!
//! # Definition
//! On values x_j (counts per cell, zero cells included) with binary weights that include self
//! (w_ii = 1):
//! `z_i = (Σ_j w_ij x_j − x̄ W_i) / (S · sqrt((n S1_i − W_i²)/(n − 1)))`,
//! `W_i = Σ_j w_ij`, `S1_i = Σ_j w_ij² (= W_i, binary)`, `S = sqrt(Σ x_j²/n − x̄²)` (population SD).
//! Two-sided p = 2(1 − Φ(|z|)). Classes as ArcGIS `Gi_Bin`: ±3 for p < 0.01, ±2 for p < 0.05,
//! ±1 for p < 0.10 (sign of z), 0 otherwise. With `fdr` on, Benjamini–Hochberg over all units
//! at each of the three levels decides instead of the raw p.
//! Weights: grid queen (8 neighbours + self), rook (4 + self), or a distance band (all units
//! whose centres are within `d` metres, `≤ d` as libpysal's `DistanceBand`, + self).
//! PySAL's default `transform='R'` is a different statistic; we do not offer it.
//!
//! # Conditional permutations
//! Optional: for unit i, x_i is held fixed and its W_i − 1 neighbours are given values drawn
//! without replacement from the other n − 1 units, R times. As x̄ and S do not change, z_i is
//! monotone in the local sum, which is what is compared. Folded pseudo p-value as esda:
//! M = #{sim ≥ obs}; if R − M < M then M = R − M; `p_sim = (M + 1)/(R + 1)`. As esda's
//! `crand`, one set of R draws is shared by all units (draw p uses ChaCha8 stream p of the
//! seed), so results do not depend on the thread count.
//!
//! # Fast path
//! Grid weights are evaluated from row prefix sums: each neighbourhood is a union of horizontal
//! spans (one per row offset), each summed in O(1). A grid distance band is a disc of spans.
//! [`gistar_grid`] is tested against [`gistar_weights`] with explicit neighbour lists.

use serde::Serialize;

use crate::error::{AnalysisError, Result};
use crate::grid::GridSpec;
use crate::rng;
use crate::special::two_sided_p;

/// Weights on a grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum GridWeights {
    /// Queen contiguity: the 8 surrounding cells and self.
    Queen,
    /// Rook contiguity: the 4 edge-sharing cells and self.
    Rook,
    /// All cells whose centres are within this many metres (≤), and self.
    DistanceBand(f64),
}

/// Options of a Gi* run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GiStarOptions {
    /// Benjamini–Hochberg false discovery rate correction for the classes.
    pub fdr: bool,
    /// Conditional permutations R (0 = none).
    pub permutations: usize,
    /// Seed of the permutation RNG.
    pub seed: u64,
    /// Worker threads (0 = all). Does not change the result.
    pub threads: usize,
    /// Base the classes on the permutation p-values instead of the analytic ones.
    pub classes_from_permutations: bool,
}

impl Default for GiStarOptions {
    fn default() -> Self {
        Self {
            fdr: false,
            permutations: 0,
            seed: 1,
            threads: 0,
            classes_from_permutations: false,
        }
    }
}

/// The fewest ArcGIS class a cell needs to be counted as a hot spot: 2, significant at 95 %.
/// The ±1 cells (90 %) are drawn on the map but never counted or named as hot spots.
pub const HOT_SPOT_MIN_CLASS: i8 = 2;

/// Whether a Gi* class counts as a hot spot (≥ [`HOT_SPOT_MIN_CLASS`]); the dashboard and the
/// reports both count with it.
pub fn is_hot_spot(class: i8) -> bool {
    class >= HOT_SPOT_MIN_CLASS
}

/// Gi* per unit.
#[derive(Debug, Clone, Serialize)]
pub struct GiStarResult {
    /// z-scores.
    pub z: Vec<f64>,
    /// Two-sided analytic p-values.
    pub p: Vec<f64>,
    /// Folded permutation p-values, when permutations were run.
    pub p_sim: Option<Vec<f64>>,
    /// ArcGIS classes −3…3.
    pub class: Vec<i8>,
    /// Whether the FDR correction decided the classes.
    pub fdr: bool,
    /// Number of units n.
    pub n: usize,
    /// Mean x̄.
    pub mean: f64,
    /// Population SD S.
    pub sd: f64,
}

/// Explicit binary weights including self, as neighbour lists (CSR).
#[derive(Debug, Clone)]
pub struct Weights {
    offsets: Vec<usize>,
    neighbours: Vec<u32>,
}

impl Weights {
    /// From neighbour lists; self is added when missing, duplicates removed.
    pub fn from_lists(lists: &[Vec<u32>]) -> Self {
        let mut offsets = vec![0];
        let mut neighbours = Vec::new();
        for (i, list) in lists.iter().enumerate() {
            let mut l = list.clone();
            l.push(i as u32);
            l.sort_unstable();
            l.dedup();
            neighbours.extend(l);
            offsets.push(neighbours.len());
        }
        Self {
            offsets,
            neighbours,
        }
    }

    /// Distance band on points: j is a neighbour of i when the Euclidean distance ≤ `band`
    /// (self included). Grid hash with cell = band, so cost ∝ n × neighbours.
    pub fn distance_band(x: &[f64], y: &[f64], band: f64) -> Result<Self> {
        if !(band.is_finite() && band > 0.0) {
            return Err(AnalysisError::InvalidParameter {
                name: "distance band",
                value: band.to_string(),
                hint: "a positive number of metres",
            });
        }
        crate::points::check_coordinates(x, y)?;
        let n = x.len();
        let key = |i: usize| ((x[i] / band).floor() as i64, (y[i] / band).floor() as i64);
        let mut cells: std::collections::HashMap<(i64, i64), Vec<u32>> =
            std::collections::HashMap::new();
        for i in 0..n {
            cells.entry(key(i)).or_default().push(i as u32);
        }
        let mut lists = vec![Vec::new(); n];
        for (i, list) in lists.iter_mut().enumerate() {
            let (kx, ky) = key(i);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    if let Some(members) = cells.get(&(kx + dx, ky + dy)) {
                        for &j in members {
                            let (ddx, ddy) = (x[i] - x[j as usize], y[i] - y[j as usize]);
                            if (ddx * ddx + ddy * ddy).sqrt() <= band {
                                list.push(j);
                            }
                        }
                    }
                }
            }
        }
        Ok(Self::from_lists(&lists))
    }

    /// Explicit weights equal to a grid weights scheme (for tests and small grids).
    pub fn grid(grid: &GridSpec, weights: GridWeights) -> Result<Self> {
        let spans = spans(grid, weights)?;
        let mut lists = vec![Vec::new(); grid.len()];
        for r in 0..grid.rows as i64 {
            for c in 0..grid.cols as i64 {
                let list = &mut lists[(r as usize) * grid.cols + c as usize];
                for &(dr, h0, h1) in &spans {
                    let rr = r + dr;
                    if rr < 0 || rr >= grid.rows as i64 {
                        continue;
                    }
                    for dc in h0..=h1 {
                        let cc = c + dc;
                        if cc >= 0 && cc < grid.cols as i64 {
                            list.push((rr as usize * grid.cols + cc as usize) as u32);
                        }
                    }
                }
            }
        }
        Ok(Self::from_lists(&lists))
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there are no units.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Neighbours of unit i (self included).
    pub fn neighbours(&self, i: usize) -> &[u32] {
        &self.neighbours[self.offsets[i]..self.offsets[i + 1]]
    }
}

/// Neighbourhood as spans (row offset, first col offset, last col offset).
fn spans(grid: &GridSpec, weights: GridWeights) -> Result<Vec<(i64, i64, i64)>> {
    Ok(match weights {
        GridWeights::Queen => vec![(-1, -1, 1), (0, -1, 1), (1, -1, 1)],
        GridWeights::Rook => vec![(-1, 0, 0), (0, -1, 1), (1, 0, 0)],
        GridWeights::DistanceBand(d) => {
            if !(d.is_finite() && d >= 0.0) {
                return Err(AnalysisError::InvalidParameter {
                    name: "distance band",
                    value: d.to_string(),
                    hint: "a non-negative number of metres",
                });
            }
            let k = (d / grid.cell).floor() as i64;
            if k > 2_000 {
                return Err(AnalysisError::InvalidParameter {
                    name: "distance band",
                    value: d.to_string(),
                    hint: "at most 2000 cells; use a larger cell",
                });
            }
            let mut v = Vec::new();
            for dr in -k..=k {
                // largest dc with (dr² + dc²)·cell² ≤ d²
                let mut h = 0;
                while ((dr * dr + (h + 1) * (h + 1)) as f64).sqrt() * grid.cell <= d {
                    h += 1;
                }
                if ((dr * dr) as f64).sqrt() * grid.cell <= d {
                    v.push((dr, -h, h));
                }
            }
            v
        }
    })
}

fn moments(x: &[f64], what: &'static str) -> Result<(f64, f64)> {
    let n = x.len();
    if n < 2 {
        return Err(AnalysisError::TooFewUnits {
            method: what,
            needed: 2,
            got: n,
        });
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(AnalysisError::NotFinite {
            what: "value",
            index: i,
        });
    }
    let nf = n as f64;
    let mean = x.iter().sum::<f64>() / nf;
    let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nf;
    if var <= 1e-24 * mean.abs().max(1.0).powi(2) {
        return Err(AnalysisError::ZeroVariance {
            cells: n,
            value: x[0],
        });
    }
    Ok((mean, var.sqrt()))
}

/// z from a local sum and W.
#[inline]
fn z_of(local: f64, w: f64, n: f64, mean: f64, sd: f64) -> f64 {
    (local - mean * w) / (sd * ((n * w - w * w) / (n - 1.0)).sqrt())
}

/// Gi* on a grid of values (row-major, row 0 = lowest y) with grid weights: the fast path.
pub fn gistar_grid(
    grid: &GridSpec,
    values: &[f64],
    weights: GridWeights,
    options: &GiStarOptions,
) -> Result<GiStarResult> {
    if values.len() != grid.len() {
        return Err(AnalysisError::LengthMismatch {
            what: format!("{} values for a grid of {} cells", values.len(), grid.len()),
        });
    }
    let (mean, sd) = moments(values, "Gi*")?;
    let spans = spans(grid, weights)?;
    let (rows, cols) = (grid.rows, grid.cols);
    let n = values.len();
    // Row prefix sums: prefix[r*(cols+1) + c] = Σ values[r][..c].
    let mut prefix = vec![0.0; rows * (cols + 1)];
    for r in 0..rows {
        let (src, dst) = (
            &values[r * cols..(r + 1) * cols],
            &mut prefix[r * (cols + 1)..(r + 1) * (cols + 1)],
        );
        let mut acc = 0.0;
        for c in 0..cols {
            acc += src[c];
            dst[c + 1] = acc;
        }
    }
    let mut local = vec![0.0; n];
    let mut w = vec![0.0; n];
    let nf = n as f64;
    let threads = rng::threads(options.threads).min(rows).max(1);
    let band = rows.div_ceil(threads);
    let mut z = vec![0.0; n];
    let mut p = vec![0.0; n];
    let full_w = nf;
    let mut degenerate = None;
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for (part, (((lz, lp), ll), lw)) in z
            .chunks_mut(band * cols)
            .zip(p.chunks_mut(band * cols))
            .zip(local.chunks_mut(band * cols))
            .zip(w.chunks_mut(band * cols))
            .enumerate()
        {
            let prefix = &prefix;
            let spans = &spans;
            handles.push(scope.spawn(move || {
                let r0 = part * band;
                let mut bad = None;
                for (k, zk) in lz.iter_mut().enumerate() {
                    let r = (r0 + k / cols) as i64;
                    let c = (k % cols) as i64;
                    let mut sum = 0.0;
                    let mut count = 0i64;
                    for &(dr, h0, h1) in spans.iter() {
                        let rr = r + dr;
                        if rr < 0 || rr >= rows as i64 {
                            continue;
                        }
                        let a = (c + h0).max(0) as usize;
                        let b = ((c + h1 + 1).min(cols as i64)) as usize;
                        if a >= b {
                            continue;
                        }
                        let base = rr as usize * (cols + 1);
                        sum += prefix[base + b] - prefix[base + a];
                        count += (b - a) as i64;
                    }
                    let wf = count as f64;
                    if wf >= full_w && bad.is_none() {
                        bad = Some(r0 * cols + k);
                    }
                    ll[k] = sum;
                    lw[k] = wf;
                    *zk = z_of(sum, wf, nf, mean, sd);
                    lp[k] = two_sided_p(*zk);
                }
                bad
            }));
        }
        for h in handles {
            if let Some(b) = h.join().expect("Gi* worker panicked") {
                degenerate.get_or_insert(b);
            }
        }
    });
    if let Some(index) = degenerate {
        return Err(AnalysisError::NeighboursEverything { index });
    }
    let p_sim = if options.permutations > 0 {
        Some(permute(values, &local, &w, options))
    } else {
        None
    };
    Ok(finish(z, p, p_sim, options, n, mean, sd))
}

/// Gi* for arbitrary units with explicit weights (self included): the generic path, used for
/// point data with a distance band (esda's check) and as the naive twin of the grid path.
pub fn gistar_weights(
    values: &[f64],
    weights: &Weights,
    options: &GiStarOptions,
) -> Result<GiStarResult> {
    if values.len() != weights.len() {
        return Err(AnalysisError::LengthMismatch {
            what: format!(
                "{} values for {} weighted units",
                values.len(),
                weights.len()
            ),
        });
    }
    let (mean, sd) = moments(values, "Gi*")?;
    let n = values.len();
    let nf = n as f64;
    let mut z = vec![0.0; n];
    let mut p = vec![0.0; n];
    let mut local = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n {
        let nb = weights.neighbours(i);
        let sum: f64 = nb.iter().map(|&j| values[j as usize]).sum();
        let wf = nb.len() as f64;
        if nb.len() >= n {
            return Err(AnalysisError::NeighboursEverything { index: i });
        }
        local[i] = sum;
        w[i] = wf;
        z[i] = z_of(sum, wf, nf, mean, sd);
        p[i] = two_sided_p(z[i]);
    }
    let p_sim = (options.permutations > 0).then(|| permute(values, &local, &w, options));
    Ok(finish(z, p, p_sim, options, n, mean, sd))
}

/// Conditional permutation pseudo p-values (see the module docs).
///
/// As esda's `crand`: one set of R random draws of `k_max` distinct indices among n − 1 is
/// made once (draw p from ChaCha8 stream p of the seed) and shared by all units; for unit i a
/// drawn index v stands for unit v + (v ≥ i), so every unit gets W_i − 1 distinct other
/// units in each permutation. The work per unit is then gathers only, and the result does
/// not depend on the thread count.
fn permute(values: &[f64], local: &[f64], w: &[f64], options: &GiStarOptions) -> Vec<f64> {
    let n = values.len();
    let r = options.permutations;
    let k_max = w
        .iter()
        .map(|&v| v as usize)
        .max()
        .unwrap_or(1)
        .saturating_sub(1)
        .min(n - 1);
    let m1 = (n - 1) as u32;
    // draws[p * k_max + s]
    let mut draws = vec![0u32; r * k_max];
    let mut scratch: Vec<u32> = Vec::new();
    for (p, row) in draws.chunks_mut(k_max.max(1)).enumerate().take(r) {
        let mut g = rng::stream(options.seed, p as u64);
        if k_max <= 32 {
            let mut filled = 0;
            while filled < k_max {
                let v = rng::below(&mut g, m1);
                if !row[..filled].contains(&v) {
                    row[filled] = v;
                    filled += 1;
                }
            }
        } else {
            if scratch.is_empty() {
                scratch = (0..m1).collect();
            }
            for s in 0..k_max {
                let j = s + rng::below(&mut g, m1 - s as u32) as usize;
                scratch.swap(s, j);
                row[s] = scratch[s];
            }
        }
    }
    let mut p_sim = vec![0.0; n];
    let threads = rng::threads(options.threads).min(n).max(1);
    let chunk = n.div_ceil(threads);
    let draws = &draws;
    std::thread::scope(|scope| {
        for (part, out) in p_sim.chunks_mut(chunk).enumerate() {
            scope.spawn(move || {
                for (k, slot) in out.iter_mut().enumerate() {
                    let i = part * chunk + k;
                    let others = (w[i] as usize).saturating_sub(1);
                    let (xi, obs) = (values[i], local[i]);
                    let iu = i as u32;
                    let mut ge = 0usize;
                    for row in draws.chunks_exact(k_max.max(1)).take(r) {
                        let mut sum = xi;
                        for &v in &row[..others] {
                            sum += values[(v + u32::from(v >= iu)) as usize];
                        }
                        ge += usize::from(sum >= obs);
                    }
                    let m = if r - ge < ge { r - ge } else { ge };
                    *slot = (m as f64 + 1.0) / (r as f64 + 1.0);
                }
            });
        }
    });
    p_sim
}

/// The Benjamini–Hochberg threshold: the largest p_(k) with p_(k) ≤ k·α/m (0 when none).
pub fn bh_threshold(p: &[f64], alpha: f64) -> f64 {
    let mut sorted: Vec<f64> = p.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let m = sorted.len() as f64;
    let mut threshold = 0.0;
    for (k, &pk) in sorted.iter().enumerate() {
        if pk <= (k as f64 + 1.0) * alpha / m {
            threshold = pk;
        }
    }
    threshold
}

fn finish(
    z: Vec<f64>,
    p: Vec<f64>,
    p_sim: Option<Vec<f64>>,
    options: &GiStarOptions,
    n: usize,
    mean: f64,
    sd: f64,
) -> GiStarResult {
    let basis = match (&p_sim, options.classes_from_permutations) {
        (Some(ps), true) => ps.as_slice(),
        _ => p.as_slice(),
    };
    let levels = [(0.01, 3i8), (0.05, 2), (0.10, 1)];
    let cut: Vec<(f64, bool, i8)> = levels
        .iter()
        .map(|&(a, c)| {
            if options.fdr {
                (bh_threshold(basis, a), true, c)
            } else {
                (a, false, c)
            }
        })
        .collect();
    let class = z
        .iter()
        .zip(basis)
        .map(|(&zi, &pi)| {
            for &(t, inclusive, c) in &cut {
                let hit = if inclusive {
                    t > 0.0 && pi <= t
                } else {
                    pi < t
                };
                if hit {
                    return if zi > 0.0 { c } else { -c };
                }
            }
            0
        })
        .collect();
    GiStarResult {
        z,
        p,
        p_sim,
        class,
        fdr: options.fdr,
        n,
        mean,
        sd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esda_docstring_check_values() {
        let x = [10.0, 20.0, 40.0, 15.0, 30.0, 30.0];
        let y = [10.0, 10.0, 10.0, 20.0, 20.0, 30.0];
        let v = [2.0, 3.0, 3.2, 5.0, 8.0, 7.0];
        let w = Weights::distance_band(&x, &y, 15.0).unwrap();
        let r = gistar_weights(&v, &w, &GiStarOptions::default()).unwrap();
        let want = [
            -1.397_276_26,
            -0.289_177_62,
            0.650_649_64,
            -0.289_177_62,
            1.234_520_88,
            2.024_243_31,
        ];
        for (got, want) in r.z.iter().zip(want) {
            assert!((got - want).abs() < 1e-7, "{:?}", r.z);
        }
    }

    #[test]
    fn grid_fast_path_equals_generic_weights() {
        let grid = GridSpec::new(0.0, 0.0, 10.0, 7, 9).unwrap();
        let mut g = rng::stream(5, 0);
        let v: Vec<f64> = (0..grid.len())
            .map(|_| f64::from(rng::below(&mut g, 6)))
            .collect();
        for weights in [
            GridWeights::Queen,
            GridWeights::Rook,
            GridWeights::DistanceBand(25.0),
        ] {
            let opts = GiStarOptions {
                permutations: 49,
                seed: 9,
                ..Default::default()
            };
            let fast = gistar_grid(&grid, &v, weights, &opts).unwrap();
            let slow = gistar_weights(&v, &Weights::grid(&grid, weights).unwrap(), &opts).unwrap();
            for (a, b) in fast.z.iter().zip(&slow.z) {
                assert!((a - b).abs() < 1e-10);
            }
            assert_eq!(fast.p_sim, slow.p_sim);
            assert_eq!(fast.class, slow.class);
        }
    }

    #[test]
    fn permutations_do_not_depend_on_threads() {
        let grid = GridSpec::new(0.0, 0.0, 1.0, 20, 20).unwrap();
        let v: Vec<f64> = (0..400).map(|i| ((i * 7919) % 13) as f64).collect();
        let mut opts = GiStarOptions {
            permutations: 99,
            seed: 3,
            threads: 1,
            ..Default::default()
        };
        let a = gistar_grid(&grid, &v, GridWeights::Queen, &opts).unwrap();
        opts.threads = 4;
        let b = gistar_grid(&grid, &v, GridWeights::Queen, &opts).unwrap();
        assert_eq!(a.p_sim, b.p_sim);
    }

    #[test]
    fn zero_variance_is_refused() {
        let grid = GridSpec::new(0.0, 0.0, 1.0, 3, 3).unwrap();
        let e = gistar_grid(
            &grid,
            &[0.0; 9],
            GridWeights::Queen,
            &GiStarOptions::default(),
        );
        assert!(matches!(e, Err(AnalysisError::ZeroVariance { .. })));
    }

    #[test]
    fn bh_threshold_example() {
        let p = [0.01, 0.04, 0.03, 0.005, 0.2];
        // sorted 0.005 0.01 0.03 0.04 0.2; k·0.05/5 = 0.01 0.02 0.03 0.04 0.05 → largest 0.04
        assert_eq!(bh_threshold(&p, 0.05), 0.04);
    }
}

#[cfg(test)]
mod hot_spot_rule {
    use super::*;

    #[test]
    fn only_95_percent_and_above_is_a_hot_spot() {
        assert_eq!(
            (-3..=3).filter(|c| is_hot_spot(*c)).collect::<Vec<i8>>(),
            [2, 3]
        );
    }
}
