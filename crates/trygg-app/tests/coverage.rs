//! Coverage over a real SQLite store: per organisation and district per week, an organisation
//! gone silent, and an area whose survey otrygghet is clearly above the others' while its
//! reports are few.

use std::sync::Arc;

use serde_json::json;
use trygg_app::coverage::{self, CoverageAlert, CoverageQuery};
use trygg_app::indicators::{self, IndicatorFormat};
use trygg_app::{App, Principal};
use trygg_domain::{
    Actor, AreaKind, Channel, NewArea, NewIncident, NewUser, OrgKind, Position, Precision, Role,
    Visibility,
};
use trygg_store::{BatchAudit, Store};
use trygg_store_sqlite::SqliteStore;

fn square(lon: f64) -> serde_json::Value {
    let d = 0.01;
    json!({"type": "Polygon", "coordinates": [[[lon, 59.85], [lon + d, 59.85], [lon + d, 59.85 + d], [lon, 59.85 + d], [lon, 59.85]]]})
}

#[tokio::test]
async fn silence_and_insecurity_without_reports_are_named() {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let app = App::load(store.clone(), tz.clone()).await.unwrap();
    let actor = Actor::system("test");
    let (kommun, _) = app
        .ingest
        .organisation(&actor, "Uppsala kommun", OrgKind::Kommun)
        .await
        .unwrap();
    let (housing, _) = app
        .ingest
        .organisation(&actor, "Uppsalahem", OrgKind::Partner)
        .await
        .unwrap();
    let districts = [("Norr", 17.60), ("Mitt", 17.62), ("Söder", 17.64)];
    app.ingest
        .import_areas(
            &actor,
            districts
                .iter()
                .map(|(name, lon)| NewArea {
                    name: (*name).into(),
                    code: None,
                    kind: AreaKind::District,
                    geometry: square(*lon),
                })
                .collect(),
        )
        .await
        .unwrap();
    // The kommun files in Norr and Mitt every week for twelve weeks; the housing company filed
    // in Mitt for the weeks 12 to 4 back and then stopped; nobody files in Söder.
    let now = jiff::Zoned::now().with_time_zone(tz.clone());
    let incident = |org, lon: f64, weeks_ago: i64| NewIncident {
        occurred_from: now
            .checked_sub(jiff::Span::new().weeks(weeks_ago))
            .unwrap()
            .timestamp(),
        occurred_to: None,
        reported_at: None,
        category: "skadegorelse.klotter".into(),
        place_type: None,
        position: Some(Position::from_wgs84(59.855, lon + 0.005, Precision::Exact).unwrap()),
        place: None,
        source_org: org,
        channel: Channel::Api,
        external_id: None,
        description: None,
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    };
    let mut incidents = Vec::new();
    for w in 1..=12 {
        incidents.push(incident(kommun.id, 17.60, w));
        incidents.push(incident(kommun.id, 17.62, w));
        if w >= 4 {
            incidents.push(incident(housing.id, 17.62, w));
        }
    }
    app.ingest
        .write(&actor, incidents, BatchAudit::Each)
        .await
        .unwrap();
    let year = now.year();
    let survey = format!(
        "indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet\n\
         Andel otrygga kvällstid;Polisens trygghetsmätning;Norr;{y};20;17;23;400;procent\n\
         Andel otrygga kvällstid;Polisens trygghetsmätning;Mitt;{y};22;19;25;380;procent\n\
         Andel otrygga kvällstid;Polisens trygghetsmätning;Söder;{y};40;35;45;350;procent\n\
         Folkmängd;SCB;Norr;{y};4000;;;;antal\n\
         Folkmängd;SCB;Mitt;{y};5000;;;;antal\n\
         Folkmängd;SCB;Söder;{y};4500;;;;antal\n",
        y = year - 1
    );
    indicators::import_as(
        &app,
        &actor,
        kommun.id,
        IndicatorFormat::Long,
        survey.into_bytes(),
    )
    .await
    .unwrap();
    let analyst = Principal::from(
        app.store
            .create_user(
                &actor,
                NewUser {
                    email: "analytiker@test".into(),
                    display_name: "Analytiker".into(),
                    organisation_id: kommun.id,
                    roles: vec![Role::Analyst],
                },
                None,
            )
            .await
            .unwrap(),
    );
    let c = coverage::coverage(&app, &analyst, CoverageQuery::default())
        .await
        .unwrap();
    let counts = |name: &str| -> u32 {
        c.areas
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.counts.iter().sum())
            .unwrap()
    };
    assert_eq!(
        (counts("Norr"), counts("Mitt"), counts("Söder")),
        (12, 21, 0)
    );
    assert_eq!(c.alerts.len(), 2, "{:#?}", c.alerts);
    assert!(
        matches!(&c.alerts[0], CoverageAlert::Silent { name, weeks: 3, .. } if name == "Uppsalahem")
    );
    let CoverageAlert::InsecureButQuiet {
        name,
        reports,
        median,
        per_1000,
        ..
    } = &c.alerts[1]
    else {
        panic!("{:?}", c.alerts[1]);
    };
    assert_eq!(name, "Söder");
    assert!(*per_1000);
    assert_eq!(*reports, 0.0);
    // Norr 12 / 4 000 and Mitt 21 / 5 000 per 1 000 inhabitants, Söder 0: the median is Norr's.
    assert!((median - 3.0).abs() < 1e-9, "{median}");
    let sv = c.alerts[1].message_sv().replace('\u{a0}', " ");
    assert!(
        sv.starts_with(
            "I Söder känner sig 40 % (35–45), n = 350 otrygga enligt Polisens trygghetsmätning"
        ),
        "{sv}"
    );
    // Reporters do not read the picture.
    let reporter = Principal::from(
        app.store
            .create_user(
                &actor,
                NewUser {
                    email: "rapportor@test".into(),
                    display_name: "Rapportör".into(),
                    organisation_id: kommun.id,
                    roles: vec![Role::Reporter],
                },
                None,
            )
            .await
            .unwrap(),
    );
    assert!(
        coverage::coverage(&app, &reporter, CoverageQuery::default())
            .await
            .is_err()
    );
}
