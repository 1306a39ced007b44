//! Writes the seeded benchmark data as CSV for `bench/peers.sh`, runs trygg on the same data
//! and writes its timings and results, so the Python peers can be compared number for number.
//!
//! `cargo run --release -p trygg-analyze-cli --example gen_bench_data -- bench/data`

use std::io::Write;
use std::time::Instant;

use trygg_analysis::gistar::{GiStarOptions, GridWeights, gistar_grid};
use trygg_analysis::knox::{KnoxConfig, knox};
use trygg_analysis::{Filter, GridSpec, IndexSet, Snapshot, synthetic};

fn best(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn main() -> anyhow::Result<()> {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "bench/data".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let mut times = serde_json::Map::new();

    // Knox: 45 000 events, 4×3 bands to 600 m / 21 days, 999 permutations.
    let (x, y, t) = synthetic::events(45_000, 30_000.0, 1);
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("knox.csv"))?);
    writeln!(w, "x,y,t")?;
    for i in 0..x.len() {
        writeln!(w, "{},{},{}", x[i], y[i], t[i])?;
    }
    w.flush()?;
    let cfg = KnoxConfig::new(
        vec![0.0, 0.1, 200.0, 400.0, 600.0],
        vec![0.0, 7.0, 14.0, 21.0],
    );
    let mut result = None;
    times.insert(
        "knox_s".into(),
        best(3, || result = Some(knox(&x, &y, &t, &cfg).unwrap())).into(),
    );
    let result = result.unwrap();
    times.insert(
        "knox_observed".into(),
        serde_json::to_value(&result.observed)?,
    );
    times.insert("knox_close_pairs".into(), result.close_pairs.into());

    // Gi*: 200 × 200 grid counts (esda's size), queen; also 999 permutations.
    let (rows, cols) = (200, 200);
    let grid = GridSpec::new(0.0, 0.0, 100.0, rows, cols)?;
    let v = synthetic::grid_counts(rows, cols, 3);
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("grid200.csv"))?);
    writeln!(w, "row,col,count")?;
    for r in 0..rows {
        for c in 0..cols {
            writeln!(w, "{r},{c},{}", v[r * cols + c])?;
        }
    }
    w.flush()?;
    let mut gi = None;
    times.insert(
        "gistar200_s".into(),
        best(10, || {
            gi =
                Some(gistar_grid(&grid, &v, GridWeights::Queen, &GiStarOptions::default()).unwrap())
        })
        .into(),
    );
    let gi = gi.unwrap();
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("grid200_trygg_z.csv"))?);
    writeln!(w, "z")?;
    for z in &gi.z {
        writeln!(w, "{z}")?;
    }
    w.flush()?;
    let perm = GiStarOptions {
        permutations: 999,
        ..Default::default()
    };
    times.insert(
        "gistar200_perm999_s".into(),
        best(3, || {
            drop(gistar_grid(&grid, &v, GridWeights::Queen, &perm).unwrap())
        })
        .into(),
    );
    let big = GridSpec::new(0.0, 0.0, 100.0, 1000, 1000)?;
    let vb = synthetic::grid_counts(1000, 1000, 2);
    times.insert(
        "gistar1000_s".into(),
        best(5, || {
            drop(gistar_grid(&big, &vb, GridWeights::Queen, &GiStarOptions::default()).unwrap())
        })
        .into(),
    );

    // Filtered weekly counts: 5 M incidents.
    let rows_5m = synthetic::incidents(5_000_000, 5);
    let mut w = std::io::BufWriter::new(std::fs::File::create(dir.join("incidents.csv"))?);
    writeln!(w, "id,start,category,a0,a1,source,point")?;
    for r in &rows_5m {
        writeln!(
            w,
            "{},{},{},{},{},{},{}",
            r.id,
            r.start,
            r.category,
            r.areas[0],
            r.areas[1],
            r.source,
            u8::from(r.point_usable)
        )?;
    }
    w.flush()?;
    let snap = Snapshot::from_rows(
        jiff::tz::TimeZone::get("Europe/Stockholm")?,
        synthetic::ORIGIN,
        rows_5m,
    )?;
    let filter = Filter {
        period: Some((1_640_995_200, 1_672_531_200)),
        categories: Some([1u16, 4, 7].into_iter().collect::<IndexSet>()),
        areas: Some(IndexSet::from_iter([101u16])),
        ..Default::default()
    };
    let mut weekly = Vec::new();
    times.insert(
        "weekly_counts_s".into(),
        best(20, || weekly = snap.weekly_counts(&filter)).into(),
    );
    times.insert(
        "weekly_counts_total".into(),
        weekly.iter().map(|w| u64::from(w.1)).sum::<u64>().into(),
    );

    std::fs::write(
        dir.join("trygg_times.json"),
        serde_json::to_string_pretty(&times)?,
    )?;
    println!("{}", serde_json::to_string_pretty(&times)?);
    Ok(())
}
