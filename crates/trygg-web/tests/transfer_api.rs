//! File imports and exports over real HTTP, on a fresh SQLite database per test, with the real
//! sample files in `trygg-import/tests/fixtures/`.

mod common;

use std::{path::PathBuf, sync::Arc};

use reqwest::StatusCode;
use serde_json::Value;
use trygg_domain::{IncidentFilter, OrganisationId, Role, Scope};
use trygg_import::polisen::{PolisenOptions, parse_polisen};
use trygg_store::Store;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../trygg-import/tests/fixtures"
);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(FIXTURES).join(name)).unwrap()
}

struct TestApp {
    base: String,
    /// Analyst of organisation A.
    analyst: String,
    /// Reporter of organisation A.
    reporter: String,
    /// Analyst of organisation B.
    other: String,
    /// Coordinator of organisation A.
    coordinator: String,
    /// Administrator of organisation A.
    admin: String,
    store: Arc<dyn Store>,
    client: reqwest::Client,
}

impl TestApp {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn upload(&self, path: &str, token: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn import(&self, path: &str, body: impl Into<Vec<u8>>) -> Value {
        let (status, v) = self.upload(path, &self.analyst, body.into()).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        v
    }

    async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn stored(&self) -> u64 {
        let all = IncidentFilter {
            scope: Scope::All,
            ..Default::default()
        };
        self.store.list_incidents(&all).await.unwrap().total
    }
}

async fn spawn_app() -> TestApp {
    let app = common::spawn(&[
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
        ("Uppsala kommun", "rapportor@test", Role::Reporter),
        ("Uppsalahem", "vakt@test", Role::Analyst),
        ("Uppsala kommun", "samordnare@test", Role::Coordinator),
        ("Uppsala kommun", "admin@test", Role::Admin),
    ])
    .await;
    let [analyst, reporter, other, coordinator, admin] =
        <[String; 5]>::try_from(app.tokens).unwrap();
    TestApp {
        base: app.base,
        analyst,
        reporter,
        other,
        coordinator,
        admin,
        store: app.store,
        client: reqwest::Client::new(),
    }
}

fn polisen_count(bytes: &[u8]) -> usize {
    parse_polisen(
        bytes,
        PolisenOptions {
            source_org: OrganisationId(1),
        },
    )
    .unwrap()
    .incidents
    .len()
}

fn stored_total(v: &Value) -> u64 {
    ["created", "updated", "unchanged"]
        .iter()
        .map(|k| v["stored"][k].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn every_fixture_imports_through_the_api() {
    let app = spawn_app().await;
    let mut names: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut polisen, mut areas, mut gpkg, mut parquet) = (0, 0, 0, 0);
    let mut total = 0;
    for name in &names {
        if name.starts_with("events_") && name.ends_with(".json") {
            let bytes = fixture(name);
            let expected = polisen_count(&bytes);
            let v = app.import("/api/v1/import/polisen", bytes).await;
            assert_eq!(v["summary"]["source"], "polisen", "{name}");
            assert_eq!(v["summary"]["imported"], expected as u64, "{name}");
            assert_eq!(stored_total(&v), expected as u64, "{name}: {v}");
            total += v["stored"]["created"].as_u64().unwrap();
            polisen += 1;
        }
    }
    assert_eq!(app.stored().await, total);
    let mut linked = 0;
    for name in &names {
        if name.ends_with(".geojson") {
            let v = app.import("/api/v1/import/areas", fixture(name)).await;
            let n = v["areas"].as_array().unwrap().len();
            assert!(n > 0, "{name}: {v}");
            assert!(v["areas"][0]["id"].as_i64().is_some(), "{name}: {v}");
            assert!(v["areas"][0]["name"].as_str().is_some(), "{name}: {v}");
            assert!(
                v["areas"][0].get("geometry").is_none(),
                "answers stay small"
            );
            linked += v["linked_incidents"].as_u64().unwrap();
            areas += 1;
        } else if name.ends_with(".gpkg") {
            let v = app.import("/api/v1/import/areas", fixture(name)).await;
            let found = v["areas"].as_array().unwrap();
            assert_eq!(found.len(), 8, "the 8 kommuner of Uppsala län: {v}");
            assert!(
                found
                    .iter()
                    .any(|a| a["name"] == "Uppsala" && a["code"] == "0380"),
                "{v}"
            );
            assert!(found.iter().all(|a| a["kind"] == "kommun"), "{v}");
            assert!(v["linked_incidents"].as_u64().unwrap() > 0, "{v}");
            gpkg += 1;
        } else if name.ends_with(".geoparquet") {
            let v = app.import("/api/v1/import/areas", fixture(name)).await;
            let found = v["areas"].as_array().unwrap();
            assert_eq!(found.len(), 21, "the 21 län: {v}");
            assert!(
                found.iter().any(|a| a["name"] == "Uppsala län"
                    && a["code"] == "03"
                    && a["kind"] == "county"),
                "{v}"
            );
            parquet += 1;
        }
    }
    assert_eq!((polisen, areas, gpkg, parquet), (4, 7, 1, 1), "{names:?}");
    assert!(
        linked > 0,
        "Polisen's kommun centroids lie in the imported kommuner"
    );
    assert_eq!(app.stored().await, total, "area imports add no incidents");
}

#[tokio::test]
async fn the_same_polisen_file_twice_creates_nothing_new() {
    let app = spawn_app().await;
    let bytes = fixture("events_fixture_small.json");
    let first = app.import("/api/v1/import/polisen", bytes.clone()).await;
    assert_eq!(first["stored"]["created"], 22, "{first}");
    assert_eq!(first["summary"]["skipped_summaries"], 1, "{first}");
    let second = app.import("/api/v1/import/polisen", bytes).await;
    assert_eq!(second["stored"]["created"], 0, "{second}");
    assert_eq!(second["stored"]["updated"], 0, "{second}");
    assert_eq!(second["stored"]["unchanged"], 22, "{second}");
    assert_eq!(app.stored().await, 22);
    // Filed under the caller's organisation, as Polisen incidents.
    let page: Value = app
        .get("/api/v1/incidents?source=polisen&limit=1", &app.analyst)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 22, "{page}");
}

#[tokio::test]
async fn a_csv_with_an_impossible_date_names_its_line_and_stores_nothing() {
    let app = spawn_app().await;
    impossible_date(&app, "\n").await;
}

/// The same with Windows line ends, as Excel saves them.
#[tokio::test]
async fn a_crlf_csv_with_an_impossible_date_names_its_line() {
    let app = spawn_app().await;
    impossible_date(&app, "\r\n").await;
}

async fn impossible_date(app: &TestApp, eol: &str) {
    let csv = [
        "Datum;Klockslag;Kategori;Lat;Lon",
        "2023-02-27;14:30;Klotter;59,8586;17,6389",
        "2023-02-28;14:30;Klotter;59,8586;17,6389",
        "2023-02-30;14:30;Klotter;59,8586;17,6389",
        "2023-03-01;14:30;Okänd sak;59,8586;17,6389",
        "",
    ]
    .join(eol);
    let (status, v) = app
        .upload("/api/v1/import/csv", &app.analyst, csv.into())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let e = &v["error"];
    assert_eq!(e["code"], "import_failed", "{v}");
    assert!(e["message"].as_str().unwrap().contains("Nothing"), "{v}");
    let errors = e["errors"].as_array().unwrap();
    let date = errors
        .iter()
        .find(|x| x["location"] == "line 4")
        .unwrap_or_else(|| panic!("line 4 is listed: {v}"));
    assert!(
        date["message"].as_str().unwrap().contains("2023-02-30"),
        "{v}"
    );
    assert!(
        errors.iter().any(|x| x["message"]
            .as_str()
            .unwrap()
            .contains("\"Okänd sak\" (1 row, first on line 5)")),
        "the unknown category is listed too: {v}"
    );
    assert_eq!(e["more"], 0);
    assert_eq!(app.stored().await, 0, "nothing is stored");
}

#[tokio::test]
async fn truncated_json_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let mut bytes = fixture("events_fixture_small.json");
    bytes.truncate(bytes.len() / 2);
    let (status, v) = app
        .upload("/api/v1/import/polisen", &app.analyst, bytes)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "import_failed");
    assert_eq!(v["error"]["errors"][0]["location"], "file", "{v}");
    assert!(
        v["error"]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ends too early"),
        "{v}"
    );
    let mut areas = fixture("scb_uppsala_lan_kommuner_wgs84.geojson");
    areas.truncate(areas.len() - 10);
    let (status, v) = app
        .upload("/api/v1/import/areas", &app.analyst, areas)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "import_failed");
    let mut gpkg = fixture("uppsala_lan_kommuner_3006.gpkg");
    gpkg.truncate(4096);
    let (status, v) = app.upload("/api/v1/import/areas", &app.analyst, gpkg).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let text = v.to_string();
    assert!(
        !text.contains("trygg-upload-"),
        "the temp path is hidden: {v}"
    );
    let mut parquet = fixture("scb_lan_wgs84.geoparquet");
    parquet.truncate(parquet.len() / 2);
    let (status, v) = app
        .upload("/api/v1/import/areas", &app.analyst, parquet)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("cut off"), "{v}");
    assert_eq!(app.stored().await, 0);
    assert!(app.store.list_areas().await.unwrap().is_empty());
}

