//! The public safety map without signing in: `/karta`, `/karta/om`, and `/api/public/v1/`
//! (JSON, CSV, the map's GeoJSON) answer everyone, show only the publication's cuts (no
//! incident, no point), leave out internal incidents, sensitive categories and unpublished
//! months, and say "färre än 5" for suppressed counts.

mod common;

use jiff::{ToSpan, Zoned};
use reqwest::{StatusCode, header};
use serde_json::Value;
use trygg_app::public::{Month, PublicConfig};
use trygg_domain::{Actor, NewIncident, Position, Precision, Role, Visibility};

/// A server over `state` with these public map settings.
async fn serve(state: &trygg_web::AppState, config: PublicConfig) -> String {
    let mut state = state.clone();
    state.app = state.app.clone().with_public(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trygg_web::serve(
        listener,
        trygg_web::router(state),
        std::future::pending(),
    ));
    base
}

/// Noon on the first day of `month`, Swedish time.
fn cell_time(month: Month) -> jiff::Timestamp {
    month
        .first_day()
        .at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .unwrap()
        .timestamp()
}

/// A shared incident at latitude 59.805 (inside both test districts' band) and `lon`.
fn incident(
    org: trygg_domain::OrganisationId,
    lon: f64,
    category: &str,
    when: jiff::Timestamp,
    key: &str,
) -> NewIncident {
    NewIncident {
        occurred_from: when,
        occurred_to: None,
        reported_at: None,
        category: category.into(),
        place_type: None,
        position: Some(Position::from_wgs84(59.805, lon, Precision::Exact).unwrap()),
        place: None,
        source_org: org,
        channel: trygg_domain::Channel::Api,
        external_id: Some(key.into()),
        description: None,
        visibility: Visibility::Shared,
        report_id: None,
        created_by: None,
    }
}

struct Fixture {
    base: String,
    month: Month,
    state: trygg_web::AppState,
}

/// Two districts, Norr and Syd, with incidents in a month that is published whatever today
/// is (the one before last), and some that must never count.
async fn fixture() -> Fixture {
    let s = common::spawn(&[("Uppsala kommun", "analytiker@test", Role::Analyst)]).await;
    let org = s.orgs["Uppsala kommun"];
    let actor = Actor::system("test");
    s.state
        .ingest
        .import_areas(
            &actor,
            vec![
                common::square("Norr", "D1", 17.60),
                common::square("Syd", "D2", 17.62),
            ],
        )
        .await
        .unwrap();
    let month = Month::of(Zoned::now().date()).previous().previous();
    let at = cell_time(month);
    let mut n = 0;
    let mut add = |lon: f64, category: &str, count: u32, visibility: Visibility, when| {
        (0..count)
            .map(|_| {
                n += 1;
                NewIncident {
                    visibility,
                    ..incident(org, lon, category, when, &format!("x{n}"))
                }
            })
            .collect::<Vec<_>>()
    };
    let (norr, syd) = (17.605, 17.625);
    let mut all = Vec::new();
    all.extend(add(
        norr,
        "skadegorelse.klotter",
        12,
        Visibility::Shared,
        at,
    ));
    all.extend(add(norr, "ordning.brak", 2, Visibility::Shared, at));
    all.extend(add(norr, "brott.stold", 6, Visibility::Shared, at));
    all.extend(add(norr, "brott.sexualbrott", 6, Visibility::Shared, at));
    all.extend(add(
        norr,
        "skadegorelse.glaskross",
        7,
        Visibility::Internal,
        at,
    ));
    all.extend(add(syd, "skadegorelse.klotter", 8, Visibility::Shared, at));
    all.extend(add(syd, "ordning.vald", 9, Visibility::Shared, at));
    all.extend(add(syd, "brott.stold", 7, Visibility::Shared, at));
    let now = jiff::Timestamp::now() - 1.hour();
    all.extend(add(
        syd,
        "skadegorelse.klotter",
        30,
        Visibility::Shared,
        now,
    ));
    s.state
        .ingest
        .write(
            &actor,
            all,
            trygg_store::BatchAudit::Batch(serde_json::json!({})),
        )
        .await
        .unwrap();
    let config = PublicConfig {
        categories: vec!["skadegorelse".into(), "ordning".into(), "brott".into()],
        ..PublicConfig::default()
    };
    Fixture {
        base: serve(&s.state, config).await,
        month,
        state: s.state,
    }
}

fn cell<'a>(p: &'a Value, month: &str, area: Option<i64>, group: Option<&str>) -> &'a Value {
    p["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["month"] == month && c["area"].as_i64() == area && c["group"].as_str() == group)
        .unwrap_or_else(|| panic!("no cell {month} {area:?} {group:?}"))
}

