//! Fixes (åtgärdsärenden) over real HTTP: the JSON API (a rule routes a new fix, a status
//! without its reason is refused naming the field, a reporter's token refused), and the pages a
//! coordinator uses (a rule and a service level on /atgarder/regler, a fix by hand, its status,
//! a split, the list's filters, a fix from an incident's page), an outside party's link by
//! hand and by e-mail (aiosmtpd).

mod common;
#[path = "../../trygg-app/tests/smtp/mod.rs"]
mod smtp;

use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use trygg_domain::Role;
use trygg_store::NewSession;

/// A session for `email`: the cookie header's value (the CSRF token is "c").
async fn session(app: &common::Spawned, email: &str) -> String {
    let user = app
        .store
        .user_credentials(email)
        .await
        .unwrap()
        .unwrap()
        .user;
    let token = format!("s-{email}");
    app.store
        .create_session(
            user.id,
            &NewSession {
                token_hash: trygg_app::credentials::hash_token(&token),
                csrf: "c".into(),
                expires_at: jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
            },
        )
        .await
        .unwrap();
    format!("trygg_session={token}")
}

struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl Browser {
    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a form; the status and the redirect's target or the page.
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let mut fields = vec![("csrf", "c")];
        fields.extend_from_slice(form);
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let location = r
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let text = r.text().await.unwrap();
        (status, location.unwrap_or(text))
    }
}

async fn setup() -> (common::Spawned, Vec<String>) {
    setup_mailing(None).await
}

/// [`setup`], sending e-mail through `mailer` (`None`: SMTP not configured).
async fn setup_mailing(
    mailer: Option<std::sync::Arc<dyn trygg_app::notify::Mailer>>,
) -> (common::Spawned, Vec<String>) {
    let app = common::spawn_mailing(
        &[
            ("Uppsala kommun", "samordnare@test", Role::Coordinator),
            ("Uppsala kommun", "rapportor@test", Role::Reporter),
            ("Uppsala kommun", "styrgrupp@test", Role::Steering),
        ],
        trygg_web::WebConfig::default(),
        mailer,
    )
    .await;
    app.state
        .ingest
        .import_areas(
            &trygg_domain::Actor::system("test"),
            vec![common::square("Gottsunda", "D1", 17.63)],
        )
        .await
        .unwrap();
    let tokens = app.tokens.clone();
    (app, tokens)
}

