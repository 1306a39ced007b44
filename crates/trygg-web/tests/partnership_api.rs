//! The partnership's records over the JSON API (`/api/v1/partnership/…`): the agreement is
//! registered, changed at its version, refused when stale or invalid, and replaced by a new
//! one that lists it as earlier; plans are checked against the stored agreement; the generic
//! records are created, changed and deleted; only coordinators and administrators write, and
//! only the partnership's readers read; every write is audited.

mod common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trygg_demo::partnership as seed;
use trygg_domain::Role;
use trygg_store::AuditFilter;

struct App {
    coordinator: String,
    steering: String,
    reporter: String,
    /// A coordinator of Uppsalahem, which is not a party to the agreement.
    housing: String,
    spawned: common::Spawned,
    client: reqwest::Client,
}

impl App {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.spawned
            .call(
                &self.client,
                method,
                &format!("/partnership{path}"),
                token,
                body,
            )
            .await
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    async fn audit(&self, entity: &str) -> Vec<String> {
        self.spawned
            .store
            .list_audit(&AuditFilter {
                entity: Some(entity.into()),
                entity_id: None,
                limit: 50,
            })
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect()
    }
}

async fn spawn() -> App {
    let spawned = common::spawn(&[
        (seed::KOMMUN, "samordnare@test", Role::Coordinator),
        (seed::KOMMUN, "styrgrupp@test", Role::Steering),
        (seed::KOMMUN, "rapportor@test", Role::Reporter),
        ("Uppsalahem", "bovard@test", Role::Coordinator),
    ])
    .await;
    let [coordinator, steering, reporter, housing] =
        <[String; 4]>::try_from(spawned.tokens.clone()).unwrap();
    App {
        coordinator,
        steering,
        reporter,
        housing,
        spawned,
        client: reqwest::Client::new(),
    }
}

fn agreement() -> Value {
    serde_json::to_value(seed::agreement()).unwrap()
}

