//! The partnership itself: the agreement (*samverkansöverenskommelse*), its governance bodies,
//! the two coordinators, the collaboration forms (*samverkansformer*), the yearly commitment
//! plan (*åtagandeplan*), citizen promises (*medborgarlöften*), the communication plan and the
//! calendar of deadlines that follows from the agreement and from lag (2023:196) om kommuners
//! ansvar för brottsförebyggande arbete.
//!
//! Plain data with serde and validation; no storage (the record store keeps these as JSON per
//! kind) and no clock. Resources are tracked per party because each party bears its own costs
//! (the seed: "svarar för sina egna kostnader om inget annat överenskommes").

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{ErrorCode, ValidationError, cycle::Record};

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ValidationError {
    ValidationError::new(ErrorCode::Invalid, field, message)
}

fn missing(field: impl Into<String>, what: &str) -> ValidationError {
    ValidationError::new(ErrorCode::Missing, field, format!("Give {what}."))
}

fn required(field: &str, value: &str, what: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(missing(field, what))
    } else {
        Ok(())
    }
}

/// A document attached to the agreement: its title and, when it is online, its address
/// (`http`, `https` or `mailto` only, checked on save and on render).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "AttachmentRepr")]
pub struct Attachment {
    /// "Bilaga 1 – Åtagandeplan".
    pub title: String,
    /// Where it can be read, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// What the API and stored agreements may hold: `{title, url}`, or (as agreements stored
/// before attachments had a type were written) one text, `Title <url>` or the title alone.
#[derive(Deserialize)]
#[serde(untagged)]
enum AttachmentRepr {
    Text(String),
    Full {
        title: String,
        #[serde(default)]
        url: Option<String>,
    },
}

impl From<AttachmentRepr> for Attachment {
    fn from(r: AttachmentRepr) -> Self {
        match r {
            AttachmentRepr::Text(t) => Attachment::from(t.as_str()),
            AttachmentRepr::Full { title, url } => Attachment::new(&title, url.as_deref()),
        }
    }
}

impl From<&str> for Attachment {
    /// Reads `Title <url>` or a bare title.
    fn from(text: &str) -> Self {
        let (title, url) = text
            .strip_suffix('>')
            .and_then(|t| t.rsplit_once(" <"))
            .unwrap_or((text, ""));
        // A bare title that is itself an address is its address too (and is checked as one).
        if url.is_empty() && crate::text::has_scheme(title) {
            return Attachment::new(title, Some(title));
        }
        Attachment::new(title, Some(url))
    }
}

impl Attachment {
    /// An attachment; an empty address is none.
    pub fn new(title: &str, url: Option<&str>) -> Self {
        Attachment {
            title: title.trim().to_string(),
            url: url
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_string),
        }
    }

    /// The address, if it may become a link (see [`crate::text::is_safe_url`]).
    pub fn link(&self) -> Option<&str> {
        self.url.as_deref().filter(|u| crate::text::is_safe_url(u))
    }
}

/// What kind of party an agreement has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A kommun.
    Kommun,
    /// A lokalpolisområde (Polismyndigheten).
    Lokalpolisomrade,
    /// Any other party (housing company, region, länsstyrelse).
    Other,
}

/// A party of the agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// Name as written in the agreement ("Uppsala kommun").
    pub name: String,
    /// Kind.
    pub kind: PartyKind,
}

/// A person who signs for a party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signatory {
    /// Name.
    pub name: String,
    /// Title ("Kommunstyrelsens ordförande").
    pub title: String,
    /// The party (its name).
    pub party: String,
}

/// An earlier agreement in the partnership's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlierAgreement {
    /// What it was ("Samverkansavtal").
    pub label: String,
    /// First year.
    pub from_year: i16,
    /// Last year.
    pub to_year: i16,
    /// A note ("förlängdes 2018 till 2019").
    #[serde(default)]
    pub note: Option<String>,
}

/// One of the two coordinators (*samordnare*) of the agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coordinator {
    /// The role ("Utvecklingsledare för det brottsförebyggande arbetet", "Kommunpolis").
    pub role: String,
    /// The party (its name).
    pub party: String,
    /// The person, when named.
    #[serde(default)]
    pub name: Option<String>,
}

/// The agreement (*samverkansöverenskommelse*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Title.
    pub title: String,
    /// The municipality's case number ("KSN-2019-03372").
    #[serde(default)]
    pub case_number: Option<String>,
    /// The parties (at least a kommun and a lokalpolisområde).
    pub parties: Vec<Party>,
    /// First year of the period.
    pub from_year: i16,
    /// Last year of the period (inclusive).
    pub to_year: i16,
    /// When it was decided, if known.
    #[serde(default)]
    pub decided: Option<Date>,
    /// Who signs.
    pub signatories: Vec<Signatory>,
    /// The purpose, as written.
    pub purpose: String,
    /// What the parties undertake (the agreement's bullet list).
    #[serde(default)]
    pub undertakings: Vec<String>,
    /// Earlier agreements, oldest first.
    #[serde(default)]
    pub earlier: Vec<EarlierAgreement>,
    /// Attached documents, each a title and perhaps an address.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The two coordinators.
    pub coordinators: Vec<Coordinator>,
    /// How costs are borne.
    #[serde(default)]
    pub economy: Option<String>,
}

