//! The knowledge-based cycle (*kunskapsbaserat arbetssätt*): problem → cause analysis →
//! intervention → follow-up, and the weekly EST meeting.
//!
//! Plain data with validation, stored as versioned records (see [`Record`]). A problem is a
//! saved filter, never a typed-in number: its size and trend are computed from the incidents.

use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

use crate::{
    AreaId, ErrorCode, IncidentId, OrganisationId, ReportId, Taxonomy, ValidationError,
    incident::check_text,
};

/// Longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;
/// Longest free text (description, analysis fields, observations), in characters.
pub const TEXT_MAX_CHARS: usize = 10_000;

/// A kind of stored record: a name for the generic record store and the rules a value must
/// keep before it is written.
pub trait Record: Serialize + for<'de> Deserialize<'de> + Send + Sync {
    /// The stable kind name (`problem`, `intervention`, …). Never rename one.
    const KIND: &'static str;
    /// Checks every domain rule.
    fn validate(&self) -> Result<(), ValidationError>;
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ValidationError {
    ValidationError::new(ErrorCode::Invalid, field, message)
}

fn required(field: &str, value: &str, what: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(
            ErrorCode::Missing,
            field,
            format!("{what} is missing (saknas): write a short one."),
        ));
    }
    Ok(())
}

fn text(field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    check_text(field, Some(value), max)
}

fn opt_text(field: &str, value: &Option<String>, max: usize) -> Result<(), ValidationError> {
    check_text(field, value.as_deref(), max)
}

fn period(
    from_field: &str,
    to_field: &str,
    from: Date,
    to: Option<Date>,
) -> Result<(), ValidationError> {
    if let Some(to) = to
        && to < from
    {
        return Err(ValidationError::new(
            ErrorCode::TimeWindowReversed,
            to_field,
            format!(
                "The period ends ({to}) before it starts ({from}) (perioden slutar innan den börjar). Put the earliest date in {from_field}."
            ),
        ));
    }
    Ok(())
}

/// A record id, as stored (the generic record store's `id`), untyped: the store and the HTTP
/// paths use it; the links between records use [`Id`], so a problem's id cannot be put where
/// an intervention's belongs.
pub type RecordId = i64;

/// The id of a record of kind `K` (`Id<Problem>`, `Id<Intervention>`, `Id<Meeting>`). It is
/// the stored id, serialised as the bare number, so the JSON does not change. A problem's id
/// is not an intervention's:
///
/// ```compile_fail
/// use trygg_domain::cycle::{Id, Intervention, Problem};
/// let problem: Id<Problem> = Id::new(7);
/// let intervention: Id<Intervention> = problem;
/// ```
///
/// ```
/// use trygg_domain::cycle::{Id, Problem};
/// let problem: Id<Problem> = "7".parse().unwrap();
/// assert_eq!(serde_json::to_string(&problem).unwrap(), "7");
/// ```
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id<K> {
    /// The stored id.
    pub raw: RecordId,
    #[serde(skip)]
    kind: std::marker::PhantomData<fn() -> K>,
}

impl<K> Id<K> {
    /// The id of the stored record `raw`.
    pub const fn new(raw: RecordId) -> Self {
        Id {
            raw,
            kind: std::marker::PhantomData,
        }
    }
}

impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Id<K> {}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<K> Eq for Id<K> {}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<K> std::hash::Hash for Id<K> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.raw.hash(h);
    }
}
impl<K> std::fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.raw)
    }
}
impl<K> std::fmt::Display for Id<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.raw)
    }
}

impl<K> std::str::FromStr for Id<K> {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(Id::new)
    }
}

/// A problem's id.
pub type ProblemId = Id<Problem>;
/// An intervention's id.
pub type InterventionId = Id<Intervention>;
/// A meeting's id.
pub type MeetingId = Id<Meeting>;

// ---------------------------------------------------------------------------------------------
// Problem
// ---------------------------------------------------------------------------------------------

/// Where a problem came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    /// A hot spot found on the map (Gi*, KDE).
    HotSpot,
    /// An emerging-problem alert (`/api/v1/alerts`).
    EmergingAlert,
    /// A report from a reporter or a partner.
    Report,
    /// A decision (styrgrupp, nämnd).
    Decision,
}

impl OriginKind {
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            OriginKind::HotSpot => "Brännpunkt",
            OriginKind::EmergingAlert => "Larm om nytt problem",
            OriginKind::Report => "Rapport",
            OriginKind::Decision => "Beslut",
        }
    }
}

/// The origin and a reference to it (alert key, report id, decision number, hot-spot name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// Kind.
    pub kind: OriginKind,
    /// Reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Where a problem is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    /// Being described (utkast).
    #[default]
    Draft,
    /// Being worked on (aktivt).
    Active,
    /// Interventions are in place (åtgärdat).
    Addressed,
    /// Closed (avslutat).
    Closed,
}

impl ProblemStatus {
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            ProblemStatus::Draft => "Utkast",
            ProblemStatus::Active => "Aktivt",
            ProblemStatus::Addressed => "Åtgärdat",
            ProblemStatus::Closed => "Avslutat",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ProblemStatus::Draft => "Draft",
            ProblemStatus::Active => "Active",
            ProblemStatus::Addressed => "Addressed",
            ProblemStatus::Closed => "Closed",
        }
    }
}

/// Coordinate system of a drawn polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Crs {
    /// WGS84 degrees (lon, lat), as GeoJSON.
    #[default]
    Wgs84,
    /// SWEREF 99 TM metres (e, n).
    Sweref99tm,
}

/// A polygon drawn on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrawnPolygon {
    /// Its coordinate system.
    #[serde(default)]
    pub crs: Crs,
    /// GeoJSON Polygon or MultiPolygon geometry.
    pub geometry: serde_json::Value,
}

