//! The embedded SQLite backend: the default, zero set-up.
//!
//! One file, WAL journal, `synchronous = FULL` (an acknowledged write survives a crash of the
//! process and of the machine), foreign keys on. Writers take the lock at `BEGIN IMMEDIATE`, so
//! concurrent writers queue on the busy timeout instead of failing on a lock upgrade.

use std::{str::FromStr, time::Duration};

use sqlx::{
    Sqlite, SqlitePool, Transaction,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use trygg_store::{Result, StoreError, sql::EmbeddedMigration};

/// The migrations, in order; compiled into the binary.
pub const MIGRATIONS: &[EmbeddedMigration] = &[(
    1,
    "foundation",
    include_str!("../migrations/0001_foundation.sql"),
)];

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
            .pragma("cache_size", "-65536")
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
}

trygg_store::impl_store!(SqliteStore, ::sqlx::Sqlite, "sqlite");

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn conformance_in_memory() {
        let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
        trygg_store::conformance::run_all(&store).await;
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