#[tokio::test]
async fn only_admins_coordinators_and_analysts_may_import() {
    let app = spawn_app().await;
    let bytes = fixture("events_fixture_small.json");
    for path in [
        "/api/v1/import/polisen",
        "/api/v1/import/csv",
        "/api/v1/import/geojson",
        "/api/v1/import/areas",
    ] {
        let (status, v) = app.upload(path, &app.reporter, bytes.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {v}");
        assert_eq!(v["error"]["code"], "forbidden");
        let r = app
            .client
            .post(app.url(path))
            .body(bytes.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["code"],
            "unauthorized"
        );
    }
    for path in [
        "/api/v1/export/incidents.csv",
        "/api/v1/export/incidents.geojson",
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(app.stored().await, 0);
    for token in [&app.coordinator, &app.admin] {
        let (status, v) = app
            .upload("/api/v1/import/polisen", token, bytes.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
    }
    assert_eq!(app.stored().await, 22);
}

#[tokio::test]
async fn an_oversized_upload_is_refused_with_413() {
    let app = spawn_app().await;
    let body = vec![b' '; 64 * 1024 * 1024 + 1];
    let r = app
        .client
        .post(app.url("/api/v1/import/csv"))
        .bearer_auth(&app.analyst)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large", "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("64 MiB"),
        "{v}"
    );
    // Who may not import is refused before the upload is read.
    let r = app
        .client
        .post(app.url("/api/v1/import/csv"))
        .bearer_auth(&app.reporter)
        .body(vec![b' '; 64 * 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Just under the limit is read (and refused for what it is, not for its size).
    let (status, v) = app
        .upload("/api/v1/import/csv", &app.analyst, vec![b'x'; 3 << 20])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

/// Five incidents of organisation A (three klotter, two in May) and one internal of B.
const SAMPLE: &str = "\u{feff}Datum;Klockslag;Kategori;Lat;Lon;Plats;Beskrivning;Ärendenr\r\n\
    2024-05-01;20:15;Klotter;59,8586;17,6389;Stora torget;Nytt klotter på elskåpet;A-1\r\n\
    2024-05-03;21:00;skadegorelse.klotter;59,8600;17,6400;Svandammen;Tags på bänk;A-2\r\n\
    2024-06-10;02:30;Klotter;59,8400;17,6500;Gottsunda centrum;;A-3\r\n\
    2024-05-20;23:10;ordning.brak;59,8586;17,6389;Stora torget;Bråk utanför krogen;A-4\r\n\
    2024-07-01;12:00;Glaskross;59,8700;17,6200;Gränby;;A-5\r\n";

async fn sample(app: &TestApp) {
    let v = app.import("/api/v1/import/csv", SAMPLE).await;
    assert_eq!(v["stored"]["created"], 5, "{v}");
    assert_eq!(
        v["summary"]["by_category"]["skadegorelse.klotter"], 3,
        "{v}"
    );
    let internal = "Datum;Kategori;Lat;Lon;Beskrivning\n2024-05-02;Klotter;59.858;17.639;Hemligt\n";
    let (status, v) = app
        .upload(
            "/api/v1/import/csv?visibility=internal",
            &app.other,
            internal.into(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(app.stored().await, 6);
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split(';').map(String::from).collect())
        .collect()
}

#[tokio::test]
async fn export_csv_is_swedish_excel_and_holds_exactly_the_filtered_rows() {
    let app = spawn_app().await;
    sample(&app).await;
    let r = app
        .get(
            "/api/v1/export/incidents.csv?category=skadegorelse.klotter&from=2024-05-01&to=2024-06-01",
            &app.analyst,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"handelser.csv\""
    );
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with("Id;Från;Till;"), "{text}");
    let rows = csv_rows(text);
    assert_eq!(rows.len(), 2, "A-1 and A-2 only: {text}");
    let mut ids: Vec<&str> = rows.iter().map(|r| r[13].as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["A-1", "A-2"]);
    assert!(
        rows.iter()
            .any(|r| r[7] == "59,858600" && r[8] == "17,638900"),
        "decimal comma: {text}"
    );
    assert!(
        rows.iter().all(|r| r[5] == "Klotter"),
        "Swedish label: {text}"
    );
    assert!(text.contains("Nytt klotter på elskåpet"));
    // The same filter through the list answers the same count.
    let page: Value = app
        .get(
            "/api/v1/incidents?category=skadegorelse.klotter&from=2024-05-01&to=2024-06-01",
            &app.analyst,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 2);
    // A bad filter is a 400, as on the list.
    let r = app
        .get("/api/v1/export/incidents.csv?category=nope", &app.analyst)
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn export_geojson_is_a_wgs84_feature_collection_with_the_same_count() {
    let app = spawn_app().await;
    sample(&app).await;
    let filter = "category=skadegorelse&from=2024-05-01";
    let r = app
        .get(
            &format!("/api/v1/export/incidents.geojson?{filter}"),
            &app.analyst,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"handelser.geojson\""
    );
    let fc: Value = r.json().await.unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    let page: Value = app
        .get(&format!("/api/v1/incidents?{filter}"), &app.analyst)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(features.len() as u64, page["total"].as_u64().unwrap());
    assert_eq!(features.len(), 4, "three klotter and one glaskross");
    for f in features {
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (17.0..18.0).contains(&lon) && (59.0..60.0).contains(&lat),
            "{f}"
        );
    }
}

#[tokio::test]
async fn another_organisations_internal_incidents_are_not_exported() {
    let app = spawn_app().await;
    sample(&app).await;
    let text = app
        .get("/api/v1/export/incidents.csv", &app.analyst)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv_rows(&text).len(), 5, "{text}");
    assert!(!text.contains("Hemligt"), "{text}");
    let fc: Value = app
        .get("/api/v1/export/incidents.geojson", &app.analyst)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), 5);
    // Its own organisation exports it, with everyone's shared incidents.
    let text = app
        .get("/api/v1/export/incidents.csv", &app.other)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv_rows(&text).len(), 6, "{text}");
    assert!(
        text.contains("Hemligt") && text.contains(";internal"),
        "{text}"
    );
}

#[tokio::test]
async fn exports_hold_every_page() {
    let app = spawn_app().await;
    let mut csv = String::from("Datum;Kategori;Lat;Lon;Ärendenr\n");
    for k in 0..1203 {
        csv.push_str(&format!(
            "2024-05-{:02};Klotter;59,85{:02};17,63{:02};B-{k}\n",
            k % 28 + 1,
            k % 100,
            k % 97
        ));
    }
    let v = app.import("/api/v1/import/csv", csv).await;
    assert_eq!(v["stored"]["created"], 1203, "{v}");
    let text = app
        .get("/api/v1/export/incidents.csv?limit=10", &app.analyst)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        csv_rows(&text).len(),
        1203,
        "more than one page, limit ignored"
    );
}

