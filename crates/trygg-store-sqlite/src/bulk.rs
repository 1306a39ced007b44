//! SQLite's bulk insert: a large batch of new incidents written through the connection's own
//! SQLite handle ([`crate::raw`]) with two prepared single-row statements, instead of sqlx's
//! multi-row INSERTs.
//!
//! Where a million-row import's time went before, and what replaced it:
//! - sqlx runs every statement on its worker thread and copies each bound value twice on the
//!   way; here the values are bound straight from the incidents, without a copy
//!   ([`sql::incident_values`], the mapping every write path uses);
//! - SQLite checked four foreign keys and three CHECK constraints per row (the `IN` list of
//!   `precision` builds a temporary index per row); here the references are checked once per
//!   distinct row ([`References`]) and the CHECKs hold by construction;
//! - the links were inserted all over their table; here they are sorted into its key order.
//!
//! The work runs on the calling task in chunks, releasing the handle and yielding between
//! them. It runs inside the caller's transaction (`BEGIN IMMEDIATE`, which holds the write
//! lock): a failure anywhere rolls everything back with the transaction, as on the generic path.

use jiff::Timestamp;
use sqlx::{SqliteConnection, sqlite::LockedSqliteHandle};
use trygg_store::{AssignedIncident, Result, StoreError, sql};

use crate::raw::{Handle, RawError};

/// Rows written per hold of the handle: a few tens of milliseconds of work.
const CHUNK: usize = 20_000;

/// Inserts `incidents` with consecutive ids from the largest stored id + 1 (the caller holds
/// the write lock), then their area links; returns the ids in input order.
///
/// SQLite's per-row constraint work is replaced by checks over the whole batch, because for a
/// million rows it is a third of the insert's cost. The rows are written with enforcement
/// switched off for the connection (and on again before the handle is released, also when a
/// write fails); then every organisation, report, user and area they refer to is checked once
/// ([`References::check`]), before the caller commits, so a dangling reference fails the whole
/// transaction as the foreign keys would. The links point at the incidents written here, and
/// the CHECK constraints hold by construction (validated incidents; precision and visibility
/// come from the domain's enums).
pub(crate) async fn insert_incidents(
    conn: &mut SqliteConnection,
    incidents: &[&AssignedIncident],
    at: Timestamp,
) -> Result<Vec<i64>> {
    let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM incidents")
        .fetch_one(&mut *conn)
        .await?;
    let first = max.unwrap_or(0) + 1;
    let insert = format!(
        "INSERT INTO incidents (id, {}) VALUES ({})",
        sql::INCIDENT_FIELDS.join(", "),
        vec!["?"; sql::INCIDENT_FIELDS.len() + 1].join(", ")
    );
    let mut next = first;
    let mut refs = References::default();
    let mut links: Vec<(i64, i64)> = Vec::with_capacity(incidents.len());
    for chunk in incidents.chunks(CHUNK) {
        let mut handle = conn.lock_handle().await?;
        let written = unchecked(&mut handle, |db| {
            let mut incident = db.prepare(&insert)?;
            for (id, a) in (next..).zip(chunk) {
                let values = sql::incident_values(&a.incident, at);
                incident.execute([sql::Value::Int(Some(id))].iter().chain(&values))?;
                refs.note(a);
                links.extend(a.areas.iter().map(|x| (x.0, id)));
            }
            Ok(())
        });
        drop(handle);
        written.map_err(|e| sql::classify("incident", e.into_sqlx()))?;
        next += chunk.len() as i64;
        tokio::task::yield_now().await;
    }
    // In the link table's key order, so that every insert appends.
    links.sort_unstable();
    links.dedup();
    for chunk in links.chunks(2 * CHUNK) {
        let mut handle = conn.lock_handle().await?;
        let written = unchecked(&mut handle, |db| {
            let mut link =
                db.prepare("INSERT INTO incident_areas (area_id, incident_id) VALUES (?, ?)")?;
            for &(area, incident) in chunk {
                link.execute(&[sql::Value::Int(Some(area)), sql::Value::Int(Some(incident))])?;
            }
            Ok(())
        });
        drop(handle);
        written.map_err(|e| sql::classify("incident area", e.into_sqlx()))?;
        tokio::task::yield_now().await;
    }
    for &(area, _) in &links {
        if refs.areas.last() != Some(&area) {
            refs.areas.push(area);
        }
    }
    refs.check(conn).await?;
    Ok((first..next).collect())
}

/// The rows a batch refers to, each once: what the foreign keys would check row by row.
#[derive(Default)]
struct References {
    organisations: Vec<i64>,
    reports: Vec<i64>,
    users: Vec<i64>,
    areas: Vec<i64>,
}

impl References {
    /// Notes the organisation, report and user an incident refers to. A batch mostly repeats
    /// the same few, so a value equal to the last one noted is skipped at once.
    fn note(&mut self, a: &AssignedIncident) {
        fn push(to: &mut Vec<i64>, id: Option<i64>) {
            if let Some(id) = id
                && to.last() != Some(&id)
            {
                to.push(id);
            }
        }
        let i = &a.incident;
        push(&mut self.organisations, Some(i.source_org.0));
        push(&mut self.reports, i.report_id.map(|r| r.0));
        push(&mut self.users, i.created_by.map(|u| u.0));
    }

    /// Refuses the batch unless every row it refers to exists.
    async fn check(self, conn: &mut SqliteConnection) -> Result<()> {
        for (table, entity, mut ids) in [
            ("organisations", "organisation", self.organisations),
            ("reports", "report", self.reports),
            ("users", "user", self.users),
            ("areas", "area", self.areas),
        ] {
            ids.sort_unstable();
            ids.dedup();
            for part in ids.chunks(1000) {
                let list = vec!["?"; part.len()].join(", ");
                let text = format!("SELECT id FROM {table} WHERE id IN ({list}) ORDER BY id");
                let mut query = sqlx::query_scalar::<_, i64>(&text);
                for id in part {
                    query = query.bind(id);
                }
                let found: Vec<i64> = query.fetch_all(&mut *conn).await?;
                if let Some(missing) = part.iter().find(|id| found.binary_search(id).is_err()) {
                    return Err(StoreError::NotFound {
                        entity,
                        id: missing.to_string(),
                    });
                }
            }
        }
        Ok(())
    }
}

/// Runs `write` on the connection's own handle with foreign-key and CHECK enforcement off,
/// and switches both on again before returning, also when `write` fails (the handle goes back
/// to sqlx's pool as it came).
fn unchecked<T>(
    locked: &mut LockedSqliteHandle<'_>,
    write: impl FnOnce(&Handle<'_>) -> Result<T, RawError>,
) -> Result<T, RawError> {
    struct Enforced<'a, 'h>(&'a Handle<'h>);
    impl Drop for Enforced<'_, '_> {
        fn drop(&mut self) {
            let on = self
                .0
                .set_foreign_keys(true)
                .and_then(|()| self.0.exec("PRAGMA ignore_check_constraints = OFF"));
            if let Err(e) = on {
                // Cannot happen short of memory exhaustion; say so loudly if it does.
                tracing::error!(error = %e, "could not switch constraint enforcement back on");
            }
        }
    }
    let db = Handle::new(locked);
    let _enforced = Enforced(&db);
    db.set_foreign_keys(false)?;
    db.exec("PRAGMA ignore_check_constraints = ON")?;
    write(&db)
}
