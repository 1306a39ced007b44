//! The layers' dependency rules, read from `cargo metadata`: each broken edge is named.
//!
//! - `trygg-app` (the use cases) never depends on HTTP (axum, maud, http, hyper, tower,
//!   cookie), on `trygg-web` or on a store backend.
//! - Only `trygg` (the binary) depends on `trygg-web` and on the backends.
//! - `trygg-web` never depends on `trygg-store*`, `trygg-analysis`, `trygg-import` or `sqlx`,
//!   and its source never reaches for the application's store handle (`.store`): every read
//!   and write goes through a use case of `trygg-app`, which checks the policy.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Normal (not dev or build) dependencies of every workspace crate, by name.
fn workspace_edges() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_string())
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn the_layers_depend_only_downwards() {
    let edges = workspace_edges();
    assert!(edges.contains_key("trygg-app") && edges.contains_key("trygg-web"));
    let mut broken = Vec::new();
    let http = [
        "axum",
        "maud",
        "http",
        "hyper",
        "tower",
        "tower-http",
        "cookie",
        "axum-extra",
    ];
    let backends = ["trygg-store-sqlite", "trygg-store-postgres", "sqlx"];
    for dep in &edges["trygg-app"] {
        if http.contains(&dep.as_str()) || backends.contains(&dep.as_str()) || dep == "trygg-web" {
            broken.push(format!("trygg-app → {dep}"));
        }
    }
    for (krate, deps) in &edges {
        if krate == "trygg" {
            continue;
        }
        for dep in deps {
            if dep == "trygg-web" || dep == "trygg-store-sqlite" || dep == "trygg-store-postgres" {
                broken.push(format!("{krate} → {dep} (only the binary may)"));
            }
        }
    }
    for dep in &edges["trygg-web"] {
        let forbidden = dep.starts_with("trygg-store")
            || dep == "trygg-analysis"
            || dep == "trygg-import"
            || dep == "sqlx";
        if forbidden {
            broken.push(format!("trygg-web → {dep}"));
        }
    }
    assert!(broken.is_empty(), "broken dependency rules: {broken:#?}");
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The web reaches data only through the use cases: no handler calls the store handle that
/// `App` carries for the use cases (and tests), so no read or write skips the policy.
#[test]
fn the_web_never_touches_the_store_handle() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../trygg-web/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "trygg-web's sources were not found at {src:?}");
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains(".store.") || code.trim_end().ends_with(".store") {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "trygg-web calls the store directly; call a use case of trygg-app instead: {found:#?}"
    );
}
