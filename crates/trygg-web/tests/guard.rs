//! The checks every channel shares, over real HTTP: a position must be on Swedish land (not
//! merely inside Sweden's bounding box) and a time sane, whether an incident comes through
//! `POST /api/v1/incidents` or an EST report (`POST /api/v1/reports`, which the report form
//! posts to). Fresh SQLite database per test.

mod common;

use common::{Spawned, spawn};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trygg_domain::{IncidentFilter, Role, Scope};

async fn stored(app: &Spawned) -> u64 {
    let all = IncidentFilter {
        scope: Scope::All,
        ..Default::default()
    };
    app.store.list_incidents(&all).await.unwrap().total
}

fn event(position: Value, occurred_from: &str) -> Value {
    json!({
        "occurred_from": occurred_from,
        "category": "skadegorelse.klotter",
        "position": position,
        "description": "Nytt klotter på elskåpet."
    })
}

/// Inside Sweden's bounding box, but not on its land.
const ABROAD_OR_AT_SEA: [(&str, f64, f64); 3] = [
    ("Oslo", 59.91, 10.75),
    ("Copenhagen", 55.68, 12.57),
    ("the Baltic between Gotland and Latvia", 57.0, 20.0),
];

#[tokio::test]
async fn positions_abroad_or_at_sea_are_refused_on_every_channel() {
    let app = spawn(&[
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
        ("Uppsala kommun", "rapportor@test", Role::Reporter),
    ])
    .await;
    let (analyst, reporter) = (&app.tokens[0], &app.tokens[1]);
    let http = reqwest::Client::new();
    for (name, lat, lon) in ABROAD_OR_AT_SEA {
        let e = event(json!({"lat": lat, "lon": lon}), "2024-05-01 20:00");
        let (status, err) = app
            .call(&http, Method::POST, "/incidents", analyst, Some(e.clone()))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {err}");
        assert_eq!(err["error"]["code"], "outside_sweden", "{name}: {err}");
        assert_eq!(err["error"]["field"], "position", "{name}: {err}");
        let message = err["error"]["message"].as_str().unwrap();
        for sentence in [
            "is in the sea or outside Sweden",
            "positionen ligger i havet eller utanför Sverige",
        ] {
            assert!(message.contains(sentence), "{name}: {message}");
        }

        let report = json!({"events": [event(json!({"lat": 59.8586, "lon": 17.6389}), "2024-05-01 20:00"), e]});
        let (status, err) = app
            .call(&http, Method::POST, "/reports", reporter, Some(report))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {err}");
        assert_eq!(err["error"]["code"], "outside_sweden", "{name}: {err}");
        assert_eq!(err["error"]["field"], "events[1].position", "{name}: {err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("in the sea or outside Sweden"),
            "{name}: {err}"
        );
    }
    // The same in SWEREF 99 TM: the Baltic east of Gotland.
    let (status, err) = app
        .call(
            &http,
            Method::POST,
            "/incidents",
            analyst,
            Some(event(
                json!({"n": 6_330_000.0, "e": 860_000.0}),
                "2024-05-01 20:00",
            )),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["code"], "outside_sweden", "{err}");
    assert_eq!(
        stored(&app).await,
        0,
        "nothing stored by refused incidents and reports"
    );

    // Uppsala is on land, through both doors.
    let uppsala = event(json!({"lat": 59.8586, "lon": 17.6389}), "2024-05-01 20:00");
    let (status, created) = app
        .call(
            &http,
            Method::POST,
            "/incidents",
            analyst,
            Some(uppsala.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, filed) = app
        .call(
            &http,
            Method::POST,
            "/reports",
            reporter,
            Some(json!({"events": [uppsala]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{filed}");
    assert_eq!(stored(&app).await, 2);
}

#[tokio::test]
async fn absurd_and_future_times_are_refused_with_a_sentence() {
    let app = spawn(&[
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
        ("Uppsala kommun", "rapportor@test", Role::Reporter),
    ])
    .await;
    let (analyst, reporter) = (&app.tokens[0], &app.tokens[1]);
    let http = reqwest::Client::new();
    let uppsala = json!({"lat": 59.8586, "lon": 17.6389});
    let next_week = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 7))
        .unwrap()
        .to_string();
    for (when, says) in [
        ("9999-12-31T23:59", "trygg takes times from 1970 to 2100"),
        (
            "1969-07-20T20:17:00Z",
            "trygg takes times from 1970 to 2100",
        ),
        (next_week.as_str(), "more than a day ahead"),
    ] {
        let (status, err) = app
            .call(
                &http,
                Method::POST,
                "/incidents",
                analyst,
                Some(event(uppsala.clone(), when)),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{when}: {err}");
        assert_eq!(err["error"]["field"], "occurred_from", "{when}: {err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{when}: {message}");
        assert!(
            !message.contains("parameter"),
            "no library internals: {message}"
        );

        let (status, err) = app
            .call(
                &http,
                Method::POST,
                "/reports",
                reporter,
                Some(json!({"events": [event(uppsala.clone(), when)]})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{when}: {err}");
        assert_eq!(
            err["error"]["field"], "events[0].occurred_from",
            "{when}: {err}"
        );
    }
    assert_eq!(stored(&app).await, 0);
}

/// Errors in our own terms: a body over the JSON limit is 413 naming the limit; a duplicate
/// external id is 409 without the database's text; a NUL character is refused with a sentence.
/// Nothing is stored by any of them but the first incident.
#[tokio::test]
async fn oversized_duplicate_and_nul_bodies_are_refused_in_our_words() {
    let app = spawn(&[("Uppsala kommun", "analytiker@test", Role::Analyst)]).await;
    let analyst = &app.tokens[0];
    let http = reqwest::Client::new();
    let uppsala = json!({"lat": 59.8586, "lon": 17.6389});

    let mut big = event(uppsala.clone(), "2024-05-01 20:00");
    big["description"] = json!("x".repeat(3 * 1024 * 1024));
    let (status, err) = app
        .call(&http, Method::POST, "/incidents", analyst, Some(big))
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{err}");
    assert_eq!(err["error"]["code"], "payload_too_large");
    assert!(
        err["error"]["message"].as_str().unwrap().contains("2 MiB"),
        "{err}"
    );

    let mut first = event(uppsala.clone(), "2024-05-01 20:00");
    first["external_id"] = json!("K-2024-17");
    let (status, err) = app
        .call(
            &http,
            Method::POST,
            "/incidents",
            analyst,
            Some(first.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{err}");
    let (status, err) = app
        .call(&http, Method::POST, "/incidents", analyst, Some(first))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("external_id already exists"), "{message}");
    for internal in ["UNIQUE", "constraint", "incidents.", "duplicate key"] {
        assert!(
            !message.contains(internal),
            "database text leaked: {message}"
        );
    }

    let mut nul = event(uppsala, "2024-05-01 20:00");
    nul["description"] = json!("Klotter\u{0}på elskåpet");
    let (status, err) = app
        .call(&http, Method::POST, "/incidents", analyst, Some(nul))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "description", "{err}");
    assert_eq!(stored(&app).await, 1);
}