impl Agreement {
    /// Checks the agreement.
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("title", &self.title, "the agreement's title")?;
        required("purpose", &self.purpose, "the agreement's purpose")?;
        if self.from_year > self.to_year {
            return Err(ValidationError::new(
                ErrorCode::TimeWindowReversed,
                "to_year",
                format!(
                    "The period ends ({}) before it starts ({}).",
                    self.to_year, self.from_year
                ),
            ));
        }
        if !(2000..=2100).contains(&self.from_year) {
            return Err(invalid(
                "from_year",
                "Give the first year of the period (2000–2100).",
            ));
        }
        if self.parties.len() < 2 {
            return Err(invalid(
                "parties",
                "An agreement has at least two parties: a kommun and a lokalpolisområde.",
            ));
        }
        for (i, p) in self.parties.iter().enumerate() {
            required(&format!("parties[{i}].name"), &p.name, "the party's name")?;
        }
        let has = |k| self.parties.iter().any(|p| p.kind == k);
        if !has(PartyKind::Kommun) || !has(PartyKind::Lokalpolisomrade) {
            return Err(invalid(
                "parties",
                "An agreement needs a kommun and a lokalpolisområde among its parties.",
            ));
        }
        let is_party = |name: &str| self.parties.iter().any(|p| p.name == name);
        for (i, s) in self.signatories.iter().enumerate() {
            required(
                &format!("signatories[{i}].name"),
                &s.name,
                "the signatory's name",
            )?;
            if !is_party(&s.party) {
                return Err(invalid(
                    format!("signatories[{i}].party"),
                    format!("\"{}\" is not one of the agreement's parties.", s.party),
                ));
            }
        }
        if self.coordinators.len() != 2 {
            return Err(invalid(
                "coordinators",
                format!(
                    "An agreement has two coordinators (one per party), not {}.",
                    self.coordinators.len()
                ),
            ));
        }
        for (i, c) in self.coordinators.iter().enumerate() {
            required(
                &format!("coordinators[{i}].role"),
                &c.role,
                "the coordinator's role",
            )?;
            if !is_party(&c.party) {
                return Err(invalid(
                    format!("coordinators[{i}].party"),
                    format!("\"{}\" is not one of the agreement's parties.", c.party),
                ));
            }
        }
        for (i, d) in self.attachments.iter().enumerate() {
            if d.title.is_empty() {
                return Err(missing(
                    format!("attachments[{i}].title"),
                    "the attachment's title",
                ));
            }
            if let Some(url) = &d.url {
                crate::text::check_url(&format!("attachments[{i}]"), url)?;
            }
        }
        for (i, e) in self.earlier.iter().enumerate() {
            if e.from_year > e.to_year || e.to_year > self.from_year {
                return Err(invalid(
                    format!("earlier[{i}]"),
                    "An earlier agreement must end before this one starts, and not end before it starts.",
                ));
            }
        }
        Ok(())
    }

    /// The years of the period.
    pub fn years(&self) -> impl Iterator<Item = i16> {
        self.from_year..=self.to_year
    }
}

/// Kind of governance body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// Styrgrupp.
    Styrgrupp,
    /// Beredningsgrupp.
    Beredningsgrupp,
    /// Arbetsgrupp (appointed by the styrgrupp).
    Arbetsgrupp,
}

impl BodyKind {
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            BodyKind::Styrgrupp => "Styrgrupp",
            BodyKind::Beredningsgrupp => "Beredningsgrupp",
            BodyKind::Arbetsgrupp => "Arbetsgrupp",
        }
    }
}

/// A member of a body, by role and organisation (a name is optional: roles outlive people).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// Role ("Säkerhetschef").
    pub role: String,
    /// Organisation or förvaltning ("Uppsala kommun, kommunledningskontoret").
    pub organisation: String,
    /// Person, when named.
    #[serde(default)]
    pub name: Option<String>,
    /// Leads the body.
    #[serde(default)]
    pub chair: bool,
}

/// A governance body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Kind.
    pub kind: BodyKind,
    /// Name ("Styrgrupp för samverkan polis och kommun").
    pub name: String,
    /// Its mandate, as written.
    pub mandate: String,
    /// Members.
    pub members: Vec<Member>,
    /// The body that appointed it (arbetsgrupper are appointed by the styrgrupp).
    #[serde(default)]
    pub appointed_by: Option<String>,
}

impl Body {
    /// Checks the body.
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("name", &self.name, "the body's name")?;
        required("mandate", &self.mandate, "the body's mandate")?;
        if self.members.is_empty() {
            return Err(missing("members", "at least one member"));
        }
        for (i, m) in self.members.iter().enumerate() {
            required(&format!("members[{i}].role"), &m.role, "the member's role")?;
            required(
                &format!("members[{i}].organisation"),
                &m.organisation,
                "the member's organisation",
            )?;
        }
        if self.members.iter().filter(|m| m.chair).count() > 1 {
            return Err(invalid("members", "A body has at most one chair."));
        }
        if self.kind == BodyKind::Arbetsgrupp && self.appointed_by.is_none() {
            return Err(missing(
                "appointed_by",
                "the body that appointed the arbetsgrupp (the styrgrupp)",
            ));
        }
        Ok(())
    }
}

/// A decision taken at a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// What was decided.
    pub text: String,
    /// Who carries it out.
    #[serde(default)]
    pub responsible: Option<String>,
    /// By when.
    #[serde(default)]
    pub due: Option<Date>,
}

/// A meeting of a body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodyMeeting {
    /// The body (its name).
    pub body: String,
    /// Date.
    pub date: Date,
    /// Agenda items.
    pub agenda: Vec<String>,
    /// Minutes (free text, no personal data about individuals).
    #[serde(default)]
    pub minutes: String,
    /// Decisions.
    #[serde(default)]
    pub decisions: Vec<Decision>,
}

impl BodyMeeting {
    /// Checks the meeting.
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("body", &self.body, "the body that met")?;
        if self.agenda.is_empty() {
            return Err(missing("agenda", "at least one agenda item"));
        }
        for (i, d) in self.decisions.iter().enumerate() {
            required(&format!("decisions[{i}].text"), &d.text, "the decision")?;
            if let Some(due) = d.due
                && due < self.date
            {
                return Err(ValidationError::new(
                    ErrorCode::TimeWindowReversed,
                    format!("decisions[{i}].due"),
                    "A decision cannot be due before the meeting that took it.",
                ));
            }
        }
        Ok(())
    }
}

/// A dated line in an activity log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// When (None: planned without a date).
    #[serde(default)]
    pub date: Option<Date>,
    /// What was done or is planned.
    pub text: String,
    /// Done.
    #[serde(default)]
    pub done: bool,
}

/// A collaboration form (*samverkansform*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollaborationForm {
    /// Name ("Sociala insatsgrupper (SIG)").
    pub name: String,
    /// The owning party or unit.
    pub owner: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// A broader form it belongs to ("Säkerhet och trygghet på offentliga platser och utrymmen").
    #[serde(default)]
    pub parent: Option<String>,
    /// Indicators the form is followed up with.
    #[serde(default)]
    pub indicators: Vec<String>,
    /// Activity log.
    #[serde(default)]
    pub activities: Vec<Activity>,
}

