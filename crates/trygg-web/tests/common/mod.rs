//! The test app spawner shared by the integration tests: a fresh in-memory SQLite database,
//! two organisations with one analyst and one API token each, served on a random port.
#![allow(dead_code)]

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::Value;
use trygg_domain::{Actor, IncidentFilter, NewOrganisation, NewUser, OrgKind, Role, Scope};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;

pub struct TestApp {
    pub base: String,
    pub token: String,
    pub other_token: String,
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, body: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .post(self.url("/api/v1/incidents"))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn stored(&self) -> u64 {
        let all = IncidentFilter {
            scope: Scope::All,
            ..Default::default()
        };
        self.store.list_incidents(&all).await.unwrap().total
    }
}

pub async fn spawn_app() -> TestApp {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let actor = Actor::system("test");
    let mut tokens = Vec::new();
    for (org, email) in [
        ("Uppsala kommun", "analytiker@test"),
        ("Uppsalahem", "vakt@test"),
    ] {
        let org = store
            .create_organisation(
                &actor,
                NewOrganisation {
                    name: org.into(),
                    kind: OrgKind::Kommun,
                    parent_id: None,
                },
            )
            .await
            .unwrap();
        let user = store
            .create_user(
                &actor,
                NewUser {
                    email: email.into(),
                    display_name: email.into(),
                    organisation_id: org.id,
                    roles: vec![Role::Analyst],
                },
                None,
            )
            .await
            .unwrap();
        let token = trygg_web::auth::generate_token();
        store
            .create_api_token(
                &actor,
                user.id,
                "test",
                &trygg_web::auth::hash_token(&token),
            )
            .await
            .unwrap();
        tokens.push(token);
    }
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let router = trygg_web::router(trygg_web::AppState::load(store.clone(), tz).await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trygg_web::serve(listener, router, std::future::pending()));
    TestApp {
        base,
        other_token: tokens.pop().unwrap(),
        token: tokens.pop().unwrap(),
        store,
        client: reqwest::Client::new(),
    }
}
