//! The embedded SQLite backend: the default, zero set-up.
//!
//! One file, WAL journal, `synchronous = FULL` (an acknowledged write survives a crash of the
//! process and of the machine), foreign keys on. Writers take the lock at `BEGIN IMMEDIATE`, so
//! concurrent writers queue on the busy timeout instead of failing on a lock upgrade.

mod bulk;
mod raw;

use std::{str::FromStr, time::Duration};

use jiff::Timestamp;
use sqlx::{
    Sqlite, SqlitePool, Transaction,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use trygg_store::{AssignedIncident, Result, StoreError, sql::EmbeddedMigration};

/// Page cache per connection (`PRAGMA cache_size`, negative = KiB).
const CACHE_SIZE: &str = "-65536";

/// Page cache of the connection running a bulk insert, until its indexes are rebuilt: the
/// table and index pages it writes stay in memory and go to the WAL once, at commit, instead
/// of being spilled mid-transaction and read back for the index build. An upper bound (the
/// cache grows with the pages used, about 250 MB for a million incidents).
const BULK_CACHE_SIZE: &str = "-524288";

/// The migrations, in order; compiled into the binary.
pub const MIGRATIONS: &[EmbeddedMigration] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "sessions",
        include_str!("../migrations/0002_sessions.sql"),
    ),
    (3, "cycle", include_str!("../migrations/0003_cycle.sql")),
    (
        4,
        "incident key order",
        include_str!("../migrations/0004_incident_key_order.sql"),
    ),
    (
        5,
        "record visibility",
        include_str!("../migrations/0005_record_visibility.sql"),
    ),
    (
        6,
        "accounts",
        include_str!("../migrations/0006_accounts.sql"),
    ),
    (7, "photos", include_str!("../migrations/0007_photos.sql")),
];

/// trygg's store on SQLite.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://PATH` or
    /// `sqlite::memory:`) and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // 64 MiB of page cache per connection: bulk imports touch index pages all over.
            .pragma("cache_size", CACHE_SIZE)
            .pragma("temp_store", "memory");
        // An in-memory database exists per connection: keep exactly one.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await?;
        trygg_store::sql::migrator(MIGRATIONS)
            .await?
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(e.into()))?;
        tracing::info!(url, "SQLite store ready");
        Ok(Self { pool })
    }

    /// The underlying pool, for benchmarks and maintenance.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// SQLite cannot tell one process of another's commit: readers poll the change feed.
    async fn listen_changes(&self) -> Result<Option<trygg_store::ChangeSignals>> {
        Ok(None)
    }

    /// The start-up scan reads [`sql::ANALYSIS_SCAN`] on the connection's own handle: sqlx
    /// copies every column value of every row out of SQLite (two million rows at a million
    /// incidents, 13 s), where reading them in place takes a second or two. Holds one
    /// connection for the scan, which is one read transaction, so a consistent view.
    async fn scan_analysis(
        &self,
        each: &mut (dyn FnMut(trygg_store::AnalysisRow) -> Result<()> + Send),
    ) -> Result<bool> {
        let mut conn = self.pool.acquire().await?;
        let mut locked = conn.lock_handle().await?;
        let db = raw::Handle::new(&mut locked);
        let mut statement = db.prepare(trygg_store::sql::ANALYSIS_SCAN)?;
        let mut fold = trygg_store::sql::AnalysisFold::default();
        let missing = |c: &str| StoreError::Corrupt(format!("an incident has no {c}"));
        statement.query_each(|r| {
            let text = |i| r.text(i).map_err(StoreError::from);
            fold.push(
                trygg_store::sql::AnalysisScanRow {
                    id: r.int(0).ok_or_else(|| missing("id"))?,
                    occurred_from: r.int(1).ok_or_else(|| missing("occurred_from"))?,
                    occurred_to: r.int(2).ok_or_else(|| missing("occurred_to"))?,
                    category: text(3)?.ok_or_else(|| missing("category"))?,
                    n: r.float(4),
                    e: r.float(5),
                    precision: text(6)?,
                    channel: text(7)?.ok_or_else(|| missing("channel"))?,
                    source_org: r.int(8).ok_or_else(|| missing("source_org"))?,
                    visibility: text(9)?.ok_or_else(|| missing("visibility"))?,
                    area: r.int(10),
                },
                each,
            )
        })?;
        fold.finish(each)?;
        Ok(true)
    }

    /// Bulk loads go through [`bulk::insert_incidents`], with the secondary indexes of the
    /// incident tables dropped and built again afterwards, in the same transaction: building
    /// an index from all rows at once is several times faster than growing it row by row, and
    /// a failed import rolls the drop back too. Meanwhile the connection's page cache is raised
    /// to [`BULK_CACHE_SIZE`], and put back afterwards, also when the insert failed.
    async fn insert_bulk(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        incidents: &[&AssignedIncident],
        at: Timestamp,
    ) -> Result<Option<Vec<i64>>> {
        for (name, _) in BULK_INDEXES {
            sqlx::query(&format!("DROP INDEX {name}"))
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query(&format!("PRAGMA cache_size = {BULK_CACHE_SIZE}"))
            .execute(&mut **tx)
            .await?;
        let mut result = bulk::insert_incidents(tx, incidents, at).await;
        if result.is_ok() {
            for (_, create) in BULK_INDEXES {
                if let Err(e) = sqlx::query(create).execute(&mut **tx).await {
                    result = Err(trygg_store::sql::classify("incident", e));
                    break;
                }
            }
        }
        let restored = sqlx::query(&format!("PRAGMA cache_size = {CACHE_SIZE}"))
            .execute(&mut **tx)
            .await;
        let ids = result?;
        restored?;
        Ok(Some(ids))
    }
}

