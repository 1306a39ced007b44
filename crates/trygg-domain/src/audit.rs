//! Audit events: who changed what, when, and how it looked before and after.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{AuditId, UserId};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in user or an API token acting for one.
    User {
        /// The user.
        id: UserId,
    },
    /// The system itself: the Polisen poller, the demo generator, a CLI import.
    System {
        /// Which part of the system ("polisen-poller", "cli import csv").
        name: String,
    },
}

impl Actor {
    /// A system actor.
    pub fn system(name: impl Into<String>) -> Self {
        Actor::System { name: name.into() }
    }

    /// Text form for storage: `user:17` or `system:polisen-poller`.
    pub fn to_storage(&self) -> String {
        match self {
            Actor::User { id } => format!("user:{id}"),
            Actor::System { name } => format!("system:{name}"),
        }
    }

    /// Parses the storage form.
    pub fn from_storage(s: &str) -> Option<Self> {
        let (kind, rest) = s.split_once(':')?;
        match kind {
            "user" => rest.parse().ok().map(|id| Actor::User { id: UserId(id) }),
            "system" => Some(Actor::system(rest)),
            _ => None,
        }
    }
}

/// A recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Identifier, increasing.
    pub id: AuditId,
    /// When the change was committed.
    pub at: Timestamp,
    /// Who made it.
    pub actor: Actor,
    /// What was done: `create`, `update`, `delete`, `import`, `login`, …
    pub action: String,
    /// The kind of thing changed: `incident`, `area`, `user`, …
    pub entity: String,
    /// Its identifier, when it has one.
    pub entity_id: Option<String>,
    /// The thing before the change (JSON), if it existed.
    pub before: Option<serde_json::Value>,
    /// The thing after the change (JSON), if it still exists.
    pub after: Option<serde_json::Value>,
}

/// An audit event to be written in the same transaction as the change it records.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    /// Who.
    pub actor: Actor,
    /// What was done.
    pub action: String,
    /// The kind of thing.
    pub entity: String,
    /// Its identifier.
    pub entity_id: Option<String>,
    /// Before.
    pub before: Option<serde_json::Value>,
    /// After.
    pub after: Option<serde_json::Value>,
}
