//! Typed identifiers, so that an area id can never be passed where an incident id is meant.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// An organisation (kommun, förvaltning, lokalpolisområde, partner).
    OrganisationId,
    /// A user account.
    UserId,
    /// An area polygon.
    AreaId,
    /// An incident (händelse).
    IncidentId,
    /// One reporter's submission (rapport) holding several incidents.
    ReportId,
    /// An audit event.
    AuditId,
);
