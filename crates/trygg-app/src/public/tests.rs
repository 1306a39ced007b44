use proptest::prelude::*;

use super::{suppress::Grid, *};

fn areas(n: usize) -> Vec<PublicArea> {
    (0..n)
        .map(|i| PublicArea {
            id: AreaId(i as i64 + 1),
            name: format!("Område {i}"),
            code: None,
            geometry: serde_json::Value::Null,
        })
        .collect()
}

/// Config publishing the first `groups` groups of the taxonomy with threshold `k`.
fn config(groups: usize, k: u32) -> PublicConfig {
    let all = PublicConfig::default().groups();
    PublicConfig {
        k,
        categories: all[..groups].iter().map(|g| g.code.to_string()).collect(),
        ..PublicConfig::default()
    }
}

/// The rank of `rows` (Gaussian elimination; the entries are small integers).
fn rank(mut rows: Vec<Vec<f64>>) -> usize {
    let width = rows.first().map_or(0, Vec::len);
    let mut rank = 0;
    for col in 0..width {
        let Some(p) = (rank..rows.len()).find(|&r| rows[r][col].abs() > 1e-9) else {
            continue;
        };
        rows.swap(rank, p);
        let pivot = rows[rank].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != rank && row[col].abs() > 1e-9 {
                let f = row[col] / pivot[col];
                for (x, p) in row.iter_mut().zip(&pivot) {
                    *x -= f * p;
                }
            }
        }
        rank += 1;
    }
    rank
}

