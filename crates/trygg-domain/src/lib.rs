//! The domain of a municipality–police crime-prevention partnership.
//!
//! Everything here is plain data plus the rules that make it valid: no database, no HTTP, no
//! files. Names follow the glossary in `PRODUCT.md` (code in English, labels in Swedish).
//! Validation lives on the types (`NewIncident::validate`, `Text::parse`, …) so that every way
//! into the system — API, form, import — refuses the same bad input with the same message.

pub mod area;
pub mod audit;
pub mod category;
pub mod cause;
pub mod cycle;
pub mod error;
pub mod fix;
pub mod ids;
pub mod incident;
pub mod indicator;
pub mod lang;
pub mod notice;
pub mod number;
pub mod organisation;
pub mod own_category;
pub mod partnership;
pub mod pnr;
pub mod policy;
pub mod report;
pub mod synonym;
pub mod text;
pub mod tip;
pub mod user;
pub mod walk;
pub mod week;

pub use area::{Area, AreaKind, NewArea};
pub use audit::{Actor, AuditEvent, NewAuditEvent};
pub use category::{Category, CategoryMap, Taxonomy};
pub use error::{ErrorCode, ValidationError};
pub use ids::*;
pub use incident::{
    Channel, Incident, IncidentFilter, NewIncident, Page, PlaceType, Position, Precision, Scope,
    Visibility,
};
pub use lang::Lang;
pub use organisation::{NewOrganisation, OrgKind, Organisation};
pub use policy::{Permission, Refusal};
pub use report::Report;
pub use user::{NewUser, Role, User};