#[tokio::test]
async fn the_api_routes_a_new_fix_and_refuses_what_it_must() {
    let (app, tokens) = setup().await;
    let [coord, reporter, steering] = <[String; 3]>::try_from(tokens).unwrap();
    let http = reqwest::Client::new();
    let area = app.store.list_areas().await.unwrap()[0].id.0;
    let (s, r) = app
        .call(
            &http,
            Method::POST,
            "/fix-rules",
            &coord,
            Some(json!({"area": area, "category": "otrygg-plats",
                "owner": {"kind": "outside", "name": "Gottsundahem", "contact": "drift@gottsundahem.example"}})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (s, l) = app
        .call(
            &http,
            Method::PUT,
            "/fix-service-levels",
            &coord,
            Some(json!({"category": "otrygg-plats.belysning", "days": 5})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let new = json!({"source": {"kind": "manual"}, "category": "otrygg-plats.belysning",
        "position": [59.805, 17.635], "place": "Gottsunda centrum", "description": "Byt armaturen."});
    let (s, f) = app
        .call(&http, Method::POST, "/fixes", &coord, Some(new.clone()))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert_eq!(
        f["data"]["owners"][0]["responsible"]["name"],
        "Gottsundahem"
    );
    assert_eq!(f["data"]["owners"][0]["lead"], true);
    assert!(f["data"]["due"].is_string(), "{f}");
    let id = f["id"].as_i64().unwrap();

    let (s, e) = app
        .call(
            &http,
            Method::POST,
            &format!("/fixes/{id}/status"),
            &coord,
            Some(json!({"status": "wont_do"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "reason", "{e}");
    let (s, f) = app
        .call(
            &http,
            Method::POST,
            &format!("/fixes/{id}/status"),
            &coord,
            Some(json!({"status": "sent"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["data"]["status"], "sent");

    let (s, v) = app
        .call(&http, Method::GET, "/fixes?status=sent", &steering, None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    let (s, v) = app
        .call(&http, Method::GET, "/fixes?overdue=true", &steering, None)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["items"], json!([]));
    let (s, v) = app
        .call(&http, Method::GET, "/fixes?status=gone", &steering, None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    for (method, path, body) in [
        (Method::GET, format!("/fixes/{id}"), None),
        (Method::POST, "/fixes".to_string(), Some(new.clone())),
    ] {
        let (s, v) = app.call(&http, method, &path, &reporter, body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {v}");
    }
    let bad = json!({"source": {"kind": "manual"}, "category": "otrygg-plats.belysning",
        "position": [59.805, 17.635], "description": "Ring 811228-9874"});
    let (s, v) = app
        .call(&http, Method::POST, "/fixes", &coord, Some(bad))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "description", "{v}");
    let (_, all) = app.call(&http, Method::GET, "/fixes", &coord, None).await;
    assert_eq!(
        all["items"].as_array().unwrap().len(),
        1,
        "nothing stored half"
    );
}

#[tokio::test]
async fn a_coordinator_works_a_fix_through_the_pages() {
    let (app, _) = setup().await;
    let b = Browser {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: app.base.clone(),
        cookie: session(&app, "samordnare@test").await,
    };
    let area = app.store.list_areas().await.unwrap()[0].id.0.to_string();
    let (s, to) = b
        .post(
            "/atgarder/regler",
            &[
                ("area", &area),
                ("category", "otrygg-plats"),
                ("owner_kind", "outside"),
                ("owner_name", "Gottsundahem"),
            ],
        )
        .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/atgarder/regler")
    );
    let (s, page) = b
        .post(
            "/atgarder/serviceniva",
            &[("category", "otrygg-plats"), ("days", "noll")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("heltal"), "{page}");
    let (s, _) = b
        .post(
            "/atgarder/serviceniva",
            &[("category", "otrygg-plats"), ("days", "10")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, rules) = b.get("/atgarder/regler").await;
    assert!(
        rules.contains("Gottsundahem") && rules.contains("fix-levels"),
        "{rules}"
    );

    // A fix by hand: the place missing is said, then routed by the rule.
    let (s, page) = b
        .post(
            "/atgarder/ny",
            &[
                ("category", "otrygg-plats.insyn"),
                ("description", "Klipp buskarna."),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Välj platsen"), "{page}");
    assert!(page.contains("Klipp buskarna."), "the text is kept");
    let (s, to) = b
        .post(
            "/atgarder/ny",
            &[
                ("category", "otrygg-plats.insyn"),
                ("lat", "59,805"),
                ("lon", "17.635"),
                ("place", "Gångtunneln"),
                ("description", "Klipp buskarna."),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let (_, page) = b.get(&to).await;
    assert!(
        page.contains("Gottsundahem") && page.contains("huvudansvarig"),
        "{page}"
    );
    assert!(page.contains("regel"), "the history names the rule: {page}");

    // Split: a unit of the kommun takes the lighting part.
    let org = app.orgs["Uppsala kommun"].0.to_string();
    let (s, _) = b
        .post(
            &format!("{to}/agare"),
            &[
                ("owner_kind", "unit"),
                ("organisation", &org),
                ("owner_name", "Gatukontoret"),
                ("part", "Belysningen"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, page) = b
        .post(
            &format!("{to}/status"),
            &[("status", "wont_do"), ("reason", "")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("reason"), "{page}");
    let (s, _) = b
        .post(
            &format!("{to}/status"),
            &[("status", "done"), ("owner", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = b.get(&to).await;
    assert!(page.contains("Gatukontoret: Ny → Åtgärdad"), "{page}");
    let (s, _) = b.post(&format!("{to}/agare/0/ta-bort"), &[]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "the lead stays");
    let (s, _) = b.post(&format!("{to}/agare/1/huvud"), &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    let (_, list) = b.get("/atgarder?owner=gatu").await;
    assert!(list.contains("Gångtunneln"), "{list}");
    let (_, list) = b.get("/atgarder?status=done").await;
    assert!(list.contains("0 åtgärdsärenden"), "{list}");

    // From an incident's page.
    let incident = app
        .state
        .ingest
        .create(
            &trygg_domain::Actor::system("test"),
            trygg_domain::NewIncident {
                occurred_from: "2026-11-30T18:00:00Z".parse().unwrap(),
                occurred_to: None,
                reported_at: None,
                category: "otrygg-plats.belysning".into(),
                place_type: None,
                position: Some(
                    trygg_domain::Position::from_wgs84(
                        59.805,
                        17.635,
                        trygg_domain::Precision::Exact,
                    )
                    .unwrap(),
                ),
                place: Some("Hållplatsen".into()),
                source_org: app.orgs["Uppsala kommun"],
                channel: trygg_domain::Channel::Est,
                external_id: None,
                description: Some("Mörkt och obehagligt.".into()),
                visibility: trygg_domain::Visibility::Shared,
                report_id: None,
                created_by: None,
            },
        )
        .await
        .unwrap();
    let (_, page) = b.get(&format!("/handelser/{}", incident.id.0)).await;
    assert!(page.contains("Skapa åtgärdsärende"), "{page}");
    let (s, to) = b
        .post(
            &format!("/handelser/{}/atgard", incident.id.0),
            &[("description", "Byt lampan vid hållplatsen.")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let (_, page) = b.get(&to).await;
    assert!(
        page.contains("Mörkt och obehagligt.") && page.contains("Visas aldrig för externa parter"),
        "{page}"
    );
    let (s, _) = b
        .post(
            &format!("/handelser/{}/atgard", incident.id.0),
            &[("description", "Igen.")],
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "one fix per incident");

    // The styrgrupp reads, and is offered no forms.
    let s = Browser {
        cookie: session(&app, "styrgrupp@test").await,
        ..b
    };
    let (st, page) = s.get(&to).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!page.contains("fix-status-form"), "{page}");
    let _: Value = Value::Null;
}

/// A JPEG with an EXIF block holding a GPS tag (GPSInfo → GPSLatitudeRef "N") and the camera's
/// make ("Kamera AB").
fn jpeg_with_gps() -> Vec<u8> {
    let mut v = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
    v.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let tiff: Vec<u8> = [
        b"II*\0\x08\0\0\0".as_slice(),
        // IFD0: Make (0x010f, ASCII, 10 bytes at 38) and GPSInfo (0x8825 → 48).
        &[2, 0],
        &[0x0f, 0x01, 2, 0, 10, 0, 0, 0, 38, 0, 0, 0],
        &[0x25, 0x88, 4, 0, 1, 0, 0, 0, 48, 0, 0, 0],
        &[0, 0, 0, 0],
        b"Kamera AB\0",
        // GPS IFD: GPSLatitudeRef = "N".
        &[1, 0, 1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0, 0, 0, 0, 0],
    ]
    .concat();
    let exif = [b"Exif\0\0".as_slice(), &tiff].concat();
    v.extend([0xff, 0xe1]);
    v.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    v.extend(&exif);
    v.extend([0xff, 0xc0, 0x00, 0x0b, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
    v.extend([
        0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 0x3f, 0, 0x00, 0xff, 0xd9,
    ]);
    v
}

fn cookie_of(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.strip_prefix(&format!("{name}=")))
        .map(str::to_string)
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn an_outside_party_answers_through_its_link_with_a_photo_stripped_of_exif() {
    let (app, tokens) = setup().await;
    let coord = tokens[0].clone();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (s, f) = app
        .call(
            &http,
            Method::POST,
            "/fixes",
            &coord,
            Some(
                json!({"source": {"kind": "manual"}, "category": "otrygg-plats.insyn",
                "position": [59.805, 17.635], "description": "Klipp buskarna vid trappan.",
                "reporter_text": "Anna från Gottsunda såg det.",
                "owner": {"kind": "outside", "name": "Gottsundahem"}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let id = f["id"].as_i64().unwrap();
    let b = Browser {
        http: http.clone(),
        base: app.base.clone(),
        cookie: session(&app, "samordnare@test").await,
    };
    let (s, page) = b
        .post(&format!("/atgarder/{id}/lank"), &[("owner", "0")])
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let start = page.find("/atgard/").expect("the link is shown") + "/atgard/".len();
    let token: String = page[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64);
    let (_, fix_page) = b.get(&format!("/atgarder/{id}")).await;
    assert!(!fix_page.contains(&token), "the token is shown once");

    // The party's page: no sign-in, the description, never the reporter's text.
    let res = http
        .get(format!("{}/atgard/{token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csrf_cookie = cookie_of(&res, "trygg_atgard").expect("csrf cookie");
    let page = res.text().await.unwrap();
    assert!(page.contains("Klipp buskarna vid trappan."), "{page}");
    assert!(!page.contains("Anna"), "never the reporter's text: {page}");
    let csrf = hidden(&page, "csrf");

    let send = |text: &'static str, photo: Option<Vec<u8>>, csrf: String| {
        let (http, base, token, cookie) = (
            http.clone(),
            app.base.clone(),
            token.clone(),
            csrf_cookie.clone(),
        );
        async move {
            let boundary = "----trygg-fix-boundary";
            let mut body = Vec::new();
            for (k, v) in [
                ("csrf", csrf.as_str()),
                ("status", "planned"),
                ("text", text),
            ] {
                body.extend(
                    format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                        .into_bytes(),
                );
            }
            if let Some(bytes) = photo {
                body.extend(
                    format!(
                        "--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"bild.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
                    )
                    .into_bytes(),
                );
                body.extend(bytes);
                body.extend(b"\r\n");
            }
            body.extend(format!("--{boundary}--\r\n").into_bytes());
            let r = http
                .post(format!("{base}/atgard/{token}"))
                .header(header::COOKIE, format!("trygg_atgard={cookie}"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (s, _) = send("Utan token", None, "fel".into()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, page) = send("Ett pdf", Some(b"%PDF-1.7".to_vec()), csrf.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("JPEG, PNG or WebP") && page.contains("Ett pdf"),
        "{page}"
    );
    let mut huge = jpeg_with_gps();
    huge.resize(9 * 1024 * 1024, 0);
    let (s, page) = send("För stort", Some(huge), csrf.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("at most 8,0 MiB"), "{page}");
    let (_, v) = app
        .call(&http, Method::GET, &format!("/fixes/{id}"), &coord, None)
        .await;
    assert_eq!(v["data"]["photos"], json!([]), "nothing stored: {v}");

    let raw = jpeg_with_gps();
    assert!(raw.windows(9).any(|w| w == b"Kamera AB"));
    let (s, to) = send("Vi klipper i vår.", Some(raw), csrf).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let (_, v) = app
        .call(&http, Method::GET, &format!("/fixes/{id}"), &coord, None)
        .await;
    assert_eq!(v["data"]["status"], "planned", "{v}");
    assert_eq!(v["data"]["photos"][0]["approved_for_public"], false);
    let photo = http
        .get(format!("{}/atgarder/{id}/foto/1", app.base))
        .header(header::COOKIE, &b.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(photo.headers()[header::CONTENT_TYPE], "image/jpeg");
    let stored = photo.bytes().await.unwrap();
    assert!(stored.starts_with(&[0xff, 0xd8]));
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "EXIF gone");
    assert!(
        !stored.windows(2).any(|w| w == [0x25, 0x88]),
        "the GPS tag gone"
    );
    assert!(
        !stored.windows(9).any(|w| w == b"Kamera AB"),
        "the camera gone"
    );
    // Not shown through the link until approved.
    let r = http
        .get(format!("{}/atgard/{token}/foto/1", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (s, _) = b
        .post(
            &format!("/atgarder/{id}/foto/1/godkann"),
            &[("approved", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let r = http
        .get(format!("{}/atgard/{token}/foto/1", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, page) = b.get(&format!("/atgarder/{id}")).await;
    assert!(
        page.contains("Vi klipper i vår.") && page.contains("länk 1 (Gottsundahem)"),
        "{page}"
    );

    // Revoked, then expired: 410 naming whom to ask.
    let (s, _) = b
        .post(&format!("/atgarder/{id}/lank/1/aterkalla"), &[])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let r = http
        .get(format!("{}/atgard/{token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Länken har återkallats") && page.contains("Uppsala kommun"),
        "{page}"
    );

    let (_, page) = b
        .post(&format!("/atgarder/{id}/lank"), &[("owner", "0")])
        .await;
    let start = page.find("/atgard/").unwrap() + "/atgard/".len();
    let token: String = page[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    let mut stored =
        trygg_store::records::require::<trygg_domain::fix::Fix>(app.store.as_ref(), id)
            .await
            .unwrap();
    for l in &mut stored.data.links {
        l.expires_at = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    }
    trygg_store::records::update(
        app.store.as_ref(),
        &trygg_domain::Actor::system("test"),
        id,
        stored.meta.version,
        &stored.data,
    )
    .await
    .unwrap();
    let r = http
        .get(format!("{}/atgard/{token}?lang=en", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("The link has expired")
            && page.contains("Ask")
            && page.contains("Uppsala kommun"),
        "{page}"
    );
    let r = http
        .get(format!("{}/atgard/{}", app.base, "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

/// Every table of the store as backup lines: where a token would show if it were kept.
async fn whole_store(store: &dyn trygg_store::Store) -> String {
    let mut writer =
        Some(trygg_store::backup::Writer::new(Vec::new(), store.backend(), "now").unwrap());
    store
        .backup(&mut |item| writer.as_mut().unwrap().write(item))
        .await
        .unwrap();
    String::from_utf8(writer.take().unwrap().finish().unwrap().0).unwrap()
}

#[tokio::test]
async fn a_fix_sent_to_an_outside_party_mails_its_mailbox_a_link_that_opens_the_fix() {
    let Some(server) = smtp::SmtpSink::start() else {
        return;
    };
    let (app, tokens) = setup_mailing(Some(server.mailer())).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (s, f) = app
        .call(
            &http,
            Method::POST,
            "/fixes",
            &tokens[0],
            Some(
                json!({"source": {"kind": "manual"}, "category": "otrygg-plats.insyn",
                "position": [59.805, 17.635], "description": "Klipp buskarna vid trappan.",
                "reporter_text": "Anna från Gottsunda såg det.",
                "owner": {"kind": "outside", "name": "Gottsundahem",
                          "contact": "felanmalan@gottsundahem.test"}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let id = f["id"].as_i64().unwrap();
    let b = Browser {
        http: http.clone(),
        base: app.base.clone(),
        cookie: session(&app, "samordnare@test").await,
    };
    let (_, page) = b.get(&format!("/atgarder/{id}")).await;
    assert!(
        page.contains("e-postas en länk dit"),
        "the page says the link is mailed: {page}"
    );
    let (s, to) = b
        .post(&format!("/atgarder/{id}/status"), &[("status", "sent")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");

    // The worker's round (trygg serve runs it when woken; here the test runs it).
    let round = trygg_app::notify::run_once(&app.state).await.unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let mails = server.received();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    assert_eq!(mails[0].rcpt_tos, ["felanmalan@gottsundahem.test"]);
    let body = mails[0].body.as_deref().unwrap();
    assert!(body.contains("Klipp buskarna vid trappan."), "{body}");
    assert!(!body.contains("Anna"), "never the reporter's text: {body}");
    assert!(body.contains("Länken gäller till"), "{body}");
    let start = body.find("/atgard/").expect("a link") + "/atgard/".len();
    let token: String = body[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "{body}");

    // GET the link: the fix's page for the party, with its answer form.
    let res = http
        .get(format!("{}/atgard/{token}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Klipp buskarna vid trappan."), "{page}");
    assert!(page.contains("answer-form"), "{page}");
    assert!(!page.contains("Anna"), "{page}");

    // The coordinator's page: the link, made by the mail; never its token.
    let (_, page) = b.get(&format!("/atgarder/{id}")).await;
    assert!(page.contains("trygg (e-post)"), "{page}");
    assert!(!page.contains(&token));
    assert!(
        !whole_store(app.store.as_ref()).await.contains(&token),
        "no copy of the token in any table after delivery"
    );
}

#[tokio::test]
async fn a_walks_public_protocol_shows_a_photo_only_once_approved_and_without_exif() {
    let (app, _) = setup().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let b = Browser {
        http: http.clone(),
        base: app.base.clone(),
        cookie: session(&app, "samordnare@test").await,
    };
    let (s, walk) = b
        .post(
            "/trygghetsvandringar",
            &[
                ("title", "Trygghetsvandring Gottsunda"),
                ("date", "2026-10-01"),
                ("route", "59.805,17.635;59.806,17.636"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{walk}");
    // A place with a photo carrying EXIF (GPS, camera), as the phone sends it.
    let raw = jpeg_with_gps();
    assert!(raw.windows(4).any(|w| w == b"Exif"));
    let form = reqwest::multipart::Form::new()
        .text("csrf", "c")
        .text("kind", "unsafe")
        .text("category", "otrygg-plats.belysning")
        .text("lat", "59.8052")
        .text("lon", "17.6352")
        .text("description", "Trasig lampa vid gångtunneln")
        .part(
            "photo",
            reqwest::multipart::Part::bytes(raw)
                .file_name("lampa.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let r = http
        .post(format!("{}{walk}/fynd", app.base))
        .header(header::COOKIE, &b.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    for (path, form) in [
        (format!("{walk}/dirigera"), vec![]),
        (format!("{walk}/fynd/1/publicera"), vec![("published", "1")]),
    ] {
        let (s, to) = b.post(&path, &form).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{path}: {to}");
    }
    let (_, page) = b.get(&walk).await;
    assert!(
        page.contains("1 foto, 0 godkända för det publika protokollet"),
        "{page}"
    );
    let at = page.find("href=\"/atgarder/").expect("the fix") + "href=\"/atgarder/".len();
    let fix: String = page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    // Published, not approved: the protocol shows the place and no photo.
    let public = |path: String| {
        let http = http.clone();
        let base = app.base.clone();
        async move { http.get(format!("{base}{path}")).send().await.unwrap() }
    };
    let photo = format!("{walk}/protokoll/punkt/1/foto/1");
    let protocol = public(format!("{walk}/protokoll"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        protocol.contains("Trasig lampa vid gångtunneln"),
        "{protocol}"
    );
    assert!(!protocol.contains(&photo), "unapproved: {protocol}");
    assert_eq!(public(photo.clone()).await.status(), StatusCode::NOT_FOUND);

    // Approved on the fix: shown, and served to anyone without its EXIF.
    let (s, to) = b
        .post(
            &format!("/atgarder/{fix}/foto/1/godkann"),
            &[("approved", "1")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let protocol = public(format!("{walk}/protokoll"))
        .await
        .text()
        .await
        .unwrap();
    assert!(protocol.contains(&photo), "approved: {protocol}");
    let res = public(photo.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/jpeg");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xff, 0xd8]), "a JPEG");
    for metadata in [b"Exif".as_slice(), b"Kamera AB"] {
        assert!(
            !bytes.windows(metadata.len()).any(|w| w == metadata),
            "{} in the served photo",
            String::from_utf8_lossy(metadata)
        );
    }
    assert!(bytes.windows(4).any(|w| w == b"JFIF"), "the picture kept");

    // The approval taken back: gone again.
    b.post(
        &format!("/atgarder/{fix}/foto/1/godkann"),
        &[("approved", "0")],
    )
    .await;
    assert_eq!(public(photo).await.status(), StatusCode::NOT_FOUND);
}
