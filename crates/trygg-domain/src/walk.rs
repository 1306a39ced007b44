//! Safety walks (*trygghetsvandringar*), by Boverket's and Brå's method: a first meeting shapes
//! the route; on the walk a group of at most about 20 marks safe and unsafe places; the
//! protocol goes to whoever manages each place; at a closing meeting the owners say what they
//! will do; a new walk on the same route checks what happened.
//!
//! A [`SafetyWalk`] (record kind `safety_walk`) is the plan — area, the route as a line, date,
//! invited organisations and the participants' mix by group (never names: the groups are a
//! fixed list) — and the closing meeting's answers. Each place marked on the walk is a
//! [`WalkFinding`] (kind `walk_finding`), numbered within its walk; routing one makes a fix
//! (`FixSource::Walk`), whose status the protocol shows. A finding reaches the public protocol
//! only when the coordinator publishes it. A later walk names the earlier one
//! ([`SafetyWalk::earlier`]) and is compared with it point by point ([`near`]).

use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

use crate::cycle::Record;
use crate::{AreaId, ErrorCode, Position, ValidationError, incident::check_text, text};

/// The longest title, invited organisation's name or place, in characters.
pub const WALK_NAME_MAX_CHARS: usize = 200;
/// The longest description, note or answer, in characters.
pub const WALK_TEXT_MAX_CHARS: usize = 4000;
/// The most points of a route.
pub const ROUTE_MAX_POINTS: usize = 500;
/// A group the method keeps to: more, and people stop hearing each other.
pub const GROUP_ADVISED_MAX: u32 = 20;
/// The most participants a walk records (a sanity bound, not the method's advice).
pub const PARTICIPANTS_MAX: u32 = 200;
/// The largest request a finding may arrive in (its photos included), in bytes.
pub const UPLOAD_MAX_BYTES: usize = 12 * 1024 * 1024;
/// How near, in metres, a later walk's finding must lie to an earlier one to be compared.
pub const COMPARE_WITHIN_METRES: f64 = 25.0;

/// A group of participants. The list is fixed, so a name cannot be written where a group
/// belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantGroup {
    /// Residents.
    Residents,
    /// Young people.
    Youth,
    /// Older people.
    Older,
    /// Shopkeepers and businesses.
    Business,
    /// Property owners and housing companies.
    PropertyOwners,
    /// The kommun's staff.
    KommunStaff,
    /// The police.
    Police,
    /// Politicians.
    Politicians,
    /// Associations (föreningar).
    Associations,
    /// Others.
    Other,
}

impl ParticipantGroup {
    /// Every group, in the form's order.
    pub const ALL: [ParticipantGroup; 10] = [
        ParticipantGroup::Residents,
        ParticipantGroup::Youth,
        ParticipantGroup::Older,
        ParticipantGroup::Business,
        ParticipantGroup::PropertyOwners,
        ParticipantGroup::KommunStaff,
        ParticipantGroup::Police,
        ParticipantGroup::Politicians,
        ParticipantGroup::Associations,
        ParticipantGroup::Other,
    ];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantGroup::Residents => "residents",
            ParticipantGroup::Youth => "youth",
            ParticipantGroup::Older => "older",
            ParticipantGroup::Business => "business",
            ParticipantGroup::PropertyOwners => "property_owners",
            ParticipantGroup::KommunStaff => "kommun_staff",
            ParticipantGroup::Police => "police",
            ParticipantGroup::Politicians => "politicians",
            ParticipantGroup::Associations => "associations",
            ParticipantGroup::Other => "other",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s.trim())
    }

    /// The label in Swedish and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ParticipantGroup::Residents => ("Boende", "Residents"),
            ParticipantGroup::Youth => ("Unga", "Young people"),
            ParticipantGroup::Older => ("Äldre", "Older people"),
            ParticipantGroup::Business => ("Näringsidkare", "Businesses"),
            ParticipantGroup::PropertyOwners => {
                ("Fastighetsägare och bostadsbolag", "Property owners")
            }
            ParticipantGroup::KommunStaff => ("Kommunens personal", "Kommun staff"),
            ParticipantGroup::Police => ("Polisen", "Police"),
            ParticipantGroup::Politicians => ("Politiker", "Politicians"),
            ParticipantGroup::Associations => ("Föreningar", "Associations"),
            ParticipantGroup::Other => ("Övriga", "Others"),
        }
    }
}

