//! The web app over real HTTP: signing in, sessions, CSRF, the rate limit, roles × pages,
//! visibility, escaping, and EST reports, on a fresh SQLite database per test.

use std::sync::Arc;

use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use trygg_app::credentials::hash_token;
use trygg_domain::{
    Actor, Channel, NewIncident, NewOrganisation, NewUser, OrgKind, OrganisationId, Position,
    Precision, Role, Visibility,
};
use trygg_store::{NewSession, Store};
use trygg_store_sqlite::SqliteStore;

const PASSWORD: &str = "hemligt-123";

struct App {
    base: String,
    store: Arc<dyn Store>,
    http: reqwest::Client,
    kommun: OrganisationId,
    polis: OrganisationId,
}

/// A signed-in browser: the session cookie and the page's CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

fn role_email(r: Role) -> String {
    format!("{}@kommun.test", r.as_str())
}

async fn spawn() -> App {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let actor = Actor::system("test");
    let mut orgs = Vec::new();
    for (name, kind) in [
        ("Uppsala kommun", OrgKind::Kommun),
        ("LPO Uppsala", OrgKind::Lokalpolisomrade),
    ] {
        orgs.push(
            store
                .create_organisation(
                    &actor,
                    NewOrganisation {
                        name: name.into(),
                        kind,
                        parent_id: None,
                    },
                )
                .await
                .unwrap()
                .id,
        );
    }
    let hash = trygg_app::credentials::Password::new(PASSWORD)
        .unwrap()
        .hash()
        .unwrap();
    for r in Role::ALL {
        store
            .create_user(
                &actor,
                NewUser {
                    email: role_email(r),
                    display_name: format!("Test {}", r.label_sv()),
                    organisation_id: orgs[0],
                    roles: vec![r],
                },
                Some(hash.clone()),
            )
            .await
            .unwrap();
    }
    store
        .create_user(
            &actor,
            NewUser {
                email: "polis@polis.test".into(),
                display_name: "<script>alert('namn')</script>".into(),
                organisation_id: orgs[1],
                roles: vec![Role::Reporter, Role::Analyst],
            },
            Some(hash),
        )
        .await
        .unwrap();
    let state = trygg_web::AppState::new(
        trygg_app::App::load(
            store.clone(),
            jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
        )
        .await
        .unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(trygg_web::serve(
        listener,
        trygg_web::router(state),
        std::future::pending(),
    ));
    App {
        base,
        store,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        kommun: orgs[0],
        polis: orgs[1],
    }
}

fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()?
                .strip_prefix(&format!("{name}="))
                .map(str::to_string)
        })
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

