//! Citizens' tips over real HTTP: the public form without signing in (its CSRF cookie, a QR
//! link's pre-filled place, a refusal in the page's language with the text kept), the
//! receipt, and the moderation queue, refused to a reporter and used by a coordinator; with
//! SMTP configured, the decision reaches a real SMTP server in the form's language.

mod common;
#[path = "../../trygg-app/tests/smtp/mod.rs"]
mod smtp;

use reqwest::{StatusCode, header};
use trygg_domain::Role;
use trygg_store::NewSession;

fn cookie(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next()?.strip_prefix(&format!("{name}=")))
        .expect("cookie")
        .to_string()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A session for `email`: the cookie value and its CSRF token.
async fn session(app: &common::Spawned, email: &str) -> (String, String) {
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
    (format!("trygg_session={token}"), "c".into())
}

#[tokio::test]
async fn a_citizen_sends_a_tip_without_signing_in_and_a_coordinator_accepts_it() {
    let mut config = trygg_web::WebConfig::default();
    config.tips.min_fill_seconds = 0;
    let app = common::spawn_with(
        &[
            ("Uppsala kommun", "samordnare@test", Role::Coordinator),
            ("Uppsala kommun", "rapportor@test", Role::Reporter),
        ],
        config,
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
    let area = app.store.list_areas().await.unwrap()[0].id.0;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    let res = http
        .get(format!("{}/tipsa?omrade={area}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csrf_cookie = cookie(&res, "trygg_tip");
    let html = res.text().await.unwrap();
    assert!(html.contains(r#"value="Gottsunda""#), "the area is named");
    let (csrf, stamp, lat, lon) = (
        hidden(&html, "csrf"),
        hidden(&html, "stamp"),
        hidden(&html, "lat"),
        hidden(&html, "lon"),
    );
    assert!(
        lat.is_empty(),
        "an area's link leaves the point to the citizen"
    );
    assert!(
        html.contains(r#"data-lat="59.80"#),
        "the map is centred on the area"
    );
    let form = |description: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("stamp", stamp.clone()),
            ("category", "klotter".to_string()),
            ("lat", lat.clone()),
            ("lon", lon.clone()),
            ("place", "Gottsunda".into()),
            ("date", "2026-01-10".into()),
            ("time", String::new()),
            ("description", description.into()),
            ("email", String::new()),
            ("website", String::new()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>, with_cookie: bool, lang: &'static str| {
        let mut r = http.post(format!("{}/tipsa{lang}", app.base)).form(&f);
        if with_cookie {
            r = r.header(header::COOKIE, format!("trygg_tip={csrf_cookie}"));
        }
        r.send()
    };

    let no_cookie = post(form("Klotter"), false, "").await.unwrap();
    assert_eq!(
        no_cookie.status(),
        StatusCode::FORBIDDEN,
        "CSRF without a session"
    );

    let refused = post(form("Ring 070-123 45 67"), true, "?lang=en")
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("The text contains a phone number"), "{page}");
    assert!(
        page.contains("Ring 070-123 45 67"),
        "the text is kept to be fixed"
    );

    let sent = post(form("Klotter på muren vid skolan"), true, "")
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let to = sent.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(to.starts_with("/tipsa/tack?ref=T-"), "{to}");
    let receipt = http.get(format!("{}{to}", app.base)).send().await.unwrap();
    let receipt = receipt.text().await.unwrap();
    assert!(receipt.contains("Ditt referensnummer är"));
    assert!(receipt.contains("Spara numret"), "no mail is sent yet");

    let (reporter, _) = session(&app, "rapportor@test").await;
    let refused = http
        .get(format!("{}/tips", app.base))
        .header(header::COOKIE, reporter)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let (coordinator, csrf) = session(&app, "samordnare@test").await;
    let queue = http
        .get(format!("{}/tips", app.base))
        .header(header::COOKIE, &coordinator)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains("Klotter på muren vid skolan"));
    assert!(
        queue.contains("E-post är inte konfigurerat — inget skickas."),
        "the page says no mail is sent"
    );
    let action = queue
        .split(r#"action="/tips/"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(action.ends_with("/godkann"), "{action}");
    let accepted = http
        .post(format!("{}/tips/{action}", app.base))
        .header(header::COOKIE, &coordinator)
        .form(&[("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let (status, body) = app
        .call(
            &http,
            reqwest::Method::GET,
            "/incidents?source=tips",
            &app.tokens[0],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1, "{body}");
    assert_eq!(body["items"][0]["category"], "skadegorelse.klotter");
}

#[tokio::test]
async fn each_area_has_a_qr_code_of_its_tip_link() {
    let app = common::spawn_with(
        &[("Uppsala kommun", "samordnare@test", Role::Coordinator)],
        trygg_web::WebConfig {
            public_url: "https://trygg.uppsala.se".into(),
            ..Default::default()
        },
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
    let area = app.store.list_areas().await.unwrap()[0].id.0;
    let (cookie, _) = session(&app, "samordnare@test").await;
    let get = |path: String| {
        reqwest::Client::new()
            .get(format!("{}{path}", app.base))
            .header(header::COOKIE, cookie.clone())
            .send()
    };
    let page = get("/tips/lank".into())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let src = format!("/tips/lank/{area}/qr.svg");
    assert!(page.contains(&format!(r#"src="{src}""#)), "{page}");
    assert!(page.contains("https://trygg.uppsala.se/tipsa?omrade="));
    let res = get(src).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/svg+xml");
    let svg = res.text().await.unwrap();
    let link = format!("https://trygg.uppsala.se/tipsa?omrade={area}");
    let expected = qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M)
        .unwrap()
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(256, 256)
        .build();
    assert_eq!(svg, expected, "the code holds the area's link");
    let other = qrcode::QrCode::new(b"https://trygg.uppsala.se/tipsa?omrade=999")
        .unwrap()
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(256, 256)
        .build();
    assert_ne!(svg, other, "and not another");
    assert_eq!(
        get(format!("/tips/lank/{}/qr.svg", area + 1000))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND,
        "no code for an area that does not exist"
    );
}

#[tokio::test]
async fn with_smtp_the_citizen_hears_of_the_rejection_in_the_forms_language() {
    let Some(server) = smtp::SmtpSink::start() else {
        return;
    };
    let mut config = trygg_web::WebConfig::default();
    config.tips.min_fill_seconds = 0;
    let app = common::spawn_mailing(
        &[("Uppsala kommun", "samordnare@test", Role::Coordinator)],
        config,
        Some(server.mailer()),
    )
    .await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = http
        .get(format!("{}/tipsa?lang=en", app.base))
        .send()
        .await
        .unwrap();
    let csrf_cookie = cookie(&res, "trygg_tip");
    let html = res.text().await.unwrap();
    let sent = http
        .post(format!("{}/tipsa?lang=en", app.base))
        .header(header::COOKIE, format!("trygg_tip={csrf_cookie}"))
        .form(&[
            ("csrf", hidden(&html, "csrf")),
            ("stamp", hidden(&html, "stamp")),
            ("category", "belysning".into()),
            ("lat", "59.8586".into()),
            ("lon", "17.6389".into()),
            ("place", "Stora torget".into()),
            ("date", "2026-01-10".into()),
            ("time", "18:30".into()),
            ("description", "The lamp by the stairs is out.".into()),
            ("email", "visitor@example.com".into()),
            ("website", String::new()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    let to = sent.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let reference = to
        .split("ref=")
        .nth(1)
        .and_then(|r| r.split('&').next())
        .unwrap()
        .to_string();
    let receipt = http
        .get(format!("{}{to}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        receipt.contains("You will hear by e-mail"),
        "mail is on: {receipt}"
    );

    let (coordinator, csrf) = session(&app, "samordnare@test").await;
    let queue = http
        .get(format!("{}/tips", app.base))
        .header(header::COOKIE, &coordinator)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains("får beslutet per e-post"), "{queue}");
    assert!(!queue.contains("inget skickas"));
    let id = trygg_domain::tip::Tip::id_of_reference(&reference).unwrap();
    let rejected = http
        .post(format!("{}/tips/{id}/avvisa", app.base))
        .header(header::COOKIE, &coordinator)
        .form(&[
            ("csrf", csrf),
            ("reason", "Belysningen är redan anmäld.".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), StatusCode::SEE_OTHER);
    // The worker's round (trygg serve runs it when woken; here the test runs it).
    let round = trygg_app::notify::run_once(&app.state).await.unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let mails = server.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_tos, ["visitor@example.com"]);
    assert_eq!(
        mails[0].subject,
        format!("Your tip {reference} has not been included")
    );
    let body = mails[0].body.as_deref().unwrap();
    assert!(
        body.contains("Reason: Belysningen är redan anmäld.") && body.contains("Thank you"),
        "{body}"
    );
}
