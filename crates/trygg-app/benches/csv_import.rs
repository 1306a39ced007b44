//! CSV import into SQLite, end to end: parse a Swedish Excel CSV, assign every row to its areas,
//! and write it in one all-or-nothing batch to a fresh on-disk SQLite database.
//!
//! Target (ANALYSIS.md): 1 M rows at ≥ 200 000 rows/s. Run with
//! `cargo bench -p trygg-web --bench csv_import`; `TRYGG_BENCH_ROWS` changes the size.

use std::{fmt::Write as _, sync::Arc, time::Duration};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use trygg_app::ingest::Ingest;
use trygg_domain::{Actor, AreaKind, NewArea, NewOrganisation, OrgKind};
use trygg_import::csv::{CsvOptions, parse_csv};
use trygg_store::{BatchAudit, Store};
use trygg_store_sqlite::SqliteStore;

const CATEGORIES: &[&str] = &[
    "Inbrott",
    "Klotter",
    "Bråk",
    "Skadegörelse / Glaskross",
    "samling.trapphus",
    "Misstänkt droghantering",
];

/// `rows` Swedish-style rows around Uppsala: `;`, decimal comma in SWEREF 99 TM metres.
fn csv(rows: usize) -> Vec<u8> {
    let mut s = String::with_capacity(rows * 80);
    s.push_str("\u{feff}Datum;Klockslag;Kategori;N;E;Plats;Ärendenr\n");
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for k in 0..rows {
        let r = next();
        let day = 1 + (r % 28);
        let month = 1 + (r >> 8) % 12;
        let year = 2020 + (r >> 16) % 4;
        let n = 6_630_000.0 + ((r >> 24) % 20_000) as f64 + 0.25;
        let e = 640_000.0 + ((r >> 40) % 20_000) as f64 + 0.5;
        let c = CATEGORIES[k % CATEGORIES.len()];
        writeln!(
            s,
            "{year}-{month:02}-{day:02};{:02}:{:02};{c};{};{};Plats {};K{k}",
            (r >> 5) % 24,
            (r >> 11) % 60,
            format!("{n}").replace('.', ","),
            format!("{e}").replace('.', ","),
            k % 500
        )
        .unwrap();
    }
    s.into_bytes()
}

/// Twenty 5 × 4 km districts covering the generated points.
fn districts() -> Vec<NewArea> {
    let mut out = Vec::new();
    for i in 0..4 {
        for j in 0..5 {
            let corner = |dn: f64, de: f64| {
                let w = trygg_geo::sweref99tm_to_wgs84(trygg_geo::Sweref99Tm {
                    n: 6_630_000.0 + (i as f64 + dn) * 5000.0,
                    e: 640_000.0 + (j as f64 + de) * 4000.0,
                });
                json!([w.lon, w.lat])
            };
            out.push(NewArea {
                name: format!("Distrikt {i}{j}"),
                code: Some(format!("D{i}{j}")),
                kind: AreaKind::District,
                geometry: json!({"type": "Polygon", "coordinates": [[corner(0.0, 0.0), corner(0.0, 1.0), corner(1.0, 1.0), corner(1.0, 0.0), corner(0.0, 0.0)]]}),
            });
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let rows: usize = std::env::var("TRYGG_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let file = csv(rows);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = std::env::temp_dir().join(format!("trygg-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    stages(&rt, &dir, &file, rows);
    let mut group = c.benchmark_group("csv_import");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30))
        .throughput(Throughput::Elements(rows as u64));
    group.bench_function(format!("{rows}_rows_to_sqlite"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for k in 0..iters {
                let path = dir.join(format!("b{k}.db"));
                let _ = std::fs::remove_file(&path);
                let url = format!("sqlite://{}", path.display());
                let elapsed = rt.block_on(async {
                    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
                    let actor = Actor::system("bench");
                    let org = store
                        .create_organisation(
                            &actor,
                            NewOrganisation {
                                name: "Polisen".into(),
                                kind: OrgKind::Lokalpolisomrade,
                                parent_id: None,
                            },
                        )
                        .await
                        .unwrap();
                    let ingest = Ingest::load(
                        store.clone(),
                        jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
                    )
                    .await
                    .unwrap();
                    ingest.import_areas(&actor, districts()).await.unwrap();
                    let start = std::time::Instant::now();
                    let batch = parse_csv(&file, &CsvOptions::new(org.id)).unwrap();
                    let outcome = ingest
                        .write(
                            &actor,
                            batch.incidents,
                            BatchAudit::Batch(json!({"rows": rows})),
                        )
                        .await
                        .unwrap();
                    let elapsed = start.elapsed();
                    assert_eq!(outcome.created as usize, rows);
                    elapsed
                });
                total += elapsed;
                let _ = std::fs::remove_file(&path);
            }
            total
        });
    });
    group.finish();
    std::fs::remove_dir_all(&dir).ok();
}

/// One untimed-by-criterion run that prints where the time goes: parse, area assignment, the
/// store's write (one transaction, durable at commit) and the snapshot refresh.
fn stages(rt: &tokio::runtime::Runtime, dir: &std::path::Path, file: &[u8], rows: usize) {
    let path = dir.join("stages.db");
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}", path.display());
    rt.block_on(async {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::connect(&url).await.unwrap());
        let actor = Actor::system("bench");
        let org = store
            .create_organisation(
                &actor,
                NewOrganisation {
                    name: "Polisen".into(),
                    kind: OrgKind::Lokalpolisomrade,
                    parent_id: None,
                },
            )
            .await
            .unwrap();
        let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
        let ingest = Ingest::load(store.clone(), tz).await.unwrap();
        ingest.import_areas(&actor, districts()).await.unwrap();
        let t = std::time::Instant::now();
        let batch = parse_csv(file, &CsvOptions::new(org.id)).unwrap();
        let parse = t.elapsed();
        let t = std::time::Instant::now();
        let assigned = ingest.assign(batch.incidents);
        let assign = t.elapsed();
        let t = std::time::Instant::now();
        let outcome = store
            .write_incidents(&actor, assigned, BatchAudit::Batch(json!({"rows": rows})))
            .await
            .unwrap();
        let write = t.elapsed();
        let t = std::time::Instant::now();
        ingest.live().apply(store.as_ref(), &outcome.rows).await.unwrap();
        let refresh = t.elapsed();
        assert_eq!(outcome.created as usize, rows);
        let total = parse + assign + write + refresh;
        eprintln!(
            "stages for {rows} rows: parse {parse:.2?}, assign {assign:.2?}, write {write:.2?}, snapshot {refresh:.2?}; total {total:.2?} = {:.0} rows/s",
            rows as f64 / total.as_secs_f64()
        );
    });
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, bench);
criterion_main!(benches);
