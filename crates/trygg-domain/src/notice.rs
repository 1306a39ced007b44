//! E-mail notices: what happened, for whom, in which language, and how far its delivery got —
//! the outbox of `trygg_app::notify` (record kind `notice`).
//!
//! A notice names its recipient and its content by reference — a citizen's tip, a user, an
//! EST meeting's feedback — and never holds an address or a rendered body: the address is read
//! when the mail is sent (so one blanked by retention is never mailed), and the record, every
//! version of which the audit log copies, stays free of personal data. A fix's notice carries
//! its plain fields ([`FixNotice`]), which are the fix's own. An outside party's link
//! ([`About::FixLink`]) is named by the fix and the party only: its token is made when the mail
//! is sent and lives in that mail alone, never in a record.

use jiff::{Timestamp, civil::Date};
use serde::{Deserialize, Serialize};

use crate::cycle::Record;
use crate::{ErrorCode, Lang, UserId, ValidationError, text};

/// The longest text field of a notice, in characters.
pub const NOTICE_TEXT_MAX_CHARS: usize = 2000;

/// A fix (*åtgärdsärende*) as its owner is told about it: plain fields the fixes fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixNotice {
    /// The fix's reference (`F-2026-000042`).
    pub reference: String,
    /// Its category's taxonomy code (`otrygg-plats.belysning`): the template is chosen by its
    /// group (`otrygg-plats`).
    pub category_code: String,
    /// The category's label in Swedish.
    pub category_sv: String,
    /// The category's label in English.
    pub category_en: String,
    /// The status it is told at: `sent`, `overdue`, `accepted`, `planned`, `done`,
    /// `will_not_be_done` (another falls back to a generic sentence).
    pub status: String,
    /// Where, in words (`Stora torget, trappan mot ån`).
    pub place: String,
    /// When it is due.
    #[serde(default)]
    pub due: Option<Date>,
    /// Where the owner opens it (an `http(s)` link).
    pub link: String,
    /// Why (a status of `will_not_be_done`, or a coordinator's note).
    #[serde(default)]
    pub reason: Option<String>,
}

/// What a notice is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum About {
    /// The decision on a citizen's tip (its record id).
    TipDecision {
        /// The tip.
        tip: i64,
    },
    /// A piece of feedback from an EST meeting to a reporter.
    Feedback {
        /// The meeting.
        meeting: i64,
        /// The feedback it is, among the meeting's: a hash of its text and the reports and
        /// incidents it answers, so an edit of the meeting neither loses nor repeats it.
        fingerprint: String,
    },
    /// A fix sent to its owner, or overdue.
    Fix(FixNotice),
    /// A fix sent to an outside party with a functional mailbox: the link it answers through.
    /// The link (and its token) is made when the mail is sent, so the token is never stored.
    FixLink {
        /// The fix's record id.
        fix: i64,
        /// Its reference (`F-2026-000042`), for the log and the audit.
        reference: String,
        /// The outside party, by its name among the fix's owners.
        party: String,
    },
}

impl About {
    /// Stable text form of the kind (`tip_decision`, `feedback`, `fix`), for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            About::TipDecision { .. } => "tip_decision",
            About::Feedback { .. } => "feedback",
            About::Fix(_) => "fix",
            About::FixLink { .. } => "fix_link",
        }
    }

    /// The reference logs and the audit name it by (`tip 12`, `meeting 3`, `F-2026-000042`).
    pub fn reference(&self) -> String {
        match self {
            About::TipDecision { tip } => format!("tip {tip}"),
            About::Feedback { meeting, .. } => format!("meeting {meeting}"),
            About::Fix(f) => f.reference.clone(),
            About::FixLink { reference, .. } => reference.clone(),
        }
    }
}

/// Whom a notice goes to. The address is looked up when it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Recipient {
    /// The citizen who left an address on the tip the notice is about.
    Citizen,
    /// A user, at their account's address.
    User(UserId),
    /// The outside party an [`About::FixLink`] names, at the functional mailbox its owner
    /// entry holds when the mail is sent.
    Party,
}