#[tokio::test]
async fn csv_and_geojson_options_come_from_the_query() {
    let app = spawn_app().await;
    // Own column names, mapped with repeated and comma-separated `map`; SWEREF 99 TM X/Y.
    let csv = "Dag;Brottstyp;X;Y\n2024-05-01;Klotter;6638604;647795\n";
    let v = app
        .import(
            "/api/v1/import/csv?map=occurred_date=Dag&map=category=Brottstyp,x=X,y=Y&crs=3006&precision=address",
            csv,
        )
        .await;
    assert_eq!(v["stored"]["created"], 1, "{v}");
    let page: Value = app
        .get("/api/v1/incidents", &app.analyst)
        .await
        .json()
        .await
        .unwrap();
    let i = &page["items"][0];
    assert_eq!(i["position"]["precision"], "address", "{i}");
    assert!(
        (i["position"]["lat"].as_f64().unwrap() - 59.8586).abs() < 0.01,
        "{i}"
    );
    // Unknown or malformed parameters are 400 with the parameter named.
    for (q, field) in [
        ("crs=900913", "crs"),
        ("map=nofield=X", "map"),
        ("visibility=secret", "visibility"),
        ("precision=roughly", "precision"),
        ("delimiter=tab", "delimiter"),
    ] {
        let (status, v) = app
            .upload(&format!("/api/v1/import/csv?{q}"), &app.analyst, csv.into())
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{q}: {v}");
        assert_eq!(v["error"]["field"], field, "{q}: {v}");
    }
    let (status, v) = app
        .upload(
            "/api/v1/import/areas?kind=planet",
            &app.analyst,
            fixture("scb_uppsala_kommun_0380_wgs84.geojson"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    // GeoJSON points.
    let fc = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [17.6389, 59.8586]},
         "properties": {"Datum": "2023-05-01", "Klockslag": "22:15", "Kategori": "Glaskross"}}]}"#;
    let v = app
        .import("/api/v1/import/geojson?visibility=internal", fc)
        .await;
    assert_eq!(v["summary"]["source"], "geojson", "{v}");
    assert_eq!(v["stored"]["created"], 1, "{v}");
    let page: Value = app
        .get(
            "/api/v1/incidents?category=skadegorelse.glaskross",
            &app.other,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0, "internal to the importer's organisation");
    // Areas with explicit properties and kind, then incidents are linked to them.
    let v = app
        .import(
            "/api/v1/import/areas?name_property=kommun&code_property=kommun_kod&kind=district",
            fixture("uppsala_lan_kommuner_3006.gpkg"),
        )
        .await;
    assert!(
        v["areas"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["kind"] == "district"),
        "{v}"
    );
    assert_eq!(v["linked_incidents"], 2, "{v}");
}

