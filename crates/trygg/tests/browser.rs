//! The web app in a real browser: headless Chromium driven over WebDriver (chromedriver)
//! against the real `trygg demo` server.
//!
//! Without Chromium and chromedriver the tests print why they did nothing; under `CI` a missing
//! browser is a failure. Screenshots are kept under `target/browser/` to look at.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const BIN: &str = env!("CARGO_BIN_EXE_trygg");

/// Kills a child process when dropped, so a failing test leaves nothing running.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find(env: &str, paths: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    paths.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Chromium and chromedriver, or `None` with the reason printed (a failure under CI).
fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(
        "CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let driver = find("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the browser tests: install Debian's chromium and chromium-driver (see .ci/run)"
            );
            eprintln!(
                "skipped: no Chromium/chromedriver (apt-get install chromium chromium-driver, or set CHROMIUM and CHROMEDRIVER)"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `trygg demo` on a fresh database; returns the server and its base URL.
fn start_demo(name: &str) -> (Guard, String) {
    let dir = std::env::temp_dir().join(format!("trygg-browser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("demo.db").display());
    let mut child = Command::new(BIN)
        .args(["demo", "--listen", "127.0.0.1:0", "--database", &database])
        .env("TRYGG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start trygg demo");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    // Keep reading: the server prints its banner after this line, and a closed pipe would kill it.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("trygg serving ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches('/')
        .to_string();
    (Guard(child), url)
}

/// chromedriver plus a WebDriver session in headless Chromium with a `width`×`height` window.
/// A running chromedriver and its port (for its log endpoint).
struct Driver {
    _process: Guard,
    port: u16,
}

async fn start_browser(
    chromium: &PathBuf,
    driver: &PathBuf,
    width: u32,
    height: u32,
) -> (Driver, Client) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let guard = Guard(child);
    let caps = json!({
        "browserName": "chrome",
        // The console, so the tests see what the Content-Security-Policy refused.
        "goog:loggingPrefs": {"browser": "ALL"},
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", "--hide-scrollbars", format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", std::env::temp_dir().join(format!("trygg-chrome-{port}")).display()),
            ]
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = loop {
        // chromedriver speaks plain HTTP on loopback: no TLS connector needed.
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a WebDriver session: {e}"),
        }
    };
    client
        .set_window_size(width, height)
        .await
        .expect("window size");
    (
        Driver {
            _process: guard,
            port,
        },
        client,
    )
}

/// What the browser refused under the Content-Security-Policy since the last look
/// (chromedriver hands each console line out once).
async fn refused_by_the_csp(driver: &Driver, c: &Client) -> Vec<String> {
    let id = c.session_id().await.unwrap().expect("a WebDriver session");
    let log: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/session/{id}/se/log",
            driver.port
        ))
        .json(&json!({"type": "browser"}))
        .send()
        .await
        .expect("chromedriver's log")
        .json()
        .await
        .expect("chromedriver's log as JSON");
    let lines = log["value"]
        .as_array()
        .unwrap_or_else(|| panic!("chromedriver's browser log: {log}"));
    lines
        .iter()
        .filter_map(|l| l["message"].as_str())
        .filter(|m| m.contains("Content Security Policy"))
        .map(str::to_string)
        .collect()
}

/// Fails if the browser refused a script, style, image or connection under the
/// Content-Security-Policy since the last look.
async fn assert_nothing_refused_by_the_csp(driver: &Driver, c: &Client) {
    let refused = refused_by_the_csp(driver, c).await;
    assert!(
        refused.is_empty(),
        "the Content-Security-Policy refused: {refused:#?}"
    );
}

