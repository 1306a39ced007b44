//! Retention (gallring) on SQLite: the backend-neutral check, in memory and on a file.

use trygg_store_sqlite::SqliteStore;

#[tokio::test]
async fn retention_in_memory() {
    let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
    trygg_store::retention::conformance::run(&store).await;
}

#[tokio::test]
async fn retention_on_a_file() {
    let dir = std::env::temp_dir().join(format!("trygg-sqlite-retention-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("r.db").display());
    let store = SqliteStore::connect(&url).await.unwrap();
    trygg_store::retention::conformance::run(&store).await;
    drop(store);
    std::fs::remove_dir_all(&dir).ok();
}
