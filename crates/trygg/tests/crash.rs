//! Durability: SIGKILL the real server in the middle of a stream of writes, restart it on the
//! same database, and find every write it acknowledged.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_trygg");

fn trygg(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("TRYGG_LOG", "warn")
        .output()
        .expect("run trygg");
    assert!(
        out.status.success(),
        "trygg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `trygg serve` on a free port; returns the child and its base URL.
fn start_server(database: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", database])
        .env("TRYGG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start trygg serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("trygg serving ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .trim_end_matches('/')
        .to_string();
    (child, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    let dir = std::env::temp_dir().join(format!("trygg-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = format!("sqlite://{}", dir.join("crash.db").display());
    let out = trygg(&[
        "user",
        "add",
        "--database",
        &database,
        "--email",
        "writer@test",
        "--name",
        "Writer",
        "--organisation",
        "Testkommun",
        "--role",
        "analyst",
        "--token",
    ]);
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("API token (writer@test): "))
        .expect("token printed")
        .to_string();

    let (mut server, url) = start_server(&database);
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let client = reqwest::Client::new();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (client, url, token, acked) = (
            client.clone(),
            url.clone(),
            token.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for k in 0.. {
                let text = format!("skrivare {w} nr {k}");
                let body = json!({
                    "occurred_from": "2024-05-01T20:00:00Z",
                    "category": "ordning.brak",
                    "position": {"lat": 59.8586, "lon": 17.6389},
                    "description": text,
                });
                let sent = client
                    .post(format!("{url}/api/v1/incidents"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                let Ok(r) = sent else { return k };
                if r.status() != reqwest::StatusCode::CREATED {
                    return k;
                }
                let Ok(v) = r.json::<Value>().await else {
                    return k;
                };
                acked
                    .lock()
                    .unwrap()
                    .push((v["id"].as_i64().unwrap(), text));
            }
            unreachable!()
        }));
    }
    // Let the stream run, then kill the server hard while requests are in flight.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if acknowledged.lock().unwrap().len() >= 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline && !writers.iter().all(|w| w.is_finished()),
            "the server acknowledged only {} writes",
            acknowledged.lock().unwrap().len()
        );
    }
    server.kill().expect("SIGKILL the server");
    server.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(acked.len() >= 200);

    let (mut server, url) = start_server(&database);
    let mut stored = std::collections::HashMap::new();
    let mut offset = 0;
    loop {
        let page: Value = client
            .get(format!("{url}/api/v1/incidents?limit=1000&offset={offset}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap();
        for i in items {
            stored.insert(
                i["id"].as_i64().unwrap(),
                i["description"].as_str().unwrap().to_string(),
            );
        }
        offset += 1000;
        if items.len() < 1000 {
            break;
        }
    }
    for (id, text) in &acked {
        assert_eq!(
            stored.get(id),
            Some(text),
            "acknowledged write {id} ({text}) was lost"
        );
    }
    assert!(stored.len() >= acked.len());
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
}