impl CollaborationForm {
    /// Checks the form.
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("name", &self.name, "the collaboration form's name")?;
        required("owner", &self.owner, "who owns the collaboration form")?;
        for (i, a) in self.activities.iter().enumerate() {
            required(&format!("activities[{i}].text"), &a.text, "the activity")?;
        }
        Ok(())
    }
}

/// Hours and money one party plans and uses for a commitment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// The party (its name).
    pub party: String,
    /// Planned hours.
    #[serde(default)]
    pub planned_hours: f64,
    /// Hours used so far.
    #[serde(default)]
    pub used_hours: f64,
    /// Planned money, SEK.
    #[serde(default)]
    pub planned_sek: f64,
    /// Money used so far, SEK.
    #[serde(default)]
    pub used_sek: f64,
}

/// Status of a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    /// Planned, not started.
    #[default]
    NotStarted,
    /// In progress.
    Ongoing,
    /// Done.
    Done,
    /// Moved to a later year.
    Postponed,
    /// Dropped.
    Cancelled,
}

impl CommitmentStatus {
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            CommitmentStatus::NotStarted => "Ej påbörjat",
            CommitmentStatus::Ongoing => "Pågår",
            CommitmentStatus::Done => "Genomfört",
            CommitmentStatus::Postponed => "Uppskjutet",
            CommitmentStatus::Cancelled => "Avbrutet",
        }
    }
}

/// A priority area of the plan ("Stärk arbetet med särskilt utsatta brottsoffer").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityArea {
    /// Stable key ("utsatta-brottsoffer").
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
}

/// One commitment (*åtagande*) of a year's plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    /// Stable key within the plan ("2020-1").
    pub id: String,
    /// The priority area's id.
    pub priority_area: String,
    /// Title.
    pub title: String,
    /// Description, as written in the plan.
    #[serde(default)]
    pub description: String,
    /// The responsible party (its name), or "Gemensamt".
    pub responsible: String,
    /// Resources per party.
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Status.
    #[serde(default)]
    pub status: CommitmentStatus,
    /// Progress 0–100 %.
    #[serde(default)]
    pub progress: u8,
    /// Ids of linked interventions (record store ids).
    #[serde(default)]
    pub interventions: Vec<String>,
    /// Linked collaboration forms (names).
    #[serde(default)]
    pub collaboration_forms: Vec<String>,
    /// Activities.
    #[serde(default)]
    pub activities: Vec<Activity>,
}

/// Whether a plan is still being drafted or decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum PlanStatus {
    /// Being drafted.
    #[default]
    Draft,
    /// Presented to and decided by KSAU on this date.
    Decided {
        /// Decision date.
        date: Date,
    },
}

/// The commitment plan (*åtagandeplan*) of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentPlan {
    /// The year.
    pub year: i16,
    /// Introduction, as written.
    #[serde(default)]
    pub introduction: String,
    /// Status.
    #[serde(default)]
    pub status: PlanStatus,
    /// Priority areas.
    pub priority_areas: Vec<PriorityArea>,
    /// Commitments.
    pub commitments: Vec<Commitment>,
}

impl CommitmentPlan {
    /// Checks the plan against its agreement: the rules of [`CommitmentPlan::validate_alone`],
    /// the year within the period, and responsible parties and resources naming its parties.
    pub fn validate(&self, agreement: &Agreement) -> Result<(), ValidationError> {
        self.check(Some(agreement))
    }

    /// Checks what can be checked without the agreement (the record store's rule): keys
    /// unique, priority areas known, progress 0–100 %, hours and amounts not negative, no
    /// personal identity numbers. The web layer also checks against the stored agreement.
    pub fn validate_alone(&self) -> Result<(), ValidationError> {
        self.check(None)
    }

