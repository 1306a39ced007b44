//! CSV parse throughput: rows per second for 1 M generated rows, parse only (no database).
//!
//! Issue 3 asks for ≥ 200 000 rows/s for the whole CSV → SQLite import, so parsing must be
//! comfortably faster. The rows look like a Swedish Excel export: `;`, decimal comma, separate
//! date and time, SWEREF 99 TM N/E inside Uppsala, category labels, a place and a description.
//! Every row goes through the full rules: dates in Europe/Stockholm, category lookup, projection,
//! the land check and `NewIncident::validate`.
//!
//! Measured 2026-11-24 (`cargo bench -p trygg-import --bench csv_parse`) on a shared 2-core
//! builder: **533 000 rows/s** at load average ≈ 3.3 (1.88 s per 1 M rows, ~90 MB of CSV);
//! 382 000 rows/s at load ≈ 6; 297 000 rows/s (load ≈ 6) before category lookups were memoised.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::fmt::Write;
use std::hint::black_box;
use trygg_domain::OrganisationId;
use trygg_import::csv::{CsvOptions, parse_csv};

const ROWS: usize = 1_000_000;

fn generate() -> Vec<u8> {
    let categories = [
        "Klotter",
        "Glaskross",
        "Inbrott",
        "Bråk",
        "Nedskräpning",
        "ordning.narkotika",
    ];
    let places = [
        "Stora torget",
        "Resecentrum",
        "Gottsunda centrum",
        "Gränby",
        "Flogsta",
    ];
    let mut s = String::with_capacity(ROWS * 90);
    s.push_str("Datum;Klockslag;Kategori;N;E;Plats;Beskrivning\r\n");
    let mut x: u64 = 1;
    for i in 0..ROWS {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let day = 1 + (x >> 20) % 28;
        let month = 1 + (x >> 30) % 12;
        let (h, m) = ((x >> 40) % 24, (x >> 45) % 60);
        let n = 6_630_000.0 + ((x >> 8) % 20_000) as f64 + 0.25;
        let e = 640_000.0 + ((x >> 28) % 15_000) as f64 + 0.5;
        let _ = write!(
            s,
            "2023-{month:02}-{day:02};{h:02}:{m:02};{};{};{};{};Händelse nummer {i}\r\n",
            categories[i % categories.len()],
            format!("{n:.2}").replace('.', ","),
            format!("{e:.2}").replace('.', ","),
            places[i % places.len()],
        );
    }
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let data = generate();
    let options = CsvOptions::new(OrganisationId(1));
    let batch = parse_csv(&data, &options).expect("generated rows are valid");
    assert_eq!(batch.incidents.len(), ROWS);
    let mut g = c.benchmark_group("csv");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("parse_1m_rows", |b| {
        b.iter(|| {
            parse_csv(black_box(&data), &options)
                .unwrap()
                .incidents
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
