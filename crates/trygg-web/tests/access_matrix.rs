//! The access matrix: every route of the router × every role × own and other organisation,
//! through the page and the API door, against the policy table (`trygg_domain::policy`).
//!
//! 1. Every `.route(…)` in the web crate's source, with every method it registers, has a rule
//!    in `trygg_web::access::RULES` (a new route without a rule fails here).
//! 2. For every rule and role, a refused role gets the policy's 403 and an allowed role never
//!    does, whichever organisation they belong to.
//! 3. Every write whose permission reaches only the own organisation (or a party to the
//!    agreement) is refused for an allowed role of another organisation, naming the owner.

mod common;

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use trygg_domain::{
    Actor, Permission, Role,
    policy::{self, Reach},
};
use trygg_store::NewSession;
use trygg_web::access::{Access, RULES};

const OWN: &str = "Uppsala kommun";
const OTHER: &str = "Uppsalahem";

/// The routes the source registers: (method, path with the nest prefix).
fn routes_in_source() -> BTreeSet<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeSet::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().to_string();
            let prefix = if rel.starts_with("api/") {
                "/api/v1"
            } else {
                ""
            };
            let src = std::fs::read_to_string(&p).unwrap();
            let mut rest = src.as_str();
            while let Some(at) = rest.find(".route(") {
                let after = &rest[at + ".route(".len()..];
                // The call's text up to its closing parenthesis.
                let mut depth = 1;
                let mut end = 0;
                for (i, c) in after.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                let call = &after[..end];
                rest = &after[end..];
                let Some(q) = call.find('"') else { continue };
                let path = &call[q + 1..];
                let path = &path[..path.find('"').unwrap()];
                let methods = &call[q + path.len() + 2..];
                let bytes = methods.as_bytes();
                for m in ["get", "post", "put", "delete"] {
                    let mut from = 0;
                    while let Some(k) = methods[from..].find(&format!("{m}(")) {
                        let k = from + k;
                        let before = if k == 0 { b' ' } else { bytes[k - 1] };
                        if !before.is_ascii_alphanumeric() && before != b'_' {
                            out.insert((m.to_uppercase(), format!("{prefix}{path}")));
                        }
                        from = k + 1;
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_route_has_a_rule() {
    let in_source = routes_in_source();
    assert!(
        in_source.len() > 100,
        "the scan found only {} routes",
        in_source.len()
    );
    let ruled: BTreeSet<(String, String)> = RULES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let missing: Vec<_> = in_source.difference(&ruled).collect();
    assert!(
        missing.is_empty(),
        "routes without an access rule in trygg_web::access::RULES: {missing:?}"
    );
    let stale: Vec<_> = ruled.difference(&in_source).collect();
    assert!(
        stale.is_empty(),
        "rules for routes that do not exist: {stale:?}"
    );
    assert_eq!(ruled.len(), RULES.len(), "one rule per route and method");
}

/// A signed-in person: API token and browser session.
struct Who {
    role: Role,
    org: &'static str,
    token: String,
    cookie: String,
    csrf: String,
}

async fn people(spawned: &common::Spawned, users: &[(&'static str, String, Role)]) -> Vec<Who> {
    let mut out = Vec::new();
    for ((org, _, role), token) in users.iter().zip(&spawned.tokens) {
        let user = spawned
            .store
            .user_by_token_hash(
                &trygg_app::credentials::hash_token(token),
                jiff::Timestamp::now(),
            )
            .await
            .unwrap()
            .unwrap();
        let cookie = trygg_app::credentials::generate_token();
        let csrf = trygg_app::credentials::generate_token();
        spawned
            .store
            .create_session(
                user.id,
                &NewSession {
                    token_hash: trygg_app::credentials::hash_token(&cookie),
                    csrf: csrf.clone(),
                    expires_at: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
                },
            )
            .await
            .unwrap();
        out.push(Who {
            role: *role,
            org,
            token: token.clone(),
            cookie,
            csrf,
        });
    }
    out
}

/// A concrete path for a route: ids that do not exist, so an allowed request stops at 404 or
/// at the input's check and never changes anything.
fn concrete(path: &str) -> String {
    path.replace("{id}", "999999")
        .replace("{key}", "ordning.skadegorelse:999999:2024-01-01")
        .replace("{*path}", "app.css")
        .replace("{chart}", "trend.png")
        .replace("{year}", "2099")
        .replace("{commitment}", "x")
        .replace("{n}", "0")
        .replace("{photo}", "1")
        .replace("{token}", "x")
        .replace("{name}", "x.json")
}

async fn send(
    http: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    who: &Who,
) -> (StatusCode, String) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let url = format!("{base}{}", concrete(path));
    let write = method != Method::GET;
    let r = if path == "/logout" {
        // Signing out would end the session the other requests use.
        http.request(method, url)
    } else if path.starts_with("/open311/") {
        // Open311's caller is the token in api_key.
        if write {
            http.request(method, url)
                .form(&[("api_key", who.token.as_str())])
        } else {
            http.request(method, url)
                .query(&[("api_key", who.token.as_str())])
        }
    } else if path.starts_with("/api/") {
        let mut r = http.request(method, url).bearer_auth(&who.token);
        if write {
            r = r.json(&json!({}));
        }
        r
    } else {
        let mut r = http
            .request(method, url)
            .header(header::COOKIE, format!("trygg_session={}", who.cookie));
        if write {
            r = r
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(format!("csrf={}", who.csrf));
        }
        r
    };
    let res = r.send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Whether an answer is the policy's refusal of a role (not a CSRF, ownership or input
/// refusal).
fn refused_by_role(status: StatusCode, body: &str) -> bool {
    status == StatusCode::FORBIDDEN
        && (body.contains("which does not") || body.contains("ger inte rätt att"))
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_policy_says() {
    let mut users: Vec<(&'static str, String, Role)> = Vec::new();
    for org in [OWN, OTHER] {
        for role in Role::ALL {
            users.push((org, format!("{}@{}.test", role.as_str(), org.len()), role));
        }
    }
    let spec: Vec<(&str, &str, Role)> =
        users.iter().map(|(o, e, r)| (*o, e.as_str(), *r)).collect();
    let spawned = common::spawn(&spec).await;
    let everyone = people(&spawned, &users).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut checked = 0;
    for rule in RULES {
        for who in &everyone {
            let (status, body) = send(&http, &spawned.base, rule.method, rule.path, who).await;
            let what = format!(
                "{} {} as {} of {}: {status} {}",
                rule.method,
                rule.path,
                who.role.as_str(),
                who.org,
                body.chars().take(200).collect::<String>()
            );
            assert_ne!(
                status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "no route may fail: {what}"
            );
            match rule.access {
                Access::Public => assert!(!refused_by_role(status, &body), "public: {what}"),
                Access::Signed(permissions) | Access::Key(permissions) => {
                    let allowed = permissions.iter().any(|p| policy::allows(&[who.role], *p));
                    if allowed {
                        assert!(!refused_by_role(status, &body), "allowed: {what}");
                    } else {
                        assert!(refused_by_role(status, &body), "refused: {what}");
                    }
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, RULES.len() * Role::ALL.len() * 2);
}

/// The writes of another organisation's records, from the table: each route whose permission
/// reaches only the own organisation or the agreement's parties, with the record it writes.
#[tokio::test]
async fn another_organisations_records_are_refused_with_whose_they_are() {
    let spawned = common::spawn(&[
        (OWN, "samordnare@test", Role::Coordinator),
        (OWN, "analytiker@test", Role::Analyst),
        (OTHER, "samordnare@bo.test", Role::Coordinator),
        (OTHER, "analytiker@bo.test", Role::Analyst),
    ])
    .await;
    let [own_coord, own_analyst, other_coord, other_analyst] =
        <[String; 4]>::try_from(spawned.tokens.clone()).unwrap();
    let http = reqwest::Client::new();
    let call = |method: Method, path: String, token: String, body: Value| {
        let (http, spawned) = (&http, &spawned);
        async move { spawned.call(http, method, &path, &token, Some(body)).await }
    };
    spawned
        .state
        .ingest
        .import_areas(
            &Actor::system("test"),
            vec![common::square("Gottsunda", "G", 17.60)],
        )
        .await
        .unwrap();
    let area = spawned.store.list_areas().await.unwrap()[0].id.0;
    let own = spawned.orgs[OWN].0;

    // The kommun's records.
    let problem = json!({
        "title": "Skadegörelse i Gottsunda centrum", "description": "Klotter kvällstid.",
        "definition": {"categories": ["skadegorelse"], "areas": [area], "from": "2024-01-01"},
        "origin": {"kind": "hot_spot"}, "status": "active", "owners": [own]
    });
    let (s, p) = call(
        Method::POST,
        "/problems".into(),
        own_analyst.clone(),
        problem,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_i64().unwrap();
    let analysis = json!({"triangle": {"place": "Mörka entréer"}, "perspectives": {},
        "hypotheses": [{"key": "H1", "text": "Mörkret skyddar", "evidence": []}], "conclusion": "Belysning."});
    let (s, a) = call(
        Method::PUT,
        format!("/problems/{pid}/analysis"),
        own_analyst.clone(),
        json!({"version": 0, "data": analysis}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let intervention = json!({
        "title": "Trygg i Gottsunda centrum", "problem_ids": [pid],
        "hypotheses": [{"problem_id": pid, "key": "H1"}],
        "method": {"kind": "situational", "techniques": ["natural-surveillance"]},
        "responsible": {"organisation_id": own, "unit": "Trygghet"}, "resources": [],
        "start": "2024-03-01", "status": "ongoing", "treated_areas": [area]
    });
    let (s, i) = call(
        Method::POST,
        "/interventions".into(),
        own_coord.clone(),
        intervention,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{i}");
    let iid = i["id"].as_i64().unwrap();
    let meeting = json!({"date": "2024-05-06", "observations": [], "actions": [],
        "focus_places": [], "feedback": []});
    let (s, m) = call(Method::POST, "/meetings".into(), own_coord.clone(), meeting).await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let mid = m["id"].as_i64().unwrap();
    // The seed's agreement: Uppsala kommun and the lokalpolisområde, not Uppsalahem.
    let agreement = serde_json::to_value(trygg_demo::partnership::agreement()).unwrap();
    let (s, v) = call(
        Method::PUT,
        "/partnership/agreement".into(),
        own_coord.clone(),
        json!({"version": 0, "data": agreement}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let body = serde_json::to_value(trygg_demo::partnership::steering_group()).unwrap();
    let (s, b) = call(
        Method::POST,
        "/partnership/bodies".into(),
        own_coord.clone(),
        body.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let bid = b["id"].as_i64().unwrap();

    // A fix and a routing rule of the kommun.
    let (s, f) = call(
        Method::POST,
        "/fixes".into(),
        own_coord.clone(),
        json!({"source": {"kind": "manual"}, "category": "otrygg-plats.belysning",
            "position": [59.8586, 17.6389], "description": "Byt armaturen."}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let fid = f["id"].as_i64().unwrap();
    let (s, r) = call(
        Method::POST,
        "/fix-rules".into(),
        own_coord.clone(),
        json!({"category": "otrygg-plats", "owner": {"kind": "outside", "name": "Gatukontoret"}}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let rid = r["id"].as_i64().unwrap();

    // Each write of the kommun's records by the other organisation's coordinator or analyst.
    let get = |path: String| call(Method::GET, path, own_coord.clone(), Value::Null);
    let again = |v: Value| json!({"version": v["version"], "data": v["data"]});
    let cases: Vec<(Method, String, String, Value, &str)> = vec![
        (
            Method::PUT,
            "/api/v1/problems/{id}".into(),
            format!("/problems/{pid}"),
            again(get(format!("/problems/{pid}")).await.1),
            "belongs to Uppsala kommun",
        ),
        (
            Method::PUT,
            "/api/v1/problems/{id}/analysis".into(),
            format!("/problems/{pid}/analysis"),
            again(get(format!("/problems/{pid}/analysis")).await.1),
            "belongs to Uppsala kommun",
        ),
        (
            Method::PUT,
            "/api/v1/interventions/{id}".into(),
            format!("/interventions/{iid}"),
            again(get(format!("/interventions/{iid}")).await.1),
            "belongs to Uppsala kommun",
        ),
        (
            Method::POST,
            "/api/v1/interventions/{id}/evaluation".into(),
            format!("/interventions/{iid}/evaluation"),
            json!({}),
            "belongs to Uppsala kommun",
        ),
        (
            Method::POST,
            "/api/v1/interventions/{id}/evaluation/approve".into(),
            format!("/interventions/{iid}/evaluation/approve"),
            json!({}),
            "belongs to Uppsala kommun",
        ),
        (
            Method::PUT,
            "/api/v1/meetings/{id}".into(),
            format!("/meetings/{mid}"),
            again(get(format!("/meetings/{mid}")).await.1),
            "belongs to Uppsala kommun",
        ),
        (
            Method::PUT,
            "/api/v1/partnership/agreement".into(),
            "/partnership/agreement".into(),
            again(get("/partnership/agreement".into()).await.1),
            "not a party",
        ),
        (
            Method::POST,
            "/api/v1/partnership/bodies".into(),
            "/partnership/bodies".into(),
            body.clone(),
            "not a party",
        ),
        (
            Method::PUT,
            "/api/v1/partnership/bodies/{id}".into(),
            format!("/partnership/bodies/{bid}"),
            again(get(format!("/partnership/bodies/{bid}")).await.1),
            "not a party",
        ),
        (
            Method::DELETE,
            "/api/v1/partnership/bodies/{id}".into(),
            format!("/partnership/bodies/{bid}"),
            Value::Null,
            "not a party",
        ),
    ];
    let cases: Vec<(Method, String, String, Value, &str)> = cases
        .into_iter()
        .chain([
            (
                Method::POST,
                "/api/v1/fixes/{id}/status".into(),
                format!("/fixes/{fid}/status"),
                json!({"status": "sent"}),
                "belongs to Uppsala kommun",
            ),
            (
                Method::POST,
                "/api/v1/fixes/{id}/open311".into(),
                format!("/fixes/{fid}/open311"),
                json!({}),
                "belongs to Uppsala kommun",
            ),
            (
                Method::PUT,
                "/api/v1/fixes/{id}/owners".into(),
                format!("/fixes/{fid}/owners"),
                json!({"owners": [{"responsible": {"kind": "outside", "name": "Bo"}, "lead": true}]}),
                "belongs to Uppsala kommun",
            ),
            (
                Method::DELETE,
                "/api/v1/fix-rules/{id}".into(),
                format!("/fix-rules/{rid}"),
                Value::Null,
                "belongs to Uppsala kommun",
            ),
        ])
        .collect();
    for (method, route, path, body, says) in &cases {
        for token in [&other_coord, &other_analyst] {
            let (s, v) = call(method.clone(), path.clone(), token.clone(), body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{method} {path}: {v}");
            let message = v["error"]["message"].as_str().unwrap_or("");
            assert!(
                message.contains(says) || message.contains("which does not"),
                "{method} {route}: {v}"
            );
        }
        // The other organisation's coordinator holds the permission: the refusal is the owner's.
        let (_, v) = call(
            method.clone(),
            path.clone(),
            other_coord.clone(),
            body.clone(),
        )
        .await;
        let permitted = RULES
            .iter()
            .find(|r| r.method == method.as_str() && r.path == route.as_str())
            .map(|r| match r.access {
                Access::Signed(ps) => ps.iter().any(|p| policy::allows(&[Role::Coordinator], *p)),
                Access::Public => true,
                Access::Key(ps) => ps.iter().any(|p| policy::allows(&[Role::Coordinator], *p)),
            })
            .unwrap();
        if permitted {
            assert!(
                v["error"]["message"].as_str().unwrap().contains(says),
                "{method} {route}: {v}"
            );
        }
    }
    // Every API write the table reaches only for the own organisation or the agreement's
    // parties, and that names a stored record or the partnership, has its case above.
    let covered: BTreeSet<(String, String)> = cases
        .iter()
        .map(|(m, r, ..)| (m.to_string(), r.clone()))
        .collect();
    for rule in RULES {
        let Access::Signed(permissions) = rule.access else {
            continue;
        };
        let narrow = permissions.iter().all(|p| {
            matches!(
                policy::reach(*p),
                Reach::OwnOrganisation | Reach::AgreementParty
            )
        });
        let on_record = rule.path.contains("{id}") || rule.path.starts_with("/api/v1/partnership/");
        let writes = rule.method != "GET";
        let creates_own = rule.method == "POST"
            && !rule.path.contains("{id}")
            && permissions
                .iter()
                .all(|p| policy::reach(*p) == Reach::OwnOrganisation);
        if rule.path.starts_with("/api/") && narrow && writes && on_record && !creates_own {
            let key = (rule.method.to_string(), rule.path.to_string());
            let same_shape = covered.contains(&key)
                || covered.iter().any(|(m, p)| {
                    m == rule.method
                        && p.starts_with("/api/v1/partnership/")
                        && rule.path.starts_with("/api/v1/partnership/")
                        && p.contains("{id}") == rule.path.contains("{id}")
                });
            assert!(
                same_shape,
                "{} {} writes another organisation's records but has no case here",
                rule.method, rule.path
            );
        }
    }
    // The refused writes changed nothing.
    let (_, p) = get(format!("/problems/{pid}")).await;
    assert_eq!(p["version"], 1);
    let (_, f) = get(format!("/fixes/{fid}")).await;
    assert_eq!(f["version"], 1);
    let (_, r) = get("/fix-rules".into()).await;
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    let (_, e) = get(format!("/interventions/{iid}/evaluation")).await;
    assert_eq!(e["approved"], Value::Null);
    let _ = Permission::ALL;
}

/// A record written `?visibility=internal` is the owner organisation's own: its members read
/// it, every other organisation gets 404 on it and does not find it in lists; its cause
/// analysis inherits the visibility. A visibility the API does not know is refused by name.
#[tokio::test]
async fn internal_records_are_read_by_their_organisation_only() {
    let spawned = common::spawn(&[
        (OWN, "analytiker@test", Role::Analyst),
        (OWN, "samordnare@test", Role::Coordinator),
        (OTHER, "analytiker@bo.test", Role::Analyst),
    ])
    .await;
    let [own_analyst, own_coord, other_analyst] =
        <[String; 3]>::try_from(spawned.tokens.clone()).unwrap();
    let http = reqwest::Client::new();
    let call = |method: Method, path: String, token: String, body: Option<Value>| {
        let (http, spawned) = (&http, &spawned);
        async move { spawned.call(http, method, &path, &token, body).await }
    };
    spawned
        .state
        .ingest
        .import_areas(
            &Actor::system("test"),
            vec![common::square("Gottsunda", "G", 17.60)],
        )
        .await
        .unwrap();
    let area = spawned.store.list_areas().await.unwrap()[0].id.0;
    let own = spawned.orgs[OWN].0;
    let problem = |title: &str| {
        json!({
            "title": title, "description": "Klotter kvällstid.",
            "definition": {"categories": ["skadegorelse"], "areas": [area], "from": "2024-01-01"},
            "origin": {"kind": "hot_spot"}, "status": "active", "owners": [own]
        })
    };
    let (s, v) = call(
        Method::POST,
        "/problems?visibility=secret".into(),
        own_analyst.clone(),
        Some(problem("Fel")),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v.to_string().contains("internal"), "{v}");

    let (s, shared) = call(
        Method::POST,
        "/problems".into(),
        own_analyst.clone(),
        Some(problem("Delat problem")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{shared}");
    let (s, internal) = call(
        Method::POST,
        "/problems?visibility=internal".into(),
        own_analyst.clone(),
        Some(problem("Internt problem")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{internal}");
    let pid = internal["id"].as_i64().unwrap();
    let analysis = json!({"triangle": {"place": "Entrén"}, "perspectives": {},
        "hypotheses": [{"key": "H1", "text": "Mörkret skyddar", "evidence": []}], "conclusion": "Belysning."});
    let (s, a) = call(
        Method::PUT,
        format!("/problems/{pid}/analysis"),
        own_analyst.clone(),
        Some(json!({"version": 0, "data": analysis})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (s, i) = call(
        Method::POST,
        "/interventions?visibility=internal".into(),
        own_coord.clone(),
        Some(json!({
            "title": "Intern insats", "problem_ids": [pid],
            "hypotheses": [{"problem_id": pid, "key": "H1"}],
            "method": {"kind": "situational", "techniques": ["natural-surveillance"]},
            "responsible": {"organisation_id": own, "unit": "Trygghet"}, "resources": [],
            "start": "2024-03-01", "status": "ongoing", "treated_areas": [area]
        })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{i}");
    let iid = i["id"].as_i64().unwrap();

    for path in [
        format!("/problems/{pid}"),
        format!("/problems/{pid}/analysis"),
        format!("/interventions/{iid}"),
    ] {
        let (s, v) = call(Method::GET, path.clone(), own_coord.clone(), None).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        let (s, v) = call(Method::GET, path.clone(), other_analyst.clone(), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    let titles = |v: &Value| -> Vec<String> {
        let items = v.get("items").unwrap_or(v);
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x["data"]["title"]
                    .as_str()
                    .or(x["title"].as_str())
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    let (_, mine) = call(Method::GET, "/problems".into(), own_coord.clone(), None).await;
    let (_, theirs) = call(Method::GET, "/problems".into(), other_analyst.clone(), None).await;
    assert!(
        titles(&mine).contains(&"Internt problem".to_string()),
        "{mine}"
    );
    assert!(
        titles(&theirs).contains(&"Delat problem".to_string()),
        "{theirs}"
    );
    assert!(
        !titles(&theirs).contains(&"Internt problem".to_string()),
        "{theirs}"
    );
    let (_, theirs) = call(
        Method::GET,
        "/interventions".into(),
        other_analyst.clone(),
        None,
    )
    .await;
    assert!(
        !titles(&theirs).contains(&"Intern insats".to_string()),
        "{theirs}"
    );
}
