//! Area assignment throughput: points per second against ~6 000 DeSO-sized polygons.
//!
//! The tessellation is synthetic: a jittered 78 × 78 grid of cells over a 40 × 40 km region
//! around Uppsala (about DeSO density in a city, ≈ 0.26 km² per cell), each cell an irregular
//! polygon with ~60 vertices (its edges are wiggled, shared edges identical on both sides so the
//! cells tile the region without gaps or overlaps). Issue 3 asks for ≥ 1 M points/s.
//!
//! Measured 2026-11-24 (`cargo bench -p trygg-geo --bench area_index`), 6 084 polygons, 100 000
//! random points, on a shared 2-core builder: **3.48 M points/s** at load average ≈ 3.3
//! (28.8 ms per 100 000); 1.42 M points/s at load ≈ 5; 0.87 M/s (load ≈ 5) with the R-tree
//! alone, before the grid was added.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use trygg_geo::{AreaIndex, MultiPolygon, Polygon, Sweref99Tm, XyMetres};

const CELLS: usize = 78;
const SIZE_M: f64 = 40_000.0;
const ORIGIN: [f64; 2] = [628_000.0, 6_618_000.0];
const WIGGLES: usize = 15;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Jittered grid corners plus wiggled shared edges, so neighbouring cells share boundaries.
fn tessellation() -> Vec<MultiPolygon> {
    let step = SIZE_M / CELLS as f64;
    let mut rng = Lcg(42);
    let corner: Vec<Vec<XyMetres>> = (0..=CELLS)
        .map(|i| {
            (0..=CELLS)
                .map(|j| {
                    let jitter = |r: &mut Lcg, edge: bool| {
                        if edge {
                            0.0
                        } else {
                            (r.next() - 0.5) * step * 0.4
                        }
                    };
                    let jx = jitter(&mut rng, i == 0 || i == CELLS);
                    let jy = jitter(&mut rng, j == 0 || j == CELLS);
                    [
                        ORIGIN[0] + i as f64 * step + jx,
                        ORIGIN[1] + j as f64 * step + jy,
                    ]
                })
                .collect()
        })
        .collect();
    // Wiggled edge between two corners, deterministic per (a, b) pair so both sides agree.
    let edge = |a: XyMetres, b: XyMetres, seed: u64| -> Vec<XyMetres> {
        let mut r = Lcg(seed);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let (nx, ny) = (-dy, dx);
        (1..WIGGLES)
            .map(|k| {
                let t = k as f64 / WIGGLES as f64;
                let off = (r.next() - 0.5) * 0.06;
                [a[0] + t * dx + off * nx, a[1] + t * dy + off * ny]
            })
            .collect()
    };
    let key = |i: usize, j: usize, horiz: bool| ((i * 1000 + j) * 2 + horiz as usize) as u64 + 1;
    let mut out = Vec::with_capacity(CELLS * CELLS);
    for i in 0..CELLS {
        for j in 0..CELLS {
            let (c00, c10, c11, c01) = (
                corner[i][j],
                corner[i + 1][j],
                corner[i + 1][j + 1],
                corner[i][j + 1],
            );
            let bottom = edge(c00, c10, key(i, j, true));
            let right = edge(c10, c11, key(i + 1, j, false));
            let mut top = edge(c01, c11, key(i, j + 1, true));
            top.reverse();
            let mut left = edge(c00, c01, key(i, j, false));
            left.reverse();
            let mut ring = vec![c00];
            ring.extend(bottom);
            ring.push(c10);
            ring.extend(right);
            ring.push(c11);
            ring.extend(top);
            ring.push(c01);
            ring.extend(left);
            ring.push(c00);
            out.push(MultiPolygon(vec![Polygon {
                exterior: ring,
                holes: vec![],
            }]));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let areas = tessellation();
    for a in &areas {
        a.validate().expect("synthetic cells are simple");
    }
    let index = AreaIndex::new(&areas);
    let mut rng = Lcg(7);
    let points: Vec<Sweref99Tm> = (0..100_000)
        .map(|_| Sweref99Tm {
            e: ORIGIN[0] + rng.next() * SIZE_M,
            n: ORIGIN[1] + rng.next() * SIZE_M,
        })
        .collect();
    // Sanity: a tessellation assigns (almost) every point to exactly one cell.
    let one = points
        .iter()
        .filter(|&&p| index.containing(p).len() == 1)
        .count();
    assert!(one as f64 > 0.999 * points.len() as f64, "{one}");

    let mut g = c.benchmark_group("area_index");
    g.throughput(Throughput::Elements(points.len() as u64));
    g.bench_function(
        format!("assign_100k_points_{}_polygons", areas.len()),
        |b| {
            b.iter(|| {
                let mut sum = 0usize;
                for &p in &points {
                    index.for_each_containing(black_box(p), |a| sum += a);
                }
                sum
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
