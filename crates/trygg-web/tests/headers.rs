//! The security headers over real HTTP, and the pages they allow: every answer (page, JSON API,
//! asset, the 404) carries the Content-Security-Policy and the other headers; pages and the API
//! are never cached while assets keep their caching; HSTS only with `secure_cookies`; no page a
//! signed-in administrator can open holds an inline script, an `on…=` handler or an inline
//! style, which the policy would refuse; and an agreement whose attachment links to
//! `javascript:` is refused at the API, naming the attachment.

mod common;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use trygg_demo::partnership as seed;
use trygg_domain::Role;
use trygg_store::NewSession;
use trygg_web::{WebConfig, access::RULES};

/// A signed-in administrator of the agreement's kommun: API token and session cookie.
struct Admin {
    spawned: common::Spawned,
    token: String,
    cookie: String,
    http: reqwest::Client,
}

async fn spawn(config: WebConfig) -> Admin {
    let spawned = common::spawn_with(&[(seed::KOMMUN, "admin@test", Role::Admin)], config).await;
    let token = spawned.tokens[0].clone();
    let user = spawned
        .store
        .user_by_token_hash(
            &trygg_app::credentials::hash_token(&token),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap()
        .unwrap();
    let cookie = trygg_app::credentials::generate_token();
    spawned
        .store
        .create_session(
            user.id,
            &NewSession {
                token_hash: trygg_app::credentials::hash_token(&cookie),
                csrf: trygg_app::credentials::generate_token(),
                expires_at: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
            },
        )
        .await
        .unwrap();
    Admin {
        spawned,
        token,
        cookie,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

impl Admin {
    async fn api(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.spawned
            .call(&self.http, method, path, &self.token, body)
            .await
    }

    /// `GET path` as the signed-in browser.
    async fn page(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.spawned.base))
            .header(header::COOKIE, format!("trygg_session={}", self.cookie))
            .send()
            .await
            .unwrap()
    }

    /// `GET path` with no session.
    async fn public(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.spawned.base))
            .send()
            .await
            .unwrap()
    }

    /// Records for the pages to show: the agreement and its 2020 plan, a district with an
    /// incident, a problem with its cause analysis, an intervention and an EST meeting (whose
    /// page embeds the week's report). Returns the ids: (problem, intervention, meeting).
    async fn seed(&self) -> (i64, i64, i64) {
        let agreement = serde_json::to_value(seed::agreement()).unwrap();
        let (s, v) = self
            .api(
                Method::PUT,
                "/partnership/agreement",
                Some(json!({"version": 0, "data": agreement})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let plan = serde_json::to_value(seed::commitment_plan_2020()).unwrap();
        let (s, v) = self
            .api(Method::POST, "/partnership/commitment-plans", Some(plan))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = self
            .api(
                Method::POST,
                "/incidents",
                Some(json!({
                    "category": "skadegorelse.klotter",
                    "occurred_from": "2024-05-03T21:40:00",
                    "position": {"lat": 59.8170, "lon": 17.5930},
                    "place": "Gottsunda centrum",
                    "description": "Klotter på elskåpet."
                })),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        self.spawned
            .state
            .ingest
            .import_areas(
                &trygg_domain::Actor::system("test"),
                vec![common::square("Gottsunda", "G", 17.59)],
            )
            .await
            .unwrap();
        let area = self.spawned.store.list_areas().await.unwrap()[0].id.0;
        let org = self.spawned.orgs[seed::KOMMUN].0;
        let (s, v) = self
            .api(
                Method::POST,
                "/problems",
                Some(json!({
                    "title": "Skadegörelse i Gottsunda centrum",
                    "description": "Klotter och glaskross kvällstid.",
                    "definition": {"categories": ["skadegorelse"], "areas": [area], "from": "2024-01-01"},
                    "origin": {"kind": "hot_spot", "reference": "Gottsunda centrum"},
                    "status": "active",
                    "owners": [org]
                })),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let problem = v["id"].as_i64().unwrap();
        let analysis = json!({"problem_id": problem, "hypotheses": [{
            "key": "H1",
            "text": "Skymd entré utan belysning",
            "evidence": [{"kind": "attachment", "name": "Trygghetsvandring", "url": "https://www.uppsala.se/vandring.pdf"}]
        }]});
        let (s, v) = self
            .api(
                Method::PUT,
                &format!("/problems/{problem}/analysis"),
                Some(json!({"version": 0, "data": analysis})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (s, v) = self
            .api(
                Method::POST,
                "/interventions",
                Some(json!({
                    "title": "Trygg i Gottsunda centrum",
                    "problem_ids": [problem],
                    "hypotheses": [{"problem_id": problem, "key": "H1"}],
                    "method": {"kind": "situational", "techniques": ["natural-surveillance"]},
                    "responsible": {"organisation_id": org, "unit": "Trygghet"},
                    "start": "2024-03-01",
                    "status": "ongoing",
                    "treated_areas": [area]
                })),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let intervention = v["id"].as_i64().unwrap();
        let (s, v) = self
            .api(
                Method::POST,
                "/meetings",
                Some(json!({
                    "date": "2024-05-06",
                    "observations": ["Klotter vid entrén"],
                    "actions": [{"text": "Sanera klotter", "owner": "Gatukontoret"}],
                    "focus_places": [{"name": "Gottsunda centrum"}]
                })),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        (problem, intervention, v["id"].as_i64().unwrap())
    }
}

fn get<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The headers every answer carries, whatever it is.
fn assert_security_headers(what: &str, res: &reqwest::Response) {
    let csp = get(res, "content-security-policy").unwrap_or_else(|| panic!("{what}: no CSP"));
    for directive in [
        "default-src 'self'",
        "script-src 'self';",
        "style-src 'self';",
        "img-src 'self' data: https://tile.openstreetmap.org;",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(directive), "{what}: {directive:?} in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert_eq!(
        get(res, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(get(res, "referrer-policy"), Some("same-origin"), "{what}");
    assert_eq!(get(res, "x-frame-options"), Some("DENY"), "{what}");
}

#[tokio::test]
async fn pages_api_and_assets_carry_the_security_headers() {
    let admin = spawn(WebConfig::default()).await;

    let page = admin.page("/konto").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_security_headers("a signed-in page", &page);
    assert_eq!(get(&page, "cache-control"), Some("no-store"), "a page");
    assert_eq!(
        get(&page, "strict-transport-security"),
        None,
        "no HSTS over plain HTTP (secure_cookies off)"
    );

    let api = admin
        .http
        .get(format!("{}/api/v1/areas", admin.spawned.base))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    assert_security_headers("the API", &api);
    assert_eq!(get(&api, "cache-control"), Some("no-store"), "the API");
    let refused = admin.public("/api/v1/areas").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_security_headers("a refused API call", &refused);
    assert_eq!(get(&refused, "cache-control"), Some("no-store"));

    let css = admin.public("/assets/app.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_security_headers("an asset", &css);
    assert_eq!(
        get(&css, "cache-control"),
        Some("no-cache"),
        "our assets keep revalidating, not no-store"
    );
    let vendored = admin.public("/assets/vendor/leaflet/leaflet.js").await;
    assert_eq!(
        get(&vendored, "cache-control"),
        Some("public, max-age=86400")
    );
    assert_security_headers("a vendored asset", &vendored);

    let report_css = admin.public("/assets/report.css").await;
    assert_eq!(report_css.status(), StatusCode::OK);
    assert_eq!(
        get(&report_css, "content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        report_css.text().await.unwrap(),
        trygg_report::html::CONTENT_CSS
    );

    for (what, path) in [("the sign-in page", "/login"), ("a 404", "/no-such-page")] {
        let res = admin.public(path).await;
        assert_security_headers(what, &res);
        assert_eq!(get(&res, "cache-control"), Some("no-store"), "{what}");
    }
}

#[tokio::test]
async fn hsts_only_with_secure_cookies_and_the_tile_origin_from_the_settings() {
    let admin = spawn(WebConfig {
        secure_cookies: true,
        tile_url: "https://{s}.kartor.uppsala.se/wmts/{z}/{x}/{y}.png".into(),
        ..WebConfig::default()
    })
    .await;
    for path in ["/konto", "/assets/app.css", "/login", "/api/v1/areas"] {
        let res = admin.page(path).await;
        assert_eq!(
            get(&res, "strict-transport-security"),
            Some("max-age=31536000"),
            "{path}"
        );
        let csp = get(&res, "content-security-policy").unwrap();
        assert!(
            csp.contains("img-src 'self' data: https://*.kartor.uppsala.se;"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("openstreetmap"), "{csp}");
    }
}

/// Every start tag of `html`: (name, attribute names), lower-case. Attribute values are quoted
/// and escaped by maud, so a `>` ends a tag.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end..];
        let mut chars = tag.chars().peekable();
        let name: String = chars
            .by_ref()
            .take_while(|c| !c.is_whitespace())
            .collect::<String>()
            .trim_end_matches('/')
            .to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while chars.next_if(|c| c.is_whitespace() || *c == '/').is_some() {}
            let attr: String =
                std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace() && *c != '=')).collect();
            if attr.is_empty() {
                break;
            }
            let mut value = String::new();
            if chars.next_if_eq(&'=').is_some() {
                match chars.next_if(|c| *c == '"' || *c == '\'') {
                    Some(q) => value = chars.by_ref().take_while(|c| *c != q).collect(),
                    None => {
                        value =
                            std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect()
                    }
                }
            }
            attrs.push((attr.to_ascii_lowercase(), value));
        }
        out.push((name, attrs));
    }
    out
}

/// What in `html` the policy would refuse: inline scripts (but JSON data blocks), `on…=`
/// handlers, `javascript:` links, `<style>` elements and `style=` attributes.
fn refused_by_the_policy(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (name, attrs) in tags(html) {
        let attr = |n: &str| attrs.iter().find(|(a, _)| a == n).map(|(_, v)| v.as_str());
        if name == "script" && attr("src").is_none() && attr("type") != Some("application/json") {
            out.push(format!("an inline <script {attrs:?}>"));
        }
        if name == "style" {
            out.push("a <style> element".into());
        }
        for (a, v) in &attrs {
            if a.starts_with("on") || a == "style" {
                out.push(format!("<{name} {a}={v:?}>"));
            }
            if (a == "href" || a == "src" || a == "action")
                && v.trim().to_ascii_lowercase().starts_with("javascript:")
            {
                out.push(format!("<{name} {a}={v:?}>"));
            }
        }
    }
    out
}

#[test]
fn the_page_scanner_finds_what_it_looks_for() {
    let bad = r#"<p>onclick= in text is fine</p><script>alert(1)</script>
        <script type="application/json">{"a":1}</script><script src="/assets/x.js" defer></script>
        <button type=button onclick="go()">x</button><div STYLE='color:red'></div>
        <style>p{}</style><a href=" javascript:alert(1)">x</a><img src=/a.png alt="on=x">"#;
    let found = refused_by_the_policy(bad);
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(
        refused_by_the_policy(r#"<input type="text" name="onion" value="style=x">"#).is_empty()
    );
}

/// A concrete path for a page route: the ids of the records [`Admin::seed`] made, the
/// seeded plan's year, 1 for what was not made (an incident is 1: the first).
fn concrete(path: &str, (problem, intervention, meeting): (i64, i64, i64)) -> String {
    let id = if path.starts_with("/problem/") {
        problem
    } else if path.starts_with("/insatser/") {
        intervention
    } else if path.starts_with("/moten/") {
        meeting
    } else {
        1
    };
    path.replace("{id}", &id.to_string())
        .replace("{year}", "2020")
        .replace("{chart}", "trend.png")
}

#[tokio::test]
async fn no_page_holds_what_the_policy_refuses() {
    let admin = spawn(WebConfig::default()).await;
    let ids = admin.seed().await;
    let mut paths: Vec<String> = RULES
        .iter()
        // Open311 answers JSON like the API, to its api_key (tests/open311.rs).
        .filter(|r| {
            r.method == "GET"
                && !r.path.starts_with("/api/")
                && !r.path.starts_with("/open311/")
                && !r.path.contains('*')
        })
        .map(|r| concrete(r.path, ids))
        .collect();
    // Pages a query opens: a report embedded in the page, a lägesbild with every layer.
    paths.extend(
        [
            "/rapporter/rapport?kind=weekly&week=2024-W19&format=web",
            "/rapporter/rapport?kind=lagesbild&year=2024&format=web",
            "/lagesbild?layers=omraden,punkter,kde,hotspots",
            "/?lang=en",
        ]
        .map(String::from),
    );
    let mut pages = 0;
    let mut problems = Vec::new();
    for path in &paths {
        let res = admin.page(path).await;
        let status = res.status();
        // /login sends a signed-in person on; ids that do not exist are 404s, a report without
        // its query a 400: pages too, and checked as such. The administrator is never refused.
        assert!(
            !status.is_server_error()
                && status != StatusCode::UNAUTHORIZED
                && status != StatusCode::FORBIDDEN,
            "{path}: {status}"
        );
        assert_security_headers(path, &res);
        let html_page = get(&res, "content-type").is_some_and(|t| t.starts_with("text/html"));
        let body = res.text().await.unwrap();
        if !html_page {
            continue;
        }
        if status.is_success() {
            pages += 1;
        }
        for p in refused_by_the_policy(&body) {
            problems.push(format!("{path}: {p}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(pages >= 30, "only {pages} pages were shown");
    // The evidence's address is a link on the problem's page.
    let body = admin
        .page(&format!("/problem/{}", ids.0))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        body.contains(r#"<a href="https://www.uppsala.se/vandring.pdf" rel="noopener">"#),
        "{body}"
    );

    // The embedded reports link their style sheet instead of carrying one (a meeting's
    // lägesbild is read by its page from /moten/lagesbild).
    let meeting = admin
        .page(&format!("/moten/{}", ids.2))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        meeting.contains(r#"data-src="/moten/lagesbild?ar="#) && !meeting.contains("data:image"),
        "{meeting}"
    );
    for path in [
        "/moten/lagesbild?ar=2024&vecka=19".to_string(),
        "/rapporter/rapport?kind=weekly&week=2024-W19&format=web".into(),
    ] {
        let body = admin.page(&path).await.text().await.unwrap();
        assert!(body.contains("class=\"trygg-report\""), "{path}: {body}");
        assert!(
            body.contains(r#"<link rel="stylesheet" href="/assets/report.css">"#),
            "{path}"
        );
    }
    // Signed out, the public pages hold nothing the policy refuses either.
    for path in ["/login", "/lofte", "/no-such-page"] {
        let body = admin.public(path).await.text().await.unwrap();
        assert_eq!(refused_by_the_policy(&body), Vec::<String>::new(), "{path}");
    }
}

#[tokio::test]
async fn an_attachment_linking_to_javascript_is_refused_naming_it() {
    let admin = spawn(WebConfig::default()).await;
    for link in [
        "javascript:alert(document.cookie)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
    ] {
        let mut agreement = serde_json::to_value(seed::agreement()).unwrap();
        agreement["attachments"] = json!([
            "Bilaga 1 – Åtagandeplan <https://www.uppsala.se/bilaga-1.pdf>",
            format!("Bilaga 2 <{link}>")
        ]);
        let (s, v) = admin
            .api(
                Method::PUT,
                "/partnership/agreement",
                Some(json!({"version": 0, "data": agreement})),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{link}: {v}");
        assert_eq!(v["error"]["field"], "attachments[1]", "{link}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("must start with https://, http:// or mailto:"),
            "{message}"
        );
    }
    let (s, _) = admin.api(Method::GET, "/partnership/agreement", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing was stored");

    // A good address is stored and becomes a link on the agreement's page.
    let mut agreement = serde_json::to_value(seed::agreement()).unwrap();
    agreement["attachments"] = json!([
        "Bilaga 1 – Åtagandeplan <https://www.uppsala.se/bilaga-1.pdf>",
        "Frågor <mailto:samordnare@uppsala.se>"
    ]);
    let (s, v) = admin
        .api(
            Method::PUT,
            "/partnership/agreement",
            Some(json!({"version": 0, "data": agreement})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let body = admin.page("/samverkan").await.text().await.unwrap();
    assert!(
        body.contains(r#"<a href="https://www.uppsala.se/bilaga-1.pdf" rel="noopener">"#),
        "{body}"
    );
    assert!(body.contains(r#"<a href="mailto:samordnare@uppsala.se" rel="noopener">"#));
}
