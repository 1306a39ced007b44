//! Retention (gallring) through the app: rules from configuration resolved against the stored
//! organisations, the dry run, the run, and the snapshot of this server and of another one
//! (which follows the change feed), over a real SQLite store.

use std::sync::Arc;

use jiff::Timestamp;
use trygg_app::{
    App, Clock,
    follow::Follower,
    retention::{self, IncidentRule, Rules},
};
use trygg_domain::{
    Actor, Channel, IncidentFilter, NewIncident, OrgKind, OrganisationId, PlaceType, Position,
    Precision, Scope, Visibility,
};
use trygg_store::{AuditFilter, BatchAudit, Store};
use trygg_store_sqlite::SqliteStore;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn incident(org: OrganisationId, channel: Channel, at: &str, key: &str) -> NewIncident {
    NewIncident {
        occurred_from: t(at),
        occurred_to: None,
        reported_at: None,
        category: "skadegorelse.klotter".into(),
        place_type: Some(PlaceType::Street),
        position: Some(Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap()),
        place: Some("Stora torget".into()),
        source_org: org,
        channel,
        external_id: Some(key.into()),
        description: Some(format!("Fritext {key}")),
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    }
}

/// Two servers (apps) over one fresh SQLite file named by `tag`, with four incidents.
async fn apps(tag: &str) -> (App, App, Arc<dyn Store>) {
    let dir =
        std::env::temp_dir().join(format!("trygg-app-retention-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("r.db").display());
    let _ = std::fs::remove_file(dir.join("r.db"));
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let clock = Clock::Fixed(t("2025-06-02T10:00:00Z"));
    let app = App::load(store.clone(), tz.clone())
        .await
        .unwrap()
        .with_clock(clock);
    let actor = Actor::system("test");
    let kommun = app
        .ingest
        .organisation(&actor, "Uppsala kommun", OrgKind::Kommun)
        .await
        .unwrap()
        .0
        .id;
    let polis = app
        .ingest
        .organisation(&actor, "LPO Uppsala", OrgKind::Lokalpolisomrade)
        .await
        .unwrap()
        .0
        .id;
    let batch = vec![
        incident(polis, Channel::Polisen, "2018-03-05T12:00:00Z", "p1"),
        incident(polis, Channel::Polisen, "2018-03-06T12:00:00Z", "p2"),
        incident(polis, Channel::Polisen, "2024-03-05T12:00:00Z", "p3"),
        incident(kommun, Channel::Import, "2018-03-05T12:00:00Z", "i1"),
    ];
    app.ingest
        .write(&actor, batch, BatchAudit::Batch(serde_json::json!({})))
        .await
        .unwrap();
    // Another server over the same database.
    let other = App::load(store.clone(), tz)
        .await
        .unwrap()
        .with_clock(clock);
    (app, other, store)
}

fn total(app: &App) -> u32 {
    let filter = IncidentFilter {
        scope: Scope::All,
        ..Default::default()
    };
    app.live()
        .weekly_counts(&filter)
        .iter()
        .map(|(_, n)| n)
        .sum()
}

fn polisen_five_years() -> Rules {
    Rules {
        incidents: vec![IncidentRule {
            source: "polisen".into(),
            years: 5,
        }],
        ..Rules::default()
    }
}

#[tokio::test]
async fn the_dry_run_writes_nothing_and_the_run_removes_what_it_counted_on_every_server() {
    let (app, other, store) = apps("run").await;
    let mut follower = Follower::start(&other).await.unwrap();
    assert_eq!(total(&app), 4);
    assert_eq!(total(&other), 4);
    let rules = polisen_five_years();
    let audit = || async {
        store
            .list_audit(&AuditFilter {
                limit: 10_000,
                ..Default::default()
            })
            .await
            .unwrap()
            .len()
    };
    let events = audit().await;

    let plan = retention::plan(&app, &rules).await.unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(plan[0].class(), "incident");
    assert_eq!(plan[0].count, 2, "the two Polisen events of 2018");
    assert_eq!(
        plan[0].cutoff(),
        t("2020-06-02T10:00:00Z"),
        "five calendar years before the app's clock"
    );
    assert_eq!(audit().await, events, "the dry run writes nothing");
    assert_eq!(total(&app), 4);

    let run = retention::run(&app, &rules).await.unwrap();
    assert_eq!(run[0].count, 2, "the run removes what the dry run counted");
    assert_eq!(total(&app), 2, "this server's weekly stats drop at once");
    assert!(
        follower.catch_up(&other).await.unwrap().rebuilt,
        "another server rebuilds on the retention record"
    );
    assert_eq!(total(&other), 2, "and its weekly stats drop too");

    let again = retention::run(&app, &rules).await.unwrap();
    assert_eq!(again[0].count, 0, "a second run removes nothing");
    let records = store
        .list_audit(&AuditFilter {
            entity: Some("incident".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "retention")
        .count();
    assert_eq!(records, 1, "and records nothing");
}

#[tokio::test]
async fn an_organisation_is_a_source_by_its_name_and_an_unknown_name_is_refused() {
    let (app, _, _) = apps("names").await;
    let rules = Rules {
        incidents: vec![IncidentRule {
            source: "uppsala kommun".into(),
            years: 5,
        }],
        ..Rules::default()
    };
    let plan = retention::plan(&app, &rules).await.unwrap();
    assert_eq!(plan[0].count, 1, "the kommun's import of 2018");
    let rules = Rules {
        incidents: vec![IncidentRule {
            source: "Polisen Uppsala".into(),
            years: 5,
        }],
        ..Rules::default()
    };
    let e = retention::plan(&app, &rules).await.unwrap_err().to_string();
    assert!(
        e.contains("\"Polisen Uppsala\"") && e.contains("\"LPO Uppsala\"") && e.contains("polisen"),
        "names the source and the choices: {e}"
    );
}

#[test]
fn rules_are_off_by_default_and_bad_values_say_what_to_fix() {
    assert!(Rules::default().is_empty());
    assert!(Rules::default().check().is_ok());
    let zero = Rules {
        audit_years: Some(0),
        ..Rules::default()
    };
    let e = zero.check().unwrap_err();
    assert!(e.contains("audit_years = 0") && e.contains("from 1"), "{e}");
    let twice = Rules {
        incidents: vec![
            IncidentRule {
                source: "polisen".into(),
                years: 5,
            },
            IncidentRule {
                source: "Polisen".into(),
                years: 3,
            },
        ],
        ..Rules::default()
    };
    assert!(twice.check().unwrap_err().contains("keep one"));
}
