//! EST reports: one reporter's submission holding several incidents.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{IncidentId, OrganisationId, ReportId, UserId};

/// A filed report. Its incidents carry `report_id`; the report records who filed it and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Identifier.
    pub id: ReportId,
    /// The reporter's organisation, which owns the report.
    pub organisation_id: OrganisationId,
    /// The reporter.
    pub reporter_id: Option<UserId>,
    /// When it was submitted.
    pub submitted_at: Timestamp,
    /// The incidents it holds, in the order they were filed.
    pub incident_ids: Vec<IncidentId>,
}
