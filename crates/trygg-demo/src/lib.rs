//! A seeded, reproducible demo city: Uppsala with invented but realistic incidents.
//!
//! [`generate`] builds, from a [`DemoConfig`], approximate districts that tile the city, a few
//! years of incidents from EST reports, police crime-data imports and Polisen-like area events,
//! and one planted intervention whose true effect is known ([`PlantedIntervention`]). The data
//! has the patterns the analyses look for — hot spots at real places, daily, weekly and seasonal
//! rhythms, time windows for burglaries, near-repeat burglaries — so that every analysis has
//! something true to find, and a test can say whether it found it.
//!
//! This crate is pure: no database, no files, no clock, no thread-local randomness. The same
//! configuration gives the same city, bit for bit, on any machine. Nothing in it is real
//! except place names and their approximate positions: no real incident, no personal data.
//!
//! ```
//! use trygg_demo::{DemoConfig, DemoOrganisations, generate};
//! use trygg_domain::OrganisationId;
//!
//! let mut config = DemoConfig::new(DemoOrganisations {
//!     kommun: OrganisationId(1),
//!     police: OrganisationId(2),
//!     housing: OrganisationId(3),
//! });
//! config.end = jiff::civil::date(2020, 2, 1);
//! let city = generate(&config);
//! assert!(city.incidents.len() > 500);
//! assert!(city.incidents.iter().all(|i| i.validate().is_ok()));
//! let gottsunda = city.district(&city.planted.treated_district).unwrap();
//! assert_eq!(gottsunda.area.name, "Gottsunda (ungefärlig)");
//! ```

#![forbid(unsafe_code)]

pub mod cycle;
mod generate;
mod geo;
pub mod indicators;
pub mod partnership;
mod profile;

use jiff::civil::Date;
use trygg_domain::{NewArea, NewIncident, OrganisationId};

pub use generate::{generate, generate_with};

/// The organisations that own the generated incidents. The caller creates them first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOrganisations {
    /// The kommun: most EST reports (fritidsledare, fältassistenter, gata/park).
    pub kommun: OrganisationId,
    /// The police: crime-data imports and Polisen-like events.
    pub police: OrganisationId,
    /// The housing company: EST reports from its estates, some of them internal.
    pub housing: OrganisationId,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    /// Seed for every random choice; the same seed gives the same city.
    pub seed: u64,
    /// First day (local time), inclusive.
    pub start: Date,
    /// Last day (local time), exclusive; typically today.
    pub end: Date,
    /// Volume: 1.0 gives about 15 000 incidents a year; 20 gives over 1 M in four years.
    pub scale: f64,
    /// Owners of the incidents.
    pub organisations: DemoOrganisations,
}

/// The default seed.
pub const DEFAULT_SEED: u64 = 2020;

impl DemoConfig {
    /// Defaults: seed [`DEFAULT_SEED`], 2020-01-01 to 2024-01-01, scale 1.0.
    pub fn new(organisations: DemoOrganisations) -> Self {
        Self {
            seed: DEFAULT_SEED,
            start: jiff::civil::date(2020, 1, 1),
            end: jiff::civil::date(2024, 1, 1),
            scale: 1.0,
            organisations,
        }
    }

    /// Checks the configuration; [`generate`] panics on what this refuses.
    pub fn check(&self) -> Result<(), String> {
        if self.end <= self.start {
            return Err(format!(
                "The demo period must end after it starts (start {}, end {}).",
                self.start, self.end
            ));
        }
        if !self.scale.is_finite() || !(0.0..=1000.0).contains(&self.scale) {
            return Err(format!(
                "The demo scale must be a number from 0 to 1000 (1.0 ≈ 15 000 incidents a year); got {}.",
                self.scale
            ));
        }
        Ok(())
    }
}

