//! Seeded synthetic data for benchmarks and the peer comparison (`bench/peers.sh`), so that
//! trygg and the Python peers run on exactly the same numbers.

use crate::rng::{below, normal, stream, uniform};
use crate::snapshot::IncidentRow;

/// SWEREF 99 TM origin used by the synthetic data (central Stockholm).
pub const ORIGIN: (f64, f64) = (674_000.0, 6_580_000.0);

/// Burglary-like events: half spread evenly over a `side_m` square, half in 300 clusters
/// (σ = 250 m) whose events follow each other within days (near repeats). Times in days over
/// five years. Returns (x, y, t_days).
pub fn events(n: usize, side_m: f64, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut g = stream(seed, 0);
    let clusters: Vec<(f64, f64, f64)> = (0..300)
        .map(|_| {
            (
                uniform(&mut g) * side_m,
                uniform(&mut g) * side_m,
                uniform(&mut g) * 1826.0,
            )
        })
        .collect();
    let (mut x, mut y, mut t) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for i in 0..n {
        if i % 2 == 0 {
            x.push(ORIGIN.0 + uniform(&mut g) * side_m);
            y.push(ORIGIN.1 + uniform(&mut g) * side_m);
            t.push((uniform(&mut g) * 1826.0).floor());
        } else {
            let c = clusters[below(&mut g, 300) as usize];
            x.push(ORIGIN.0 + c.0 + 250.0 * normal(&mut g));
            y.push(ORIGIN.1 + c.1 + 250.0 * normal(&mut g));
            t.push(((c.2 + 30.0 * normal(&mut g)).rem_euclid(1826.0)).floor());
        }
    }
    (x, y, t)
}

/// Grid counts with hot spots: Poisson-like small counts (row-major).
pub fn grid_counts(rows: usize, cols: usize, seed: u64) -> Vec<f64> {
    let mut g = stream(seed, 1);
    let spots: Vec<(f64, f64)> = (0..20)
        .map(|_| (uniform(&mut g) * rows as f64, uniform(&mut g) * cols as f64))
        .collect();
    let radius = (rows.min(cols) as f64 / 20.0).max(1.0);
    (0..rows * cols)
        .map(|k| {
            let (r, c) = ((k / cols) as f64, (k % cols) as f64);
            let hot = spots
                .iter()
                .any(|&(sr, sc)| (sr - r).abs() < radius && (sc - c).abs() < radius);
            let lambda: f64 = if hot { 3.0 } else { 0.5 };
            // Knuth's Poisson sampler (small λ).
            let limit = (-lambda).exp();
            let mut k = 0.0;
            let mut p = uniform(&mut g);
            while p > limit {
                k += 1.0;
                p *= uniform(&mut g);
            }
            k
        })
        .collect()
}

/// Incident rows for snapshot benchmarks: five years from 2021, 20 categories, 50 districts
/// (area 0..50) inside 3 kommuner (area 100..103), 4 sources, 10 % area centroids.
/// Ids follow the start times, as a database sequence filled in time order does (use
/// [`incidents_shuffled_ids`] for the worst case).
pub fn incidents(n: usize, seed: u64) -> Vec<IncidentRow> {
    let mut rows = incidents_shuffled_ids(n, seed);
    rows.sort_by_key(|r| r.start);
    for (i, r) in rows.iter_mut().enumerate() {
        r.id = i as i64 + 1;
    }
    rows
}

/// As [`incidents`] but with ids unrelated to time (no zone-map pruning possible).
pub fn incidents_shuffled_ids(n: usize, seed: u64) -> Vec<IncidentRow> {
    let mut g = stream(seed, 2);
    let base = 1_609_459_200; // 2021-01-01T00:00:00Z
    let span = 5 * 365 * 86_400;
    (0..n)
        .map(|i| {
            let start = base + i64::from(below(&mut g, span as u32));
            let district = below(&mut g, 50) as u16;
            IncidentRow {
                id: i as i64 + 1,
                start,
                end: start + i64::from(below(&mut g, 12)) * 3600,
                x: ORIGIN.0 + uniform(&mut g) * 30_000.0,
                y: ORIGIN.1 + uniform(&mut g) * 30_000.0,
                category: below(&mut g, 20) as u16,
                areas: vec![district, 100 + district / 17],
                source: below(&mut g, 4) as u16,
                point_usable: below(&mut g, 10) != 0,
            }
        })
        .collect()
}
