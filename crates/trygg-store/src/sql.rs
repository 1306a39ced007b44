//! SQL shared by both backends.
//!
//! Both schemas use the same table and column names and store times as integer Unix seconds
//! (UTC), so row decoding and filter building are written once here, generic over the sqlx
//! driver. What differs per backend — DDL, bulk insert, JSON casts — stays in the backend crates.

use std::borrow::Cow;

use jiff::Timestamp;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, QueryBuilder, Row, Type,
    error::BoxDynError,
    migrate::{Migration, MigrationSource, MigrationType, Migrator},
};
use trygg_domain::{
    Actor, Area, AreaId, AreaKind, AuditEvent, AuditId, Channel, Incident, IncidentFilter,
    IncidentId, OrgKind, Organisation, OrganisationId, PlaceType, Position, Precision, ReportId,
    Role, Scope, User, UserId, Visibility,
};

use crate::{Result, StoreError};

/// A migration compiled into the binary: `(version, description, sql)`.
pub type EmbeddedMigration = (i64, &'static str, &'static str);

/// A migration source over migrations embedded with `include_str!`, so the binary needs no
/// files at run time.
#[derive(Debug, Clone, Copy)]
pub struct Embedded(pub &'static [EmbeddedMigration]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> futures_core::future::BoxFuture<'s, std::result::Result<Vec<Migration>, BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(version, description, sql)| {
                    Migration::new(
                        version,
                        Cow::Borrowed(description),
                        MigrationType::Simple,
                        Cow::Borrowed(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The migrator for a backend's embedded migrations.
pub async fn migrator(migrations: &'static [EmbeddedMigration]) -> Result<Migrator> {
    Migrator::new(Embedded(migrations))
        .await
        .map_err(|e| StoreError::Database(e.into()))
}

/// The incident columns, in the order [`incident_from_row`] reads them.
pub const INCIDENT_COLUMNS: &str = "id, occurred_from, occurred_to, reported_at, category, \
    place_type, lat, lon, n, e, precision, place, source_org, channel, external_id, \
    description, visibility, report_id, created_by";

/// Drops sub-second precision: incidents are stored in whole seconds.
pub fn whole_seconds(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second()).unwrap_or(t)
}

/// Unix seconds to a timestamp.
pub fn ts(secs: i64) -> Result<Timestamp> {
    Timestamp::from_second(secs).map_err(|e| StoreError::Corrupt(format!("time {secs}: {e}")))
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} {value:?}"))
}

/// Decodes one incident row (without its areas, which the caller adds).
pub fn incident_from_row<'r, R>(row: &'r R) -> Result<Incident>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    f64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let opt_str = |c: &'static str| row.try_get::<Option<String>, _>(c);
    let position = match (
        row.try_get::<Option<f64>, _>("lat")?,
        row.try_get::<Option<f64>, _>("lon")?,
        row.try_get::<Option<f64>, _>("n")?,
        row.try_get::<Option<f64>, _>("e")?,
        opt_str("precision")?,
    ) {
        (Some(lat), Some(lon), Some(n), Some(e), Some(p)) => Some(Position {
            lat,
            lon,
            n,
            e,
            precision: Precision::parse(&p).ok_or_else(|| corrupt("precision", &p))?,
        }),
        _ => None,
    };
    let channel: String = row.try_get("channel")?;
    let visibility: String = row.try_get("visibility")?;
    Ok(Incident {
        id: IncidentId(row.try_get("id")?),
        occurred_from: ts(row.try_get("occurred_from")?)?,
        occurred_to: ts(row.try_get("occurred_to")?)?,
        reported_at: ts(row.try_get("reported_at")?)?,
        category: row.try_get("category")?,
        place_type: match opt_str("place_type")? {
            Some(p) => Some(PlaceType::parse(&p).ok_or_else(|| corrupt("place type", &p))?),
            None => None,
        },
        position,
        place: opt_str("place")?,
        areas: Vec::new(),
        source_org: OrganisationId(row.try_get("source_org")?),
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        external_id: opt_str("external_id")?,
        description: opt_str("description")?,
        visibility: Visibility::parse(&visibility)
            .ok_or_else(|| corrupt("visibility", &visibility))?,
        report_id: row.try_get::<Option<i64>, _>("report_id")?.map(ReportId),
        created_by: row.try_get::<Option<i64>, _>("created_by")?.map(UserId),
    })
}