/// The suppressed entries of a grid that its published entries determine, by linear algebra
/// alone (independent of the suppression's graph argument): entry e is determined when the
/// unit vector of e lies in the row space of the relations restricted to the unknowns.
fn determined(grid: &Grid, hidden: &[bool]) -> Vec<usize> {
    let unknown: Vec<usize> = (0..grid.len()).filter(|&i| hidden[i]).collect();
    let relations: Vec<Vec<f64>> = grid
        .lines()
        .iter()
        .map(|(parts, total)| {
            unknown
                .iter()
                .map(|u| {
                    if u == total {
                        -1.0
                    } else if parts.contains(u) {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let base = rank(relations.clone());
    (0..unknown.len())
        .filter(|&j| {
            let mut with = relations.clone();
            with.push((0..unknown.len()).map(|x| f64::from(x == j)).collect());
            rank(with) == base
        })
        .map(|j| unknown[j])
        .collect()
}

/// Checks a publication's promise; the message names the broken part.
fn check(p: &Publication, truth: &Counts) -> Result<(), String> {
    let (rows, cols) = (p.areas.len(), p.groups.len());
    for (m, &month) in p.months.iter().enumerate() {
        let cells: Vec<u32> = p
            .areas
            .iter()
            .flat_map(|a| {
                p.groups.iter().map(move |g| {
                    truth
                        .0
                        .get(&(month, a.id, g.code))
                        .copied()
                        .unwrap_or_default()
                })
            })
            .collect();
        let grid = Grid::new(rows, cols, &cells);
        let mut hidden = vec![false; grid.len()];
        for r in 0..=rows {
            for c in 0..=cols {
                let cell = p.cell(m, (r < rows).then_some(r), (c < cols).then_some(c));
                let i = r * (cols + 1) + c;
                hidden[i] = cell.suppressed;
                match cell.count {
                    Some(n) if n < p.k => return Err(format!("{month} ({r},{c}): {n} < k")),
                    Some(n) if n != grid.get(r, c) => {
                        return Err(format!("{month} ({r},{c}): {n} is not the count"));
                    }
                    Some(_) if cell.suppressed => return Err("a number with the flag".into()),
                    None if !cell.suppressed => return Err("no number without the flag".into()),
                    _ => {}
                }
            }
        }
        for (parts, total) in grid.lines() {
            if hidden[total] {
                continue;
            }
            let s: Vec<usize> = parts.iter().copied().filter(|&i| hidden[i]).collect();
            let sum: u32 = s
                .iter()
                .map(|&i| grid.get(i / (cols + 1), i % (cols + 1)))
                .sum();
            if !(s.is_empty() || (s.len() >= 2 && sum >= p.k)) {
                return Err(format!(
                    "{month}: a line hides {} parts summing to {sum}",
                    s.len()
                ));
            }
        }
        let d = determined(&grid, &hidden);
        if !d.is_empty() {
            return Err(format!("{month}: entries {d:?} can be computed"));
        }
        if super::suppress::computable(&grid, &hidden) != d {
            return Err("the graph and the algebra disagree".into());
        }
    }
    Ok(())
}

fn months(n: usize) -> Vec<Month> {
    (0..n)
        .map(|i| Month {
            year: 2026,
            month: i as i8 + 1,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Random incident sets (area, group, month), mostly small counts: every publication keeps
    /// its promise.
    #[test]
    fn publications_never_single_out(
        n_areas in 1usize..6,
        n_groups in 1usize..5,
        n_months in 1usize..3,
        k in 3u32..7,
        incidents in prop::collection::vec((0usize..6, 0usize..5, 0usize..3, 1u32..4), 0..120),
    ) {
        let config = config(n_groups, k);
        let groups = config.groups();
        let ms = months(n_months);
        let a = areas(n_areas);
        let mut counts = Counts::default();
        for (area, group, month, n) in incidents {
            if area < n_areas && group < n_groups && month < n_months {
                counts.add(ms[month], a[area].id, groups[group].code, n);
            }
        }
        let p = publish(&config, ms, a, &counts, Timestamp::UNIX_EPOCH);
        prop_assert_eq!(p.cells.len(), n_months * (n_areas + 1) * (n_groups + 1));
        if let Err(e) = check(&p, &counts) {
            prop_assert!(false, "{}", e);
        }
    }
}

#[test]
fn a_hand_table_keeps_its_promise_and_publishes_what_is_safe() {
    let config = config(3, 5);
    let groups = config.groups();
    let ms = months(1);
    let a = areas(3);
    let mut counts = Counts::default();
    // Area 0: 20, 1, 30 (1 would be its total 51 − 50). Area 1: 12, 12, 12. Area 2: 0, 40, 9.
    for (area, values) in [[20, 1, 30], [12, 12, 12], [0, 40, 9]].iter().enumerate() {
        for (g, &n) in values.iter().enumerate() {
            if n > 0 {
                counts.add(ms[0], a[area].id, groups[g].code, n);
            }
        }
    }
    let p = publish(&config, ms, a, &counts, Timestamp::UNIX_EPOCH);
    check(&p, &counts).unwrap();
    assert!(p.cell(0, Some(0), Some(1)).suppressed, "1 is fewer than 5");
    assert!(p.cell(0, Some(2), Some(0)).suppressed, "zero too");
    assert_eq!(p.cell(0, Some(1), Some(0)).count, Some(12));
    assert_eq!(p.cell(0, None, None).count, Some(136), "the month's total");
    let csv = String::from_utf8(p.to_csv()).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("Månad;Område;Områdeskod;Kategorigrupp;Kategorikod;Antal;Färre än 5"));
    assert!(csv.contains("2026-01;Område 0;;"), "{csv}");
    assert!(!csv.contains(";1;"), "no suppressed number: {csv}");
}

#[test]
fn months_are_published_a_delay_after_their_end() {
    let m = |y, mo| Month { year: y, month: mo };
    assert_eq!(
        published_months(date(2026, 12, 7), 7, 2),
        vec![m(2026, 10), m(2026, 11)],
        "November's last day is 7 days past on 7 December"
    );
    assert_eq!(published_months(date(2026, 12, 6), 7, 1), vec![m(2026, 10)]);
    assert_eq!(
        published_months(date(2027, 1, 1), 0, 13)[0],
        m(2025, 12),
        "across the year"
    );
    assert_eq!(Month::parse("2026-03"), Some(m(2026, 3)));
    assert_eq!(Month::parse("2026-13"), None);
    assert_eq!(m(2026, 3).to_string(), "2026-03");
}

#[test]
fn sensitive_categories_are_left_out_and_settings_are_checked() {
    let c = PublicConfig::default();
    assert!(c.check().is_ok());
    assert!(c.is_sensitive("brott.sexualbrott"));
    assert!(!c.codes("brott").contains(&"brott.sexualbrott"));
    assert!(c.codes("brott").contains(&"brott.stold"));
    let whole_group = PublicConfig {
        sensitive: vec!["ordning".into()],
        ..PublicConfig::default()
    };
    assert!(whole_group.groups().iter().all(|g| g.code != "ordning"));
    assert!(whole_group.is_sensitive("ordning.vald"));
    let bad = |c: PublicConfig, says: &str| {
        let e = c.check().unwrap_err();
        assert!(e.contains(says), "{e}");
    };
    bad(
        PublicConfig {
            k: 1,
            ..PublicConfig::default()
        },
        "k = 1",
    );
    bad(
        PublicConfig {
            sensitive: vec!["brott.sexualbrot".into()],
            ..PublicConfig::default()
        },
        "brott.sexualbrott",
    );
    bad(
        PublicConfig {
            categories: vec!["ordning.vald".into()],
            ..PublicConfig::default()
        },
        "top-level group",
    );
    bad(
        PublicConfig {
            area_kind: AreaKind::Kommun,
            ..PublicConfig::default()
        },
        "area_kind",
    );
    bad(
        PublicConfig {
            categories: vec!["ordning".into()],
            sensitive: vec!["ordning".into()],
            ..PublicConfig::default()
        },
        "nothing would be published",
    );
}

#[test]
fn a_promise_is_followed_up_in_published_numbers_only() {
    let config = config(2, 5);
    let months: Vec<Month> = (1..=6)
        .map(|m| Month {
            year: 2026,
            month: m,
        })
        .collect();
    let group = config.groups()[0].code;
    let mut counts = Counts::default();
    // Område 0: 10 a month before April, 6 from April; May has 2 (suppressed).
    for (m, n) in [(1, 10), (2, 10), (3, 10), (4, 6), (5, 2), (6, 6)] {
        counts.add(
            Month {
                year: 2026,
                month: m,
            },
            AreaId(1),
            group,
            n,
        );
        counts.add(
            Month {
                year: 2026,
                month: m,
            },
            AreaId(2),
            group,
            20,
        );
    }
    let p = publish(&config, months, areas(2), &counts, Timestamp::UNIX_EPOCH);
    let f = p
        .before_after("område 0", date(2026, 4, 1), date(2026, 12, 31), 6)
        .expect("the area by name");
    assert_eq!(f.before.len(), 3);
    assert_eq!(f.before_mean, Some(10.0));
    assert_eq!(f.after.len(), 3);
    assert_eq!(
        f.after_mean, None,
        "May is suppressed: no mean that would reveal it"
    );
    // Only the last n months before.
    let f = p
        .before_after("Område 0", date(2026, 4, 1), date(2026, 4, 30), 2)
        .unwrap();
    assert_eq!(
        f.before.iter().map(|c| c.month.month).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert_eq!(f.after_mean, Some(6.0));
    assert!(
        p.before_after("Okänt", date(2026, 4, 1), date(2026, 4, 30), 2)
            .is_none()
    );
}
