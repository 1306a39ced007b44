//! The layers' dependency rules, read from `cargo metadata`: each broken edge is named.
//!
//! - `trygg-app` (the use cases) never depends on HTTP (axum, maud, http, hyper, tower,
//!   cookie), on `trygg-web` or on a store backend.
//! - Only `trygg` (the binary) depends on `trygg-web` and on the backends.
//! - `trygg-web` never depends on `trygg-store*`, `trygg-analysis`, `trygg-import` or `sqlx`,
//!   except for the edges in `WEB_EDGES_STILL_TO_REMOVE`, which may only shrink.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Edges of trygg-web that the move into trygg-app has not removed yet (issue #8): the import
/// handlers (trygg-import) and the session, account and record reads (trygg-store). Remove an
/// entry when its edge goes; a new one fails.
const WEB_EDGES_STILL_TO_REMOVE: &[&str] = &["trygg-import", "trygg-store"];

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
        if forbidden && !WEB_EDGES_STILL_TO_REMOVE.contains(&dep.as_str()) {
            broken.push(format!("trygg-web → {dep}"));
        }
    }
    for left in WEB_EDGES_STILL_TO_REMOVE {
        if !edges["trygg-web"].contains(*left) {
            broken.push(format!(
                "trygg-web no longer depends on {left}: take it out of WEB_EDGES_STILL_TO_REMOVE"
            ));
        }
    }
    assert!(broken.is_empty(), "broken dependency rules: {broken:#?}");
}
