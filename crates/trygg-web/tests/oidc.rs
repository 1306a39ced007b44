//! Sign-in through a real OpenID provider: panva's `oidc-provider` (npm, installed by
//! `.ci/run` into `tests/oidc/node_modules`), started by this test on a free port, with its
//! development login and consent pages, walked by a cookie-keeping HTTP client as a browser
//! would. The authorization code flow with PKCE, nonce and state, end to end:
//!
//! - the first sign-in creates the account in the provider's organisation, with the role its
//!   group gives, and opens a session;
//! - a person in no mapped group, a disabled account and an e-mail of another organisation are
//!   refused with a sentence;
//! - an organisation whose passwords are switched off cannot sign in with a password.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
};

use reqwest::{StatusCode, Url, header};
use trygg_domain::{Actor, NewOrganisation, NewUser, OrgKind, Role};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;
use trygg_web::{WebConfig, ui::oidc::OidcProvider};

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the provider; `None` (the test is skipped) only outside CI when npm has not been run.
fn start_provider(redirect: &str) -> Option<(Node, String)> {
    if !provider_dir().join("node_modules/oidc-provider").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "run `npm ci --prefix crates/trygg-web/tests/oidc` (.ci/run does)"
        );
        eprintln!(
            "skipped: oidc-provider is not installed (npm ci --prefix crates/trygg-web/tests/oidc)"
        );
        return None;
    }
    let port = free_port();
    let accounts = serde_json::json!({
        "anna": {"email": "anna@kommun.test", "name": "Anna Analytiker", "groups": ["trygg-analytiker", "alla"]},
        "olle": {"email": "olle@kommun.test", "name": "Olle Obehörig", "groups": ["alla"]},
        "bo": {"email": "annan@bo.test", "name": "Bo Bostad", "groups": ["trygg-analytiker"]},
    });
    let mut child = Command::new("node")
        .arg(provider_dir().join("provider.mjs"))
        .env("PORT", port.to_string())
        .env("REDIRECT_URIS", redirect)
        .env("ACCOUNTS", accounts.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // Keep reading, so that the provider never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    assert!(line.starts_with("ready "), "the provider said {line:?}");
    Some((Node(child), line["ready ".len()..].trim().to_string()))
}

/// Walks the provider's login and consent forms for `login`, from trygg's button to trygg's
/// last answer (a redirect into the app, or a refusal page).
async fn sign_in(http: &reqwest::Client, base: &str, login: &str) -> (StatusCode, String, String) {
    let mut url = Url::parse(&format!("{base}/login/oidc/kommun?next=/lagesbild")).unwrap();
    let mut res = http.get(url.clone()).send().await.unwrap();
    for _ in 0..20 {
        let on_trygg = url.as_str().starts_with(base);
        if res.status().is_redirection() {
            let to = url
                .join(res.headers()[header::LOCATION].to_str().unwrap())
                .unwrap();
            if on_trygg && to.as_str().starts_with(base) && !to.path().starts_with("/login/oidc") {
                return (res.status(), to.path().to_string(), String::new());
            }
            url = to;
            res = http.get(url.clone()).send().await.unwrap();
            continue;
        }
        let status = res.status();
        let body = res.text().await.unwrap();
        if on_trygg {
            return (status, url.path().to_string(), body);
        }
        // A form of the provider's: fill in the login and submit it as it is.
        let form = body.split("<form").nth(1).expect("a form at the provider");
        let action = attr(form, "action").expect("the form's action");
        let mut fields: Vec<(String, String)> = form
            .split("<input")
            .skip(1)
            .filter_map(|i| Some((attr(i, "name")?, attr(i, "value").unwrap_or_default())))
            .collect();
        for (k, v) in &mut fields {
            match k.as_str() {
                "login" => *v = login.to_string(),
                "password" => *v = "vad som helst".to_string(),
                _ => {}
            }
        }
        url = url.join(&action).unwrap();
        res = http.post(url.clone()).form(&fields).send().await.unwrap();
    }
    panic!("the sign-in did not come back to trygg");
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let value = &tag[start..];
    Some(value[..value.find('"')?].replace("&amp;", "&"))
}

