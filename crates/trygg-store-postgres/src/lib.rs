//! The PostgreSQL backend, for deployments with several servers.
//!
//! Same tables and columns as SQLite (times as BIGINT Unix seconds, JSON as text), so the shared
//! implementation in `trygg-store` serves both; only connection set-up and DDL live here.

use std::time::Duration;

use jiff::Timestamp;
use sqlx::{PgPool, Postgres, Transaction, postgres::PgPoolOptions};
use trygg_store::{AssignedIncident, Result, StoreError, sql::EmbeddedMigration};

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
        "record visibility",
        include_str!("../migrations/0004_record_visibility.sql"),
    ),
    (
        5,
        "accounts",
        include_str!("../migrations/0005_accounts.sql"),
    ),
    (
        6,
        "change notify",
        include_str!("../migrations/0006_change_notify.sql"),
    ),
    (7, "photos", include_str!("../migrations/0007_photos.sql")),
];

/// The channel the audit log's trigger notifies on every committed write.
const CHANGES_CHANNEL: &str = "trygg_changes";

/// trygg's store on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://…`) and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        trygg_store::sql::migrator(MIGRATIONS)
            .await?
            .run(&pool)
            .await
            .map_err(|e| StoreError::Database(e.into()))?;
        tracing::info!("PostgreSQL store ready");
        Ok(Self { pool })
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// A listener on [`CHANGES_CHANNEL`] on its own connection: one item per committed write
    /// (several writes in one moment may come as one). The stream ends at the first error (a
    /// lost connection); the reader then polls and asks again later.
    async fn listen_changes(&self) -> Result<Option<trygg_store::ChangeSignals>> {
        use futures_util::StreamExt;
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANGES_CHANNEL).await?;
        let signals = listener
            .into_stream()
            .take_while(|r| std::future::ready(r.is_ok()))
            .map(|_| ());
        Ok(Some(Box::pin(signals)))
    }

    /// The generic stream through sqlx serves PostgreSQL well.
    async fn scan_analysis(
        &self,
        _each: &mut (dyn FnMut(trygg_store::AnalysisRow) -> Result<()> + Send),
    ) -> Result<bool> {
        Ok(false)
    }

    /// PostgreSQL writes bulk batches with the generic multi-row INSERTs and keeps its
    /// indexes meanwhile (other servers may be reading).
    async fn insert_bulk(
        &self,
        _tx: &mut Transaction<'static, Postgres>,
        _incidents: &[&AssignedIncident],
        _at: Timestamp,
    ) -> Result<Option<Vec<i64>>> {
        Ok(None)
    }
}

trygg_store::impl_store!(PostgresStore, ::sqlx::Postgres, "postgres");
