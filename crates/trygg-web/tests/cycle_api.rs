//! The knowledge-based cycle over real HTTP: problems, cause analyses, interventions, their
//! follow-up, meetings and alerts — on small hand-made data, and on the demo city where the
//! planted intervention must show its planted effect.

mod common;

use reqwest::StatusCode;
use serde_json::{Value, json};
use trygg_domain::{Actor, Role};
use trygg_store::AuditFilter;

struct App {
    coordinator: String,
    analyst: String,
    reporter: String,
    /// The police's coordinator: another organisation.
    police: String,
    /// A member of the styrgrupp: reads the cycle, writes nothing.
    steering: String,
    spawned: common::Spawned,
    client: reqwest::Client,
}

impl App {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.spawned
            .call(&self.client, method, path, token, body)
            .await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, &self.steering, None)
            .await
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, token, Some(body))
            .await
    }

    fn org(&self, name: &str) -> i64 {
        self.spawned.orgs[name].0
    }
}

async fn spawn() -> App {
    let spawned = common::spawn(&[
        ("Uppsala kommun", "samordnare@test", Role::Coordinator),
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
        ("Uppsala kommun", "rapportor@test", Role::Reporter),
        (
            "Lokalpolisområde Uppsala",
            "kommunpolis@test",
            Role::Coordinator,
        ),
        ("Uppsalahem", "styrgrupp@test", Role::Steering),
    ])
    .await;
    let [coordinator, analyst, reporter, police, steering] =
        <[String; 5]>::try_from(spawned.tokens.clone()).unwrap();
    App {
        coordinator,
        analyst,
        reporter,
        police,
        steering,
        spawned,
        client: reqwest::Client::new(),
    }
}

/// Three districts far apart (treated, control, buffer) and their ids.
async fn areas(app: &App) -> Vec<i64> {
    app.spawned
        .state
        .ingest
        .import_areas(
            &Actor::system("test"),
            vec![
                common::square("Gottsunda", "G", 17.60),
                common::square("Stenhagen", "S", 17.50),
                common::square("Valsätra", "V", 17.62),
            ],
        )
        .await
        .unwrap();
    app.spawned
        .store
        .list_areas()
        .await
        .unwrap()
        .iter()
        .map(|a| a.id.0)
        .collect()
}

fn problem(app: &App, area: i64) -> Value {
    json!({
        "title": "Skadegörelse i Gottsunda centrum",
        "description": "Klotter och glaskross kvällstid.",
        "definition": {"categories": ["skadegorelse"], "areas": [area], "from": "2024-01-01"},
        "origin": {"kind": "hot_spot", "reference": "Gottsunda centrum"},
        "status": "active",
        "owners": [app.org("Uppsala kommun"), app.org("Lokalpolisområde Uppsala")]
    })
}

