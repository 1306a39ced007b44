//! Who may do what: the one access policy of the partnership.
//!
//! Every use case in `trygg-app` asks [`check`] (or [`check_owner`]) before it reads or writes,
//! so a page, the JSON API and the CLI give the same answer. The rules are the rows of
//! [`POLICY`]: a [`Permission`], the roles that hold it, and how far it reaches ([`Reach`]).
//! The README's table of roles is this table in words; the access-matrix test walks every route
//! against it.

use std::fmt;

use crate::{OrganisationId, Role};

/// Something a signed-in person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Read the reference data every form needs: the category taxonomy, the areas, the 25
    /// techniques, and the indicators (surveys, population) per area.
    ReadReference,
    /// Change one's own password and sign out.
    ManageOwnAccount,
    /// File an EST report (the phone form, `POST /api/v1/reports`).
    FileReport,
    /// Read one's own reports and the EST meetings' feedback on them.
    ReadOwnReports,
    /// Read the lägesbild: panels, statistics, the incident list and single incidents, in the
    /// reader's scope.
    ReadPicture,
    /// Register a single incident through the API (integrations).
    CreateIncident,
    /// Export incidents (CSV, GeoJSON) in the reader's scope.
    ExportIncidents,
    /// Import files of incidents or areas.
    Import,
    /// Read the knowledge-based cycle: problems, cause analyses, interventions, follow-ups,
    /// EST meetings and the emerging-problem alerts.
    ReadCycle,
    /// Write problems and their cause analyses of one's own organisation.
    WriteProblem,
    /// Write interventions of one's own organisation.
    WriteIntervention,
    /// Write EST meetings of one's own organisation.
    WriteMeeting,
    /// Approve the follow-up of one's own organisation's intervention.
    ApproveFollowUp,
    /// Read the partnership's records: agreement, bodies, plans, promises, communication.
    ReadPartnership,
    /// Write the partnership's shared records, as a party to the current agreement.
    WritePartnership,
    /// Read and download the generated reports.
    ReadReports,
    /// Manage users, organisations and API tokens.
    ManageAccounts,
    /// Moderate citizens' tips (`/tips`): accept, merge or reject them, and make their QR links.
    ModerateTips,
    /// Read the fixes (*åtgärdsärenden*), their routing rules and service levels.
    ReadFixes,
    /// Make and manage fixes of one's own organisation (owners, status, links to outside
    /// parties, photos), and the routing rules and service levels.
    ManageFixes,
    /// File Open311 service requests (`POST /open311/v2/requests.json`) with an API token, and
    /// read back the ones one's organisation filed.
    FileServiceRequest,
    /// Read the safety walks (*trygghetsvandringar*): plans, findings, protocols.
    ReadWalks,
    /// Plan safety walks of one's own organisation, record their findings, route them to
    /// fixes, publish them and write the closing meeting's answers.
    ManageWalks,
}

impl Permission {
    /// Every permission, in the order of [`POLICY`].
    pub const ALL: [Permission; 23] = [
        Permission::ReadReference,
        Permission::ManageOwnAccount,
        Permission::FileReport,
        Permission::ReadOwnReports,
        Permission::ReadPicture,
        Permission::CreateIncident,
        Permission::ExportIncidents,
        Permission::Import,
        Permission::ReadCycle,
        Permission::WriteProblem,
        Permission::WriteIntervention,
        Permission::WriteMeeting,
        Permission::ApproveFollowUp,
        Permission::ReadPartnership,
        Permission::WritePartnership,
        Permission::ReadReports,
        Permission::ManageAccounts,
        Permission::ModerateTips,
        Permission::ReadFixes,
        Permission::ManageFixes,
        Permission::FileServiceRequest,
        Permission::ReadWalks,
        Permission::ManageWalks,
    ];

