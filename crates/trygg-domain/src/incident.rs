//! Incidents (händelser): what happened, where, when, and who told us.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use trygg_geo::{Sweref99Tm, Wgs84};

use crate::{
    AreaId, ErrorCode, IncidentId, OrganisationId, ReportId, Taxonomy, UserId, ValidationError,
    text,
};

/// Longest free-text description, in characters. An EST report is a few sentences.
pub const DESCRIPTION_MAX_CHARS: usize = 2000;
/// Longest place name, in characters.
pub const PLACE_MAX_CHARS: usize = 200;
/// Longest external identifier (ärendenummer, Polisen id), in characters.
pub const EXTERNAL_ID_MAX_CHARS: usize = 100;
/// The first year an incident time may lie in.
pub const EARLIEST_YEAR: i16 = 1970;
/// The last year an incident time may lie in.
pub const LATEST_YEAR: i16 = 2100;
/// The first instant that is in [`EARLIEST_YEAR`] somewhere: 1970-01-01 00:00 at UTC+14.
const EARLIEST: Timestamp = Timestamp::constant(-50_400, 0);
/// The first instant after [`LATEST_YEAR`] everywhere: 2101-01-01 00:00 at UTC−12.
const AFTER_LATEST: Timestamp = Timestamp::constant(4_134_024_000, 0);
/// How far ahead of now an incident time may lie: clocks differ, and a reporter a time zone
/// away may write tomorrow's date; anything later has not happened yet.
pub const MAX_AHEAD: SignedDuration = SignedDuration::from_hours(24);

/// Refuses a time outside the years [`EARLIEST_YEAR`]–[`LATEST_YEAR`] (in every time zone, so
/// local midnight of 1 January 1970 passes), naming `field`.
pub fn check_year(field: &str, t: Timestamp) -> Result<(), ValidationError> {
    if (EARLIEST..AFTER_LATEST).contains(&t) {
        return Ok(());
    }
    let year = t.to_zoned(jiff::tz::TimeZone::UTC).year();
    Err(ValidationError::new(
        ErrorCode::Invalid,
        field,
        format!(
            "The time {t} in {field} is in the year {year}; trygg takes times from {EARLIEST_YEAR} to {LATEST_YEAR}: check the year (året måste ligga mellan {EARLIEST_YEAR} och {LATEST_YEAR})."
        ),
    ))
}

/// How exactly a position is known. Only `Exact` and `Address` positions take part in point
/// statistics (hot spots, near repeats); an `Area` position is a centroid standing in for "somewhere
/// in this kommun", as in Polisen's feed, and counts per area only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// Picked on a map or from GPS.
    Exact,
    /// Geocoded from an address or a named place.
    Address,
    /// The centroid of an area.
    Area,
}

impl Precision {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Exact => "exact",
            Precision::Address => "address",
            Precision::Area => "area",
        }
    }
    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "exact" => Precision::Exact,
            "address" => Precision::Address,
            "area" => Precision::Area,
            _ => return None,
        })
    }
    /// Whether positions of this precision may be used in point-pattern statistics.
    pub fn is_point(self) -> bool {
        !matches!(self, Precision::Area)
    }
}

/// A position in both forms: WGS84 for maps and exports, SWEREF 99 TM for all distance work.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// SWEREF 99 TM northing, metres.
    pub n: f64,
    /// SWEREF 99 TM easting, metres.
    pub e: f64,
    /// How exactly it is known.
    pub precision: Precision,
}

impl Position {
    /// A position from WGS84 degrees; refused outside Sweden's extent.
    pub fn from_wgs84(lat: f64, lon: f64, precision: Precision) -> Result<Self, ValidationError> {
        Self::check_wgs84(lat, lon)?;
        let g = trygg_geo::wgs84_to_sweref99tm(Wgs84 { lat, lon });
        Ok(Self {
            lat,
            lon,
            n: g.n,
            e: g.e,
            precision,
        })
    }

    /// Refuses SWEREF 99 TM coordinates that are not numbers.
    fn check_metres(n: f64, e: f64) -> Result<(), ValidationError> {
        if n.is_finite() && e.is_finite() {
            return Ok(());
        }
        Err(ValidationError::new(
            ErrorCode::Invalid,
            "position",
            "SWEREF 99 TM coordinates must be numbers in metres.",
        ))
    }