/// How far a notice's delivery got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Delivery {
    /// Waiting to be sent at `next_at` (again, after `attempts` failed tries).
    Pending {
        /// Tries so far.
        attempts: u32,
        /// Not before.
        next_at: Timestamp,
        /// What the last try met: a class and an SMTP code, never the server's words (they
        /// may repeat the address).
        #[serde(default)]
        last_error: Option<String>,
    },
    /// Taken by a worker at `since` (a try that outlives a crash is taken again later).
    Sending {
        /// Since when.
        since: Timestamp,
        /// Tries before this one.
        attempts: u32,
    },
    /// Accepted by the mail server.
    Sent {
        /// When.
        at: Timestamp,
        /// Tries it took.
        attempts: u32,
    },
    /// Given up: refused for good, or too many tries.
    Failed {
        /// When.
        at: Timestamp,
        /// Tries made.
        attempts: u32,
        /// Why, as in `last_error`.
        error: String,
    },
    /// Not sent: no address any more (blanked by retention, account disabled) or the content
    /// is gone.
    Dropped {
        /// When.
        at: Timestamp,
        /// Why.
        why: String,
    },
}

impl Delivery {
    /// When delivery ended (sent, failed or dropped); `None` while it is still to be tried.
    pub fn ended_at(&self) -> Option<Timestamp> {
        match self {
            Delivery::Sent { at, .. }
            | Delivery::Failed { at, .. }
            | Delivery::Dropped { at, .. } => Some(*at),
            Delivery::Pending { .. } | Delivery::Sending { .. } => None,
        }
    }

    /// Stable text form.
    pub fn as_str(&self) -> &'static str {
        match self {
            Delivery::Pending { .. } => "pending",
            Delivery::Sending { .. } => "sending",
            Delivery::Sent { .. } => "sent",
            Delivery::Failed { .. } => "failed",
            Delivery::Dropped { .. } => "dropped",
        }
    }
}

/// An e-mail notice (record kind `notice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// What happened.
    pub about: About,
    /// For whom.
    pub to: Recipient,
    /// In which language.
    #[serde(default)]
    pub lang: Lang,
    /// When it was queued.
    pub queued_at: Timestamp,
    /// How far its delivery got.
    pub delivery: Delivery,
}

fn invalid(field: &str, message: &str) -> ValidationError {
    ValidationError::new(ErrorCode::Invalid, field, format!("{field}: {message}"))
}

impl Record for Notice {
    const KIND: &'static str = "notice";

    fn validate(&self) -> Result<(), ValidationError> {
        text::check_all(self)?;
        let long = |field: &str, value: &str| {
            if value.chars().count() > NOTICE_TEXT_MAX_CHARS {
                return Err(ValidationError::new(
                    ErrorCode::TextTooLong,
                    field,
                    format!("{field} is longer than {NOTICE_TEXT_MAX_CHARS} characters."),
                ));
            }
            Ok(())
        };
        match &self.about {
            About::TipDecision { .. } => {}
            About::Feedback { fingerprint, .. } if fingerprint.trim().is_empty() => {
                return Err(invalid(
                    "about.fingerprint",
                    "the feedback's hash is missing",
                ));
            }
            About::Feedback { .. } => {}
            About::Fix(f) => {
                for (field, value) in [
                    ("about.reference", &f.reference),
                    ("about.category_code", &f.category_code),
                    ("about.status", &f.status),
                ] {
                    if value.trim().is_empty() {
                        return Err(invalid(field, "missing"));
                    }
                }
                for (field, value) in [
                    ("about.place", &f.place),
                    ("about.category_sv", &f.category_sv),
                    ("about.category_en", &f.category_en),
                ] {
                    long(field, value)?;
                }
                if let Some(r) = &f.reason {
                    long("about.reason", r)?;
                }
                text::check_url("about.link", &f.link)?;
            }
            About::FixLink {
                reference, party, ..
            } => {
                for (field, value) in [("about.reference", reference), ("about.party", party)] {
                    if value.trim().is_empty() {
                        return Err(invalid(field, "missing"));
                    }
                    long(field, value)?;
                }
            }
        }
        if self.to == Recipient::Citizen && !matches!(self.about, About::TipDecision { .. }) {
            return Err(invalid(
                "to",
                "only a tip's decision goes to the citizen who sent it",
            ));
        }
        if (self.to == Recipient::Party) != matches!(self.about, About::FixLink { .. }) {
            return Err(invalid(
                "to",
                "an outside party's link goes to that party, and only it goes there",
            ));
        }
        Ok(())
    }
}