/// Decodes an organisation row (`id, name, kind, parent_id`).
pub fn organisation_from_row<'r, R>(row: &'r R) -> Result<Organisation>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    Ok(Organisation {
        id: OrganisationId(row.try_get("id")?),
        name: row.try_get("name")?,
        kind: OrgKind::parse(&kind).ok_or_else(|| corrupt("organisation kind", &kind))?,
        parent_id: row
            .try_get::<Option<i64>, _>("parent_id")?
            .map(OrganisationId),
    })
}

/// The user columns [`user_from_row`] reads.
pub const USER_COLUMNS: &str = "users.id, users.email, users.display_name, users.organisation_id, users.roles, users.disabled_at";

/// Decodes a user row; roles are stored comma-separated.
pub fn user_from_row<'r, R>(row: &'r R) -> Result<User>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database>,
{
    let roles: String = row.try_get("roles")?;
    let disabled: Option<i64> = row.try_get("disabled_at")?;
    Ok(User {
        id: UserId(row.try_get("id")?),
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        organisation_id: OrganisationId(row.try_get("organisation_id")?),
        roles: roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| Role::parse(r).ok_or_else(|| corrupt("role", r)))
            .collect::<Result<_>>()?,
        disabled: disabled.is_some(),
    })
}

/// Roles in their stored form.
pub fn roles_to_storage(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Decodes an area row (`id, name, code, kind, geometry` with geometry as GeoJSON text).
pub fn area_from_row<'r, R>(row: &'r R) -> Result<Area>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let kind: String = row.try_get("kind")?;
    let geometry: String = row.try_get("geometry")?;
    Ok(Area {
        id: AreaId(row.try_get("id")?),
        name: row.try_get("name")?,
        code: row.try_get("code")?,
        kind: AreaKind::parse(&kind).ok_or_else(|| corrupt("area kind", &kind))?,
        geometry: serde_json::from_str(&geometry)
            .map_err(|e| StoreError::Corrupt(format!("area geometry: {e}")))?,
    })
}

/// Decodes an audit row (`id, at, actor, action, entity, entity_id, before, after`, the last
/// two as JSON text).
pub fn audit_from_row<'r, R>(row: &'r R) -> Result<AuditEvent>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    String: Decode<'r, R::Database> + Type<R::Database>,
{
    let json = |c: &'static str| -> Result<Option<serde_json::Value>> {
        row.try_get::<Option<String>, _>(c)?
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("audit {c}: {e}")))
    };
    let actor: String = row.try_get("actor")?;
    Ok(AuditEvent {
        id: AuditId(row.try_get("id")?),
        at: Timestamp::from_microsecond(row.try_get("at")?)
            .map_err(|e| StoreError::Corrupt(format!("audit time: {e}")))?,
        actor: Actor::from_storage(&actor).ok_or_else(|| corrupt("actor", &actor))?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        before: json("before")?,
        after: json("after")?,
    })
}

/// Appends ` WHERE …` for `filter` (always at least `WHERE 1=1`), binding every value.
pub fn push_incident_filter<'a, DB>(qb: &mut QueryBuilder<'a, DB>, filter: &IncidentFilter)
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
{
    qb.push(" WHERE 1=1");
    if let Some(from) = filter.from {
        qb.push(" AND occurred_from >= ")
            .push_bind(from.as_second());
    }
    if let Some(to) = filter.to {
        qb.push(" AND occurred_from < ").push_bind(to.as_second());
    }
    if !filter.categories.is_empty() {
        qb.push(" AND category IN (");
        let mut list = qb.separated(", ");
        for c in &filter.categories {
            list.push_bind(c.clone());
        }
        qb.push(")");
    }
    if !filter.channels.is_empty() {
        qb.push(" AND channel IN (");
        let mut list = qb.separated(", ");
        for c in &filter.channels {
            list.push_bind(c.as_str().to_string());
        }
        qb.push(")");
    }
    if !filter.organisations.is_empty() {
        qb.push(" AND source_org IN (");
        let mut list = qb.separated(", ");
        for o in &filter.organisations {
            list.push_bind(o.0);
        }
        qb.push(")");
    }
    if !filter.areas.is_empty() {
        qb.push(" AND id IN (SELECT incident_id FROM incident_areas WHERE area_id IN (");
        let mut list = qb.separated(", ");
        for a in &filter.areas {
            list.push_bind(a.0);
        }
        qb.push("))");
    }
    if let Some(u) = filter.created_by {
        qb.push(" AND created_by = ").push_bind(u.0);
    }
    push_scope(qb, filter.scope);
}

