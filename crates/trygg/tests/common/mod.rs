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

/// Starts `trygg serve` on `database` at a free loopback port in `dir`; the child and its base
/// URL (`http://127.0.0.1:PORT`). Its further output is drained; kill the child when done.
pub fn serve(dir: &std::path::Path, database: &str) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_trygg"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
        .env("TRYGG_LOG", "warn")
        .env_remove("TRYGG_CONFIG")
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let base = line
        .trim()
        .strip_prefix("trygg serving ")
        .unwrap_or_else(|| panic!("trygg serve said {line:?}"))
        .trim_end_matches('/')
        .to_string();
    (server, base)
}
