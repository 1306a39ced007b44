//! Emerging-problem alerts, and turning one into a draft problem.

use jiff::{Span, civil::Date};
use serde_json::{Value, json};
use trygg_analysis::emerging::{EmergingOptions, detect};
use trygg_domain::Lang;
use trygg_domain::{
    Area, AreaId, IncidentFilter, Permission, Taxonomy,
    cycle::{Origin, OriginKind, Problem, ProblemDefinition, ProblemStatus},
};

use crate::{App, AppError, Principal};

/// Which alerts: those of the complete weeks before `until`'s week (default today), checking
/// `weeks` weeks back (default 4, at most 104).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AlertQuery {
    /// A date (`2024-05-06`).
    pub until: Option<String>,
    /// How many weeks back.
    pub weeks: Option<usize>,
}

const WEEK_EPOCH: Date = jiff::civil::date(1969, 12, 29);

fn week_start(week: i64) -> Date {
    WEEK_EPOCH
        .checked_add(Span::new().days(week * 7))
        .unwrap_or(WEEK_EPOCH)
}

fn alert_key(category: &str, area: AreaId, monday: Date) -> String {
    format!("{category}:{area}:{monday}")
}

/// The emerging-problem alerts in the reader's view (needs [`Permission::ReadCycle`]).
pub async fn alerts(app: &App, who: &Principal, q: &AlertQuery) -> Result<Value, AppError> {
    who.check(Permission::ReadCycle)?;
    let until: Date = match &q.until {
        Some(s) => s.parse().map_err(|_| {
            AppError::param(
                "until",
                format!("{s:?} is not a date; write it as 2024-05-06."),
            )
        })?,
        None => app.today(),
    };
    let weeks = q.weeks.unwrap_or(4).clamp(1, 104);
    let options = EmergingOptions {
        weeks_to_check: weeks,
        ..Default::default()
    };
    // Complete weeks only: up to the Monday of `until`'s week.
    let end = until
        .checked_sub(Span::new().days(i64::from(until.weekday().to_monday_zero_offset())))
        .unwrap_or(until);
    let start = end
        .checked_sub(Span::new().weeks((options.years_back as i64 + 1) * 53 + weeks as i64))
        .unwrap_or(end);
    let filter = IncidentFilter {
        from: app.midnight(start),
        to: app.midnight(end),
        scope: who.scope(),
        ..Default::default()
    };
    let areas = app.store.list_areas().await?;
    let live = app.live();
    let by_index: std::collections::HashMap<u16, &Area> = areas
        .iter()
        .filter_map(|a| live.area_index(a.id).map(|i| (i, a)))
        .collect();
    let report = live.with(&filter, |snap, f| detect(&snap.weekly_series(f), &options));
    let mut items: Vec<Value> = report
        .flags
        .iter()
        .filter_map(|flag| {
            let category = Taxonomy.all().get(usize::from(flag.category))?;
            let area = by_index.get(&flag.area)?;
            let monday = week_start(flag.week);
            let iso = monday.iso_week_date();
            Some(json!({
                "key": alert_key(category.code, area.id, monday),
                "category": category.code,
                "category_label_sv": category.label_sv,
                "area_id": area.id,
                "area_name": area.name,
                "area_kind": area.kind,
                "week": format!("{}-W{:02}", iso.year(), iso.week()),
                "week_start": monday,
                "observed": flag.observed,
                "expected": flag.baseline_mean,
                "upper_control_limit": flag.ucl,
                "p": flag.p,
                "model": flag.model,
                "text_sv": format!(
                    "{} i {}: {} vecka {} {} mot normalt omkring {} (övre kontrollgräns {}).",
                    category.label_sv, area.name,
                    Lang::Sv.count(i64::from(flag.observed), EVENTS.0, EVENTS.1),
                    iso.week(), iso.year(),
                    trygg_analysis::special::sv_number(flag.baseline_mean, 1, true), flag.ucl
                ),
                "text_en": format!(
                    "{} in {}: {} in week {} {} against about {} normally (upper control limit {}).",
                    category.label_en, area.name,
                    Lang::En.count(i64::from(flag.observed), EVENTS.0, EVENTS.1),
                    iso.week(), iso.year(),
                    format!("{:.1}", flag.baseline_mean).trim_end_matches('0').trim_end_matches('.'),
                    flag.ucl
                ),
            }))
        })
        .collect();
    items.sort_by(|a, b| {
        b["week_start"]
            .as_str()
            .cmp(&a["week_start"].as_str())
            .then(
                a["p"]
                    .as_f64()
                    .unwrap_or(1.0)
                    .total_cmp(&b["p"].as_f64().unwrap_or(1.0)),
            )
    });
    Ok(json!({
        "items": items,
        "weeks_checked": weeks,
        "until": end,
        "series_tested": report.series_tested,
        "weeks_tested": report.weeks_tested,
        "expected_false_alerts": report.expected_false_flags,
        "summary_sv": summary(Lang::Sv, &report),
        "summary_en": summary(Lang::En, &report),
    }))
}