/// The secondary indexes rebuilt around bulk inserts, exactly as the migrations create them
/// (a test compares them with the schema).
const BULK_INDEXES: &[(&str, &str)] = &[
    (
        "incidents_external_id",
        "CREATE UNIQUE INDEX incidents_external_id ON incidents (external_id, source_org, channel)\n    WHERE external_id IS NOT NULL",
    ),
    (
        "incidents_occurred",
        "CREATE INDEX incidents_occurred ON incidents (occurred_from)",
    ),
    (
        "incident_areas_incident",
        "CREATE INDEX incident_areas_incident ON incident_areas (incident_id)",
    ),
];

impl SqliteStore {}

trygg_store::impl_store!(SqliteStore, ::sqlx::Sqlite, "sqlite");

#[cfg(test)]
mod tests {
    use super::*;
    use trygg_store::Store;

    async fn index_sql(store: &SqliteStore) -> Vec<(String, Option<String>)> {
        sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .fetch_all(store.pool())
            .await
            .unwrap()
    }

    /// A bulk batch suspends and rebuilds the indexes: the schema is the same afterwards, the
    /// rebuilt unique index still refuses duplicates, and reads are right.
    #[tokio::test]
    async fn bulk_writes_rebuild_the_same_indexes() {
        use trygg_domain::{
            Actor, Channel, IncidentFilter, NewOrganisation, OrgKind, OrganisationId, Scope,
        };
        use trygg_store::{AssignedIncident, BatchAudit, conformance::sample_incident};
        let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
        let before = index_sql(&store).await;
        for (name, create) in BULK_INDEXES {
            let stored = before
                .iter()
                .find(|(n, _)| n == name)
                .expect("index exists");
            assert_eq!(
                stored.1.as_deref(),
                Some(*create),
                "BULK_INDEXES must match the migration"
            );
        }
        let actor = Actor::system("test");
        let org = store
            .create_organisation(
                &actor,
                NewOrganisation {
                    name: "P".into(),
                    kind: OrgKind::Lokalpolisomrade,
                    parent_id: None,
                },
            )
            .await
            .unwrap();
        let n = trygg_store::sql::BULK_ROWS + 10;
        let batch: Vec<AssignedIncident> = (0..n)
            .map(|k| {
                let mut i = sample_incident(org.id, "2024-01-01T00:00:00Z", "ordning.brak");
                i.occurred_from += jiff::SignedDuration::from_secs(k as i64 * 60);
                i.channel = Channel::Import;
                i.external_id = Some(format!("K{k}"));
                AssignedIncident {
                    incident: i,
                    areas: vec![],
                }
            })
            .collect();
        let first = batch[0].clone();
        let out = store
            .write_incidents(&actor, batch, BatchAudit::Batch(serde_json::json!({})))
            .await
            .unwrap();
        assert_eq!(out.created as usize, n);
        assert_eq!(
            index_sql(&store).await,
            before,
            "the same indexes afterwards"
        );
        let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(
            cache.to_string(),
            CACHE_SIZE,
            "the page cache size is restored"
        );
        // A bulk batch that fails (an unknown organisation) leaves the schema and the
        // connection's settings as they were, and nothing written.
        let failing: Vec<AssignedIncident> = batch_again(&first, n, OrganisationId(999));
        assert!(
            store
                .write_incidents(&actor, failing, BatchAudit::Batch(serde_json::json!({})))
                .await
                .is_err()
        );
        assert_eq!(index_sql(&store).await, before, "the indexes are back");
        let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(
            cache.to_string(),
            CACHE_SIZE,
            "the page cache size is restored"
        );
        let again = store
            .write_incidents(&actor, vec![first], BatchAudit::Each)
            .await
            .unwrap();
        assert_eq!(
            (again.created, again.unchanged),
            (0, 1),
            "the rebuilt unique index still identifies the event"
        );
        let all = IncidentFilter {
            scope: Scope::All,
            from: Some("2024-01-02T00:00:00Z".parse().unwrap()),
            ..Default::default()
        };
        assert_eq!(
            store.list_incidents(&all).await.unwrap().total as usize,
            n - 24 * 60
        );
    }

    /// `n` copies of `first` with other external ids, filed under `org`.
    fn batch_again(
        first: &trygg_store::AssignedIncident,
        n: usize,
        org: trygg_domain::OrganisationId,
    ) -> Vec<trygg_store::AssignedIncident> {
        (0..n)
            .map(|k| {
                let mut a = first.clone();
                a.incident.source_org = org;
                a.incident.external_id = Some(format!("X{k}"));
                a
            })
            .collect()
    }

    #[tokio::test]
    async fn conformance_in_memory() {
        let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
        trygg_store::conformance::run_all(&store).await;
        let empty = SqliteStore::connect("sqlite::memory:").await.unwrap();
        trygg_store::conformance::check_backup(&store, &empty).await;
    }

    #[tokio::test]
    async fn bulk_batches_read_back_as_written() {
        let dir = std::env::temp_dir().join(format!("trygg-sqlite-bulk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("b.db").display());
        let store = SqliteStore::connect(&url).await.unwrap();
        trygg_store::conformance::check_bulk(&store).await;
        drop(store);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn conformance_on_a_file_survives_reopening() {
        let dir = std::env::temp_dir().join(format!("trygg-sqlite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("t.db").display());
        let store = SqliteStore::connect(&url).await.unwrap();
        trygg_store::conformance::run_all(&store).await;
        drop(store);
        let reopened = SqliteStore::connect(&url).await.unwrap();
        trygg_store::conformance::check_reopened(&reopened).await;
        std::fs::remove_dir_all(&dir).ok();
    }
}
