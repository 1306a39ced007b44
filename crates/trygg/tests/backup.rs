//! `trygg backup` and `trygg restore` through the real binary: a backup taken while a server
//! keeps writing restores whole into a new SQLite file, and into PostgreSQL and back, every
//! table row for row; a restore into a database with data, or of a file that is no backup, is
//! refused with a sentence and writes nothing.

use std::{
    io::Read,
    path::{Path, PathBuf},
    process::Command,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use trygg_store::{
    Store,
    backup::{Cell, Item},
    conformance,
};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_trygg");

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("TRYGG_LOG", "warn")
        .env_remove("TRYGG_DATABASE")
        .env_remove("TRYGG_CONFIG")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "trygg {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The items of a (gzipped) backup file.
fn file_items(path: &Path) -> Vec<Item> {
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut bytes)
        .unwrap();
    conformance::items(&bytes)
}

/// `b` equals `a` but for restore audit events `b` gained at its end.
fn same_but_restores(a: &[Item], b: &[Item], what: &str) {
    let restore = Cell::Text("restore".into());
    let extra = &b[a.len().min(b.len())..];
    assert!(
        extra
            .iter()
            .all(|i| matches!(i, Item::Row(c) if c.contains(&restore))),
        "{what}: only restore events may be added, got {extra:?}"
    );
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert_eq!(x, y, "{what}: item {i} differs");
    }
}

fn rows(items: &[Item], table: &str) -> usize {
    let mut current = "";
    items
        .iter()
        .filter(|i| match i {
            Item::Table(t) => {
                current = t.name;
                false
            }
            Item::Row(_) => current == table,
        })
        .count()
}

struct TempDir(PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_whole_into_sqlite_and_postgres() {
    let dir = TempDir(std::env::temp_dir().join(format!("trygg-backup-{}", std::process::id())));
    std::fs::remove_dir_all(&dir.0).ok();
    std::fs::create_dir_all(&dir.0).unwrap();
    let dir_path = dir.0.clone();
    let dir = &dir_path;
    let source = format!("sqlite://{}", dir.join("source.db").display());

    // Data of every kind (the conformance suite's), then a server that keeps writing.
    {
        let store = trygg_store_sqlite::SqliteStore::connect(&source)
            .await
            .unwrap();
        conformance::run_all(&store).await;
    }
    let out = ok(
        dir,
        &[
            "user",
            "add",
            "--database",
            &source,
            "--email",
            "writer@test",
            "--name",
            "W",
            "--organisation",
            conformance::FIRST_ORG,
            "--role",
            "analyst",
            "--token",
        ],
    );
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("API token (writer@test): "))
        .expect("a token")
        .to_string();
    let (mut server, base) = common::serve(dir, &source);

    let stop = Arc::new(AtomicBool::new(false));
    let posted = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, posted, base, token) = (stop.clone(), posted.clone(), base.clone(), token);
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            // Bounded: stops when told, or after 2 000 incidents.
            for k in 0..2_000u32 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let r = http
                    .post(format!("{base}/api/v1/incidents"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({
                        "occurred_from": "2024-05-01 20:00",
                        "category": "skadegorelse.klotter",
                        "position": {"lat": 59.85, "lon": 17.60 + 0.0001 * f64::from(k % 500)},
                        "description": format!("Klotter nummer {k}"),
                    }))
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success(), "post: {}", r.status());
                posted.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    while posted.load(Ordering::Relaxed) < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let file = dir.join("while-serving.trygg.gz");
    let said = ok(
        dir,
        &[
            "backup",
            "--database",
            &source,
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        said.contains("Backed up") && said.contains("incidents"),
        "{said}"
    );
    let during = posted.load(Ordering::Relaxed);
    while posted.load(Ordering::Relaxed) < during + 20 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    server.kill().ok();
    server.wait().ok();
    assert!(!dir.join("while-serving.trygg.gz.partial").exists());

    // The file is a state the database was in: writes before it, none after.
    let taken = file_items(&file);
    let incidents = rows(&taken, "incidents");
    let after = {
        let store = trygg_store_sqlite::SqliteStore::connect(&source)
            .await
            .unwrap();
        conformance::items(&conformance::backup_bytes(&store).await)
    };
    assert!(
        rows(&after, "incidents") > incidents,
        "the server went on writing after the backup ({} then {})",
        incidents,
        rows(&after, "incidents")
    );
    assert!(
        incidents >= 20,
        "the backup holds what was written before it"
    );

    // Into a new SQLite file: every table, row for row.
    let copy = format!("sqlite://{}", dir.join("copy.db").display());
    let said = ok(
        dir,
        &["restore", file.to_str().unwrap(), "--database", &copy],
    );
    assert!(said.contains(&format!("{incidents} incidents")), "{said}");
    let restored = {
        let store = trygg_store_sqlite::SqliteStore::connect(&copy)
            .await
            .unwrap();
        conformance::items(&conformance::backup_bytes(&store).await)
    };
    same_but_restores(&taken, &restored, "SQLite → SQLite");

    // Never into a database with data; never a file that is no backup. Nothing is written.
    let out = run(
        dir,
        &["restore", file.to_str().unwrap(), "--database", &copy],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not empty") && err.contains("nothing was written"),
        "{err}"
    );
    let junk = dir.join("junk.csv");
    std::fs::write(&junk, "datum;kategori\n2024-01-01;klotter\n").unwrap();
    let empty = format!("sqlite://{}", dir.join("empty.db").display());
    let out = run(
        dir,
        &["restore", junk.to_str().unwrap(), "--database", &empty],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a trygg backup"), "{err}");

    // Into PostgreSQL, and from there back to SQLite.
    let Some(admin) = common::admin_url() else {
        return;
    };
    let pg = common::fresh_database(&admin, "backup").await;
    let said = ok(dir, &["restore", file.to_str().unwrap(), "--database", &pg]);
    assert!(said.contains("into the postgres database"), "{said}");
    let in_pg = {
        let store = trygg_store_postgres::PostgresStore::connect(&pg)
            .await
            .unwrap();
        let items = conformance::items(&conformance::backup_bytes(&store).await);
        // The restored server goes on: new incidents get new ids.
        assert_eq!(store.backend(), "postgres");
        items
    };
    same_but_restores(&taken, &in_pg, "SQLite → PostgreSQL");

    let back = dir.join("from-postgres.trygg.gz");
    ok(
        dir,
        &[
            "backup",
            "--database",
            &pg,
            "--output",
            back.to_str().unwrap(),
        ],
    );
    let round = format!("sqlite://{}", dir.join("round.db").display());
    ok(
        dir,
        &["restore", back.to_str().unwrap(), "--database", &round],
    );
    let round_items = {
        let store = trygg_store_sqlite::SqliteStore::connect(&round)
            .await
            .unwrap();
        conformance::items(&conformance::backup_bytes(&store).await)
    };
    same_but_restores(&taken, &round_items, "SQLite → PostgreSQL → SQLite");
    common::drop_database(&admin, &pg).await;
}