/// The kommun's own Excel export (Windows-1252, `;`, SWEREF 99 TM X/Y with decimal comma):
/// its data rows as (X, Y, Kategori, Beskrivning).
fn kommun_rows(bytes: &[u8]) -> Vec<(f64, f64, String, String)> {
    // å, ä, ö and é are the same bytes in Windows-1252 and Latin-1.
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let number = |s: &str| s.replace(',', ".").parse::<f64>().unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(';').collect();
            (
                number(c[3]),
                number(c[4]),
                c[2].to_string(),
                c[6].to_string(),
            )
        })
        .collect()
}

impl TestApp {
    /// Uploads as the analyst with the query `pairs`, encoded.
    async fn upload_with(
        &self,
        path: &str,
        pairs: &[(&str, &str)],
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let url = reqwest::Url::parse_with_params(&self.url(path), pairs).unwrap();
        let r = self
            .client
            .post(url)
            .bearer_auth(&self.analyst)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn a_kommun_export_with_its_own_category_is_refused_then_imports_with_category_map() {
    let app = spawn_app().await;
    let bytes = fixture("kommun_uppsala_handelser_cp1252.csv");
    let given = kommun_rows(&bytes);
    assert_eq!(given.len(), 40);

    let (status, v) = app
        .upload("/api/v1/import/csv", &app.analyst, bytes.clone())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "import_failed", "{v}");
    let errors = v["error"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "one error for the value: {v}");
    assert_eq!(errors[0]["location"], "file", "{v}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "unknown category \"Ordningsstörning\" (7 rows, first on line 12): map it with the \
             query parameter category_map=Ordningsstörning=CODE"
        ),
        "{message}"
    );
    assert!(
        message.contains("nearest codes: ordning.ovrigt"),
        "{message}"
    );
    assert_eq!(app.stored().await, 0, "nothing is stored");

