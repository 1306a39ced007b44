//! Incidents as people ask for them: the filter of the list, the export, the statistics and
//! the dashboard's panels, read the same way by every door.

use std::collections::HashSet;

use serde::Deserialize;
use trygg_domain::{
    AreaId, Channel, Incident, IncidentFilter, IncidentId, NewIncident, OrganisationId, Page,
    Permission, Report, ReportId, Taxonomy,
};

use crate::{App, AppError, Principal, time::parse_time};

/// Query parameters of `GET /api/v1/incidents`. Lists are comma-separated.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    /// Period start (inclusive): a date, local time or timestamp.
    pub from: Option<String>,
    /// Period end (exclusive).
    pub to: Option<String>,
    /// Category codes or group codes.
    pub category: Option<String>,
    /// Area ids.
    pub area: Option<String>,
    /// Channels (`est`, `polisen`, `import`, `api`) or organisation ids.
    pub source: Option<String>,
    /// Page size (default 100, at most 1000).
    pub limit: Option<u32>,
    /// Page offset.
    pub offset: Option<u64>,
}

fn items(s: &Option<String>) -> impl Iterator<Item = &str> {
    s.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

impl IncidentQuery {
    /// The store filter this query means, read in time zone `tz`, for a reader with `scope`.
    pub fn filter(
        &self,
        tz: &jiff::tz::TimeZone,
        scope: trygg_domain::Scope,
    ) -> Result<IncidentFilter, AppError> {
        let time = |field: &str, v: &Option<String>| {
            v.as_deref()
                .map(|s| parse_time(s, tz).map_err(|m| AppError::param(field, m)))
                .transpose()
        };
        let mut filter = IncidentFilter {
            from: time("from", &self.from)?,
            to: time("to", &self.to)?,
            scope,
            limit: self.limit.unwrap_or(0),
            offset: self.offset.unwrap_or(0),
            ..Default::default()
        };
        for code in items(&self.category) {
            if Taxonomy.get(code).is_none() {
                return Err(AppError::param(
                    "category",
                    format!(
                        "Unknown category {code:?}. See the category list (GET /api/v1/categories)."
                    ),
                ));
            }
            filter
                .categories
                .extend(Taxonomy.expand(code).into_iter().map(String::from));
        }
        for a in items(&self.area) {
            let id = a
                .parse()
                .map_err(|_| AppError::param("area", format!("{a:?} is not an area id.")))?;
            filter.areas.push(AreaId(id));
        }
        for s in items(&self.source) {
            if let Some(c) = Channel::parse(s) {
                filter.channels.push(c);
            } else if let Ok(id) = s.parse() {
                filter.organisations.push(OrganisationId(id));
            } else {
                return Err(AppError::param(
                    "source",
                    format!(
                        "{s:?} is neither a channel (est, polisen, import, api, tips) nor an organisation id."
                    ),
                ));
            }
        }
        Ok(filter)
    }
}

/// Hides who filed an incident from everyone but administrators and the filer themselves.
pub fn redact(who: &Principal, mut i: Incident) -> Incident {
    if !who.sees_filer(i.created_by) {
        i.created_by = None;
    }
    i
}

/// The reports and incidents the principal filed themselves.
pub async fn own_filed(
    app: &App,
    who: &Principal,
) -> Result<(HashSet<ReportId>, HashSet<IncidentId>), AppError> {
    let filter = IncidentFilter {
        created_by: Some(who.id()),
        scope: who.scope(),
        ..Default::default()
    };
    let mine = app.store.list_all_incidents(&filter).await?;
    Ok((
        mine.iter().filter_map(|i| i.report_id).collect(),
        mine.iter().map(|i| i.id).collect(),
    ))
}

/// Narrows a filter to what the principal may list: the whole scope for those who read the
/// lägesbild, only their own reports for a reporter, nothing for anyone else.
fn readable(who: &Principal, mut filter: IncidentFilter) -> Result<IncidentFilter, AppError> {
    filter.scope = who.scope();
    if who.may(Permission::ReadPicture) {
        return Ok(filter);
    }
    who.check(Permission::ReadOwnReports)?;
    filter.created_by = Some(who.id());
    Ok(filter)
}

/// A page of incidents (the list of the lägesbild, or a reporter's own reports).
pub async fn list(
    app: &App,
    who: &Principal,
    filter: IncidentFilter,
) -> Result<Page<Incident>, AppError> {
    let filter = readable(who, filter)?;
    let mut page = app.store.list_incidents(&filter).await?;
    page.items = page.items.into_iter().map(|i| redact(who, i)).collect();
    Ok(page)
}

/// One incident, if the principal may see it (a reporter: only their own).
pub async fn get(app: &App, who: &Principal, id: IncidentId) -> Result<Incident, AppError> {
    let not_found = || {
        AppError::NotFound(format!(
            "Incident {id} does not exist or is not visible to you."
        ))
    };
    let all = who.may(Permission::ReadPicture);
    if !all {
        who.check(Permission::ReadOwnReports)?;
    }
    let i = app
        .store
        .get_incident(id, who.scope())
        .await?
        .ok_or_else(not_found)?;
    if !all && i.created_by != Some(who.id()) {
        return Err(not_found());
    }
    Ok(redact(who, i))
}

/// Every incident the filter matches, for an export (needs [`Permission::ExportIncidents`]).
pub async fn export(
    app: &App,
    who: &Principal,
    mut filter: IncidentFilter,
) -> Result<Vec<Incident>, AppError> {
    who.check(Permission::ExportIncidents)?;
    filter.scope = who.scope();
    Ok(app
        .store
        .list_all_incidents(&filter)
        .await?
        .into_iter()
        .map(|i| redact(who, i))
        .collect())
}

/// Registers one incident through the API, as the principal's organisation's.
pub async fn create(
    app: &App,
    who: &Principal,
    mut incident: NewIncident,
) -> Result<Incident, AppError> {
    who.check(Permission::CreateIncident)?;
    incident.source_org = who.organisation();
    incident.created_by = Some(who.id());
    let created = app.ingest.create(&who.actor(), incident).await?;
    Ok(redact(who, created))
}

/// Files an EST report with its events (all or nothing), as the principal's.
pub async fn file_report(
    app: &App,
    who: &Principal,
    mut events: Vec<NewIncident>,
) -> Result<(Report, Vec<Incident>), AppError> {
    who.check(Permission::FileReport)?;
    for e in &mut events {
        e.source_org = who.organisation();
        e.created_by = Some(who.id());
        e.channel = Channel::Est;
    }
    Ok(app
        .ingest
        .report(&who.actor(), who.organisation(), who.id(), events)
        .await?)
}
