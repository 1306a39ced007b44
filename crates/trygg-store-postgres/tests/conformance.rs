//! The conformance suite on a real PostgreSQL server, with the backup round trip and retention.
//!
//! `TRYGG_TEST_DATABASE_URL` names a server and a database to connect to first (CI uses
//! `postgres://postgres@127.0.0.1:5432/test`); each run creates and drops its own fresh
//! database beside it. Without the variable the test says why it did nothing — except under CI
//! (`CI` set), where a missing server is a failure.

use sqlx::{Connection, PgConnection};
use trygg_store_postgres::PostgresStore;

fn admin_url() -> Option<String> {
    match std::env::var("TRYGG_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set but TRYGG_TEST_DATABASE_URL is not: the PostgreSQL suite must run in CI"
            )
        }
        _ => {
            eprintln!(
                "skipped: set TRYGG_TEST_DATABASE_URL=postgres://… to run the PostgreSQL conformance suite"
            );
            None
        }
    }
}

/// Creates a fresh database and returns its URL; drop it with [`drop_database`].
async fn fresh_database(admin: &str, tag: &str) -> String {
    let name = format!(
        "trygg_test_{tag}_{}_{}",
        std::process::id(),
        jiff::Timestamp::now().as_millisecond()
    );
    let mut conn = PgConnection::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    format!("{base}/{name}")
}

async fn drop_database(admin: &str, url: &str) {
    let name = url.rsplit('/').next().unwrap();
    let mut conn = PgConnection::connect(admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .expect("drop test database");
}

#[tokio::test]
async fn conformance_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin, "conf").await;
    let store = PostgresStore::connect(&url)
        .await
        .expect("connect and migrate");
    trygg_store::conformance::run_all(&store).await;
    drop(store);
    let reopened = PostgresStore::connect(&url)
        .await
        .expect("reconnect; migrations are idempotent");
    trygg_store::conformance::check_reopened(&reopened).await;
    let empty_url = fresh_database(&admin, "restore").await;
    let empty = PostgresStore::connect(&empty_url)
        .await
        .expect("connect and migrate the restore target");
    trygg_store::conformance::check_backup(&reopened, &empty).await;
    drop((reopened, empty));
    drop_database(&admin, &url).await;
    drop_database(&admin, &empty_url).await;
}

#[tokio::test]
async fn bulk_batches_read_back_as_written_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin, "bulk").await;
    let store = PostgresStore::connect(&url)
        .await
        .expect("connect and migrate");
    trygg_store::conformance::check_bulk(&store).await;
    drop(store);
    drop_database(&admin, &url).await;
}

/// Retention (gallring): the backend-neutral check of `trygg_store::retention::conformance`.
#[tokio::test]
async fn retention_on_postgres() {
    let Some(admin) = admin_url() else { return };
    let url = fresh_database(&admin, "retention").await;
    let store = PostgresStore::connect(&url)
        .await
        .expect("connect and migrate");
    trygg_store::retention::conformance::run(&store).await;
    drop(store);
    drop_database(&admin, &url).await;
}