/// A problem's definition: a saved filter of categories × place × period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemDefinition {
    /// Category codes or groups ("skadegorelse", "samling.utomhus").
    pub categories: Vec<String>,
    /// Areas (any of them); empty when a polygon is drawn.
    #[serde(default)]
    pub areas: Vec<AreaId>,
    /// A drawn polygon instead of areas.
    #[serde(default)]
    pub polygon: Option<DrawnPolygon>,
    /// First day (local).
    pub from: Date,
    /// Day after the last (exclusive); open when `None`.
    #[serde(default)]
    pub to: Option<Date>,
}

impl ProblemDefinition {
    /// Every exact category code the definition covers (groups expanded), sorted, unique.
    pub fn category_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .categories
            .iter()
            .flat_map(|c| Taxonomy.expand(c))
            .map(str::to_string)
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    fn validate(&self, field: &str) -> Result<(), ValidationError> {
        if self.categories.is_empty() {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                format!("{field}.categories"),
                "Pick at least one category (välj minst en kategori), e.g. \"skadegorelse\".",
            ));
        }
        for (k, c) in self.categories.iter().enumerate() {
            if Taxonomy.get(c).is_none() {
                return Err(ValidationError::new(
                    ErrorCode::UnknownCategory,
                    format!("{field}.categories[{k}]"),
                    format!(
                        "Unknown category {c:?} (okänd kategori). Use a code from GET /api/v1/categories."
                    ),
                ));
            }
        }
        match (&self.polygon, self.areas.is_empty()) {
            (None, true) => {
                return Err(ValidationError::new(
                    ErrorCode::Missing,
                    format!("{field}.areas"),
                    "Give the place: at least one area, or a polygon drawn on the map (ange område eller rita en yta).",
                ));
            }
            (Some(_), false) => {
                return Err(invalid(
                    format!("{field}.polygon"),
                    "Give either areas or a drawn polygon, not both (antingen områden eller en ritad yta).",
                ));
            }
            (Some(p), true) => {
                let parsed = match p.crs {
                    Crs::Wgs84 => trygg_geo::MultiPolygon::from_geojson_wgs84(&p.geometry),
                    Crs::Sweref99tm => {
                        trygg_geo::MultiPolygon::from_geojson_sweref99tm(&p.geometry)
                    }
                };
                if let Err(e) = parsed {
                    return Err(invalid(
                        format!("{field}.polygon.geometry"),
                        format!("The drawn polygon is not valid (ytan är ogiltig): {e}."),
                    ));
                }
            }
            (None, false) => {}
        }
        period(
            &format!("{field}.from"),
            &format!("{field}.to"),
            self.from,
            self.to,
        )
    }
}

/// A problem (*problembild*): a type of crime or insecurity in a specific place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Short title ("Otrygghet och skadegörelse i Gottsunda centrum").
    pub title: String,
    /// What the problem is, in words.
    #[serde(default)]
    pub description: String,
    /// The saved filter.
    pub definition: ProblemDefinition,
    /// Where it came from.
    pub origin: Origin,
    /// Status.
    #[serde(default)]
    pub status: ProblemStatus,
    /// The parties owning it.
    #[serde(default)]
    pub owners: Vec<OrganisationId>,
}

impl Record for Problem {
    const KIND: &'static str = "problem";

    fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("title", &self.title, "The title (rubrik)")?;
        text("title", &self.title, TITLE_MAX_CHARS)?;
        text("description", &self.description, TEXT_MAX_CHARS)?;
        opt_text("origin.reference", &self.origin.reference, TITLE_MAX_CHARS)?;
        self.definition.validate("definition")?;
        if self.owners.is_empty() {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                "owners",
                "Name at least one owner party (ange minst en ägande part).",
            ));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Cause analysis
// ---------------------------------------------------------------------------------------------

/// The problem analysis triangle with its controllers (free text each).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Triangle {
    /// Offender (gärningsperson).
    pub offender: String,
    /// Target or victim (mål/offer).
    pub target: String,
    /// Place (plats).
    pub place: String,
    /// Handler of the offender (den som har inflytande över gärningspersonen).
    pub handler: String,
    /// Guardian of the target (väktare/skyddare).
    pub guardian: String,
    /// Manager of the place (platsansvarig).
    pub manager: String,
}

/// Where a cause lies: a side of the problem analysis triangle or one of its controllers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseFactor {
    /// The offender: motivation, opportunity seen, excuses (gärningspersonen).
    Offender,
    /// The target or victim (målet/offret).
    Target,
    /// The place: design, light, sight lines (platsen).
    Place,
    /// Whoever has influence over the offender: parents, teachers, youth workers (handledaren).
    Handler,
    /// Whoever watches over the target: guards, staff, passers-by (väktaren).
    Guardian,
    /// Whoever is responsible for the place: owner, caretaker (platsansvarig).
    Manager,
}

/// Brå's three perspectives, into which the triangle's six factors fall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Perspective {
    /// Situational (situationellt): the place, its guardians and managers.
    Situational,
    /// The victim's (offrets).
    Victim,
    /// The offender's (gärningspersonens), with the handlers.
    Offender,
}

impl CauseFactor {
    /// Every factor, in the triangle's order.
    pub const ALL: [CauseFactor; 6] = [
        CauseFactor::Offender,
        CauseFactor::Target,
        CauseFactor::Place,
        CauseFactor::Handler,
        CauseFactor::Guardian,
        CauseFactor::Manager,
    ];

