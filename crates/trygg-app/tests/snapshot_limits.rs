//! The snapshot's limits, at and past where they used to be: more than 255 sources (channel ×
//! organisation × visibility) are all counted — before, the 256th and later were left out with
//! only a log line.

use std::sync::Arc;

use jiff::civil::date;
use trygg_app::App;
use trygg_domain::{
    Actor, Channel, IncidentFilter, NewIncident, NewOrganisation, OrgKind, Position, Precision,
    Scope, Visibility,
};
use trygg_store::{BatchAudit, Store};
use trygg_store_sqlite::SqliteStore;

#[tokio::test]
async fn six_hundred_sources_are_all_counted() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let actor = Actor::system("test");
    let mut incidents = Vec::new();
    for k in 0..300u32 {
        let org = store
            .create_organisation(
                &actor,
                NewOrganisation {
                    name: format!("Organisation {k}"),
                    kind: OrgKind::Partner,
                    parent_id: None,
                },
            )
            .await
            .unwrap()
            .id;
        for visibility in [Visibility::Shared, Visibility::Internal] {
            incidents.push(NewIncident {
                occurred_from: date(2024, 3, 4)
                    .at(20, 0, 0, 0)
                    .to_zoned(tz.clone())
                    .unwrap()
                    .timestamp(),
                occurred_to: None,
                reported_at: None,
                category: "skadegorelse.klotter".into(),
                place_type: None,
                position: Some(
                    Position::from_wgs84(59.85, 17.60 + 0.0001 * f64::from(k), Precision::Exact)
                        .unwrap(),
                ),
                place: None,
                source_org: org,
                channel: Channel::Api,
                external_id: None,
                description: None,
                visibility,
                report_id: None,
                created_by: None,
            });
        }
    }
    let app = App::load(store, tz).await.unwrap();
    app.ingest
        .write(&actor, incidents, BatchAudit::Each)
        .await
        .unwrap();
    let all = IncidentFilter {
        scope: Scope::All,
        ..Default::default()
    };
    let counted: u32 = app
        .ingest
        .live()
        .weekly_counts(&all)
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(counted, 600, "every one of 600 sources is in the snapshot");
    // A rebuild (as at start) gives the same.
    app.ingest.live().rebuild(app.store.as_ref()).await.unwrap();
    assert_eq!(app.ingest.live().len(), 600);
}
