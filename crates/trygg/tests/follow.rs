//! Several servers, one database: what one writes, the others' snapshots (and so their
//! statistics, dashboards, alerts and follow-ups) show within a round or two of the change
//! feed. Two `App`s over one real PostgreSQL database and over one SQLite file (as two servers,
//! or a server and a CLI run), and the real binary: `trygg import` into the file of a running
//! `trygg serve`, read back through its statistics API.

use std::{process::Command, sync::Arc, time::Duration};

use jiff::civil::date;
use trygg_app::{App, follow::Follower};
use trygg_domain::{
    Actor, Channel, IncidentFilter, NewIncident, NewOrganisation, OrgKind, OrganisationId,
    Position, Precision, Scope, Visibility,
};
use trygg_store::{BatchAudit, Store};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_trygg");

fn tz() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Stockholm").unwrap()
}

fn incident(org: OrganisationId, k: u32) -> NewIncident {
    NewIncident {
        occurred_from: date(2024, 3, 4)
            .at(20, (k % 60) as i8, 0, 0)
            .to_zoned(tz())
            .unwrap()
            .timestamp(),
        occurred_to: None,
        reported_at: None,
        category: "skadegorelse.klotter".into(),
        place_type: None,
        position: Some(
            Position::from_wgs84(59.85, 17.60 + 0.0001 * f64::from(k), Precision::Exact).unwrap(),
        ),
        place: None,
        source_org: org,
        channel: Channel::Api,
        external_id: None,
        description: None,
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    }
}

fn all() -> IncidentFilter {
    IncidentFilter {
        scope: Scope::All,
        ..Default::default()
    }
}

fn weekly_total(app: &App) -> u32 {
    app.ingest
        .live()
        .weekly_counts(&all())
        .iter()
        .map(|(_, n)| n)
        .sum()
}

/// Server A writes (one incident, then a batch), server B follows: B's weekly statistics show
/// every write after one round, and a round with nothing new changes nothing.
async fn two_servers_agree(a_store: Arc<dyn Store>, b_store: Arc<dyn Store>) {
    let org = a_store
        .create_organisation(
            &Actor::system("test"),
            NewOrganisation {
                name: "Uppsala kommun".into(),
                kind: OrgKind::Kommun,
                parent_id: None,
            },
        )
        .await
        .unwrap()
        .id;
    let a = App::load(a_store, tz()).await.unwrap();
    let b = App::load(b_store, tz()).await.unwrap();
    let mut follow_b = Follower::start(&b).await.unwrap();
    let mut follow_a = Follower::start(&a).await.unwrap();
    assert_eq!(weekly_total(&b), 0);

    a.ingest
        .create(&Actor::system("test"), incident(org, 0))
        .await
        .unwrap();
    assert_eq!(weekly_total(&a), 1);
    assert_eq!(weekly_total(&b), 0, "before B reads the feed");
    let round = follow_b.catch_up(&b).await.unwrap();
    assert_eq!(round.refreshed, 1, "{round:?}");
    assert_eq!(weekly_total(&b), 1, "B's statistics show A's write");

    let batch: Vec<NewIncident> = (1..=40).map(|k| incident(org, k)).collect();
    a.ingest
        .write(
            &Actor::system("import"),
            batch,
            BatchAudit::Batch(serde_json::json!({"file": "x.csv"})),
        )
        .await
        .unwrap();
    follow_b.catch_up(&b).await.unwrap();
    assert_eq!(weekly_total(&b), 41, "a batch import too");
    assert_eq!(
        follow_b.catch_up(&b).await.unwrap().changes,
        0,
        "nothing new, nothing done"
    );

    // A's own writes come back through the feed and change nothing there.
    let round = follow_a.catch_up(&a).await.unwrap();
    assert!(!round.rebuilt, "{round:?}");
    assert_eq!(weekly_total(&a), 41);

    // B writes, A follows.
    b.ingest
        .create(&Actor::system("test"), incident(org, 99))
        .await
        .unwrap();
    follow_a.catch_up(&a).await.unwrap();
    assert_eq!(weekly_total(&a), 42);
}