    /// Stable text form (as in JSON and forms).
    pub fn as_str(self) -> &'static str {
        match self {
            CauseFactor::Offender => "offender",
            CauseFactor::Target => "target",
            CauseFactor::Place => "place",
            CauseFactor::Handler => "handler",
            CauseFactor::Guardian => "guardian",
            CauseFactor::Manager => "manager",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<CauseFactor> {
        CauseFactor::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
    }

    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            CauseFactor::Offender => "Gärningspersonen",
            CauseFactor::Target => "Målet/offret",
            CauseFactor::Place => "Platsen",
            CauseFactor::Handler => "Handledare (inflytande över gärningspersonen)",
            CauseFactor::Guardian => "Väktare (tillsyn över målet)",
            CauseFactor::Manager => "Platsansvarig",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            CauseFactor::Offender => "Offender",
            CauseFactor::Target => "Target/victim",
            CauseFactor::Place => "Place",
            CauseFactor::Handler => "Handler (influence over the offender)",
            CauseFactor::Guardian => "Guardian (watch over the target)",
            CauseFactor::Manager => "Place manager",
        }
    }

    /// The Brå perspective the factor belongs to.
    pub fn perspective(self) -> Perspective {
        match self {
            CauseFactor::Offender | CauseFactor::Handler => Perspective::Offender,
            CauseFactor::Target => Perspective::Victim,
            CauseFactor::Place | CauseFactor::Guardian | CauseFactor::Manager => {
                Perspective::Situational
            }
        }
    }
}

impl Perspective {
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            Perspective::Situational => "situationellt perspektiv",
            Perspective::Victim => "offerperspektiv",
            Perspective::Offender => "gärningspersonsperspektiv",
        }
    }
}

/// Brå's three perspectives.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Perspectives {
    /// Situational (situationellt).
    pub situational: String,
    /// Victim (offer).
    pub victim: String,
    /// Offender (gärningsperson).
    pub offender: String,
}

/// A piece of evidence for a hypothesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// Incidents that show it.
    Incidents {
        /// The incidents.
        ids: Vec<IncidentId>,
    },
    /// A figure or observation, in words ("70 % av händelserna fredag–lördag kväll").
    Figure {
        /// The text.
        text: String,
    },
    /// An attachment: a file name and/or a link.
    Attachment {
        /// Name.
        name: String,
        /// Link, if any.
        #[serde(default)]
        url: Option<String>,
    },
}

/// How far the analysis has come with a hypothesis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HypothesisStatus {
    /// Not yet judged (öppen).
    #[default]
    Open,
    /// The evidence supports it: a concluded cause (styrkt).
    Supported,
    /// The evidence speaks against it (avfärdad).
    Rejected,
}

impl HypothesisStatus {
    /// Every status.
    pub const ALL: [HypothesisStatus; 3] = [
        HypothesisStatus::Open,
        HypothesisStatus::Supported,
        HypothesisStatus::Rejected,
    ];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            HypothesisStatus::Open => "open",
            HypothesisStatus::Supported => "supported",
            HypothesisStatus::Rejected => "rejected",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<HypothesisStatus> {
        HypothesisStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
    }

    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            HypothesisStatus::Open => "Öppen",
            HypothesisStatus::Supported => "Styrkt",
            HypothesisStatus::Rejected => "Avfärdad",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            HypothesisStatus::Open => "Open",
            HypothesisStatus::Supported => "Supported",
            HypothesisStatus::Rejected => "Rejected",
        }
    }
}

/// A hypothesis about a cause, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hypothesis {
    /// Short stable key within the analysis ("H1"), for interventions to point at.
    pub key: String,
    /// The hypothesis.
    pub text: String,
    /// Evidence.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Where on the problem analysis triangle the cause lies, when the analysis says.
    #[serde(default)]
    pub factor: Option<CauseFactor>,
    /// Whether the evidence supports it (a concluded cause) or not.
    #[serde(default)]
    pub status: HypothesisStatus,
}

/// The cause analysis (*orsaksanalys*) of one problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CauseAnalysis {
    /// The problem analysed.
    pub problem_id: ProblemId,
    /// The problem analysis triangle.
    #[serde(default)]
    pub triangle: Triangle,
    /// Brå's three perspectives.
    #[serde(default)]
    pub perspectives: Perspectives,
    /// Hypotheses.
    #[serde(default)]
    pub hypotheses: Vec<Hypothesis>,
    /// Conclusion.
    #[serde(default)]
    pub conclusion: String,
}

impl Record for CauseAnalysis {
    const KIND: &'static str = "cause_analysis";

    fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        let t = &self.triangle;
        for (f, v) in [
            ("triangle.offender", &t.offender),
            ("triangle.target", &t.target),
            ("triangle.place", &t.place),
            ("triangle.handler", &t.handler),
            ("triangle.guardian", &t.guardian),
            ("triangle.manager", &t.manager),
            ("perspectives.situational", &self.perspectives.situational),
            ("perspectives.victim", &self.perspectives.victim),
            ("perspectives.offender", &self.perspectives.offender),
            ("conclusion", &self.conclusion),
        ] {
            text(f, v, TEXT_MAX_CHARS)?;
        }
        let mut keys = std::collections::HashSet::new();
        for (k, h) in self.hypotheses.iter().enumerate() {
            let f = format!("hypotheses[{k}]");
            required(&format!("{f}.key"), &h.key, "The hypothesis key (e.g. H1)")?;
            text(&format!("{f}.key"), &h.key, 20)?;
            if !keys.insert(h.key.trim().to_string()) {
                return Err(invalid(
                    format!("{f}.key"),
                    format!(
                        "Two hypotheses have the key {:?} (samma nyckel två gånger): give each its own.",
                        h.key
                    ),
                ));
            }
            required(&format!("{f}.text"), &h.text, "The hypothesis (hypotesen)")?;
            text(&format!("{f}.text"), &h.text, TEXT_MAX_CHARS)?;
            for (j, e) in h.evidence.iter().enumerate() {
                let ef = format!("{f}.evidence[{j}]");
                match e {
                    Evidence::Incidents { ids } if ids.is_empty() => {
                        return Err(ValidationError::new(
                            ErrorCode::Missing,
                            format!("{ef}.ids"),
                            "Name at least one incident (ange minst en händelse).",
                        ));
                    }
                    Evidence::Incidents { .. } => {}
                    Evidence::Figure { text: t } => {
                        required(&format!("{ef}.text"), t, "The figure's text")?;
                        text(&format!("{ef}.text"), t, TEXT_MAX_CHARS)?;
                    }
                    Evidence::Attachment { name, url } => {
                        required(&format!("{ef}.name"), name, "The attachment's name")?;
                        text(&format!("{ef}.name"), name, TITLE_MAX_CHARS)?;
                        opt_text(&format!("{ef}.url"), url, 2000)?;
                        if let Some(u) = url {
                            crate::text::check_url(&format!("{ef}.url"), u)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Interventions
// ---------------------------------------------------------------------------------------------

/// The five groups of the 25 techniques of situational crime prevention (Cornish & Clarke 2003).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TechniqueGroup {
    /// Increase the effort (öka ansträngningen).
    IncreaseEffort,
    /// Increase the risks (öka risken).
    IncreaseRisks,
    /// Reduce the rewards (minska vinsten).
    ReduceRewards,
    /// Reduce provocations (minska provokationerna).
    ReduceProvocations,
    /// Remove excuses (ta bort ursäkterna).
    RemoveExcuses,
}

impl TechniqueGroup {
    /// Every group, in the classic order.
    pub const ALL: [TechniqueGroup; 5] = [
        TechniqueGroup::IncreaseEffort,
        TechniqueGroup::IncreaseRisks,
        TechniqueGroup::ReduceRewards,
        TechniqueGroup::ReduceProvocations,
        TechniqueGroup::RemoveExcuses,
    ];

    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            TechniqueGroup::IncreaseEffort => "Öka ansträngningen",
            TechniqueGroup::IncreaseRisks => "Öka risken",
            TechniqueGroup::ReduceRewards => "Minska vinsten",
            TechniqueGroup::ReduceProvocations => "Minska provokationerna",
            TechniqueGroup::RemoveExcuses => "Ta bort ursäkterna",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            TechniqueGroup::IncreaseEffort => "Increase the effort",
            TechniqueGroup::IncreaseRisks => "Increase the risks",
            TechniqueGroup::ReduceRewards => "Reduce the rewards",
            TechniqueGroup::ReduceProvocations => "Reduce provocations",
            TechniqueGroup::RemoveExcuses => "Remove excuses",
        }
    }
}

/// One of the 25 techniques.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Technique {
    /// Number 1–25, as in Cornish & Clarke's table.
    pub number: u8,
    /// Stable code ("target-harden").
    pub code: &'static str,
    /// Its group.
    pub group: TechniqueGroup,
    /// Swedish label.
    pub label_sv: &'static str,
    /// English label.
    pub label_en: &'static str,
}

macro_rules! techniques {
    ($($n:literal $code:literal $group:ident $sv:literal $en:literal;)*) => {
        /// The 25 techniques of situational crime prevention (Cornish & Clarke 2003), with
        /// Swedish labels as in Brå's material.
        pub const TECHNIQUES: [Technique; 25] = [$(Technique {
            number: $n,
            code: $code,
            group: TechniqueGroup::$group,
            label_sv: $sv,
            label_en: $en,
        }),*];
    };
}

techniques! {
    1 "target-harden" IncreaseEffort "Försvåra åtkomsten till målet (målhärdning)" "Target harden";
    2 "control-access" IncreaseEffort "Kontrollera tillträdet" "Control access to facilities";
    3 "screen-exits" IncreaseEffort "Kontrollera utgångar" "Screen exits";
    4 "deflect-offenders" IncreaseEffort "Avled gärningspersoner" "Deflect offenders";
    5 "control-tools" IncreaseEffort "Kontrollera verktyg och vapen" "Control tools/weapons";
    6 "extend-guardianship" IncreaseRisks "Utöka tillsynen" "Extend guardianship";
    7 "natural-surveillance" IncreaseRisks "Underlätta naturlig övervakning" "Assist natural surveillance";
    8 "reduce-anonymity" IncreaseRisks "Minska anonymiteten" "Reduce anonymity";
    9 "place-managers" IncreaseRisks "Använd platsansvariga" "Utilize place managers";
    10 "formal-surveillance" IncreaseRisks "Förstärk den formella övervakningen" "Strengthen formal surveillance";
    11 "conceal-targets" ReduceRewards "Dölj målen" "Conceal targets";
    12 "remove-targets" ReduceRewards "Avlägsna målen" "Remove targets";
    13 "identify-property" ReduceRewards "Märk egendom" "Identify property";
    14 "disrupt-markets" ReduceRewards "Stör marknaderna" "Disrupt markets";
    15 "deny-benefits" ReduceRewards "Förhindra vinsterna" "Deny benefits";
    16 "reduce-frustration" ReduceProvocations "Minska frustration och stress" "Reduce frustrations and stress";
    17 "avoid-disputes" ReduceProvocations "Undvik konflikter" "Avoid disputes";
    18 "reduce-arousal" ReduceProvocations "Minska känslomässig upphetsning" "Reduce emotional arousal";
    19 "neutralise-peer-pressure" ReduceProvocations "Neutralisera grupptryck" "Neutralize peer pressure";
    20 "discourage-imitation" ReduceProvocations "Motverka efterapning" "Discourage imitation";
    21 "set-rules" RemoveExcuses "Sätt upp regler" "Set rules";
    22 "post-instructions" RemoveExcuses "Anslå instruktioner" "Post instructions";
    23 "alert-conscience" RemoveExcuses "Väck samvetet" "Alert conscience";
    24 "assist-compliance" RemoveExcuses "Underlätta regelefterlevnad" "Assist compliance";
    25 "control-drugs-alcohol" RemoveExcuses "Kontrollera droger och alkohol" "Control drugs and alcohol";
}

/// The technique with this code.
pub fn technique(code: &str) -> Option<&'static Technique> {
    TECHNIQUES.iter().find(|t| t.code == code)
}

/// How an intervention works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// Techniques of situational crime prevention, by code (at least one).
    Situational {
        /// Technique codes ([`TECHNIQUES`]).
        techniques: Vec<String>,
        /// Optional detail.
        #[serde(default)]
        text: String,
    },
    /// Any other method, in words (social prevention, dialogue, …).
    Free {
        /// The method.
        text: String,
    },
}