    /// Stable text form (`read_picture`).
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ReadReference => "read_reference",
            Permission::ManageOwnAccount => "manage_own_account",
            Permission::FileReport => "file_report",
            Permission::ReadOwnReports => "read_own_reports",
            Permission::ReadPicture => "read_picture",
            Permission::CreateIncident => "create_incident",
            Permission::ExportIncidents => "export_incidents",
            Permission::Import => "import",
            Permission::ReadCycle => "read_cycle",
            Permission::WriteProblem => "write_problem",
            Permission::WriteIntervention => "write_intervention",
            Permission::WriteMeeting => "write_meeting",
            Permission::ApproveFollowUp => "approve_follow_up",
            Permission::ReadPartnership => "read_partnership",
            Permission::WritePartnership => "write_partnership",
            Permission::ReadReports => "read_reports",
            Permission::ManageAccounts => "manage_accounts",
            Permission::ModerateTips => "moderate_tips",
            Permission::ReadFixes => "read_fixes",
            Permission::ManageFixes => "manage_fixes",
            Permission::FileServiceRequest => "file_service_request",
            Permission::ReadWalks => "read_walks",
            Permission::ManageWalks => "manage_walks",
        }
    }

    /// What it allows, in English and Swedish (for refusals and the README).
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Permission::ReadReference => {
                ("read categories and areas", "läsa kategorier och områden")
            }
            Permission::ManageOwnAccount => ("manage your own account", "hantera ditt eget konto"),
            Permission::FileReport => ("file reports", "rapportera händelser"),
            Permission::ReadOwnReports => ("read your own reports", "läsa dina egna rapporter"),
            Permission::ReadPicture => ("read the lägesbild", "läsa lägesbilden"),
            Permission::CreateIncident => (
                "register incidents through the API",
                "registrera händelser via API:t",
            ),
            Permission::ExportIncidents => ("export incidents", "exportera händelser"),
            Permission::Import => ("import files", "importera filer"),
            Permission::ReadCycle => (
                "read problems, interventions and meetings",
                "läsa problem, insatser och möten",
            ),
            Permission::WriteProblem => (
                "write problems and cause analyses",
                "skriva problem och orsaksanalyser",
            ),
            Permission::WriteIntervention => ("write interventions", "skriva insatser"),
            Permission::WriteMeeting => ("write EST meetings", "skriva EST-möten"),
            Permission::ApproveFollowUp => ("approve follow-ups", "godkänna uppföljningar"),
            Permission::ReadPartnership => (
                "read the partnership's records",
                "läsa samverkans handlingar",
            ),
            Permission::WritePartnership => (
                "change the partnership's records",
                "ändra samverkans handlingar",
            ),
            Permission::ReadReports => ("read the reports", "läsa rapporterna"),
            Permission::ManageAccounts => (
                "manage users, organisations and tokens",
                "hantera användare, organisationer och nycklar",
            ),
            Permission::ModerateTips => ("moderate citizens' tips", "granska invånarnas tips"),
            Permission::ReadFixes => ("read the fixes", "läsa åtgärdsärendena"),
            Permission::ManageFixes => ("manage fixes", "hantera åtgärdsärenden"),
            Permission::FileServiceRequest => (
                "file Open311 service requests",
                "lämna felanmälningar via Open311",
            ),
            Permission::ReadWalks => ("read the safety walks", "läsa trygghetsvandringarna"),
            Permission::ManageWalks => ("manage safety walks", "hantera trygghetsvandringar"),
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a permission reaches beyond the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Whatever the principal's scope lets them see (shared plus their organisation's
    /// internal records).
    Scope,
    /// Only what the principal filed themselves.
    OwnFiled,
    /// Only records owned by the principal's organisation.
    OwnOrganisation,
    /// Only while the principal's organisation is a party to the current agreement.
    AgreementParty,
}

const A: Role = Role::Admin;
const C: Role = Role::Coordinator;
const N: Role = Role::Analyst;
const R: Role = Role::Reporter;
const S: Role = Role::Steering;
const V: Role = Role::Viewer;