/// Appends ` AND …` restricting incidents to what `scope` may see.
pub fn push_scope<'a, DB>(qb: &mut QueryBuilder<'a, DB>, scope: Scope)
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
{
    match scope {
        Scope::Shared => {
            qb.push(" AND visibility = 'shared'");
        }
        Scope::Organisation(org) => {
            qb.push(" AND (visibility = 'shared' OR source_org = ")
                .push_bind(org.0)
                .push(")");
        }
        Scope::All => {}
    }
}

/// The stored columns of an incident, in insert order ([`INCIDENT_COLUMNS`] without `id`);
/// [`incident_values`] gives a row's values in the same order.
pub const INCIDENT_FIELDS: [&str; 18] = [
    "occurred_from",
    "occurred_to",
    "reported_at",
    "category",
    "place_type",
    "lat",
    "lon",
    "n",
    "e",
    "precision",
    "place",
    "source_org",
    "channel",
    "external_id",
    "description",
    "visibility",
    "report_id",
    "created_by",
];

/// The fields an update may change: all but the identity (`source_org`, `channel`,
/// `external_id`), which picks the row.
pub fn updatable_field(name: &str) -> bool {
    !matches!(name, "source_org" | "channel" | "external_id")
}

/// One value to bind, borrowed from the incident, typed also when NULL (PostgreSQL infers a
/// parameter's type from the value sent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// INTEGER / BIGINT.
    Int(Option<i64>),
    /// REAL / DOUBLE PRECISION.
    Real(Option<f64>),
    /// TEXT.
    Text(Option<&'a str>),
}

/// The row of a validated incident, in [`INCIDENT_FIELDS`] order; `now` fills a missing
/// `reported_at`. The one mapping from the domain to the stored row: every write path (the
/// generic multi-row INSERT, updates, SQLite's bulk path) binds these.
pub fn incident_values(i: &trygg_domain::NewIncident, now: Timestamp) -> [Value<'_>; 18] {
    let p = i.position.as_ref();
    [
        Value::Int(Some(i.occurred_from.as_second())),
        Value::Int(Some(i.occurred_to_or_from().as_second())),
        Value::Int(Some(i.reported_at.unwrap_or(now).as_second())),
        Value::Text(Some(i.category.as_str())),
        Value::Text(i.place_type.map(|t| t.as_str())),
        Value::Real(p.map(|p| p.lat)),
        Value::Real(p.map(|p| p.lon)),
        Value::Real(p.map(|p| p.n)),
        Value::Real(p.map(|p| p.e)),
        Value::Text(p.map(|p| p.precision.as_str())),
        Value::Text(i.place.as_deref()),
        Value::Int(Some(i.source_org.0)),
        Value::Text(Some(i.channel.as_str())),
        Value::Text(i.external_id.as_deref()),
        Value::Text(i.description.as_deref()),
        Value::Text(Some(i.visibility.as_str())),
        Value::Int(i.report_id.map(|r| r.0)),
        Value::Int(i.created_by.map(|u| u.0)),
    ]
}

/// From this many new incidents in one batch on, a backend may suspend and rebuild its
/// secondary indexes around the insert (inside the same transaction).
pub const BULK_ROWS: usize = 50_000;

/// How many incident rows go in one multi-row INSERT (18 values each; SQLite allows 32 766
/// bound values per statement, PostgreSQL 65 535).
pub const INSERT_CHUNK: usize = 500;