#[tokio::test]
async fn the_agreement_is_registered_changed_and_replaced() {
    let app = spawn().await;
    let (s, _) = app.get("/agreement", &app.coordinator).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Only coordinators and administrators write; the reporter may not even read.
    for token in [&app.reporter, &app.steering] {
        let (s, v) = app
            .put(
                "/agreement",
                token,
                json!({"version": 0, "data": agreement()}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    }
    let (s, _) = app.get("/agreement", &app.reporter).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Bad input: 422 naming the field, and nothing stored.
    let mut bad = agreement();
    bad["to_year"] = json!(2019);
    let (s, v) = app
        .put(
            "/agreement",
            &app.coordinator,
            json!({"version": 0, "data": bad}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "to_year");
    let (_, all) = app.get("/agreements", &app.coordinator).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 0);

    let (s, v) = app
        .put(
            "/agreement",
            &app.coordinator,
            json!({"version": 0, "data": agreement()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"], 1);
    let (s, v) = app.get("/agreement", &app.steering).await;
    assert_eq!(s, StatusCode::OK, "the styrgrupp reads");
    assert_eq!(v["data"]["from_year"], 2020);

    // Change at the version read; the same version again is stale.
    let mut changed = agreement();
    changed["purpose"] = json!("Ett tryggare Uppsala.");
    let (s, v) = app
        .put(
            "/agreement",
            &app.coordinator,
            json!({"version": 1, "data": changed}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    let (s, v) = app
        .put(
            "/agreement",
            &app.coordinator,
            json!({"version": 1, "data": agreement()}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "conflict");
    let (_, v) = app.get("/agreement", &app.coordinator).await;
    assert_eq!(v["data"]["purpose"], "Ett tryggare Uppsala.");

    // A new agreement may not start before the current one ends …
    let mut overlapping = agreement();
    overlapping["from_year"] = json!(2022);
    overlapping["to_year"] = json!(2026);
    let (s, v) = app
        .put(
            "/agreement",
            &app.coordinator,
            json!({"version": 0, "data": overlapping}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "from_year");

    // … and when it replaces it, it becomes the current one with the old one as earlier.
    let mut next = agreement();
    next["from_year"] = json!(2024);
    next["to_year"] = json!(2027);
    next["title"] = json!("Samverkansöverenskommelse 2024–2027");
    let (s, v) = app
        .put("/agreement", &app.coordinator, json!({"data": next}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (_, v) = app.get("/agreement", &app.coordinator).await;
    assert_eq!(v["data"]["from_year"], 2024);
    let earlier = v["data"]["earlier"].as_array().unwrap();
    let last = earlier.last().unwrap();
    assert_eq!(
        (&last["from_year"], &last["to_year"]),
        (&json!(2020), &json!(2023))
    );
    let (_, all) = app.get("/agreements", &app.coordinator).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);

    assert_eq!(app.audit("agreement").await, ["create", "update", "create"]);
}

#[tokio::test]
async fn plans_are_checked_against_the_agreement() {
    let app = spawn().await;
    let plan = serde_json::to_value(seed::followed_up_plans().remove(0)).unwrap();
    // No agreement yet: a plan cannot be checked.
    let (s, v) = app
        .post("/commitment-plans", &app.coordinator, plan.clone())
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _) = app
        .put(
            "/agreement",
            &app.coordinator,
            json!({"version": 0, "data": agreement()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let (s, _) = app
        .post("/commitment-plans", &app.reporter, plan.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut outside = plan.clone();
    outside["year"] = json!(2030);
    let (s, v) = app
        .post("/commitment-plans", &app.coordinator, outside)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "year");

    let (s, v) = app
        .post("/commitment-plans", &app.coordinator, plan.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, v) = app
        .post("/commitment-plans", &app.coordinator, plan.clone())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "one plan per year: {v}");

    let mut changed = plan.clone();
    changed["introduction"] = json!("Reviderad.");
    let path = format!("/commitment-plans/{id}");
    let (s, v) = app
        .put(
            &path,
            &app.coordinator,
            json!({"version": 1, "data": changed}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = app
        .put(&path, &app.coordinator, json!({"version": 1, "data": plan}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, v) = app.get(&path, &app.steering).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["introduction"], "Reviderad.");

    let (s, _) = app.call(Method::DELETE, &path, &app.steering, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .call(Method::DELETE, &path, &app.coordinator, None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get(&path, &app.coordinator).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(
        app.audit("commitment_plan").await,
        ["delete", "update", "create"]
    );
}

#[tokio::test]
async fn records_are_created_changed_and_deleted() {
    let app = spawn().await;
    let body = serde_json::to_value(seed::steering_group()).unwrap();
    // Before there is an agreement, nobody is a party to it.
    let (s, v) = app.post("/bodies", &app.coordinator, body.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = app
        .put(
            "/agreement",
            &app.coordinator,
            json!({"version": 0, "data": agreement()}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // A coordinator of an organisation that is not a party reads, but changes nothing.
    let (s, v) = app.post("/bodies", &app.housing, body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Uppsalahem is not a party"),
        "{v}"
    );
    let (s, v) = app.post("/bodies", &app.coordinator, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let mut nameless = body.clone();
    nameless["name"] = json!("");
    let (s, v) = app
        .put(
            &format!("/bodies/{id}"),
            &app.coordinator,
            json!({"version": 1, "data": nameless}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "name");
    let (_, v) = app.get("/bodies", &app.steering).await;
    assert_eq!(v["items"][0]["data"]["name"], body["name"]);
    assert_eq!(v["items"][0]["version"], 1, "nothing stored");

    for p in seed::citizen_promises() {
        let (s, v) = app
            .post(
                "/citizen-promises",
                &app.coordinator,
                serde_json::to_value(p).unwrap(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, _) = app.get("/citizen-promises", &app.reporter).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The communication plan: one, created at version 0 and changed at its version.
    let (s, _) = app.get("/communication-plan", &app.coordinator).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let plan = serde_json::to_value(seed::communication_plan()).unwrap();
    let (s, v) = app
        .put(
            "/communication-plan",
            &app.coordinator,
            json!({"version": 0, "data": plan}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = app
        .put(
            "/communication-plan",
            &app.coordinator,
            json!({"version": 0, "data": plan}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let mut changed = plan.clone();
    changed["purpose"] = json!("Nå fler.");
    let (s, v) = app
        .put(
            "/communication-plan",
            &app.coordinator,
            json!({"version": 1, "data": changed}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    assert_eq!(app.audit("communication_plan").await, ["update", "create"]);

    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/bodies/{id}"),
            &app.coordinator,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = app.get("/bodies", &app.coordinator).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    assert_eq!(app.audit("body").await, ["delete", "create"]);
}
