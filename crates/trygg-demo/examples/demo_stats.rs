//! Prints what the demo city holds: counts per year (local time) and channel, and per
//! category, and how long generation took.
//!
//! `cargo run --release -p trygg-demo --example demo_stats -- [scale] [end-date] [seed]`

use std::collections::BTreeMap;
use std::time::Instant;

use trygg_demo::{DemoConfig, DemoOrganisations, generate_with};
use trygg_domain::OrganisationId;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = DemoConfig::new(DemoOrganisations {
        kommun: OrganisationId(1),
        police: OrganisationId(2),
        housing: OrganisationId(3),
    });
    if let Some(s) = args.first() {
        config.scale = s.parse().expect("scale is a number");
    }
    if let Some(s) = args.get(1) {
        config.end = s.parse().expect("end is a date like 2024-01-01");
    }
    if let Some(s) = args.get(2) {
        config.seed = s.parse().expect("seed is a whole number");
    }
    let tz = jiff::tz::TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("valid rule");
    let mut by_year: BTreeMap<(i16, &str), usize> = BTreeMap::new();
    let mut by_category: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    // Streamed, so that a large scale does not hold every incident in memory.
    let t = Instant::now();
    let city = generate_with(&config, |i| {
        let year = i.occurred_from.to_zoned(tz.clone()).year();
        *by_year.entry((year, i.channel.as_str())).or_default() += 1;
        *by_category.entry(i.category).or_default() += 1;
        total += 1;
    });
    let elapsed = t.elapsed();
    println!(
        "{total} incidents, {} districts, {} hot spots, generated and counted in {elapsed:.2?}",
        city.districts.len(),
        city.places.len(),
    );
    for ((year, channel), n) in &by_year {
        println!("{year} {channel:8} {n:>8}");
    }
    for (code, n) in &by_category {
        println!("{code:28} {n:>8}");
    }
}
