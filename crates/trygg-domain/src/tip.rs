//! Tips from citizens (`/tipsa`): an unsafe or a safe place, in one of a handful of public
//! categories, with a position, a time and a description, sent without signing in.
//!
//! A tip is a record of kind `tip` owned by the partnership's kommun. It is never shown to the
//! public; a coordinator decides it ([`TipStatus`]): accepted, it becomes an incident of channel
//! `tips` (a [`TipCategory::TryggPlats`] is kept as a tip and never becomes a crime incident:
//! it is *noted*), merged with a duplicate, or rejected with a reason. The optional e-mail
//! address for a reply lives only here, never in the incident.
//!
//! Tips are anonymous, so their free text gets one more guard than the text guard's
//! personal-number check: no e-mail address or phone number inside it ([`check_no_contact`]).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::cycle::Record;
use crate::{ErrorCode, IncidentId, Position, UserId, ValidationError, text};

/// The longest description of a tip, in characters.
pub const TIP_DESCRIPTION_MAX_CHARS: usize = 2000;
/// The longest place name of a tip, in characters.
pub const TIP_PLACE_MAX_CHARS: usize = 200;
/// The longest e-mail address, in characters.
pub const EMAIL_MAX_CHARS: usize = 254;
/// The longest rejection reason, in characters.
pub const REASON_MAX_CHARS: usize = 500;

/// The public list of what a citizen can tell about: each with its labels and the taxonomy
/// code an accepted tip becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TipCategory {
    /// A place that feels unsafe (deserted, hidden).
    OtryggPlats,
    /// Broken or poor lighting.
    Belysning,
    /// Graffiti or other damage.
    Klotter,
    /// Litter.
    Nedskrapning,
    /// Rowdiness, disorder.
    Stok,
    /// Dangerous traffic.
    Trafik,
    /// A place that feels safe: kept as a tip, never an incident.
    TryggPlats,
}

impl TipCategory {
    /// Every category, in the order of the form.
    pub const ALL: [TipCategory; 7] = [
        TipCategory::OtryggPlats,
        TipCategory::Belysning,
        TipCategory::Klotter,
        TipCategory::Nedskrapning,
        TipCategory::Stok,
        TipCategory::Trafik,
        TipCategory::TryggPlats,
    ];

    /// Stable text form (the form's value).
    pub fn as_str(self) -> &'static str {
        match self {
            TipCategory::OtryggPlats => "otrygg_plats",
            TipCategory::Belysning => "belysning",
            TipCategory::Klotter => "klotter",
            TipCategory::Nedskrapning => "nedskrapning",
            TipCategory::Stok => "stok",
            TipCategory::Trafik => "trafik",
            TipCategory::TryggPlats => "trygg_plats",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The label in Swedish and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            TipCategory::OtryggPlats => ("Otrygg plats", "Unsafe place"),
            TipCategory::Belysning => ("Trasig eller dålig belysning", "Broken or poor lighting"),
            TipCategory::Klotter => ("Klotter eller skadegörelse", "Graffiti or vandalism"),
            TipCategory::Nedskrapning => ("Nedskräpning", "Litter"),
            TipCategory::Stok => ("Stök eller ordningsstörning", "Rowdiness or disorder"),
            TipCategory::Trafik => ("Farlig trafik", "Dangerous traffic"),
            TipCategory::TryggPlats => ("Trygg plats", "Safe place"),
        }
    }

    /// The taxonomy code an accepted tip becomes; `None` for a safe place, which never becomes
    /// an incident.
    pub fn code(self) -> Option<&'static str> {
        Some(match self {
            TipCategory::OtryggPlats => "otrygg-plats.odslighet",
            TipCategory::Belysning => "otrygg-plats.belysning",
            TipCategory::Klotter => "skadegorelse.klotter",
            TipCategory::Nedskrapning => "otrygg-plats.nedskrapning",
            TipCategory::Stok => "ordning.ovrigt",
            TipCategory::Trafik => "trafik.brott",
            TipCategory::TryggPlats => return None,
        })
    }
}

/// A tip to be matched with: another tip or an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Duplicate {
    /// Another tip (its record id).
    Tip(i64),
    /// An existing incident.
    Incident(IncidentId),
}

/// Where a tip stands.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum TipStatus {
    /// Waiting for a coordinator.
    #[default]
    New,
    /// Accepted: became this incident.
    Accepted {
        /// The incident.
        incident: IncidentId,
    },
    /// Accepted, a safe place: kept as a tip, no incident.
    Noted,
    /// The same as another tip or an incident: linked, no second incident.
    Merged {
        /// What it duplicates.
        with: Duplicate,
    },
    /// Rejected.
    Rejected {
        /// Why, in the coordinator's words (the citizen may be told).
        reason: String,
    },
}