#[tokio::test]
async fn problems_are_versioned_validated_audited_and_only_writers_may_write() {
    let app = spawn().await;
    let a = areas(&app).await;
    let (s, created) = app
        .post("/problems", &app.coordinator, problem(&app, a[0]))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["version"], 1);
    assert_eq!(created["kind"], "problem");
    let id = created["id"].as_i64().unwrap();

    // Reporters neither read nor write the cycle; the styrgrupp reads and does not write.
    let (s, v) = app
        .post("/problems", &app.reporter, problem(&app, a[0]))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = app
        .call(reqwest::Method::GET, "/problems", &app.reporter, None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = app
        .post("/problems", &app.steering, problem(&app, a[0]))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, list) = app.get("/problems").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (s, one) = app.get(&format!("/problems/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{one}");
    assert_eq!(one["data"]["title"], "Skadegörelse i Gottsunda centrum");
    assert_eq!(
        one["computed"]["count"], 0,
        "the size is computed, not typed"
    );

    // Validation names the field; nothing is stored.
    let mut bad = problem(&app, a[0]);
    bad["definition"]["categories"] = json!(["inte-en-kategori"]);
    let (s, v) = app.post("/problems", &app.analyst, bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "unknown_category");
    assert_eq!(v["error"]["field"], "definition.categories[0]");
    let mut bad = problem(&app, 999);
    bad["title"] = json!("Ok");
    let (s, v) = app.post("/problems", &app.analyst, bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "definition.areas[0]");
    let (s, v) = app
        .post("/problems", &app.analyst, json!({"title": "x"}))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        app.get("/problems").await.1["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Optimistic concurrency: the second writer from version 1 gets 409.
    let mut data = problem(&app, a[0]);
    data["status"] = json!("addressed");
    let (s, v) = app
        .put(
            &format!("/problems/{id}"),
            &app.coordinator,
            json!({"version": 1, "data": data}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"], 2);
    let mut stale = problem(&app, a[0]);
    stale["title"] = json!("Gammal titel");
    let (s, v) = app
        .put(
            &format!("/problems/{id}"),
            &app.analyst,
            json!({"version": 1, "data": stale}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "conflict");
    let (_, now) = app.get(&format!("/problems/{id}")).await;
    assert_eq!(now["data"]["status"], "addressed");
    assert_eq!(now["data"]["title"], "Skadegörelse i Gottsunda centrum");
    let (s, _) = app
        .put(
            "/problems/4242",
            &app.analyst,
            json!({"version": 1, "data": problem(&app, a[0])}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let trail = app
        .spawned
        .store
        .list_audit(&AuditFilter {
            entity: Some("problem".into()),
            entity_id: Some(id.to_string()),
            limit: 10,
        })
        .await
        .unwrap();
    let actions: Vec<_> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["update", "create"]);
    assert_eq!(
        trail[0].before.as_ref().unwrap()["data"]["status"],
        "active"
    );
}

#[tokio::test]
async fn analysis_intervention_evaluation_and_approval() {
    let app = spawn().await;
    let a = areas(&app).await;
    let (_, p) = app
        .post("/problems", &app.coordinator, problem(&app, a[0]))
        .await;
    let pid = p["id"].as_i64().unwrap();

    let (s, v) = app.get(&format!("/problems/{pid}/analysis")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let analysis = json!({
        "triangle": {"offender": "Unga som samlas", "place": "Mörka entréer"},
        "perspectives": {"situational": "Dålig belysning"},
        "hypotheses": [{"key": "H1", "text": "Mörkret skyddar", "evidence": [
            {"kind": "figure", "text": "70 % efter 19"},
            {"kind": "attachment", "name": "Trygghetsvandring.pdf", "url": "https://example.se/tv.pdf"}
        ]}],
        "conclusion": "Belysning och vuxennärvaro."
    });
    let (s, v) = app
        .put(
            &format!("/problems/{pid}/analysis"),
            &app.analyst,
            json!({"version": 0, "data": analysis}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["problem_id"], pid);
    let (s, v) = app
        .put(
            &format!("/problems/{pid}/analysis"),
            &app.analyst,
            json!({"version": 0, "data": analysis}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a second 'create' is stale: {v}");
    let (s, v) = app
        .put(
            &format!("/problems/{pid}/analysis"),
            &app.analyst,
            json!({"version": 1, "data": analysis}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        app.get(&format!("/problems/{pid}/analysis")).await.1["version"],
        2
    );

    let intervention = |key: &str| {
        json!({
            "title": "Trygg i Gottsunda centrum",
            "problem_ids": [pid],
            "hypotheses": [{"problem_id": pid, "key": key}],
            "method": {"kind": "situational", "techniques": ["extend-guardianship", "natural-surveillance"]},
            "responsible": {"organisation_id": app.org("Uppsala kommun"), "unit": "Trygghet"},
            "resources": [
                {"organisation_id": app.org("Uppsala kommun"), "planned_hours": 100, "planned_sek": 50000},
                {"organisation_id": app.org("Lokalpolisområde Uppsala"), "planned_hours": 40, "used_hours": 12}
            ],
            "start": "2024-03-01",
            "status": "ongoing",
            "treated_areas": [a[0]], "control_areas": [a[1]], "buffer_areas": [a[2]]
        })
    };
    let (s, v) = app
        .post("/interventions", &app.coordinator, intervention("H9"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "hypotheses[0].key");
    let (s, v) = app
        .post("/interventions", &app.coordinator, intervention("H1"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let iid = v["id"].as_i64().unwrap();
    let (_, one) = app.get(&format!("/interventions/{iid}")).await;
    assert_eq!(one["resources_total"]["planned_hours"], 140.0);
    assert_eq!(one["follow_up_id"], Value::Null);
    let (_, p) = app.get(&format!("/problems/{pid}")).await;
    assert_eq!(p["intervention_ids"], json!([iid]));
    let (_, t) = app.get("/techniques").await;
    assert_eq!(t["items"].as_array().unwrap().len(), 5);

    let (s, e) = app.get(&format!("/interventions/{iid}/evaluation")).await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["approved"], Value::Null);
    assert_eq!(e["live"]["status"], "live");
    assert_eq!(e["live"]["months"], 12);
    assert!(
        e["live"]["verdict_sv"]
            .as_str()
            .unwrap()
            .contains("åtgärdsområdet")
    );

    let (s, _) = app
        .post(
            &format!("/interventions/{iid}/evaluation/approve"),
            &app.analyst,
            json!({}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "analysts prepare, coordinators approve"
    );
    // The police's coordinator may not approve (or change) the kommun's intervention.
    let (s, v) = app
        .post(
            &format!("/interventions/{iid}/evaluation/approve"),
            &app.police,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("belongs to Uppsala kommun"),
        "{v}"
    );
    let (_, current) = app.get(&format!("/interventions/{iid}")).await;
    let (s, v) = app
        .put(
            &format!("/interventions/{iid}"),
            &app.police,
            json!({"version": current["version"], "data": current["data"]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // Incidents internal to the police, in the treated area and period, count for no follow-up:
    // every organisation of the partnership reads it, live or approved.
    let (_, before) = app.get(&format!("/interventions/{iid}/evaluation")).await;
    for day in ["2024-04-10T21:00", "2024-04-11T21:00", "2024-04-12T21:00"] {
        let (s, v) = app
            .post(
                "/incidents",
                &app.police,
                json!({"occurred_from": day, "category": "skadegorelse",
                       "position": {"lat": 59.805, "lon": 17.605}, "visibility": "internal"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    for token in [&app.police, &app.coordinator] {
        let (_, now) = app
            .call(
                reqwest::Method::GET,
                &format!("/interventions/{iid}/evaluation"),
                token,
                None,
            )
            .await;
        assert_eq!(now["live"]["counts"], before["live"]["counts"]);
    }
    let (s, f) = app
        .post(
            &format!("/interventions/{iid}/evaluation/approve"),
            &app.coordinator,
            json!({"comment": "Godkänd"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(
        f["data"]["evaluation"]["counts"], before["live"]["counts"],
        "the approval counts the shared picture only"
    );
    assert_eq!(f["data"]["evaluation"]["status"], "approved");
    let (_, e) = app.get(&format!("/interventions/{iid}/evaluation")).await;
    assert_eq!(e["approved"]["data"]["comment"], "Godkänd");
    let mut future = intervention("H1");
    future["start"] = json!("2099-01-01");
    let (_, f) = app.post("/interventions", &app.coordinator, future).await;
    let (_, fe) = app
        .get(&format!("/interventions/{}/evaluation", f["id"]))
        .await;
    assert_eq!(fe["live"]["months"], 0);
    assert!(
        fe["live"]["verdict_sv"]
            .as_str()
            .unwrap()
            .starts_with("För tidigt")
    );
    let (s, v) = app
        .post(
            &format!("/interventions/{}/evaluation/approve", f["id"]),
            &app.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too early to approve: {v}"
    );
    assert_eq!(
        e["approved"]["data"]["evaluation"]["counts"],
        e["live"]["counts"]
    );
    assert_eq!(e["live"]["status"], "live");

    // Once a commitment plan is stored, an intervention links only to one of its commitments.
    let plan = trygg_demo::partnership::commitment_plan_2020();
    trygg_store::records::create(
        app.spawned.store.as_ref(),
        &Actor::system("test"),
        trygg_domain::OrganisationId(app.org("Uppsala kommun")),
        &plan,
    )
    .await
    .unwrap();
    let mut linked = intervention("H1");
    linked["commitment_ref"] = json!("2099-1");
    let (s, v) = app
        .post("/interventions", &app.coordinator, linked.clone())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "commitment_ref");
    let first = plan.commitments[0].id.as_str();
    assert!(
        v["error"]["message"].as_str().unwrap().contains(first),
        "the error names the commitments there are: {v}"
    );
    linked["commitment_ref"] = json!(first);
    let (s, v) = app.post("/interventions", &app.coordinator, linked).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["commitment_ref"], first);
}

#[tokio::test]
async fn open_meeting_actions_carry_over_until_closed() {
    let app = spawn().await;
    let meeting = |date: &str, actions: Value| {
        json!({
            "date": date,
            "observations": ["Klotter vid entrén"],
            "actions": actions,
            "focus_places": [{"name": "Gottsunda centrum"}],
            "feedback": [{"text": "Tack, klottret saneras.", "incident_ids": [1]}]
        })
    };
    let (s, m1) = app
        .post(
            "/meetings",
            &app.coordinator,
            meeting(
                "2024-05-06",
                json!([
                    {"text": "Sanera klotter", "owner": "Gatukontoret", "deadline": "2024-05-08"},
                    {"text": "Byt belysning", "owner": "Uppsalahem"}
                ]),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m1}");
    let keys: Vec<String> = m1["data"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), 2);
    let id1 = m1["id"].as_i64().unwrap();

    // Close the first action in meeting 1.
    let mut data = m1["data"].clone();
    data["actions"][0]["status"] = json!("closed");
    let (s, v) = app
        .put(
            &format!("/meetings/{id1}"),
            &app.coordinator,
            json!({"version": 1, "data": data}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let (s, m2) = app
        .post(
            "/meetings",
            &app.coordinator,
            meeting("2024-05-13", json!([])),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m2}");
    assert_eq!(m2["carried_over"], 1);
    assert_eq!(m2["data"]["actions"][0]["text"], "Byt belysning");
    assert_eq!(m2["data"]["actions"][0]["carried_from"], id1);
    let id2 = m2["id"].as_i64().unwrap();

    let (s, one) = app.get(&format!("/meetings/{id2}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one["briefing"]["week"], "2024-W19", "last week's lägesbild");
    let (_, list) = app.get("/meetings").await;
    assert_eq!(list["items"][0]["id"], id2, "newest first");
    let (s, fb) = app.get("/feedback").await;
    assert_eq!(s, StatusCode::OK, "reporters read the feedback");
    assert_eq!(fb["items"].as_array().unwrap().len(), 2);
    assert_eq!(fb["items"][0]["meeting_id"], id2);
    assert_eq!(fb["items"][0]["incident_ids"], json!([1]));

    let (s, v) = app
        .post("/meetings", &app.reporter, meeting("2024-05-20", json!([])))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, v) = app
        .post(
            "/meetings",
            &app.coordinator,
            meeting("2024-05-20", json!([{"text": "", "owner": "x"}])),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "actions[0].text");
}

/// The demo city through the API: the planted intervention's follow-up shows its planted
/// effect and displacement, the worked example is valid, and the planted surge is an alert
/// that becomes a problem in one call.
#[tokio::test]
async fn the_demo_city_shows_the_planted_effect_and_the_planted_surge() {
    let app = spawn().await;
    let orgs = trygg_demo::DemoOrganisations {
        kommun: app.spawned.orgs["Uppsala kommun"],
        police: app.spawned.orgs["Lokalpolisområde Uppsala"],
        housing: app.spawned.orgs["Uppsalahem"],
    };
    let mut config = trygg_demo::DemoConfig::new(orgs);
    config.start = jiff::civil::date(2020, 1, 1);
    config.end = jiff::civil::date(2023, 7, 3);
    let city = trygg_demo::generate(&config);
    let actor = Actor::system("test");
    let ingest = &app.spawned.state.ingest;
    ingest
        .import_areas(
            &actor,
            city.districts.iter().map(|d| d.area.clone()).collect(),
        )
        .await
        .unwrap();
    ingest
        .write(
            &actor,
            city.incidents.clone(),
            trygg_store::BatchAudit::Batch(json!({})),
        )
        .await
        .unwrap();
    let areas = app.spawned.store.list_areas().await.unwrap();
    let id_of = |code: &str| {
        areas
            .iter()
            .find(|a| a.code.as_deref() == Some(code))
            .map(|a| a.id)
    };
    let mut ex =
        trygg_demo::cycle::worked_example(&city, &orgs, config.end, id_of).expect("districts");

    let (s, p) = app
        .post(
            "/problems",
            &app.coordinator,
            serde_json::to_value(&ex.problem).unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_i64().unwrap();
    ex.link(pid);
    let (s, v) = app
        .put(
            &format!("/problems/{pid}/analysis"),
            &app.coordinator,
            json!({"version": 0, "data": ex.analysis}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, i) = app
        .post(
            "/interventions",
            &app.coordinator,
            serde_json::to_value(&ex.intervention).unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{i}");
    let (s, e) = app
        .get(&format!("/interventions/{}/evaluation", i["id"]))
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let live = &e["live"];
    let c = &live["counts"];
    let change = |b: &str, a: &str| c[a].as_f64().unwrap() / c[b].as_f64().unwrap() - 1.0;
    let treated = change("treated_before", "treated_after");
    let buffer = change("buffer_before", "buffer_after");
    let control = change("control_before", "control_after");
    assert_eq!(live["months"], 12);
    assert!(
        (-0.50..=-0.28).contains(&treated),
        "Gottsunda: {treated} ({c})"
    );
    assert!(buffer > 0.05, "Valsätra rises: {buffer} ({c})");
    assert!(control.abs() < 0.12, "Stenhagen flat: {control} ({c})");
    let re = &live["evaluation"]["relative_effect"];
    assert!(re["upper"].as_f64().unwrap() < 1.0, "{re}");
    assert!(
        live["evaluation"]["wdq"].as_f64().unwrap() < 0.0,
        "displacement"
    );
    let verdict = live["verdict_sv"].as_str().unwrap();
    assert!(
        verdict.starts_with("Minskning i åtgärdsområdet"),
        "{verdict}"
    );
    assert!(verdict.contains("undanträngning"), "{verdict}");
    assert!(verdict.contains("statistiskt säkerställd"), "{verdict}");
    assert!(
        verdict.contains("WDQ = −0,") && verdict.contains("nettoeffekten är positiv"),
        "{verdict}"
    );
    assert!(
        verdict.contains("Siffrorna visar"),
        "says what the numbers cannot show"
    );

    // Without a buffer there is no WDQ, and no displacement is claimed.
    let (_, nb) = app
        .get(&format!("/interventions/{}/evaluation?buffer=", i["id"]))
        .await;
    assert_eq!(nb["live"]["evaluation"]["wdq"], Value::Null, "{nb}");
    assert_eq!(nb["live"]["counts"]["buffer_before"], 0);
    let v = nb["live"]["verdict_sv"].as_str().unwrap();
    assert!(!v.contains("WDQ") && !v.contains("buffertzon"), "{v}");
    assert_eq!(live["series"].as_array().unwrap().len(), 24);
    let suggestions = e["control_suggestions"].as_array().unwrap();
    assert!(
        suggestions[..3]
            .iter()
            .any(|s| s["name"].as_str().unwrap().starts_with("Stenhagen")),
        "the planted control is among the first suggestions: {suggestions:?}"
    );
    for s in suggestions {
        let name = s["name"].as_str().unwrap();
        assert!(
            !name.starts_with("Gottsunda") && !name.starts_with("Valsätra"),
            "neither the treated area nor the buffer: {name}"
        );
    }

    // The planted surge: mopeds in Sävja, May–June 2023.
    let (s, alerts) = app.get("/alerts?until=2023-07-03&weeks=9").await;
    assert_eq!(s, StatusCode::OK, "{alerts}");
    let surge = alerts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["category"] == "ordning.olovlig-trafik"
                && a["area_name"].as_str().unwrap().starts_with("Sävja")
        })
        .unwrap_or_else(|| panic!("the surge is flagged: {alerts}"))
        .clone();
    let key = surge["key"].as_str().unwrap();
    let (s, p) = app
        .post(
            &format!("/alerts/{key}/problem"),
            &app.coordinator,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["data"]["origin"]["kind"], "emerging_alert");
    assert_eq!(
        p["data"]["definition"]["categories"],
        json!(["ordning.olovlig-trafik"])
    );
    assert!(p["data"]["title"].as_str().unwrap().contains("Sävja"));
    let (s, _) = app
        .post("/alerts/nonsense/problem", &app.coordinator, json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
