//! Spawning the app for the integration tests: a fresh in-memory SQLite database, organisations
//! and users with API tokens, and the server on a free port.

#![allow(dead_code)]

use std::sync::Arc;

use trygg_domain::{Actor, NewOrganisation, NewUser, OrgKind, OrganisationId, Role};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;

/// A running app.
pub struct Spawned {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// One token per requested user, in order.
    pub tokens: Vec<String>,
    /// Organisation ids by name.
    pub orgs: std::collections::HashMap<String, OrganisationId>,
    /// The store.
    pub store: Arc<dyn Store>,
    /// The state the server runs on (for writing through `Ingest` in tests).
    pub state: trygg_web::AppState,
}

/// Spawns the app with these users: (organisation name, e-mail, role). Organisations are
/// created on first mention, as kommuner.
pub async fn spawn(users: &[(&str, &str, Role)]) -> Spawned {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let actor = Actor::system("test");
    let mut tokens = Vec::new();
    let mut orgs = std::collections::HashMap::new();
    for (org, email, role) in users {
        let org_id = match orgs.get(*org) {
            Some(id) => *id,
            None => {
                let o = store
                    .create_organisation(
                        &actor,
                        NewOrganisation {
                            name: (*org).into(),
                            kind: OrgKind::Kommun,
                            parent_id: None,
                        },
                    )
                    .await
                    .unwrap();
                orgs.insert(org.to_string(), o.id);
                o.id
            }
        };
        let user = store
            .create_user(
                &actor,
                NewUser {
                    email: (*email).into(),
                    display_name: (*email).into(),
                    organisation_id: org_id,
                    roles: vec![*role],
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
    let state = trygg_web::AppState::load(store.clone(), tz).await.unwrap();
    let router = trygg_web::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trygg_web::serve(listener, router, std::future::pending()));
    Spawned {
        base,
        tokens,
        orgs,
        store,
        state,
    }
}
