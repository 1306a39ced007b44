//! Repeat places and the 80-20 view.
//!
//! A place is an address/place key given by the caller, or a point snapped to a square grid of
//! `snap_m` metres (10 m by default): key = (round(x/snap), round(y/snap)), reported at the
//! snapped centre. Places with at least `min_events` events are repeat places. The 80-20 view:
//! the share of all events that falls at the top `top_percent` % of places (places with at
//! least one event, ranked by count; the number of places is rounded up).

use std::collections::HashMap;

use serde::Serialize;

use crate::error::{AnalysisError, Result};

/// Options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepeatOptions {
    /// Snap size in metres for point data.
    pub snap_m: f64,
    /// Events needed for a repeat place (k).
    pub min_events: u32,
    /// Top share of places for the 80-20 view, percent.
    pub top_percent: f64,
}

impl Default for RepeatOptions {
    fn default() -> Self {
        Self {
            snap_m: 10.0,
            min_events: 2,
            top_percent: 20.0,
        }
    }
}

/// A repeat place.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Place {
    /// x of the snapped centre (or 0 for keyed places).
    pub x: f64,
    /// y of the snapped centre.
    pub y: f64,
    /// The caller's key (keyed places) or the packed snapped cell.
    pub key: u64,
    /// Number of events.
    pub count: u32,
}

/// Repeat-place statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepeatReport {
    /// Number of events.
    pub events: usize,
    /// Number of places with at least one event.
    pub places: usize,
    /// Places with ≥ k events, most events first.
    pub repeat_places: Vec<Place>,
    /// Events at repeat places.
    pub events_at_repeat_places: u64,
    /// The top share used, percent.
    pub top_percent: f64,
    /// Places in the top share.
    pub top_places: usize,
    /// Share of all events at the top places (0–1).
    pub share_at_top: f64,
}

/// Repeat places from points snapped to `snap_m` (see the module docs).
pub fn repeat_places(x: &[f64], y: &[f64], options: &RepeatOptions) -> Result<RepeatReport> {
    if !(options.snap_m.is_finite() && options.snap_m > 0.0) {
        return Err(AnalysisError::InvalidParameter {
            name: "snap",
            value: options.snap_m.to_string(),
            hint: "a positive number of metres",
        });
    }
    crate::points::check_coordinates(x, y)?;
    if x.is_empty() {
        return Err(AnalysisError::TooFewEvents {
            method: "repeat places",
            needed: 1,
            got: 0,
        });
    }
    let s = options.snap_m;
    let mut map: HashMap<(i64, i64), u32> = HashMap::new();
    for (&a, &b) in x.iter().zip(y) {
        *map.entry(((a / s).round() as i64, (b / s).round() as i64))
            .or_default() += 1;
    }
    let places = map
        .into_iter()
        .map(|((kx, ky), count)| Place {
            x: kx as f64 * s,
            y: ky as f64 * s,
            key: ((kx as u64) << 32) ^ (ky as u32 as u64),
            count,
        })
        .collect();
    report(places, x.len(), options)
}

/// Repeat places from the caller's place keys (addresses, property ids).
pub fn repeat_places_by_key(keys: &[u64], options: &RepeatOptions) -> Result<RepeatReport> {
    if keys.is_empty() {
        return Err(AnalysisError::TooFewEvents {
            method: "repeat places",
            needed: 1,
            got: 0,
        });
    }
    let mut map: HashMap<u64, u32> = HashMap::new();
    for &k in keys {
        *map.entry(k).or_default() += 1;
    }
    let places = map
        .into_iter()
        .map(|(key, count)| Place {
            x: 0.0,
            y: 0.0,
            key,
            count,
        })
        .collect();
    report(places, keys.len(), options)
}

fn report(mut places: Vec<Place>, events: usize, options: &RepeatOptions) -> Result<RepeatReport> {
    if !(options.top_percent > 0.0 && options.top_percent <= 100.0) {
        return Err(AnalysisError::InvalidParameter {
            name: "top percent",
            value: options.top_percent.to_string(),
            hint: "a share of places in (0, 100]",
        });
    }
    places.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    let n_places = places.len();
    let top_places = ((options.top_percent / 100.0) * n_places as f64).ceil() as usize;
    let at_top: u64 = places[..top_places.min(n_places)]
        .iter()
        .map(|p| u64::from(p.count))
        .sum();
    let repeat: Vec<Place> = places
        .iter()
        .copied()
        .filter(|p| p.count >= options.min_events)
        .collect();
    Ok(RepeatReport {
        events,
        places: n_places,
        events_at_repeat_places: repeat.iter().map(|p| u64::from(p.count)).sum(),
        repeat_places: repeat,
        top_percent: options.top_percent,
        top_places,
        share_at_top: at_top as f64 / events as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapped_repeats_and_top_share() {
        // 5 events at one address (within 3 m), 1 elsewhere each at 4 other places.
        let x = [
            100.0, 101.0, 102.0, 99.0, 100.5, 500.0, 900.0, 1300.0, 1700.0,
        ];
        let y = [
            100.0, 101.0, 99.0, 100.0, 102.0, 500.0, 900.0, 1300.0, 1700.0,
        ];
        let r = repeat_places(&x, &y, &RepeatOptions::default()).unwrap();
        assert_eq!(r.places, 5);
        assert_eq!(r.repeat_places.len(), 1);
        assert_eq!(r.repeat_places[0].count, 5);
        assert_eq!(r.top_places, 1);
        assert!((r.share_at_top - 5.0 / 9.0).abs() < 1e-12);
    }
}
