//! An Open311 GeoReport v2 client against trygg: discovery and services, an inbound POST (a
//! fix for a coordinator's key, a tip for moderation for an analyst's), GET with its status,
//! the spec's errors (outside the kommun, an unknown service_code, a photo over the limit,
//! a bad key, .xml) with nothing stored; and the outbound round trip against a second trygg
//! acting as the kommun's fault-report system: a routing rule names its endpoint, the fix is
//! sent, closed there, and its status polled back into the fix's history.

mod common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trygg_domain::Role;

async fn with_area(app: &common::Spawned) {
    app.state
        .ingest
        .import_areas(
            &trygg_domain::Actor::system("test"),
            vec![common::square("Gottsunda", "D1", 17.63)],
        )
        .await
        .unwrap();
}

async fn records(app: &common::Spawned) -> usize {
    let mut n = 0;
    for kind in ["fix", "tip"] {
        n += app.store.list_records(kind).await.unwrap().len();
    }
    n
}

async fn post(http: &reqwest::Client, base: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let r = http
        .post(format!("{base}/open311/v2/requests.json"))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

async fn get(http: &reqwest::Client, url: String) -> (StatusCode, Value) {
    let r = http.get(url).send().await.unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

/// The spec's error: one `{code, description}` with the status as code.
fn error(status: StatusCode, v: &Value) -> String {
    assert_eq!(v[0]["code"], json!(status.as_u16()), "{v}");
    v[0]["description"].as_str().unwrap().to_string()
}

/// `good` with field `k` set to `v`.
fn swap<'a>(good: &[(&'a str, &'a str)], k: &str, v: &'a str) -> Vec<(&'a str, &'a str)> {
    good.iter()
        .map(|(a, b)| if *a == k { (*a, v) } else { (*a, *b) })
        .collect()
}

#[tokio::test]
async fn an_open311_client_files_reads_back_and_is_told_what_to_fix() {
    let app = common::spawn(&[
        ("Uppsala kommun", "samordnare@test", Role::Coordinator),
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
        ("Uppsala kommun", "styrgrupp@test", Role::Steering),
    ])
    .await;
    with_area(&app).await;
    let (coordinator, analyst, steering) = (&app.tokens[0], &app.tokens[1], &app.tokens[2]);
    let http = reqwest::Client::new();
    let base = &app.base;

    let (s, d) = get(&http, format!("{base}/open311/v2/discovery.json")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        d["endpoints"][0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/open311/v2/")
    );
    let (s, services) = get(&http, format!("{base}/open311/v2/services.json")).await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"belysning") && codes.contains(&"trygg_plats"),
        "{codes:?}"
    );

    // A coordinator's key: a fix.
    let (s, v) = post(
        &http,
        base,
        &[
            ("api_key", coordinator),
            ("service_code", "belysning"),
            ("lat", "59.805"),
            ("long", "17.635"),
            ("address_string", "Gottsunda centrum"),
            ("description", "Lampan vid busshållplatsen är trasig."),
            ("first_name", "Not stored"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v[0]["service_request_id"].as_str().unwrap().to_string();
    let fix = app.store.list_records("fix").await.unwrap();
    assert_eq!(fix.len(), 1);
    assert_eq!(fix[0].meta.id.to_string(), id);
    assert_eq!(fix[0].data["source"]["kind"], "open311");
    assert!(!fix[0].data.to_string().contains("Not stored"));

    let (s, r) = get(
        &http,
        format!("{base}/open311/v2/requests/{id}.json?api_key={coordinator}"),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r[0]["status"], "open");
    assert_eq!(r[0]["service_code"], "belysning");
    assert_eq!(r[0]["address"], "Gottsunda centrum");

    // Closed in trygg: closed in Open311, with the notes.
    let (s, _) = app
        .call(
            &http,
            Method::POST,
            &format!("/fixes/{id}/status"),
            coordinator,
            Some(json!({"status": "wont_do", "reason": "Privat mark."})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, r) = get(
        &http,
        format!("{base}/open311/v2/requests.json?api_key={coordinator}&status=closed"),
    )
    .await;
    assert_eq!(r.as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r[0]["status"], "closed");
    assert!(
        r[0]["status_notes"]
            .as_str()
            .unwrap()
            .contains("Privat mark.")
    );

    // An analyst's key: a tip for moderation.
    let (s, v) = post(
        &http,
        base,
        &[
            ("api_key", analyst),
            ("service_code", "klotter"),
            ("lat", "59.806"),
            ("long", "17.636"),
            ("description", "Klotter på gångtunneln."),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let tip = v[0]["service_request_id"].as_str().unwrap().to_string();
    assert_eq!(app.store.list_records("tip").await.unwrap().len(), 1);
    let (_, r) = get(
        &http,
        format!("{base}/open311/v2/requests/{tip}.json?api_key={analyst}"),
    )
    .await;
    assert_eq!(r[0]["status"], "open");
    assert_eq!(r[0]["status_notes"], "Waiting for moderation.");
    // Another account does not read it.
    let (s, r) = get(
        &http,
        format!("{base}/open311/v2/requests/{tip}.json?api_key={coordinator}"),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    error(s, &r);

    // Refusals: the spec's format, a sentence saying what to fix, nothing stored.
    let before = records(&app).await;
    let good = [
        ("api_key", coordinator.as_str()),
        ("service_code", "belysning"),
        ("lat", "59.805"),
        ("long", "17.635"),
        ("description", "Trasig lampa."),
    ];
    let with = |k: &str, v| swap(&good, k, v);
    let (s, v) = post(&http, base, &with("service_code", "gatuhal")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        error(s, &v).contains("service_code 'gatuhal' is not a service"),
        "{v}"
    );
    let (s, v) = post(&http, base, &with("lat", "59.858")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(error(s, &v).contains("outside the municipality"), "{v}");
    let (s, v) = post(&http, base, &with("lat", "")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(error(s, &v).contains("lat is missing"), "{v}");
    let (s, v) = post(&http, base, &with("api_key", "nonsense")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(error(s, &v).contains("not a valid API token"), "{v}");
    let (s, v) = post(&http, base, &with("api_key", steering)).await;
    let steering_refused = error(s, &v);
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        steering_refused.contains("file Open311 service requests"),
        "{v}"
    );
    // A photo over the limit (8 MiB).
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(9 * 1024 * 1024, 0);
    let mut form = reqwest::multipart::Form::new().part(
        "media",
        reqwest::multipart::Part::bytes(big).file_name("lampa.jpg"),
    );
    for (k, v) in good {
        form = form.text(k, v.to_string());
    }
    let r = http
        .post(format!("{base}/open311/v2/requests.json"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(error(s, &v).contains("MiB"), "{v}");
    assert_eq!(records(&app).await, before, "nothing stored on a refusal");

    let (s, v) = get(&http, format!("{base}/open311/v2/requests.xml")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(error(s, &v).contains("JSON only"));
}

#[tokio::test]
async fn a_fix_goes_to_a_second_trygg_and_its_status_comes_back() {
    // The kommun's fault-report system: another trygg.
    let remote = common::spawn(&[("Felanmälan", "gata@test", Role::Coordinator)]).await;
    let remote_key = remote.tokens[0].clone();
    let endpoint = format!("{}/open311/v2/", remote.base);
    let mut config = trygg_web::WebConfig::default();
    config.open311.endpoints = serde_json::from_value(json!([
        {"url": endpoint, "api_key": remote_key}
    ]))
    .unwrap();
    let app = common::spawn_with(
        &[("Uppsala kommun", "samordnare@test", Role::Coordinator)],
        config,
    )
    .await;
    let token = &app.tokens[0];
    let http = reqwest::Client::new();

    let (s, v) = app
        .call(
            &http,
            Method::POST,
            "/fix-rules",
            token,
            Some(json!({
                "category": "otrygg-plats.belysning",
                "owner": {"kind": "outside", "name": "Gatukontorets felanmälan", "open311": endpoint},
            })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, fix) = app
        .call(
            &http,
            Method::POST,
            "/fixes",
            token,
            Some(json!({
                "source": {"kind": "manual"},
                "category": "otrygg-plats.belysning",
                "position": [59.8586, 17.6389],
                "description": "Byt armaturen vid hållplatsen.",
                "reporter_text": "Mörkt och otäckt.",
            })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{fix}");
    let id = fix["id"].as_i64().unwrap();
    let (s, sent) = app
        .call(
            &http,
            Method::POST,
            &format!("/fixes/{id}/open311"),
            token,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    assert_eq!(sent["data"]["status"], "sent");
    let remote_id = sent["data"]["remote"]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();

    // The remote has it, with the coordinator's words and not the reporter's.
    let there = remote.store.list_records("fix").await.unwrap();
    assert_eq!(there.len(), 1);
    assert_eq!(there[0].meta.id.to_string(), remote_id);
    assert_eq!(
        there[0].data["description"],
        "Byt armaturen vid hållplatsen."
    );
    assert!(!there[0].data.to_string().contains("Mörkt"));
    // Sent twice: refused.
    let (s, _) = app
        .call(
            &http,
            Method::POST,
            &format!("/fixes/{id}/open311"),
            token,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The first poll takes the remote's notes; a second, with nothing new, changes nothing.
    assert_eq!(trygg_web::open311::poll(&app.state).await.unwrap(), 1);
    assert_eq!(trygg_web::open311::poll(&app.state).await.unwrap(), 0);
    // Done there; the poll brings it back.
    let (s, _) = remote
        .call(
            &http,
            Method::POST,
            &format!("/fixes/{remote_id}/status"),
            &remote_key,
            Some(json!({"status": "done"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(trygg_web::open311::poll(&app.state).await.unwrap(), 1);
    let (_, back) = app
        .call(&http, Method::GET, &format!("/fixes/{id}"), token, None)
        .await;
    assert_eq!(back["data"]["status"], "done", "{back}");
    assert_eq!(back["data"]["remote"]["status"], "closed");
    let history = back["data"]["history"].as_array().unwrap();
    let answer = history
        .iter()
        .find(|h| h["change"]["kind"] == "answer" && h["change"]["text"] == "Done")
        .expect("the status notes in the history");
    assert_eq!(answer["change"]["text"], "Done");
    assert!(answer["by"].to_string().contains("open311"), "{answer}");
    // Closed: no longer polled.
    assert_eq!(trygg_web::open311::poll(&app.state).await.unwrap(), 0);

    // The api_key is in neither the fix nor the audit log.
    let audit = app
        .store
        .list_audit(&Default::default())
        .await
        .map(|a| format!("{a:?}"))
        .unwrap_or_default();
    assert!(!audit.contains(&remote_key));
    assert!(!back.to_string().contains(&remote_key));
}