/// On PostgreSQL a commit wakes the other servers (LISTEN/NOTIFY on the audit log): B polls
/// only once an hour here, yet shows A's write at once.
async fn a_commit_wakes_the_other_server(a_store: Arc<dyn Store>, b_store: Arc<dyn Store>) {
    let org = a_store.list_organisations().await.unwrap()[0].id;
    let a = App::load(a_store, tz()).await.unwrap();
    let b = App::load(b_store, tz()).await.unwrap();
    let before = weekly_total(&b);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let following = tokio::spawn(trygg_app::follow::follow_every(
        b.clone(),
        stopped,
        Duration::from_secs(3600),
    ));
    // Let B subscribe (and spend its first, immediate poll) before A writes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.ingest
        .create(&Actor::system("test"), incident(org, 7))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    while weekly_total(&b) == before && started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("B showed A's commit after {:?}", started.elapsed());
    stop.send(true).unwrap();
    following.await.unwrap();
    assert_eq!(
        weekly_total(&b),
        before + 1,
        "B, polling hourly, was not woken by A's commit"
    );
}

#[tokio::test]
async fn two_servers_on_one_sqlite_file_agree() {
    let dir = std::env::temp_dir().join(format!("trygg-follow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("f.db").display());
    let a: Arc<dyn Store> = Arc::new(
        trygg_store_sqlite::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
    let b: Arc<dyn Store> = Arc::new(
        trygg_store_sqlite::SqliteStore::connect(&url)
            .await
            .unwrap(),
    );
    two_servers_agree(a, b).await;
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_postgres_database_agree() {
    let Some(admin) = common::admin_url() else {
        return;
    };
    let url = common::fresh_database(&admin, "follow").await;
    let a: Arc<dyn Store> = Arc::new(
        trygg_store_postgres::PostgresStore::connect(&url)
            .await
            .unwrap(),
    );
    let b: Arc<dyn Store> = Arc::new(
        trygg_store_postgres::PostgresStore::connect(&url)
            .await
            .unwrap(),
    );
    two_servers_agree(a.clone(), b.clone()).await;
    a_commit_wakes_the_other_server(a.clone(), b.clone()).await;
    drop((a, b));
    common::drop_database(&admin, &url).await;
}

/// `trygg import polisen` into the SQLite file of a running `trygg serve`: the server's
/// statistics show the imported events without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cli_import_shows_in_a_running_server() {
    let dir = std::env::temp_dir().join(format!("trygg-follow-cli-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("s.db").display());
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .env("TRYGG_LOG", "warn")
            .env_remove("TRYGG_DATABASE")
            .env_remove("TRYGG_CONFIG")
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "trygg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let out = run(&[
        "user",
        "add",
        "--database",
        &database,
        "--email",
        "a@test",
        "--name",
        "A",
        "--organisation",
        "Uppsala kommun",
        "--role",
        "analyst",
        "--token",
    ]);
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("API token (a@test): "))
        .unwrap()
        .to_string();
    let (mut server, base) = common::serve(&dir, &database);
    let http = reqwest::Client::new();
    let total = || async {
        let v: serde_json::Value = http
            .get(format!(
                "{base}/api/v1/stats/weekly?from=2020-01-01&to=2027-01-01"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["total"].as_u64().unwrap_or_else(|| {
            v["weeks"]
                .as_array()
                .or(v["items"].as_array())
                .map_or(0, |w| {
                    w.iter().map(|x| x["count"].as_u64().unwrap_or(0)).sum()
                })
        })
    };
    assert_eq!(total().await, 0);
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../trygg-import/tests/fixtures/events_fixture_small.json"
    );
    let out = run(&["import", "--database", &database, "polisen", fixture]);
    assert!(out.contains("new"), "{out}");
    let started = std::time::Instant::now();
    let mut seen = 0;
    while started.elapsed() < Duration::from_secs(10) {
        seen = total().await;
        if seen > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "the running server showed the import after {:?}",
        started.elapsed()
    );
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    assert!(seen > 0, "the running server never showed the CLI's import");
}