    /// Refuses WGS84 degrees outside Sweden's extent, saying when they look swapped.
    fn check_wgs84(lat: f64, lon: f64) -> Result<(), ValidationError> {
        let p = Wgs84 { lat, lon };
        if !lat.is_finite() || !lon.is_finite() || !trygg_geo::in_sweden_extent(p) {
            let hint = if trygg_geo::in_sweden_extent(Wgs84 { lat: lon, lon: lat }) {
                " It looks like latitude and longitude are swapped."
            } else {
                ""
            };
            return Err(ValidationError::new(
                ErrorCode::OutsideSweden,
                "position",
                format!(
                    "The position lat {lat}, lon {lon} is outside Sweden (latitude 54.96–69.07, longitude 10.03–24.17).{hint}"
                ),
            ));
        }
        Ok(())
    }

    /// Refuses a position in the sea or abroad: more than [`trygg_geo::DEFAULT_TOLERANCE_M`]
    /// from Sweden's land ([`trygg_geo::sweden_land`], the one land check of every channel).
    pub fn check_on_land(&self) -> Result<(), ValidationError> {
        if trygg_geo::sweden_land().contains(Sweref99Tm {
            n: self.n,
            e: self.e,
        }) {
            return Ok(());
        }
        Err(ValidationError::new(
            ErrorCode::OutsideSweden,
            "position",
            format!(
                "The position lat {:.5}, lon {:.5} is in the sea or outside Sweden (more than {} km from Swedish land): check the coordinates (positionen ligger i havet eller utanför Sverige; kontrollera koordinaterna).",
                self.lat,
                self.lon,
                trygg_geo::DEFAULT_TOLERANCE_M / 1000.0
            ),
        ))
    }

    /// A position from SWEREF 99 TM metres; refused outside Sweden's extent.
    pub fn from_sweref99tm(n: f64, e: f64, precision: Precision) -> Result<Self, ValidationError> {
        Self::check_metres(n, e)?;
        let w = trygg_geo::sweref99tm_to_wgs84(Sweref99Tm { n, e });
        if !trygg_geo::in_sweden_extent(w) {
            let hint = if n < e {
                " It looks like N and E are swapped."
            } else {
                ""
            };
            return Err(ValidationError::new(
                ErrorCode::OutsideSweden,
                "position",
                format!(
                    "SWEREF 99 TM N {n}, E {e} is outside Sweden (N is about 6 100 000–7 700 000, E about 260 000–920 000).{hint}"
                ),
            ));
        }
        Ok(Self {
            lat: w.lat,
            lon: w.lon,
            n,
            e,
            precision,
        })
    }
}

/// The kind of place, as a reporter sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceType {
    /// Gata, torg.
    Street,
    /// Park, grönområde.
    Park,
    /// Skola, skolgård.
    School,
    /// Centrum, butik, köpcentrum.
    Shopping,
    /// Hållplats, station, resecentrum.
    PublicTransport,
    /// Bostadsområde, trapphus, källare.
    Residential,
    /// Parkering, garage.
    Parking,
    /// Idrott, fritidsgård.
    Leisure,
    /// Annan plats.
    Other,
}

impl PlaceType {
    /// Every place type, in form order.
    pub const ALL: [PlaceType; 9] = [
        PlaceType::Street,
        PlaceType::Park,
        PlaceType::School,
        PlaceType::Shopping,
        PlaceType::PublicTransport,
        PlaceType::Residential,
        PlaceType::Parking,
        PlaceType::Leisure,
        PlaceType::Other,
    ];
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceType::Street => "street",
            PlaceType::Park => "park",
            PlaceType::School => "school",
            PlaceType::Shopping => "shopping",
            PlaceType::PublicTransport => "public_transport",
            PlaceType::Residential => "residential",
            PlaceType::Parking => "parking",
            PlaceType::Leisure => "leisure",
            PlaceType::Other => "other",
        }
    }
    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        PlaceType::ALL.into_iter().find(|p| p.as_str() == s)
    }
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            PlaceType::Street => "Gata/torg",
            PlaceType::Park => "Park/grönområde",
            PlaceType::School => "Skola/skolgård",
            PlaceType::Shopping => "Centrum/butik",
            PlaceType::PublicTransport => "Hållplats/station",
            PlaceType::Residential => "Bostadsområde/trapphus",
            PlaceType::Parking => "Parkering/garage",
            PlaceType::Leisure => "Idrott/fritid",
            PlaceType::Other => "Annan plats",
        }
    }
}

