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
    assert!(
        files.len() > 20,
        "trygg-web's sources were not found at {src:?}"
    );
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

/// The sibling modules a source file names (`super::x`, or `crate::…::x` where the path is the
/// file's own directory), by file stem.
fn sibling_refs(text: &str, dir_path: &[String], siblings: &BTreeSet<String>) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .filter(|w| w.contains("::"))
        .collect();
    for w in words {
        let parts: Vec<&str> = w.split("::").filter(|p| !p.is_empty()).collect();
        let rest: &[&str] = match parts.first() {
            Some(&"super") => &parts[1..],
            Some(&"crate") if parts.len() > dir_path.len() => {
                if parts[1..=dir_path.len()]
                    .iter()
                    .zip(dir_path)
                    .all(|(a, b)| a == b)
                {
                    &parts[dir_path.len() + 1..]
                } else {
                    continue;
                }
            }
            _ => continue,
        };
        if let Some(first) = rest.first()
            && siblings.contains(*first)
        {
            out.insert((*first).to_string());
        }
    }
    out
}

/// No two modules of one directory import each other (the circles #8 removed: trygg-import's
/// `polisen` ⇄ `report`, trygg-web's `auth` ⇄ `session`, the cycle pages' `interventions` ⇄
/// `problems`). What two siblings share lives in their parent.
#[test]
fn no_two_sibling_modules_import_each_other() {
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut circles = Vec::new();
    for krate in std::fs::read_dir(&crates).expect("crates directory") {
        let src = krate.expect("entry").path().join("src");
        if !src.is_dir() {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut dirs: BTreeMap<std::path::PathBuf, Vec<std::path::PathBuf>> = BTreeMap::new();
        for f in files {
            dirs.entry(f.parent().expect("parent").to_path_buf())
                .or_default()
                .push(f);
        }
        for (dir, files) in dirs {
            let stem = |f: &std::path::Path| f.file_stem().unwrap().to_string_lossy().to_string();
            let siblings: BTreeSet<String> = files
                .iter()
                .map(|f| stem(f))
                .filter(|s| s != "mod" && s != "lib" && s != "main")
                .collect();
            let dir_path: Vec<String> = dir
                .strip_prefix(&src)
                .expect("under src")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string())
                .collect();
            let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for f in &files {
                let s = stem(f);
                if !siblings.contains(&s) {
                    continue;
                }
                let text = std::fs::read_to_string(f).expect("source");
                let mut refs = sibling_refs(&text, &dir_path, &siblings);
                refs.remove(&s);
                edges.insert(s, refs);
            }
            for (a, refs) in &edges {
                for b in refs {
                    if a < b && edges.get(b).is_some_and(|r| r.contains(a)) {
                        circles.push(format!("{}: {a} ⇄ {b}", dir.display()));
                    }
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "modules that import each other (move what they share into the parent): {circles:#?}"
    );
}
