//! Who may use which route: every route of the router has one [`Rule`] in [`RULES`], naming the
//! policy's permissions (any of them) that let a signed-in person through, or saying that it is
//! public. [`guard`] enforces it for every request before any handler runs, so a page and the
//! API refuse a role the same way and before a body is read; the use cases in `trygg-app` check
//! the same policy again, together with what a route cannot know (whose record it is, whether
//! the organisation is a party to the agreement). A route without a rule answers 500 and fails
//! the access-matrix test (`tests/access_matrix.rs`), which walks this table × every role.

use axum::{
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use trygg_domain::{Permission, Refusal, policy};

use crate::{
    ApiError, AppState,
    auth::Caller,
    session::{self, CookieSession},
    ui::extract::{PageError, lang},
};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, health, assets, the public promises, the public map).
    Public,
    /// A signed-in person holding any of these permissions.
    Signed(&'static [Permission]),
    /// Open311 (`/open311/v2/`): an API token in the `api_key` parameter holding any of these
    /// permissions. The guard lets the request pass, since the key may sit in the body; the
    /// handler resolves it and the use case checks the policy.
    Key(&'static [Permission]),
}

/// One route's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The HTTP method (`HEAD` follows `GET`).
    pub method: &'static str,
    /// The route as the router writes it (`/api/v1/problems/{id}`).
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
}

use Access::{Key, Public, Signed};