    // A target that is not a code: 400 naming it and the nearest codes.
    let (status, v) = app
        .upload_with(
            "/api/v1/import/csv",
            &[("category_map", "Ordningsstörning=ordning.ovrig")],
            bytes.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "category_map", "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("\"ordning.ovrig\"") && message.contains("Nearest codes: ordning.ovrigt"),
        "{message}"
    );
    assert_eq!(app.stored().await, 0);

    let (status, v) = app
        .upload_with(
            "/api/v1/import/csv",
            &[
                ("category_map", "Ordningsstörning=ordning.ovrigt"),
                ("category_map", "Rån, försök=ordning.ran"),
            ],
            bytes,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["stored"]["created"], 40, "{v}");
    assert_eq!(
        v["summary"]["mapped_categories"]["Ordningsstörning"],
        serde_json::json!({"code": "ordning.ovrigt", "rows": 7}),
        "{v}"
    );
    let page: Value = app
        .get("/api/v1/incidents?limit=1000", &app.analyst)
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 40, "{page}");
    let mut worst: f64 = 0.0;
    for (x, y, category, description) in &given {
        let i = items
            .iter()
            .find(|i| i["description"] == description.as_str())
            .unwrap_or_else(|| panic!("{description} is stored"));
        let p = &i["position"];
        let f = |k: &str| p[k].as_f64().unwrap_or_else(|| panic!("{k} in {p}"));
        let back =
            trygg_domain::Position::from_wgs84(f("lat"), f("lon"), trygg_domain::Precision::Exact)
                .unwrap();
        for (n, e) in [(f("n"), f("e")), (back.n, back.e)] {
            let d = (n - x).hypot(e - y);
            worst = worst.max(d);
            assert!(d < 1.0, "{description}: {d} m from X {x}, Y {y}");
        }
        if category == "Ordningsstörning" {
            assert_eq!(i["category"], "ordning.ovrigt", "{i}");
        }
    }
    assert!(worst < 1.0, "worst {worst} m");
}