/// Where an intervention is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionStatus {
    /// Planned (planerad).
    #[default]
    Planned,
    /// Under way (pågående).
    Ongoing,
    /// Finished (genomförd).
    Completed,
    /// Called off (avbruten).
    Cancelled,
}

impl InterventionStatus {
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            InterventionStatus::Planned => "Planerad",
            InterventionStatus::Ongoing => "Pågående",
            InterventionStatus::Completed => "Genomförd",
            InterventionStatus::Cancelled => "Avbruten",
        }
    }
}

/// The party and unit responsible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsible {
    /// The party.
    pub organisation_id: OrganisationId,
    /// The unit ("Fritidsförvaltningen", "Områdespolisen Gottsunda").
    #[serde(default)]
    pub unit: String,
}

/// Resources of one party: each party bears its own costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartyResources {
    /// The party.
    pub organisation_id: OrganisationId,
    /// Planned hours.
    #[serde(default)]
    pub planned_hours: f64,
    /// Planned cost, SEK.
    #[serde(default)]
    pub planned_sek: f64,
    /// Hours used so far.
    #[serde(default)]
    pub used_hours: f64,
    /// Cost so far, SEK.
    #[serde(default)]
    pub used_sek: f64,
}

/// A pointer to one hypothesis of a problem's cause analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HypothesisRef {
    /// The problem.
    pub problem_id: ProblemId,
    /// The hypothesis key ("H1").
    pub key: String,
}

/// An intervention (*insats/åtgärd*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intervention {
    /// Title.
    pub title: String,
    /// What is done.
    #[serde(default)]
    pub description: String,
    /// The problems it targets (at least one).
    pub problem_ids: Vec<ProblemId>,
    /// The causes it targets.
    #[serde(default)]
    pub hypotheses: Vec<HypothesisRef>,
    /// The method.
    pub method: Method,
    /// What the measure works on besides what its techniques imply (a free method names its
    /// factors here); see [`crate::cause::measure_factors`].
    #[serde(default)]
    pub addresses: Vec<CauseFactor>,
    /// Responsible party and unit.
    pub responsible: Responsible,
    /// Resources per party.
    #[serde(default)]
    pub resources: Vec<PartyResources>,
    /// First day (local).
    pub start: Date,
    /// Day after the last, if planned.
    #[serde(default)]
    pub end: Option<Date>,
    /// Status.
    #[serde(default)]
    pub status: InterventionStatus,
    /// The commitment (åtagande) it implements, when there is one.
    #[serde(default)]
    pub commitment_ref: Option<String>,
    /// The treated area (åtgärdsområde); empty: the problem's areas.
    #[serde(default)]
    pub treated_areas: Vec<AreaId>,
    /// The control area (kontrollområde).
    #[serde(default)]
    pub control_areas: Vec<AreaId>,
    /// The buffer for displacement (buffertzon).
    #[serde(default)]
    pub buffer_areas: Vec<AreaId>,
}

impl Record for Intervention {
    const KIND: &'static str = "intervention";

    fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("title", &self.title, "The title (rubrik)")?;
        text("title", &self.title, TITLE_MAX_CHARS)?;
        text("description", &self.description, TEXT_MAX_CHARS)?;
        if self.problem_ids.is_empty() {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                "problem_ids",
                "Link the intervention to at least one problem (koppla insatsen till minst en problembild).",
            ));
        }
        for (k, h) in self.hypotheses.iter().enumerate() {
            if !self.problem_ids.contains(&h.problem_id) {
                return Err(invalid(
                    format!("hypotheses[{k}].problem_id"),
                    format!(
                        "Hypothesis {} belongs to problem {}, which the intervention is not linked to. Add the problem to problem_ids.",
                        h.key, h.problem_id
                    ),
                ));
            }
        }
        match &self.method {
            Method::Situational {
                techniques,
                text: t,
            } => {
                if techniques.is_empty() {
                    return Err(ValidationError::new(
                        ErrorCode::Missing,
                        "method.techniques",
                        "Pick at least one of the 25 techniques, or use a free method (välj minst en teknik).",
                    ));
                }
                for (k, c) in techniques.iter().enumerate() {
                    if technique(c).is_none() {
                        return Err(invalid(
                            format!("method.techniques[{k}]"),
                            format!(
                                "Unknown technique {c:?} (okänd teknik). Use a code such as \"extend-guardianship\"; GET /api/v1/techniques lists all 25."
                            ),
                        ));
                    }
                }
                text("method.text", t, TEXT_MAX_CHARS)?;
            }
            Method::Free { text: t } => {
                required("method.text", t, "The method (metoden)")?;
                text("method.text", t, TEXT_MAX_CHARS)?;
            }
        }
        text("responsible.unit", &self.responsible.unit, TITLE_MAX_CHARS)?;
        let mut parties = std::collections::HashSet::new();
        for (k, r) in self.resources.iter().enumerate() {
            for (f, v) in [
                ("planned_hours", r.planned_hours),
                ("planned_sek", r.planned_sek),
                ("used_hours", r.used_hours),
                ("used_sek", r.used_sek),
            ] {
                if !v.is_finite() || v < 0.0 {
                    return Err(invalid(
                        format!("resources[{k}].{f}"),
                        format!(
                            "{v} is not a resource: give hours and SEK as 0 or more (timmar och kronor, 0 eller mer)."
                        ),
                    ));
                }
            }
            if !parties.insert(r.organisation_id) {
                return Err(invalid(
                    format!("resources[{k}].organisation_id"),
                    "Each party appears once in the resources (varje part en gång): add the figures together.",
                ));
            }
        }
        if let Some(end) = self.end
            && end <= self.start
        {
            return Err(ValidationError::new(
                ErrorCode::TimeWindowReversed,
                "end",
                format!(
                    "The intervention ends ({end}) before or when it starts ({}) (slutdatum före startdatum).",
                    self.start
                ),
            ));
        }
        opt_text("commitment_ref", &self.commitment_ref, TITLE_MAX_CHARS)?;
        for (f, a) in [
            ("control_areas", &self.control_areas),
            ("buffer_areas", &self.buffer_areas),
        ] {
            if let Some(x) = a.iter().find(|x| self.treated_areas.contains(x)) {
                return Err(invalid(
                    f,
                    format!(
                        "Area {x} is also the treated area (åtgärdsområdet): an area can only have one role."
                    ),
                ));
            }
        }
        if let Some(x) = self
            .control_areas
            .iter()
            .find(|x| self.buffer_areas.contains(x))
        {
            return Err(invalid(
                "control_areas",
                format!("Area {x} is both control and buffer (både kontroll och buffert)."),
            ));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Follow-up
// ---------------------------------------------------------------------------------------------

/// An approved follow-up (*uppföljning*): the evaluation as it was when approved, so later data
/// changes do not rewrite history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    /// The intervention.
    pub intervention_id: InterventionId,
    /// The evaluation exactly as computed and shown when approved.
    pub evaluation: serde_json::Value,
    /// When it was approved.
    pub approved_at: Timestamp,
    /// Who approved it (display name and organisation, for the record).
    pub approved_by: String,
    /// A comment from the approver.
    #[serde(default)]
    pub comment: String,
}

impl Record for FollowUp {
    const KIND: &'static str = "follow_up";

    fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("approved_by", &self.approved_by, "Who approved it")?;
        text("approved_by", &self.approved_by, TITLE_MAX_CHARS)?;
        text("comment", &self.comment, TEXT_MAX_CHARS)?;
        if !self.evaluation.is_object() {
            return Err(invalid("evaluation", "The follow-up needs its evaluation."));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Weekly EST meeting
// ---------------------------------------------------------------------------------------------

/// Whether a short-term action is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Open (öppen): carried over to the next meeting.
    #[default]
    Open,
    /// Closed (stängd).
    Closed,
}

/// A short-term action (*kortsiktig åtgärd*) with its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingAction {
    /// Stable key, kept when the action is carried over ("2024-05-06-1"); assigned when empty.
    #[serde(default)]
    pub key: String,
    /// What is to be done.
    pub text: String,
    /// Who does it (a role or unit, not a private person's details).
    pub owner: String,
    /// By when.
    #[serde(default)]
    pub deadline: Option<Date>,
    /// Status.
    #[serde(default)]
    pub status: ActionStatus,
    /// The meeting it was first recorded at, when carried over.
    #[serde(default)]
    pub carried_from: Option<MeetingId>,
}

/// A place to focus on in the coming week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FocusPlace {
    /// Name ("Gottsunda centrum, entrén mot Bandstaplan").
    pub name: String,
    /// Area, if any.
    #[serde(default)]
    pub area_id: Option<AreaId>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// Feedback to the reporters (*återkoppling*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// The message.
    pub text: String,
    /// Reports it answers.
    #[serde(default)]
    pub report_ids: Vec<ReportId>,
    /// Incidents it answers.
    #[serde(default)]
    pub incident_ids: Vec<IncidentId>,
}

/// A weekly EST meeting (*EST-möte*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    /// The day of the meeting.
    pub date: Date,
    /// The lägesbild it opens with: an ISO week ("2024-W18"); default the week before `date`.
    #[serde(default)]
    pub briefing_week: Option<String>,
    /// Who took part (parties or roles; no personal data).
    #[serde(default)]
    pub participants: Vec<String>,
    /// Observations (iakttagelser).
    #[serde(default)]
    pub observations: Vec<String>,
    /// Short-term actions.
    #[serde(default)]
    pub actions: Vec<MeetingAction>,
    /// Focus places for the coming week.
    #[serde(default)]
    pub focus_places: Vec<FocusPlace>,
    /// Feedback to the reporters.
    #[serde(default)]
    pub feedback: Vec<Feedback>,
}

/// Parses an ISO week label ("2024-W18", "2024w18") into (year, week), with
/// [`crate::week::parse_iso_week`].
pub fn parse_iso_week(s: &str) -> Option<(i16, i8)> {
    crate::week::parse_iso_week(s)
        .ok()
        .map(|w| (w.year(), w.week()))
}

impl Meeting {
    /// The lägesbild week: the given one, or the ISO week before the meeting.
    pub fn briefing_week(&self) -> (i16, i8) {
        if let Some((y, w)) = self.briefing_week.as_deref().and_then(parse_iso_week) {
            return (y, w);
        }
        let prev = self
            .date
            .checked_sub(jiff::Span::new().days(7))
            .unwrap_or(self.date);
        let iso = prev.iso_week_date();
        (iso.year(), iso.week())
    }

