//! Emerging-problem detection (*nya uppkomna problembilder*): weekly counts per
//! (category × area) against their own seasonal history.
//!
//! # Method
//! For each series and each of the last `weeks_to_check` weeks w, the baseline is the counts
//! of the same season in earlier years: weeks `w − 52·k + d` for k = 1…`years_back`,
//! d = −`half_window`…+`half_window` (a year is taken as 52 weeks, so the weekday pattern is
//! kept). With mean μ and sample variance v of the baseline:
//! - v ≤ 1.5 μ: Poisson(μ);
//! - v > 1.5 μ (overdispersed): negative binomial with mean μ and size r = μ²/(v − μ).
//!
//! μ is floored at 0.5/(baseline length) so that a first-ever cluster can still be tested.
//! The upper control limit (UCL) is the smallest count c with P(X ≥ c) ≤ `alpha`; a week is
//! flagged when its count ≥ UCL and ≥ `min_count`. The report states how many series and
//! weeks were tested and how many flags chance alone would give (tests × α), so that a long
//! list of series does not read as a list of problems.

use serde::Serialize;

use crate::special::{negbin_sf_ge, poisson_sf_ge};

/// A weekly series. Week numbers are Monday-based weeks since 1969-12-29 (local time).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeeklySeries {
    /// Category index.
    pub category: u16,
    /// Area index.
    pub area: u16,
    /// Week number of `counts[0]`.
    pub first_week: i64,
    /// Counts per week.
    pub counts: Vec<u32>,
}

/// Options of the detection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmergingOptions {
    /// How many of the latest weeks to check.
    pub weeks_to_check: usize,
    /// Years of history in the baseline.
    pub years_back: usize,
    /// Weeks on either side of the same week in earlier years.
    pub half_window: usize,
    /// Tail probability of the control limit.
    pub alpha: f64,
    /// Smallest count that can be flagged.
    pub min_count: u32,
    /// Fewest baseline weeks needed to test a week.
    pub min_baseline: usize,
}

impl Default for EmergingOptions {
    fn default() -> Self {
        Self {
            weeks_to_check: 1,
            years_back: 3,
            half_window: 2,
            alpha: 0.001,
            min_count: 3,
            min_baseline: 5,
        }
    }
}

/// The distribution used for a week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CountModel {
    /// Poisson.
    Poisson,
    /// Negative binomial (overdispersed baseline).
    NegativeBinomial,
}

/// A flagged week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmergingFlag {
    /// Category index.
    pub category: u16,
    /// Area index.
    pub area: u16,
    /// Week number (Monday-based weeks since 1969-12-29).
    pub week: i64,
    /// Observed count.
    pub observed: u32,
    /// Baseline mean.
    pub baseline_mean: f64,
    /// Baseline variance.
    pub baseline_variance: f64,
    /// Model used.
    pub model: CountModel,
    /// Upper control limit.
    pub ucl: u32,
    /// P(X ≥ observed) under the baseline.
    pub p: f64,
}

/// The outcome of a detection run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmergingReport {
    /// Series given.
    pub series_given: usize,
    /// Series with at least one week tested.
    pub series_tested: usize,
    /// Weeks tested in total.
    pub weeks_tested: usize,
    /// Weeks not tested for lack of history.
    pub weeks_without_history: usize,
    /// Expected number of flags by chance alone (weeks tested × α).
    pub expected_false_flags: f64,
    /// Flags, strongest (smallest p) first.
    pub flags: Vec<EmergingFlag>,
}

impl EmergingReport {
    /// A Swedish summary, e.g. "3 av 120 serier sticker ut …".
    pub fn swedish_summary(&self) -> String {
        format!(
            "{} veckor i {} serier (kategori × område) har prövats mot sin egen säsongshistorik; {} sticker ut över kontrollgränsen (slumpen ensam ger omkring {}).",
            self.weeks_tested,
            self.series_tested,
            self.flags.len(),
            crate::special::sv_number(self.expected_false_flags, 1, true)
        )
    }
}