impl TipStatus {
    /// Stable text form.
    pub fn as_str(&self) -> &'static str {
        match self {
            TipStatus::New => "new",
            TipStatus::Accepted { .. } => "accepted",
            TipStatus::Noted => "noted",
            TipStatus::Merged { .. } => "merged",
            TipStatus::Rejected { .. } => "rejected",
        }
    }
}

/// A citizen's tip (record kind `tip`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tip {
    /// What kind of place.
    pub category: TipCategory,
    /// Where (a point on land, inside the kommun: the app checks the kommun).
    pub position: Position,
    /// The place's name or address as the citizen wrote it, or the QR link's name.
    #[serde(default)]
    pub place: Option<String>,
    /// Earliest time it can have happened.
    pub occurred_from: Timestamp,
    /// Latest time (the end of the day when no time was given).
    pub occurred_to: Timestamp,
    /// What the citizen saw.
    pub description: String,
    /// An address for the decision, if the citizen wants one. Never in an incident, never shown
    /// publicly, blanked by retention.
    #[serde(default)]
    pub email: Option<String>,
    /// When it was sent.
    pub submitted_at: Timestamp,
    /// Where it stands.
    #[serde(default)]
    pub status: TipStatus,
    /// When it was decided.
    #[serde(default)]
    pub decided_at: Option<Timestamp>,
    /// Who decided it.
    #[serde(default)]
    pub decided_by: Option<UserId>,
    /// The decision was queued to be e-mailed (a `notice` record of [`crate::notice`], sent
    /// by `trygg_app::notify`): set when a decided tip has an address and SMTP is configured.
    #[serde(default)]
    pub notify_pending: bool,
    /// The language of the form the citizen used: the decision is e-mailed in it.
    #[serde(default)]
    pub lang: crate::Lang,
}

impl Tip {
    /// The reference number the citizen is given: `T-<year sent>-<record id, 6 digits>`. It is
    /// derived from the record id, so it is guessable; nothing is looked up by it publicly.
    pub fn reference(year: i16, id: i64) -> String {
        format!("T-{year}-{id:06}")
    }

    /// The record id in a reference number (`T-2026-000123` → 123).
    pub fn id_of_reference(reference: &str) -> Option<i64> {
        let rest = reference.trim().strip_prefix("T-")?;
        let (year, id) = rest.split_once('-')?;
        (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
        id.parse().ok().filter(|n| *n > 0)
    }

    /// Whether a coordinator still has to decide it.
    pub fn is_new(&self) -> bool {
        self.status == TipStatus::New
    }
}

fn invalid(field: &str, message: String) -> ValidationError {
    ValidationError::new(ErrorCode::Invalid, field, message)
}

fn limit(field: &str, value: &str, max: usize) -> Result<(), ValidationError> {
    if value.chars().count() > max {
        return Err(ValidationError::new(
            ErrorCode::TextTooLong,
            field,
            format!("{field} is longer than {max} characters: shorten it."),
        ));
    }
    Ok(())
}

impl Record for Tip {
    const KIND: &'static str = "tip";

    fn validate(&self) -> Result<(), ValidationError> {
        text::check_all(self)?;
        if self.description.trim().is_empty() {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                "description",
                "The description is missing (beskrivning saknas): write what you saw.",
            ));
        }
        limit("description", &self.description, TIP_DESCRIPTION_MAX_CHARS)?;
        check_no_contact("description", &self.description)?;
        if let Some(p) = &self.place {
            limit("place", p, TIP_PLACE_MAX_CHARS)?;
            check_no_contact("place", p)?;
        }
        if let Some(e) = &self.email {
            check_email(e)?;
        }
        if let TipStatus::Rejected { reason } = &self.status {
            limit("reason", reason, REASON_MAX_CHARS)?;
        }
        if self.occurred_to < self.occurred_from {
            return Err(ValidationError::new(
                ErrorCode::TimeWindowReversed,
                "occurred_to",
                "The time window ends before it starts.",
            ));
        }
        // Re-derived: a Position can arrive through serde without its constructor.
        let p = &self.position;
        Position::from_wgs84(p.lat, p.lon, p.precision)?.check_on_land()
    }
}

/// Checks the form of an e-mail address for a reply: one `@`, something before it, a dotted
/// domain after it, no spaces.
pub fn check_email(email: &str) -> Result<(), ValidationError> {
    limit("email", email, EMAIL_MAX_CHARS)?;
    let ok = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "email",
            "The e-mail address is not one (e-postadressen är ingen e-postadress): write it as name@example.se, or leave it empty.".into(),
        ))
    }
}

