//! Invented, labelled indicators for the demo city, so the lägesbild shows its survey layer and
//! rates: a population per district for the last two years, and a survey share per district
//! for the year before the planted intervention and the year after it starts (its follow-up
//! shows "enkät före/efter"). Every number is made up; the source says so.

use trygg_domain::indicator::{Indicator, IndicatorValue, Period, Unit};

use crate::DemoCity;

/// The demo population's source.
pub const POPULATION_SOURCE: &str = "SCB (påhittad demo)";
/// The demo survey's source.
pub const SURVEY_SOURCE: &str = "Kommunens trygghetsenkät (påhittad demo)";
/// The demo survey's indicator.
pub const SURVEY_INDICATOR: &str = "Andel otrygga i sitt bostadsområde kvällstid";

/// The demo's indicator values, each area named by its district code (`DEMO-18`). `end_year`
/// is the demo's last year.
pub fn indicators(city: &DemoCity, end_year: i16) -> Vec<IndicatorValue<String>> {
    let start = city.planted.start.year();
    let before = start - 1;
    let after = (start + 1).min(end_year).max(start);
    let mut out = Vec::new();
    for (k, d) in city.districts.iter().enumerate() {
        // Deterministic invented numbers: 3 000–14 000 inhabitants, a share of 14–38 %.
        let k = k as f64;
        let inhabitants = 3_000.0 + ((k * 3_731.0) % 11_000.0).round();
        for (year, growth) in [(end_year - 1, 1.0), (end_year, 1.012)] {
            out.push(IndicatorValue {
                indicator: Indicator::population(),
                source: POPULATION_SOURCE.into(),
                area: d.code.clone(),
                period: Period::year(year),
                value: (inhabitants * growth).round(),
                ci_low: None,
                ci_high: None,
                n: None,
                unit: Unit::Count,
            });
        }
        let share = 14.0 + (k * 7.3) % 24.0;
        let treated = d.code == city.planted.treated_district;
        for (year, value) in [
            (before, share + if treated { 10.0 } else { 0.0 }),
            (after, share + if treated { 2.0 } else { 0.5 }),
        ] {
            let value = (value * 10.0).round() / 10.0;
            let n = 180 + (k as u32 * 37) % 240;
            // A 95 % interval of a share from n answers, rounded to a tenth.
            let half = 1.96 * (value * (100.0 - value) / f64::from(n)).sqrt();
            let round = |v: f64| (v * 10.0).round() / 10.0;
            out.push(IndicatorValue {
                indicator: Indicator::named(SURVEY_INDICATOR),
                source: SURVEY_SOURCE.into(),
                area: d.code.clone(),
                period: Period::year(year),
                value,
                ci_low: Some(round((value - half).max(0.0))),
                ci_high: Some(round((value + half).min(100.0))),
                n: Some(n),
                unit: Unit::Percent,
            });
        }
    }
    out
}
