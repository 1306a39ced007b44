//! Quick timing of the speed-table workloads: the minimum of several runs (robust on a shared
//! machine), with 1 thread and with all threads. `cargo run --release -p trygg-analysis
//! --example timing [knox|gistar|perm|kde|counts]`.

use std::time::Instant;

use trygg_analysis::gistar::{GiStarOptions, GridWeights, gistar_grid};
use trygg_analysis::kde::{KdeOptions, kde};
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

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let all = which.is_empty();
    for threads in [1, 0] {
        let label = if threads == 1 {
            "1 thread"
        } else {
            "all threads"
        };
        if all || which == "knox" {
            let (x, y, t) = synthetic::events(45_000, 30_000.0, 1);
            let mut cfg = KnoxConfig::new(
                vec![0.0, 0.1, 200.0, 400.0, 600.0],
                vec![0.0, 7.0, 14.0, 21.0],
            );
            cfg.threads = threads;
            println!(
                "knox 45k 999 perms ({label}): {:.3} s",
                best(3, || drop(knox(&x, &y, &t, &cfg).unwrap()))
            );
        }
        if all || which == "gistar" {
            let grid = GridSpec::new(0.0, 0.0, 100.0, 1000, 1000).unwrap();
            let v = synthetic::grid_counts(1000, 1000, 2);
            let o = GiStarOptions {
                threads,
                ..Default::default()
            };
            println!(
                "gi* queen 1000² ({label}): {:.3} s",
                best(5, || drop(
                    gistar_grid(&grid, &v, GridWeights::Queen, &o).unwrap()
                ))
            );
        }
        if all || which == "perm" {
            let grid = GridSpec::new(0.0, 0.0, 100.0, 200, 200).unwrap();
            let v = synthetic::grid_counts(200, 200, 3);
            let o = GiStarOptions {
                threads,
                permutations: 999,
                ..Default::default()
            };
            println!(
                "gi* 999 perms 200² ({label}): {:.3} s",
                best(3, || drop(
                    gistar_grid(&grid, &v, GridWeights::Queen, &o).unwrap()
                ))
            );
        }
        if all || which == "kde" {
            let (x, y, _) = synthetic::events(1_000_000, 25_000.0, 4);
            let grid = {
                let cell: f64 = std::env::var("KDE_CELL")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(25.0);
                let side = (25_000.0 / cell) as usize;
                GridSpec::new(synthetic::ORIGIN.0, synthetic::ORIGIN.1, cell, side, side).unwrap()
            };
            let o = KdeOptions {
                radius: Some(300.0),
                threads,
            };
            println!(
                "kde 1M → 1000² r=300 ({label}): {:.3} s",
                best(3, || drop(kde(&x, &y, None, &grid, &o).unwrap()))
            );
        }
        if (all || which == "counts") && threads == 0 {
            let f = Filter {
                period: Some((1_640_995_200, 1_672_531_200)),
                categories: Some([1u16, 4, 7].into_iter().collect::<IndexSet>()),
                areas: Some(IndexSet::from_iter([101u16])),
                ..Default::default()
            };
            let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
            let snap = Snapshot::from_rows(
                tz.clone(),
                synthetic::ORIGIN,
                synthetic::incidents(5_000_000, 5),
            )
            .unwrap();
            println!(
                "weekly counts 5M, ids in time order ({label}): {:.4} s",
                best(20, || drop(snap.weekly_counts(&f)))
            );
            drop(snap);
            let snap = Snapshot::from_rows(
                tz,
                synthetic::ORIGIN,
                synthetic::incidents_shuffled_ids(5_000_000, 5),
            )
            .unwrap();
            println!(
                "weekly counts 5M, ids in random time order ({label}): {:.4} s",
                best(20, || drop(snap.weekly_counts(&f)))
            );
        }
    }
}