/// How many of a group took part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participants {
    /// The group.
    pub group: ParticipantGroup,
    /// How many.
    pub count: u32,
}

/// An owner's answer at the closing meeting: what they will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerAnswer {
    /// The owner (`Gatukontoret`, `Uppsalahem`).
    pub owner: String,
    /// What they said they will do.
    pub text: String,
}

/// A safety walk (record kind `safety_walk`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SafetyWalk {
    /// Its name (`Trygghetsvandring Gottsunda centrum`).
    pub title: String,
    /// The area it walks in.
    #[serde(default)]
    pub area: Option<AreaId>,
    /// The day of the walk.
    pub date: Date,
    /// The day of the first meeting, which shaped the route.
    #[serde(default)]
    pub first_meeting: Option<Date>,
    /// The route as drawn on the map, in walking order (points on land).
    #[serde(default)]
    pub route: Vec<Position>,
    /// The organisations invited (gatukontor, housing companies, public transport …).
    #[serde(default)]
    pub invited: Vec<String>,
    /// The participants by group.
    #[serde(default)]
    pub participants: Vec<Participants>,
    /// The earlier walk on the same route that this one checks, by record id.
    #[serde(default)]
    pub earlier: Option<i64>,
    /// The day of the closing meeting.
    #[serde(default)]
    pub closing_meeting: Option<Date>,
    /// The owners' answers at the closing meeting.
    #[serde(default)]
    pub answers: Vec<OwnerAnswer>,
}

impl SafetyWalk {
    /// How many took part.
    pub fn participant_count(&self) -> u32 {
        self.participants.iter().map(|p| p.count).sum()
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ValidationError {
    ValidationError::new(ErrorCode::Invalid, field, message)
}

fn missing(field: &str, message: &str) -> ValidationError {
    ValidationError::new(ErrorCode::Missing, field, message)
}

impl Record for SafetyWalk {
    const KIND: &'static str = "safety_walk";

    fn validate(&self) -> Result<(), ValidationError> {
        text::check_all(self)?;
        if self.title.trim().is_empty() {
            return Err(missing(
                "title",
                "title: name the walk (namn saknas), e.g. Trygghetsvandring Gottsunda centrum.",
            ));
        }
        check_text("title", Some(&self.title), WALK_NAME_MAX_CHARS)?;
        if self.route.len() == 1 || self.route.len() > ROUTE_MAX_POINTS {
            return Err(invalid(
                "route",
                format!(
                    "route: draw the route with 2 to {ROUTE_MAX_POINTS} points on the map, not {} (rutten).",
                    self.route.len()
                ),
            ));
        }
        for (i, p) in self.route.iter().enumerate() {
            p.check_on_land().map_err(|mut e| {
                e.field = format!("route[{i}]");
                e
            })?;
        }
        for (i, o) in self.invited.iter().enumerate() {
            let f = format!("invited[{i}]");
            if o.trim().is_empty() {
                return Err(missing(
                    &f,
                    &format!("{f}: the organisation's name is empty."),
                ));
            }
            check_text(&f, Some(o), WALK_NAME_MAX_CHARS)?;
        }
        for (i, p) in self.participants.iter().enumerate() {
            if self.participants[..i].iter().any(|q| q.group == p.group) {
                return Err(invalid(
                    format!("participants[{i}]"),
                    format!(
                        "participants[{i}]: the group {} is listed twice; give each group once.",
                        p.group.as_str()
                    ),
                ));
            }
        }
        if self.participant_count() > PARTICIPANTS_MAX {
            return Err(invalid(
                "participants",
                format!(
                    "participants: {} people is more than one walk holds (at most {PARTICIPANTS_MAX}; the method advises about {GROUP_ADVISED_MAX}): split the walk.",
                    self.participant_count()
                ),
            ));
        }
        if let Some(first) = self.first_meeting
            && first > self.date
        {
            return Err(invalid(
                "first_meeting",
                "first_meeting: the first meeting comes before the walk (det första mötet ligger före vandringen).",
            ));
        }
        if let Some(closing) = self.closing_meeting
            && closing < self.date
        {
            return Err(invalid(
                "closing_meeting",
                "closing_meeting: the closing meeting comes after the walk (återkopplingsmötet ligger efter vandringen).",
            ));
        }
        for (i, a) in self.answers.iter().enumerate() {
            for (name, value, max) in [
                ("owner", &a.owner, WALK_NAME_MAX_CHARS),
                ("text", &a.text, WALK_TEXT_MAX_CHARS),
            ] {
                let f = format!("answers[{i}].{name}");
                if value.trim().is_empty() {
                    return Err(missing(
                        &f,
                        &format!("{f}: write the owner and what they will do (svar saknas)."),
                    ));
                }
                check_text(&f, Some(value), max)?;
            }
        }
        Ok(())
    }
}

/// What the participants said about a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// An unsafe place: something to mend.
    #[default]
    Unsafe,
    /// A safe place: something to keep.
    Safe,
}

impl FindingKind {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Unsafe => "unsafe",
            FindingKind::Safe => "safe",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        [FindingKind::Unsafe, FindingKind::Safe]
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The label in Swedish and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            FindingKind::Unsafe => ("Otrygg plats", "Unsafe place"),
            FindingKind::Safe => ("Trygg plats", "Safe place"),
        }
    }
}

