//! Fixes (*åtgärdsärenden*): a place that needs mending — a broken lamp, graffiti, a hidden
//! corner — sent to whoever owns it, followed until it is done or will not be done.
//!
//! A [`Fix`] (record kind `fix`) comes from an EST incident, an accepted citizen's tip, a
//! safety walk's finding, an Open311 request or a coordinator's hand ([`FixSource`]). Its owner
//! comes from the routing rules ([`FixRoutingRule`], kind `fix_routing_rule`: area × category →
//! a unit of an organisation or an outside party, [`route`]); a coordinator can change it or
//! split the fix among several owners, one of them the lead who owns the whole
//! ([`FixOwner::lead`]). Each category may have a service level in days
//! ([`FixServiceLevel`], kind `fix_service_level`), which sets the due date.
//!
//! The status moves along [`FixStatus::can_move_to`]; *will not be done* and reopening a closed
//! fix need a reason. Every change is a [`FixEvent`] in the fix's history (and, like every
//! record write, an audit event).
//!
//! Two texts are kept apart: `description`, the coordinator's words for the owner, which an
//! outside party's link shows, and `reporter_text`, the reporter's or citizen's own words,
//! which only the partnership's people read.

use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

use crate::cycle::Record;
use crate::{
    Actor, AreaId, AreaKind, ErrorCode, IncidentId, OrganisationId, Position, Taxonomy,
    ValidationError, incident::check_text, text,
};

/// The longest description, reporter's text, reason or answer, in characters.
pub const FIX_TEXT_MAX_CHARS: usize = 4000;
/// The longest name (a unit, an outside party, a place), in characters.
pub const FIX_NAME_MAX_CHARS: usize = 200;
/// How long an outside party's link lasts unless configured otherwise.
pub const DEFAULT_LINK_DAYS: i64 = 14;

/// Where a fix stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStatus {
    /// Made, not yet sent to its owner.
    #[default]
    New,
    /// Sent to the owner.
    Sent,
    /// The owner has taken it on.
    Accepted,
    /// The owner has planned the work.
    Planned,
    /// Done.
    Done,
    /// Will not be done (with the reason).
    WontDo,
}

impl FixStatus {
    /// Every status, in the order of the work.
    pub const ALL: [FixStatus; 6] = [
        FixStatus::New,
        FixStatus::Sent,
        FixStatus::Accepted,
        FixStatus::Planned,
        FixStatus::Done,
        FixStatus::WontDo,
    ];

    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            FixStatus::New => "new",
            FixStatus::Sent => "sent",
            FixStatus::Accepted => "accepted",
            FixStatus::Planned => "planned",
            FixStatus::Done => "done",
            FixStatus::WontDo => "wont_do",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s.trim())
    }

    /// The label in Swedish and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            FixStatus::New => ("Ny", "New"),
            FixStatus::Sent => ("Skickad", "Sent"),
            FixStatus::Accepted => ("Mottagen", "Accepted"),
            FixStatus::Planned => ("Planerad", "Planned"),
            FixStatus::Done => ("Åtgärdad", "Done"),
            FixStatus::WontDo => ("Åtgärdas inte", "Will not be done"),
        }
    }

    /// Whether the work is over (done or will not be done).
    pub fn is_closed(self) -> bool {
        matches!(self, FixStatus::Done | FixStatus::WontDo)
    }

    /// Whether a fix in this status may move to `to`. Open statuses move forward (skipping
    /// is allowed: an owner may fix a lamp the day it hears of it) or to *will not be done*; a
    /// closed fix can only be reopened, to accepted.
    pub fn can_move_to(self, to: FixStatus) -> bool {
        use FixStatus::*;
        match self {
            New => matches!(to, Sent | Accepted | Planned | Done | WontDo),
            Sent => matches!(to, Accepted | Planned | Done | WontDo),
            Accepted => matches!(to, Planned | Done | WontDo),
            Planned => matches!(to, Accepted | Done | WontDo),
            Done | WontDo => to == Accepted,
        }
    }

    /// Whether moving from this status to `to` needs a reason: *will not be done*, and
    /// reopening a closed fix.
    pub fn needs_reason(self, to: FixStatus) -> bool {
        to == FixStatus::WontDo || self.is_closed()
    }

    /// The statuses this one may move to.
    pub fn next(self) -> Vec<FixStatus> {
        Self::ALL
            .into_iter()
            .filter(|t| self.can_move_to(*t))
            .collect()
    }
}