/// The stored form of a new incident with its id and areas, as the store will read it back.
pub fn incident_from_new(
    id: i64,
    i: &trygg_domain::NewIncident,
    areas: &[AreaId],
    now: Timestamp,
) -> Incident {
    let mut areas = areas.to_vec();
    areas.sort();
    areas.dedup();
    Incident {
        id: IncidentId(id),
        occurred_from: whole_seconds(i.occurred_from),
        occurred_to: whole_seconds(i.occurred_to_or_from()),
        reported_at: whole_seconds(i.reported_at.unwrap_or(now)),
        category: i.category.clone(),
        place_type: i.place_type,
        position: i.position,
        place: i.place.clone(),
        areas,
        source_org: i.source_org,
        channel: i.channel,
        external_id: i.external_id.clone(),
        description: i.description.clone(),
        visibility: i.visibility,
        report_id: i.report_id,
        created_by: i.created_by,
    }
}

/// Maps a database error on insert to a conflict or a missing reference the user can act on,
/// in our words: the database's own text (table and column names, SQL) stays in the log.
pub fn classify(entity: &'static str, e: sqlx::Error) -> StoreError {
    if let Some(db) = e.as_database_error() {
        // SQLite names the columns in its message, PostgreSQL the index in `constraint`.
        let said = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
        if db.is_unique_violation() {
            let message = if said.contains("external_id") {
                format!(
                    "A {entity} with this external_id already exists from the same source and channel. \
                     Send a new external_id, or leave it out if the source has none."
                )
            } else if said.contains("email") {
                format!(
                    "A {entity} with this e-mail address already exists. Use another address, or change the existing {entity}."
                )
            } else if said.contains("name") {
                format!("A {entity} with this name already exists. Choose another name.")
            } else {
                format!(
                    "This {entity} already exists. Change the value that must be unique and try again."
                )
            };
            return StoreError::Conflict(message);
        }
        if db.is_foreign_key_violation() {
            return StoreError::NotFound {
                entity: "referenced row",
                id: format!("for the {entity} (an id it names does not exist)"),
            };
        }
    }
    StoreError::Database(e)
}

/// Prefixes a validation error's field with the incident's index in a batch.
pub fn in_batch(index: usize, mut e: trygg_domain::ValidationError) -> StoreError {
    e.field = format!("incidents[{index}].{}", e.field);
    StoreError::Invalid(e)
}

/// `{head} VALUES ($1, …, $w), (…), … {tail}` for `rows` rows of `width` values: the same text
/// for the same size, so each connection prepares a statement once and then reuses it from its
/// statement cache (multi-row inserts in same-size chunks).
///
/// `numbered = false` writes anonymous `?` placeholders instead, for SQLite: binding `$n` there
/// looks every parameter's name up in a list, quadratic in a statement's parameter count.
pub fn values_sql(head: &str, width: usize, rows: usize, tail: &str, numbered: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(head.len() + tail.len() + rows * width * 7 + 16);
    s.push_str(head);
    s.push_str(" VALUES ");
    let mut n = 0;
    for r in 0..rows {
        s.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            n += 1;
            s.push_str(if c == 0 { "" } else { ", " });
            if numbered {
                let _ = write!(s, "${n}");
            } else {
                s.push('?');
            }
        }
        s.push(')');
    }
    s.push_str(tail);
    s
}

/// Runs two futures concurrently on this task. A write runs on the database's side (SQLite's
/// worker thread, PostgreSQL's server) while `b` prepares the next chunk's arguments.
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            ra = Some(v);
        }
        if rb.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            rb = Some(v);
        }
        match (ra.is_some(), rb.is_some()) {
            (true, true) => Poll::Ready((ra.take().expect("ready"), rb.take().expect("ready"))),
            _ => Poll::Pending,
        }
    })
    .await
}

/// The analysis row of a written incident, exactly as [`crate::Store::analysis_rows`] reads it
/// back (`areas` ascending, without duplicates).
pub fn analysis_row(
    id: i64,
    i: &trygg_domain::NewIncident,
    areas: &[AreaId],
) -> crate::AnalysisRow {
    let mut areas = areas.to_vec();
    areas.sort();
    areas.dedup();
    crate::AnalysisRow {
        id: IncidentId(id),
        occurred_from: i.occurred_from.as_second(),
        occurred_to: i.occurred_to_or_from().as_second(),
        category: i.category.clone(),
        position: i.position.map(|p| (p.n, p.e, p.precision)),
        channel: i.channel,
        source_org: i.source_org,
        visibility: i.visibility,
        areas,
    }
}

