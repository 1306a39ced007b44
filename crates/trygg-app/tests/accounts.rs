//! Accounts as every door uses them, over a real (in-memory SQLite) store: the sign-in limits
//! per address and account kept in the database, disabled users, expiring and revocable
//! tokens, and the rules that keep an administrator from locking themselves out.

use std::{net::IpAddr, sync::Arc};

use trygg_app::{
    App, AppError, Clock, Principal,
    accounts::{self, SignInError, console},
    credentials::Password,
};
use trygg_domain::{Actor, NewUser, OrgKind, OrganisationId, Role, User};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;

const PASSWORD: &str = "rätt lösenord";

async fn app() -> (App, Arc<dyn Store>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let app = App::load(
        store.clone(),
        jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
    )
    .await
    .unwrap();
    (app, store)
}

async fn user(app: &App, email: &str, roles: &[Role]) -> User {
    let password = Password::new(PASSWORD).unwrap();
    console::add_user(
        app,
        &Actor::system("test"),
        NewUser {
            email: email.into(),
            display_name: email.into(),
            organisation_id: OrganisationId(0),
            roles: roles.to_vec(),
        },
        "Uppsala kommun",
        OrgKind::Kommun,
        Some(&password),
    )
    .await
    .unwrap()
    .0
}

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

async fn try_in(app: &App, email: &str, password: &str, from: &str) -> Result<(), SignInError> {
    accounts::sign_in(app, email, password, ip(from))
        .await
        .unwrap()
        .map(|_| ())
}

