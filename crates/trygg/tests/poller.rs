//! The Polisen poller in the real server, against a mock of Polisen's API that first refuses
//! (503 with `Retry-After: 1`) and then serves a real feed response.
//!
//! The mock is a few lines of blocking HTTP/1.1 on a std thread, so that it needs nothing the
//! package does not already depend on.

use std::{
    collections::HashSet,
    io::{BufRead, BufReader, Read, Write},
    net::TcpListener,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_trygg");
const FEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../trygg-import/tests/fixtures/events_fixture_small.json"
);

/// What the mock saw: each request's arrival and User-Agent.
type Seen = Arc<Mutex<Vec<(Instant, Option<String>)>>>;

/// Serves `body` at any path, answering the first request 503 with `Retry-After: 1`.
fn mock_polisen(body: Vec<u8>) -> (u16, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            stream.set_read_timeout(Some(Duration::from_secs(5))).ok();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let agent = head.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("user-agent")
                    .then(|| value.trim().to_string())
            });
            let n = {
                let mut s = log.lock().unwrap();
                s.push((Instant::now(), agent));
                s.len()
            };
            let response = if n == 1 {
                b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
            } else {
                let mut r = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                r.extend_from_slice(&body);
                r
            };
            stream.write_all(&response).ok();
            stream.flush().ok();
        }
    });
    (port, seen)
}

/// The feed's events that are incidents: every distinct id except the "Sammanfattning" ones.
fn expected_events(feed: &[u8]) -> u64 {
    let events: Vec<Value> = serde_json::from_slice(feed).unwrap();
    let ids: HashSet<i64> = events
        .iter()
        .filter(|e| {
            !e["type"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .starts_with("sammanfattning")
        })
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    ids.len() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_poller_backs_off_then_stores_the_feed_with_our_user_agent() {
    let feed = std::fs::read(FEED).unwrap();
    let expected = expected_events(&feed);
    assert_eq!(
        expected, 22,
        "the small fixture has 22 events and one summary"
    );
    let (port, seen) = mock_polisen(feed);

    let dir = std::env::temp_dir().join(format!("trygg-poller-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("x.db").display());
    let out = Command::new(BIN)
        .args([
            "user",
            "add",
            "--database",
            &database,
            "--email",
            "analytiker@test",
            "--name",
            "Analytiker",
            "--organisation",
            "Testkommun",
            "--role",
            "analyst",
            "--token",
        ])
        .current_dir(&dir)
        .env("TRYGG_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let token = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("API token (analytiker@test): "))
        .expect("token printed")
        .to_string();

    let mut server = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &database])
        .current_dir(&dir)
        .env("TRYGG_LOG", "warn")
        .env("TRYGG_POLISEN_ENABLED", "1")
        .env(
            "TRYGG_POLISEN_URL",
            format!("http://127.0.0.1:{port}/api/events"),
        )
        .env("TRYGG_POLISEN_INTERVAL_SECS", "1")
        .env("TRYGG_POLISEN_USER_AGENT", "trygg-test/1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start trygg serve");
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("trygg serving ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches('/')
        .to_string();

    let client = reqwest::Client::new();
    let total = || async {
        let page: Value = client
            .get(format!("{url}/api/v1/incidents?source=polisen&limit=1"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["total"].as_u64().unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut found = 0;
    while Instant::now() < deadline {
        found = total().await;
        if found >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        found, expected,
        "the poller stored the feed's events within 30 s"
    );

    // Later polls change nothing: idempotent on Polisen's id.
    let polls = seen.lock().unwrap().len();
    let deadline = Instant::now() + Duration::from_secs(15);
    while seen.lock().unwrap().len() < polls + 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(total().await, expected, "polling again adds nothing");

    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 3,
        "one refused request, one retry, later polls: {}",
        seen.len()
    );
    assert!(
        seen[1].0 - seen[0].0 >= Duration::from_secs(1),
        "the retry waited for Retry-After: {:?}",
        seen[1].0 - seen[0].0
    );
    for (_, agent) in &seen {
        assert_eq!(agent.as_deref(), Some("trygg-test/1"));
    }

    // SIGTERM: the server and the poller stop, and the process exits 0.
    let kill = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = server.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            server.kill().ok();
            panic!("the server did not stop within 20 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
    drop(stdout);
    std::fs::remove_dir_all(&dir).ok();
}
