//! The OpenAPI 3.1 document of the JSON API, served at `/api/openapi.json`.
//!
//! It is built from two tables, [`OPERATIONS`] (`/api/v1`, signed in) and
//! [`PUBLIC_OPERATIONS`] (`/api/public/v1`, the public map, no sign-in), which tests walk
//! against the running router: every documented signed-in operation exists and answers 401
//! without credentials, every public one answers 200 without them, so the document cannot drift
//! from the routes without a test failing.

use axum::{Json, Router, routing::get};
use serde_json::{Map, Value, json};

use crate::AppState;

/// One operation: method, path under `/api/v1`, tag, summary, query parameters, whether it
/// takes a JSON (or file) body.
#[derive(Debug)]
pub struct Operation {
    /// `get`, `post`, `put` or `delete`.
    pub method: &'static str,
    /// Path under `/api/v1` (or `/api/public/v1` in [`PUBLIC_OPERATIONS`]), with `{id}`-style
    /// parameters.
    pub path: &'static str,
    /// Group in the document.
    pub tag: &'static str,
    /// One line on what it does.
    pub summary: &'static str,
    /// Query parameters.
    pub query: &'static [&'static str],
    /// The request body's media type, if any.
    pub body: Option<&'static str>,
}

const FILTER: &[&str] = &["from", "to", "category", "area", "source"];
/// The options of a CSV or GeoJSON incident import.
const IMPORT_FILE: &[&str] = &["crs", "map", "category_map", "visibility", "precision"];

/// Query parameters that may be given more than once.
const REPEATABLE: &[&str] = &["map", "category_map"];

/// What a query parameter means, where a name alone does not say it.
pub const PARAMETERS: &[(&str, &str)] = &[
    (
        "weeks",
        "Complete ISO weeks counted, ending with last week (default 12).",
    ),
    (
        "silent_weeks",
        "Weeks without a report after which an organisation that used to report is silent (default 3).",
    ),
    (
        "active_weeks",
        "Weeks with reports, before the silence, that make an organisation one that used to report (default 4).",
    ),
    (
        "crs",
        "Coordinate system of X/Y columns: 4326 (WGS84 degrees) or 3006 (SWEREF 99 TM metres); recognised when omitted.",
    ),
    (
        "map",
        "FIELD=COLUMN: read FIELD from the column (or property) COLUMN, e.g. category=Brottstyp. Repeat it, or separate several with commas.",
    ),
    (
        "category_map",
        "VALUE=CODE: the file's category VALUE (case and surrounding spaces ignored) is trygg's category or group CODE (GET /api/v1/categories), e.g. Ordningsstörning=ordning.ovrigt. One per parameter (values may hold commas); repeat it for more. A CODE that is not a category answers 400 naming the nearest codes; a value that is neither a category nor mapped fails the import with 422, listing each such value with its row count and first line.",
    ),
    (
        "visibility",
        "shared (default: the whole partnership reads them) or internal (only the importer's organisation).",
    ),
    (
        "precision",
        "exact (default) or address (positions are geocoded addresses).",
    ),
    (
        "format",
        "The indicator file's shape: long (indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet), trygghetsmatning (Polisens trygghetsmätning: an area per row, each indicator column followed by KI nedre and KI övre), ntu (Brå NTU: one indicator per row, the interval in one cell) or scb-population (SCB's PxWeb CSV of population per region, summed over the other dimensions).",
    ),
    (
        "indicator",
        "An indicator's code (as GET /api/v1/indicators lists it, e.g. andel-otrygga-i-sitt-bostadsomrade-kvallstid, folkmangd).",
    ),
    (
        "period",
        "A year (2024) or a range of years (2021-2023): values whose period overlaps it.",
    ),
    (
        "month",
        "A published month, YYYY-MM (default the latest); the publication's months lists them.",
    ),
    (
        "group",
        "A published category group's code (default, or empty: every published group).",
    ),
    ("overdue", "true: only open fixes past their due date."),
    (
        "open",
        "true: only open fixes (not done, not will-not-be-done).",
    ),
    (
        "owner",
        "Only fixes one of whose owners' names contains this text (case ignored).",
    ),
];
const JSON: Option<&str> = Some("application/json");