/// The OpenAPI document describes the import options, and every option it lists for a file
/// import is one the route takes.
#[tokio::test]
async fn the_documented_import_options_are_the_ones_taken() {
    let app = spawn_app().await;
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sample = |name: &str| match name {
        "crs" => "4326",
        "map" => "category=Kategori",
        "category_map" => "Egen sak=ordning",
        "visibility" => "shared",
        "precision" => "exact",
        other => panic!("no sample value for the documented parameter {other:?}"),
    };
    for (path, body) in [
        (
            "/import/csv",
            "Datum;Kategori;Lat;Lon\n2024-05-01;Egen sak;59,8586;17,6389\n",
        ),
        (
            "/import/geojson",
            r#"{"type": "FeatureCollection", "features": [{"type": "Feature",
                "geometry": {"type": "Point", "coordinates": [17.6389, 59.8586]},
                "properties": {"Datum": "2024-05-01", "Kategori": "Egen sak"}}]}"#,
        ),
    ] {
        let params = doc["paths"][format!("/api/v1{path}")]["post"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} documented"));
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert!(names.contains(&"category_map"), "{path}: {names:?}");
        let cm = params.iter().find(|p| p["name"] == "category_map").unwrap();
        assert_eq!(cm["schema"]["type"], "array", "repeatable: {cm}");
        assert!(
            cm["description"].as_str().unwrap().contains("VALUE=CODE"),
            "{cm}"
        );
        let pairs: Vec<(&str, &str)> = names.iter().map(|&n| (n, sample(n))).collect();
        let (status, v) = app
            .upload_with(&format!("/api/v1{path}"), &pairs, body.into())
            .await;
        assert_eq!(status, StatusCode::OK, "{path} with {pairs:?}: {v}");
    }
}