/// Waits until `script` (a JS expression) is truthy, or fails with `what`.
async fn wait_for(c: &Client, script: &str, what: &str) {
    // Generous: four browser tests share two cores with the rest of the suite in CI.
    let deadline = Instant::now() + Duration::from_secs(45);
    loop {
        let v = c
            .execute(&format!("return !!({script});"), vec![])
            .await
            .expect("script runs");
        if v.as_bool() == Some(true) {
            return;
        }
        if Instant::now() > deadline {
            let body = c
                .execute(
                    "return document.body ? document.body.innerText : ''",
                    vec![],
                )
                .await
                .unwrap_or_default();
            panic!("timed out waiting for {what}; page says: {body}");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

async fn sign_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys(email)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("demo")
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        c,
        "location.pathname === '/' && document.querySelector('h1')",
        "the start page",
    )
    .await;
}

async fn sign_out(c: &Client) {
    c.find(Locator::Css(".who form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "location.pathname === '/login'", "the sign-in page").await;
}

async fn screenshot(c: &Client, name: &str) -> PathBuf {
    let png = c.screenshot().await.expect("screenshot");
    let path = screenshots().join(name);
    std::fs::write(&path, png).unwrap();
    path
}

/// Fetches the URL that the JS expression `url` gives, from inside the page (with its session
/// cookie): `{status, type, text}`, where `text` is the byte length for images.
async fn fetch_in_page(c: &Client, url: &str) -> serde_json::Value {
    c.execute_async(
        &format!(
            "const done = arguments[arguments.length - 1];\
             fetch({url}, {{credentials: 'same-origin'}})\
               .then(async r => {{ const t = r.headers.get('content-type') || ''; done({{status: r.status, type: t, text: t.startsWith('image') ? String((await r.arrayBuffer()).byteLength) : await r.text()}}); }})\
               .catch(e => done({{status: -1, type: '', text: String(e)}}));"
        ),
        vec![],
    )
    .await
    .unwrap_or_else(|e| panic!("fetch {url}: {e}"))
}

async fn set_value(c: &Client, css: &str, value: &str) {
    c.execute(
        "const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![json!(css), json!(value)],
    )
    .await
    .unwrap_or_else(|e| panic!("set {css}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporter_files_two_events_on_a_phone() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("est");
    let (webdriver, c) = start_browser(&chromium, &driver, 390, 844).await;

    sign_in(&c, &base, "rapportor@demo").await;
    c.goto(&format!("{base}/rapportera")).await.unwrap();
    wait_for(&c, "window.L && document.querySelector('.pick-map .leaflet-container, .pick-map.leaflet-container')", "the map").await;

    // Event 1: category and a place picked on the map.
    set_value(
        &c,
        "#events fieldset:nth-of-type(1) select[name=category]",
        "skadegorelse.klotter",
    )
    .await;
    set_value(
        &c,
        "#events fieldset:nth-of-type(1) select[name=place_type]",
        "shopping",
    )
    .await;
    c.find(Locator::Css("#events fieldset:nth-of-type(1) .pick-map"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        "document.querySelector('#events fieldset input[name=lat]').value !== ''",
        "the picked position",
    )
    .await;
    c.find(Locator::Css(
        "#events fieldset:nth-of-type(1) textarea[name=description]",
    ))
    .await
    .unwrap()
    .send_keys("Nytt klotter på elskåpet vid entrén")
    .await
    .unwrap();

    // Event 2: another category, the place by name.
    c.find(Locator::Id("add-event"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        "document.querySelectorAll('#events fieldset.event').length === 2",
        "a second event",
    )
    .await;
    set_value(
        &c,
        "#events fieldset:nth-of-type(2) select[name=category]",
        "samling",
    )
    .await;
    c.find(Locator::Css(
        "#events fieldset:nth-of-type(2) input[name=place]",
    ))
    .await
    .unwrap()
    .send_keys("Gottsunda centrum, torget")
    .await
    .unwrap();
    screenshot(&c, "est-form-phone.png").await;

    c.find(Locator::Css("#est-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        "document.getElementById('est-status').textContent.includes('Tack!')",
        "the receipt",
    )
    .await;
    let status = c
        .find(Locator::Id("est-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(status.contains("med 2 händelser"), "{status}");
    screenshot(&c, "est-sent-phone.png").await;

    // A time in the future is refused on the phone, in Swedish.
    set_value(
        &c,
        "#events fieldset:nth-of-type(1) select[name=category]",
        "samling",
    )
    .await;
    set_value(
        &c,
        "#events fieldset:nth-of-type(1) input[name=place]",
        "Stationen, perrongen",
    )
    .await;
    set_value(
        &c,
        "#events fieldset:nth-of-type(1) input[name=occurred_from]",
        "2099-01-01T10:00",
    )
    .await;
    click(&c, "#est-form button[type=submit]").await;
    wait_for(
        &c,
        "document.getElementById('est-status').textContent.includes('framtiden')",
        "the refusal of a future time",
    )
    .await;

    // Offline: the report is queued, the form is cleared (a second tap cannot queue it
    // again), and Mina rapporter shows it as waiting on the phone.
    let now = js(
        &c,
        "const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60000 - 3600000); return d.toISOString().slice(0, 16);",
    )
    .await;
    set_value(
        &c,
        "#events fieldset:nth-of-type(1) input[name=occurred_from]",
        now.as_str().unwrap(),
    )
    .await;
    js(
        &c,
        "window.fetch = () => Promise.reject(new TypeError('offline')); return true;",
    )
    .await;
    click(&c, "#est-form button[type=submit]").await;
    wait_for(
        &c,
        "document.getElementById('est-status').textContent.includes('Ingen uppkoppling')",
        "the offline receipt",
    )
    .await;
    let (place, queued) = (
        js(
            &c,
            "return document.querySelector('#events fieldset input[name=place]').value;",
        )
        .await,
        js(
            &c,
            "return JSON.parse(localStorage.getItem('trygg.est.queue')).length;",
        )
        .await,
    );
    assert_eq!(place, "", "the form is cleared once the report is queued");
    assert_eq!(queued, 1);
    screenshot(&c, "est-queued-phone.png").await;

    // The reporter sees both events in their own view, and the queued report.
    c.goto(&format!("{base}/mina-rapporter")).await.unwrap();
    wait_for(
        &c,
        "!document.getElementById('phone-reports').hidden",
        "the phone's own list",
    )
    .await;
    let phone = c
        .find(Locator::Id("phone-reports"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(phone.contains("Väntar i telefonen"), "{phone}");
    assert!(phone.contains("Stationen, perrongen"), "{phone}");
    let wide = js(
        &c,
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
    )
    .await;
    assert!(
        wide.as_i64().unwrap() <= 0,
        "Mina rapporter scrolls sideways on a phone by {wide} px"
    );
    screenshot(&c, "mina-rapporter-queued-phone.png").await;
    let mine = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("Klotter"), "{mine}");
    assert!(mine.contains("Gottsunda centrum, torget"), "{mine}");
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
    sign_out(&c).await;
    c.close().await.unwrap();

    // The analyst, on the meeting room's screen, sees today's events on the dashboard.
    let (webdriver2, d) = start_browser(&chromium, &driver, 1600, 1000).await;
    sign_in(&d, &base, "analytiker@demo").await;
    // The start page lists emerging-problem alerts; one click turns one into a problem.
    wait_for(
        &d,
        "!document.querySelector('#alerts ul').textContent.includes('Hämtar')",
        "the alerts",
    )
    .await;
    let alerts = d
        .find(Locator::Css("#alerts"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!alerts.contains("kunde inte hämtas"), "{alerts}");
    if let Ok(button) = d.find(Locator::Css("#alerts ul button")).await {
        button.click().await.unwrap();
        wait_for(
            &d,
            "document.querySelector('#alerts').textContent.includes('skapat')",
            "the new problem",
        )
        .await;
    }
    screenshot(&d, "start-analyst.png").await;
    d.goto(&format!("{base}/lagesbild?layers=omraden,tathet,hotspots"))
        .await
        .unwrap();
    wait_for(
        &d,
        "document.getElementById('lagesbild').dataset.ready",
        "the dashboard panels",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let total = d
        .execute(
            "return document.getElementById('lb-summary').dataset.total",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        total
            .as_str()
            .and_then(|t| t.parse::<u64>().ok())
            .is_some_and(|n| n > 1000),
        "the dashboard counted the last twelve weeks: {total}"
    );
    screenshot(&d, "dashboard.png").await;
    // The demo's day is Stockholm's, whatever the machine's zone (between 23 and 24 UTC they differ).
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .date();
    let tomorrow = today.tomorrow().unwrap();
    d.goto(&format!(
        "{base}/lagesbild?from={today}&to={tomorrow}&category=skadegorelse.klotter&layers=omraden,punkter"
    ))
    .await
    .unwrap();
    wait_for(
        &d,
        "document.getElementById('lagesbild').dataset.ready",
        "the dashboard panels",
    )
    .await;
    let points = fetch_in_page(&d, "'/api/v1/lagesbild/points' + location.search").await;
    let fc: serde_json::Value = serde_json::from_str(points["text"].as_str().unwrap()).unwrap();
    assert!(
        fc["total"].as_u64().unwrap() >= 1,
        "the reported graffiti is on the map: {fc}"
    );
    assert!(
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["category"] == "skadegorelse.klotter"),
        "{fc}"
    );
    screenshot(&d, "dashboard-today.png").await;

    // Filter: add a category in the form; the URL follows, so the view can be shared.
    d.execute(
        "const b = document.querySelector('#lb-filter input[name=category][value=samling]'); b.checked = true; b.dispatchEvent(new Event('change', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    wait_for(
        &d,
        "location.search.includes('category=samling')",
        "the filter in the URL",
    )
    .await;
    wait_for(
        &d,
        "document.getElementById('lb-export-csv').href.includes('samling')",
        "export links for the filter",
    )
    .await;

    // Export the filter as Excel CSV, GeoJSON and a PNG of the map.
    for (id, expect) in [
        ("lb-export-csv", "text/csv"),
        ("lb-export-geojson", "json"),
        ("lb-export-png", "image/png"),
    ] {
        let r = fetch_in_page(&d, &format!("document.getElementById('{id}').href")).await;
        assert_eq!(r["status"], 200, "{id}: {r}");
        assert!(r["type"].as_str().unwrap().contains(expect), "{id}: {r}");
        let text = r["text"].as_str().unwrap();
        match id {
            "lb-export-csv" => {
                // (fetch's text() drops the BOM; the export tests check the bytes.)
                assert!(text.contains("Kategori;"), "Swedish Excel header: {text}");
                assert!(text.contains(";59,8"), "decimal comma: {text}");
                assert!(
                    text.contains("Gottsunda centrum, torget"),
                    "both reported events: {text}"
                );
            }
            "lb-export-geojson" => assert!(text.contains("FeatureCollection")),
            _ => assert!(
                text.parse::<u64>().unwrap() > 10_000,
                "a real PNG: {text} bytes"
            ),
        }
    }
    assert_nothing_refused_by_the_csp(&webdriver2, &d).await;
    d.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_refused_in_the_browser() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("login");
    let (webdriver, c) = start_browser(&chromium, &driver, 1280, 900).await;
    c.goto(&format!("{base}/login")).await.unwrap();
    // The policy holds in the browser, and the tests see when it refuses something.
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
    js(
        &c,
        "const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.head.append(s); \
         document.body.setAttribute('style', 'color: red'); return true;",
    )
    .await;
    assert_eq!(js(&c, "return window.ran === undefined").await, json!(true));
    let refused = refused_by_the_csp(&webdriver, &c).await;
    assert!(
        refused.iter().any(|m| m.contains("script-src 'self'"))
            && refused.iter().any(|m| m.contains("style-src 'self'")),
        "an inline script and style are refused: {refused:#?}"
    );
    c.find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys("admin@demo")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("fel")
        .await
        .unwrap();
    c.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &c,
        "document.body.innerText.includes('Fel e-postadress eller lösenord')",
        "the refusal",
    )
    .await;
    sign_in(&c, &base, "admin@demo").await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    let admin = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(admin.contains("rapportor@demo"), "{admin}");
    screenshot(&c, "admin.png").await;
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
    c.close().await.unwrap();
}

/// Runs `script` in the page and returns its value.
async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script {script}: {e}"))
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// GETs an API path in the page (with the session) and parses the JSON.
async fn api_json(c: &Client, path: &str) -> serde_json::Value {
    let r = fetch_in_page(c, &format!("'{path}'")).await;
    assert_eq!(r["status"], 200, "{path}: {r}");
    serde_json::from_str(r["text"].as_str().unwrap()).unwrap()
}

/// The lägesbild's indicators, as the analyst: the survey layer switched on in the map's layer
/// control colours the districts and the panel lists every value with its interval and n; the
/// choropleth per 1 000 inhabitants uses the demo's (invented) population.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyst_sees_the_survey_layer_and_rates_per_1000() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("survey");
    let (webdriver, c) = start_browser(&chromium, &driver, 1400, 1000).await;
    sign_in(&c, &base, "analytiker@demo").await;
    c.goto(&format!("{base}/lagesbild?layers=omraden"))
        .await
        .unwrap();
    wait_for(
        &c,
        "document.getElementById('lagesbild').dataset.ready && document.getElementById('lagesbild').dataset.survey",
        "the dashboard panels and the survey panel",
    )
    .await;
    // Switch the survey layer on in Leaflet's layer control, as a person would.
    click(
        &c,
        ".leaflet-control-layers-overlays label:nth-child(5) input",
    )
    .await;
    wait_for(
        &c,
        "location.search.includes('enkat')",
        "the survey layer in the URL",
    )
    .await;
    let label = js(
        &c,
        "return document.querySelector('.leaflet-control-layers-overlays label:nth-child(5)').textContent",
    )
    .await;
    assert!(label.as_str().unwrap().contains("Enkät"), "{label}");
    wait_for(
        &c,
        "document.querySelector('.lb-legend') && document.querySelector('.lb-legend').textContent.includes('Andel otrygga')",
        "the survey layer's legend",
    )
    .await;
    let rows = js(
        &c,
        "return [...document.querySelectorAll('#lb-survey tbody tr')].map(r => r.textContent)",
    )
    .await;
    let rows: Vec<String> = serde_json::from_value(rows).unwrap();
    assert!(rows.len() >= 2, "{rows:?}");
    // Never a value without its interval: "32 % (28–36), n = 812".
    let shape = |r: &str| {
        let r = r.replace('\u{a0}', " ");
        r.contains(" % (") && r.contains('–') && r.contains("), n = ")
    };
    assert!(rows.iter().all(|r| shape(r)), "{rows:?}");
    let drawn = js(&c, "let n = 0; window.lbMap.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.text) n++; }); return n;").await;
    assert!(
        drawn.as_u64().unwrap() > 0,
        "survey areas on the map: {drawn}"
    );
    screenshot(&c, "lagesbild-survey.png").await;

    // The choropleth per 1 000 inhabitants.
    set_value(&c, "#lb-choropleth", "per1000").await;
    wait_for(
        &c,
        "location.search.includes('choropleth=per1000') && document.querySelector('.lb-legend').textContent.includes('per 1 000 invånare')",
        "the legend per 1 000 inhabitants",
    )
    .await;
    let areas = api_json(&c, "/api/v1/lagesbild/areas?kind=district").await;
    assert!(
        areas["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["per_1000"].as_f64().is_some()),
        "rates from the demo's population: {areas}"
    );
    let note = js(
        &c,
        "return document.getElementById('lb-map-note').textContent",
    )
    .await;
    assert!(
        note.as_str().unwrap().contains("per 1 000 invånare"),
        "{note}"
    );
    screenshot(&c, "lagesbild-per-1000.png").await;

    // The planted intervention's follow-up shows the survey before and after its start, and
    // its problem's page the survey values of its areas.
    let list = api_json(&c, "/api/v1/interventions").await;
    let planted = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["data"]["title"] == "Trygg i Gottsunda centrum")
        .expect("the demo's planted intervention")
        .clone();
    c.goto(&format!("{base}/insatser/{}/uppfoljning", planted["id"]))
        .await
        .unwrap();
    let surveys = c
        .find(Locator::Css("#fu-surveys"))
        .await
        .expect("enkät före/efter")
        .text()
        .await
        .unwrap();
    assert!(
        surveys.contains("Andel otrygga") && surveys.contains("n = "),
        "{surveys}"
    );
    let problem = planted["data"]["problem_ids"][0].as_i64().unwrap();
    c.goto(&format!("{base}/problem/{problem}")).await.unwrap();
    let size = c
        .find(Locator::Css("#size #surveys"))
        .await
        .expect("the survey values in the problem's size")
        .text()
        .await
        .unwrap();
    assert!(
        size.contains("Andel otrygga") && size.contains("n = "),
        "{size}"
    );
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
    c.close().await.unwrap();
}

/// The knowledge-based cycle end to end, as the coordinator: a Gottsunda hot spot on the
/// lägesbild becomes a problem, gets a cause analysis and an intervention; the planted demo
/// intervention's follow-up shows its effect and the displacement into Valsätra.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_walks_the_knowledge_based_cycle() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("cycle");
    let (webdriver, c) = start_browser(&chromium, &driver, 1400, 1000).await;
    sign_in(&c, &base, "samordnare@demo").await;
    screenshot(&c, "cycle-0-start.png").await;
    let home = c
        .find(Locator::Css("#cycle-cards"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("öppen problembild") || home.contains("öppna problembilder"),
        "{home}"
    );

    // The planted intervention, from the API: its categories, period and areas.
    let list = api_json(&c, "/api/v1/interventions").await;
    let planted = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["data"]["title"] == "Trygg i Gottsunda centrum")
        .expect("the demo's planted intervention")
        .clone();
    let planted_id = planted["id"].as_i64().unwrap();
    let treated = planted["data"]["treated_areas"][0].as_i64().unwrap();
    let control = planted["data"]["control_areas"][0].as_i64().unwrap();
    let buffer = planted["data"]["buffer_areas"][0].as_i64().unwrap();
    let start: jiff::civil::Date = planted["data"]["start"].as_str().unwrap().parse().unwrap();
    let year_before = start.checked_sub(jiff::Span::new().years(1)).unwrap();

    // (1) The lägesbild, filtered to the problem's categories and the year before the start.
    c.goto(&format!(
        "{base}/lagesbild?from={year_before}&to={start}&category=samling&category=skadegorelse&layers=omraden,hotspots"
    ))
    .await
    .unwrap();
    wait_for(
        &c,
        "document.getElementById('lagesbild').dataset.ready",
        "the dashboard panels",
    )
    .await;
    let hot = api_json(&c, &format!("/api/v1/lagesbild/hotspots?from={year_before}&to={start}&category=samling&category=skadegorelse")).await;
    let cell = hot["cells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["class"].as_i64().unwrap() > 0 && x["area_id"] == treated)
        .max_by(|a, b| {
            a["z"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["z"].as_f64().unwrap())
        })
        .expect("a Gi* hot spot in Gottsunda")
        .clone();
    assert!(
        cell["area"].as_str().unwrap().contains("Gottsunda"),
        "{cell}"
    );
    let ring = cell["ring"].as_array().unwrap();
    let lon = (ring[0][0].as_f64().unwrap() + ring[2][0].as_f64().unwrap()) / 2.0;
    let lat = (ring[0][1].as_f64().unwrap() + ring[2][1].as_f64().unwrap()) / 2.0;
    wait_for(
        &c,
        "window.lbMap && Object.values(lbMap._layers).some(l => l.getPopup && l.getPopup())",
        "the hot-spot layer",
    )
    .await;
    // Open the popup of the hot-spot cell over that point, then click its link.
    let opened = c
        .execute(
            "const p = L.latLng(arguments[0], arguments[1]);\
             const l = Object.values(lbMap._layers).find(l => l.getPopup && l.getPopup() && l.getBounds && l.getBounds().contains(p));\
             if (!l) return false; lbMap.setView(p, 14); l.openPopup(p); return true;",
            vec![json!(lat), json!(lon)],
        )
        .await
        .unwrap();
    assert_eq!(
        opened,
        json!(true),
        "the Gottsunda hot-spot cell is on the map"
    );
    wait_for(
        &c,
        "document.querySelector('.leaflet-popup a.lb-make-problem')",
        "the popup's link",
    )
    .await;
    screenshot(&c, "cycle-1-hotspot.png").await;
    click(&c, ".leaflet-popup a.lb-make-problem").await;

    // (2) The problem form, pre-filled from the hot spot.
    wait_for(
        &c,
        "location.pathname === '/problem/ny' && document.getElementById('problem-form')",
        "the problem form",
    )
    .await;
    let pre = js(
        &c,
        "const f = document.getElementById('problem-form');\
         return {title: f.title.value, from: f.from.value, to: f.to.value, origin: f.origin.value,\
           areas: [...f.querySelectorAll('input[name=area]:checked')].map(x => Number(x.value)),\
           cats: [...f.querySelectorAll('input[name=category]:checked')].map(x => x.value).sort()};",
    )
    .await;
    assert_eq!(pre["areas"], json!([treated]), "{pre}");
    assert_eq!(pre["cats"], json!(["samling", "skadegorelse"]), "{pre}");
    assert_eq!(pre["origin"], "hot_spot", "{pre}");
    assert_eq!(pre["from"], year_before.to_string(), "{pre}");
    assert!(
        pre["title"].as_str().unwrap().contains("Gottsunda"),
        "{pre}"
    );
    screenshot(&c, "cycle-2-problem-form.png").await;
    click(&c, "#problem-form button[type=submit]").await;
    wait_for(
        &c,
        "/^\\/problem\\/\\d+$/.test(location.pathname)",
        "the new problem's page",
    )
    .await;
    let baseline = js(
        &c,
        "return Number(document.getElementById('baseline').dataset.count)",
    )
    .await;
    assert!(
        baseline.as_u64().unwrap() > 50,
        "the problem's live size: {baseline}"
    );
    let problem_path = c.current_url().await.unwrap().path().to_string();
    let problem_id: i64 = problem_path.rsplit('/').next().unwrap().parse().unwrap();
    let stored = api_json(&c, &format!("/api/v1/problems/{problem_id}")).await;
    assert_eq!(
        stored["computed"]["count"].as_u64(),
        baseline.as_u64(),
        "page and API agree"
    );
    wait_for(
        &c,
        "[...document.images].every(i => i.complete && i.naturalWidth > 0)",
        "the trend and map images",
    )
    .await;
    screenshot(&c, "cycle-2-problem.png").await;

    // (3) A short cause analysis.
    click(&c, "#analys a.button").await;
    wait_for(
        &c,
        "document.getElementById('analysis-form')",
        "the analysis form",
    )
    .await;
    for (css, text) in [
        (
            "textarea[name=offender]",
            "Grupper av unga som samlas kvällstid.",
        ),
        ("textarea[name=place]", "Mörka entréer och gångtunneln."),
        ("textarea[name=p_situational]", "Dålig belysning och insyn."),
        ("input[name=h_key]", "H1"),
        (
            "textarea[name=h_text]",
            "Mörker vid entréerna gör att skadegörelse sker ostört.",
        ),
        (
            "textarea[name=h_evidence]",
            "Två av tre händelser efter kl. 19",
        ),
        (
            "textarea[name=conclusion]",
            "Belysning och vuxna på plats kvällstid.",
        ),
    ] {
        c.find(Locator::Css(&format!("#analysis-form {css}")))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    click(&c, "#analysis-form button[type=submit]").await;
    wait_for(
        &c,
        "location.pathname.startsWith('/problem/') && document.querySelector('#analys h3')",
        "the problem page with its analysis",
    )
    .await;
    let analysis = c
        .find(Locator::Css("#analys"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(analysis.contains("Mörker vid entréerna"), "{analysis}");
    screenshot(&c, "cycle-3-analysis.png").await;

    // (4) An intervention against the problem, aimed at H1.
    click(&c, "#insatser a.button").await;
    wait_for(
        &c,
        "document.getElementById('intervention-form')",
        "the intervention form",
    )
    .await;
    js(
        &c,
        &format!(
            "const f = document.getElementById('intervention-form');\
             f.querySelector('input[name=technique][value=extend-guardianship]').checked = true;\
             f.querySelector('input[name=technique][value=natural-surveillance]').checked = true;\
             f.querySelector('input[name=hypothesis]').checked = true;\
             f.resp_unit.value = 'Trygghetsenheten';\
             const rows = f.querySelectorAll('table.resources tbody tr');\
             rows[0].querySelector('[name=res_ph]').value = '120';\
             rows[0].querySelector('[name=res_ps]').value = '85 000';\
             rows[1].querySelector('[name=res_ph]').value = '60';\
             f.querySelector('input[name=control][value=\"{control}\"]').checked = true;\
             f.querySelector('input[name=buffer][value=\"{buffer}\"]').checked = true;\
             f.commitment_ref.value = '{commitment}';\
             return f.commitment_ref.value;",
            commitment = trygg_demo::partnership::GOTTSUNDA_COMMITMENT
        ),
    )
    .await;
    screenshot(&c, "cycle-4-intervention-form.png").await;
    click(&c, "#intervention-form button[type=submit]").await;
    wait_for(
        &c,
        "/^\\/insatser\\/\\d+$/.test(location.pathname)",
        "the new intervention's page",
    )
    .await;
    let page = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Utöka tillsynen"), "{page}");
    assert!(page.contains("Trygghetsenheten"), "{page}");
    // It implements a commitment of the 2022 plan, linked from its page.
    let link = js(
        &c,
        "return document.querySelector('a[href^=\"/samverkan/atagandeplan/2022#c-\"]')?.innerText ?? null;",
    )
    .await;
    assert!(
        link.as_str().is_some_and(|t| t.starts_with("2022 · ")),
        "{link}"
    );
    screenshot(&c, "cycle-4-intervention.png").await;

    // (5) The planted intervention's follow-up: the effect in Gottsunda, the displacement
    // into Valsätra, as the page shows it and as the API computes it.
    c.goto(&format!("{base}/insatser")).await.unwrap();
    click(
        &c,
        &format!("#interventions a[href='/insatser/{planted_id}/uppfoljning']"),
    )
    .await;
    wait_for(
        &c,
        "document.getElementById('fu-counts-approved')",
        "the approved follow-up",
    )
    .await;
    let shown = js(
        &c,
        "const row = r => { const e = document.querySelector('#fu-counts-approved tr[data-role=' + r + ']');\
           return {before: Number(e.dataset.before), after: Number(e.dataset.after), text: e.innerText}; };\
         return {treated: row('treated'), control: row('control'), buffer: row('buffer'),\
           verdict: document.getElementById('fu-verdict').innerText, wdq: document.getElementById('fu-wdq').innerText};",
    )
    .await;
    let api = api_json(
        &c,
        &format!("/api/v1/interventions/{planted_id}/evaluation"),
    )
    .await;
    let counts = &api["approved"]["data"]["evaluation"]["counts"];
    for role in ["treated", "control", "buffer"] {
        assert_eq!(
            shown[role]["before"],
            counts[format!("{role}_before")],
            "{role}: {shown}"
        );
        assert_eq!(
            shown[role]["after"],
            counts[format!("{role}_after")],
            "{role}: {shown}"
        );
    }
    let (tb, ta) = (
        shown["treated"]["before"].as_f64().unwrap(),
        shown["treated"]["after"].as_f64().unwrap(),
    );
    let (bb, ba) = (
        shown["buffer"]["before"].as_f64().unwrap(),
        shown["buffer"]["after"].as_f64().unwrap(),
    );
    assert!(ta < tb * 0.8, "a clear decrease in Gottsunda: {shown}");
    assert!(ba > bb * 1.05, "displacement into the neighbour: {shown}");
    assert!(
        shown["treated"]["text"]
            .as_str()
            .unwrap()
            .contains("Gottsunda"),
        "{shown}"
    );
    assert!(
        shown["buffer"]["text"]
            .as_str()
            .unwrap()
            .contains("Valsätra"),
        "{shown}"
    );
    assert!(
        shown["treated"]["text"].as_str().unwrap().contains('−'),
        "{shown}"
    );
    assert!(
        shown["buffer"]["text"].as_str().unwrap().contains('+'),
        "{shown}"
    );
    assert!(!shown["verdict"].as_str().unwrap().is_empty(), "{shown}");
    eprintln!(
        "follow-up on the page: Gottsunda {tb} → {ta}, Valsätra {bb} → {ba}, control {} → {}, WDQ {}",
        shown["control"]["before"], shown["control"]["after"], shown["wdq"]
    );
    for chart in ["fore-efter.png", "omraden.png"] {
        let r = fetch_in_page(
            &c,
            &format!("'/insatser/{planted_id}/uppfoljning/{chart}?v=approved'"),
        )
        .await;
        assert_eq!(r["status"], 200, "{chart}: {r}");
        assert!(
            r["type"].as_str().unwrap().contains("image/png"),
            "{chart}: {r}"
        );
    }
    wait_for(
        &c,
        "[...document.images].every(i => i.complete && i.naturalWidth > 0)",
        "the follow-up charts",
    )
    .await;
    screenshot(&c, "cycle-5-follow-up.png").await;
    c.set_window_size(390, 844).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    screenshot(&c, "cycle-5-follow-up-phone.png").await;

    // The weekly meeting opens with last week's lägesbild and the carried-over actions.
    c.goto(&format!("{base}/moten/ny")).await.unwrap();
    wait_for(
        &c,
        "document.getElementById('meeting-form')",
        "the meeting form",
    )
    .await;
    let carried = c
        .find(Locator::Css("#carried"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!carried.is_empty());
    // On a phone the page comes without the week's report (a few kB, not half a megabyte);
    // opening its section loads it.
    let size = js(
        &c,
        "return performance.getEntriesByType('navigation')[0].decodedBodySize",
    )
    .await;
    assert!(
        size.as_f64().unwrap() < 60_000.0,
        "/moten/ny is {size} bytes"
    );
    assert_eq!(
        js(
            &c,
            "return document.querySelectorAll('.briefing img').length"
        )
        .await,
        json!(0)
    );
    click(&c, "details.lazy-briefing summary").await;
    wait_for(
        &c,
        "document.querySelectorAll('.briefing img').length > 0 && [...document.querySelectorAll('.briefing img')].every(i => i.complete && i.naturalWidth > 0)",
        "the week's lägesbild, loaded when opened",
    )
    .await;
    screenshot(&c, "cycle-6-meeting-phone.png").await;
    c.goto(&format!("{base}{problem_path}")).await.unwrap();
    wait_for(
        &c,
        "[...document.images].every(i => i.complete && i.naturalWidth > 0)",
        "the problem's images",
    )
    .await;
    screenshot(&c, "cycle-7-problem-phone.png").await;
    c.goto(&format!("{base}/insatser/ny?problem={problem_id}"))
        .await
        .unwrap();
    wait_for(
        &c,
        "document.querySelector('.pick-search') && document.querySelector('#control-suggestions button.suggestion')",
        "the area search and the control suggestions",
    )
    .await;
    let before = js(
        &c,
        "return document.getElementById('control-suggestions').innerText",
    )
    .await;
    // Search the treated list for Sävja, tick it with Enter: the suggestions follow.
    let search = c
        .find(Locator::Css(".pick-list.areas[data-name=treated]"))
        .await
        .unwrap();
    let search_id = search.attr("id").await.unwrap().unwrap();
    type_into(
        &c,
        &format!("input.pick-search[aria-controls={search_id}]"),
        "sävja",
    )
    .await;
    assert_eq!(
        js(&c, "return [...document.querySelectorAll('.pick-list.areas[data-name=treated] label.check')].filter(l => !l.hidden).length").await,
        json!(1),
        "one area left in the list"
    );
    keys(&c, "\u{e007}").await;
    wait_for(
        &c,
        &format!("document.getElementById('control-suggestions').innerText !== {before} && document.querySelector('#control-suggestions button.suggestion')"),
        "suggestions for the new treated area",
    )
    .await;
    assert!(js(&c, "return document.querySelector('.pick-list.areas[data-name=treated] input:checked').closest('label').textContent").await.as_str().unwrap().contains("Sävja"));
    // A suggestion's button ticks it as the control area.
    click(&c, "#control-suggestions button.suggestion").await;
    assert_eq!(
        js(&c, "return document.querySelector('#control-suggestions button.suggestion').dataset.area === document.querySelector('.pick-list.areas[data-name=control] input:checked')?.value").await,
        json!(true)
    );
    screenshot(&c, "cycle-8-intervention-form-phone.png").await;
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
    c.close().await.unwrap();
}

/// Opens a report from `/rapporter`: fills its card's `fields` (CSS selector, value), clicks
/// "Visa", waits until it is shown with every image loaded, checks its headings and takes a
/// full-length screenshot.
async fn open_report(
    c: &Client,
    base: &str,
    card: &str,
    fields: &[(&str, &str)],
    title: &str,
    headings: &[&str],
    shot: &str,
) {
    c.goto(&format!("{base}/rapporter")).await.unwrap();
    wait_for(c, &format!("document.getElementById('{card}')"), card).await;
    for (css, value) in fields {
        set_value(c, &format!("#{card} {css}"), value).await;
    }
    c.find(Locator::Css(&format!(
        "#{card} button[name=format][value=web]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(
        c,
        &format!(
            "location.pathname === '/rapporter/rapport' && document.body.innerText.includes({})",
            json!(title)
        ),
        title,
    )
    .await;
    wait_for(
        c,
        "document.images.length > 0 && Array.from(document.images).every(i => i.complete)",
        "the report's images",
    )
    .await;
    let images = c
        .execute(
            "return Array.from(document.images).map(i => [i.alt, i.naturalWidth]);",
            vec![],
        )
        .await
        .unwrap();
    let images = images.as_array().unwrap();
    assert!(images.len() >= 2, "{card}: figures {images:?}");
    for i in images {
        assert!(i[1].as_u64().unwrap() > 0, "{card}: image not loaded: {i}");
    }
    let shown = c
        .execute(
            "return Array.from(document.querySelectorAll('main h1, main h2, main h3, main h4')).map(h => h.innerText.trim());",
            vec![],
        )
        .await
        .unwrap();
    let shown: Vec<String> = serde_json::from_value(shown).unwrap();
    for h in headings {
        assert!(
            shown.iter().any(|s| s == h),
            "{card}: heading {h} in {shown:?}"
        );
    }
    // Nothing overflows the page sideways (wide tables, figures).
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    if overflow.as_i64().unwrap() > 0 {
        let wide = c
            .execute(
                "const w = document.documentElement.clientWidth; \
                 return Array.from(document.querySelectorAll('body *')) \
                   .filter(e => e.getBoundingClientRect().right + window.scrollX > w + 1) \
                   .slice(0, 8).map(e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 80));",
                vec![],
            )
            .await
            .unwrap();
        screenshot(c, &format!("{shot}-too-wide.png")).await;
        panic!("{card}: {overflow} px too wide: {wide}");
    }
    // The whole report, one screen at a time: `{shot}-1.png`, `{shot}-2.png`, …
    let height = c
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    let screens = height.div_ceil(900).min(12);
    for k in 0..screens {
        c.execute(&format!("window.scrollTo(0, {});", k * 900), vec![])
            .await
            .unwrap();
        screenshot(c, &format!("{shot}-{}.png", k + 1)).await;
    }
    c.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_opens_the_compilation_and_final_follow_up() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("reports");
    let (webdriver, c) = start_browser(&chromium, &driver, 1280, 1000).await;
    sign_in(&c, &base, "samordnare@demo").await;
    c.goto(&format!("{base}/rapporter")).await.unwrap();
    wait_for(
        &c,
        "document.getElementById('annual-compilation')",
        "the reports page",
    )
    .await;
    screenshot(&c, "rapporter.png").await;
    // The October 2020 compilation: plan year 2020, as of 1 October.
    open_report(
        &c,
        &base,
        "annual-compilation",
        &[
            ("select[name=year]", "2020"),
            ("input[name=as_of]", "2020-10-01"),
        ],
        "Årlig sammanställning av åtagandeplanen 2020",
        &[
            "Sammanfattning",
            "Åtagandena",
            "Lägesbilden 2020",
            "Resurser per part",
        ],
        "sammanstallning-2020",
    )
    .await;
    open_report(
        &c,
        &base,
        "final-follow-up",
        &[],
        "Slutlig uppföljning av samverkansöverenskommelsen 2020–2023",
        &[
            "Sammanfattning",
            "Åtagandeplanen 2022",
            "Situationell prevention i Gottsunda centrum",
            "Resultat: Trygg i Gottsunda centrum",
            "Resurser per part under hela perioden",
        ],
        "slutuppfoljning-2023",
    )
    .await;
    // The downloads from the report's page.
    for (format, kind) in [
        ("docx", "wordprocessingml"),
        ("html", "text/html"),
        ("md", "application/zip"),
    ] {
        let r = fetch_in_page(
            &c,
            &format!(
                "document.querySelector('nav.report-actions a[href*=\"format={format}\"]').href"
            ),
        )
        .await;
        assert_eq!(r["status"], 200, "{format}: {r}");
        assert!(r["type"].as_str().unwrap().contains(kind), "{format}: {r}");
    }
    // The plan behind the Gottsunda results, with its linked intervention.
    c.goto(&format!("{base}/samverkan/atagandeplan/2022"))
        .await
        .unwrap();
    wait_for(
        &c,
        "document.body.innerText.includes('Situationell prevention i Gottsunda centrum') && document.body.innerText.includes('Trygg i Gottsunda centrum')",
        "the 2022 plan with the linked intervention",
    )
    .await;
    c.execute(
        "document.getElementById('c-2022-6').scrollIntoView();",
        vec![],
    )
    .await
    .unwrap();
    screenshot(&c, "atagandeplan-2022.png").await;
    c.goto(&format!("{base}/samverkan")).await.unwrap();
    screenshot(&c, "samverkan.png").await;
    c.goto(&format!("{base}/")).await.unwrap();
    wait_for(&c, "document.getElementById('reminders')", "the reminders").await;
    screenshot(&c, "start-samordnare.png").await;
    // The reminder leads to the form for the next agreement, pre-filled from this one.
    click(&c, "#reminders a[href='/samverkan/overenskommelse/ny']").await;
    wait_for(
        &c,
        "document.querySelector('form[action=\"/samverkan/overenskommelse\"]')",
        "the new agreement's form",
    )
    .await;
    let from = js(
        &c,
        "return document.querySelector('[name=from_year]').value;",
    )
    .await;
    assert_eq!(from, "2024", "the next period follows 2020–2023");
    screenshot(&c, "overenskommelse-ny.png").await;
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
    c.close().await.unwrap();
}

/// axe-core's WCAG 2.1 A and AA rules on the page now: `(rule id, impact, nodes, help)` for
/// each violation.
async fn axe(c: &Client) -> Vec<(String, String, usize, String)> {
    const AXE: &str = include_str!("vendor/axe.min.js");
    c.execute(AXE, vec![]).await.expect("axe loads");
    let v = c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})\
               .then(r => done(r.violations.map(v => [v.id, v.impact || '', v.nodes.length, v.help + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')])))\
               .catch(e => done([['axe-error', 'critical', 0, String(e)]]));",
            vec![],
        )
        .await
        .expect("axe runs");
    serde_json::from_value(v).expect("violations")
}

/// Every public page and the main pages of each signed-in role, on a phone and a desktop,
/// pass axe-core's WCAG 2.1 AA rules with no serious or critical violation (DOS-lagen).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_pass_axe_on_a_phone_and_a_desktop() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("axe");
    let public = [
        "/login",
        "/lofte",
        "/tillganglighet",
        "/karta",
        "/karta/om",
        "/tipsa",
        "/tipsa?lang=en",
    ];
    let signed_in: [(&str, &[&str]); 3] = [
        (
            "rapportor@demo",
            &["/", "/rapportera", "/mina-rapporter", "/konto"],
        ),
        (
            "samordnare@demo",
            &[
                "/",
                "/lagesbild",
                "/problem",
                "/insatser",
                "/moten",
                "/samverkan",
                "/samverkan/atagandeplan",
                "/samverkan/beslut",
                "/samverkan/atagandeplan/2022",
                "/samverkan/medborgarloften",
                "/samverkan/medborgarloften/ny",
                "/samverkan/kommunikation/andra",
                "/moten/ny",
                "/insatser/ny?problem=1",
                "/rapporter",
                "/importera",
                "/tips",
                "/tips/lank",
            ],
        ),
        ("admin@demo", &["/admin", "/admin/kategorier"]),
    ];
    assert_no_serious_axe(&chromium, &driver, &base, &public, &signed_in).await;
}

/// Visits `public` signed out and each of `signed_in`'s paths as its person, on a phone and a
/// desktop, runs [`axe`] on each, prints every violation and fails on a serious or critical one.
async fn assert_no_serious_axe<S: AsRef<str>, P: AsRef<[S]>>(
    chromium: &PathBuf,
    driver: &PathBuf,
    base: &str,
    public: &[S],
    signed_in: &[(&str, P)],
) {
    let mut report = Vec::new();
    for (width, height) in [(390, 844), (1400, 1000)] {
        let (_webdriver, c) = start_browser(chromium, driver, width, height).await;
        let mut visit = async |path: &str| {
            c.goto(&format!("{base}{path}")).await.unwrap();
            wait_for(&c, "document.readyState === 'complete'", path).await;
            for (id, impact, nodes, help) in axe(&c).await {
                report.push(format!("{width}px {path}: {impact} {id} ×{nodes} — {help}"));
            }
        };
        for path in public {
            visit(path.as_ref()).await;
        }
        for (who, paths) in signed_in {
            sign_in(&c, base, who).await;
            for path in paths.as_ref() {
                visit(path.as_ref()).await;
            }
            sign_out(&c).await;
        }
    }
    eprintln!("axe: {} violations\n{}", report.len(), report.join("\n"));
    let serious: Vec<&String> = report
        .iter()
        .filter(|r| r.contains(": serious ") || r.contains(": critical "))
        .collect();
    assert!(serious.is_empty(), "serious or critical: {serious:#?}");
}

/// The safety walks' pages (the list with the plan, a walk, the phone's page, the public
/// protocol) and the fixes' (the list, a fix, an outside party's link) pass axe-core's WCAG 2.1
/// AA rules on a phone and a desktop with no serious or critical violation. The walk, its
/// routed and published place and the party's link are made first, as the coordinator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walk_and_fix_pages_pass_axe_on_a_phone_and_a_desktop() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("axe-walks");
    let (webdriver, c) = start_browser(&chromium, &driver, 1400, 1000).await;
    sign_in(&c, &base, "samordnare@demo").await;
    c.goto(&format!("{base}/trygghetsvandringar"))
        .await
        .unwrap();
    let s = post_in_page(
        &c,
        "/atgarder/regler",
        json!({"category": "otrygg-plats.belysning", "owner_kind": "outside", "owner_name": "Gatukontoret"}),
        false,
    )
    .await;
    assert!(s == 200 || s == 303, "rule: {s}");
    let s = post_in_page(
        &c,
        "/trygghetsvandringar",
        json!({"title": "Trygghetsvandring Stora torget", "date": "2026-10-01",
               "route": "59.8586,17.6389;59.8590,17.6400", "p_residents": "8", "invited": "Gatukontoret"}),
        false,
    )
    .await;
    assert_eq!(s, 200, "the plan");
    c.goto(&format!("{base}/trygghetsvandringar"))
        .await
        .unwrap();
    let walk = js(
        &c,
        "return document.querySelector('table.list a[href^=\"/trygghetsvandringar/\"]').getAttribute('href');",
    )
    .await
    .as_str()
    .unwrap()
    .to_string();
    let s = post_in_page(
        &c,
        &format!("{walk}/fynd"),
        json!({"kind": "unsafe", "category": "otrygg-plats.belysning", "lat": "59.8587",
               "lon": "17.6392", "description": "Trasig belysning vid trappan", "client_id": "axe-1"}),
        true,
    )
    .await;
    assert_eq!(s, 200, "the place");
    for (path, fields) in [
        (format!("{walk}/dirigera"), json!({})),
        (
            format!("{walk}/fynd/1/publicera"),
            json!({"published": "1"}),
        ),
    ] {
        assert_eq!(post_in_page(&c, &path, fields, false).await, 200, "{path}");
    }
    c.goto(&format!("{base}{walk}")).await.unwrap();
    let fix = js(
        &c,
        "return document.querySelector('#punkt-1 a[href^=\"/atgarder/\"]').getAttribute('href');",
    )
    .await
    .as_str()
    .unwrap()
    .to_string();
    c.goto(&format!("{base}{fix}")).await.unwrap();
    let link = make_outside_link(&c).await;
    sign_out(&c).await;
    c.close().await.unwrap();
    drop(webdriver);

    let signed_in = [(
        "samordnare@demo",
        vec![
            "/trygghetsvandringar".to_string(),
            walk.clone(),
            format!("{walk}/vandra"),
            "/atgarder".to_string(),
            fix,
        ],
    )];
    let public = [format!("{walk}/protokoll"), link];
    assert_no_serious_axe(&chromium, &driver, &base, &public, &signed_in).await;
}

/// The kommun's own Excel export (Windows-1252, `;`, decimal comma, SWEREF 99 TM) with its own
/// category "Ordningsstörning": the analyst uploads it on `/importera`, maps the value on the
/// mapping step without choosing the file again, and the rows are stored with that category.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyst_imports_an_excel_file_through_the_mapping_step() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("import");
    let (webdriver, c) = start_browser(&chromium, &driver, 1280, 900).await;
    sign_in(&c, &base, "analytiker@demo").await;
    click(&c, "nav a[href='/importera']").await;
    wait_for(
        &c,
        "document.querySelector('input[type=file]')",
        "the import page",
    )
    .await;

    // As Excel saves it in Sweden: Windows-1252 (ö is one byte), `;`, decimal comma.
    let text = "Datum;Klockslag;Kategori;X;Y;Plats\r\n\
                1999-03-01;21:30;Ordningsstörning;647812,5;6638102,25;Stora torget\r\n\
                1999-03-01;22:10;Ordningsstörning;647830,0;6638110,75;Stora torget\r\n\
                1999-03-02;01:05;ordningsstörning;647790,5;6638090,0;Stora torget\r\n";
    let bytes: Vec<u8> = text
        .chars()
        .map(|ch| match ch {
            'ö' => 0xF6,
            c => u8::try_from(c).expect("ASCII or ö"),
        })
        .collect();
    let file = std::env::temp_dir().join(format!("trygg-kommun-{}.csv", std::process::id()));
    std::fs::write(&file, bytes).unwrap();
    c.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    set_value(&c, "select[name=crs]", "3006").await;
    click(&c, "form[action='/importera'] button[type=submit]").await;
    wait_for(
        &c,
        "document.body.innerText.includes('Okända kategorier')",
        "the mapping step",
    )
    .await;
    let row = c
        .find(Locator::Css("table.mapping tbody tr"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        row.contains("Ordningsstörning") && row.contains("3") && row.contains("rad 2"),
        "the value, its count and first line: {row}"
    );
    screenshot(&c, "import-mapping.png").await;
    set_value(&c, "select[name=code_0]", "ordning.ovrigt").await;
    click(&c, "form[action^='/importera/'] button[type=submit]").await;
    wait_for(
        &c,
        "document.body.innerText.includes('3 händelser importerade')",
        "the import's result",
    )
    .await;
    assert!(
        c.find(Locator::Css("main a[href='/lagesbild']"))
            .await
            .is_ok()
    );
    screenshot(&c, "import-done.png").await;

    let stored = api_json(
        &c,
        "/api/v1/incidents?category=ordning.ovrigt&from=1999-03-01&to=1999-03-03",
    )
    .await;
    assert_eq!(stored["total"], 3, "{stored}");
    assert!(
        stored["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["category"] == "ordning.ovrigt" && i["place"] == "Stora torget"),
        "{stored}"
    );
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
    std::fs::remove_file(&file).ok();
    c.close().await.unwrap();
}

/// A citizen opens the public safety map without signing in, on a phone and on a desktop: the
/// demo city's districts are drawn on the map, the table under it has a row per district, and
/// choosing another month in the select shows that month (map and table). Screenshots of
/// both go to `target/screenshots/karta-phone.png` and `karta-desktop.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_reads_the_public_map_on_a_phone_and_a_desktop() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("karta");
    let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let drawn = "document.getElementById('karta-map') && document.getElementById('karta-map').dataset.ready === 'true' \
                 && document.querySelectorAll('#karta-map path.leaflet-interactive').length > 1";
    for (name, width, height) in [
        ("karta-phone.png", 390, 844),
        ("karta-desktop.png", 1280, 900),
    ] {
        let (webdriver, c) = start_browser(&chromium, &driver, width, height).await;
        c.goto(&format!("{base}/karta")).await.unwrap();
        wait_for(&c, drawn, "the districts on the map").await;
        let rows = js(
            &c,
            "return document.querySelectorAll('.karta-table tbody tr').length",
        )
        .await;
        assert!(rows.as_u64().unwrap() >= 2, "a row per district: {rows}");
        let caption = js(
            &c,
            "return document.querySelector('.karta-table caption').textContent",
        )
        .await;
        let other = js(
            &c,
            "return document.querySelector('#karta-month').options[1].value",
        )
        .await;
        let other = other.as_str().unwrap().to_string();
        set_value(&c, "#karta-month", &other).await;
        wait_for(
            &c,
            &format!("location.search.includes('month={other}') && ({drawn})"),
            "the other month",
        )
        .await;
        let now = js(
            &c,
            "return document.querySelector('.karta-table caption').textContent",
        )
        .await;
        assert_ne!(caption, now, "the table follows the chosen month");
        let chosen = js(&c, "return document.querySelector('#karta-month').value").await;
        assert_eq!(chosen, other.as_str());
        assert_nothing_refused_by_the_csp(&webdriver, &c).await;
        // The top of the page (the choice and the map) is what a citizen sees first.
        js(&c, "window.scrollTo(0, 0); return true").await;
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(shots.join(name), png).unwrap();
        // And the table, the map's non-map twin.
        js(
            &c,
            "document.querySelector('.karta-table').scrollIntoView(); return true",
        )
        .await;
        let png = c.screenshot().await.expect("screenshot");
        std::fs::write(shots.join(name.replace(".png", "-table.png")), png).unwrap();
        c.close().await.unwrap();
    }
}

/// Presses Tab until the focused element matches `css` (at most 60 times): the element is
/// reachable by keyboard, in tab order.
async fn tab_to(c: &Client, css: &str) {
    for _ in 0..60 {
        let here = js(
            c,
            &format!("return !!document.activeElement.matches({css:?});"),
        )
        .await;
        if here.as_bool() == Some(true) {
            return;
        }
        c.active_element()
            .await
            .unwrap()
            .send_keys("\u{e004}")
            .await
            .unwrap();
    }
    panic!("{css} is not reachable with Tab");
}

async fn keys(c: &Client, keys: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(keys)
        .await
        .unwrap();
}

/// A citizen on a phone opens a QR link of an area, fills the tip form with the keyboard only
/// (the place pre-filled), sends it and gets a reference; a coordinator accepts it on /tips and
/// the incident is there, of channel tips.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_tips_by_keyboard_and_a_coordinator_accepts_it() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("tips");
    let (_webdriver, c) = start_browser(&chromium, &driver, 390, 844).await;

    sign_in(&c, &base, "samordnare@demo").await;
    let areas = api_json(&c, "/api/v1/areas?kind=district").await;
    let area = &areas["features"][0];
    let (id, name) = (
        area["id"].as_i64().unwrap(),
        area["properties"]["name"].as_str().unwrap().to_string(),
    );
    sign_out(&c).await;

    c.goto(&format!("{base}/tipsa?omrade={id}")).await.unwrap();
    wait_for(
        &c,
        "window.L && document.querySelector('#tip-map.leaflet-container')",
        "the map",
    )
    .await;
    assert_eq!(
        js(
            &c,
            "return document.querySelector('input[name=place]').value"
        )
        .await,
        name.as_str()
    );
    let started = Instant::now();
    screenshot(&c, "tips-form-phone.png").await;

    tab_to(&c, "input[name=category]").await;
    keys(&c, "\u{e015}\u{e015}").await; // ArrowDown twice: Klotter eller skadegörelse.
    assert_eq!(
        js(
            &c,
            "return document.querySelector('input[name=category]:checked').value"
        )
        .await,
        "klotter"
    );
    tab_to(&c, "input[name=place]").await;
    tab_to(&c, "textarea[name=description]").await;
    keys(&c, "Nytt klotter på gångtunneln under vägen.").await;
    tab_to(&c, "#tip-form button[type=submit]").await;
    screenshot(&c, "tips-filled-phone.png").await;
    if let Some(wait) = Duration::from_millis(3500).checked_sub(started.elapsed()) {
        tokio::time::sleep(wait).await;
    }
    keys(&c, "\u{e007}").await; // Enter.
    wait_for(&c, "location.pathname === '/tipsa/tack'", "the receipt").await;
    let reference = js(
        &c,
        "return document.getElementById('tip-reference').textContent",
    )
    .await;
    let reference = reference.as_str().unwrap().to_string();
    assert!(reference.starts_with("T-"), "{reference}");
    screenshot(&c, "tips-receipt-phone.png").await;

    sign_in(&c, &base, "samordnare@demo").await;
    c.goto(&format!("{base}/tips")).await.unwrap();
    wait_for(&c, "document.querySelector('article.tip')", "the queue").await;
    screenshot(&c, "tips-queue-phone.png").await;
    click(
        &c,
        &format!("article.tip[data-ref='{reference}'] form[action$='/godkann'] button"),
    )
    .await;
    wait_for(&c, &format!("location.pathname === '/tips' && !document.querySelector(\"article.tip[data-ref='{reference}']\")"), "the decision").await;
    let tips = api_json(&c, "/api/v1/incidents?source=tips").await;
    assert_eq!(tips["total"], 1, "{tips}");
    assert_eq!(tips["items"][0]["external_id"], reference.as_str());
}

/// The `Description` text of a PNG (its iTXt or tEXt chunk), which trygg's maps carry as their
/// alt text: the title and every legend entry.
fn png_description(png: &[u8]) -> Option<String> {
    let mut at = 8;
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        let data = png.get(at + 8..at + 8 + len)?;
        if (kind == b"iTXt" || kind == b"tEXt") && data.starts_with(b"Description\0") {
            let rest = &data[b"Description\0".len()..];
            // iTXt: compression flag, method, language tag\0, translated keyword\0, text.
            let text = if kind == b"iTXt" {
                let rest = &rest[2..];
                let rest = &rest[rest.iter().position(|b| *b == 0)? + 1..];
                &rest[rest.iter().position(|b| *b == 0)? + 1..]
            } else {
                rest
            };
            return String::from_utf8(text.to_vec()).ok();
        }
        at += 12 + len;
    }
    None
}

/// The analyst on a phone and on a desktop: the lägesbild filtered to burglaries with every
/// layer on keeps its filter, layers and path when the language is switched (and back), the
/// map's legend stays clear of the layer switcher, the note about area-only positions is said
/// once, and the PNG export is the filtered map: its legend names the burglaries, not their
/// group, and its title the period. Screenshots: `target/browser/lagesbild-filter-*.png` and
/// the exported maps `target/browser/lagesbild-export-*.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyst_keeps_the_filter_across_a_language_switch_and_exports_map_and_weekly_report_in_english()
 {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("lang-switch");
    let ready = "document.getElementById('lagesbild') && document.getElementById('lagesbild').dataset.ready \
                 && document.querySelector('#lb-knox-sentence').textContent.length > 20";
    for (size, width, height) in [("phone", 390, 844), ("desktop", 1400, 1000)] {
        let (webdriver, c) = start_browser(&chromium, &driver, width, height).await;
        sign_in(&c, &base, "analytiker@demo").await;
        c.goto(&format!(
            "{base}/lagesbild?category=ordning.inbrott&layers=omraden,punkter,tathet,hotspots,enkat"
        ))
        .await
        .unwrap();
        wait_for(&c, ready, "the dashboard").await;
        wait_for(
            &c,
            "document.querySelector('.lb-legend') && document.querySelector('.lb-legend').textContent.includes('Gi*')",
            "the legend of every layer",
        )
        .await;
        js(
            &c,
            "document.getElementById('lb-map').scrollIntoView(); return true",
        )
        .await;
        screenshot(&c, &format!("lagesbild-filter-{size}-sv.png")).await;
        js(
            &c,
            "document.getElementById('lb-trend').scrollIntoView(); return true",
        )
        .await;
        screenshot(&c, &format!("lagesbild-filter-{size}-sv-panels.png")).await;
        js(
            &c,
            "document.getElementById('lb-knox').scrollIntoView(); return true",
        )
        .await;
        screenshot(&c, &format!("lagesbild-filter-{size}-sv-knox.png")).await;

        // The legend and the layer switcher do not overlap, however many layers are on.
        let overlap = js(
            &c,
            "const a = document.querySelector('.leaflet-control-layers').getBoundingClientRect(), \
                   b = document.querySelector('.lb-legend').getBoundingClientRect(); \
             return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;",
        )
        .await;
        assert_eq!(
            overlap,
            json!(false),
            "the legend covers the layer switcher ({size})"
        );
        // The note about area-only positions is said once, not once per layer.
        let note = js(
            &c,
            "return document.getElementById('lb-map-note').textContent",
        )
        .await;
        let note = note.as_str().unwrap();
        assert!(
            note.matches("bara områdesposition").count() <= 1,
            "{size}: {note}"
        );

        // The PNG export is the map on the screen: the filtered category in its legend.
        let href = js(
            &c,
            "return document.getElementById('lb-export-png').getAttribute('href')",
        )
        .await;
        let href = href.as_str().unwrap().to_string();
        assert!(
            href.contains("category=ordning.inbrott") && href.contains("hotspots"),
            "{href}"
        );
        let png = fetch_bytes(&c, &href).await;
        std::fs::write(
            screenshots().join(format!("lagesbild-export-{size}.png")),
            &png,
        )
        .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let described = png_description(&png).expect("the map's description in the PNG");
        assert!(
            described.contains("Inbrott") && !described.contains("Annat otrygghetsskapande"),
            "the legend names the filtered category: {described}"
        );
        assert!(
            described.contains("Hot spot") && described.contains("Källa"),
            "the Gi* cells and the source are on the export: {described}"
        );

        // Switching the language keeps the path, the filter and the layers.
        click(&c, "a.lang").await;
        wait_for(
            &c,
            &format!("document.documentElement.lang === 'en' && ({ready})"),
            "the dashboard in English",
        )
        .await;
        let search = js(&c, "return location.pathname + location.search").await;
        let search = search.as_str().unwrap();
        assert!(
            search.starts_with("/lagesbild?")
                && search.contains("category=ordning.inbrott")
                && search.contains("hotspots"),
            "{size}: {search}"
        );
        let checked = js(
            &c,
            "return document.querySelector('input[name=category][value=\"ordning.inbrott\"]').checked",
        )
        .await;
        assert_eq!(
            checked,
            json!(true),
            "{size}: the filter form keeps burglary"
        );
        let knox = js(
            &c,
            "return document.getElementById('lb-knox-sentence').textContent",
        )
        .await;
        let knox = knox.as_str().unwrap();
        assert!(
            !knox.contains("gånger") && !knox.contains("händelser"),
            "{size}: the near-repeat sentence in English: {knox}"
        );
        // The PNG export in English: the page's language goes with it.
        let href = js(
            &c,
            "return document.getElementById('lb-export-png').getAttribute('href')",
        )
        .await;
        let href = href.as_str().unwrap().to_string();
        assert!(href.contains("lang=en"), "{href}");
        let png = fetch_bytes(&c, &href).await;
        std::fs::write(
            screenshots().join(format!("lagesbild-export-{size}-en.png")),
            &png,
        )
        .unwrap();
        let described = png_description(&png).expect("the map's description in the PNG");
        assert!(
            described.contains("Burglary")
                && described.contains("Source")
                && !described.contains("Inbrott")
                && !described.contains("Källa"),
            "the English export names the filtered category in English: {described}"
        );
        js(
            &c,
            "document.getElementById('lb-map').scrollIntoView(); return true",
        )
        .await;
        screenshot(&c, &format!("lagesbild-filter-{size}-en.png")).await;
        js(
            &c,
            "document.getElementById('lb-trend').scrollIntoView(); return true",
        )
        .await;
        screenshot(&c, &format!("lagesbild-filter-{size}-en-panels.png")).await;

        // The weekly report in English: the report's language follows the page's by default.
        let language = {
            c.goto(&format!("{base}/rapporter")).await.unwrap();
            wait_for(&c, "document.getElementById('weekly')", "the weekly card").await;
            js(
                &c,
                "return document.querySelector('#weekly select[name=language]').value",
            )
            .await
        };
        assert_eq!(language, json!("en"), "{size}: the report's language");
        open_report(
            &c,
            &base,
            "weekly",
            &[],
            "Situation report week",
            &[
                "Summary",
                "Incidents by category",
                "Incidents by area",
                "Where the incidents happen",
                "Near repeats of burglaries",
                "About the statistics",
            ],
            &format!("report-weekly-en-{size}"),
        )
        .await;
        let text = js(
            &c,
            "return document.querySelector('article.trygg-report').innerText",
        )
        .await;
        let text = text.as_str().unwrap();
        for swedish in [
            "händelser",
            "Händelser",
            "vecka ",
            "Vecka ",
            "Sammanfattning",
            " jämfört med ",
            "rapporterades",
            "Om statistiken",
        ] {
            assert!(
                !text.contains(swedish),
                "{size}: the English weekly report says {swedish:?}: {text}"
            );
        }
        let alts = js(
            &c,
            "return Array.from(document.images).map(i => i.alt).join(' | ')",
        )
        .await;
        let alts = alts.as_str().unwrap();
        assert!(
            alts.contains("Map:") && !alts.contains("Karta:") && !alts.contains("Linjediagram"),
            "{size}: the figures are described in English: {alts}"
        );
        // The Word file says it is English (spelling and hyphenation).
        let href = js(
            &c,
            "return Array.from(document.querySelectorAll('nav.report-actions a')).find(a => a.href.includes('format=docx')).href",
        )
        .await;
        let href = href.as_str().unwrap().to_string();
        assert!(href.contains("language=en"), "{href}");
        let docx = fetch_bytes(&c, &href).await;
        let styles = {
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut z.by_name("word/styles.xml").unwrap(), &mut xml)
                .unwrap();
            xml
        };
        assert!(
            styles.contains("w:val=\"en-GB\""),
            "{size}: the DOCX language"
        );
        c.goto(&format!(
            "{base}/lagesbild?category=ordning.inbrott&layers=omraden,punkter,tathet,hotspots,enkat"
        ))
        .await
        .unwrap();
        wait_for(
            &c,
            &format!("document.documentElement.lang === 'en' && ({ready})"),
            "the dashboard in English again",
        )
        .await;

        // And back to Swedish, still filtered.
        click(&c, "a.lang").await;
        wait_for(
            &c,
            &format!("document.documentElement.lang === 'sv' && ({ready})"),
            "the dashboard in Swedish again",
        )
        .await;
        let search = js(&c, "return location.search").await;
        assert!(
            search
                .as_str()
                .unwrap()
                .contains("category=ordning.inbrott"),
            "{size}: {search}"
        );
        assert_nothing_refused_by_the_csp(&webdriver, &c).await;
        c.close().await.unwrap();
    }
}

/// The bytes at `url`, fetched by the page with its session.
async fn fetch_bytes(c: &Client, url: &str) -> Vec<u8> {
    let bytes = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(arguments[0], {credentials: 'same-origin'}) \
               .then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));",
            vec![json!(url)],
        )
        .await
        .expect("the download");
    serde_json::from_value(bytes).unwrap()
}

/// Types `text` into the field `css` (after clearing it), as a person would.
async fn type_into(c: &Client, css: &str, text: &str) {
    let el = c
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    el.clear()
        .await
        .unwrap_or_else(|e| panic!("clear {css}: {e}"));
    el.send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("type into {css}: {e}"));
}

/// The text of the first element matching `css`.
async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// A coordinator, on a phone and on a desktop, writes a citizen promise on its page and edits
/// it, adds an activity to the communication plan, and follows a commitment up (status and
/// progress) — each save lands on its page with the "Sparat" notice and shows what was saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coordinator_edits_promises_the_communication_plan_and_a_commitment() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("samverkan");
    for (device, (w, h), progress) in [("phone", (390, 844), "55"), ("desktop", (1280, 900), "70")]
    {
        let (webdriver, c) = start_browser(&chromium, &driver, w, h).await;
        sign_in(&c, &base, "samordnare@demo").await;

        // A new citizen promise.
        c.goto(&format!("{base}/samverkan/medborgarloften"))
            .await
            .unwrap();
        click(&c, "a[href='/samverkan/medborgarloften/ny']").await;
        wait_for(&c, "document.getElementById('lofte')", "the promise form").await;
        let area = format!("Sävja ({device})");
        type_into(&c, "#lofte input[name=area]", &area).await;
        set_value(&c, "#lofte input[name=from]", "2025-01-01").await;
        set_value(&c, "#lofte input[name=to]", "2025-12-31").await;
        set_value(&c, "#lofte select[name=basis_kind_0]", "dialog").await;
        type_into(
            &c,
            "#lofte input[name=basis_text_0]",
            "Medborgardialog i Sävja hösten 2024",
        )
        .await;
        type_into(
            &c,
            "#lofte textarea[name=promise_text_0]",
            "Vi lyser upp gångtunneln vid skolan.",
        )
        .await;
        screenshot(&c, &format!("samverkan-promise-form-{device}.png")).await;
        click(&c, "#lofte button[type=submit]").await;
        wait_for(
            &c,
            "location.pathname === '/samverkan/medborgarloften' && document.querySelector('.notice.saved')",
            "the promises with the saved notice",
        )
        .await;
        assert_eq!(text_of(&c, ".notice.saved").await, "Sparat.");
        let id = js(
            &c,
            &format!("return [...document.querySelectorAll('section.card[id^=lofte-]')].find(s => s.querySelector('h2').textContent.includes({area:?})).id.slice(6)"),
        )
        .await;
        let id = id.as_str().expect("the new promise is listed").to_string();

        // Edited: what is done, the status and the follow-up.
        click(&c, &format!("#lofte-{id} a.button")).await;
        wait_for(&c, "document.getElementById('lofte')", "the promise's form").await;
        set_value(&c, "#lofte select[name=promise_status_0]", "ongoing").await;
        type_into(
            &c,
            "#lofte textarea[name=promise_done_0]",
            "2025-03-01: Trygghetsvandring med skolan",
        )
        .await;
        type_into(
            &c,
            "#lofte textarea[name=promise_follow_up_0]",
            "Trygghetsmätning hösten 2025.",
        )
        .await;
        click(&c, "#lofte button[type=submit]").await;
        wait_for(
            &c,
            &format!("location.pathname === '/samverkan/medborgarloften' && document.querySelector('.notice.saved') && document.getElementById('lofte-{id}')"),
            "the edited promise",
        )
        .await;
        let card = text_of(&c, &format!("#lofte-{id}")).await;
        assert!(card.contains("Pågår"), "{card}");
        assert!(
            card.contains("2025-03-01: Trygghetsvandring med skolan"),
            "{card}"
        );
        assert!(card.contains("Trygghetsmätning hösten 2025."), "{card}");
        js(
            &c,
            &format!("document.getElementById('lofte-{id}').scrollIntoView()"),
        )
        .await;
        screenshot(&c, &format!("samverkan-promise-saved-{device}.png")).await;

        // The communication plan: a new activity in its last (empty) row.
        c.goto(&format!("{base}/samverkan/kommunikation"))
            .await
            .unwrap();
        click(&c, "a[href='/samverkan/kommunikation/andra']").await;
        wait_for(
            &c,
            "document.getElementById('kommunikation')",
            "the plan's form",
        )
        .await;
        let row = js(
            &c,
            "return document.querySelectorAll('#kommunikation fieldset.activity').length - 1",
        )
        .await;
        let row = row.as_i64().unwrap();
        let what = format!("Öppet hus i Sävja ({device})");
        set_value(
            &c,
            &format!("#kommunikation input[name=activity_date_{row}]"),
            "2025-05-14",
        )
        .await;
        type_into(
            &c,
            &format!("#kommunikation input[name=activity_text_{row}]"),
            &what,
        )
        .await;
        type_into(
            &c,
            &format!("#kommunikation input[name=activity_channel_{row}]"),
            "Affisch",
        )
        .await;
        screenshot(&c, &format!("samverkan-communication-form-{device}.png")).await;
        click(&c, "#kommunikation button[type=submit]").await;
        wait_for(
            &c,
            "location.pathname === '/samverkan/kommunikation' && document.querySelector('.notice.saved')",
            "the plan with the saved notice",
        )
        .await;
        let plan = text_of(&c, "main").await;
        assert!(
            plan.contains(&what) && plan.contains("2025-05-14"),
            "{plan}"
        );
        screenshot(&c, &format!("samverkan-communication-saved-{device}.png")).await;

        // A commitment followed up: status and progress beside it, the form one click away.
        let commitment = format!("#c-{}", trygg_demo::partnership::GOTTSUNDA_COMMITMENT);
        c.goto(&format!("{base}/samverkan/atagandeplan/2022"))
            .await
            .unwrap();
        wait_for(
            &c,
            &format!("document.querySelector('{commitment} .follow-status')"),
            "the commitment",
        )
        .await;
        click(&c, &format!("{commitment} details.follow-up summary")).await;
        set_value(&c, &format!("{commitment} select[name=status]"), "ongoing").await;
        type_into(&c, &format!("{commitment} input[name=progress]"), progress).await;
        screenshot(&c, &format!("samverkan-commitment-form-{device}.png")).await;
        click(
            &c,
            &format!("{commitment} form.commitment-edit button[type=submit]"),
        )
        .await;
        wait_for(
            &c,
            &format!("location.search.includes('sparat=1') && document.querySelector('{commitment} .pct').textContent.trim() === '{progress} %'"),
            "the saved progress beside the commitment",
        )
        .await;
        let shown = text_of(&c, &format!("{commitment} .follow-status")).await;
        assert!(
            shown.contains("Pågår") && shown.contains(&format!("{progress} %")),
            "{shown}"
        );
        assert_eq!(
            js(
                &c,
                &format!("return document.querySelector('{commitment} progress').value")
            )
            .await,
            json!(progress.parse::<i64>().unwrap())
        );
        screenshot(&c, &format!("samverkan-commitment-saved-{device}.png")).await;
        assert_nothing_refused_by_the_csp(&webdriver, &c).await;
        c.close().await.unwrap();
    }
}

/// A reporter files a report with the keyboard only, on a phone-sized and a desktop window:
/// the district outlines are not in the tab order (from the map, Tab goes to the zoom
/// buttons), an empty send marks the fields with `aria-invalid` and the message beside them,
/// the arrow keys and Enter place the point, the confirmation gets the focus, and *Mina
/// rapporter* names the place chosen on the map by its district.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporter_files_a_report_with_the_keyboard_only() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("keyboard");
    for (device, (w, h)) in [("phone", (390, 844)), ("desktop", (1280, 900))] {
        let (webdriver, c) = start_browser(&chromium, &driver, w, h).await;
        sign_in(&c, &base, "rapportor@demo").await;
        c.goto(&format!("{base}/rapportera")).await.unwrap();
        wait_for(
            &c,
            "window.L && document.querySelectorAll('.pick-map path').length >= 21",
            "the map with the district outlines",
        )
        .await;

        // From the map, Tab reaches the zoom buttons, not the outlines.
        tab_to(&c, ".pick-map").await;
        keys(&c, "\u{e004}").await;
        assert_eq!(
            js(
                &c,
                "return document.activeElement.classList.contains('leaflet-control-zoom-in')"
            )
            .await,
            json!(true),
            "Tab from the map goes to the zoom buttons"
        );
        let tabbable = js(
            &c,
            "return [...document.querySelectorAll('.pick-map path')].filter(p => p.tabIndex >= 0).length",
        )
        .await;
        assert_eq!(tabbable, json!(0));

        // Sent empty: the category is marked invalid, its message beside it, focus on it.
        tab_to(&c, "#est-form button[type=submit]").await;
        keys(&c, "\u{e007}").await;
        wait_for(
            &c,
            "document.querySelector('select[name=category][aria-invalid=true]')",
            "the invalid category",
        )
        .await;
        let marked = js(
            &c,
            "const s = document.querySelector('select[name=category]');\
             const note = document.getElementById(s.getAttribute('aria-describedby'));\
             return {focused: document.activeElement === s, note: note && note.textContent,\
                     beside: s.nextElementSibling === note,\
                     map: document.querySelector('.pick-map').getAttribute('aria-invalid')};",
        )
        .await;
        assert_eq!(marked["focused"], json!(true), "{marked}");
        assert_eq!(marked["beside"], json!(true), "{marked}");
        assert!(
            marked["note"]
                .as_str()
                .unwrap()
                .contains("välj en kategori"),
            "{marked}"
        );
        assert_eq!(
            marked["map"],
            json!("true"),
            "the place is marked too: {marked}"
        );
        screenshot(&c, &format!("report-keyboard-invalid-{device}.png")).await;

        // The category by arrow key (focus is on it), the place by arrows and Enter.
        keys(&c, "\u{e015}").await; // ArrowDown: the first category.
        assert_ne!(
            js(
                &c,
                "return document.querySelector('select[name=category]').value"
            )
            .await,
            json!("")
        );
        assert_eq!(
            js(&c, "return document.querySelector('select[name=category]').hasAttribute('aria-invalid') || !!document.querySelector('select[name=category] + .field-error')").await,
            json!(false),
            "a changed field loses its mark and message"
        );
        tab_to(&c, ".pick-map").await;
        keys(&c, "\u{e013}\u{e013}\u{e014}").await; // ArrowUp twice, ArrowRight: pan.
        keys(&c, "\u{e007}").await; // Enter: the place at the cross.
        wait_for(
            &c,
            "document.querySelector('input[name=lat]').value !== '' && document.querySelector('.pick-map .leaflet-marker-icon')",
            "the point placed by keyboard",
        )
        .await;
        screenshot(&c, &format!("report-keyboard-placed-{device}.png")).await;
        tab_to(&c, "#est-form button[type=submit]").await;
        keys(&c, "\u{e007}").await;
        wait_for(
            &c,
            "document.getElementById('est-status').textContent.includes('Tack!') && document.activeElement === document.getElementById('est-status')",
            "the confirmation, focused",
        )
        .await;
        let status = text_of(&c, "#est-status").await;
        assert!(status.contains("med 1 händelse "), "{status}");
        assert_eq!(
            js(
                &c,
                "return document.querySelectorAll('[aria-invalid]').length"
            )
            .await,
            json!(0),
            "no field is left marked"
        );
        screenshot(&c, &format!("report-keyboard-sent-{device}.png")).await;

        // Mina rapporter: the newest row names the district the point lies in.
        c.goto(&format!("{base}/mina-rapporter")).await.unwrap();
        let place = text_of(&c, "table.list tbody tr:first-child td:last-child").await;
        assert!(
            place.ends_with("(vald på kartan)") && place.len() > "(vald på kartan)".len() + 2,
            "{place}"
        );
        screenshot(&c, &format!("report-keyboard-mine-{device}.png")).await;
        assert_nothing_refused_by_the_csp(&webdriver, &c).await;
        c.close().await.unwrap();
    }
}

/// Taps the Leaflet map `css` at `dx`, `dy` pixels from its centre.
async fn tap_map(c: &Client, css: &str, dx: i64, dy: i64) {
    c.execute(
        "const el = document.querySelector(arguments[0]); const r = el.getBoundingClientRect();\
         el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window,\
           clientX: r.left + r.width / 2 + arguments[1], clientY: r.top + r.height / 2 + arguments[2]}));",
        vec![json!(css), json!(dx), json!(dy)],
    )
    .await
    .unwrap_or_else(|e| panic!("tap {css}: {e}"));
}

/// On a fix's page, makes a link for its (first) outside party; returns the link's path
/// (`/atgard/{token}`), shown once.
async fn make_outside_link(c: &Client) -> String {
    click(c, "form[action$='/lank'] button").await;
    wait_for(c, "document.getElementById('fix-link')", "the link").await;
    let link = c
        .find(Locator::Id("fix-link"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    link[link.find("/atgard/").expect("a link to /atgard/")..].to_string()
}

/// Posts a form (multipart when `multipart`) from inside the page with the session's CSRF token
/// (set-up steps and refusals that are not what the page shows); returns the status.
async fn post_in_page(c: &Client, path: &str, fields: serde_json::Value, multipart: bool) -> i64 {
    c.execute_async(
        "const done = arguments[arguments.length - 1];\
         const body = arguments[2] ? new FormData() : new URLSearchParams();\
         Object.entries(arguments[1]).forEach(([k, v]) => body.append(k, v));\
         body.set('csrf', document.querySelector('meta[name=csrf-token]').content);\
         fetch(arguments[0], {method: 'POST', credentials: 'same-origin', body})\
           .then(r => done(r.status)).catch(e => done(-1));",
        vec![json!(path), fields, json!(multipart)],
    )
    .await
    .unwrap_or_else(|e| panic!("post {path}: {e}"))
    .as_i64()
    .unwrap()
}

/// A safety walk end to end on a phone (issue #13): the coordinator plans it with the route
/// drawn on the map, records three places on the walk (the second with no connection: it waits
/// on the phone and is sent when the page is opened again), sends them to two owners by the
/// routing rules, closes one fix, publishes two places, writes the closing meeting's answer;
/// the property owner answers through an outside link; anyone opens the public protocol.
/// Screenshots: `target/browser/walk-*.png`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_safety_walk_from_plan_to_public_protocol_on_a_phone() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (_server, base) = start_demo("walks");
    let (webdriver, c) = start_browser(&chromium, &driver, 390, 844).await;
    sign_in(&c, &base, "samordnare@demo").await;

    // The plan: name, day, invited organisations, participants by group, the route on the map.
    c.goto(&format!("{base}/trygghetsvandringar"))
        .await
        .unwrap();
    wait_for(
        &c,
        "document.querySelector('#walk-route-pick.leaflet-container')",
        "the route map",
    )
    .await;
    set_value(&c, "input[name=title]", "Trygghetsvandring Centrum").await;
    set_value(&c, "input[name=date]", "2026-10-01").await;
    set_value(&c, "input[name=first_meeting]", "2026-09-10").await;
    set_value(
        &c,
        "textarea[name=invited]",
        "Gatukontoret\nFastighetsbolaget Centrum",
    )
    .await;
    set_value(&c, "input[name=p_residents]", "12").await;
    set_value(&c, "input[name=p_police]", "2").await;
    for (dx, dy) in [(-60, 40), (0, 0), (60, -40)] {
        tap_map(&c, "#walk-route-pick", dx, dy).await;
    }
    wait_for(
        &c,
        "document.querySelector('input[name=route]').value.split(';').length === 3",
        "three points on the route",
    )
    .await;
    screenshot(&c, "walk-1-plan-phone.png").await;
    click(&c, "#plan button[type=submit]").await;
    wait_for(
        &c,
        "/^\\/trygghetsvandringar\\/\\d+$/.test(location.pathname)",
        "the walk's page",
    )
    .await;
    let walk_path = js(&c, "return location.pathname;")
        .await
        .as_str()
        .unwrap()
        .to_string();
    let main = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(main.contains("14 personer"), "{main}");
    assert!(main.contains("Fastighetsbolaget Centrum"), "{main}");

    // Two owners by the routing rules: lighting to the street office, graffiti to the property
    // owner.
    for (category, owner) in [
        ("otrygg-plats.belysning", "Gatukontoret"),
        ("otrygg-plats.klotter", "Fastighetsbolaget Centrum"),
    ] {
        let s = post_in_page(
            &c,
            "/atgarder/regler",
            json!({"category": category, "owner_kind": "outside", "owner_name": owner}),
            false,
        )
        .await;
        assert!(s == 200 || s == 303, "rule {category}: {s}");
    }

    // On the walk, on the phone.
    c.goto(&format!("{base}{walk_path}/vandra")).await.unwrap();
    wait_for(
        &c,
        "document.querySelector('#walk-form .pick-map.leaflet-container')",
        "the walk's map",
    )
    .await;
    let record = |category: &'static str, text: &'static str, dx: i64| {
        let c = c.clone();
        async move {
            set_value(&c, "#walk-form select[name=category]", category).await;
            tap_map(&c, "#walk-form .pick-map", dx, 0).await;
            wait_for(
                &c,
                "document.querySelector('#walk-form input[name=lat]').value !== ''",
                "the picked place",
            )
            .await;
            set_value(&c, "#walk-form textarea[name=description]", text).await;
            click(&c, "#walk-form button[type=submit]").await;
        }
    };
    record(
        "otrygg-plats.belysning",
        "Trasig belysning i gångtunneln",
        -30,
    )
    .await;
    wait_for(
        &c,
        "document.getElementById('walk-status').textContent.includes('Plats 1 är sparad')",
        "place 1 saved",
    )
    .await;
    screenshot(&c, "walk-2-place-phone.png").await;

    // No connection: the place waits on the phone.
    js(
        &c,
        "window.fetch = () => Promise.reject(new TypeError('offline')); return true;",
    )
    .await;
    record("otrygg-plats.klotter", "Klotter på elskåpet vid trappan", 0).await;
    wait_for(
        &c,
        "document.getElementById('walk-status').textContent.includes('Ingen uppkoppling')",
        "the offline receipt",
    )
    .await;
    wait_for(
        &c,
        "!document.getElementById('walk-queue').hidden",
        "the queue's notice",
    )
    .await;
    let queue = c
        .find(Locator::Id("walk-queue"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(queue.contains("1 plats väntar"), "{queue}");
    screenshot(&c, "walk-3-offline-phone.png").await;

    // Back online (the page opened again): the queued place is sent, then the third.
    c.goto(&format!("{base}{walk_path}/vandra")).await.unwrap();
    wait_for(
        &c,
        "document.getElementById('walk-status').textContent.includes('1 köad plats har skickats')",
        "the queue sent",
    )
    .await;
    wait_for(
        &c,
        "document.getElementById('walk-queue').hidden",
        "an empty queue",
    )
    .await;
    record("otrygg-plats.belysning", "Mörk passage bakom skolan", 40).await;
    wait_for(
        &c,
        "document.getElementById('walk-status').textContent.includes('Plats 3 är sparad')",
        "place 3 saved",
    )
    .await;

    // A place outside the kommun is refused, in Swedish, and nothing is stored.
    let refused = post_in_page(
        &c,
        &format!("{walk_path}/fynd"),
        json!({"kind": "unsafe", "category": "otrygg-plats.belysning", "lat": "59.3293", "lon": "18.0686", "description": "Stockholm"}),
        true,
    )
    .await;
    assert_eq!(refused, 422);

    // The walk's page: three places, sent to their owners.
    c.goto(&format!("{base}{walk_path}")).await.unwrap();
    wait_for(
        &c,
        "document.querySelectorAll('#points tbody tr').length === 3",
        "three places",
    )
    .await;
    click(&c, "#route-all").await;
    wait_for(
        &c,
        "document.querySelectorAll('#points a[href^=\"/atgarder/\"]').length === 3",
        "three fixes",
    )
    .await;
    let points = c
        .find(Locator::Id("points"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(points.contains("Gatukontoret"), "{points}");
    assert!(points.contains("Fastighetsbolaget Centrum"), "{points}");
    assert!(!points.contains("Stockholm"), "{points}");

    // Publish places 1 and 2; close the first place's fix.
    for n in [1, 2] {
        click(&c, &format!("#punkt-{n} form[action$='/publicera'] button")).await;
        wait_for(&c, &format!("document.querySelector('#punkt-{n}') && document.querySelector('#punkt-{n}').textContent.includes('Dölj')"), "published").await;
    }
    screenshot(&c, "walk-4-routed-phone.png").await;
    click(&c, "#punkt-1 a[href^='/atgarder/']").await;
    wait_for(
        &c,
        "document.getElementById('fix-status-form')",
        "the fix's page",
    )
    .await;
    set_value(&c, "#fix-status-form select[name=status]", "done").await;
    click(&c, "#fix-status-form button[type=submit]").await;
    wait_for(
        &c,
        "document.body.textContent.includes('Åtgärdad')",
        "the fix done",
    )
    .await;

    // A link for the property owner (an outside party) on the second place's fix.
    c.goto(&format!("{base}{walk_path}")).await.unwrap();
    click(&c, "#punkt-2 a[href^='/atgarder/']").await;
    wait_for(
        &c,
        "document.querySelector('form[action$=\"/lank\"] button')",
        "the link form",
    )
    .await;
    let link_path = make_outside_link(&c).await;

    // The closing meeting: the street office's answer.
    c.goto(&format!("{base}{walk_path}")).await.unwrap();
    set_value(&c, "#closing input[name=owner]", "Gatukontoret").await;
    set_value(
        &c,
        "#closing textarea[name=text]",
        "Byter armaturerna i tunneln i november.",
    )
    .await;
    click(&c, "#closing button[type=submit]").await;
    wait_for(
        &c,
        "document.getElementById('closing').textContent.includes('Byter armaturerna')",
        "the answer",
    )
    .await;
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;

    // The property owner answers through the link, without an account.
    sign_out(&c).await;
    c.goto(&format!("{base}{link_path}")).await.unwrap();
    wait_for(
        &c,
        "document.getElementById('answer-form')",
        "the outside party's page",
    )
    .await;
    set_value(&c, "#answer-form select[name=status]", "planned").await;
    set_value(
        &c,
        "#answer-form textarea[name=text]",
        "Saneras inom två veckor.",
    )
    .await;
    click(&c, "#answer-form button[type=submit]").await;
    wait_for(
        &c,
        "document.getElementById('answer-notice')",
        "the answer's receipt",
    )
    .await;
    screenshot(&c, "walk-5-outside-answer-phone.png").await;

    // The public protocol, signed out: only the published places, with owner, status and answer.
    c.goto(&format!("{base}{walk_path}/protokoll"))
        .await
        .unwrap();
    wait_for(&c, "document.querySelector('#protocol') && document.querySelector('#walk-map.leaflet-container')", "the public protocol").await;
    let protocol = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        protocol.contains("Trasig belysning i gångtunneln"),
        "{protocol}"
    );
    assert!(protocol.contains("Åtgärdad"), "{protocol}");
    assert!(
        protocol.contains("Klotter på elskåpet vid trappan"),
        "{protocol}"
    );
    assert!(protocol.contains("Planerad"), "{protocol}");
    assert!(protocol.contains("Saneras inom två veckor."), "{protocol}");
    assert!(
        protocol.contains("Byter armaturerna i tunneln i november."),
        "{protocol}"
    );
    assert!(
        !protocol.contains("Mörk passage bakom skolan"),
        "not published: {protocol}"
    );
    screenshot(&c, "walk-6-public-protocol-phone.png").await;
    assert_nothing_refused_by_the_csp(&webdriver, &c).await;
}