/// Who is responsible: a unit of one of the partnership's organisations, or an outside party
/// without an account (a housing company, Trafikverket, an electricity company).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Responsible {
    /// A unit of an organisation in trygg.
    Unit {
        /// The organisation.
        organisation: OrganisationId,
        /// The unit (`Gatu- och parkförvaltningen`).
        unit: String,
    },
    /// An outside party, reached through a link that expires.
    Outside {
        /// Its name (`Uppsalahem, förvaltning Gottsunda`).
        name: String,
        /// A functional mailbox for its links, if known (never a person's own address).
        #[serde(default)]
        contact: Option<String>,
    },
}

impl Responsible {
    /// Its name as shown: the unit, or the outside party.
    pub fn name(&self) -> &str {
        match self {
            Responsible::Unit { unit, .. } => unit,
            Responsible::Outside { name, .. } => name,
        }
    }

    /// Whether it is an outside party.
    pub fn is_outside(&self) -> bool {
        matches!(self, Responsible::Outside { .. })
    }

    fn validate(&self, field: &str) -> Result<(), ValidationError> {
        let (name_field, name) = match self {
            Responsible::Unit { unit, .. } => ("unit", unit),
            Responsible::Outside { name, .. } => ("name", name),
        };
        let f = format!("{field}.{name_field}");
        if name.trim().is_empty() {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                &f,
                format!(
                    "{f}: the owner's name is missing (namn saknas): write the unit or the party."
                ),
            ));
        }
        check_text(&f, Some(name), FIX_NAME_MAX_CHARS)?;
        if let Responsible::Outside {
            contact: Some(c), ..
        } = self
        {
            crate::tip::check_email(c).map_err(|mut e| {
                e.field = format!("{field}.contact");
                e
            })?;
        }
        Ok(())
    }
}

/// One owner of a fix, or of a part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixOwner {
    /// Who.
    pub responsible: Responsible,
    /// Whether this owner owns the whole (exactly one owner of a fix does) and talks with the
    /// coordinator about it.
    pub lead: bool,
    /// Their part, when the fix is split (`byta armaturen`); empty: the whole.
    #[serde(default)]
    pub part: Option<String>,
    /// Where their part stands.
    #[serde(default)]
    pub status: FixStatus,
}

/// Where a fix came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FixSource {
    /// Made by a coordinator.
    Manual,
    /// An incident (an EST report's unsafe place, or any incident with a point).
    Est {
        /// The incident.
        incident: IncidentId,
    },
    /// An accepted citizen's tip.
    Tip {
        /// The tip's record id.
        tip: i64,
    },
    /// A safety walk's finding.
    Walk {
        /// The walk's record id.
        walk: i64,
        /// The finding's number within the walk, if it has one.
        #[serde(default)]
        finding: Option<u32>,
    },
    /// An Open311 service request.
    Open311 {
        /// The request's id as Open311 gives it.
        request: String,
    },
}

impl FixSource {
    /// Stable text form of the kind.
    pub fn kind(&self) -> &'static str {
        match self {
            FixSource::Manual => "manual",
            FixSource::Est { .. } => "est",
            FixSource::Tip { .. } => "tip",
            FixSource::Walk { .. } => "walk",
            FixSource::Open311 { .. } => "open311",
        }
    }

    /// The label in Swedish and English.
    pub fn label(&self) -> (&'static str, &'static str) {
        match self {
            FixSource::Manual => ("Manuellt", "By hand"),
            FixSource::Est { .. } => ("Händelse", "Incident"),
            FixSource::Tip { .. } => ("Tips", "Tip"),
            FixSource::Walk { .. } => ("Trygghetsvandring", "Safety walk"),
            FixSource::Open311 { .. } => ("Open311", "Open311"),
        }
    }
}

