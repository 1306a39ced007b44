//! Writes sample outputs under `target/report-samples/` (HTML, DOCX, Markdown, PNGs) so that a
//! person can look at them, and checks that each one was produced.

mod common;

use std::path::PathBuf;

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/report-samples");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn write_samples() {
    let dir = out_dir();
    let charts = common::charts();
    for (name, image) in &charts {
        std::fs::write(dir.join(format!("{name}.png")), &image.png).unwrap();
    }
    let map = common::map_spec();
    std::fs::write(
        dir.join("karta.png"),
        trygg_report::map::render(&map).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("karta-liten.png"),
        trygg_report::map::render(&common::small_map_spec()).unwrap(),
    )
    .unwrap();
    let doc = common::document();
    std::fs::write(
        dir.join("rapport.html"),
        trygg_report::html::html(&doc).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("rapport.docx"),
        trygg_report::docx::docx(&doc).unwrap(),
    )
    .unwrap();
    let md = trygg_report::markdown::markdown(&doc).unwrap();
    std::fs::write(dir.join("rapport.md"), &md.text).unwrap();
    for (name, bytes) in &md.images {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
