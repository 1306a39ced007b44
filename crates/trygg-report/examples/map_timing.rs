//! Times a map with many points (run with `--release` for real numbers):
//! `cargo run -p trygg-report --example map_timing --release -- 100000`.

use std::time::Instant;

use trygg_report::map::{self, MapPoint, MapSpec};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let mut state = 1u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let points = (0..n)
        .map(|i| MapPoint {
            x: 640_000.0 + 20_000.0 * next(),
            y: 6_630_000.0 + 15_000.0 * next(),
            class: i % 3,
        })
        .collect();
    let spec = MapSpec {
        title: format!("{n} punkter"),
        point_classes: vec!["A".into(), "B".into(), "C".into()],
        points,
        ..MapSpec::default()
    };
    let t = Instant::now();
    let png = map::render(&spec).expect("map");
    println!("{n} points: {} bytes in {:.2?}", png.len(), t.elapsed());
}