/// The policy: each permission, the roles that hold it, and its reach. An administrator may,
/// besides managing accounts, do what a coordinator of their organisation may (in a small
/// kommun they are often the same person); ownership and agreement rules bind them too.
pub const POLICY: [(Permission, &[Role], Reach); 23] = [
    (Permission::ReadReference, &[A, C, N, R, S, V], Reach::Scope),
    (
        Permission::ManageOwnAccount,
        &[A, C, N, R, S, V],
        Reach::Scope,
    ),
    (Permission::FileReport, &[A, C, N, R], Reach::OwnFiled),
    (Permission::ReadOwnReports, &[A, C, N, R], Reach::OwnFiled),
    (Permission::ReadPicture, &[A, C, N, S, V], Reach::Scope),
    (Permission::CreateIncident, &[A, C, N], Reach::Scope),
    (Permission::ExportIncidents, &[A, C, N], Reach::Scope),
    (Permission::Import, &[A, C, N], Reach::Scope),
    (Permission::ReadCycle, &[A, C, N, S], Reach::Scope),
    (Permission::WriteProblem, &[A, C, N], Reach::OwnOrganisation),
    (
        Permission::WriteIntervention,
        &[A, C],
        Reach::OwnOrganisation,
    ),
    (Permission::WriteMeeting, &[A, C], Reach::OwnOrganisation),
    (Permission::ApproveFollowUp, &[A, C], Reach::OwnOrganisation),
    (Permission::ReadPartnership, &[A, C, N, S], Reach::Scope),
    (Permission::WritePartnership, &[A, C], Reach::AgreementParty),
    (Permission::ReadReports, &[A, C, N, S], Reach::Scope),
    (Permission::ManageAccounts, &[A], Reach::Scope),
    (Permission::ModerateTips, &[A, C], Reach::Scope),
    (Permission::ReadFixes, &[A, C, N, S], Reach::Scope),
    (Permission::ManageFixes, &[A, C], Reach::OwnOrganisation),
    (
        Permission::FileServiceRequest,
        &[A, C, N],
        Reach::OwnOrganisation,
    ),
    (Permission::ReadWalks, &[A, C, N, S], Reach::Scope),
    (Permission::ManageWalks, &[A, C], Reach::OwnOrganisation),
];

/// The roles that hold `p`.
pub fn roles_for(p: Permission) -> &'static [Role] {
    POLICY
        .iter()
        .find(|(q, _, _)| *q == p)
        .map_or(&[], |(_, roles, _)| roles)
}

/// How far `p` reaches.
pub fn reach(p: Permission) -> Reach {
    POLICY
        .iter()
        .find(|(q, _, _)| *q == p)
        .map_or(Reach::OwnFiled, |(_, _, r)| *r)
}

/// Whether any of `roles` holds `p`.
pub fn allows(roles: &[Role], p: Permission) -> bool {
    roles_for(p).iter().any(|r| roles.contains(r))
}

/// Why the policy said no, in English (the API) and Swedish (the pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The sentence in English.
    pub en: String,
    /// The sentence in Swedish.
    pub sv: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for Refusal {}

