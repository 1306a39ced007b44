//! Hot-spot forecast accuracy: hit rate, PAI and PEI (Chainey et al.).
//!
//! Cells are ranked by predicted risk (descending; ties keep input order). For the top k cells
//! (k = 1…n, equal cell areas): hit rate = n/N (share of the observed events in the flagged
//! cells), PAI = (n/N)/(a/A) with a/A = k/cells, PEI = PAI / PAI*, where PAI* is the best PAI
//! any k cells could reach (the k cells with the most observed events).

use serde::Serialize;

use crate::error::{AnalysisError, Result};

/// Accuracy when the top `cells` predicted cells are flagged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AccuracyPoint {
    /// Number of flagged cells k.
    pub cells: usize,
    /// a/A.
    pub area_share: f64,
    /// n/N.
    pub hit_rate: f64,
    /// Predictive accuracy index.
    pub pai: f64,
    /// Predictive efficiency index (None when no cell has an event... never, N > 0).
    pub pei: f64,
}

/// PAI = (n/N)/(a/A).
pub fn pai(n: f64, total: f64, a: f64, area: f64) -> Result<f64> {
    if total <= 0.0 || a <= 0.0 || area <= 0.0 {
        return Err(AnalysisError::ZeroCount {
            what: "the total count or an area",
            quantity: "PAI",
        });
    }
    Ok((n / total) / (a / area))
}

/// Accuracy for every k (see the module docs).
pub fn forecast_accuracy(observed: &[f64], predicted: &[f64]) -> Result<Vec<AccuracyPoint>> {
    if observed.len() != predicted.len() {
        return Err(AnalysisError::LengthMismatch {
            what: format!(
                "{} observed cells but {} predicted",
                observed.len(),
                predicted.len()
            ),
        });
    }
    if let Some(i) = observed
        .iter()
        .chain(predicted)
        .position(|v| !v.is_finite())
    {
        return Err(AnalysisError::NotFinite {
            what: "cell value",
            index: i % observed.len().max(1),
        });
    }
    let total: f64 = observed.iter().sum();
    if total <= 0.0 {
        return Err(AnalysisError::ZeroCount {
            what: "the number of observed events",
            quantity: "hit rate, PAI and PEI",
        });
    }
    let cells = observed.len();
    let mut by_pred: Vec<usize> = (0..cells).collect();
    by_pred.sort_by(|&a, &b| predicted[b].total_cmp(&predicted[a]));
    let mut best: Vec<f64> = observed.to_vec();
    best.sort_by(|a, b| b.total_cmp(a));
    let (mut n, mut n_best) = (0.0, 0.0);
    Ok((1..=cells)
        .map(|k| {
            n += observed[by_pred[k - 1]];
            n_best += best[k - 1];
            let area_share = k as f64 / cells as f64;
            let pai = (n / total) / area_share;
            let best_pai = (n_best / total) / area_share;
            AccuracyPoint {
                cells: k,
                area_share,
                hit_rate: n / total,
                pai,
                pei: if best_pai > 0.0 { pai / best_pai } else { 0.0 },
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_values() {
        let r = forecast_accuracy(&[6.0, 3.0, 0.0], &[3.0, 2.0, 1.0]).unwrap();
        let pai: Vec<f64> = r.iter().map(|p| p.pai).collect();
        let pei: Vec<f64> = r.iter().map(|p| p.pei).collect();
        assert_eq!(pai, [2.0, 1.5, 1.0]);
        assert_eq!(pei, [1.0, 1.0, 1.0]);
        assert!((r[0].hit_rate - 6.0 / 9.0).abs() < 1e-15);
        assert!(forecast_accuracy(&[0.0, 0.0], &[1.0, 2.0]).is_err());
    }
}
