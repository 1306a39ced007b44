//! Indicators through the app over a real SQLite store: areas resolved by code, code first and
//! name; an unknown area refuses the whole file by line; the same file twice changes nothing
//! (no record, no audit event); a changed value is updated; the population for a year (the
//! nearest earlier one); survey values before and after a date; who may import; a dataset
//! deleted.

use std::sync::Arc;

use serde_json::json;
use trygg_app::indicators::{self, IndicatorFormat, IndicatorQuery};
use trygg_app::{App, AppError, Principal};
use trygg_domain::{Actor, AreaKind, NewArea, NewUser, OrgKind, Role};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;

fn square(lon: f64, lat: f64) -> serde_json::Value {
    let d = 0.01;
    json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})
}

async fn app(tag: &str) -> (App, Principal, Principal) {
    let dir =
        std::env::temp_dir().join(format!("trygg-app-indicators-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::fs::remove_file(dir.join("i.db"));
    let url = format!("sqlite://{}", dir.join("i.db").display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let app = App::load(store.clone(), tz).await.unwrap();
    let actor = Actor::system("test");
    let kommun = app
        .ingest
        .organisation(&actor, "Uppsala kommun", OrgKind::Kommun)
        .await
        .unwrap()
        .0
        .id;
    let area = |name: &str, code: Option<&str>, kind, lon| NewArea {
        name: name.into(),
        code: code.map(Into::into),
        kind,
        geometry: square(lon, 59.85),
    };
    app.ingest
        .import_areas(
            &actor,
            vec![
                area("Uppsala", Some("0380"), AreaKind::Kommun, 17.60),
                area("Gottsunda", None, AreaKind::District, 17.62),
                area("Uppsala", Some("0380A0010"), AreaKind::Deso, 17.64),
                area("Uppsala", Some("0380A0020"), AreaKind::Deso, 17.66),
            ],
        )
        .await
        .unwrap();
    let user = |email: &str, role| NewUser {
        email: email.into(),
        display_name: email.into(),
        organisation_id: kommun,
        roles: vec![role],
    };
    let analyst = store
        .create_user(&actor, user("analytiker@uppsala.se", Role::Analyst), None)
        .await
        .unwrap();
    let reporter = store
        .create_user(&actor, user("rapportor@uppsala.se", Role::Reporter), None)
        .await
        .unwrap();
    (app, analyst.into(), reporter.into())
}

const LONG: &[u8] = include_bytes!("../../trygg-import/tests/fixtures/indicators_long.csv");
const SCB: &[u8] =
    include_bytes!("../../trygg-import/tests/fixtures/scb_population_deso_cp1252.csv");

#[tokio::test]
async fn the_same_file_twice_changes_nothing() {
    let (app, analyst, _) = app("twice").await;
    let first = indicators::import(&app, &analyst, IndicatorFormat::Long, LONG)
        .await
        .unwrap();
    assert_eq!((first.read, first.created, first.unchanged), (4, 4, 0));
    let audit = app.store.last_change().await.unwrap();
    let records = indicators::list(&app, &analyst, &IndicatorQuery::default())
        .await
        .unwrap();
    let again = indicators::import(&app, &analyst, IndicatorFormat::Long, LONG)
        .await
        .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 4));
    assert_eq!(
        app.store.last_change().await.unwrap(),
        audit,
        "no audit event"
    );
    assert_eq!(
        indicators::list(&app, &analyst, &IndicatorQuery::default())
            .await
            .unwrap(),
        records,
        "no new record"
    );
    // The texts always carry the interval.
    let gottsunda = records
        .iter()
        .find(|v| v.area_name == "Gottsunda" && v.unit == trygg_domain::indicator::Unit::Percent)
        .unwrap();
    assert_eq!(gottsunda.text, "41,5\u{a0}% (35,2–47,8), n = 310");

    // A changed number is an update, audited.
    let changed = String::from_utf8(LONG.to_vec())
        .unwrap()
        .replace(";41,5;35,2;47,8;", ";40,5;35,2;47,8;");
    let third = indicators::import(&app, &analyst, IndicatorFormat::Long, changed.into_bytes())
        .await
        .unwrap();
    assert_eq!((third.updated, third.unchanged), (1, 3));
    assert!(app.store.last_change().await.unwrap() > audit);
}

#[tokio::test]
async fn an_unknown_or_ambiguous_area_refuses_the_whole_file() {
    let (app, analyst, _) = app("unknown").await;
    let file = "indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet\n\
                Andel otrygga;Enkät;Gottsunda;2024;32;28;36;300;procent\n\
                Andel otrygga;Enkät;Sävja;2024;32;28;36;300;procent\n\
                Andel otrygga;Enkät;Uppsala;2024;32;28;36;300;procent\n\
                Andel otrygga;Enkät;0380A0099 Uppsala;2024;32;28;36;300;procent\n\
                Andel otrygga;Enkät;GOTTSUNDA;2024;33;28;36;300;procent\n";
    let Err(AppError::ImportFailed(e)) =
        indicators::import(&app, &analyst, IndicatorFormat::Long, file.as_bytes()).await
    else {
        panic!("refused");
    };
    let m = e.messages();
    assert_eq!(m.len(), 4, "{m:#?}");
    assert!(m[0].starts_with("line 3:") && m[0].contains("no stored area is called \"Sävja\""));
    assert!(
        m[1].starts_with("line 4:") && m[1].contains("write its code"),
        "{}",
        m[1]
    );
    assert!(
        m[2].starts_with("line 5:") && m[2].contains("0380A0099"),
        "{}",
        m[2]
    );
    assert!(
        m[3].starts_with("line 6:") && m[3].contains("same area as line 2"),
        "{}",
        m[3]
    );
    assert!(
        indicators::list(&app, &analyst, &IndicatorQuery::default())
            .await
            .unwrap()
            .is_empty(),
        "nothing stored"
    );
}

#[tokio::test]
async fn population_rates_surveys_and_who_may() {
    let (app, analyst, reporter) = app("population").await;
    // A reporter reads but does not import.
    assert!(matches!(
        indicators::import(&app, &reporter, IndicatorFormat::ScbPopulation, SCB).await,
        Err(AppError::Forbidden(_))
    ));
    indicators::import(&app, &analyst, IndicatorFormat::ScbPopulation, SCB)
        .await
        .unwrap();
    let deso = |code: &str| {
        let app = app.clone();
        let code = code.to_string();
        async move {
            app.store
                .list_areas()
                .await
                .unwrap()
                .into_iter()
                .find(|a| a.code.as_deref() == Some(code.as_str()))
                .unwrap()
                .id
        }
    };
    let (a10, a20) = (deso("0380A0010").await, deso("0380A0020").await);
    let p = indicators::population(&app, 2023).await.unwrap();
    assert_eq!((p[&a10].inhabitants, p[&a10].year), (1838.0, 2023));
    let p = indicators::population(&app, 2025).await.unwrap();
    assert_eq!(
        (p[&a20].inhabitants, p[&a20].year),
        (2325.0, 2023),
        "nearest earlier"
    );
    assert!(indicators::population(&app, 2021).await.unwrap().is_empty());

    // Survey values before and after an intervention starting in 2024.
    let survey = "indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet\n\
                  Andel otrygga;Enkät;0380A0010;2022;40;35;45;300;procent\n\
                  Andel otrygga;Enkät;0380A0010;2023;38;33;43;300;procent\n\
                  Andel otrygga;Enkät;0380A0010;2024;30;26;34;305;procent\n\
                  Andel otrygga;Enkät;0380A0010;2025;25;21;29;310;procent\n";
    indicators::import(&app, &analyst, IndicatorFormat::Long, survey.as_bytes())
        .await
        .unwrap();
    let ba = indicators::before_after(&app, &reporter, &[a10], jiff::civil::date(2024, 3, 1))
        .await
        .unwrap();
    assert_eq!(ba.len(), 1);
    assert_eq!(ba[0].before.period.to_string(), "2023", "the latest before");
    assert_eq!(ba[0].after.period.to_string(), "2025", "the latest after");
    assert!(ba[0].intervals_apart);
    assert_eq!(
        indicators::surveys_of(&app, &reporter, &[a10])
            .await
            .unwrap()
            .len(),
        4,
        "population is not a survey"
    );

    // Deleting a dataset: every value of it, and only it.
    assert!(matches!(
        indicators::delete_dataset(&app, &reporter, "andel-otrygga", "Enkät").await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(
        indicators::delete_dataset(&app, &analyst, "andel-otrygga", "Enkät")
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        indicators::list(&app, &analyst, &IndicatorQuery::default())
            .await
            .unwrap()
            .len(),
        4,
        "the population stays"
    );
}