macro_rules! op {
    ($m:literal, $p:literal, $tag:literal, $s:literal) => {
        op!($m, $p, $tag, $s, &[], None)
    };
    ($m:literal, $p:literal, $tag:literal, $s:literal, $q:expr) => {
        op!($m, $p, $tag, $s, $q, None)
    };
    ($m:literal, $p:literal, $tag:literal, $s:literal, $q:expr, $b:expr) => {
        Operation {
            method: $m,
            path: $p,
            tag: $tag,
            summary: $s,
            query: $q,
            body: $b,
        }
    };
}

/// Every operation of `/api/v1`.
pub const OPERATIONS: &[Operation] = &[
    op!(
        "get",
        "/users",
        "accounts",
        "Every user: id, e-mail, organisation, roles, disabled (admins)."
    ),
    op!(
        "put",
        "/users/{id}/roles",
        "accounts",
        "Replace a user's roles: {\"roles\": [...]} (admins).",
        &[],
        JSON
    ),
    op!(
        "post",
        "/users/{id}/disable",
        "accounts",
        "Disable a user: their sessions end and their tokens are revoked (admins)."
    ),
    op!(
        "post",
        "/users/{id}/enable",
        "accounts",
        "Enable a disabled user (admins)."
    ),
    op!(
        "get",
        "/tokens",
        "accounts",
        "Every API token: name, user, expiry, last use, revocation; never the token (admins)."
    ),
    op!(
        "post",
        "/tokens",
        "accounts",
        "Make a token {\"user_id\", \"name\", \"days\"}; the answer shows it once (admins).",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/tokens/{id}",
        "accounts",
        "Revoke a token at once (admins)."
    ),
    op!(
        "get",
        "/categories",
        "reference",
        "The category taxonomy (groups and sub-categories, Swedish and English labels); the partnership's own categories carry \"own\": true."
    ),
    op!(
        "post",
        "/categories",
        "reference",
        "Add an own category {\"group\", \"code\"?, \"label_sv\", \"label_en\"} under a standard group; the code (GROUP.NAME, a-z, 0-9, -) is derived from label_sv when left out. 409 for a code that exists, 422 naming the field and the nearest groups (admins of a party to the current agreement).",
        &[],
        JSON
    ),
    op!(
        "get",
        "/category-synonyms",
        "reference",
        "The stored category synonyms {\"value\", \"code\"}, which every CSV/GeoJSON import reads (admins)."
    ),
    op!(
        "post",
        "/category-synonyms",
        "reference",
        "Store a synonym {\"value\", \"code\"}; an unknown code answers 422 naming the nearest, a value stored already 409 (admins of a party to the current agreement).",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/category-synonyms/{id}",
        "reference",
        "Remove a stored synonym (admins of a party to the current agreement)."
    ),
    op!(
        "get",
        "/areas",
        "reference",
        "Areas as a GeoJSON FeatureCollection in WGS84.",
        &["kind"]
    ),
    op!(
        "get",
        "/techniques",
        "reference",
        "The 25 techniques of situational crime prevention, in 5 groups."
    ),
    op!(
        "get",
        "/incidents",
        "incidents",
        "Incidents matching a filter, paged, within the caller's visibility.",
        &[
            "from", "to", "category", "area", "source", "limit", "offset"
        ]
    ),
    op!(
        "post",
        "/incidents",
        "incidents",
        "Create one incident (validated; personal identity numbers refused).",
        &[],
        JSON
    ),
    op!(
        "get",
        "/incidents/{id}",
        "incidents",
        "One incident, if visible to the caller."
    ),
    op!(
        "post",
        "/reports",
        "incidents",
        "File an EST report with one or more events, all or nothing.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/stats/weekly",
        "lägesbild",
        "Weekly counts (ISO weeks, local time) for a filter.",
        FILTER
    ),
    op!(
        "get",
        "/stats/coverage",
        "lägesbild",
        "Coverage: incidents filed per organisation and Polisen's events per complete ISO week, and an alert for each organisation that used to report and has gone silent.",
        &["weeks", "silent_weeks", "active_weeks"]
    ),
    op!(
        "get",
        "/lagesbild/points",
        "lägesbild",
        "Point-usable incidents as GeoJSON, newest first, capped.",
        &["from", "to", "category", "area", "source", "limit"]
    ),
    op!(
        "get",
        "/lagesbild/kde",
        "lägesbild",
        "Kernel density surface (quartic kernel) on a grid.",
        &["from", "to", "category", "area", "source", "cell", "radius"]
    ),
    op!(
        "get",
        "/lagesbild/hotspots",
        "lägesbild",
        "Getis–Ord Gi* hot and cold spots on a grid.",
        &["from", "to", "category", "area", "source", "cell", "fdr"]
    ),
    op!(
        "get",
        "/lagesbild/areas",
        "lägesbild",
        "Counts and incidents per 1 000 inhabitants per area of a kind, with polygons (choropleth) and Gi* on the rates.",
        &["from", "to", "category", "area", "source", "kind"]
    ),
    op!(
        "get",
        "/lagesbild/survey",
        "lägesbild",
        "A survey indicator per area with its confidence intervals (the survey layer and panel).",
        &["indicator"]
    ),
    op!(
        "get",
        "/lagesbild/trend",
        "lägesbild",
        "Weekly trend with the same ISO weeks last year.",
        FILTER
    ),
    op!(
        "get",
        "/lagesbild/hour-weekday",
        "lägesbild",
        "Aoristic hour × weekday profile.",
        FILTER
    ),
    op!(
        "get",
        "/lagesbild/top-places",
        "lägesbild",
        "The places (grid cells) with most incidents.",
        &["from", "to", "category", "area", "source", "n", "snap"]
    ),
    op!(
        "get",
        "/lagesbild/near-repeat",
        "lägesbild",
        "Knox near-repeat test with its sentence.",
        &["from", "to", "category", "area", "source", "permutations"]
    ),
    op!(
        "get",
        "/lagesbild/map.png",
        "lägesbild",
        "The filter's map as a PNG (districts by count, points; no tiles).",
        FILTER
    ),
    op!(
        "get",
        "/alerts",
        "cycle",
        "Emerging-problem alerts for complete weeks.",
        &["until", "weeks"]
    ),
    op!(
        "post",
        "/alerts/{key}/problem",
        "cycle",
        "Turn an alert into a draft problem."
    ),
    op!(
        "get",
        "/fixes",
        "fixes",
        "Fixes (åtgärdsärenden), newest first.",
        &["status", "owner", "overdue", "open"]
    ),
    op!(
        "post",
        "/fixes",
        "fixes",
        "Create a fix from an incident, a tip, a walk, Open311 or by hand; the rules route it unless an owner is given.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/fixes/{id}",
        "fixes",
        "One fix with its owners and history."
    ),
    op!(
        "post",
        "/fixes/{id}/status",
        "fixes",
        "Move a fix (or one owner's part) to a status; wont_do and reopening need a reason.",
        &[],
        JSON
    ),
    op!(
        "post",
        "/fixes/{id}/open311",
        "fixes",
        "Send a fix to its lead owner's Open311 endpoint (from its routing rule) and store the remote service_request_id; its status is polled back.",
        &[],
        JSON
    ),
    op!(
        "put",
        "/fixes/{id}/owners",
        "fixes",
        "Set a fix's owners: the coordinator's choice, or a split with exactly one lead.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/fix-rules",
        "fixes",
        "The routing rules (area × category → owner)."
    ),
    op!(
        "post",
        "/fix-rules",
        "fixes",
        "Add a routing rule.",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/fix-rules/{id}",
        "fixes",
        "Remove a routing rule."
    ),
    op!(
        "get",
        "/fix-service-levels",
        "fixes",
        "The service levels in days per category."
    ),
    op!(
        "put",
        "/fix-service-levels",
        "fixes",
        "Set (days) or remove (days null) a category's service level.",
        &[],
        JSON
    ),
    op!("get", "/problems", "cycle", "Problems (problembilder)."),
    op!(
        "post",
        "/problems",
        "cycle",
        "Create a problem defined as a saved filter.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/problems/{id}",
        "cycle",
        "One problem with its live count, period and monthly series."
    ),
    op!(
        "put",
        "/problems/{id}",
        "cycle",
        "Update a problem (optimistic: send the version you read).",
        &[],
        JSON
    ),
    op!(
        "get",
        "/problems/{id}/analysis",
        "cycle",
        "The problem's cause analysis."
    ),
    op!(
        "put",
        "/problems/{id}/analysis",
        "cycle",
        "Create (version 0) or update the cause analysis.",
        &[],
        JSON
    ),
    op!("get", "/interventions", "cycle", "Interventions."),
    op!(
        "post",
        "/interventions",
        "cycle",
        "Create an intervention linked to problems and causes.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/interventions/{id}",
        "cycle",
        "One intervention with its resource totals."
    ),
    op!(
        "put",
        "/interventions/{id}",
        "cycle",
        "Update an intervention.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/interventions/{id}/evaluation",
        "cycle",
        "The follow-up: approved snapshot and the live evaluation (WDQ, WDD, verdict).",
        &["control", "buffer"]
    ),
    op!(
        "post",
        "/interventions/{id}/evaluation/approve",
        "cycle",
        "Approve the follow-up: stores a snapshot.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/meetings",
        "cycle",
        "Weekly EST meetings, newest first."
    ),
    op!(
        "post",
        "/meetings",
        "cycle",
        "Create a meeting; open actions carry over.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/meetings/{id}",
        "cycle",
        "One meeting with last week's generated lägesbild."
    ),
    op!(
        "put",
        "/meetings/{id}",
        "cycle",
        "Update a meeting.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/feedback",
        "cycle",
        "Feedback to reporters from the meetings."
    ),
    op!(
        "get",
        "/partnership/agreement",
        "partnership",
        "The current agreement (the stored one whose period ends last)."
    ),
    op!(
        "put",
        "/partnership/agreement",
        "partnership",
        "Register a new agreement (version 0; the current one joins its earlier agreements) or change the current one (its version).",
        &[],
        JSON
    ),
    op!(
        "get",
        "/partnership/agreements",
        "partnership",
        "Every stored agreement, the current one and earlier."
    ),
    op!(
        "get",
        "/partnership/bodies",
        "partnership",
        "Governance bodies (styrgrupp, arbetsgrupp …) with members and mandate."
    ),
    op!(
        "post",
        "/partnership/bodies",
        "partnership",
        "Create a governance body.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/partnership/bodies/{id}",
        "partnership",
        "One governance body."
    ),
    op!(
        "put",
        "/partnership/bodies/{id}",
        "partnership",
        "Change a governance body at the version read.",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/partnership/bodies/{id}",
        "partnership",
        "Delete a governance body."
    ),
    op!(
        "get",
        "/partnership/body-meetings",
        "partnership",
        "Meetings of the governance bodies with agenda, minutes and decisions."
    ),
    op!(
        "post",
        "/partnership/body-meetings",
        "partnership",
        "Create a meeting of a body.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/partnership/body-meetings/{id}",
        "partnership",
        "One meeting of a body."
    ),
    op!(
        "put",
        "/partnership/body-meetings/{id}",
        "partnership",
        "Change a meeting of a body at the version read.",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/partnership/body-meetings/{id}",
        "partnership",
        "Delete a meeting of a body."
    ),
    op!(
        "get",
        "/partnership/collaboration-forms",
        "partnership",
        "Collaboration forms with their activity logs."
    ),
    op!(
        "post",
        "/partnership/collaboration-forms",
        "partnership",
        "Create a collaboration form.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/partnership/collaboration-forms/{id}",
        "partnership",
        "One collaboration form."
    ),
    op!(
        "put",
        "/partnership/collaboration-forms/{id}",
        "partnership",
        "Change a collaboration form at the version read.",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/partnership/collaboration-forms/{id}",
        "partnership",
        "Delete a collaboration form."
    ),
    op!(
        "get",
        "/partnership/commitment-plans",
        "partnership",
        "Commitment plans (åtagandeplaner), one per year."
    ),
    op!(
        "post",
        "/partnership/commitment-plans",
        "partnership",
        "Create a commitment plan (checked against the current agreement; one per year).",
        &[],
        JSON
    ),
    op!(
        "get",
        "/partnership/commitment-plans/{id}",
        "partnership",
        "One commitment plan."
    ),
    op!(
        "put",
        "/partnership/commitment-plans/{id}",
        "partnership",
        "Change a commitment plan at the version read (checked against the current agreement; one per year).",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/partnership/commitment-plans/{id}",
        "partnership",
        "Delete a commitment plan."
    ),
    op!(
        "get",
        "/partnership/citizen-promises",
        "partnership",
        "Citizen promises (medborgarlöften)."
    ),
    op!(
        "post",
        "/partnership/citizen-promises",
        "partnership",
        "Create a citizen promise.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/partnership/citizen-promises/{id}",
        "partnership",
        "One citizen promise."
    ),
    op!(
        "put",
        "/partnership/citizen-promises/{id}",
        "partnership",
        "Change a citizen promise at the version read.",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/partnership/citizen-promises/{id}",
        "partnership",
        "Delete a citizen promise."
    ),
    op!(
        "get",
        "/partnership/law-decisions",
        "partnership",
        "Decisions on the law's lägesbild and åtgärdsplan (decided by, date, diarienummer)."
    ),
    op!(
        "post",
        "/partnership/law-decisions",
        "partnership",
        "Record a decision on the lägesbild or the åtgärdsplan; the calendar counts the next lägesbild from the last decided one.",
        &[],
        JSON
    ),
    op!(
        "get",
        "/partnership/law-decisions/{id}",
        "partnership",
        "One decision."
    ),
    op!(
        "put",
        "/partnership/law-decisions/{id}",
        "partnership",
        "Change a decision at the version read.",
        &[],
        JSON
    ),
    op!(
        "delete",
        "/partnership/law-decisions/{id}",
        "partnership",
        "Delete a decision."
    ),
    op!(
        "get",
        "/partnership/communication-plan",
        "partnership",
        "The communication plan."
    ),
    op!(
        "put",
        "/partnership/communication-plan",
        "partnership",
        "Create the communication plan (version 0) or change it (its version).",
        &[],
        JSON
    ),
    op!(
        "post",
        "/import/polisen",
        "transfer",
        "Import Polisen's events JSON (all or nothing).",
        &[],
        JSON
    ),
    op!(
        "post",
        "/import/csv",
        "transfer",
        "Import a Swedish Excel CSV (all or nothing, errors by line).",
        IMPORT_FILE,
        Some("text/csv")
    ),
    op!(
        "post",
        "/import/geojson",
        "transfer",
        "Import GeoJSON points (all or nothing, errors by feature).",
        IMPORT_FILE,
        Some("application/geo+json")
    ),
    op!(
        "post",
        "/import/areas",
        "transfer",
        "Import areas: GeoJSON, GeoPackage or GeoParquet.",
        &["name_property", "code_property", "kind"],
        Some("application/octet-stream")
    ),
    op!(
        "get",
        "/indicators",
        "indicators",
        "Stored indicator values (surveys, population) with their intervals, and every series.",
        &["indicator", "source", "area", "period"]
    ),
    op!(
        "post",
        "/indicators/import",
        "indicators",
        "Import indicator values, all or nothing; the same file again changes nothing.",
        &["format"],
        Some("application/octet-stream")
    ),
    op!(
        "delete",
        "/indicators",
        "indicators",
        "Delete a dataset: every value of one indicator from one source.",
        &["indicator", "source"]
    ),
    op!(
        "get",
        "/export/incidents.csv",
        "transfer",
        "The filter's incidents as Excel CSV (; UTF-8 BOM, decimal comma).",
        FILTER
    ),
    op!(
        "get",
        "/export/incidents.geojson",
        "transfer",
        "The filter's incidents as GeoJSON (WGS84).",
        FILTER
    ),
];