    /// Gives every action without a key one (`{date}-{n}`), unique within the meeting.
    pub fn assign_action_keys(&mut self) {
        let mut n = self.actions.len();
        let taken: std::collections::HashSet<String> =
            self.actions.iter().map(|a| a.key.clone()).collect();
        for a in &mut self.actions {
            if a.key.trim().is_empty() {
                loop {
                    n += 1;
                    let key = format!("{}-{n}", self.date);
                    if !taken.contains(&key) {
                        a.key = key;
                        break;
                    }
                }
            }
        }
    }

    /// Carries the open actions of an earlier meeting over into this one: every open action
    /// whose key is not already here is added, still open, marked with where it came from.
    /// Returns how many were carried over.
    pub fn carry_over_from(&mut self, previous_id: MeetingId, previous: &Meeting) -> usize {
        let mut added = 0;
        for a in &previous.actions {
            if a.status == ActionStatus::Open && !self.actions.iter().any(|x| x.key == a.key) {
                let mut carried = a.clone();
                carried.carried_from = Some(a.carried_from.unwrap_or(previous_id));
                self.actions.push(carried);
                added += 1;
            }
        }
        added
    }
}

impl Record for Meeting {
    const KIND: &'static str = "meeting";

    fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        if let Some(w) = &self.briefing_week
            && parse_iso_week(w).is_none()
        {
            return Err(invalid(
                "briefing_week",
                format!("{w:?} is not an ISO week: write it as 2024-W18 (vecka 18 år 2024)."),
            ));
        }
        for (k, p) in self.participants.iter().enumerate() {
            text(&format!("participants[{k}]"), p, TITLE_MAX_CHARS)?;
        }
        for (k, o) in self.observations.iter().enumerate() {
            required(&format!("observations[{k}]"), o, "The observation")?;
            text(&format!("observations[{k}]"), o, TEXT_MAX_CHARS)?;
        }
        let mut keys = std::collections::HashSet::new();
        for (k, a) in self.actions.iter().enumerate() {
            let f = format!("actions[{k}]");
            required(&format!("{f}.text"), &a.text, "The action (åtgärden)")?;
            text(&format!("{f}.text"), &a.text, TEXT_MAX_CHARS)?;
            required(
                &format!("{f}.owner"),
                &a.owner,
                "The action's owner (ansvarig)",
            )?;
            text(&format!("{f}.owner"), &a.owner, TITLE_MAX_CHARS)?;
            if !a.key.is_empty() && !keys.insert(a.key.clone()) {
                return Err(invalid(
                    format!("{f}.key"),
                    format!("Two actions have the key {:?}.", a.key),
                ));
            }
        }
        for (k, p) in self.focus_places.iter().enumerate() {
            required(
                &format!("focus_places[{k}].name"),
                &p.name,
                "The place's name",
            )?;
            text(&format!("focus_places[{k}].name"), &p.name, TITLE_MAX_CHARS)?;
            text(
                &format!("focus_places[{k}].reason"),
                &p.reason,
                TEXT_MAX_CHARS,
            )?;
        }
        for (k, f) in self.feedback.iter().enumerate() {
            required(
                &format!("feedback[{k}].text"),
                &f.text,
                "The feedback (återkopplingen)",
            )?;
            text(&format!("feedback[{k}].text"), &f.text, TEXT_MAX_CHARS)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde_json::json;

    pub(crate) fn problem() -> Problem {
        Problem {
            title: "Otrygghet och skadegörelse i Gottsunda centrum".into(),
            description: "Samlingar och skadegörelse kvällstid.".into(),
            definition: ProblemDefinition {
                categories: vec!["samling".into(), "skadegorelse".into()],
                areas: vec![AreaId(18)],
                polygon: None,
                from: date(2021, 3, 1),
                to: None,
            },
            origin: Origin {
                kind: OriginKind::HotSpot,
                reference: Some("Gottsunda centrum".into()),
            },
            status: ProblemStatus::Active,
            owners: vec![OrganisationId(1)],
        }
    }

    fn field(r: Result<(), ValidationError>) -> String {
        r.expect_err("invalid").field
    }

    #[test]
    fn there_are_25_techniques_five_per_group_with_unique_codes() {
        for g in TechniqueGroup::ALL {
            assert_eq!(TECHNIQUES.iter().filter(|t| t.group == g).count(), 5);
        }
        let mut codes: Vec<_> = TECHNIQUES.iter().map(|t| t.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 25);
        assert!(
            TECHNIQUES
                .iter()
                .enumerate()
                .all(|(i, t)| t.number as usize == i + 1)
        );
        assert_eq!(technique("extend-guardianship").unwrap().number, 6);
    }

    #[test]
    fn a_problem_needs_categories_a_place_and_owners() {
        assert_eq!(problem().validate(), Ok(()));
        let mut p = problem();
        p.title = " ".into();
        assert_eq!(field(p.validate()), "title");
        let mut p = problem();
        p.definition.categories = vec!["nope".into()];
        assert_eq!(field(p.validate()), "definition.categories[0]");
        let mut p = problem();
        p.definition.areas.clear();
        assert_eq!(field(p.validate()), "definition.areas");
        p.definition.polygon = Some(DrawnPolygon {
            crs: Crs::Wgs84,
            geometry: json!({"type": "Polygon", "coordinates": [[[17.60, 59.80], [17.62, 59.80], [17.62, 59.81], [17.60, 59.80]]]}),
        });
        assert_eq!(p.validate(), Ok(()));
        p.definition.polygon.as_mut().unwrap().geometry = json!({"type": "Point"});
        assert_eq!(field(p.validate()), "definition.polygon.geometry");
        let mut p = problem();
        p.definition.to = Some(date(2020, 1, 1));
        assert_eq!(field(p.validate()), "definition.to");
        let mut p = problem();
        p.owners.clear();
        assert_eq!(field(p.validate()), "owners");
        let mut p = problem();
        p.description = "Anmälare 811228-9874 ringde".into();
        let e = p.validate().unwrap_err();
        assert_eq!(e.code, ErrorCode::PersonalIdentityNumber);
        assert_eq!(
            problem().definition.category_codes().len(),
            Taxonomy.expand("samling").len() + Taxonomy.expand("skadegorelse").len()
        );
    }

    fn intervention() -> Intervention {
        Intervention {
            title: "Trygg i Gottsunda centrum".into(),
            description: String::new(),
            problem_ids: vec![Id::new(1)],
            hypotheses: vec![HypothesisRef {
                problem_id: Id::new(1),
                key: "H1".into(),
            }],
            method: Method::Situational {
                techniques: vec!["extend-guardianship".into(), "formal-surveillance".into()],
                text: String::new(),
            },
            addresses: vec![],
            responsible: Responsible {
                organisation_id: OrganisationId(1),
                unit: "Trygghetsenheten".into(),
            },
            resources: vec![PartyResources {
                organisation_id: OrganisationId(1),
                planned_hours: 400.0,
                planned_sek: 250_000.0,
                used_hours: 0.0,
                used_sek: 0.0,
            }],
            start: date(2022, 3, 1),
            end: None,
            status: InterventionStatus::Ongoing,
            commitment_ref: None,
            treated_areas: vec![AreaId(18)],
            control_areas: vec![AreaId(17)],
            buffer_areas: vec![AreaId(19)],
        }
    }

    #[test]
    fn an_intervention_checks_method_resources_dates_and_area_roles() {
        assert_eq!(intervention().validate(), Ok(()));
        let mut i = intervention();
        i.method = Method::Situational {
            techniques: vec!["magic".into()],
            text: String::new(),
        };
        assert_eq!(field(i.validate()), "method.techniques[0]");
        let mut i = intervention();
        i.resources[0].used_sek = -1.0;
        assert_eq!(field(i.validate()), "resources[0].used_sek");
        let mut i = intervention();
        i.end = Some(date(2022, 1, 1));
        assert_eq!(field(i.validate()), "end");
        let mut i = intervention();
        i.control_areas = vec![AreaId(18)];
        assert_eq!(field(i.validate()), "control_areas");
        let mut i = intervention();
        i.hypotheses[0].problem_id = Id::new(2);
        assert_eq!(field(i.validate()), "hypotheses[0].problem_id");
        let mut i = intervention();
        i.problem_ids.clear();
        assert_eq!(field(i.validate()), "problem_ids");
    }

    #[test]
    fn open_actions_carry_over_until_closed() {
        let mut first = Meeting {
            date: date(2024, 5, 6),
            briefing_week: None,
            participants: vec![],
            observations: vec!["Klotter vid entrén".into()],
            actions: vec![
                MeetingAction {
                    key: String::new(),
                    text: "Sanera klottret".into(),
                    owner: "Gatukontoret".into(),
                    deadline: Some(date(2024, 5, 10)),
                    status: ActionStatus::Closed,
                    carried_from: None,
                },
                MeetingAction {
                    key: String::new(),
                    text: "Byt trasig belysning".into(),
                    owner: "Uppsalahem".into(),
                    deadline: None,
                    status: ActionStatus::Open,
                    carried_from: None,
                },
            ],
            focus_places: vec![],
            feedback: vec![],
        };
        first.assign_action_keys();
        assert_eq!(first.validate(), Ok(()));
        assert_eq!(first.briefing_week(), (2024, 18));
        let mut second = Meeting {
            date: date(2024, 5, 13),
            actions: vec![],
            ..first.clone()
        };
        assert_eq!(second.carry_over_from(Id::new(7), &first), 1);
        assert_eq!(second.actions[0].text, "Byt trasig belysning");
        assert_eq!(second.actions[0].carried_from, Some(Id::new(7)));
        assert_eq!(second.carry_over_from(Id::new(7), &first), 0, "not twice");
        let mut third = Meeting {
            date: date(2024, 5, 20),
            actions: vec![],
            ..first.clone()
        };
        assert_eq!(third.carry_over_from(Id::new(8), &second), 1);
        assert_eq!(
            third.actions[0].carried_from,
            Some(Id::new(7)),
            "keeps the first meeting"
        );
        third.actions[0].status = ActionStatus::Closed;
        let mut fourth = Meeting {
            actions: vec![],
            ..first.clone()
        };
        assert_eq!(fourth.carry_over_from(Id::new(9), &third), 0);
        let mut bad = first.clone();
        bad.briefing_week = Some("vecka 18".into());
        assert_eq!(field(bad.validate()), "briefing_week");
    }

    #[test]
    fn hypotheses_have_unique_keys_and_evidence_links() {
        let mut a = CauseAnalysis {
            problem_id: Id::new(1),
            triangle: Triangle::default(),
            perspectives: Perspectives::default(),
            hypotheses: vec![Hypothesis {
                key: "H1".into(),
                text: "Mörkt vid entrén".into(),
                evidence: vec![
                    Evidence::Incidents {
                        ids: vec![IncidentId(3)],
                    },
                    Evidence::Attachment {
                        name: "foto.jpg".into(),
                        url: Some("ftp://x".into()),
                    },
                ],
                factor: None,
                status: HypothesisStatus::Open,
            }],
            conclusion: String::new(),
        };
        assert_eq!(field(a.validate()), "hypotheses[0].evidence[1].url");
        a.hypotheses[0].evidence.pop();
        assert_eq!(a.validate(), Ok(()));
        a.hypotheses.push(a.hypotheses[0].clone());
        assert_eq!(field(a.validate()), "hypotheses[1].key");
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["hypotheses"][0]["evidence"][0]["kind"], "incidents");
    }
}