    fn check(&self, agreement: Option<&Agreement>) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        if !(2000..=2100).contains(&self.year) {
            return Err(invalid("year", "Give the plan's year (2000–2100)."));
        }
        if let Some(agreement) = agreement
            && !(agreement.from_year..=agreement.to_year).contains(&self.year)
        {
            return Err(invalid(
                "year",
                format!(
                    "The plan's year {} is outside the agreement's period {}–{}.",
                    self.year, agreement.from_year, agreement.to_year
                ),
            ));
        }
        for (i, p) in self.priority_areas.iter().enumerate() {
            required(&format!("priority_areas[{i}].id"), &p.id, "a key")?;
            required(&format!("priority_areas[{i}].title"), &p.title, "a title")?;
            if self.priority_areas[..i].iter().any(|q| q.id == p.id) {
                return Err(invalid(
                    format!("priority_areas[{i}].id"),
                    format!("The key \"{}\" is used twice.", p.id),
                ));
            }
        }
        let parties: Option<Vec<&str>> =
            agreement.map(|a| a.parties.iter().map(|p| p.name.as_str()).collect());
        let is_party = |name: &str| parties.as_ref().is_none_or(|ps| ps.contains(&name));
        for (i, c) in self.commitments.iter().enumerate() {
            let f = |s: &str| format!("commitments[{i}].{s}");
            required(&f("id"), &c.id, "a key")?;
            required(&f("title"), &c.title, "a title")?;
            if self.commitments[..i].iter().any(|d| d.id == c.id) {
                return Err(invalid(
                    f("id"),
                    format!("The key \"{}\" is used twice.", c.id),
                ));
            }
            if !self.priority_areas.iter().any(|p| p.id == c.priority_area) {
                return Err(invalid(
                    f("priority_area"),
                    format!(
                        "\"{}\" is not one of the plan's priority areas.",
                        c.priority_area
                    ),
                ));
            }
            required(&f("responsible"), &c.responsible, "the responsible party")?;
            if c.responsible != JOINT && !is_party(&c.responsible) {
                return Err(invalid(
                    f("responsible"),
                    format!(
                        "\"{}\" is not a party of the agreement; use a party's name or \"{JOINT}\".",
                        c.responsible
                    ),
                ));
            }
            if c.progress > 100 {
                return Err(invalid(f("progress"), "Progress is 0–100 %."));
            }
            for (j, r) in c.resources.iter().enumerate() {
                let g = format!("commitments[{i}].resources[{j}]");
                if !is_party(&r.party) {
                    return Err(invalid(
                        format!("{g}.party"),
                        format!("\"{}\" is not a party of the agreement.", r.party),
                    ));
                }
                for (name, v) in [
                    ("planned_hours", r.planned_hours),
                    ("used_hours", r.used_hours),
                    ("planned_sek", r.planned_sek),
                    ("used_sek", r.used_sek),
                ] {
                    if !(v.is_finite() && v >= 0.0) {
                        return Err(invalid(
                            format!("{g}.{name}"),
                            "Hours and amounts are numbers of zero or more.",
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Next year's plan as a draft: the same priority areas and commitments with their planned
    /// resources, links to collaboration forms and interventions; status, progress, used
    /// resources and activities start over. Ids get the new year ("2020-1" → "2021-1").
    pub fn copy_as_draft(&self, next_year: i16) -> CommitmentPlan {
        let old = self.year.to_string();
        let new = next_year.to_string();
        CommitmentPlan {
            year: next_year,
            introduction: self.introduction.replace(&old, &new),
            status: PlanStatus::Draft,
            priority_areas: self.priority_areas.clone(),
            commitments: self
                .commitments
                .iter()
                .filter(|c| c.status != CommitmentStatus::Cancelled)
                .map(|c| Commitment {
                    id: match c.id.strip_prefix(&old) {
                        Some(rest) => format!("{new}{rest}"),
                        None => c.id.clone(),
                    },
                    status: CommitmentStatus::NotStarted,
                    progress: 0,
                    activities: Vec::new(),
                    resources: c
                        .resources
                        .iter()
                        .map(|r| Resource {
                            used_hours: 0.0,
                            used_sek: 0.0,
                            ..r.clone()
                        })
                        .collect(),
                    ..c.clone()
                })
                .collect(),
        }
    }

    /// Resources summed per party, in the order parties first appear:
    /// `(party, planned hours, used hours, planned SEK, used SEK)`.
    pub fn resources_per_party(&self) -> Vec<Resource> {
        let mut out: Vec<Resource> = Vec::new();
        for r in self.commitments.iter().flat_map(|c| &c.resources) {
            let slot = match out.iter().position(|o| o.party == r.party) {
                Some(i) => &mut out[i],
                None => {
                    out.push(Resource {
                        party: r.party.clone(),
                        planned_hours: 0.0,
                        used_hours: 0.0,
                        planned_sek: 0.0,
                        used_sek: 0.0,
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            slot.planned_hours += r.planned_hours;
            slot.used_hours += r.used_hours;
            slot.planned_sek += r.planned_sek;
            slot.used_sek += r.used_sek;
        }
        out
    }
}

/// The responsible "party" of a commitment both parties carry.
pub const JOINT: &str = "Gemensamt";

/// What a citizen promise is based on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasisKind {
    /// The lägesbild.
    Lagesbild,
    /// Citizen dialogues.
    Dialog,
    /// Surveys (trygghetsmätning, NTU).
    Survey,
    /// Anything else.
    Other,
}

/// One basis of a citizen promise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromiseBasis {
    /// Kind.
    pub kind: BasisKind,
    /// Description ("Trygghetsmätning hösten 2019").
    pub description: String,
}

/// One promise with its activities and follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promise {
    /// The promise, as told to citizens.
    pub text: String,
    /// Activities.
    #[serde(default)]
    pub activities: Vec<Activity>,
    /// How it is followed up, and what the follow-up found.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// Status.
    #[serde(default)]
    pub status: CommitmentStatus,
}

/// A citizen promise (*medborgarlöfte*) for an area and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CitizenPromise {
    /// The area (name; the map area has the same name).
    pub area: String,
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
    /// What the promise is based on.
    pub basis: Vec<PromiseBasis>,
    /// The promises.
    pub promises: Vec<Promise>,
}

impl CitizenPromise {
    /// Checks it.
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("area", &self.area, "the area the promise is for")?;
        if self.to < self.from {
            return Err(ValidationError::new(
                ErrorCode::TimeWindowReversed,
                "to",
                "The period ends before it starts.",
            ));
        }
        if self.basis.is_empty() {
            return Err(missing(
                "basis",
                "what the promise is based on (lägesbild, dialogues, surveys)",
            ));
        }
        if self.promises.is_empty() {
            return Err(missing("promises", "at least one promise"));
        }
        for (i, p) in self.promises.iter().enumerate() {
            required(&format!("promises[{i}].text"), &p.text, "the promise")?;
        }
        Ok(())
    }
}

/// One communication activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunicationActivity {
    /// When.
    #[serde(default)]
    pub date: Option<Date>,
    /// What.
    pub text: String,
    /// Channel ("Pressmeddelande", "uppsala.se").
    #[serde(default)]
    pub channel: String,
    /// Audience.
    #[serde(default)]
    pub audience: String,
    /// Responsible party.
    #[serde(default)]
    pub responsible: String,
}

/// The joint communication plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunicationPlan {
    /// Purpose, as written.
    pub purpose: String,
    /// Key messages (*huvudbudskap*).
    pub key_messages: Vec<String>,
    /// Activities.
    #[serde(default)]
    pub activities: Vec<CommunicationActivity>,
    /// Special plans for communicating citizen promises (names).
    #[serde(default)]
    pub citizen_promise_plans: Vec<String>,
}

impl CommunicationPlan {
    /// Checks it.
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required("purpose", &self.purpose, "the plan's purpose")?;
        if self.key_messages.iter().all(|m| m.trim().is_empty()) {
            return Err(missing("key_messages", "at least one key message"));
        }
        Ok(())
    }
}

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    /// The year's commitment plan to KSAU (January).
    PlanToKsau,
    /// The compilation of the year's implementation to the styrgrupp (October).
    CompilationToSteeringGroup,
    /// The compilation to KSAU (before year-end).
    CompilationToKsau,
    /// The final follow-up of the agreement (end of the period).
    FinalFollowUp,
    /// The law's lägesbild (at least every other year).
    Lagesbild,
    /// The law's decided åtgärdsplan.
    Atgardsplan,
    /// Anything else.
    Other,
}

/// A dated deadline with a reminder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarEntry {
    /// The deadline.
    pub deadline: Date,
    /// Kind.
    pub kind: CalendarKind,
    /// Title ("Åtagandeplan 2021 till KSAU").
    pub title: String,
    /// Where the deadline comes from ("Samverkansöverenskommelsen, Uppföljning").
    pub source: String,
    /// Days before the deadline the start page starts reminding.
    pub reminder_days: u16,
}