impl EmergingReport {
    /// The same summary in English, from the same numbers.
    pub fn english_summary(&self) -> String {
        format!(
            "{} weeks in {} series (category × area) have been tested against their own seasonal history; {} stand out above the control limit (chance alone gives about {}).",
            self.weeks_tested,
            self.series_tested,
            self.flags.len(),
            crate::special::sv_number(self.expected_false_flags, 1, true)
                .replace(',', ".")
                .replace('−', "-")
        )
    }
}

/// Runs the detection over `series` (see the module docs).
pub fn detect(series: &[WeeklySeries], options: &EmergingOptions) -> EmergingReport {
    let mut flags = Vec::new();
    let (mut series_tested, mut weeks_tested, mut without) = (0, 0, 0);
    for s in series {
        let n = s.counts.len();
        let mut tested_any = false;
        for back in 0..options.weeks_to_check.min(n) {
            let idx = n - 1 - back;
            let mut base = Vec::new();
            for k in 1..=options.years_back {
                for d in -(options.half_window as i64)..=options.half_window as i64 {
                    let j = idx as i64 - 52 * k as i64 + d;
                    if j >= 0 && (j as usize) < n {
                        base.push(f64::from(s.counts[j as usize]));
                    }
                }
            }
            if base.len() < options.min_baseline.max(2) {
                without += 1;
                continue;
            }
            tested_any = true;
            weeks_tested += 1;
            let m = base.len() as f64;
            let mean = base.iter().sum::<f64>() / m;
            let var = base.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (m - 1.0);
            let mu = mean.max(0.5 / m);
            let (model, tail): (CountModel, Box<dyn Fn(u64) -> f64>) = if var > 1.5 * mu {
                let r = mu * mu / (var - mu);
                (
                    CountModel::NegativeBinomial,
                    Box::new(move |k| negbin_sf_ge(k, mu, r)),
                )
            } else {
                (CountModel::Poisson, Box::new(move |k| poisson_sf_ge(k, mu)))
            };
            let observed = s.counts[idx];
            let p = tail(u64::from(observed));
            if observed < options.min_count || p > options.alpha {
                continue;
            }
            // UCL: smallest c with P(X ≥ c) ≤ α (≤ observed, since observed qualifies).
            let mut lo = 0u32;
            let mut hi = observed;
            while lo < hi {
                let mid = (lo + hi) / 2;
                if tail(u64::from(mid)) <= options.alpha {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            flags.push(EmergingFlag {
                category: s.category,
                area: s.area,
                week: s.first_week + idx as i64,
                observed,
                baseline_mean: mean,
                baseline_variance: var,
                model,
                ucl: lo.max(options.min_count),
                p,
            });
        }
        series_tested += usize::from(tested_any);
    }
    flags.sort_by(|a, b| a.p.total_cmp(&b.p));
    EmergingReport {
        series_given: series.len(),
        series_tested,
        weeks_tested,
        weeks_without_history: without,
        expected_false_flags: weeks_tested as f64 * options.alpha,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_a_jump_and_counts_series() {
        let mut quiet: Vec<u32> = (0..200).map(|i| [2, 3, 1, 2, 4, 2, 3][i % 7]).collect();
        let mut jump = quiet.clone();
        *jump.last_mut().unwrap() = 20;
        quiet.truncate(199);
        quiet.push(3);
        let series = vec![
            WeeklySeries {
                category: 1,
                area: 1,
                first_week: 2800,
                counts: quiet,
            },
            WeeklySeries {
                category: 1,
                area: 2,
                first_week: 2800,
                counts: jump,
            },
            WeeklySeries {
                category: 2,
                area: 1,
                first_week: 2800,
                counts: vec![1; 10],
            },
        ];
        let r = detect(&series, &EmergingOptions::default());
        assert_eq!(r.series_given, 3);
        assert_eq!(r.series_tested, 2);
        assert_eq!(r.weeks_without_history, 1);
        assert_eq!(r.flags.len(), 1);
        assert_eq!(r.flags[0].area, 2);
        assert!(r.flags[0].ucl > 4 && r.flags[0].ucl <= 20);
        assert!(r.swedish_summary().contains("2 serier"));
    }
}