/// Every operation of the public API, `/api/public/v1`: the public map's publication, for
/// everyone without signing in (answers carry `Cache-Control: public`).
pub const PUBLIC_OPERATIONS: &[Operation] = &[
    op!(
        "get",
        "/karta",
        "public",
        "The public map's publication: months, groups, areas and every published cell (count, or suppressed: fewer than k). No sign-in."
    ),
    op!(
        "get",
        "/karta.csv",
        "public",
        "Every published cell as Excel CSV (; UTF-8 BOM); a suppressed count is empty and flagged. No sign-in."
    ),
    op!(
        "get",
        "/karta.geojson",
        "public",
        "The areas' boundaries (WGS84) with one month's and group's published count each: the map's layer. No sign-in.",
        &["month", "group"]
    ),
];

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    let signed = OPERATIONS.iter().map(|op| ("/api/v1", op));
    let public = PUBLIC_OPERATIONS.iter().map(|op| ("/api/public/v1", op));
    for (prefix, op) in signed.chain(public) {
        let mut params: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }))
            .collect();
        params.extend(op.query.iter().map(|&name| {
            let mut p = if REPEATABLE.contains(&name) {
                json!({ "name": name, "in": "query", "required": false, "style": "form", "explode": true,
                        "schema": { "type": "array", "items": { "type": "string" } } })
            } else {
                json!({ "name": name, "in": "query", "required": false, "schema": { "type": "string" } })
            };
            if let Some((_, text)) = PARAMETERS.iter().find(|(n, _)| *n == name) {
                p["description"] = json!(text);
            }
            p
        }));
        let mut operation = json!({
            "tags": [op.tag],
            "summary": op.summary,
            "operationId": format!("{}{}{}", op.method, if prefix == "/api/v1" { "" } else { "_public" }, op.path.replace(['/', '{', '}', '.', '-'], "_")),
            "parameters": params,
            "responses": {
                "200": { "description": "OK" },
                "400": { "$ref": "#/components/responses/Error" },
                "401": { "$ref": "#/components/responses/Error" },
                "403": { "$ref": "#/components/responses/Error" },
                "404": { "$ref": "#/components/responses/Error" },
                "409": { "$ref": "#/components/responses/Error" },
                "422": { "$ref": "#/components/responses/Error" },
            },
        });
        if let Some(media) = op.body {
            operation["requestBody"] = json!({ "required": true, "content": { media: {} } });
        }
        if prefix != "/api/v1" {
            operation["security"] = json!([]);
        }
        let item = paths
            .entry(format!("{prefix}{}", op.path))
            .or_insert_with(|| json!({}));
        item[op.method] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "trygg API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of trygg, the working platform of a municipality–police crime-prevention partnership. Authenticate with 'Authorization: Bearer TOKEN' (an API token) or a browser session; session writes need the X-CSRF-Token header. Without either, every /api/v1 path answers 401; the public map's /api/public/v1 paths need neither. Errors are {\"error\": {\"code\", \"message\", \"field\"?}}.",
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "session": { "type": "apiKey", "in": "cookie", "name": crate::session::COOKIE },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": { "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": { "type": "string" },
                            "message": { "type": "string" },
                            "field": { "type": "string" },
                        },
                    } },
                },
            },
            "responses": {
                "Error": {
                    "description": "A stable code and a message saying what to fix.",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
                },
            },
        },
    })
}

/// `GET /api/openapi.json` (public, like any API description).
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(|| async { Json(document()) }))
}