impl CalendarEntry {
    /// The first day of the reminder.
    pub fn reminder_from(&self) -> Date {
        self.deadline
            .checked_sub(jiff::Span::new().days(i64::from(self.reminder_days)))
            .unwrap_or(self.deadline)
    }

    /// Whether the start page shows it on `today` (from the reminder to the deadline).
    pub fn due_soon(&self, today: Date) -> bool {
        self.reminder_from() <= today && today <= self.deadline
    }
}

// The partnership's records in the record store (`trygg_store::records`). Never rename a kind.

impl Record for Agreement {
    const KIND: &'static str = "agreement";
    fn validate(&self) -> Result<(), ValidationError> {
        Agreement::validate(self)
    }
}

impl Record for Body {
    const KIND: &'static str = "body";
    fn validate(&self) -> Result<(), ValidationError> {
        Body::validate(self)
    }
}

impl Record for BodyMeeting {
    const KIND: &'static str = "body_meeting";
    fn validate(&self) -> Result<(), ValidationError> {
        BodyMeeting::validate(self)
    }
}

impl Record for CollaborationForm {
    const KIND: &'static str = "collaboration_form";
    fn validate(&self) -> Result<(), ValidationError> {
        CollaborationForm::validate(self)
    }
}

/// The store checks a plan alone ([`CommitmentPlan::validate_alone`]); whoever writes one
/// also checks it against its agreement ([`CommitmentPlan::validate`]).
impl Record for CommitmentPlan {
    const KIND: &'static str = "commitment_plan";
    fn validate(&self) -> Result<(), ValidationError> {
        self.validate_alone()
    }
}

impl Record for CitizenPromise {
    const KIND: &'static str = "citizen_promise";
    fn validate(&self) -> Result<(), ValidationError> {
        CitizenPromise::validate(self)
    }
}

impl Record for CommunicationPlan {
    const KIND: &'static str = "communication_plan";
    fn validate(&self) -> Result<(), ValidationError> {
        CommunicationPlan::validate(self)
    }
}

/// Which of the law's documents a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LawDocument {
    /// The lägesbild (lag (2023:196) 4 §).
    Lagesbild,
    /// The åtgärdsplan resting on it (5 §).
    Atgardsplan,
}

impl LawDocument {
    /// Swedish label.
    pub fn label_sv(self) -> &'static str {
        match self {
            LawDocument::Lagesbild => "Lägesbild",
            LawDocument::Atgardsplan => "Åtgärdsplan",
        }
    }

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            LawDocument::Lagesbild => "lagesbild",
            LawDocument::Atgardsplan => "atgardsplan",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<LawDocument> {
        [LawDocument::Lagesbild, LawDocument::Atgardsplan]
            .into_iter()
            .find(|d| d.as_str() == s.trim())
    }
}

/// The decision on the law's lägesbild or åtgärdsplan: who decided it, when, and under which
/// diarienummer, so the record answers "is it decided, and where is the decision?" and the
/// calendar counts the law's renewal from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawDecision {
    /// The document decided.
    pub document: LawDocument,
    /// The lägesbild's year (for an åtgärdsplan: the lägesbild it rests on).
    pub year: i16,
    /// Who decided ("Kommunstyrelsen", "Kommunfullmäktige").
    pub decided_by: String,
    /// The day of the decision.
    pub date: Date,
    /// The case number (diarienummer, "KS-2025/00123").
    pub diarienummer: String,
    /// A note (paragraph of the minutes, where the document is published).
    #[serde(default)]
    pub note: String,
}

impl LawDecision {
    /// Checks the decision: who and the case number given, the year from the law's first
    /// (2023) on, and the decision not before the law took effect nor before the year began.
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::text::check_all(self)?;
        required(
            "decided_by",
            &self.decided_by,
            "who decided (beslutande organ)",
        )?;
        required(
            "diarienummer",
            &self.diarienummer,
            "the case number (diarienummer)",
        )?;
        for (f, v, max) in [
            ("decided_by", &self.decided_by, 200),
            ("diarienummer", &self.diarienummer, 60),
            ("note", &self.note, 2000),
        ] {
            if v.chars().count() > max {
                return Err(invalid(f, format!("At most {max} characters.")));
            }
        }
        if !(LAW_IN_FORCE.year()..=2100).contains(&self.year) {
            return Err(invalid(
                "year",
                format!(
                    "{} is not a year of the law's lägesbild: give a year from {} on.",
                    self.year,
                    LAW_IN_FORCE.year()
                ),
            ));
        }
        if self.date < LAW_IN_FORCE || self.date.year() < self.year {
            return Err(invalid(
                "date",
                format!(
                    "A decision on the {} {} cannot be dated {}: it is made in {} or later, and not before the law took effect ({LAW_IN_FORCE}).",
                    self.document.label_sv().to_lowercase(),
                    self.year,
                    self.date,
                    self.year
                ),
            ));
        }
        Ok(())
    }
}

impl Record for LawDecision {
    const KIND: &'static str = "law_decision";
    fn validate(&self) -> Result<(), ValidationError> {
        LawDecision::validate(self)
    }
}