/// How an incident reached trygg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An EST report from a trained reporter.
    Est,
    /// Polisen's public events feed.
    Polisen,
    /// A file import (CSV, GeoJSON).
    Import,
    /// The JSON API.
    Api,
    /// A citizen's tip (`/tipsa`), accepted by a coordinator.
    Tips,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 5] = [
        Channel::Est,
        Channel::Polisen,
        Channel::Import,
        Channel::Api,
        Channel::Tips,
    ];
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Est => "est",
            Channel::Polisen => "polisen",
            Channel::Import => "import",
            Channel::Api => "api",
            Channel::Tips => "tips",
        }
    }
    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Who may see an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Part of the shared picture: everyone in the partnership.
    #[default]
    Shared,
    /// Only the source organisation's own people.
    Internal,
}

impl Visibility {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Shared => "shared",
            Visibility::Internal => "internal",
        }
    }
    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "shared" => Visibility::Shared,
            "internal" => Visibility::Internal,
            _ => return None,
        })
    }
}

/// A stored incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Identifier.
    pub id: IncidentId,
    /// Earliest time it can have happened.
    pub occurred_from: Timestamp,
    /// Latest time it can have happened (equal to `occurred_from` for a known moment).
    pub occurred_to: Timestamp,
    /// When trygg was told.
    pub reported_at: Timestamp,
    /// Category code.
    pub category: String,
    /// Kind of place.
    pub place_type: Option<PlaceType>,
    /// Where, if known.
    pub position: Option<Position>,
    /// Place name ("Stora torget", "Gottsunda centrum").
    pub place: Option<String>,
    /// Areas the position lies in.
    pub areas: Vec<AreaId>,
    /// Organisation that owns the report.
    pub source_org: OrganisationId,
    /// How it reached trygg.
    pub channel: Channel,
    /// Identifier in the source system (Polisen id, ärendenummer).
    pub external_id: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Who may see it.
    pub visibility: Visibility,
    /// The report it was filed in.
    pub report_id: Option<ReportId>,
    /// The user who filed it, for reports from people.
    pub created_by: Option<UserId>,
}

/// An incident to be stored. Build it, then call [`NewIncident::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    /// Earliest time.
    pub occurred_from: Timestamp,
    /// Latest time; `None` for a known moment.
    #[serde(default)]
    pub occurred_to: Option<Timestamp>,
    /// When trygg was told; `None` means now.
    #[serde(default)]
    pub reported_at: Option<Timestamp>,
    /// Category code.
    pub category: String,
    /// Kind of place.
    #[serde(default)]
    pub place_type: Option<PlaceType>,
    /// Where.
    #[serde(default)]
    pub position: Option<Position>,
    /// Place name.
    #[serde(default)]
    pub place: Option<String>,
    /// Source organisation.
    pub source_org: OrganisationId,
    /// Channel.
    pub channel: Channel,
    /// Source-system identifier.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Visibility.
    #[serde(default)]
    pub visibility: Visibility,
    /// Report it belongs to.
    #[serde(default)]
    pub report_id: Option<ReportId>,
    /// Filing user.
    #[serde(default)]
    pub created_by: Option<UserId>,
}

impl NewIncident {
    /// Checks every domain rule that needs no clock; the first broken one is returned. Every
    /// text goes through the text guard ([`text::check`]) first, so a refusal for personal
    /// data names its field whatever else is wrong.
    pub fn validate(&self) -> Result<(), ValidationError> {
        text::check("category", &self.category)?;
        check_text(
            "description",
            self.description.as_deref(),
            DESCRIPTION_MAX_CHARS,
        )?;
        check_text("place", self.place.as_deref(), PLACE_MAX_CHARS)?;
        check_text(
            "external_id",
            self.external_id.as_deref(),
            EXTERNAL_ID_MAX_CHARS,
        )?;
        check_year("occurred_from", self.occurred_from)?;
        if let Some(t) = self.occurred_to {
            check_year("occurred_to", t)?;
        }
        if let Some(t) = self.reported_at {
            check_year("reported_at", t)?;
        }
        if Taxonomy.get(&self.category).is_none() {
            return Err(ValidationError::new(
                ErrorCode::UnknownCategory,
                "category",
                format!(
                    "Unknown category {:?}. Use a code from GET /api/v1/categories, e.g. \"skadegorelse.klotter\".",
                    self.category
                ),
            ));
        }
        if let Some(to) = self.occurred_to
            && to < self.occurred_from
        {
            return Err(ValidationError::new(
                ErrorCode::TimeWindowReversed,
                "occurred_to",
                format!(
                    "The time window ends ({to}) before it starts ({}). Put the earliest time in occurred_from.",
                    self.occurred_from
                ),
            ));
        }
        if let Some(p) = &self.position {
            // Re-check: a Position can arrive through serde without its constructor.
            Position::check_wgs84(p.lat, p.lon)?;
            Position::check_metres(p.n, p.e)?;
            p.check_on_land()?;
        }
        Ok(())
    }

