//! Renders the sample report's HTML in headless Chromium, when there is one, and keeps a
//! screenshot and a PDF under `target/report-samples/` to look at. Without Chromium the test
//! prints why it did nothing. Set `CHROMIUM` to the browser's path if it is not on the usual
//! paths.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn run(browser: &Path, args: &[&str]) {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .args(args)
        .output()
        .expect("start chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn html_renders_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the browser tests: install Debian's chromium (see .ci/run)"
        );
        eprintln!("skipped: no Chromium at /usr/bin/chromium (set CHROMIUM=/path/to/chromium)");
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/report-samples");
    std::fs::create_dir_all(&dir).unwrap();
    let html = dir.join("chromium-rapport.html");
    std::fs::write(
        &html,
        trygg_report::html::html(&common::document()).unwrap(),
    )
    .unwrap();
    let url = format!("file://{}", html.canonicalize().unwrap().display());

    let shot = dir.join("chromium-rapport.png");
    let _ = std::fs::remove_file(&shot);
    run(
        &browser,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=900,1800",
            &url,
        ],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (900, 1800));
    let px = info.color_type.samples();
    let dark = buf[..info.buffer_size()]
        .chunks_exact(px)
        .filter(|p| p[..3].iter().all(|c| *c < 90))
        .count();
    assert!(dark > 5_000, "the page shows text ({dark} dark pixels)");

    let pdf = dir.join("chromium-rapport.pdf");
    let _ = std::fs::remove_file(&pdf);
    run(
        &browser,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
            &url,
        ],
    );
    let bytes = std::fs::read(&pdf).expect("a PDF");
    let text = String::from_utf8_lossy(&bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    // Two page breaks in the sample, and the content runs over more pages: A4 print works.
    assert!(pages >= 3, "{pages} pages");
}