fn role_list(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that `roles` hold `p`; the refusal names the permission and the roles that have it.
pub fn check(roles: &[Role], p: Permission) -> Result<(), Refusal> {
    if allows(roles, p) {
        return Ok(());
    }
    let (en, sv) = p.describe();
    let have = if roles.is_empty() {
        "no role".to_string()
    } else {
        format!("the role {}", role_list(roles))
    };
    let need = role_list(roles_for(p));
    Err(Refusal {
        en: format!("You have {have}, which does not {en}; that needs {need}."),
        sv: format!(
            "Din roll ({}) ger inte rätt att {sv}; det kräver {need}.",
            if roles.is_empty() {
                "ingen".to_string()
            } else {
                role_list(roles)
            }
        ),
    })
}

/// Checks `p` and that the record belongs to the principal's organisation. `owner_name` is the
/// owning organisation's name, said in the refusal ("Problem 12 belongs to Uppsala kommun").
pub fn check_owner(
    roles: &[Role],
    p: Permission,
    organisation: OrganisationId,
    what: &str,
    owner: OrganisationId,
    owner_name: &str,
) -> Result<(), Refusal> {
    check(roles, p)?;
    if organisation == owner {
        return Ok(());
    }
    Err(Refusal {
        en: format!(
            "{what} belongs to {owner_name}; only its own people may change it. Ask them, or write your own."
        ),
        sv: format!(
            "{what} tillhör {owner_name}; bara de kan ändra den. Fråga dem, eller skriv en egen."
        ),
    })
}

/// Checks [`Permission::WritePartnership`] and that `organisation_name` is one of `parties`
/// (the current agreement's, or the new agreement's when none is stored yet).
pub fn check_party(
    roles: &[Role],
    organisation_name: &str,
    parties: &[&str],
) -> Result<(), Refusal> {
    check(roles, Permission::WritePartnership)?;
    let norm = |s: &str| s.trim().to_lowercase();
    if parties.iter().any(|p| norm(p) == norm(organisation_name)) {
        return Ok(());
    }
    let list = parties.join(", ");
    Err(Refusal {
        en: format!(
            "{organisation_name} is not a party to the current agreement ({list}); only its parties change the partnership's records."
        ),
        sv: format!(
            "{organisation_name} är inte part i den gällande överenskommelsen ({list}); bara parterna ändrar samverkans handlingar."
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_has_one_row() {
        for p in Permission::ALL {
            assert_eq!(
                POLICY.iter().filter(|(q, _, _)| *q == p).count(),
                1,
                "{p} needs exactly one row"
            );
        }
        assert_eq!(POLICY.len(), Permission::ALL.len());
    }

    #[test]
    fn the_default_rules() {
        use Permission::*;
        let only = |r: Role| -> Vec<Permission> {
            Permission::ALL
                .into_iter()
                .filter(|p| allows(&[r], *p))
                .collect()
        };
        assert_eq!(
            only(Role::Reporter),
            [ReadReference, ManageOwnAccount, FileReport, ReadOwnReports]
        );
        assert_eq!(
            only(Role::Viewer),
            [ReadReference, ManageOwnAccount, ReadPicture]
        );
        assert_eq!(
            only(Role::Steering),
            [
                ReadReference,
                ManageOwnAccount,
                ReadPicture,
                ReadCycle,
                ReadPartnership,
                ReadReports,
                ReadFixes,
                ReadWalks
            ]
        );
        assert!(allows(&[Role::Analyst], WriteProblem));
        assert!(!allows(&[Role::Analyst], WriteIntervention));
        assert!(!allows(&[Role::Analyst], WritePartnership));
        assert!(allows(&[Role::Coordinator], ApproveFollowUp));
        assert!(!allows(&[Role::Coordinator], ManageAccounts));
        assert!(allows(&[Role::Admin], ManageAccounts));
        assert!(!allows(&[], ReadReference));
    }

    #[test]
    fn refusals_say_who_may() {
        let e = check(&[Role::Reporter], Permission::ReadPicture).unwrap_err();
        assert!(e.en.contains("reporter") && e.en.contains("analyst"), "{e}");
        assert!(e.sv.contains("lägesbilden"), "{}", e.sv);
        let e = check_owner(
            &[Role::Analyst],
            Permission::WriteProblem,
            OrganisationId(2),
            "Problem 7",
            OrganisationId(1),
            "Uppsala kommun",
        )
        .unwrap_err();
        assert!(
            e.en.starts_with("Problem 7 belongs to Uppsala kommun"),
            "{e}"
        );
        assert!(check_party(&[Role::Coordinator], "uppsala KOMMUN ", &["Uppsala kommun"]).is_ok());
        assert!(check_party(&[Role::Coordinator], "Bostadsbolaget", &["Uppsala kommun"]).is_err());
    }
}