/// A place marked on a walk (record kind `walk_finding`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WalkFinding {
    /// The walk's record id.
    pub walk: i64,
    /// Its number within the walk (1, 2, …), the protocol's point number.
    pub number: u32,
    /// Safe or unsafe.
    #[serde(default)]
    pub kind: FindingKind,
    /// The taxonomy code; an unsafe place needs one, a safe place may have none.
    #[serde(default)]
    pub category: Option<String>,
    /// Where (a point on land).
    pub position: Position,
    /// The place's name or address.
    #[serde(default)]
    pub place: Option<String>,
    /// What the group saw.
    pub description: String,
    /// Photos, stripped of their metadata and stored by their SHA-256 as the fixes' are;
    /// routing copies them to the fix, where a coordinator may approve one for public pages.
    #[serde(default)]
    pub photos: Vec<crate::fix::FixPhoto>,
    /// The fix made when the finding was routed.
    #[serde(default)]
    pub fix: Option<i64>,
    /// Shown on the public protocol.
    #[serde(default)]
    pub published: bool,
    /// When it was recorded (on the phone, which may have sent it later).
    pub recorded_at: Timestamp,
    /// The phone's own id for it, so a finding queued offline and sent twice is stored once.
    #[serde(default)]
    pub client_id: Option<String>,
}

impl Record for WalkFinding {
    const KIND: &'static str = "walk_finding";

    fn validate(&self) -> Result<(), ValidationError> {
        text::check_all(self)?;
        match (&self.kind, &self.category) {
            (_, Some(c)) => crate::fix::check_category("category", c)?,
            (FindingKind::Unsafe, None) => {
                return Err(missing(
                    "category",
                    "category: say what makes the place unsafe (kategori saknas).",
                ));
            }
            (FindingKind::Safe, None) => {}
        }
        if self.number == 0 {
            return Err(invalid("number", "number: findings are numbered from 1."));
        }
        if self.description.trim().is_empty() {
            return Err(missing(
                "description",
                "description: say what the group saw (beskrivning saknas).",
            ));
        }
        check_text("description", Some(&self.description), WALK_TEXT_MAX_CHARS)?;
        check_text("place", self.place.as_deref(), WALK_NAME_MAX_CHARS)?;
        check_text("client_id", self.client_id.as_deref(), 64)?;
        self.position.check_on_land()
    }
}

/// The distance between two positions in metres (SWEREF 99 TM).
pub fn metres(a: &Position, b: &Position) -> f64 {
    (a.n - b.n).hypot(a.e - b.e)
}

