//! The JSON API over real HTTP, on a fresh SQLite database per test.

mod common;

use common::spawn_app;
use reqwest::StatusCode;
use serde_json::{Value, json};
use trygg_domain::{IncidentFilter, Scope};

fn good() -> Value {
    json!({
        "occurred_from": "2024-05-01 20:00",
        "occurred_to": "2024-05-01T22:00:00+02:00",
        "category": "skadegorelse.klotter",
        "place_type": "street",
        "position": {"lat": 59.8586, "lon": 17.6389},
        "place": "Stora torget",
        "description": "Nytt klotter på elskåpet."
    })
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["database"], "sqlite");
}

#[tokio::test]
async fn the_api_needs_a_valid_token() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/api/v1/incidents")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "unauthorized"
    );
    let (status, _) = app.get("/api/v1/incidents", "not-a-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .post(app.url("/api/v1/incidents"))
        .json(&good())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.stored().await, 0);
}

#[tokio::test]
async fn create_get_and_list() {
    let app = spawn_app().await;
    let (status, created) = app.post(&good().to_string()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["occurred_from"], "2024-05-01T18:00:00Z",
        "local time is Europe/Stockholm (CEST)"
    );
    assert_eq!(created["occurred_to"], "2024-05-01T20:00:00Z");
    assert_eq!(created["channel"], "api");
    let n = created["position"]["n"].as_f64().unwrap();
    assert!(
        (n - 6_638_608.0).abs() < 5.0,
        "SWEREF 99 TM is stored beside WGS84: {n}"
    );
    let id = created["id"].as_i64().unwrap();

    let (status, got) = app
        .get(&format!("/api/v1/incidents/{id}"), &app.token)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got, created);

    let mut internal = good();
    internal["visibility"] = json!("internal");
    internal["category"] = json!("samling.trapphus");
    let (status, hidden) = app.post(&internal.to_string()).await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, list) = app
        .get(
            "/api/v1/incidents?from=2024-05-01&to=2024-05-02",
            &app.token,
        )
        .await;
    assert_eq!(list["total"], 2, "{list}");
    let (_, list) = app
        .get("/api/v1/incidents?category=samling", &app.token)
        .await;
    assert_eq!(list["total"], 1, "a group filter covers its sub-categories");
    let (_, list) = app
        .get("/api/v1/incidents?from=2024-05-02", &app.token)
        .await;
    assert_eq!(list["total"], 0);
    let (_, list) = app
        .get("/api/v1/incidents?source=api&limit=1", &app.token)
        .await;
    assert_eq!(
        (
            list["total"].as_u64(),
            list["items"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );

    // Another organisation sees the shared incident but not the internal one.
    let (_, list) = app.get("/api/v1/incidents", &app.other_token).await;
    assert_eq!(list["total"], 1);
    let (status, _) = app
        .get(
            &format!("/api/v1/incidents/{}", hidden["id"]),
            &app.other_token,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, err) = app.get("/api/v1/incidents?category=nope", &app.token).await;
    assert_eq!(
        (status, err["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("category"))
    );
    let (status, err) = app
        .get("/api/v1/incidents?from=yesterday", &app.token)
        .await;
    assert_eq!(
        (status, err["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_parameter"))
    );
}

/// Each bad input is refused with a 4xx, a stable code and a message saying what to fix, and
/// nothing is stored.
#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let with = |key: &str, value: Value| {
        let mut b = good();
        b[key] = value;
        b.to_string()
    };
    let cases: Vec<(&str, String, StatusCode, &str, &str)> = vec![
        (
            "invalid JSON",
            "{\"occurred_from\": \"2024-05-01\",".into(),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "JSON",
        ),
        (
            "unknown category",
            with("category", json!("graffiti!")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_category",
            "/api/v1/categories",
        ),
        (
            "outside Sweden",
            with("position", json!({"lat": 48.85, "lon": 2.35})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "outside_sweden",
            "outside Sweden",
        ),
        (
            "swapped coordinates",
            with("position", json!({"lat": 17.6389, "lon": 59.8586})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "outside_sweden",
            "swapped",
        ),
        (
            "reversed window",
            with("occurred_to", json!("2024-05-01T19:00")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "time_window_reversed",
            "before it starts",
        ),
        (
            "text over the limit",
            with("description", json!("a".repeat(2001))),
            StatusCode::UNPROCESSABLE_ENTITY,
            "text_too_long",
            "at most 2000",
        ),
        (
            "personnummer YYMMDD-XXXX",
            with("description", json!("Pojke 811228-9874 syntes")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "personal_identity_number",
            "remove the number",
        ),
        (
            "personnummer YYYYMMDDXXXX",
            with("place", json!("198112289874")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "personal_identity_number",
            "personnummer",
        ),
        (
            "personnummer YYMMDDXXXX",
            with("description", json!("id 8112289874")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "personal_identity_number",
            "personnummer",
        ),
        (
            "impossible date",
            with("occurred_from", json!("2023-02-30")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "not a time",
        ),
        (
            "unknown field",
            with("victim_name", json!("x")),
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "unknown field",
        ),
    ];
    for (name, body, status, code, hint) in cases {
        let (got, err) = app.post(&body).await;
        assert_eq!(got, status, "{name}: {err}");
        assert_eq!(err["error"]["code"], code, "{name}: {err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(hint),
            "{name}: message {message:?} should mention {hint:?}"
        );
    }
    assert_eq!(app.stored().await, 0, "nothing was stored");
    let audit = app.store.list_audit(&Default::default()).await.unwrap();
    assert!(
        audit.iter().all(|e| e.entity != "incident"),
        "no incident audit events either"
    );
    // A dated number with a wrong check digit may be a mistyped personnummer: refused, saying
    // how to write a case number; with its prefix, it is accepted.
    let (status, err) = app
        .post(&with("description", json!("Ärende 811228-9875")))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("if it is a case number, write it with its prefix"),
        "{message}"
    );
    let (status, _) = app
        .post(&with("description", json!("Ärende KSN-811228-9875")))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

/// The live snapshot is built from the store at start-up and kept current on every write: the
/// weekly counts follow API writes at once, respect visibility, and agree with the store.
#[tokio::test]
async fn weekly_stats_follow_writes_and_visibility() {
    let app = spawn_app().await;
    let weekly = |token: String, q: &'static str| {
        let app = &app;
        async move { app.get(&format!("/api/v1/stats/weekly{q}"), &token).await.1 }
    };
    assert_eq!(weekly(app.token.clone(), "").await["total"], 0);
    for (day, vis) in [
        ("2024-05-06 10:00", "shared"),
        ("2024-05-08 23:30", "internal"),
        ("2024-05-20 12:00", "shared"),
    ] {
        let mut b = good();
        b["occurred_from"] = json!(day);
        b["occurred_to"] = Value::Null;
        b["visibility"] = json!(vis);
        assert_eq!(app.post(&b.to_string()).await.0, StatusCode::CREATED);
    }
    let own = weekly(app.token.clone(), "").await;
    assert_eq!(own["total"], 3, "{own}");
    let weeks = own["weeks"].as_array().unwrap();
    assert_eq!(
        weeks
            .iter()
            .map(|w| (w["label"].as_str().unwrap(), w["count"].as_u64().unwrap()))
            .collect::<Vec<_>>(),
        vec![("2024-W19", 2), ("2024-W20", 0), ("2024-W21", 1)],
        "ISO weeks in local time, empty weeks included"
    );
    assert_eq!(
        weekly(app.other_token.clone(), "").await["total"],
        2,
        "another organisation does not count internal reports"
    );
    assert_eq!(
        weekly(app.token.clone(), "?category=samling").await["total"],
        0
    );
    assert_eq!(
        weekly(app.token.clone(), "?from=2024-05-13").await["total"],
        1
    );

    // A fresh state over the same store (a restart) builds the same snapshot.
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let state =
        trygg_web::AppState::new(trygg_app::App::load(app.store.clone(), tz).await.unwrap());
    let all = IncidentFilter {
        scope: Scope::All,
        ..Default::default()
    };
    let from_snapshot: u32 = state
        .ingest
        .live()
        .weekly_counts(&all)
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(u64::from(from_snapshot), app.stored().await);
}

/// Coverage: an organisation that filed every week and then stopped is named as silent, to
/// another organisation too (its shared reports count); bad parameters are refused.
#[tokio::test]
async fn coverage_names_an_organisation_gone_silent() {
    let app = spawn_app().await;
    let now = jiff::Zoned::now();
    for weeks_ago in 4..=8 {
        let day = now.checked_sub(jiff::Span::new().weeks(weeks_ago)).unwrap();
        let mut b = good();
        b["occurred_from"] = json!(day.strftime("%Y-%m-%d 12:00").to_string());
        b["occurred_to"] = Value::Null;
        assert_eq!(app.post(&b.to_string()).await.0, StatusCode::CREATED);
    }
    let (status, c) = app.get("/api/v1/stats/coverage", &app.other_token).await;
    assert_eq!(status, StatusCode::OK, "{c}");
    assert_eq!(c["weeks"].as_array().unwrap().len(), 12);
    let orgs = c["organisations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1, "{c}");
    assert_eq!(
        orgs[0]["counts"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_u64)
            .sum::<u64>(),
        5
    );
    assert_eq!(c["alerts"][0]["kind"], "silent", "{c}");
    assert_eq!(c["alerts"][0]["weeks"], 3);
    assert!(
        c["alerts"][0]["message_sv"]
            .as_str()
            .unwrap()
            .contains("har inte rapporterat något på 3 veckor")
    );
    // Asked to wait longer before calling it silence, it is not.
    let (_, c) = app
        .get("/api/v1/stats/coverage?silent_weeks=5", &app.token)
        .await;
    assert_eq!(c["alerts"].as_array().unwrap().len(), 0, "{c}");
    let (status, e) = app
        .get("/api/v1/stats/coverage?weeks=3&silent_weeks=3", &app.token)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, _) = app
        .get("/api/v1/stats/coverage?weeks=many", &app.token)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
