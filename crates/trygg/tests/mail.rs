//! E-mail end to end through the binary: `trygg serve` with `[smtp]` in `trygg.toml` sends an
//! EST meeting's feedback, given through the API, to the reporter at a real SMTP server
//! (aiosmtpd) — the worker is woken by the new notice, no test hook runs it.

#[allow(dead_code)]
mod common;
#[path = "../../trygg-app/tests/smtp/mod.rs"]
mod smtp;

use std::process::Command;
use std::time::{Duration, Instant};

fn cli(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trygg"))
        .args(args)
        .current_dir(dir)
        .env_remove("TRYGG_DATABASE")
        .env_remove("TRYGG_CONFIG")
        .output()
        .expect("run trygg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_mails_the_feedback_to_the_reporter() {
    let Some(sink) = smtp::SmtpSink::start() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("trygg-mail-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("t.db").display());
    std::fs::write(
        dir.join("trygg.toml"),
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nfrom = \"Trygg <trygg@uppsala.test>\"\n",
            sink.port
        ),
    )
    .unwrap();
    let add = |email: &str, role: &str| {
        cli(
            &dir,
            &[
                "user",
                "add",
                "--database",
                &db,
                "--email",
                email,
                "--name",
                email,
                "--organisation",
                "Testkommun",
                "--role",
                role,
                "--token",
            ],
        )
    };
    let out = add("samordnare@uppsala.test", "coordinator");
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("API token (samordnare@uppsala.test): "))
        .expect("token printed")
        .to_string();
    add("fritid@uppsala.test", "reporter");
    let (mut server, base) = common::serve(&dir, &db);

    let res = reqwest::Client::new()
        .post(format!("{base}/api/v1/meetings"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "date": "2026-11-30",
            "feedback": [{"text": "Tack! Belysningen vid Valsätra är lagad."}]
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);

    // The worker sends as soon as it is woken; allow a slow machine its time.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mails = loop {
        let mails = sink.received();
        if !mails.is_empty() || Instant::now() > deadline {
            break mails;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(mails.len(), 1, "the feedback's mail arrived");
    assert_eq!(mails[0].rcpt_tos, ["fritid@uppsala.test"]);
    assert_eq!(mails[0].subject, "Återkoppling från EST-mötet 2026-11-30");
    assert!(
        mails[0]
            .body
            .as_deref()
            .unwrap()
            .contains("Belysningen vid Valsätra är lagad.")
    );
}
