//! Incidents per 1 000 inhabitants per area, and risk-adjusted hot spots (Gi* on those rates).
//!
//! # Rate
//! `rate_a = 1000 · count_a / population_a`, count = incidents in area a in the period,
//! population = the area's population for the period's year, or, when that year has none, the
//! nearest earlier year that has one ([`Rate::population_year`] says which). An area with no
//! population for that year or earlier has no rate ([`RateStatus::NoPopulation`]); one whose
//! population is below the minimum (default [`MIN_POPULATION`] = 100) has none either
//! ([`RateStatus::SmallPopulation`]): a handful of incidents among a few dozen people gives a
//! rate that swings wildly from year to year (small-number instability), so it is left out and
//! said so rather than coloured as the worst area.
//!
//! # Risk-adjusted hot spots
//! Getis-Ord Gi* ([`crate::gistar::gistar_weights`], the same statistic as the grid's) on the
//! rates of the areas that have one, the areas as units: binary weights including self, either
//! a distance band between the areas' centroids (SWEREF 99 TM metres, `≤ d`) — by default the
//! smallest band that gives every area at least one neighbour besides itself (ArcGIS's default
//! for Hot Spot Analysis, [`min_band`]) — or contiguity lists the caller gives. Areas without
//! a rate are left out of the units (not set to 0), so n, x̄ and S are those of the areas with
//! a rate. Classes and p as in [`crate::gistar`].

use serde::Serialize;

use crate::gistar::{GiStarOptions, GiStarResult, Weights, gistar_weights};
use crate::{AnalysisError, Result};

/// Areas with fewer inhabitants have no rate (see the module docs).
pub const MIN_POPULATION: f64 = 100.0;

/// Why an area has or has no rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateStatus {
    /// The rate is computed.
    Computed,
    /// No population for the year or any earlier year.
    NoPopulation,
    /// The population is below the minimum: left out as unstable.
    SmallPopulation,
}

/// One area's rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rate {
    /// Incidents in the area.
    pub count: f64,
    /// The population used.
    pub population: Option<f64>,
    /// The year of that population (earlier than asked when the year had none).
    pub population_year: Option<i16>,
    /// Incidents per 1 000 inhabitants, when computed.
    pub per_1000: Option<f64>,
    /// Whether it was computed, and why not.
    pub status: RateStatus,
}

/// The population of `year`, or of the nearest earlier year that has one.
pub fn population_for(populations: &[(i16, f64)], year: i16) -> Option<(i16, f64)> {
    populations
        .iter()
        .filter(|(y, _)| *y <= year)
        .max_by_key(|(y, _)| *y)
        .copied()
}

/// The rate of each area: `counts[a]` incidents over `populations[a]` (year, inhabitants), for
/// `year`, leaving out areas below `min_population`.
pub fn per_1000(
    counts: &[f64],
    populations: &[Vec<(i16, f64)>],
    year: i16,
    min_population: f64,
) -> Result<Vec<Rate>> {
    if counts.len() != populations.len() {
        return Err(AnalysisError::LengthMismatch {
            what: format!(
                "{} counts for {} areas' populations",
                counts.len(),
                populations.len()
            ),
        });
    }
    Ok(counts
        .iter()
        .zip(populations)
        .map(|(&count, pops)| {
            let found = population_for(pops, year);
            let (per_1000, status) = match found {
                None => (None, RateStatus::NoPopulation),
                Some((_, p)) if p < min_population || p <= 0.0 => {
                    (None, RateStatus::SmallPopulation)
                }
                Some((_, p)) => (Some(1000.0 * count / p), RateStatus::Computed),
            };
            Rate {
                count,
                population: found.map(|f| f.1),
                population_year: found.map(|f| f.0),
                per_1000,
                status,
            }
        })
        .collect())
}