#[tokio::test]
async fn five_wrong_guesses_lock_that_address_out_of_that_account_only() {
    let (app, store) = app().await;
    user(&app, "admin@test", &[Role::Admin]).await;
    for _ in 0..5 {
        assert_eq!(
            try_in(&app, "admin@test", "gissning", "203.0.113.5").await,
            Err(SignInError::Wrong)
        );
    }
    assert!(matches!(
        try_in(&app, "admin@test", PASSWORD, "203.0.113.5").await,
        Err(SignInError::Locked(_))
    ));
    assert_eq!(
        try_in(&app, "admin@test", PASSWORD, "192.0.2.10").await,
        Ok(()),
        "the admin at their own desk is not locked out by someone else's guesses"
    );
    // The count lives in the database: another server (another App over the same store) sees
    // it, as does this one after a restart.
    let other = App::load(store, app.tz.clone()).await.unwrap();
    assert!(matches!(
        try_in(&other, "admin@test", PASSWORD, "203.0.113.5").await,
        Err(SignInError::Locked(_))
    ));
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled() {
    let (app, _) = app().await;
    user(&app, "analytiker@test", &[Role::Analyst]).await;
    for i in 0..20 {
        assert_eq!(
            try_in(&app, &format!("konto{i}@test"), "gissning", "203.0.113.7").await,
            Err(SignInError::Wrong)
        );
    }
    let Err(SignInError::Locked(wait)) =
        try_in(&app, "analytiker@test", PASSWORD, "203.0.113.7").await
    else {
        panic!("the 21st attempt from one address waits");
    };
    assert!(wait.as_secs() > 0 && wait.as_secs() <= 15 * 60, "{wait:?}");
    assert_eq!(
        try_in(&app, "analytiker@test", PASSWORD, "192.0.2.11").await,
        Ok(())
    );
}

#[tokio::test]
async fn many_addresses_at_one_account_are_throttled() {
    let (app, _) = app().await;
    user(&app, "samordnare@test", &[Role::Coordinator]).await;
    for i in 0..50 {
        let from = format!("198.51.100.{i}");
        assert_eq!(
            try_in(&app, "samordnare@test", "gissning", &from).await,
            Err(SignInError::Wrong)
        );
    }
    assert!(matches!(
        try_in(&app, "samordnare@test", PASSWORD, "192.0.2.12").await,
        Err(SignInError::Locked(_))
    ));
}

#[tokio::test]
async fn a_disabled_user_has_no_session_and_no_token_until_enabled() {
    let (app, _) = app().await;
    let admin: Principal = user(&app, "admin@test", &[Role::Admin]).await.into();
    let analyst = user(&app, "analytiker@test", &[Role::Analyst]).await;
    let opened = accounts::sign_in(&app, "analytiker@test", PASSWORD, ip("192.0.2.1"))
        .await
        .unwrap()
        .unwrap();
    let token = accounts::create_token(&app, &admin, analyst.id, "Import", Some(30))
        .await
        .unwrap();
    assert!(
        accounts::by_token(&app, &token.token)
            .await
            .unwrap()
            .is_some()
    );

    accounts::set_disabled(&app, &admin, analyst.id, true)
        .await
        .unwrap();
    assert!(
        accounts::session(&app, &opened.token)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        accounts::by_token(&app, &token.token)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        try_in(&app, "analytiker@test", PASSWORD, "192.0.2.1").await,
        Err(SignInError::Disabled)
    );
    assert_eq!(
        try_in(&app, "analytiker@test", "fel", "192.0.2.1").await,
        Err(SignInError::Wrong),
        "a wrong password does not learn that the account is disabled"
    );
    accounts::set_disabled(&app, &admin, analyst.id, false)
        .await
        .unwrap();
    assert_eq!(
        try_in(&app, "analytiker@test", PASSWORD, "192.0.2.1").await,
        Ok(())
    );
    assert!(
        accounts::by_token(&app, &token.token)
            .await
            .unwrap()
            .is_none(),
        "the revoked token stays revoked"
    );
}

#[tokio::test]
async fn tokens_expire_are_revoked_and_end_with_a_password_change() {
    let (app, _) = app().await;
    let admin: Principal = user(&app, "admin@test", &[Role::Admin]).await.into();
    let analyst: Principal = user(&app, "analytiker@test", &[Role::Analyst]).await.into();
    let t = accounts::create_token(&app, &admin, analyst.id, "Polisens import", None)
        .await
        .unwrap();
    let hours = t.expires_at.duration_since(app.now()).as_hours();
    assert!(
        (89 * 24..=90 * 24).contains(&hours),
        "90 days by default: {hours} h"
    );
    assert!(accounts::by_token(&app, &t.token).await.unwrap().is_some());
    let later = app.clone().with_clock(Clock::Fixed(
        t.expires_at + jiff::SignedDuration::from_secs(1),
    ));
    assert!(
        accounts::by_token(&later, &t.token)
            .await
            .unwrap()
            .is_none(),
        "an expired token opens nothing"
    );
    let listed = accounts::tokens(&app, &admin).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "its use is shown");

    accounts::revoke_token(&app, &admin, t.id).await.unwrap();
    assert!(accounts::by_token(&app, &t.token).await.unwrap().is_none());

    let t2 = accounts::create_token(&app, &admin, analyst.id, "Andra", Some(1))
        .await
        .unwrap();
    accounts::change_password(
        &app,
        &analyst,
        None,
        PASSWORD,
        "ett nytt lösenord",
        "ett nytt lösenord",
    )
    .await
    .unwrap()
    .unwrap();
    assert!(
        accounts::by_token(&app, &t2.token).await.unwrap().is_none(),
        "a password change revokes the user's tokens"
    );

    for (name, days, field) in [
        ("x", Some(0), "days"),
        ("x", Some(400), "days"),
        (" ", None, "name"),
    ] {
        let e = accounts::create_token(&app, &admin, analyst.id, name, days)
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Invalid(v) if v.field == field),
            "{name:?} {days:?}: {e:?}"
        );
    }
    let e = accounts::create_token(&app, &analyst, analyst.id, "egen", None)
        .await
        .unwrap_err();
    assert!(
        matches!(e, AppError::Forbidden(_)),
        "only admins make tokens"
    );
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let (app, _) = app().await;
    let admin: Principal = user(&app, "admin@test", &[Role::Admin]).await.into();
    let e = accounts::set_disabled(&app, &admin, admin.id, true)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Forbidden(r) if r.sv.contains("eget konto")),
        "{e:?}"
    );
    let e = accounts::set_roles(&app, &admin, admin.id, &[Role::Viewer])
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)));
    let other = user(&app, "analytiker@test", &[Role::Analyst]).await;
    let e = accounts::set_roles(&app, &admin, other.id, &[])
        .await
        .unwrap_err();
    assert!(
        matches!(&e, AppError::Invalid(v) if v.field == "roles"),
        "{e:?}"
    );
    accounts::set_roles(&app, &admin, other.id, &[Role::Coordinator, Role::Analyst])
        .await
        .unwrap();
    let users = accounts::users(&app, &admin).await.unwrap();
    let changed = users.iter().find(|u| u.id == other.id).unwrap();
    assert_eq!(changed.roles, vec![Role::Coordinator, Role::Analyst]);
}
