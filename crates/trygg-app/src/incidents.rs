//! Incidents as people ask for them: the filter of the list, the export, the statistics and
//! the dashboard's panels, read the same way by every door.

use serde::Deserialize;
use trygg_domain::{AreaId, Channel, IncidentFilter, OrganisationId, Taxonomy};

use crate::{AppError, time::parse_time};

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
                        "{s:?} is neither a channel (est, polisen, import, api) nor an organisation id."
                    ),
                ));
            }
        }
        Ok(filter)
    }
}
