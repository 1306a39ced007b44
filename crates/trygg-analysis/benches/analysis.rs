//! One benchmark per row of the speed table in ANALYSIS.md, on seeded synthetic data.
//! Run: `cargo bench -p trygg-analysis -- --warm-up-time 1 --measurement-time 3`.

use criterion::{Criterion, criterion_group, criterion_main};
use trygg_analysis::gistar::{GiStarOptions, GridWeights, gistar_grid};
use trygg_analysis::kde::{KdeOptions, kde};
use trygg_analysis::knox::{KnoxConfig, knox};
use trygg_analysis::{Filter, GridSpec, IndexSet, Snapshot, synthetic};

fn bench_knox(c: &mut Criterion) {
    let (x, y, t) = synthetic::events(45_000, 30_000.0, 1);
    let mut cfg = KnoxConfig::new(
        vec![0.0, 0.1, 200.0, 400.0, 600.0],
        vec![0.0, 7.0, 14.0, 21.0],
    );
    cfg.permutations = 999;
    cfg.seed = 1;
    let r = knox(&x, &y, &t, &cfg).unwrap();
    eprintln!("knox: {} close pairs", r.close_pairs);
    let mut g = c.benchmark_group("knox");
    g.sample_size(10);
    g.bench_function("45k_events_4x3_bands_999_perms", |b| {
        b.iter(|| knox(&x, &y, &t, &cfg).unwrap())
    });
    g.finish();
}

fn bench_gistar(c: &mut Criterion) {
    let grid = GridSpec::new(0.0, 0.0, 100.0, 1000, 1000).unwrap();
    let v = synthetic::grid_counts(1000, 1000, 2);
    let mut g = c.benchmark_group("gistar");
    g.sample_size(10);
    g.bench_function("queen_1000x1000", |b| {
        b.iter(|| gistar_grid(&grid, &v, GridWeights::Queen, &GiStarOptions::default()).unwrap())
    });
    let small = GridSpec::new(0.0, 0.0, 100.0, 200, 200).unwrap();
    let vs = synthetic::grid_counts(200, 200, 3);
    let opts = GiStarOptions {
        permutations: 999,
        seed: 1,
        ..Default::default()
    };
    g.bench_function("queen_200x200_999_perms", |b| {
        b.iter(|| gistar_grid(&small, &vs, GridWeights::Queen, &opts).unwrap())
    });
    g.finish();
}

fn bench_kde(c: &mut Criterion) {
    let (x, y, _) = synthetic::events(1_000_000, 25_000.0, 4);
    let grid = GridSpec::new(synthetic::ORIGIN.0, synthetic::ORIGIN.1, 25.0, 1000, 1000).unwrap();
    let mut g = c.benchmark_group("kde");
    g.sample_size(10);
    g.bench_function("1M_events_1000x1000_r300", |b| {
        b.iter(|| {
            kde(
                &x,
                &y,
                None,
                &grid,
                &KdeOptions {
                    radius: Some(300.0),
                    threads: 0,
                },
            )
            .unwrap()
        })
    });
    g.finish();
}

fn bench_counts(c: &mut Criterion) {
    let rows = synthetic::incidents(5_000_000, 5); // ids in time order (see synthetic.rs)
    let snap = Snapshot::from_rows(
        jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
        synthetic::ORIGIN,
        rows,
    )
    .unwrap();
    let filter = Filter {
        period: Some((1_640_995_200, 1_672_531_200)), // 2022
        categories: Some([1u16, 4, 7].into_iter().collect::<IndexSet>()),
        areas: Some(IndexSet::from_iter([101u16])),
        ..Default::default()
    };
    eprintln!(
        "weekly counts: {} weeks, {} incidents",
        snap.weekly_counts(&filter).len(),
        snap.weekly_counts(&filter).iter().map(|w| w.1).sum::<u32>()
    );
    let mut g = c.benchmark_group("counts");
    g.sample_size(20);
    g.bench_function("weekly_5M_events_period_categories_area", |b| {
        b.iter(|| snap.weekly_counts(&filter))
    });
    drop(snap);
    let shuffled = Snapshot::from_rows(
        jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
        synthetic::ORIGIN,
        synthetic::incidents_shuffled_ids(5_000_000, 5),
    )
    .unwrap();
    g.bench_function("weekly_5M_events_ids_in_random_time_order", |b| {
        b.iter(|| shuffled.weekly_counts(&filter))
    });
    g.finish();
}

criterion_group!(benches, bench_knox, bench_gistar, bench_kde, bench_counts);
criterion_main!(benches);