/// Refuses a text holding an e-mail address or a phone number: a tip is anonymous, and its
/// text may reach the shared picture.
pub fn check_no_contact(field: &str, text: &str) -> Result<(), ValidationError> {
    if let Some(what) = find_contact(text) {
        return Err(ValidationError::new(
            ErrorCode::PersonalIdentityNumber,
            field,
            format!(
                "The text in {field} contains {what}. A tip must not hold personal data: remove it \
                 (texten innehåller {sv}; ta bort den, ett tips får inte innehålla personuppgifter).",
                sv = match what {
                    Contact::Email => "en e-postadress",
                    Contact::Phone => "ett telefonnummer",
                },
                what = match what {
                    Contact::Email => "an e-mail address",
                    Contact::Phone => "a phone number",
                },
            ),
        ));
    }
    Ok(())
}

/// Contact details found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    /// Something like `name@example.se`.
    Email,
    /// Eight or more digits starting with `0` or `+`, separated only by spaces, `-`, `/` or
    /// parentheses (`070-123 45 67`, `+46 70 123 45 67`, `08/123 456`).
    Phone,
}

/// The first e-mail address or phone number in `text`, if any.
pub fn find_contact(text: &str) -> Option<Contact> {
    if text.split_whitespace().any(looks_like_email) {
        return Some(Contact::Email);
    }
    has_phone(text).then_some(Contact::Phone)
}

fn looks_like_email(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    word.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain
                .split_once('.')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
    })
}

fn has_phone(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = (c == '+' || c == '0')
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && (c == '0' || chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if !starts {
            i += 1;
            continue;
        }
        let mut digits = 0;
        let mut j = i;
        while j < chars.len() && (chars[j].is_ascii_digit() || " -/()+".contains(chars[j])) {
            if chars[j].is_ascii_digit() {
                digits += 1;
            }
            j += 1;
        }
        if (8..=15).contains(&digits) {
            return true;
        }
        i = j.max(i + 1);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Precision, Taxonomy};

    fn tip(description: &str) -> Tip {
        let t: Timestamp = "2026-12-01T18:00:00Z".parse().unwrap();
        Tip {
            category: TipCategory::Belysning,
            position: Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap(),
            place: Some("Stora torget".into()),
            occurred_from: t,
            occurred_to: t,
            description: description.into(),
            email: Some("anna@example.se".into()),
            submitted_at: t,
            status: TipStatus::New,
            decided_at: None,
            decided_by: None,
            notify_pending: false,
            lang: Default::default(),
        }
    }

    #[test]
    fn every_category_maps_to_a_taxonomy_code_but_the_safe_place() {
        for c in TipCategory::ALL {
            assert_eq!(TipCategory::parse(c.as_str()), Some(c));
            match c.code() {
                Some(code) => assert!(Taxonomy.get(code).is_some(), "{code}"),
                None => assert_eq!(c, TipCategory::TryggPlats),
            }
        }
    }

    #[test]
    fn a_tip_with_a_description_is_valid() {
        assert!(
            tip("Lampan vid trappan är trasig sedan en vecka.")
                .validate()
                .is_ok()
        );
        assert_eq!(tip("  ").validate().unwrap_err().code, ErrorCode::Missing);
    }

    #[test]
    fn personal_numbers_e_mail_and_phone_numbers_in_the_text_are_refused() {
        let e = tip("Det var 19121212-1212 som").validate().unwrap_err();
        assert_eq!(e.code, ErrorCode::PersonalIdentityNumber);
        let e = tip("Skriv till kalle@example.se om det")
            .validate()
            .unwrap_err();
        assert!(e.message.contains("e-mail address"), "{e}");
        assert!(e.message.contains("e-postadress"), "{e}");
        for phone in [
            "070-123 45 67",
            "+46 70 123 45 67",
            "ring 08/123 456 78",
            "0701234567",
        ] {
            let e = tip(&format!("Ring mig på {phone}."))
                .validate()
                .unwrap_err();
            assert!(e.message.contains("phone number"), "{phone}: {e}");
        }
        for fine in [
            "Det hände 2026-12-01 vid 22-tiden",
            "Buss 110 och 801 stannar här",
            "Ungefär 30 personer",
            "@ovan: se bilden",
        ] {
            assert!(tip(fine).validate().is_ok(), "{fine}");
        }
    }

    #[test]
    fn the_reply_address_must_be_one() {
        let mut t = tip("Mörkt");
        t.email = Some("inte en adress".into());
        assert_eq!(t.validate().unwrap_err().field, "email");
        t.email = Some("a@b".into());
        assert!(t.validate().is_err());
        t.email = None;
        assert!(t.validate().is_ok());
    }

    #[test]
    fn references_round_trip() {
        assert_eq!(Tip::reference(2026, 123), "T-2026-000123");
        assert_eq!(Tip::id_of_reference("T-2026-000123"), Some(123));
        assert_eq!(Tip::id_of_reference("T-26-1"), None);
        assert_eq!(Tip::id_of_reference("X-2026-1"), None);
    }
}