#[tokio::test]
async fn the_public_map_answers_everyone_with_the_published_cuts_only() {
    let f = fixture().await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", f.base)).send();
    let m = f.month.to_string();

    // The JSON: only cuts, the right numbers, cacheable.
    let res = get("/api/public/v1/karta").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=3600");
    let p: Value = res.json().await.unwrap();
    let months: Vec<&str> = p["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(months.len(), 24);
    assert!(months.contains(&m.as_str()));
    let this_month = Month::of(Zoned::now().date()).to_string();
    assert!(
        !months.contains(&this_month.as_str()),
        "the running month is not published"
    );
    let areas = p["areas"].as_array().unwrap();
    let id = |name: &str| areas.iter().find(|a| a["name"] == name).unwrap()["id"].as_i64();
    let (norr, syd) = (id("Norr"), id("Syd"));
    assert_eq!(
        cell(&p, &m, norr, Some("skadegorelse"))["count"],
        12,
        "internal incidents left out"
    );
    assert_eq!(cell(&p, &m, syd, Some("skadegorelse"))["count"], 8);
    assert_eq!(
        cell(&p, &m, norr, None)["count"],
        20,
        "sexual offences left out"
    );
    assert_eq!(cell(&p, &m, None, Some("brott"))["count"], 13);
    assert_eq!(cell(&p, &m, None, None)["count"], 44);
    let small = cell(&p, &m, norr, Some("ordning"));
    assert_eq!(small["suppressed"], true);
    assert!(small["count"].is_null(), "never the number: {small}");
    let partner = cell(&p, &m, syd, Some("ordning"));
    assert_eq!(
        partner["suppressed"], true,
        "9 would give away Norr's 2 through the total 11"
    );
    assert_eq!(p["left_out"][0]["code"], "brott.sexualbrott");
    let text = p.to_string();
    for leak in [
        "\"lat\"",
        "\"lon\"",
        "coordinates",
        "incident",
        "external_id",
        "x1\"",
    ] {
        assert!(!text.contains(leak), "{leak} in the publication");
    }

    // The map's layer: boundaries and one number per area.
    let res = get(&format!(
        "/api/public/v1/karta.geojson?month={m}&group=ordning"
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=3600");
    let fc: Value = res.json().await.unwrap();
    for f in fc["features"].as_array().unwrap() {
        assert_eq!(f["geometry"]["type"], "Polygon");
        let keys: Vec<&String> = f["properties"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["code", "count", "name", "suppressed"]);
        assert!(f["properties"]["count"].is_null());
    }
    let res = get("/api/public/v1/karta.geojson?month=1999-01")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("published month"));

    // The CSV: Swedish Excel, a flag for suppressed counts.
    let res = get("/api/public/v1/karta.csv").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "public, max-age=3600");
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains(&format!("{m};Norr;D1;Skadegörelse;skadegorelse;12;nej")),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "{m};Norr;D1;Annat otrygghetsskapande / ordningsstörande;ordning;;ja"
        )),
        "{csv}"
    );

    // The page: the map, the table with the same numbers, "färre än 5", the choice.
    let res = get(&format!("/karta?month={m}&group=")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"karta-map\""));
    assert!(page.contains(&format!(
        "data-layer=\"/api/public/v1/karta.geojson?month={m}&amp;group=\""
    )));
    assert!(
        page.contains("<td class=\"num\">20</td>"),
        "Norr's total in the table"
    );
    assert!(
        page.contains("<td class=\"num\">44</td>"),
        "the areas together"
    );
    assert!(page.contains("Om siffrorna"));
    let page = get(&format!("/karta?month={m}&group=ordning"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("färre än 5"), "suppressed cells say so");
    assert!(!page.contains("<script>"), "no inline script");
    let page = get("/karta?month=1999-01&lang=en")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Safety map"),
        "an old month falls back to the latest"
    );

    let res = get("/karta/om").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let about = res.text().await.unwrap();
    for says in ["färre än 5", "Sexualbrott", "7 dagar", "Inga platser"] {
        assert!(about.contains(says), "/karta/om says {says}");
    }

    // A write changes the snapshot: the next answer is a new publication.
    let org = f.state.store.list_organisations().await.unwrap()[0].id;
    let at = cell_time(f.month);
    let more: Vec<NewIncident> = (0..5)
        .map(|i| incident(org, 17.605, "skadegorelse.klotter", at, &format!("more{i}")))
        .collect();
    f.state
        .ingest
        .write(
            &Actor::system("test"),
            more,
            trygg_store::BatchAudit::Batch(serde_json::json!({})),
        )
        .await
        .unwrap();
    let p: Value = get("/api/public/v1/karta")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        cell(&p, &m, norr, Some("skadegorelse"))["count"],
        17,
        "recomputed"
    );

    // Turned off: not found, page and API.
    let off = serve(
        &f.state,
        PublicConfig {
            enabled: false,
            ..PublicConfig::default()
        },
    )
    .await;
    let res = http.get(format!("{off}/karta")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = http
        .get(format!("{off}/api/public/v1/karta"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// Every documented public operation answers without credentials, under its own prefix.
#[tokio::test]
async fn the_public_api_is_documented_and_open() {
    let f = fixture().await;
    let http = reqwest::Client::new();
    let doc: Value = http
        .get(format!("{}/api/openapi.json", f.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for op in trygg_web::openapi::PUBLIC_OPERATIONS {
        let path = format!("/api/public/v1{}", op.path);
        assert_eq!(
            doc["paths"][&path][op.method]["security"],
            serde_json::json!([]),
            "{path}"
        );
        let res = http.get(format!("{}{path}", f.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path} without credentials");
    }
}