/// What changed, in a history entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FixChange {
    /// The fix was made.
    Created,
    /// The owners were set: by a routing rule (its id), or by a coordinator (`rule: None`).
    Owners {
        /// The owners' names, the lead first.
        owners: Vec<String>,
        /// The rule that chose them.
        #[serde(default)]
        rule: Option<i64>,
    },
    /// The status of the fix, or of one owner's part, changed.
    Status {
        /// Before.
        from: FixStatus,
        /// After.
        to: FixStatus,
        /// Why (needed for *will not be done* and reopening).
        #[serde(default)]
        reason: Option<String>,
        /// The owner whose part it is; `None`: the whole fix.
        #[serde(default)]
        owner: Option<String>,
    },
    /// The due date was set or cleared.
    Due {
        /// The new due date.
        #[serde(default)]
        due: Option<Date>,
    },
    /// An outside party's link was made.
    LinkMade {
        /// The owner it is for.
        owner: String,
        /// When it expires.
        expires_at: Timestamp,
    },
    /// An outside party's link was revoked.
    LinkRevoked {
        /// The owner it was for.
        owner: String,
    },
    /// An owner answered (through a link or a coordinator's hand).
    Answer {
        /// The owner.
        owner: String,
        /// The answer's text.
        text: String,
        /// The photo sent with it.
        #[serde(default)]
        photo: Option<i64>,
    },
    /// A photo was added.
    Photo {
        /// The photo's id.
        photo: i64,
    },
    /// A photo was approved for public pages (or the approval taken back).
    PhotoApproval {
        /// The photo's id.
        photo: i64,
        /// Approved or not.
        approved: bool,
    },
}

/// One entry of a fix's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixEvent {
    /// When.
    pub at: Timestamp,
    /// Who: a user, or an outside party's link (`system:atgardslank:<fix>:<link>`).
    pub by: Actor,
    /// What.
    pub change: FixChange,
}

/// A link given to an outside party: only the hash of its token is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideLink {
    /// Its number within the fix (1, 2, …), named in the audit.
    pub number: u32,
    /// The owner (index into [`Fix::owners`]) it answers for.
    pub owner: usize,
    /// SHA-256 of the token, as bytes: a number list, never a string, because a hex digest
    /// can hold a run of digits that the text guard would take for a personal number.
    pub token_sha256: Vec<u8>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Revoked by a coordinator.
    #[serde(default)]
    pub revoked: bool,
}

impl OutsideLink {
    /// Whether it works at `now`.
    pub fn is_live(&self, now: Timestamp) -> bool {
        !self.revoked && now < self.expires_at
    }
}

/// What kind of image a photo is (known by its content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoKind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    Webp,
}

impl PhotoKind {
    /// Its media type.
    pub fn content_type(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "image/jpeg",
            PhotoKind::Png => "image/png",
            PhotoKind::Webp => "image/webp",
        }
    }

    /// Its file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "jpg",
            PhotoKind::Png => "png",
            PhotoKind::Webp => "webp",
        }
    }
}

/// A photo of a fix: the bytes are stored apart, by their SHA-256, stripped of metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixPhoto {
    /// Its number within the fix (1, 2, …).
    pub number: u32,
    /// SHA-256 of the stored bytes (a number list: see [`OutsideLink::token_sha256`]).
    pub sha256: Vec<u8>,
    /// What kind of image.
    pub kind: PhotoKind,
    /// Its size in bytes.
    pub bytes: u64,
    /// When it was added.
    pub added_at: Timestamp,
    /// The owner who sent it through their link; `None`: added by a coordinator.
    #[serde(default)]
    pub from_owner: Option<String>,
    /// A coordinator has looked at it (no faces, no one to recognise) and approved it for
    /// public pages. False until then: public pages never show it.
    #[serde(default)]
    pub approved_for_public: bool,
}

/// A fix (record kind `fix`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// The taxonomy code (`otrygg-plats.belysning`).
    pub category: String,
    /// Where (a point on land).
    pub position: Position,
    /// The place's name or address.
    #[serde(default)]
    pub place: Option<String>,
    /// The coordinator's description for the owner: what to do, where exactly. Shown to an
    /// outside party.
    pub description: String,
    /// The reporter's or citizen's own words from the source. Never shown to outside parties.
    #[serde(default)]
    pub reporter_text: Option<String>,
    /// Where it came from.
    pub source: FixSource,
    /// The areas the position lies in (when it was made), for routing and the list's filter.
    #[serde(default)]
    pub areas: Vec<AreaId>,
    /// Its owners: none until a rule or a coordinator names one; then exactly one lead.
    #[serde(default)]
    pub owners: Vec<FixOwner>,
    /// Where the whole stands.
    #[serde(default)]
    pub status: FixStatus,
    /// Why it will not be done, or why it was reopened (the latest).
    #[serde(default)]
    pub reason: Option<String>,
    /// When it should be done (from the category's service level, or set by hand).
    #[serde(default)]
    pub due: Option<Date>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was closed (done or will not be done); cleared on reopening.
    #[serde(default)]
    pub closed_at: Option<Timestamp>,
    /// What happened to it, oldest first.
    #[serde(default)]
    pub history: Vec<FixEvent>,
    /// Outside parties' links.
    #[serde(default)]
    pub links: Vec<OutsideLink>,
    /// Its photos.
    #[serde(default)]
    pub photos: Vec<FixPhoto>,
}