/// An approximate district of the demo city.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoDistrict {
    /// Plain name, as used in incidents' `place` ("Gottsunda").
    pub name: String,
    /// Demo code ("DEMO-18"), never an official one.
    pub code: String,
    /// Approximate centre, latitude.
    pub centre_lat: f64,
    /// Approximate centre, longitude.
    pub centre_lon: f64,
    /// The area to store: kind `District`, name suffixed "(ungefärlig)", WGS84 GeoJSON Polygon.
    pub area: NewArea,
    ring: Vec<[f64; 2]>,
}

impl DemoDistrict {
    /// Whether the district's polygon holds this WGS84 position.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        geo::ring_contains(&self.ring, lon, lat)
    }
}

/// A real place where events concentrate.
#[derive(Debug, Clone, PartialEq)]
pub struct HotSpot {
    /// Name, as used in incidents' `place` ("Gottsunda centrum").
    pub name: String,
    /// Latitude of the centre.
    pub lat: f64,
    /// Longitude of the centre.
    pub lon: f64,
    /// Events at the spot fall within this distance of the centre, metres.
    pub radius_m: f64,
    /// Code of the district that holds it.
    pub district_code: String,
}

/// The intervention planted in the data, and the truth an evaluation should find.
///
/// Effects are relative changes in the expected number of incidents of the given categories
/// with a point position (EST and import; not Polisen area events) in the district, during
/// `[start, end)`, against what would have happened without the intervention. Nothing else in
/// the data changes at `start`: no trend and no seasonal difference between districts, so a
/// plain before/after comparison over equal periods of whole years sees the same effect.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantedIntervention {
    /// Short name.
    pub name: String,
    /// What was done, in Swedish.
    pub description: String,
    /// The place it targeted.
    pub place: String,
    /// Code of the treated district.
    pub treated_district: String,
    /// Code of the neighbouring district the problem partly moved to.
    pub displacement_district: String,
    /// Code of a district with a similar history and no change.
    pub control_district: String,
    /// The category groups targeted ("samling", "skadegorelse").
    pub category_groups: Vec<String>,
    /// Every exact category code the effect applies to.
    pub category_codes: Vec<String>,
    /// First day of the intervention (local time).
    pub start: Date,
    /// Day it ended (exclusive); from then on, levels are back to normal.
    pub end: Date,
    /// Relative change in the treated district: −0.40 is a 40 % drop.
    pub expected_effect: f64,
    /// Relative change in the displacement district: 0.15 is a 15 % rise.
    pub expected_displacement: f64,
    /// Relative change in the control district (0).
    pub expected_control: f64,
    /// Weighted displacement quotient (Bowers & Johnson) the truth implies:
    /// `expected_displacement / expected_effect` (negative: displacement).
    pub expected_wdq: f64,
}

/// An emerging problem planted in the data: a short surge of one category in one district,
/// for trend and control-limit analyses ("nya uppkomna problembilder") to find by themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantedSurge {
    /// Short name.
    pub name: String,
    /// What happened, in Swedish.
    pub description: String,
    /// Code of the district.
    pub district: String,
    /// The exact category code.
    pub category: String,
    /// First day of the surge (local time).
    pub start: Date,
    /// Day it ended (exclusive).
    pub end: Date,
    /// The expected count in the district during the surge, as a multiple of normal (8.0).
    pub factor: f64,
}

/// The generated city.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCity {
    /// Approximate districts; together they tile the city without overlaps.
    pub districts: Vec<DemoDistrict>,
    /// Incidents, sorted by `occurred_from`; each passes `validate()`.
    pub incidents: Vec<NewIncident>,
    /// The planted intervention.
    pub planted: PlantedIntervention,
    /// The planted emerging problem.
    pub emerging: PlantedSurge,
    /// The hot spots.
    pub places: Vec<HotSpot>,
}

impl DemoCity {
    /// The district with this code.
    pub fn district(&self, code: &str) -> Option<&DemoDistrict> {
        self.districts.iter().find(|d| d.code == code)
    }

    /// The district holding a WGS84 position, if any.
    pub fn district_at(&self, lat: f64, lon: f64) -> Option<&DemoDistrict> {
        self.districts.iter().find(|d| d.contains(lat, lon))
    }
}