/// The smallest distance band (metres) that gives every point at least one neighbour besides
/// itself: the largest nearest-neighbour distance.
pub fn min_band(x: &[f64], y: &[f64]) -> Result<f64> {
    crate::points::check_coordinates(x, y)?;
    if x.len() < 2 {
        return Err(AnalysisError::TooFewUnits {
            method: "distance band",
            needed: 2,
            got: x.len(),
        });
    }
    let mut band: f64 = 0.0;
    for i in 0..x.len() {
        let nearest = (0..x.len())
            .filter(|&j| j != i)
            .map(|j| (x[i] - x[j]).hypot(y[i] - y[j]))
            .fold(f64::INFINITY, f64::min);
        band = band.max(nearest);
    }
    Ok(band)
}

/// How areas neighbour each other.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaWeights {
    /// Centroids within this many metres (≤), and self.
    DistanceBand(f64),
    /// The smallest band giving every area a neighbour ([`min_band`]).
    MinimumBand,
    /// Neighbour lists by area index (of all areas, as `rates`), e.g. shared boundaries.
    Contiguity(Vec<Vec<u32>>),
}

/// Gi* on rates: which areas took part and their result.
#[derive(Debug, Clone, Serialize)]
pub struct RateHotSpots {
    /// Indices (into `rates`) of the areas with a rate, the units of `gistar`, in order.
    pub areas: Vec<usize>,
    /// Gi* over those areas.
    pub gistar: GiStarResult,
    /// The distance band used (metres), for band weights.
    pub band: Option<f64>,
}

