//! `/api/v1/users` and `/api/v1/tokens` over real HTTP: an administrator makes a token that
//! works, revokes it and it answers 401 at once; disabling a user closes their tokens; an
//! expired token answers 401; others than admins get the policy's 403.

mod common;

use reqwest::{Method, StatusCode};
use serde_json::json;
use trygg_domain::Role;

#[tokio::test]
async fn admins_manage_users_and_tokens_through_the_api() {
    let spawned = common::spawn(&[
        ("Uppsala kommun", "admin@test", Role::Admin),
        ("Uppsala kommun", "analytiker@test", Role::Analyst),
    ])
    .await;
    let [admin, analyst] = <[String; 2]>::try_from(spawned.tokens.clone()).unwrap();
    let http = reqwest::Client::new();
    let call = |method: Method, path: &str, token: &str, body: Option<serde_json::Value>| {
        let (path, token) = (path.to_string(), token.to_string());
        let (http, spawned) = (&http, &spawned);
        async move { spawned.call(http, method, &path, &token, body).await }
    };

    let (s, users) = call(Method::GET, "/users", &admin, None).await;
    assert_eq!(s, StatusCode::OK, "{users}");
    let analyst_id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "analytiker@test")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, v) = call(Method::GET, "/users", &analyst, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    let (s, made) = call(
        Method::POST,
        "/tokens",
        &admin,
        Some(json!({"user_id": analyst_id, "name": "Skript", "days": 7})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{made}");
    let token = made["token"].as_str().unwrap().to_string();
    let (s, _) = call(Method::GET, "/categories", &token, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, list) = call(Method::GET, "/tokens", &admin, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !list.to_string().contains(&token),
        "the token itself is never listed"
    );
    let (s, _) = call(
        Method::DELETE,
        &format!("/tokens/{}", made["id"]),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = call(Method::GET, "/categories", &token, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a revoked token: {v}");

    let (s, v) = call(
        Method::POST,
        "/tokens",
        &admin,
        Some(json!({"user_id": analyst_id, "name": "Skript", "days": 0})),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("1 to 366 days"), "{v}");

    let (s, v) = call(
        Method::PUT,
        &format!("/users/{analyst_id}/roles"),
        &admin,
        Some(json!({"roles": ["chef"]})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v.to_string().contains("'chef' is not a role"), "{v}");
    let (s, _) = call(
        Method::PUT,
        &format!("/users/{analyst_id}/roles"),
        &admin,
        Some(json!({"roles": ["analyst", "coordinator"]})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let (s, _) = call(Method::GET, "/categories", &analyst, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(
        Method::POST,
        &format!("/users/{analyst_id}/disable"),
        &admin,
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = call(Method::GET, "/categories", &analyst, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a disabled user's token");
    let (_, users) = call(Method::GET, "/users", &admin, None).await;
    assert!(users.to_string().contains(r#""disabled":true"#), "{users}");

    // An expired token answers 401 like a revoked one.
    let user = spawned
        .store
        .user_credentials("admin@test")
        .await
        .unwrap()
        .unwrap()
        .user;
    spawned
        .store
        .create_api_token(
            &trygg_domain::Actor::system("test"),
            user.id,
            "gammal",
            &trygg_app::credentials::hash_token("utgången"),
            jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1),
        )
        .await
        .unwrap();
    let (s, _) = call(Method::GET, "/categories", "utgången", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
