//! Checks shared by every point statistic: finite values, metres not degrees, enough events,
//! not all at one place.

use crate::error::{AnalysisError, Result};

/// Validates planar coordinates in metres for a method needing at least `needed` events.
///
/// Refuses: mismatched lengths; NaN/∞; fewer than `needed` events; coordinates that look like
/// degrees (all |x| ≤ 180 and |y| ≤ 90 with an extent below 20 units: metre data that small is
/// implausible for crime analysis, degree data always is); all events at one point.
pub fn check_points(method: &'static str, x: &[f64], y: &[f64], needed: usize) -> Result<()> {
    check_coordinates(x, y)?;
    if x.len() < needed {
        return Err(AnalysisError::TooFewEvents {
            method,
            needed,
            got: x.len(),
        });
    }
    let spread = spread(x, y);
    if spread == 0.0 && !x.is_empty() {
        return Err(AnalysisError::AllAtOnePoint {
            n: x.len(),
            x: x[0],
            y: y[0],
        });
    }
    Ok(())
}

fn spread(x: &[f64], y: &[f64]) -> f64 {
    let (mut x_min, mut x_max, mut y_min, mut y_max) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (&a, &b) in x.iter().zip(y) {
        x_min = x_min.min(a);
        x_max = x_max.max(a);
        y_min = y_min.min(b);
        y_max = y_max.max(b);
    }
    (x_max - x_min).max(y_max - y_min)
}

/// Equal lengths, finite values, and not degrees (see [`check_points`]).
pub fn check_coordinates(x: &[f64], y: &[f64]) -> Result<()> {
    if x.len() != y.len() {
        return Err(AnalysisError::LengthMismatch {
            what: format!("{} x values but {} y values", x.len(), y.len()),
        });
    }
    for (i, (&a, &b)) in x.iter().zip(y).enumerate() {
        if !a.is_finite() {
            return Err(AnalysisError::NotFinite {
                what: "x",
                index: i,
            });
        }
        if !b.is_finite() {
            return Err(AnalysisError::NotFinite {
                what: "y",
                index: i,
            });
        }
    }
    if x.is_empty() {
        return Ok(());
    }
    let all_small = x.iter().all(|a| a.abs() <= 180.0) && y.iter().all(|b| b.abs() <= 90.0);
    let spread = spread(x, y);
    if all_small && spread > 0.0 && spread < 20.0 {
        return Err(AnalysisError::DegreesNotMetres { spread });
    }
    Ok(())
}

/// Validates band edges: at least two, finite, ≥ 0, strictly increasing.
pub fn check_edges(which: &'static str, edges: &[f64]) -> Result<()> {
    let ok = edges.len() >= 2
        && edges.iter().all(|e| e.is_finite() && *e >= 0.0)
        && edges.windows(2).all(|w| w[0] < w[1]);
    if ok {
        Ok(())
    } else {
        Err(AnalysisError::BandsNotIncreasing {
            which,
            edges: edges.to_vec(),
        })
    }
}
