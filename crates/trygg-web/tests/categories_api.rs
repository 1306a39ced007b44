//! The partnership's own categories and synonyms over the API: who may add them, what is
//! refused and why, and that an own category then works like a standard one (incidents,
//! filters, imports).

mod common;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trygg_domain::{Actor, Role};
use trygg_store::records;

const KOMMUN: &str = trygg_demo::partnership::KOMMUN;

async fn spawn() -> (common::Spawned, reqwest::Client) {
    let app = common::spawn(&[
        (KOMMUN, "admin@kommun.test", Role::Admin),
        (KOMMUN, "reporter@kommun.test", Role::Reporter),
        ("Annan kommun", "admin@annan.test", Role::Admin),
        ("Annan kommun", "analyst@annan.test", Role::Analyst),
    ])
    .await;
    (app, reqwest::Client::new())
}

fn category(group: &str, code: Option<&str>, sv: &str) -> Value {
    json!({ "group": group, "code": code, "label_sv": sv, "label_en": "Own" })
}

#[tokio::test]
async fn an_admin_adds_a_category_that_works_like_a_standard_one() {
    let (app, http) = spawn().await;
    let [admin, reporter, other_admin, other_analyst] = [0, 1, 2, 3].map(|i| &app.tokens[i]);
    let post = |token: &str, body: Value| {
        let (app, http, token) = (&app, &http, token.to_string());
        async move {
            app.call(http, Method::POST, "/categories", &token, Some(body))
                .await
        }
    };

    // A reporter's token and another organisation's analyst are refused by the policy.
    let body = category("ordning", None, "Ordningsstörning vid api");
    let (status, v) = post(reporter, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    let (status, v) = post(other_analyst, body.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");

    // Refused input says what to fix.
    let (status, v) = post(admin, category("ordnin", None, "X")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("Nearest groups: ordning"), "{v}");
    let (status, v) = post(admin, category("ordning", Some("brott.x"), "X")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("start it with"), "{v}");
    let (status, v) = post(admin, category("ordning", None, "Av 19121212-1212")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("personal_identity_number"), "{v}");
    let (status, v) = post(admin, category("ordning", None, "")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // Added, with the code derived from the Swedish label.
    let (status, v) = post(admin, body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["code"], "ordning.ordningsstorning-vid-api", "{v}");
    let (status, v) = post(admin, body).await;
    assert_eq!(status, StatusCode::CONFLICT, "a code that exists: {v}");

    // Listed with the taxonomy, marked as own, under its group.
    let (_, v) = app
        .call(&http, Method::GET, "/categories", reporter, None)
        .await;
    let own = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "ordning.ordningsstorning-vid-api")
        .expect("listed");
    assert_eq!(own["own"], true);
    assert_eq!(own["parent"], "ordning");

    // An incident may carry it, and a filter on its group finds it.
    let incident = json!({
        "category": "ordning.ordningsstorning-vid-api",
        "occurred_from": "2024-05-03T21:40:00",
        "position": { "lat": 59.8170, "lon": 17.5930 },
    });
    let (status, v) = app
        .call(&http, Method::POST, "/incidents", admin, Some(incident))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let (_, v) = app
        .call(
            &http,
            Method::GET,
            "/incidents?category=ordning",
            admin,
            None,
        )
        .await;
    assert_eq!(v["total"], 1, "{v}");

    // An import takes its code directly.
    let csv =
        "Datum;Kategori;Lat;Lon\n2024-05-01;ordning.ordningsstorning-vid-api;59,8586;17,6389\n";
    let res = http
        .post(format!("{}/api/v1/import/csv", app.base))
        .bearer_auth(admin)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let (_, v) = app
        .call(
            &http,
            Method::GET,
            "/incidents?category=ordning.ordningsstorning-vid-api",
            admin,
            None,
        )
        .await;
    assert_eq!(v["total"], 2, "{v}");

    // Once an agreement is stored, only its parties' admins change the taxonomy.
    let kommun = app.orgs[KOMMUN];
    records::create(
        app.store.as_ref(),
        &Actor::system("test"),
        kommun,
        &trygg_demo::partnership::agreement(),
    )
    .await
    .unwrap();
    let (status, v) = post(other_admin, category("ordning", None, "Annans")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");
    assert!(v.to_string().contains("not a party"), "{v}");
    let (status, v) = post(admin, category("samling", None, "Partens")).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
}

#[tokio::test]
async fn synonyms_over_the_api() {
    let (app, http) = spawn().await;
    let [admin, reporter] = [0, 1].map(|i| &app.tokens[i]);
    let body = json!({ "value": "Bus i api", "code": "ordning.brak" });
    let (status, _) = app
        .call(
            &http,
            Method::POST,
            "/category-synonyms",
            reporter,
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, v) = app
        .call(&http, Method::GET, "/category-synonyms", reporter, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");

    let (status, v) = app
        .call(
            &http,
            Method::POST,
            "/category-synonyms",
            admin,
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (status, v) = app
        .call(&http, Method::POST, "/category-synonyms", admin, Some(body))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, v) = app
        .call(
            &http,
            Method::POST,
            "/category-synonyms",
            admin,
            Some(json!({ "value": "Bråk", "code": "ordning.brok" })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("ordning.brak"), "nearest: {v}");

    let (_, v) = app
        .call(&http, Method::GET, "/category-synonyms", admin, None)
        .await;
    assert_eq!(v["items"][0]["data"]["value"], "Bus i api", "{v}");
    let path = format!("/category-synonyms/{id}");
    let (status, _) = app.call(&http, Method::DELETE, &path, reporter, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(&http, Method::DELETE, &path, admin, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.call(&http, Method::DELETE, &path, admin, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
