//! Rebuilds when anything under `assets/` changes, so the embedded files are never stale.
fn main() {
    println!("cargo:rerun-if-changed=assets");
}
