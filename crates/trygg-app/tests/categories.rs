//! The partnership's own categories over a real (in-memory SQLite) store: one stored by another
//! server or a CLI run joins this server's taxonomy through the change feed, and its incidents
//! are counted in the snapshot under its group.

use std::sync::Arc;

use trygg_app::{App, follow::Follower};
use trygg_domain::{
    Actor, Channel, IncidentFilter, NewIncident, NewOrganisation, OrgKind, Position, Precision,
    Scope, Taxonomy, Visibility, own_category::OwnCategory,
};
use trygg_store::{Store, records};
use trygg_store_sqlite::SqliteStore;

#[tokio::test]
async fn a_category_stored_elsewhere_is_followed_and_counted() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let app = App::load(
        store.clone(),
        jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
    )
    .await
    .unwrap();
    let mut follower = Follower::start(&app).await.unwrap();
    let actor = Actor::system("test");
    let org = store
        .create_organisation(
            &actor,
            NewOrganisation {
                name: "Uppsala kommun".into(),
                kind: OrgKind::Kommun,
                parent_id: None,
            },
        )
        .await
        .unwrap()
        .id;
    // Written straight to the store, as another process would: not registered here.
    let code = "brott.foljd-av-annan-server";
    records::create(
        store.as_ref(),
        &actor,
        org,
        &OwnCategory {
            code: code.into(),
            label_sv: "Följd".into(),
            label_en: "Followed".into(),
        },
    )
    .await
    .unwrap();
    assert!(Taxonomy.get(code).is_none());
    follower.catch_up(&app).await.unwrap();
    let c = Taxonomy.get(code).expect("registered from the change feed");
    assert_eq!(c.parent, Some("brott"));

    let incident = NewIncident {
        occurred_from: "2024-05-01T20:00:00Z".parse().unwrap(),
        occurred_to: None,
        reported_at: None,
        category: code.into(),
        place_type: None,
        position: Some(Position::from_wgs84(59.858, 17.639, Precision::Exact).unwrap()),
        place: None,
        source_org: org,
        channel: Channel::Api,
        external_id: None,
        description: None,
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    };
    app.ingest.create(&actor, incident).await.unwrap();
    let in_group = IncidentFilter {
        scope: Scope::All,
        categories: Taxonomy
            .expand("brott")
            .into_iter()
            .map(String::from)
            .collect(),
        ..Default::default()
    };
    let weeks = app.ingest.live().weekly_counts(&in_group);
    assert_eq!(weeks.iter().map(|(_, n)| n).sum::<u32>(), 1, "{weeks:?}");
}