    /// [`NewIncident::validate`], and no time more than [`MAX_AHEAD`] after `now`: what the
    /// store checks before every write, with its clock.
    pub fn validate_at(&self, now: Timestamp) -> Result<(), ValidationError> {
        self.validate()?;
        let latest = now.saturating_add(MAX_AHEAD).unwrap_or(now);
        for (field, t) in [
            ("occurred_from", Some(self.occurred_from)),
            ("occurred_to", self.occurred_to),
            ("reported_at", self.reported_at),
        ] {
            if let Some(t) = t
                && t > latest
            {
                return Err(ValidationError::new(
                    ErrorCode::Invalid,
                    field,
                    format!(
                        "The time {t} in {field} is more than a day ahead of now ({now}): an incident is reported after it happens, so check the date (tiden ligger mer än ett dygn fram i tiden; kontrollera datumet)."
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The end of the time window.
    pub fn occurred_to_or_from(&self) -> Timestamp {
        self.occurred_to.unwrap_or(self.occurred_from)
    }
}

/// Checks a free text against its length limit and the text guard ([`text::check`]).
pub fn check_text(
    field: &str,
    text: Option<&str>,
    max_chars: usize,
) -> Result<(), ValidationError> {
    let Some(text) = text else { return Ok(()) };
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(ValidationError::new(
            ErrorCode::TextTooLong,
            field,
            format!("The text is {chars} characters; at most {max_chars} are allowed. Shorten it."),
        ));
    }
    text::check(field, text)
}

/// Which incidents a reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Scope {
    /// Shared incidents only (the public and cross-organisation view).
    #[default]
    Shared,
    /// Shared incidents plus this organisation's internal ones.
    Organisation(OrganisationId),
    /// Everything (system jobs, administrators' exports).
    All,
}

/// A filter over incidents. Empty lists mean "any".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IncidentFilter {
    /// Incidents whose window starts at or after this.
    pub from: Option<Timestamp>,
    /// Incidents whose window starts before this (half-open period).
    pub to: Option<Timestamp>,
    /// Exact category codes (expand groups with [`Taxonomy::expand`] first).
    pub categories: Vec<String>,
    /// Incidents in any of these areas.
    pub areas: Vec<AreaId>,
    /// Incidents from any of these channels.
    pub channels: Vec<Channel>,
    /// Incidents from any of these organisations.
    pub organisations: Vec<OrganisationId>,
    /// Only incidents this user filed (a reporter's own view).
    #[serde(default)]
    pub created_by: Option<UserId>,
    /// Visibility scope of the reader.
    pub scope: Scope,
    /// Page size.
    pub limit: u32,
    /// Page offset.
    pub offset: u64,
}

/// The default page size.
pub const DEFAULT_PAGE: u32 = 100;
/// The largest page size.
pub const MAX_PAGE: u32 = 1000;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// How many match the filter in all.
    pub total: u64,
    /// This page.
    pub items: Vec<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> NewIncident {
        NewIncident {
            occurred_from: "2024-05-01T20:00:00Z".parse().unwrap(),
            occurred_to: None,
            reported_at: None,
            category: "skadegorelse.klotter".into(),
            place_type: Some(PlaceType::Street),
            position: Some(Position::from_wgs84(59.858, 17.639, Precision::Exact).unwrap()),
            place: Some("Stora torget".into()),
            source_org: OrganisationId(1),
            channel: Channel::Api,
            external_id: None,
            description: Some("Nytt klotter på elskåpet.".into()),
            visibility: Visibility::Shared,
            report_id: None,
            created_by: None,
        }
    }

    #[test]
    fn a_good_incident_validates() {
        sample().validate().unwrap();
    }

    #[test]
    fn each_rule_has_its_code() {
        let mut i = sample();
        i.category = "klotter!".into();
        assert_eq!(i.validate().unwrap_err().code, ErrorCode::UnknownCategory);

        let mut i = sample();
        i.occurred_to = Some("2024-04-30T20:00:00Z".parse().unwrap());
        assert_eq!(
            i.validate().unwrap_err().code,
            ErrorCode::TimeWindowReversed
        );

        let mut i = sample();
        i.description = Some("x".repeat(DESCRIPTION_MAX_CHARS + 1));
        assert_eq!(i.validate().unwrap_err().code, ErrorCode::TextTooLong);

        let mut i = sample();
        i.description = Some("Ungdom med pnr 811228-9874 syntes".into());
        let e = i.validate().unwrap_err();
        assert_eq!(
            (e.code, e.field.as_str()),
            (ErrorCode::PersonalIdentityNumber, "description")
        );
    }

    #[test]
    fn times_lie_in_1970_to_2100_and_at_most_a_day_ahead() {
        let at = |s: &str| -> Timestamp { s.parse().unwrap() };
        for (t, ok) in [
            ("1969-12-31T23:00:00Z", true), // local midnight, 1 January 1970, in Sweden
            ("1969-12-31T00:00:00Z", false),
            ("1900-01-01T00:00:00Z", false),
            ("2100-12-31T22:59:59Z", true),
            ("2101-01-02T00:00:00Z", false),
            ("9999-12-30T00:00:00Z", false),
        ] {
            let mut i = sample();
            i.occurred_from = at(t);
            i.occurred_to = None;
            let r = i.validate();
            assert_eq!(r.is_ok(), ok, "{t}: {r:?}");
            if let Err(e) = r {
                assert_eq!(
                    (e.code, e.field.as_str()),
                    (ErrorCode::Invalid, "occurred_from")
                );
                assert!(e.message.contains("from 1970 to 2100"), "{}", e.message);
            }
        }
        let now = at("2024-05-01T12:00:00Z");
        let mut i = sample();
        i.occurred_from = at("2024-05-02T11:59:00Z");
        assert_eq!(i.validate_at(now), Ok(()), "within a day");
        i.occurred_from = at("2024-05-02T12:01:00Z");
        let e = i.validate_at(now).unwrap_err();
        assert_eq!(e.field, "occurred_from");
        assert!(e.message.contains("more than a day ahead"), "{}", e.message);
        let mut i = sample();
        i.occurred_from = at("2024-04-30T12:00:00Z");
        i.reported_at = Some(at("2024-06-01T00:00:00Z"));
        assert_eq!(i.validate_at(now).unwrap_err().field, "reported_at");
    }

    #[test]
    fn positions_in_the_sea_or_abroad_are_refused_by_the_land_check() {
        for (name, lat, lon) in [
            ("Oslo", 59.91, 10.75),
            ("Copenhagen", 55.68, 12.57),
            ("the Baltic between Gotland and Latvia", 57.0, 20.0),
        ] {
            let mut i = sample();
            i.position = Some(Position::from_wgs84(lat, lon, Precision::Exact).unwrap());
            let e = i.validate().unwrap_err();
            assert_eq!(
                (e.code, e.field.as_str()),
                (ErrorCode::OutsideSweden, "position"),
                "{name}"
            );
            assert!(
                e.message.contains("in the sea or outside Sweden"),
                "{}",
                e.message
            );
            assert!(
                e.message.contains("ligger i havet eller utanför Sverige"),
                "{}",
                e.message
            );
        }
        let mut i = sample();
        i.position = Some(Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap());
        assert_eq!(i.validate(), Ok(()), "Uppsala");
    }

    #[test]
    fn positions_outside_sweden_are_refused_with_a_hint() {
        let e = Position::from_wgs84(17.639, 59.858, Precision::Exact).unwrap_err();
        assert_eq!(e.code, ErrorCode::OutsideSweden);
        assert!(e.message.contains("swapped"), "{}", e.message);
        let p = Position::from_sweref99tm(6_638_000.0, 648_000.0, Precision::Exact).unwrap();
        assert!(
            (p.lat - 59.86).abs() < 0.05 && (p.lon - 17.64).abs() < 0.1,
            "{p:?}"
        );
        assert!(Position::from_sweref99tm(648_000.0, 6_638_000.0, Precision::Exact).is_err());
    }
}