/// Every route of the router and who may use it.
pub const RULES: &[Rule] = &[
    Rule {
        method: "GET",
        path: "/trygghetsvandringar",
        access: Signed(&[Permission::ReadWalks]),
    },
    Rule {
        method: "POST",
        path: "/trygghetsvandringar",
        access: Signed(&[Permission::ManageWalks]),
    },
    Rule {
        method: "GET",
        path: "/trygghetsvandringar/{id}",
        access: Signed(&[Permission::ReadWalks]),
    },
    Rule {
        method: "GET",
        path: "/trygghetsvandringar/{id}/vandra",
        access: Signed(&[Permission::ManageWalks]),
    },
    Rule {
        method: "POST",
        path: "/trygghetsvandringar/{id}/fynd",
        access: Signed(&[Permission::ManageWalks]),
    },
    Rule {
        method: "POST",
        path: "/trygghetsvandringar/{id}/dirigera",
        access: Signed(&[Permission::ManageWalks]),
    },
    Rule {
        method: "POST",
        path: "/trygghetsvandringar/{id}/fynd/{n}/dirigera",
        access: Signed(&[Permission::ManageWalks]),
    },
    Rule {
        method: "POST",
        path: "/trygghetsvandringar/{id}/fynd/{n}/publicera",
        access: Signed(&[Permission::ManageWalks]),
    },
    Rule {
        method: "POST",
        path: "/trygghetsvandringar/{id}/svar",
        access: Signed(&[Permission::ManageWalks]),
    },
    Rule {
        method: "GET",
        path: "/trygghetsvandringar/{id}/protokoll",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/trygghetsvandringar/{id}/protokoll/punkt/{n}/foto/{photo}",
        access: Public,
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/foto",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/atgarder/{id}/foto/{n}",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/foto/{n}/godkann",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/lank",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/lank/{n}/aterkalla",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/atgard/{token}",
        access: Public,
    },
    Rule {
        method: "POST",
        path: "/atgard/{token}",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/atgard/{token}/foto/{n}",
        access: Public,
    },
    Rule {
        method: "POST",
        path: "/tips/{id}/atgard",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/atgarder",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "GET",
        path: "/atgarder/ny",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/ny",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/atgarder/regler",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/regler",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/regler/{id}/ta-bort",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/serviceniva",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/atgarder/{id}",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/status",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/datum",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/dirigera",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/agare",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/agare/{n}/huvud",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/atgarder/{id}/agare/{n}/ta-bort",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/handelser/{id}/atgard",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/fixes",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/fixes",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/fixes/{id}",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/fixes/{id}/status",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/fixes/{id}/open311",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/open311/v2/discovery.json",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/open311/v2/services.json",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/open311/v2/requests.json",
        access: Key(&[Permission::FileServiceRequest]),
    },
    Rule {
        method: "POST",
        path: "/open311/v2/requests.json",
        access: Key(&[Permission::FileServiceRequest]),
    },
    Rule {
        method: "GET",
        path: "/open311/v2/requests/{id}",
        access: Key(&[Permission::FileServiceRequest]),
    },
    Rule {
        method: "GET",
        path: "/open311/v2/{name}",
        access: Public,
    },
    Rule {
        method: "POST",
        path: "/open311/v2/{name}",
        access: Public,
    },
    Rule {
        method: "PUT",
        path: "/api/v1/fixes/{id}/owners",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/fix-rules",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/fix-rules",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/fix-rules/{id}",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/fix-service-levels",
        access: Signed(&[Permission::ReadFixes]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/fix-service-levels",
        access: Signed(&[Permission::ManageFixes]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/techniques",
        access: Signed(&[Permission::ReadReference]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/problems",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/problems",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/problems/{id}",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/problems/{id}",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/problems/{id}/analysis",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/problems/{id}/analysis",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/interventions",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/interventions",
        access: Signed(&[Permission::WriteIntervention]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/interventions/{id}",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/interventions/{id}",
        access: Signed(&[Permission::WriteIntervention]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/interventions/{id}/evaluation",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/interventions/{id}/evaluation",
        access: Signed(&[Permission::ApproveFollowUp]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/interventions/{id}/evaluation/approve",
        access: Signed(&[Permission::ApproveFollowUp]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/meetings",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/meetings",
        access: Signed(&[Permission::WriteMeeting]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/meetings/{id}",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/meetings/{id}",
        access: Signed(&[Permission::WriteMeeting]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/feedback",
        access: Signed(&[Permission::ReadCycle, Permission::ReadOwnReports]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/alerts",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/alerts/{key}/problem",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/points",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/kde",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/hotspots",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/areas",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/survey",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/trend",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/hour-weekday",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/top-places",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/near-repeat",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/lagesbild/map.png",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/incidents",
        access: Signed(&[Permission::ReadPicture, Permission::ReadOwnReports]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/incidents",
        access: Signed(&[Permission::CreateIncident]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/incidents/{id}",
        access: Signed(&[Permission::ReadPicture, Permission::ReadOwnReports]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/reports",
        access: Signed(&[Permission::FileReport]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/categories",
        access: Signed(&[Permission::ReadReference]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/categories",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/category-synonyms",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/category-synonyms",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/category-synonyms/{id}",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/areas",
        access: Signed(&[Permission::ReadReference]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/agreement",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/agreement",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/agreements",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/bodies",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/partnership/bodies",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/bodies/{id}",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/bodies/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/partnership/bodies/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/body-meetings",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/partnership/body-meetings",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/body-meetings/{id}",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/body-meetings/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/partnership/body-meetings/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/collaboration-forms",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/partnership/collaboration-forms",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/collaboration-forms/{id}",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/collaboration-forms/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/partnership/collaboration-forms/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/commitment-plans",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/partnership/commitment-plans",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/commitment-plans/{id}",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/commitment-plans/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/partnership/commitment-plans/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/citizen-promises",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/partnership/citizen-promises",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/citizen-promises/{id}",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/citizen-promises/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/partnership/citizen-promises/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/law-decisions",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/partnership/law-decisions",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/law-decisions/{id}",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/law-decisions/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/partnership/law-decisions/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/partnership/communication-plan",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/partnership/communication-plan",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/stats/weekly",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/stats/coverage",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/import/polisen",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/import/csv",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/import/geojson",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/import/areas",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/indicators",
        access: Signed(&[Permission::ReadReference]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/indicators",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/indicators/import",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/export/incidents.csv",
        access: Signed(&[Permission::ExportIncidents]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/export/incidents.geojson",
        access: Signed(&[Permission::ExportIncidents]),
    },
    Rule {
        method: "GET",
        path: "/assets/{*path}",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/healthz",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/readyz",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/api/openapi.json",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/problem",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "GET",
        path: "/problem/ny",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "POST",
        path: "/problem/ny",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "GET",
        path: "/problem/{id}",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/problem/{id}",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "GET",
        path: "/problem/{id}/trend.png",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "GET",
        path: "/problem/{id}/analys",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/problem/{id}/analys",
        access: Signed(&[Permission::WriteProblem]),
    },
    Rule {
        method: "GET",
        path: "/insatser",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "GET",
        path: "/insatser/ny",
        access: Signed(&[Permission::WriteIntervention]),
    },
    Rule {
        method: "GET",
        path: "/insatser/kontrollforslag",
        access: Signed(&[Permission::WriteIntervention]),
    },
    Rule {
        method: "POST",
        path: "/insatser/ny",
        access: Signed(&[Permission::WriteIntervention]),
    },
    Rule {
        method: "GET",
        path: "/insatser/{id}",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "GET",
        path: "/insatser/{id}/andra",
        access: Signed(&[Permission::WriteIntervention]),
    },
    Rule {
        method: "POST",
        path: "/insatser/{id}/andra",
        access: Signed(&[Permission::WriteIntervention]),
    },
    Rule {
        method: "GET",
        path: "/insatser/{id}/uppfoljning",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/insatser/{id}/uppfoljning",
        access: Signed(&[Permission::ApproveFollowUp]),
    },
    Rule {
        method: "GET",
        path: "/insatser/{id}/uppfoljning/{chart}",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "GET",
        path: "/moten",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "GET",
        path: "/moten/lagesbild",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "GET",
        path: "/moten/ny",
        access: Signed(&[Permission::WriteMeeting]),
    },
    Rule {
        method: "POST",
        path: "/moten/ny",
        access: Signed(&[Permission::WriteMeeting]),
    },
    Rule {
        method: "GET",
        path: "/moten/{id}",
        access: Signed(&[Permission::ReadCycle]),
    },
    Rule {
        method: "POST",
        path: "/moten/{id}/atgard",
        access: Signed(&[Permission::WriteMeeting]),
    },
    Rule {
        method: "GET",
        path: "/",
        access: Signed(&[Permission::ManageOwnAccount]),
    },
    Rule {
        method: "GET",
        path: "/login",
        access: Public,
    },
    Rule {
        method: "POST",
        path: "/login",
        access: Public,
    },
    Rule {
        method: "POST",
        path: "/logout",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/konto",
        access: Signed(&[Permission::ManageOwnAccount]),
    },
    Rule {
        method: "POST",
        path: "/konto/losenord",
        access: Signed(&[Permission::ManageOwnAccount]),
    },
    Rule {
        method: "GET",
        path: "/rapportera",
        access: Signed(&[Permission::FileReport]),
    },
    Rule {
        method: "GET",
        path: "/mina-rapporter",
        access: Signed(&[Permission::ReadOwnReports]),
    },
    Rule {
        method: "GET",
        path: "/handelser/{id}",
        access: Signed(&[Permission::ReadPicture, Permission::ReadOwnReports]),
    },
    Rule {
        method: "GET",
        path: "/lagesbild",
        access: Signed(&[Permission::ReadPicture]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/users",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "PUT",
        path: "/api/v1/users/{id}/roles",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/users/{id}/disable",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/users/{id}/enable",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "GET",
        path: "/api/v1/tokens",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/api/v1/tokens",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "DELETE",
        path: "/api/v1/tokens/{id}",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "GET",
        path: "/login/oidc/{name}",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/login/oidc/{name}/callback",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/admin",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/anvandare",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/organisation",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/token",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "GET",
        path: "/importera",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "POST",
        path: "/importera",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "GET",
        path: "/importera/{id}",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "POST",
        path: "/importera/{id}",
        access: Signed(&[Permission::Import]),
    },
    Rule {
        method: "GET",
        path: "/admin/kategorier",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/kategorier",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/kategorier/ny",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/kategorier/egen/{id}",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/kategorier/{id}/ta-bort",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/token/{id}/aterkalla",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "GET",
        path: "/admin/anvandare/{id}",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/anvandare/{id}/roller",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/anvandare/{id}/status",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "POST",
        path: "/admin/anvandare/{id}/losenord",
        access: Signed(&[Permission::ManageAccounts]),
    },
    Rule {
        method: "GET",
        path: "/manifest.webmanifest",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/favicon.ico",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/sw.js",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/rapporter",
        access: Signed(&[Permission::ReadReports]),
    },
    Rule {
        method: "GET",
        path: "/rapporter/rapport",
        access: Signed(&[Permission::ReadReports]),
    },
    Rule {
        method: "GET",
        path: "/samverkan",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/overenskommelse",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/overenskommelse",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/overenskommelse/ny",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/organisation",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/organisation/mote",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/beslut",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/beslut",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/samverkansformer",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/samverkansformer/{id}/aktivitet",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/atagandeplan",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/atagandeplan/kopiera",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/atagandeplan/{year}",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/atagandeplan/{year}/atagande/{commitment}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/atagandeplan/{year}/atagande",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/atagandeplan/{year}/atagande/{commitment}/ta-bort",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/atagandeplan/{year}/status",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/medborgarloften",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/kommunikation",
        access: Signed(&[Permission::ReadPartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/medborgarloften/ny",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/medborgarloften/ny",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/medborgarloften/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/medborgarloften/{id}",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/medborgarloften/{id}/ta-bort",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/samverkan/kommunikation/andra",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "POST",
        path: "/samverkan/kommunikation/andra",
        access: Signed(&[Permission::WritePartnership]),
    },
    Rule {
        method: "GET",
        path: "/tillganglighet",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/lofte",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/tipsa",
        access: Public,
    },
    Rule {
        method: "POST",
        path: "/tipsa",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/tipsa/tack",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/tips",
        access: Signed(&[Permission::ModerateTips]),
    },
    Rule {
        method: "GET",
        path: "/tips/lank",
        access: Signed(&[Permission::ModerateTips]),
    },
    Rule {
        method: "GET",
        path: "/tips/lank/{area}/qr.svg",
        access: Signed(&[Permission::ModerateTips]),
    },
    Rule {
        method: "POST",
        path: "/tips/{id}/godkann",
        access: Signed(&[Permission::ModerateTips]),
    },
    Rule {
        method: "POST",
        path: "/tips/{id}/sla-ihop",
        access: Signed(&[Permission::ModerateTips]),
    },
    Rule {
        method: "POST",
        path: "/tips/{id}/avvisa",
        access: Signed(&[Permission::ModerateTips]),
    },
    Rule {
        method: "GET",
        path: "/karta",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/karta/om",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/api/public/v1/karta",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/api/public/v1/karta.csv",
        access: Public,
    },
    Rule {
        method: "GET",
        path: "/api/public/v1/karta.geojson",
        access: Public,
    },
];

/// The rule of `method` on the route `path`, if there is one.
pub fn rule(method: &Method, path: &str) -> Option<&'static Rule> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    RULES.iter().find(|r| r.method == method && r.path == path)
}

/// Whether a route is the JSON API's (answers in JSON) rather than a page.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn refuse(api: bool, lang: crate::ui::Lang, refusal: Refusal) -> Response {
    if api {
        ApiError::Refused(refusal.en).into_response()
    } else {
        PageError::from_app(lang, trygg_app::AppError::Forbidden(refusal)).into_response()
    }
}

/// The middleware that enforces [`RULES`]. It authenticates the request once and leaves the
/// result for the `Caller` and `SignedIn` extractors; someone not signed in passes on, so that
/// those answer 401 or send them to the sign-in page as before.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(path) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        return next.run(req).await;
    };
    let Some(rule) = rule(req.method(), &path) else {
        tracing::error!(method = %req.method(), %path, "a route without an access rule; refused");
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "This route has no access rule.",
        )
            .into_response();
    };
    let Signed(permissions) = rule.access else {
        return next.run(req).await;
    };
    let api = is_api(&path);
    let (mut parts, body) = req.into_parts();
    let l = lang(&parts);
    let roles = if api {
        match Caller::from_request_parts(&mut parts, &state).await {
            Ok(caller) => {
                let roles = caller.0.roles.clone();
                parts.extensions.insert(caller);
                Some(roles)
            }
            Err(e) => return e.into_response(),
        }
    } else {
        match session::from_headers(&state, &parts.headers).await {
            Ok(found) => {
                let roles = match &found {
                    CookieSession::Live(s, _) => Some(s.user.roles.clone()),
                    _ => None,
                };
                parts.extensions.insert(found);
                roles
            }
            Err(e) => return PageError::internal(l, e).into_response(),
        }
    };
    if let Some(roles) = roles
        && !permissions.iter().any(|p| policy::allows(&roles, *p))
    {
        let refusal = policy::check(&roles, permissions[0]).expect_err("not allowed");
        return refuse(api, l, refusal);
    }
    next.run(Request::from_parts(parts, body)).await
}