/// ("händelse", "händelser"), ("incident", "incidents").
const EVENTS: ((&str, &str), (&str, &str)) = (("händelse", "händelser"), ("incident", "incidents"));

/// What was tested and what stood out, in `l`, from the report's numbers.
fn summary(l: Lang, r: &trygg_analysis::emerging::EmergingReport) -> String {
    let chance = trygg_analysis::special::sv_number(r.expected_false_flags, 1, true);
    match l {
        Lang::Sv => format!(
            "{} i {} (kategori × område) har prövats mot sin egen säsongshistorik; {} över kontrollgränsen (slumpen ensam ger omkring {chance}).",
            l.count(r.weeks_tested as i64, ("vecka", "veckor"), ("", "")),
            l.count(r.series_tested as i64, ("serie", "serier"), ("", "")),
            l.count(r.flags.len() as i64, ("sticker ut", "sticker ut"), ("", "")),
        ),
        Lang::En => format!(
            "{} in {} (category × area) have been tested against their own seasonal history; {} above the control limit (chance alone gives about {}).",
            l.count(r.weeks_tested as i64, ("", ""), ("week", "weeks")),
            l.count(r.series_tested as i64, ("", ""), ("series", "series")),
            l.count(r.flags.len() as i64, ("", ""), ("stands out", "stand out")),
            chance.replace(',', ".")
        ),
    }
}

/// The draft problem an alert key (`category:area:week-start`) turns into, not yet stored.
pub async fn alert_problem(app: &App, who: &Principal, key: &str) -> Result<Problem, AppError> {
    who.check(Permission::ReadCycle)?;
    let bad = || {
        AppError::NotFound(format!(
            "{key:?} is not an alert key; use a key from GET /api/v1/alerts (category:area:week-start)."
        ))
    };
    let mut parts = key.splitn(3, ':');
    let (Some(code), Some(area), Some(monday)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let category = Taxonomy.get(code).ok_or_else(bad)?;
    let area_id = AreaId(area.parse().map_err(|_| bad())?);
    let monday: Date = monday.parse().map_err(|_| bad())?;
    let area = app
        .store
        .list_areas()
        .await?
        .into_iter()
        .find(|a| a.id == area_id)
        .ok_or_else(bad)?;
    let iso = monday.iso_week_date();
    let place = area.name.trim_end_matches(" (ungefärlig)").to_string();
    Ok(Problem {
        title: format!("{} i {place}", category.label_sv),
        description: format!(
            "Skapad ur ett larm om ett nytt problem: fler händelser än vanligt vecka {} {}. Beskriv problemet och gör en orsaksanalys.",
            iso.week(),
            iso.year()
        ),
        definition: ProblemDefinition {
            categories: vec![category.code.to_string()],
            areas: vec![area_id],
            polygon: None,
            from: monday,
            to: None,
        },
        origin: Origin {
            kind: OriginKind::EmergingAlert,
            reference: Some(key.to_string()),
        },
        status: ProblemStatus::Draft,
        owners: vec![who.organisation()],
    })
}
