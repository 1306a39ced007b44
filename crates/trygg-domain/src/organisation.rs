//! Organisations: the parties of the agreement and their units.

use serde::{Deserialize, Serialize};

use crate::OrganisationId;

/// What kind of organisation this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// The kommun itself (a party).
    Kommun,
    /// A förvaltning (department) of the kommun.
    Forvaltning,
    /// A lokalpolisområde (local police area, a party).
    Lokalpolisomrade,
    /// A partner such as a housing company, a security firm or an association.
    Partner,
}

impl OrgKind {
    /// Every kind, in display order.
    pub const ALL: [OrgKind; 4] = [
        OrgKind::Kommun,
        OrgKind::Forvaltning,
        OrgKind::Lokalpolisomrade,
        OrgKind::Partner,
    ];

    /// Stable text form, used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Kommun => "kommun",
            OrgKind::Forvaltning => "forvaltning",
            OrgKind::Lokalpolisomrade => "lokalpolisomrade",
            OrgKind::Partner => "partner",
        }
    }

    /// What it is called in `l`.
    pub fn label(self, l: crate::Lang) -> &'static str {
        match self {
            OrgKind::Kommun => l.t("Kommun", "Municipality"),
            OrgKind::Forvaltning => l.t("Förvaltning", "Municipal department"),
            OrgKind::Lokalpolisomrade => l.t("Lokalpolisområde", "Local police area"),
            OrgKind::Partner => l.t("Samverkanspart", "Partner"),
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "kommun" => OrgKind::Kommun,
            "forvaltning" => OrgKind::Forvaltning,
            "lokalpolisomrade" => OrgKind::Lokalpolisomrade,
            "partner" => OrgKind::Partner,
            _ => return None,
        })
    }
}

/// An organisation taking part in the partnership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Identifier.
    pub id: OrganisationId,
    /// Display name, e.g. "Uppsala kommun, Kommunledningskontoret".
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// The organisation this one belongs to (a förvaltning belongs to its kommun).
    pub parent_id: Option<OrganisationId>,
}

/// An organisation to be created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewOrganisation {
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// Parent organisation.
    pub parent_id: Option<OrganisationId>,
}