/// The numbers of `later`'s findings within [`COMPARE_WITHIN_METRES`] of `earlier`, nearest
/// first.
pub fn near(earlier: &WalkFinding, later: &[WalkFinding]) -> Vec<u32> {
    let mut hits: Vec<(f64, u32)> = later
        .iter()
        .map(|f| (metres(&earlier.position, &f.position), f.number))
        .filter(|(d, _)| *d <= COMPARE_WITHIN_METRES)
        .collect();
    hits.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, n)| n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Precision;

    fn at(lat: f64, lon: f64) -> Position {
        Position::from_wgs84(lat, lon, Precision::Exact).unwrap()
    }

    fn walk() -> SafetyWalk {
        SafetyWalk {
            title: "Trygghetsvandring Gottsunda centrum".into(),
            area: None,
            date: "2026-10-01".parse().unwrap(),
            first_meeting: Some("2026-09-10".parse().unwrap()),
            route: vec![at(59.8060, 17.6230), at(59.8070, 17.6250)],
            invited: vec!["Gatukontoret".into(), "Uppsalahem".into()],
            participants: vec![
                Participants {
                    group: ParticipantGroup::Residents,
                    count: 9,
                },
                Participants {
                    group: ParticipantGroup::Police,
                    count: 2,
                },
            ],
            earlier: None,
            closing_meeting: None,
            answers: vec![],
        }
    }

    fn finding(number: u32, lat: f64, lon: f64) -> WalkFinding {
        WalkFinding {
            walk: 1,
            number,
            kind: FindingKind::Unsafe,
            category: Some("otrygg-plats.belysning".into()),
            position: at(lat, lon),
            place: None,
            description: "Mörkt i gångtunneln.".into(),
            photos: vec![],
            fix: None,
            published: false,
            recorded_at: "2026-10-01T18:00:00Z".parse().unwrap(),
            client_id: None,
        }
    }

    #[test]
    fn a_plan_needs_a_route_of_two_points_and_its_meetings_in_order() {
        assert_eq!(walk().validate(), Ok(()));
        assert_eq!(walk().participant_count(), 11);
        let mut w = walk();
        w.route.truncate(1);
        assert_eq!(w.validate().unwrap_err().field, "route");
        let mut w = walk();
        w.route.push(at(57.0, 19.5)); // the Baltic, east of Gotland
        assert_eq!(w.validate().unwrap_err().field, "route[2]");
        let mut w = walk();
        w.first_meeting = Some("2026-10-02".parse().unwrap());
        assert_eq!(w.validate().unwrap_err().field, "first_meeting");
        let mut w = walk();
        w.closing_meeting = Some("2026-09-30".parse().unwrap());
        assert_eq!(w.validate().unwrap_err().field, "closing_meeting");
        let mut w = walk();
        w.participants[1].group = ParticipantGroup::Residents;
        assert_eq!(w.validate().unwrap_err().field, "participants[1]");
        let mut w = walk();
        w.answers.push(OwnerAnswer {
            owner: "Gatukontoret".into(),
            text: " ".into(),
        });
        assert_eq!(w.validate().unwrap_err().field, "answers[0].text");
    }

    #[test]
    fn an_unsafe_place_needs_a_category_and_a_safe_one_does_not() {
        assert_eq!(finding(1, 59.806, 17.623).validate(), Ok(()));
        let mut f = finding(1, 59.806, 17.623);
        f.category = None;
        assert_eq!(f.validate().unwrap_err().field, "category");
        f.kind = FindingKind::Safe;
        assert_eq!(f.validate(), Ok(()));
        f.category = Some("nonsense".into());
        assert_eq!(f.validate().unwrap_err().code, ErrorCode::UnknownCategory);
    }

    #[test]
    fn a_later_walk_is_compared_within_25_metres() {
        let earlier = finding(1, 59.8060, 17.6230);
        // About 11 m north, about 22 m north and 100 m north.
        let later = [
            finding(1, 59.8062, 17.6230),
            finding(2, 59.8061, 17.6230),
            finding(3, 59.8069, 17.6230),
        ];
        assert_eq!(near(&earlier, &later), vec![2, 1]);
        assert!(metres(&earlier.position, &later[2].position) > 90.0);
    }
}