impl Fix {
    /// The lead owner, if there is one.
    pub fn lead(&self) -> Option<&FixOwner> {
        self.owners.iter().find(|o| o.lead)
    }

    /// Whether it is open and its due date lies before `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        !self.status.is_closed() && self.due.is_some_and(|d| d < today)
    }

    /// The fix's category's labels (the code itself when it is unknown).
    pub fn category_label(&self) -> (&str, &str) {
        Taxonomy
            .get(&self.category)
            .map_or((self.category.as_str(), self.category.as_str()), |c| {
                (c.label_sv, c.label_en)
            })
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> ValidationError {
    ValidationError::new(ErrorCode::Invalid, field, message)
}

/// Checks that `code` is a category of the taxonomy.
pub fn check_category(field: &str, code: &str) -> Result<(), ValidationError> {
    if Taxonomy.get(code).is_some() {
        return Ok(());
    }
    Err(ValidationError::new(
        ErrorCode::UnknownCategory,
        field,
        format!("{field}: '{code}' is not a category (okänd kategori); pick one from the list."),
    ))
}

/// Checks a list of owners: every name present, and exactly one lead when there are any.
pub fn check_owners(owners: &[FixOwner]) -> Result<(), ValidationError> {
    for (i, o) in owners.iter().enumerate() {
        o.responsible
            .validate(&format!("owners[{i}].responsible"))?;
        check_text(
            &format!("owners[{i}].part"),
            o.part.as_deref(),
            FIX_TEXT_MAX_CHARS,
        )?;
    }
    let leads = owners.iter().filter(|o| o.lead).count();
    if !owners.is_empty() && leads != 1 {
        return Err(invalid(
            "owners",
            format!(
                "owners: a fix has exactly one lead owner who owns the whole, not {leads} (en huvudansvarig): mark one."
            ),
        ));
    }
    Ok(())
}

impl Record for Fix {
    const KIND: &'static str = "fix";

    fn validate(&self) -> Result<(), ValidationError> {
        text::check_all(self)?;
        check_category("category", &self.category)?;
        if self.description.trim().is_empty() {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                "description",
                "description: say what the owner should do (beskrivning saknas).",
            ));
        }
        check_text("description", Some(&self.description), FIX_TEXT_MAX_CHARS)?;
        check_text(
            "reporter_text",
            self.reporter_text.as_deref(),
            FIX_TEXT_MAX_CHARS,
        )?;
        check_text("place", self.place.as_deref(), FIX_NAME_MAX_CHARS)?;
        check_text("reason", self.reason.as_deref(), FIX_TEXT_MAX_CHARS)?;
        self.position.check_on_land()?;
        check_owners(&self.owners)?;
        if self.status == FixStatus::WontDo && self.reason.as_deref().is_none_or(str::is_empty) {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                "reason",
                "reason: a fix that will not be done needs the reason (skäl saknas).",
            ));
        }
        for (i, l) in self.links.iter().enumerate() {
            if l.owner >= self.owners.len() {
                return Err(invalid(
                    format!("links[{i}].owner"),
                    format!(
                        "links[{i}].owner: the link names owner {} of {}.",
                        l.owner,
                        self.owners.len()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A routing rule (record kind `fix_routing_rule`): fixes of `category` (a code or a group;
/// none: any) in `area` (none: anywhere) go to `owner`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixRoutingRule {
    /// The area; `None`: every area.
    #[serde(default)]
    pub area: Option<AreaId>,
    /// The category code or group; `None`: every category.
    #[serde(default)]
    pub category: Option<String>,
    /// Who gets the fix.
    pub owner: Responsible,
}

impl Record for FixRoutingRule {
    const KIND: &'static str = "fix_routing_rule";

    fn validate(&self) -> Result<(), ValidationError> {
        text::check_all(self)?;
        if let Some(c) = &self.category {
            check_category("category", c)?;
        }
        self.owner.validate("owner")
    }
}

fn area_rank(kind: AreaKind) -> u8 {
    match kind {
        AreaKind::County => 1,
        AreaKind::Kommun => 2,
        AreaKind::District => 3,
        AreaKind::Deso => 4,
        AreaKind::Custom => 5,
    }
}

/// How well `category` matches a rule's category: 2 the very code, 1 its group, 0 a rule for
/// every category; `None`: it does not match.
fn category_fit(rule: Option<&str>, category: &str) -> Option<u8> {
    match rule {
        None => Some(0),
        Some(r) if r == category => Some(2),
        Some(r) if Taxonomy.get(category).and_then(|c| c.parent) == Some(r) => Some(1),
        Some(_) => None,
    }
}

/// The rule that routes a fix of `category` lying in `areas` (each with its kind): among the
/// rules that match, the one with the closest category (the code over its group over any),
/// then the smallest kind of area (a custom area over a DeSO over a district over the kommun
/// over any area), then the oldest rule (lowest id).
pub fn route<'a>(
    rules: &'a [(i64, FixRoutingRule)],
    category: &str,
    areas: &[(AreaId, AreaKind)],
) -> Option<&'a (i64, FixRoutingRule)> {
    rules
        .iter()
        .filter_map(|r| {
            let c = category_fit(r.1.category.as_deref(), category)?;
            let a = match r.1.area {
                None => 0,
                Some(id) => area_rank(areas.iter().find(|(a, _)| *a == id)?.1),
            };
            Some(((c, a, std::cmp::Reverse(r.0)), r))
        })
        .max_by_key(|(key, _)| *key)
        .map(|(_, r)| r)
}

/// A service level (record kind `fix_service_level`): fixes of `category` (a code or a group)
/// should be done within `days` days of being made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixServiceLevel {
    /// The category code or group.
    pub category: String,
    /// Days from the fix's creation to its due date.
    pub days: u32,
}

/// The longest service level, in days.
pub const SERVICE_LEVEL_MAX_DAYS: u32 = 730;

impl Record for FixServiceLevel {
    const KIND: &'static str = "fix_service_level";

    fn validate(&self) -> Result<(), ValidationError> {
        text::check_all(self)?;
        check_category("category", &self.category)?;
        if self.days == 0 || self.days > SERVICE_LEVEL_MAX_DAYS {
            return Err(invalid(
                "days",
                format!(
                    "days: a service level is 1 to {SERVICE_LEVEL_MAX_DAYS} days, not {} (servicenivå i dagar).",
                    self.days
                ),
            ));
        }
        Ok(())
    }
}

/// The service level in days for `category`: its own code's, else its group's.
pub fn service_days(levels: &[FixServiceLevel], category: &str) -> Option<u32> {
    let exact = levels.iter().find(|l| l.category == category);
    let group = Taxonomy
        .get(category)
        .and_then(|c| c.parent)
        .and_then(|g| levels.iter().find(|l| l.category == g));
    exact.or(group).map(|l| l.days)
}

/// The due date `days` days after `made` (a local date).
pub fn due_after(made: Date, days: u32) -> Option<Date> {
    made.checked_add(jiff::Span::new().days(i64::from(days)))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Precision;

    fn outside(name: &str) -> Responsible {
        Responsible::Outside {
            name: name.into(),
            contact: None,
        }
    }

    fn unit(org: i64, name: &str) -> Responsible {
        Responsible::Unit {
            organisation: OrganisationId(org),
            unit: name.into(),
        }
    }

    fn fix() -> Fix {
        Fix {
            category: "otrygg-plats.belysning".into(),
            position: Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap(),
            place: Some("Stora torget".into()),
            description: "Byt trasig armatur vid busshållplatsen.".into(),
            reporter_text: Some("Mörkt vid hållplatsen.".into()),
            source: FixSource::Manual,
            areas: vec![],
            owners: vec![FixOwner {
                responsible: unit(1, "Gatu- och parkförvaltningen"),
                lead: true,
                part: None,
                status: FixStatus::New,
            }],
            status: FixStatus::New,
            reason: None,
            due: None,
            created_at: "2026-12-01T10:00:00Z".parse().unwrap(),
            closed_at: None,
            history: vec![],
            links: vec![],
            photos: vec![],
        }
    }

    #[test]
    fn statuses_move_forward_and_closed_ones_only_reopen() {
        use FixStatus::*;
        assert!(
            New.can_move_to(Done),
            "a lamp may be fixed the day it is heard of"
        );
        assert!(Sent.can_move_to(Planned));
        assert!(!Planned.can_move_to(Sent), "not back to sent");
        assert!(!Accepted.can_move_to(New));
        assert!(!New.can_move_to(New), "no move to itself");
        assert_eq!(Done.next(), vec![Accepted]);
        assert_eq!(WontDo.next(), vec![Accepted]);
        assert!(New.needs_reason(WontDo));
        assert!(Done.needs_reason(Accepted), "reopening needs a reason");
        assert!(!Sent.needs_reason(Done));
        for s in FixStatus::ALL {
            assert_eq!(FixStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_fix_has_one_lead_and_a_reason_when_it_will_not_be_done() {
        assert_eq!(fix().validate(), Ok(()));
        let mut f = fix();
        f.owners.push(FixOwner {
            responsible: outside("Uppsalahem"),
            lead: true,
            part: Some("Klipp buskarna".into()),
            status: FixStatus::New,
        });
        assert_eq!(f.validate().unwrap_err().field, "owners");
        f.owners[1].lead = false;
        assert_eq!(f.validate(), Ok(()));
        f.status = FixStatus::WontDo;
        assert_eq!(f.validate().unwrap_err().field, "reason");
        f.reason = Some("Privat mark.".into());
        assert_eq!(f.validate(), Ok(()));
        f.category = "nonsense".into();
        assert_eq!(f.validate().unwrap_err().code, ErrorCode::UnknownCategory);
    }

    #[test]
    fn routing_prefers_the_closest_category_then_the_smallest_area() {
        let (kommun, district) = (AreaId(1), AreaId(2));
        let here = [(kommun, AreaKind::Kommun), (district, AreaKind::District)];
        let rule = |area: Option<AreaId>, category: Option<&str>, name: &str| FixRoutingRule {
            area,
            category: category.map(Into::into),
            owner: outside(name),
        };
        let rules = vec![
            (1, rule(None, None, "Kommunens växel")),
            (2, rule(Some(kommun), Some("otrygg-plats"), "Gatukontoret")),
            (
                3,
                rule(Some(district), Some("otrygg-plats"), "Gottsunda park"),
            ),
            (
                4,
                rule(
                    Some(kommun),
                    Some("otrygg-plats.belysning"),
                    "Belysningsenheten",
                ),
            ),
            (
                5,
                rule(Some(AreaId(9)), Some("otrygg-plats.belysning"), "Elsewhere"),
            ),
            (6, rule(None, Some("skadegorelse"), "Saneringen")),
        ];
        let name = |c: &str, a: &[(AreaId, AreaKind)]| {
            route(&rules, c, a).map(|(_, r)| r.owner.name().to_string())
        };
        assert_eq!(
            name("otrygg-plats.belysning", &here).as_deref(),
            Some("Belysningsenheten"),
            "the very code beats its group, even in a larger area"
        );
        assert_eq!(
            name("otrygg-plats.klotter", &here).as_deref(),
            Some("Gottsunda park"),
            "the group in the district beats the group in the kommun"
        );
        assert_eq!(
            name("otrygg-plats.klotter", &[(kommun, AreaKind::Kommun)]).as_deref(),
            Some("Gatukontoret")
        );
        assert_eq!(
            name("skadegorelse.klotter", &[]).as_deref(),
            Some("Saneringen")
        );
        assert_eq!(
            name("ordning.ovrigt", &[]).as_deref(),
            Some("Kommunens växel"),
            "the catch-all"
        );
        assert_eq!(route(&rules[1..2], "ordning.ovrigt", &here), None);
    }

    #[test]
    fn service_levels_fall_back_to_the_group() {
        let levels = vec![
            FixServiceLevel {
                category: "otrygg-plats".into(),
                days: 30,
            },
            FixServiceLevel {
                category: "otrygg-plats.belysning".into(),
                days: 7,
            },
        ];
        assert_eq!(service_days(&levels, "otrygg-plats.belysning"), Some(7));
        assert_eq!(service_days(&levels, "otrygg-plats.klotter"), Some(30));
        assert_eq!(service_days(&levels, "skadegorelse.klotter"), None);
        let d: Date = "2026-12-28".parse().unwrap();
        assert_eq!(due_after(d, 7), Some("2027-01-04".parse().unwrap()));
        assert!(
            FixServiceLevel {
                category: "otrygg-plats".into(),
                days: 0
            }
            .validate()
            .is_err()
        );
    }
}