/// The one read that streams the analysis columns of every incident: one result row per
/// (incident, area), by id, the links in the index's (incident_id, area_id) order. Columns in
/// the order of [`AnalysisScanRow`]'s fields.
pub const ANALYSIS_SCAN: &str = analysis_scan!(" ORDER BY i.id, l.area_id");
/// [`ANALYSIS_SCAN`] without its ORDER BY, for a read of chosen ids (`WHERE i.id IN …`), which
/// appends [`ANALYSIS_ORDER`] after its condition.
pub const ANALYSIS_SELECT: &str = analysis_scan!("");
/// The order of [`ANALYSIS_SCAN`].
pub const ANALYSIS_ORDER: &str = " ORDER BY i.id, l.area_id";

macro_rules! analysis_scan {
    ($tail:literal) => {
        concat!(
            "SELECT i.id, i.occurred_from, i.occurred_to, i.category, i.n, i.e, i.precision, ",
            "i.channel, i.source_org, i.visibility, l.area_id ",
            "FROM incidents i LEFT JOIN incident_areas l ON l.incident_id = i.id",
            $tail
        )
    };
}
use analysis_scan;

/// One result row of [`ANALYSIS_SCAN`], borrowed from the driver.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisScanRow<'a> {
    /// Incident id.
    pub id: i64,
    /// Window start, Unix seconds.
    pub occurred_from: i64,
    /// Window end, Unix seconds.
    pub occurred_to: i64,
    /// Category code.
    pub category: &'a str,
    /// Northing, SWEREF 99 TM.
    pub n: Option<f64>,
    /// Easting.
    pub e: Option<f64>,
    /// Position precision.
    pub precision: Option<&'a str>,
    /// Channel.
    pub channel: &'a str,
    /// Source organisation.
    pub source_org: i64,
    /// Visibility.
    pub visibility: &'a str,
    /// One area the incident lies in, if any.
    pub area: Option<i64>,
}

/// Folds [`ANALYSIS_SCAN`]'s rows into one [`AnalysisRow`](crate::AnalysisRow) per incident.
#[derive(Debug, Default)]
pub struct AnalysisFold {
    current: Option<crate::AnalysisRow>,
}

impl AnalysisFold {
    /// Takes the next result row; hands a finished incident to `each`.
    pub fn push(
        &mut self,
        r: AnalysisScanRow<'_>,
        each: &mut (dyn FnMut(crate::AnalysisRow) -> Result<()> + Send),
    ) -> Result<()> {
        use trygg_domain::{AreaId, Channel, IncidentId, OrganisationId, Precision, Visibility};
        if let Some(c) = self.current.as_mut().filter(|c| c.id.0 == r.id) {
            c.areas.extend(r.area.map(AreaId));
            return Ok(());
        }
        if let Some(done) = self.current.take() {
            each(done)?;
        }
        let id = r.id;
        let bad = |what: &str, v: &str| {
            StoreError::Corrupt(format!("incident {id}: unknown {what} {v:?}"))
        };
        let position = match (r.n, r.e, r.precision) {
            (Some(n), Some(e), Some(p)) => Some((
                n,
                e,
                Precision::parse(p).ok_or_else(|| bad("precision", p))?,
            )),
            _ => None,
        };
        self.current = Some(crate::AnalysisRow {
            id: IncidentId(id),
            occurred_from: r.occurred_from,
            occurred_to: r.occurred_to,
            category: r.category.to_owned(),
            position,
            channel: Channel::parse(r.channel).ok_or_else(|| bad("channel", r.channel))?,
            source_org: OrganisationId(r.source_org),
            visibility: Visibility::parse(r.visibility)
                .ok_or_else(|| bad("visibility", r.visibility))?,
            areas: r.area.map(AreaId).into_iter().collect(),
        });
        Ok(())
    }

    /// Hands the last incident to `each`.
    pub fn finish(
        self,
        each: &mut (dyn FnMut(crate::AnalysisRow) -> Result<()> + Send),
    ) -> Result<()> {
        match self.current {
            Some(done) => each(done),
            None => Ok(()),
        }
    }
}
