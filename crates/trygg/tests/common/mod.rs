//! What several of the binary's tests share: a fresh PostgreSQL database of their own.

use sqlx::{Connection, PgConnection};

/// The server `TRYGG_TEST_DATABASE_URL` names, or `None` with the reason printed (a failure
/// under CI, which must run the PostgreSQL tests).
pub fn admin_url() -> Option<String> {
    match std::env::var("TRYGG_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set but TRYGG_TEST_DATABASE_URL is not: the PostgreSQL tests must run in CI"
            )
        }
        _ => {
            eprintln!("skipped: set TRYGG_TEST_DATABASE_URL=postgres://… to run it");
            None
        }
    }
}

/// A new, empty database `trygg_test_{tag}_{pid}` beside `admin`'s; its URL.
pub async fn fresh_database(admin: &str, tag: &str) -> String {
    let name = format!("trygg_test_{tag}_{}", std::process::id());
    let mut conn = PgConnection::connect(admin).await.unwrap();
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement).execute(&mut conn).await.unwrap();
    }
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

/// Drops a database made by [`fresh_database`].
pub async fn drop_database(admin: &str, url: &str) {
    let name = url.rsplit('/').next().unwrap();
    let mut conn = PgConnection::connect(admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}
