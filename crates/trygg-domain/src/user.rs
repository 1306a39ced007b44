//! Users and their roles. Passwords are not domain data: the web layer stores the hash.

use serde::{Deserialize, Serialize};

use crate::{OrganisationId, UserId};

/// What a user may do. A user can hold several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages organisations, users and settings.
    Admin,
    /// Utvecklingsledare or kommunpolis: runs the cycle and the reports.
    Coordinator,
    /// Works with maps, statistics and evaluations.
    Analyst,
    /// Trained reporter (rapportör): files EST reports.
    Reporter,
    /// Member of the styrgrupp.
    Steering,
    /// Reads the shared picture.
    Viewer,
}

impl Role {
    /// Every role, in order of decreasing power.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Coordinator,
        Role::Analyst,
        Role::Reporter,
        Role::Steering,
        Role::Viewer,
    ];

    /// Stable text form, used in storage and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Analyst => "analyst",
            Role::Reporter => "reporter",
            Role::Steering => "steering",
            Role::Viewer => "viewer",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Swedish label for the UI.
    pub fn label_sv(self) -> &'static str {
        match self {
            Role::Admin => "Administratör",
            Role::Coordinator => "Samordnare",
            Role::Analyst => "Analytiker",
            Role::Reporter => "Rapportör",
            Role::Steering => "Styrgruppsledamot",
            Role::Viewer => "Läsare",
        }
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Identifier.
    pub id: UserId,
    /// Login name; an e-mail address by convention.
    pub email: String,
    /// Name shown in the UI (a role title is fine: "Fältassistent Gottsunda").
    pub display_name: String,
    /// The organisation the user acts for.
    pub organisation_id: OrganisationId,
    /// Roles held.
    pub roles: Vec<Role>,
    /// Disabled by an administrator: cannot sign in, and has no sessions or tokens.
    #[serde(default)]
    pub disabled: bool,
}

impl User {
    /// Whether the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the user holds any of `roles`.
    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }
}

/// A user to be created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewUser {
    /// Login name.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Organisation.
    pub organisation_id: OrganisationId,
    /// Roles.
    pub roles: Vec<Role>,
}