#[tokio::test]
async fn sign_in_through_a_real_openid_provider() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let redirect = format!("{base}/login/oidc/kommun/callback");
    let Some((_node, issuer)) = start_provider(&redirect) else {
        return;
    };

    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let actor = Actor::system("test");
    let mut orgs = Vec::new();
    for name in ["Uppsala kommun", "Uppsalahem"] {
        orgs.push(
            store
                .create_organisation(
                    &actor,
                    NewOrganisation {
                        name: name.into(),
                        kind: OrgKind::Kommun,
                        parent_id: None,
                    },
                )
                .await
                .unwrap()
                .id,
        );
    }
    let password = trygg_app::credentials::Password::new("ett bra lösenord")
        .unwrap()
        .hash()
        .unwrap();
    for (email, org) in [("lokal@kommun.test", orgs[0]), ("annan@bo.test", orgs[1])] {
        store
            .create_user(
                &actor,
                NewUser {
                    email: email.into(),
                    display_name: email.into(),
                    organisation_id: org,
                    roles: vec![Role::Viewer],
                },
                Some(password.clone()),
            )
            .await
            .unwrap();
    }
    let provider: OidcProvider = serde_json::from_value(serde_json::json!({
        "name": "kommun",
        "label": "Uppsala kommun (test-IdP)",
        "issuer": issuer,
        "client_id": "trygg",
        "client_secret": "hemligt-for-test",
        "redirect_url": redirect,
        "organisation": "Uppsala kommun",
        "scopes": ["email", "profile", "groups"],
        "roles": {"trygg-analytiker": ["analyst"], "trygg-admin": ["admin"]},
        "passwords": false
    }))
    .unwrap();
    let config = WebConfig {
        oidc: vec![provider],
        ..WebConfig::default()
    };
    let state = trygg_web::AppState::new(
        trygg_app::App::load(
            store.clone(),
            jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
        )
        .await
        .unwrap(),
    )
    .with_config(config);
    tokio::spawn(trygg_web::serve(
        listener,
        trygg_web::router(state),
        std::future::pending(),
    ));
    let browser = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };

    // The sign-in page offers the provider.
    let page = browser()
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Uppsala kommun (test-IdP)"), "{page}");

    // First sign-in: the account is made, with the role the group gives, and a session opens.
    let anna = browser();
    let (status, to, body) = sign_in(&anna, &base, "anna").await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/lagesbild"),
        "{body}"
    );
    let user = store
        .user_credentials("anna@kommun.test")
        .await
        .unwrap()
        .expect("the first sign-in created the account")
        .user;
    assert_eq!(user.roles, vec![Role::Analyst]);
    assert_eq!(user.display_name, "Anna Analytiker");
    assert_eq!(user.organisation_id, orgs[0]);
    let res = anna.get(format!("{base}/lagesbild")).send().await.unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "signed in through the provider"
    );
    // Again: the same account, no second one.
    let (status, _, _) = sign_in(&browser(), &base, "anna").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        store
            .list_users()
            .await
            .unwrap()
            .iter()
            .filter(|u| u.email == "anna@kommun.test")
            .count(),
        1
    );

    // No group that gives a role: refused, and no account is made.
    let (status, _, body) = sign_in(&browser(), &base, "olle").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("inte med i någon grupp"), "{body}");
    assert!(
        store
            .user_credentials("olle@kommun.test")
            .await
            .unwrap()
            .is_none()
    );

    // A disabled account is refused, however good the provider's word.
    store
        .set_user_disabled(&actor, user.id, true)
        .await
        .unwrap();
    let (status, _, body) = sign_in(&browser(), &base, "anna").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("Kontot är avstängt"), "{body}");
    let res = anna.get(format!("{base}/lagesbild")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the old session ended");

    // The same e-mail in another organisation is not taken over.
    let (status, _, body) = sign_in(&browser(), &base, "bo").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("annan organisation"), "{body}");

    // The kommun signs in through its provider only: its local password is refused.
    let b = browser();
    let login = b.get(format!("{base}/login")).send().await.unwrap();
    let html = login.text().await.unwrap();
    let marker = r#"name="csrf" value=""#;
    let at = html.find(marker).expect("the form's token") + marker.len();
    let csrf = html[at..].split('"').next().unwrap().to_string();
    let res = b
        .post(format!("{base}/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "lokal@kommun.test"),
            ("password", "ett bra lösenord"),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("identitetsleverantör"));

    // A callback that did not begin here is refused without calling the provider.
    let res = browser()
        .get(format!("{base}/login/oidc/kommun/callback?code=x&state=y"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