/// Gi* over the areas that have a rate, at centroids `(x, y)` (SWEREF 99 TM metres, one per
/// area as `rates`).
pub fn rate_hot_spots(
    rates: &[Rate],
    x: &[f64],
    y: &[f64],
    weights: &AreaWeights,
    options: &GiStarOptions,
) -> Result<RateHotSpots> {
    if rates.len() != x.len() || x.len() != y.len() {
        return Err(AnalysisError::LengthMismatch {
            what: format!(
                "{} rates for {} x and {} y centroids",
                rates.len(),
                x.len(),
                y.len()
            ),
        });
    }
    let areas: Vec<usize> = (0..rates.len())
        .filter(|&a| rates[a].per_1000.is_some())
        .collect();
    if areas.len() < 3 {
        return Err(AnalysisError::TooFewUnits {
            method: "Gi* on rates (areas with a population)",
            needed: 3,
            got: areas.len(),
        });
    }
    let values: Vec<f64> = areas.iter().filter_map(|&a| rates[a].per_1000).collect();
    let ax: Vec<f64> = areas.iter().map(|&a| x[a]).collect();
    let ay: Vec<f64> = areas.iter().map(|&a| y[a]).collect();
    let (w, band) = match weights {
        AreaWeights::DistanceBand(d) => (Weights::distance_band(&ax, &ay, *d)?, Some(*d)),
        AreaWeights::MinimumBand => {
            let d = min_band(&ax, &ay)?;
            (Weights::distance_band(&ax, &ay, d)?, Some(d))
        }
        AreaWeights::Contiguity(lists) => {
            if lists.len() != rates.len() {
                return Err(AnalysisError::LengthMismatch {
                    what: format!("{} neighbour lists for {} areas", lists.len(), rates.len()),
                });
            }
            // Renumber to the areas taking part; neighbours without a rate drop out.
            let mut at = vec![u32::MAX; rates.len()];
            for (k, &a) in areas.iter().enumerate() {
                at[a] = k as u32;
            }
            let lists: Vec<Vec<u32>> = areas
                .iter()
                .map(|&a| {
                    lists[a]
                        .iter()
                        .filter_map(|&j| at.get(j as usize).copied().filter(|&k| k != u32::MAX))
                        .collect()
                })
                .collect();
            (Weights::from_lists(&lists), None)
        }
    };
    let gistar = gistar_weights(&values, &w, options)?;
    Ok(RateHotSpots {
        areas,
        gistar,
        band,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_by_hand() {
        let rates = per_1000(
            &[30.0, 4.0, 7.0, 2.0],
            &[
                vec![(2022, 11_000.0), (2023, 12_000.0)],
                vec![(2021, 800.0), (2025, 900.0)],
                vec![],
                vec![(2024, 50.0)],
            ],
            2024,
            MIN_POPULATION,
        )
        .unwrap();
        // 1000 · 30 / 12 000 = 2,5; the 2023 population, since 2024 has none.
        assert_eq!(rates[0].per_1000, Some(2.5));
        assert_eq!(rates[0].population_year, Some(2023));
        // 1000 · 4 / 800 = 5 from 2021, never the later 2025.
        assert_eq!(
            (rates[1].per_1000, rates[1].population_year),
            (Some(5.0), Some(2021))
        );
        assert_eq!(rates[2].status, RateStatus::NoPopulation);
        assert_eq!(rates[3].status, RateStatus::SmallPopulation);
        assert_eq!(rates[3].per_1000, None);
        assert!(per_1000(&[1.0], &[], 2024, 100.0).is_err());
    }

    /// esda's docstring check (ANALYSIS.md) as rates: counts y over 1 000 inhabitants each, so
    /// the rates are y; two more areas without a usable population must not change z.
    #[test]
    fn gistar_on_rates_is_esdas_check_with_the_unusable_areas_left_out() {
        let y = [2.0, 3.0, 3.2, 5.0, 8.0, 7.0];
        let mut counts = y.to_vec();
        let mut pops: Vec<Vec<(i16, f64)>> = vec![vec![(2024, 1000.0)]; 6];
        let mut px = vec![10.0, 20.0, 40.0, 15.0, 30.0, 30.0];
        let mut py = vec![10.0, 10.0, 10.0, 20.0, 20.0, 30.0];
        // A small area and one without population, right in the middle.
        for (c, p) in [(40.0, vec![(2024, 20.0)]), (90.0, vec![])] {
            counts.push(c);
            pops.push(p);
            px.push(22.0);
            py.push(18.0);
        }
        let rates = per_1000(&counts, &pops, 2024, MIN_POPULATION).unwrap();
        let hs = rate_hot_spots(
            &rates,
            &px,
            &py,
            &AreaWeights::DistanceBand(15.0),
            &GiStarOptions::default(),
        )
        .unwrap();
        assert_eq!(hs.areas, vec![0, 1, 2, 3, 4, 5]);
        let want = [
            -1.397_276_26,
            -0.289_177_62,
            0.650_649_64,
            -0.289_177_62,
            1.234_520_88,
            2.024_243_31,
        ];
        for (z, w) in hs.gistar.z.iter().zip(want) {
            assert!((z - w).abs() < 1e-7, "{z} vs {w}");
        }
    }

    #[test]
    fn the_minimum_band_and_contiguity() {
        // Nearest neighbours: 10, 10, 20 (the third point's nearest is 20 away).
        let (x, y) = ([0.0, 10.0, 30.0], [0.0, 0.0, 0.0]);
        assert_eq!(min_band(&x, &y).unwrap(), 20.0);
        let rates = per_1000(
            &[1.0, 2.0, 9.0, 4.0],
            &vec![vec![(2024, 1000.0)]; 4],
            2024,
            MIN_POPULATION,
        )
        .unwrap();
        let chain = vec![vec![1], vec![0, 2], vec![1, 3], vec![2]];
        let by_lists = rate_hot_spots(
            &rates,
            &[0.0; 4],
            &[0.0; 4],
            &AreaWeights::Contiguity(chain.clone()),
            &GiStarOptions::default(),
        )
        .unwrap();
        let explicit = gistar_weights(
            &[1.0, 2.0, 9.0, 4.0],
            &Weights::from_lists(&chain),
            &GiStarOptions::default(),
        )
        .unwrap();
        assert_eq!(by_lists.gistar.z, explicit.z);
        // By hand, area 0 (itself and area 1): x̄ = 4, S = √(102/4 − 16) = √9,5,
        // z = (3 − 4·2) / (√9,5 · √((4·2 − 2²)/3)) = −5 / 3,5590 = −1,4049.
        assert!(
            (by_lists.gistar.z[0] + 1.404_878).abs() < 1e-6,
            "{}",
            by_lists.gistar.z[0]
        );
        assert_eq!(by_lists.band, None);
    }
}