/// The calendar with the law's decisions: after a decided lägesbild the next is due at the
/// latest two years after that decision (then every other year), replacing the schedule
/// counted from the law's start; an åtgärdsplan already decided for a lägesbild's year leaves
/// the calendar. `entries` are [`deadlines`]' for `agreement`.
pub fn with_decisions(
    agreement: &Agreement,
    mut entries: Vec<CalendarEntry>,
    decisions: &[LawDecision],
) -> Vec<CalendarEntry> {
    let law = "Lag (2023:196) om kommuners ansvar för brottsförebyggande arbete".to_string();
    let last = decisions
        .iter()
        .filter(|d| d.document == LawDocument::Lagesbild)
        .max_by_key(|d| d.date);
    if let Some(last) = last {
        // The old schedule's lägesbilder go, and its åtgärdsplaner after the decided year.
        entries.retain(|e| {
            e.kind != CalendarKind::Lagesbild
                && !(e.kind == CalendarKind::Atgardsplan && e.deadline.year() > last.year)
        });
        let end = date(agreement.to_year, 12, 31);
        let mut due = last.date.checked_add(jiff::Span::new().years(2)).ok();
        // At least the first renewal after the decision, even past the agreement's end.
        let mut first = true;
        while let Some(d) = due
            && (first || d <= end)
        {
            entries.push(CalendarEntry {
                deadline: d,
                kind: CalendarKind::Lagesbild,
                title: format!(
                    "Ny lägesbild över brottsligheten (minst vartannat år; förra beslutad {} av {}, dnr {})",
                    last.date, last.decided_by, last.diarienummer
                ),
                source: law.clone(),
                reminder_days: 90,
            });
            entries.push(CalendarEntry {
                deadline: date(d.year(), 12, 31),
                kind: CalendarKind::Atgardsplan,
                title: format!("Beslutad åtgärdsplan utifrån lägesbilden {}", d.year()),
                source: law.clone(),
                reminder_days: 60,
            });
            first = false;
            due = d.checked_add(jiff::Span::new().years(2)).ok();
        }
    }
    entries.retain(|e| {
        e.kind != CalendarKind::Atgardsplan
            || !decisions
                .iter()
                .any(|d| d.document == LawDocument::Atgardsplan && d.year == e.deadline.year())
    });
    entries.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.title.cmp(&b.title)));
    entries
}

/// When lag (2023:196) om kommuners ansvar för brottsförebyggande arbete took effect.
pub const LAW_IN_FORCE: Date = jiff::civil::date(2023, 7, 1);

fn date(y: i16, m: i8, d: i8) -> Date {
    jiff::civil::date(y, m, d)
}