fn meta_csrf(html: &str) -> String {
    let marker = r#"<meta name="csrf-token" content=""#;
    let start = html.find(marker).expect("csrf meta") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

impl App {
    fn url(&self, p: &str) -> String {
        format!("{}{p}", self.base)
    }

    /// Posts the sign-in form as a browser would.
    async fn try_login(&self, email: &str, password: &str) -> reqwest::Response {
        let page = self.http.get(self.url("/login")).send().await.unwrap();
        let pre = set_cookie(&page, "trygg_login").expect("sign-in form cookie");
        let html = page.text().await.unwrap();
        let csrf = hidden(&html, "csrf");
        self.http
            .post(self.url("/login"))
            .header(header::COOKIE, format!("trygg_login={pre}"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap()
    }

    async fn login(&self, email: &str) -> Browser {
        let res = self.try_login(email, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{email} signs in");
        let cookie = set_cookie(&res, "trygg_session").expect("session cookie");
        let html = self
            .http
            .get(self.url("/konto"))
            .header(header::COOKIE, format!("trygg_session={cookie}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Browser {
            csrf: meta_csrf(&html),
            cookie,
        }
    }

    async fn get(&self, b: &Browser, path: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }

    async fn post_form(&self, b: &Browser, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A form's answer as the browser ends up seeing it: a redirect after POST must go to a
    /// page of this site, which is fetched; anything else is the answer itself.
    async fn followed(&self, b: &Browser, res: reqwest::Response) -> (StatusCode, String) {
        if res.status() != StatusCode::SEE_OTHER {
            return (res.status(), res.text().await.unwrap());
        }
        let to = res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string();
        assert!(to.starts_with('/') && to.contains("sparat="), "{to}");
        self.get(b, &to).await
    }

    async fn post_json(
        &self,
        b: &Browser,
        path: &str,
        csrf: Option<&str>,
        body: Value,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .post(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .json(&body);
        if let Some(c) = csrf {
            req = req.header("x-csrf-token", c);
        }
        let res = req.send().await.unwrap();
        (res.status(), res.json().await.unwrap_or(Value::Null))
    }
}

fn event(category: &str, description: &str) -> Value {
    json!({
        "category": category,
        "occurred_from": "2024-05-03T21:40:00",
        "place_type": "park",
        "position": { "lat": 59.8170, "lon": 17.5930 },
        "place": "Gottsunda centrum",
        "description": description,
    })
}

#[tokio::test]
async fn sign_in_change_password_and_sign_out() {
    let app = spawn().await;
    let wrong = app.try_login("analyst@kommun.test", "fel").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Fel e-postadress eller lösenord")
    );
    let nobody = app.try_login("nobody@kommun.test", PASSWORD).await;
    assert_eq!(
        nobody.status(),
        StatusCode::UNAUTHORIZED,
        "unknown accounts look the same"
    );

    let b = app.login("analyst@kommun.test").await;
    let (status, home) = app.get(&b, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Hej, Test Analytiker"), "{home}");
    assert!(home.contains(r#"href="/lagesbild""#));
    assert!(
        !home.contains(r#"href="/admin""#),
        "only admins see administration"
    );

    // Password change needs the current password, then works; the old one stops working.
    let bad = app
        .post_form(
            &b,
            "/konto/losenord",
            &[
                ("csrf", &b.csrf),
                ("current", "fel"),
                ("new", "nytt-losen-1"),
                ("repeat", "nytt-losen-1"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("Det nuvarande lösenordet stämmer inte")
    );
    let ok = app
        .post_form(
            &b,
            "/konto/losenord",
            &[
                ("csrf", &b.csrf),
                ("current", PASSWORD),
                ("new", "nytt-losen-1"),
                ("repeat", "nytt-losen-1"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER, "redirect after POST");
    let (status, html) = app.followed(&b, ok).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Lösenordet är bytt"), "{html}");
    assert_eq!(
        app.try_login("analyst@kommun.test", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.try_login("analyst@kommun.test", "nytt-losen-1")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Sign-out needs the CSRF token, ends the session, and the cookie no longer works.
    let forged = app.post_form(&b, "/logout", &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.text().await.unwrap().contains("säkerhetstoken"));
    let out = app.post_form(&b, "/logout", &[("csrf", &b.csrf)]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let (status, _) = app.get(&b, "/konto").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "signed out: sent to sign in");

    // English on request, remembered in a cookie.
    let en = app
        .http
        .get(app.url("/login?lang=en"))
        .send()
        .await
        .unwrap();
    assert!(set_cookie(&en, "trygg_lang").is_some_and(|v| v == "en"));
    assert!(en.text().await.unwrap().contains("Sign in"));
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited() {
    let app = spawn().await;
    for _ in 0..5 {
        assert_eq!(
            app.try_login("viewer@kommun.test", "gissning")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = app.try_login("viewer@kommun.test", PASSWORD).await;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(locked.headers().contains_key(header::RETRY_AFTER));
    assert!(
        locked
            .text()
            .await
            .unwrap()
            .contains("För många misslyckade inloggningar")
    );
    assert_eq!(
        app.try_login("coordinator@kommun.test", PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "other accounts are not locked"
    );
}

#[tokio::test]
async fn an_expired_session_asks_to_sign_in_again() {
    let app = spawn().await;
    let user = app
        .store
        .user_credentials("reporter@kommun.test")
        .await
        .unwrap()
        .unwrap()
        .user;
    app.store
        .create_session(
            user.id,
            &NewSession {
                token_hash: hash_token("gammal"),
                csrf: "c".into(),
                expires_at: jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1),
            },
        )
        .await
        .unwrap();
    let b = Browser {
        cookie: "gammal".into(),
        csrf: "c".into(),
    };
    let res = app
        .http
        .get(app.url("/rapportera"))
        .header(header::COOKIE, "trygg_session=gammal")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        to.starts_with("/login?expired=1&next=%2Frapportera"),
        "{to}"
    );
    let (status, page) = app.get(&b, &to).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("Din session har gått ut"));
    let (status, v) = app
        .post_json(&b, "/api/v1/reports", Some("c"), json!({"events": []}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("expired"),
        "{v}"
    );
}

#[tokio::test]
async fn est_reports_need_csrf_and_are_all_or_nothing() {
    let app = spawn().await;
    let b = app.login("reporter@kommun.test").await;
    let (status, page) = app.get(&b, "/rapportera").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ny EST-rapport") && page.contains(r#"src="/assets/est.js""#));

    let two = json!({ "events": [event("skadegorelse.klotter", "Tags på elskåp"), event("samling", "Grupp vid entrén")] });
    let (status, v) = app
        .post_json(&b, "/api/v1/reports", None, two.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF header: {v}");
    let (status, v) = app
        .post_json(&b, "/api/v1/reports", Some("wrong"), two.clone())
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{v}");

    let bad = json!({ "events": [event("skadegorelse.klotter", "ok"), event("finns.inte", "x")] });
    let (status, v) = app
        .post_json(&b, "/api/v1/reports", Some(&b.csrf), bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "events[1].category", "{v}");
    let pnr = json!({ "events": [event("samling", "Pojken 19121212-1212 var där")] });
    let (status, v) = app
        .post_json(&b, "/api/v1/reports", Some(&b.csrf), pnr)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, mine) = app.get(&b, "/mina-rapporter").await;
    assert!(
        mine.contains("inte rapporterat något"),
        "nothing stored by refused reports"
    );

    let (status, v) = app
        .post_json(&b, "/api/v1/reports", Some(&b.csrf), two)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert!(
        events
            .iter()
            .all(|e| e["channel"] == "est" && e["report_id"] == v["report"]["id"])
    );
    let (_, mine) = app.get(&b, "/mina-rapporter").await;
    assert!(mine.contains("2 händelser"), "{mine}");
    assert!(
        mine.contains("Klotter") || mine.contains("klotter"),
        "{mine}"
    );
}

#[tokio::test]
async fn other_organisations_internal_reports_are_not_visible() {
    let app = spawn().await;
    let police = app
        .store
        .user_credentials("polis@polis.test")
        .await
        .unwrap()
        .unwrap()
        .user;
    let internal = app
        .store
        .create_incident(
            &Actor::User { id: police.id },
            trygg_store::AssignedIncident {
                incident: NewIncident {
                    occurred_from: "2024-05-01T20:00:00Z".parse().unwrap(),
                    occurred_to: None,
                    reported_at: None,
                    category: "ordning".into(),
                    place_type: None,
                    position: Some(Position::from_wgs84(59.858, 17.639, Precision::Exact).unwrap()),
                    place: Some("Intern plats".into()),
                    source_org: app.polis,
                    channel: Channel::Api,
                    external_id: None,
                    description: None,
                    visibility: Visibility::Internal,
                    report_id: None,
                    created_by: Some(police.id),
                },
                areas: vec![],
            },
        )
        .await
        .unwrap();
    let path = format!("/handelser/{}", internal.id.0);
    let kommun = app.login("reporter@kommun.test").await;
    let (status, page) = app.get(&kommun, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Intern plats"));
    assert!(page.contains("Sidan finns inte"));
    let polis = app.login("polis@polis.test").await;
    let (status, page) = app.get(&polis, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Intern plats"));
    let _ = app.kommun;
}

#[tokio::test]
async fn html_in_text_fields_is_escaped_everywhere() {
    let app = spawn().await;
    let b = app.login("polis@polis.test").await;
    let mut e = event("ordning", "<img src=x onerror=alert(1)>");
    e["place"] = json!("<script>alert('plats')</script>");
    let (status, v) = app
        .post_json(
            &b,
            "/api/v1/reports",
            Some(&b.csrf),
            json!({ "events": [e] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["events"][0]["id"].as_i64().unwrap();
    let admin = app.login("admin@kommun.test").await;
    for (who, path) in [
        (&b, format!("/handelser/{id}")),
        (&b, "/mina-rapporter".into()),
        (&admin, "/admin".into()),
        (&b, "/".into()),
    ] {
        let (status, page) = app.get(who, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains("<script>alert"), "{path} has raw script");
        assert!(!page.contains("<img src=x"), "{path} has raw img");
    }
    let (_, page) = app.get(&b, &format!("/handelser/{id}")).await;
    assert!(
        page.contains("&lt;script&gt;alert('plats')&lt;/script&gt;")
            || page.contains("&lt;script&gt;alert(&#39;plats&#39;)")
    );
    let (_, page) = app.get(&admin, "/admin").await;
    assert!(
        page.contains("&lt;script&gt;"),
        "display names are escaped in the admin list"
    );
}

/// Every role against every page: 200 where the role belongs, 403 elsewhere; 303 to sign-in
/// without a session; 401 for the API without credentials.
#[tokio::test]
async fn role_by_page_matrix() {
    let app = spawn().await;
    let all: &[Role] = &Role::ALL;
    use trygg_domain::{Permission, policy::roles_for};
    let pages: &[(&str, &[Role])] = &[
        ("/", all),
        ("/konto", all),
        ("/rapportera", roles_for(Permission::FileReport)),
        ("/mina-rapporter", roles_for(Permission::ReadOwnReports)),
        ("/admin", roles_for(Permission::ManageAccounts)),
    ];
    for (path, _) in pages {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{path} without a session"
        );
        let to = res.headers()[header::LOCATION].to_str().unwrap();
        assert!(to.starts_with("/login"), "{path} → {to}");
    }
    for api in [
        "/api/v1/incidents",
        "/api/v1/categories",
        "/api/v1/areas",
        "/api/v1/stats/weekly",
    ] {
        let res = app.http.get(app.url(api)).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "{api} without credentials"
        );
    }
    for role in Role::ALL {
        let b = app.login(&role_email(role)).await;
        for (path, allowed) in pages {
            let (status, body) = app.get(&b, path).await;
            let expected = if allowed.contains(&role) {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{} on {path}", role.as_str());
            if expected == StatusCode::FORBIDDEN {
                assert!(body.contains("Ingen behörighet"), "a clear page for {path}");
            }
        }
        // Admin forms refuse non-admins even with a valid CSRF token.
        let res = app
            .post_form(
                &b,
                "/admin/anvandare",
                &[
                    ("csrf", &b.csrf),
                    ("email", "x@y.z"),
                    ("display_name", "X"),
                    ("organisation_id", "1"),
                    ("role", "admin"),
                    ("password", "langt-losen"),
                ],
            )
            .await;
        let expected = if role == Role::Admin {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(res.status(), expected, "{} adding a user", role.as_str());
        if role == Role::Admin {
            // Redirect after POST: the new user's page, which says what was done.
            let to = res.headers()[header::LOCATION]
                .to_str()
                .unwrap()
                .to_string();
            assert!(
                to.starts_with("/admin/anvandare/") && to.ends_with("?sparat=anvandare"),
                "{to}"
            );
            let (status, html) = app.get(&b, &to).await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("Användaren har lagts till."), "{html}");
        }
        let (status, _) = app.get(&b, "/api/v1/incidents").await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{} reads the API with a session",
            role.as_str()
        );
    }
    let (status, _) = app
        .get(&app.login("admin@kommun.test").await, "/finns-inte")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The OpenAPI document lists every operation, and each one answers 401 without credentials;
/// an unknown API path does too, and a JSON 404 once signed in.
#[tokio::test]
async fn openapi_document_matches_the_routes() {
    let app = spawn().await;
    let doc: Value = app
        .http
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for p in [
        "/api/v1/problems",
        "/api/v1/interventions",
        "/api/v1/interventions/{id}/evaluation",
        "/api/v1/reports",
        "/api/v1/lagesbild/near-repeat",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} is documented");
    }
    let ops = trygg_web::openapi::OPERATIONS;
    assert!(ops.len() >= 40);
    for op in ops {
        let path = format!("/api/v1{}", op.path)
            .replace("{id}", "1")
            .replace("{key}", "x");
        let req = match op.method {
            "get" => app.http.get(app.url(&path)),
            "post" => app.http.post(app.url(&path)),
            "put" => app.http.put(app.url(&path)),
            "delete" => app.http.delete(app.url(&path)),
            m => panic!("method {m}"),
        };
        let res = req.send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "{} {path} without credentials",
            op.method
        );
    }
    let res = app.http.get(app.url("/api/v1/nope")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let b = app.login("viewer@kommun.test").await;
    let (status, body) = app.get(&b, "/api/v1/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("openapi.json"), "{body}");
}

/// Every page route that takes a posted form (read from the access table, so a new one is
/// covered) refuses it without the session's CSRF token and with a wrong one, before its
/// handler runs: 403 and the page that says to reload.
#[tokio::test]
async fn every_posted_page_form_needs_the_csrf_token() {
    let app = spawn().await;
    let hash = trygg_app::credentials::Password::new(PASSWORD)
        .unwrap()
        .hash()
        .unwrap();
    app.store
        .create_user(
            &Actor::system("test"),
            NewUser {
                email: "allt@kommun.test".into(),
                display_name: "Alla roller".into(),
                organisation_id: app.kommun,
                roles: Role::ALL.to_vec(),
            },
            Some(hash),
        )
        .await
        .unwrap();
    let b = app.login("allt@kommun.test").await;
    let mut checked = 0;
    for rule in trygg_web::access::RULES {
        // Open311's POST is no page form: its caller is the api_key in the body, never a
        // cookie, so no other site can send it on a user's behalf.
        if rule.method != "POST"
            || rule.path.starts_with("/api/")
            || rule.path.starts_with("/open311/")
            || rule.path == "/login"
        {
            continue;
        }
        let path = rule
            .path
            .replace("{year}", "2024")
            .replace("{id}", "1")
            .replace("{commitment}", "a")
            .replace("{cid}", "a")
            .replace("{n}", "0")
            .replace("{token}", "x");
        assert!(!path.contains('{'), "a placeholder to fill in: {path}");
        for form in [vec![("title", "x")], vec![("csrf", "fel"), ("title", "x")]] {
            let res = app.post_form(&b, &path, &form).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "POST {path} {form:?}");
            let page = res.text().await.unwrap();
            assert!(page.contains("säkerhetstoken"), "POST {path}: {page}");
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} posted page routes found");
}

/// The administrator's page: a named token with an expiry is shown once and opens the API,
/// revoking it closes the API at once; disabling a user ends their session and refuses their
/// sign-in with a sentence; an administrator cannot disable themselves.
#[tokio::test]
async fn admins_make_and_revoke_tokens_and_disable_users() {
    let app = spawn().await;
    let admin = app.login(&role_email(Role::Admin)).await;
    let analyst_email = role_email(Role::Analyst);
    let analyst = app.login(&analyst_email).await;
    let analyst_id = app
        .store
        .user_credentials(&analyst_email)
        .await
        .unwrap()
        .unwrap()
        .user
        .id
        .0
        .to_string();
    let res = app
        .post_form(
            &admin,
            "/admin/token",
            &[
                ("csrf", &admin.csrf),
                ("user_id", &analyst_id),
                ("name", "Polisens import"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    let marker = r#"<code class="token">"#;
    let start = page.find(marker).expect("the token is shown") + marker.len();
    let token = page[start..].split('<').next().unwrap().to_string();
    let api = |token: String| {
        let app = &app;
        async move {
            app.http
                .get(app.url("/api/v1/incidents"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(api(token.clone()).await, StatusCode::OK);
    let listed = app.store.list_api_tokens().await.unwrap();
    let made = listed.iter().find(|t| t.name == "Polisens import").unwrap();
    let days = made.expires_at.duration_since(made.created_at).as_hours() / 24;
    assert_eq!(days, 30);
    let (_, admin_page) = app.get(&admin, "/admin").await;
    assert!(admin_page.contains("Polisens import") && admin_page.contains("Gäller"));

    let res = app
        .post_form(
            &admin,
            &format!("/admin/token/{}/aterkalla", made.id),
            &[("csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/admin?sparat=nyckel");
    assert_eq!(
        api(token).await,
        StatusCode::UNAUTHORIZED,
        "revoked at once"
    );

    let (status, _) = app.get(&analyst, "/rapportera").await;
    assert_eq!(status, StatusCode::OK);
    let res = app
        .post_form(
            &admin,
            &format!("/admin/anvandare/{analyst_id}/status"),
            &[("csrf", &admin.csrf), ("disabled", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(to, format!("/admin/anvandare/{analyst_id}?sparat=avstangt"));
    let (_, html) = app.get(&admin, &to).await;
    assert!(html.contains("Kontot är avstängt"));
    let (status, _) = app.get(&analyst, "/rapportera").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the session has ended");
    let res = app.try_login(&analyst_email, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("Kontot är avstängt"));

    let admin_id = app
        .store
        .user_credentials(&role_email(Role::Admin))
        .await
        .unwrap()
        .unwrap()
        .user
        .id
        .0;
    let res = app
        .post_form(
            &admin,
            &format!("/admin/anvandare/{admin_id}/status"),
            &[("csrf", &admin.csrf), ("disabled", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("eget konto"));
    let (status, _) = app.get(&admin, "/admin").await;
    assert_eq!(status, StatusCode::OK, "the admin is still signed in");
}

/// An administrator stores the kommun's own category names on `/admin/kategorier`; every import
/// reads them (here the kommun's Excel export through the API, as an analyst); removed, they
/// no longer map.
#[tokio::test]
async fn an_admin_stores_category_synonyms_that_imports_read() {
    let app = spawn().await;
    let admin = app.login(&role_email(Role::Admin)).await;
    let (status, html) = app.get(&admin, "/admin/kategorier").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Inga egna kategorinamn"), "{html}");
    let (_, html) = app.get(&admin, "/admin").await;
    assert!(
        html.contains("href=\"/admin/kategorier\""),
        "linked from /admin"
    );

    let add = |value: &'static str, code: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let res = app
                .post_form(
                    admin,
                    "/admin/kategorier",
                    &[("csrf", &admin.csrf), ("value", value), ("code", code)],
                )
                .await;
            app.followed(admin, res).await
        }
    };
    let (status, html) = add("Ordningsstörning", "ordning.ovrig").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Nearest codes: ordning.ovrigt"), "{html}");
    let (status, html) = add("Anmäld av 19121212-1212", "ordning").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the text guard");
    assert!(html.contains("personnummer"), "{html}");
    let (status, html) = add("Ordningsstörning", "ordning.ovrigt").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Sparat") && html.contains("ordning.ovrigt"),
        "{html}"
    );
    let (status, html) = add(" ORDNINGSSTÖRNING ", "ordning").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("already stored"), "{html}");
    let stored = app.store.list_records("category_synonym").await.unwrap();
    assert_eq!(stored.len(), 1, "one record, audited like every record");

    // Others may not see or change them.
    let analyst = app.login(&role_email(Role::Analyst)).await;
    let (status, _) = app.get(&analyst, "/admin/kategorier").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The kommun's export imports without a category_map parameter.
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../trygg-import/tests/fixtures/kommun_uppsala_handelser_cp1252.csv"
    ))
    .unwrap();
    let import = |body: Vec<u8>| {
        let (app, analyst) = (&app, &analyst);
        async move {
            let res = app
                .http
                .post(app.url("/api/v1/import/csv"))
                .header(header::COOKIE, format!("trygg_session={}", analyst.cookie))
                .header("x-csrf-token", &analyst.csrf)
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, v) = import(bytes).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["stored"]["created"], 40, "{v}");
    assert_eq!(
        v["summary"]["mapped_categories"]["Ordningsstörning"],
        json!({"code": "ordning.ovrigt", "rows": 7}),
        "{v}"
    );

    // Removed: the value is unknown again.
    let id = stored[0].meta.id;
    let res = app
        .post_form(
            &admin,
            &format!("/admin/kategorier/{id}/ta-bort"),
            &[("csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()[header::LOCATION],
        "/admin/kategorier?sparat=borttaget"
    );
    assert!(
        app.store
            .list_records("category_synonym")
            .await
            .unwrap()
            .is_empty()
    );
    let (status, v) = import(
        "Datum;Kategori;Lat;Lon\n2024-05-01;Ordningsstörning;59,8586;17,6389\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

/// An administrator adds an own category on `/admin/kategorier` (refused input shown again with
/// what was typed), renames it, and it is offered with the standard ones; nothing removes it.
#[tokio::test]
async fn an_admin_adds_and_renames_own_categories_on_the_page() {
    let app = spawn().await;
    let admin = app.login(&role_email(Role::Admin)).await;
    let (_, html) = app.get(&admin, "/admin/kategorier").await;
    assert!(html.contains("Inga egna kategorier"), "{html}");
    assert!(
        html.contains("kan inte tas bort"),
        "says why there is no removal"
    );
    let add = |group: &'static str, sv: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let res = app
                .post_form(
                    admin,
                    "/admin/kategorier/ny",
                    &[
                        ("csrf", &admin.csrf),
                        ("group", group),
                        ("code", ""),
                        ("label_sv", sv),
                        ("label_en", "Loitering at the page"),
                    ],
                )
                .await;
            app.followed(admin, res).await
        }
    };
    let (status, html) = add("ordning", "Av 19121212-1212").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("personnummer"), "{html}");
    assert!(
        html.contains("value=\"Loitering at the page\""),
        "what was typed is kept: {html}"
    );
    let (status, html) = add("samling", "Häng vid sidan").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("samling.hang-vid-sidan"), "{html}");
    let (status, _) = add("samling", "Häng vid sidan").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "exists");

    let stored = app.store.list_records("category").await.unwrap();
    assert_eq!(stored.len(), 1);
    let id = stored[0].meta.id;
    let res = app
        .post_form(
            &admin,
            &format!("/admin/kategorier/egen/{id}"),
            &[
                ("csrf", &admin.csrf),
                ("label_sv", "Häng vid sidorna"),
                ("label_en", "Loitering"),
            ],
        )
        .await;
    let (status, html) = app.followed(&admin, res).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"Häng vid sidorna\""), "{html}");
    assert_eq!(
        trygg_domain::Taxonomy
            .get("samling.hang-vid-sidan")
            .unwrap()
            .label_sv,
        "Häng vid sidorna"
    );
    // Without the CSRF token nothing changes.
    let res = app
        .post_form(
            &admin,
            "/admin/kategorier/ny",
            &[
                ("group", "ordning"),
                ("label_sv", "Utan"),
                ("label_en", "Without"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Offered in the synonym form like every category.
    assert!(
        html.contains("option value=\"samling.hang-vid-sidan\""),
        "{html}"
    );
    let analyst = app.login(&role_email(Role::Analyst)).await;
    let res = app
        .post_form(
            &analyst,
            "/admin/kategorier/ny",
            &[
                ("csrf", &analyst.csrf),
                ("group", "ordning"),
                ("label_sv", "A"),
                ("label_en", "A"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

impl App {
    /// Posts a `multipart/form-data` form with one file, as a browser's upload form does.
    async fn post_file(
        &self,
        b: &Browser,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str),
    ) -> (StatusCode, String) {
        let boundary = "----trygg-test-boundary";
        let mut body = String::new();
        for (k, v) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n\
             Content-Type: text/csv\r\n\r\n{}\r\n--{boundary}--\r\n",
            file.0, file.1
        ));
        let res = self
            .http
            .post(self.url(path))
            .header(header::COOKIE, format!("trygg_session={}", b.cookie))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    }
}

/// The mapping step's form address (`/importera/{id}`) in a page.
fn mapping_action(html: &str) -> String {
    let marker = "action=\"/importera/";
    let start = html.find(marker).expect("mapping step") + "action=\"".len();
    html[start..].split('"').next().unwrap().to_string()
}

async fn categories_stored(app: &App) -> Vec<String> {
    app.store
        .list_incidents(&trygg_domain::IncidentFilter {
            scope: trygg_domain::Scope::All,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.category)
        .collect()
}

/// `/importera`: an analyst uploads a file with a value trygg does not know, maps it on the
/// mapping step without choosing the file again, and it is imported; an administrator maps a
/// value to a new category and remembers it; errors are shown with their lines.
#[tokio::test]
async fn the_import_page_maps_unknown_categories_without_a_second_upload() {
    let app = spawn().await;
    let analyst = app.login(&role_email(Role::Analyst)).await;
    let (status, html) = app.get(&analyst, "/importera").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/importera\""), "in the menu");
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    let reporter = app.login(&role_email(Role::Reporter)).await;
    let (status, html) = app.get(&reporter, "/importera").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");

    let csv = "Datum;Kategori;X;Y\n2024-05-01;Ordningsstörning;648000;6638000\n\
               2024-05-02;ordningsstörning ;648100;6638100\n";
    let (status, _) = app
        .post_file(&analyst, "/importera", &[("crs", "3006")], ("f.csv", csv))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token, nothing read");
    let fields = [("csrf", analyst.csrf.as_str()), ("crs", "3006")];
    let (status, html) = app
        .post_file(&analyst, "/importera", &fields, ("f.csv", csv))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Okända kategorier"), "{html}");
    assert!(
        html.contains("<td class=\"num\">2</td>"),
        "its count: {html}"
    );
    assert!(html.contains("rad 2"), "its first line: {html}");
    assert!(
        !html.contains("value=\"ny:"),
        "new categories are for admins"
    );
    let action = mapping_action(&html);
    let res = app
        .post_form(
            &analyst,
            &action,
            &[
                ("csrf", &analyst.csrf),
                ("value_0", "Ordningsstörning"),
                ("code_0", "ordning.ovrigt"),
            ],
        )
        .await;
    // Redirect after the POST: the result has its own address, and a reload imports nothing.
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let result_path = res.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        result_path, action,
        "the result is at the held file's address"
    );
    let (status, html) = app.get(&analyst, &result_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2 händelser importerade: 2 nya"), "{html}");
    assert!(html.contains("href=\"/lagesbild\""), "{html}");
    assert_eq!(categories_stored(&app).await, ["ordning.ovrigt"; 2]);
    let (status, again) = app.get(&analyst, &result_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(again.contains("2 händelser importerade"), "{again}");
    assert_eq!(
        categories_stored(&app).await.len(),
        2,
        "a reload imports nothing"
    );
    let reporter = app.login(&role_email(Role::Reporter)).await;
    let (status, _) = app.get(&reporter, &result_path).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a reporter may not import");
    let other = app.login(&role_email(Role::Admin)).await;
    let (status, html) = app.get(&other, &result_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("importerade") && html.contains("visas inte längre"),
        "another user does not see the result: {html}"
    );
    // Imported: the held file is gone.
    let res = app
        .post_form(
            &analyst,
            &action,
            &[
                ("csrf", &analyst.csrf),
                ("value_0", "Ordningsstörning"),
                ("code_0", "ordning"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("välj den igen"));

    // An administrator creates a category on the step and remembers the value.
    let admin = app.login(&role_email(Role::Admin)).await;
    let csv = "Datum;Kategori;X;Y\n2024-05-03;Webbhäng;648000;6638000\n";
    let fields = [("csrf", admin.csrf.as_str()), ("crs", "3006")];
    let (_, html) = app
        .post_file(&admin, "/importera", &fields, ("g.csv", csv))
        .await;
    assert!(html.contains("value=\"ny:samling\""), "{html}");
    let action = mapping_action(&html);
    let step = |label_sv: &'static str| {
        let (app, admin, action) = (&app, &admin, &action);
        async move {
            let res = app
                .post_form(
                    admin,
                    action,
                    &[
                        ("csrf", &admin.csrf),
                        ("value_0", "Webbhäng"),
                        ("code_0", "ny:samling"),
                        ("label_sv_0", label_sv),
                        ("label_en_0", "Web loitering"),
                        ("remember_0", "1"),
                    ],
                )
                .await;
            (res.status(), res.text().await.unwrap())
        }
    };
    let (status, html) = step("").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an empty label");
    assert!(
        html.contains("label_sv") && html.contains("Okända kategorier"),
        "{html}"
    );
    let (status, to) = step("Webbhäng").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, html) = app.get(&admin, &action).await;
    assert!(html.contains("1 händelse importerad: 1 ny"), "{html}");
    assert!(
        categories_stored(&app)
            .await
            .contains(&"samling.webbhang".to_string())
    );
    let synonyms = app.store.list_records("category_synonym").await.unwrap();
    assert_eq!(synonyms[0].data["code"], "samling.webbhang");

    // Other errors are listed with their lines; nothing is stored.
    let csv =
        "Datum;Kategori;X;Y\n2024-05-01;Bråk;648000;6638000\n2024-02-30;Bråk;648000;6638000\n";
    let (status, html) = app
        .post_file(
            &analyst,
            "/importera",
            &[("csrf", &analyst.csrf)],
            ("h.csv", csv),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("rad 3"), "{html}");
    assert!(html.contains("Inget importerades"), "{html}");
    assert_eq!(categories_stored(&app).await.len(), 3);
}
