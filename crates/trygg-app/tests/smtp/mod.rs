//! A real SMTP server for the tests: Python's `aiosmtpd` (from PyPI; `.ci/run` installs it)
//! with the handler `sink.py` beside this file, which writes every accepted message, decoded,
//! as JSON into a directory. One per test, on a free port. Outside CI a missing `aiosmtpd`
//! skips the test with a message; under `CI=true` it fails.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One message as the server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    /// The envelope's sender.
    pub mail_from: String,
    /// The envelope's recipients.
    pub rcpt_tos: Vec<String>,
    /// The `From` header.
    pub from: String,
    /// The `To` header.
    pub to: String,
    /// The `Reply-To` header.
    pub reply_to: Option<String>,
    /// The decoded subject.
    pub subject: String,
    /// `text/plain`.
    pub content_type: String,
    /// The body's charset.
    pub charset: Option<String>,
    /// The decoded plain-text body.
    pub body: Option<String>,
}

/// A running test SMTP server; stopped when dropped.
#[derive(Debug)]
pub struct SmtpSink {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: PathBuf,
}

/// A port nothing listens on (just now), never handed out twice in this process: a test that
/// holds a port for a server it starts later (a server that is down, then up) must not see
/// another test's server start on it meanwhile.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

fn aiosmtpd_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl SmtpSink {
    /// Starts a server on a free port; `None` (skip the test) only outside CI without aiosmtpd.
    pub fn start() -> Option<Self> {
        Self::start_on(free_port())
    }

    /// Starts a server on `port`.
    pub fn start_on(port: u16) -> Option<Self> {
        if !aiosmtpd_installed() {
            assert!(
                std::env::var_os("CI").is_none(),
                "aiosmtpd is missing: pip install aiosmtpd (.ci/run does)"
            );
            eprintln!("skipped: aiosmtpd is not installed (pip install aiosmtpd)");
            return None;
        }
        // One directory per server, even for two servers on one port one after the other.
        static SERVERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = SERVERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("trygg-smtp-{}-{port}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../trygg-app/tests/smtp");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "sink.Sink"])
            .arg(&dir)
            .env("PYTHONPATH", &here)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 starts");
        let sink = Self { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the test SMTP server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(sink)
    }

    /// A mailer sending here, in the clear, from `trygg@uppsala.test`.
    pub fn mailer(&self) -> std::sync::Arc<trygg_app::notify::SmtpMailer> {
        std::sync::Arc::new(
            trygg_app::notify::SmtpMailer::new(&trygg_app::notify::SmtpConfig {
                host: "127.0.0.1".into(),
                port: Some(self.port),
                tls: trygg_app::notify::TlsMode::None,
                user: None,
                password: None,
                from: "trygg@uppsala.test".into(),
                reply_to: None,
            })
            .unwrap(),
        )
    }

    /// Every message received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
        std::fs::remove_dir_all(&self.dir).ok();
    }
}