/// The deadlines of an agreement's period, sorted by date:
///
/// - every year: the commitment plan to KSAU by the end of January ("I början av varje år"),
///   the compilation to the styrgrupp by the end of October ("i oktober varje år") and to KSAU
///   by 31 December ("innan årsskiftet");
/// - the final follow-up by 31 December of the last year ("i slutet av 2023");
/// - the law's lägesbild: on 1 July 2023, when the law took effect, and then every other year
///   on the same date (at least every other year), those within the period;
/// - the law's åtgärdsplan: decided by the end of the year of each lägesbild (our planning
///   rule: the plan is to rest on the current lägesbild).
pub fn deadlines(agreement: &Agreement) -> Vec<CalendarEntry> {
    let seed = "Samverkansöverenskommelsen (Uppföljning)".to_string();
    let law = "Lag (2023:196) om kommuners ansvar för brottsförebyggande arbete".to_string();
    let mut out = Vec::new();
    for y in agreement.years() {
        out.push(CalendarEntry {
            deadline: date(y, 1, 31),
            kind: CalendarKind::PlanToKsau,
            title: format!("Åtagandeplan {y} presenteras för KSAU"),
            source: seed.clone(),
            reminder_days: 45,
        });
        out.push(CalendarEntry {
            deadline: date(y, 10, 31),
            kind: CalendarKind::CompilationToSteeringGroup,
            title: format!("Sammanställning av genomförandet {y} till styrgruppen"),
            source: seed.clone(),
            reminder_days: 30,
        });
        out.push(CalendarEntry {
            deadline: date(y, 12, 31),
            kind: CalendarKind::CompilationToKsau,
            title: format!("Sammanställning av genomförandet {y} till KSAU"),
            source: seed.clone(),
            reminder_days: 45,
        });
    }
    out.push(CalendarEntry {
        deadline: date(agreement.to_year, 12, 31),
        kind: CalendarKind::FinalFollowUp,
        title: format!(
            "Slutlig uppföljning av samverkansöverenskommelsen {}–{}",
            agreement.from_year, agreement.to_year
        ),
        source: seed,
        reminder_days: 90,
    });
    let end = date(agreement.to_year, 12, 31);
    let start = date(agreement.from_year, 1, 1);
    let mut due = LAW_IN_FORCE;
    while due <= end {
        if due < start {
            due = due.checked_add(jiff::Span::new().years(2)).unwrap_or(end);
            continue;
        }
        out.push(CalendarEntry {
            deadline: due,
            kind: CalendarKind::Lagesbild,
            title: "Lägesbild över brottsligheten i kommunen (minst vartannat år)".into(),
            source: law.clone(),
            reminder_days: 90,
        });
        out.push(CalendarEntry {
            deadline: date(due.year(), 12, 31),
            kind: CalendarKind::Atgardsplan,
            title: format!("Beslutad åtgärdsplan utifrån lägesbilden {}", due.year()),
            source: law.clone(),
            reminder_days: 60,
        });
        due = match due.checked_add(jiff::Span::new().years(2)) {
            Ok(d) => d,
            Err(_) => break,
        };
    }
    out.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.title.cmp(&b.title)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreement() -> Agreement {
        Agreement {
            title: "Samverkansöverenskommelse".into(),
            case_number: None,
            parties: vec![
                Party {
                    name: "Uppsala kommun".into(),
                    kind: PartyKind::Kommun,
                },
                Party {
                    name: "Lokalpolisområde Uppsala/Knivsta".into(),
                    kind: PartyKind::Lokalpolisomrade,
                },
            ],
            from_year: 2020,
            to_year: 2023,
            decided: None,
            signatories: vec![],
            purpose: "Minska brottsligheten och öka tryggheten.".into(),
            undertakings: vec![],
            earlier: vec![],
            attachments: vec![],
            coordinators: vec![
                Coordinator {
                    role: "Utvecklingsledare".into(),
                    party: "Uppsala kommun".into(),
                    name: None,
                },
                Coordinator {
                    role: "Kommunpolis".into(),
                    party: "Lokalpolisområde Uppsala/Knivsta".into(),
                    name: None,
                },
            ],
            economy: None,
        }
    }

    #[test]
    fn attachments_link_only_to_the_web_or_mail() {
        for (k, bad) in [
            "Bilaga 1 <javascript:alert(1)>",
            "Bilaga 1 <JaVaScRiPt:alert(1)>",
            "Bilaga 1 < javascript:alert(1)>",
            "Bilaga 1 <data:text/html,x>",
            "Bilaga 1 <vbscript:msgbox(1)>",
            "javascript:alert(document.cookie)",
        ]
        .into_iter()
        .enumerate()
        {
            let mut a = agreement();
            a.attachments = vec!["Bilaga 0".into(); k];
            a.attachments.push(bad.into());
            let e = a.validate().expect_err(bad);
            assert_eq!(e.field, format!("attachments[{k}]"), "{bad}");
            assert!(e.message.contains("mailto:"), "{}", e.message);
        }
        let mut a = agreement();
        a.attachments = vec![
            "Bilaga 1 – Åtagandeplan".into(),
            "Bilaga 2: Lägesbild".into(),
            Attachment::new("Bilaga 3", Some("https://www.uppsala.se/b3.pdf")),
            Attachment::new("Frågor", Some("mailto:samordnare@uppsala.se")),
            Attachment::new("Intranät", Some("HTTP://intra.kommun.se/a")),
        ];
        assert_eq!(a.validate(), Ok(()));
        assert_eq!(
            a.attachments[2].link(),
            Some("https://www.uppsala.se/b3.pdf")
        );
        assert_eq!(a.attachments[0].url, None);
        // The typed form and the text stored before it read the same.
        let typed: Attachment = serde_json::from_value(
            serde_json::json!({"title": "Bilaga 3", "url": "https://www.uppsala.se/b3.pdf"}),
        )
        .unwrap();
        let text: Attachment = serde_json::from_value(serde_json::json!(
            "Bilaga 3 <https://www.uppsala.se/b3.pdf>"
        ))
        .unwrap();
        assert_eq!(typed, text);
        assert_eq!(
            serde_json::to_value(&typed).unwrap(),
            serde_json::json!({"title": "Bilaga 3", "url": "https://www.uppsala.se/b3.pdf"})
        );
        let mut a = agreement();
        a.attachments = vec![Attachment::new(" ", Some("https://x.se"))];
        assert_eq!(a.validate().unwrap_err().field, "attachments[0].title");
    }

    fn plan() -> CommitmentPlan {
        CommitmentPlan {
            year: 2020,
            introduction: "Under 2020".into(),
            status: PlanStatus::Decided {
                date: date(2020, 1, 20),
            },
            priority_areas: vec![PriorityArea {
                id: "skola".into(),
                title: "Trygg skola".into(),
                description: String::new(),
            }],
            commitments: vec![Commitment {
                id: "2020-1".into(),
                priority_area: "skola".into(),
                title: "Utbildning".into(),
                description: String::new(),
                responsible: JOINT.into(),
                resources: vec![Resource {
                    party: "Uppsala kommun".into(),
                    planned_hours: 100.0,
                    used_hours: 80.0,
                    planned_sek: 10_000.0,
                    used_sek: 5_000.0,
                }],
                status: CommitmentStatus::Done,
                progress: 100,
                interventions: vec!["i1".into()],
                collaboration_forms: vec![],
                activities: vec![Activity {
                    date: None,
                    text: "Utbildningsdag".into(),
                    done: true,
                }],
            }],
        }
    }

    #[test]
    fn agreement_rules() {
        let a = agreement();
        a.validate().unwrap();
        let mut b = a.clone();
        b.to_year = 2019;
        assert_eq!(b.validate().unwrap_err().field, "to_year");
        let mut c = a.clone();
        c.coordinators.pop();
        assert_eq!(c.validate().unwrap_err().field, "coordinators");
        let mut d = a.clone();
        d.parties[1].kind = PartyKind::Other;
        assert_eq!(d.validate().unwrap_err().field, "parties");
    }

    #[test]
    fn plan_rules_and_copy() {
        let a = agreement();
        let p = plan();
        p.validate(&a).unwrap();
        let mut bad = p.clone();
        bad.commitments[0].priority_area = "x".into();
        assert_eq!(
            bad.validate(&a).unwrap_err().field,
            "commitments[0].priority_area"
        );
        let mut bad = p.clone();
        bad.commitments[0].resources[0].used_hours = -1.0;
        assert_eq!(
            bad.validate(&a).unwrap_err().field,
            "commitments[0].resources[0].used_hours"
        );
        let next = p.copy_as_draft(2021);
        next.validate(&a).unwrap();
        assert_eq!(next.year, 2021);
        assert_eq!(next.status, PlanStatus::Draft);
        let c = &next.commitments[0];
        assert_eq!(c.id, "2021-1");
        assert_eq!(c.status, CommitmentStatus::NotStarted);
        assert_eq!(c.progress, 0);
        assert!(c.activities.is_empty());
        assert_eq!(c.resources[0].planned_hours, 100.0);
        assert_eq!(c.resources[0].used_hours, 0.0);
        assert_eq!(c.interventions, vec!["i1".to_string()]);
        assert_eq!(next.introduction, "Under 2021");
        let mut late = p.clone();
        late.year = 2024;
        assert_eq!(late.validate(&a).unwrap_err().field, "year");
        let per = p.resources_per_party();
        assert_eq!(per.len(), 1);
        assert_eq!(per[0].used_sek, 5_000.0);
    }

    #[test]
    fn calendar_2020_2023() {
        let entries = deadlines(&agreement());
        let of = |k: CalendarKind| -> Vec<Date> {
            entries
                .iter()
                .filter(|e| e.kind == k)
                .map(|e| e.deadline)
                .collect()
        };
        assert_eq!(
            of(CalendarKind::PlanToKsau),
            (2020..=2023).map(|y| date(y, 1, 31)).collect::<Vec<_>>()
        );
        assert_eq!(
            of(CalendarKind::CompilationToSteeringGroup),
            (2020..=2023).map(|y| date(y, 10, 31)).collect::<Vec<_>>()
        );
        assert_eq!(
            of(CalendarKind::CompilationToKsau),
            (2020..=2023).map(|y| date(y, 12, 31)).collect::<Vec<_>>()
        );
        assert_eq!(of(CalendarKind::FinalFollowUp), vec![date(2023, 12, 31)]);
        assert_eq!(of(CalendarKind::Lagesbild), vec![date(2023, 7, 1)]);
        assert_eq!(of(CalendarKind::Atgardsplan), vec![date(2023, 12, 31)]);
        assert!(entries.windows(2).all(|w| w[0].deadline <= w[1].deadline));
        let oct = entries
            .iter()
            .find(|e| e.kind == CalendarKind::CompilationToSteeringGroup)
            .unwrap();
        assert_eq!(oct.reminder_from(), date(2020, 10, 1));
        assert!(oct.due_soon(date(2020, 10, 15)));
        assert!(!oct.due_soon(date(2020, 11, 1)));

        let mut later = agreement();
        later.from_year = 2024;
        later.to_year = 2027;
        assert_eq!(
            deadlines(&later)
                .iter()
                .filter(|e| e.kind == CalendarKind::Lagesbild)
                .map(|e| e.deadline)
                .collect::<Vec<_>>(),
            vec![date(2025, 7, 1), date(2027, 7, 1)]
        );
    }

    #[test]
    fn records_validate_alone_and_round_trip() {
        fn round<T: Record + PartialEq + std::fmt::Debug>(v: &T) {
            Record::validate(v).unwrap();
            let back: T = serde_json::from_value(serde_json::to_value(v).unwrap()).unwrap();
            assert_eq!(&back, v, "{}", T::KIND);
        }
        round(&agreement());
        round(&plan());
        // Alone, a plan is not held to an agreement's period or parties …
        let mut later = plan();
        later.year = 2030;
        later.commitments[0].responsible = "Uppsalahem".into();
        Record::validate(&later).unwrap();
        // … but to its own rules.
        later.commitments[0].progress = 101;
        assert_eq!(
            Record::validate(&later).unwrap_err().field,
            "commitments[0].progress"
        );
        let mut pnr = plan();
        pnr.commitments[0].description = "Gäller 19121212-1212".into();
        assert_eq!(
            Record::validate(&pnr).unwrap_err().field,
            "commitments[0].description"
        );
        let promise = CitizenPromise {
            area: "Gottsunda".into(),
            from: date(2021, 1, 1),
            to: date(2021, 12, 31),
            basis: vec![PromiseBasis {
                kind: BasisKind::Dialog,
                description: "Medborgardialog".into(),
            }],
            promises: vec![Promise {
                text: "Vi vandrar fredagar".into(),
                activities: vec![],
                follow_up: Some("Kontakt 19121212-1212".into()),
                status: CommitmentStatus::Ongoing,
            }],
        };
        assert_eq!(
            Record::validate(&promise).unwrap_err().field,
            "promises[0].follow_up"
        );
        let mut ok = promise.clone();
        ok.promises[0].follow_up = None;
        round(&ok);
        let kinds = [
            Agreement::KIND,
            Body::KIND,
            BodyMeeting::KIND,
            CollaborationForm::KIND,
            CommitmentPlan::KIND,
            CitizenPromise::KIND,
            CommunicationPlan::KIND,
            LawDecision::KIND,
        ];
        let mut unique = kinds.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), kinds.len());
    }

    #[test]
    fn serde_round_trip() {
        let p = plan();
        let json = serde_json::to_string(&p).unwrap();
        let back: CommitmentPlan = serde_json::from_str(&json).unwrap();
        assert_eq!(p, back);
        assert!(json.contains("\"state\":\"decided\""));
    }

    fn decision(document: LawDocument, year: i16, on: Date) -> LawDecision {
        LawDecision {
            document,
            year,
            decided_by: "Kommunstyrelsen".into(),
            date: on,
            diarienummer: "KS-2025/00123".into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_law_decision_needs_who_a_case_number_and_a_possible_date() {
        let ok = decision(LawDocument::Lagesbild, 2025, date(2025, 9, 10));
        ok.validate().unwrap();
        let mut d = ok.clone();
        d.diarienummer = " ".into();
        assert_eq!(d.validate().unwrap_err().field, "diarienummer");
        let mut d = ok.clone();
        d.date = date(2024, 12, 1);
        assert_eq!(d.validate().unwrap_err().field, "date");
        let mut d = ok.clone();
        d.year = 2019;
        assert_eq!(d.validate().unwrap_err().field, "year");
        let mut d = ok.clone();
        d.note = "Handläggare 19811218-9876".into();
        assert!(d.validate().is_err(), "the text guard");
    }

    #[test]
    fn the_renewal_counts_from_the_last_decided_lagesbild() {
        let mut a = agreement();
        a.from_year = 2024;
        a.to_year = 2027;
        let plain = deadlines(&a);
        let law = |e: &[CalendarEntry], k: CalendarKind| -> Vec<Date> {
            e.iter()
                .filter(|x| x.kind == k)
                .map(|x| x.deadline)
                .collect()
        };
        assert_eq!(
            law(&plain, CalendarKind::Lagesbild),
            vec![date(2025, 7, 1), date(2027, 7, 1)]
        );
        // Decided in September 2025: the next is due September 2027, with its åtgärdsplan.
        let decided = [
            decision(LawDocument::Lagesbild, 2025, date(2025, 9, 10)),
            decision(LawDocument::Atgardsplan, 2025, date(2025, 11, 20)),
        ];
        let e = with_decisions(&a, plain.clone(), &decided);
        assert_eq!(law(&e, CalendarKind::Lagesbild), vec![date(2027, 9, 10)]);
        assert_eq!(law(&e, CalendarKind::Atgardsplan), vec![date(2027, 12, 31)]);
        let title = &e
            .iter()
            .find(|x| x.kind == CalendarKind::Lagesbild)
            .unwrap()
            .title;
        assert!(title.contains("KS-2025/00123"), "{title}");
        // Without an åtgärdsplan decision, the year's plan stays due.
        let e = with_decisions(&a, plain, &decided[..1]);
        assert_eq!(
            law(&e, CalendarKind::Atgardsplan),
            vec![date(2025, 12, 31), date(2027, 12, 31)]
        );
        // Sorted by date.
        assert!(e.windows(2).all(|w| w[0].deadline <= w[1].deadline));
    }
}
