//! Every fast path against its naive twin on random data.

use proptest::prelude::*;
use trygg_analysis::gistar::{GiStarOptions, GridWeights, Weights, gistar_grid, gistar_weights};
use trygg_analysis::kde::{KdeOptions, kde, kde_naive};
use trygg_analysis::knox::{KnoxConfig, Metric, knox, knox_observed_naive};
use trygg_analysis::snapshot::{Granularity, IncidentRow, PeriodKey};
use trygg_analysis::{Filter, GridSpec, IndexSet, Snapshot};

fn edges(first: f64, steps: Vec<f64>) -> Vec<f64> {
    let mut e = vec![first];
    for s in steps {
        let last = *e.last().unwrap();
        e.push(last + s);
    }
    e
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn knox_pair_counting_equals_all_pairs(
        pts in prop::collection::vec((0.0..2000.0f64, 0.0..2000.0f64, 0.0..60.0f64), 3..120),
        space in prop::collection::vec(1.0..300.0f64, 1..4),
        time in prop::collection::vec(0.5..10.0f64, 1..4),
        euclid in any::<bool>(),
        integer in any::<bool>(),
        offset in any::<bool>(),
    ) {
        // Integer coordinates/times provoke exact ties on band edges.
        let r = |v: f64| if integer { v.round() } else { v };
        let x: Vec<f64> = pts.iter().map(|p| r(p.0 / 10.0) * 10.0).collect();
        let y: Vec<f64> = pts.iter().map(|p| r(p.1 / 10.0) * 10.0).collect();
        let t: Vec<f64> = pts.iter().map(|p| r(p.2)).collect();
        // With `offset`, the first edges are above 0, so some close pairs fall below every band.
        let (s0, t0) = if offset { (r(space[0] / 3.0), r(time[0] / 3.0)) } else { (0.0, 0.0) };
        let (space, time) = (edges(s0, space.iter().map(|s| r(*s).max(1.0)).collect()), edges(t0, time.iter().map(|s| r(*s).max(1.0)).collect()));
        prop_assume!(x.iter().zip(&y).any(|(a, b)| *a != x[0] || *b != y[0]));
        let mut cfg = KnoxConfig::new(space.clone(), time.clone());
        cfg.metric = if euclid { Metric::Euclidean } else { Metric::Manhattan };
        cfg.permutations = 0;
        let fast = knox(&x, &y, &t, &cfg).unwrap();
        prop_assert_eq!(fast.observed, knox_observed_naive(&x, &y, &t, &space, &time, cfg.metric));
    }

    #[test]
    fn gistar_grid_equals_generic_weights(
        rows in 2usize..9, cols in 2usize..9,
        seed in any::<u64>(),
        kind in 0u8..3, band in 5.0..40.0f64,
    ) {
        let grid = GridSpec::new(0.0, 0.0, 10.0, rows, cols).unwrap();
        let mut s = seed;
        let v: Vec<f64> = (0..grid.len()).map(|_| { s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); ((s >> 33) % 7) as f64 }).collect();
        prop_assume!(v.iter().any(|a| *a != v[0]));
        let w = match kind { 0 => GridWeights::Queen, 1 => GridWeights::Rook, _ => GridWeights::DistanceBand(band) };
        let opts = GiStarOptions { permutations: 19, seed, ..Default::default() };
        let fast = gistar_grid(&grid, &v, w, &opts);
        let slow = gistar_weights(&v, &Weights::grid(&grid, w).unwrap(), &opts);
        match (fast, slow) {
            (Ok(f), Ok(s)) => {
                for (a, b) in f.z.iter().zip(&s.z) { prop_assert!((a - b).abs() < 1e-9); }
                prop_assert_eq!(f.class, s.class);
                prop_assert_eq!(f.p_sim, s.p_sim);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "fast {:?} vs slow {:?}", a.is_ok(), b.is_ok()),
        }
    }

    #[test]
    fn kde_splat_equals_naive_sum(
        pts in prop::collection::vec((-100.0..700.0f64, -100.0..700.0f64), 2..40),
        radius in 20.0..200.0f64, cell in 5.0..20.0f64, threads in 1usize..4,
    ) {
        let x: Vec<f64> = pts.iter().map(|p| p.0 + 1000.0).collect();
        let y: Vec<f64> = pts.iter().map(|p| p.1 + 1000.0).collect();
        prop_assume!(x.iter().zip(&y).any(|(a, b)| *a != x[0] || *b != y[0]));
        let grid = GridSpec::new(1000.0, 1000.0, cell, (600.0 / cell) as usize, (500.0 / cell) as usize).unwrap();
        let fast = kde(&x, &y, None, &grid, &KdeOptions { radius: Some(radius), threads }).unwrap();
        let naive = kde_naive(&x, &y, &grid, radius);
        for (a, b) in fast.density.iter().zip(&naive) {
            prop_assert!((a - b).abs() <= 1e-12 + 1e-9 * b.abs());
        }
    }

    #[test]
    fn filtered_counts_equal_naive_filter(
        // Up to 9 areas per incident (repeats included): county, kommun, district, DeSO and own
        // areas overlap freely.
        rows in prop::collection::vec((0i64..3_000_000, 0u32..200_000, 0u16..6, prop::collection::vec(0u16..12, 0..9), 0u8..3, any::<bool>()), 1..200),
        period in (0i64..1_500_000, 1i64..3_000_000),
        cats in prop::collection::vec(0u16..6, 0..4),
        areas in prop::collection::vec(0u16..12, 0..4),
        use_period in any::<bool>(), use_cats in any::<bool>(), use_areas in any::<bool>(), point_only in any::<bool>(),
    ) {
        let base = 1_767_225_600; // 2026-01-01T00:00:00Z
        let incidents: Vec<IncidentRow> = rows.iter().enumerate().map(|(i, r)| IncidentRow {
            id: i as i64 * 3,
            start: base + r.0 * 10,
            end: base + r.0 * 10 + i64::from(r.1),
            x: 674_000.0 + f64::from(r.2),
            y: 6_580_000.0,
            category: r.2,
            areas: r.3.clone(),
            source: u16::from(r.4),
            point_usable: r.5,
        }).collect();
        let snap = Snapshot::from_rows(jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(), (674_000.0, 6_580_000.0), incidents.clone()).unwrap();
        let filter = Filter {
            period: use_period.then_some((base + period.0 * 10, base + (period.0 + period.1) * 10)),
            categories: use_cats.then(|| cats.iter().copied().collect::<IndexSet>()),
            areas: use_areas.then(|| areas.iter().copied().collect::<IndexSet>()),
            sources: None,
            point_usable_only: point_only,
        };
        let naive: Vec<&IncidentRow> = incidents.iter().filter(|r| {
            filter.period.is_none_or(|(a, b)| r.start >= a && r.start < b)
                && filter.categories.as_ref().is_none_or(|c| c.contains(r.category))
                && filter.areas.as_ref().is_none_or(|s| r.areas.iter().any(|&a| s.contains(a)))
                && (!point_only || r.point_usable)
        }).collect();
        let ids: Vec<i64> = naive.iter().map(|r| r.id).collect();
        prop_assert_eq!(snap.select_ids(&filter), ids);
        // Weekly counts vs jiff's ISO week of each naive row.
        let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
        let mut want: std::collections::BTreeMap<PeriodKey, u32> = Default::default();
        for r in &naive {
            let d = jiff::Timestamp::from_second(r.start).unwrap().to_zoned(tz.clone()).date().iso_week_date();
            *want.entry(PeriodKey::IsoWeek { year: d.year(), week: d.week() }).or_default() += 1;
        }
        let got: std::collections::BTreeMap<PeriodKey, u32> = snap.weekly_counts(&filter).into_iter().filter(|p| p.1 > 0).collect();
        prop_assert_eq!(&got, &want);
        let grouped: u32 = snap.counts(&filter, Granularity::IsoWeek, true, false).iter().map(|c| c.count).sum();
        prop_assert_eq!(grouped as usize, naive.len());
        // By area: an incident counts once in each of its distinct areas (those in the filter).
        let mut per_area: std::collections::BTreeMap<u16, u32> = Default::default();
        for r in &naive {
            let distinct: std::collections::BTreeSet<u16> = r.areas.iter().copied().collect();
            for a in distinct.into_iter().filter(|&a| filter.areas.as_ref().is_none_or(|s| s.contains(a))) {
                *per_area.entry(a).or_default() += 1;
            }
        }
        let mut got_area: std::collections::BTreeMap<u16, u32> = Default::default();
        for c in snap.counts(&filter, Granularity::Year, false, true) {
            *got_area.entry(c.area.unwrap()).or_default() += c.count;
        }
        prop_assert_eq!(got_area, per_area);
    }
}
