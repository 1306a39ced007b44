//! Coverage: who has been reporting, week by week, and the blind spots that follow when
//! somebody stops.
//!
//! A lägesbild built on reports is only as good as the reporting: when an organisation's
//! reporters fall silent, its area looks safer than it is. [`coverage`] counts, for the last
//! complete ISO weeks, the incidents each organisation filed (every channel but Polisen's
//! feed) and Polisen's events, in the principal's scope, and raises a
//! [`CoverageAlert::Silent`] for an organisation that used to report and has filed nothing
//! for [`CoverageQuery::silent_weeks`] weeks. Per district it counts the filed incidents the
//! same way, so a district without reports shows as a row of zeros.

use jiff::Span;
use jiff::civil::{Date, ISOWeekDate};
use serde::Serialize;
use trygg_analysis::snapshot::PeriodKey;
use trygg_domain::{AreaId, AreaKind, Channel, IncidentFilter, OrganisationId, Permission, Scope};

use crate::{App, AppError, Principal};

/// What to count.
#[derive(Debug, Clone, Copy)]
pub struct CoverageQuery {
    /// Complete ISO weeks shown, ending with last week (default 12).
    pub weeks: u16,
    /// Weeks without a report after which an organisation counts as silent (default 3).
    pub silent_weeks: u16,
    /// Weeks with reports, in the weeks before the silence, that make an organisation one
    /// that "used to report" (default 4).
    pub active_weeks: u16,
}

impl Default for CoverageQuery {
    fn default() -> Self {
        CoverageQuery {
            weeks: 12,
            silent_weeks: 3,
            active_weeks: 4,
        }
    }
}

/// One organisation's incidents per week.
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationWeeks {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub name: String,
    /// Incidents per week, oldest first (as [`Coverage::weeks`]).
    pub counts: Vec<u32>,
}

/// One district's filed incidents per week.
#[derive(Debug, Clone, Serialize)]
pub struct AreaWeeks {
    /// The area.
    pub area_id: AreaId,
    /// Its name.
    pub name: String,
    /// Incidents filed in it per week, oldest first (as [`Coverage::weeks`]).
    pub counts: Vec<u32>,
}

/// A blind spot.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoverageAlert {
    /// An organisation that used to report has filed nothing for `weeks` weeks.
    Silent {
        /// The organisation.
        organisation_id: OrganisationId,
        /// Its name.
        name: String,
        /// Weeks without a report, up to last week.
        weeks: u16,
        /// Its mean per week in the weeks before.
        usual_per_week: f64,
    },
    /// An area whose survey otrygghet is clearly above the areas' mean, but whose reports are
    /// few: under half the areas' median (per 1 000 inhabitants when every compared area has
    /// a population, else in number).
    InsecureButQuiet {
        /// The area.
        area_id: AreaId,
        /// Its name.
        name: String,
        /// The survey value with its interval ("32 % (28–36), n = 812").
        survey: String,
        /// Which survey and when ("Polisens trygghetsmätning 2023").
        source: String,
        /// The mean of the areas' survey values.
        mean: f64,
        /// Its reports in the weeks counted (per 1 000 inhabitants when `per_1000`).
        reports: f64,
        /// The areas' median of the same.
        median: f64,
        /// Whether `reports` and `median` are per 1 000 inhabitants.
        per_1000: bool,
    },
}

impl CoverageAlert {
    /// The alert in Swedish.
    pub fn message_sv(&self) -> String {
        let n = |x: f64| crate::sv_number(x, usize::from(x.fract() != 0.0), false);
        match self {
            CoverageAlert::InsecureButQuiet {
                name,
                survey,
                mean,
                reports,
                median,
                per_1000,
                source,
                ..
            } => format!(
                "I {name} känner sig {survey} otrygga enligt {source}, över områdenas medel {} %, men bara {} rapporter{} kom in under veckorna (median {}): otryggheten syns inte i rapporterna.",
                crate::sv_number(*mean, 0, false),
                n((reports * 10.0).round() / 10.0),
                if *per_1000 {
                    " per 1 000 invånare"
                } else {
                    ""
                },
                n((median * 10.0).round() / 10.0)
            ),
            CoverageAlert::Silent {
                name,
                weeks,
                usual_per_week,
                ..
            } => format!(
                "{name} har inte rapporterat något på {weeks} veckor (annars {} i veckan): lägesbilden underskattar det som {name} brukar se.",
                crate::sv_number(
                    *usual_per_week,
                    usize::from(usual_per_week.fract() != 0.0),
                    false
                )
            ),
        }
    }

    /// The alert in English.
    pub fn message_en(&self) -> String {
        match self {
            CoverageAlert::InsecureButQuiet {
                name,
                survey,
                mean,
                reports,
                median,
                per_1000,
                source,
                ..
            } => format!(
                "In {name}, {survey} feel unsafe according to {source}, above the areas' mean of {mean:.0} %, but only {reports:.1} reports{} came in over the weeks counted (median {median:.1}): the insecurity does not show in the reports.",
                if *per_1000 {
                    " per 1,000 inhabitants"
                } else {
                    ""
                }
            ),
            CoverageAlert::Silent {
                name,
                weeks,
                usual_per_week,
                ..
            } => format!(
                "{name} has reported nothing for {weeks} weeks (usually {usual_per_week:.1} a week): the picture underestimates what {name} usually sees."
            ),
        }
    }
}

/// Reporting per organisation and week, Polisen's events per week, and the alerts.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The Mondays of the weeks counted, oldest first.
    pub weeks: Vec<Date>,
    /// Per organisation that filed anything in the weeks counted, or is silent.
    pub organisations: Vec<OrganisationWeeks>,
    /// Per district (every one, also those without reports: a blind spot is visible here).
    pub areas: Vec<AreaWeeks>,
    /// Polisen's events per week.
    pub polisen: Vec<u32>,
    /// The blind spots.
    pub alerts: Vec<CoverageAlert>,
}

/// Coverage of the `q.weeks` complete ISO weeks before today's week, in the principal's
/// scope (needs [`Permission::ReadPicture`]); see [`coverage_until`].
pub async fn coverage(app: &App, who: &Principal, q: CoverageQuery) -> Result<Coverage, AppError> {
    who.check(Permission::ReadPicture)?;
    let today = app.today();
    let monday = today
        .checked_sub(Span::new().days(i64::from(today.weekday().to_monday_zero_offset())))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    coverage_until(app, who.scope(), monday, q).await
}

/// Coverage of the `q.weeks` ISO weeks before the week of Monday `until` in `scope`: the
/// weekly lägesbild's and the start page's. An organisation is silent when it filed nothing in
/// the last `q.silent_weeks` weeks but something in at least `q.active_weeks` of the weeks
/// before them (within the weeks counted).
pub async fn coverage_until(
    app: &App,
    scope: Scope,
    until: Date,
    q: CoverageQuery,
) -> Result<Coverage, AppError> {
    if q.weeks == 0 || q.silent_weeks == 0 || q.silent_weeks >= q.weeks {
        return Err(AppError::param(
            "weeks",
            format!(
                "Count more weeks ({}) than it takes to be silent ({}), and at least one.",
                q.weeks, q.silent_weeks
            ),
        ));
    }
    let weeks: Vec<Date> = (1..=i64::from(q.weeks))
        .rev()
        .map(|k| until.checked_sub(Span::new().weeks(k)))
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (Some(from), Some(to)) = (app.midnight(weeks[0]), app.midnight(until)) else {
        return Err(AppError::Internal("no midnight in the zone".into()));
    };
    let per_week = |filter: IncidentFilter| -> Vec<u32> {
        let counts = app.live().weekly_counts(&filter);
        weeks
            .iter()
            .map(|m| {
                let w: ISOWeekDate = m.iso_week_date();
                let key = PeriodKey::IsoWeek {
                    year: w.year(),
                    week: w.week(),
                };
                counts
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or(0, |(_, n)| *n)
            })
            .collect()
    };
    let base = |channels: Vec<Channel>, organisations: Vec<OrganisationId>| IncidentFilter {
        from: Some(from),
        to: Some(to),
        channels,
        organisations,
        scope,
        ..Default::default()
    };
    let filing = vec![Channel::Est, Channel::Api, Channel::Import];
    let polisen = per_week(base(vec![Channel::Polisen], vec![]));
    let mut organisations = Vec::new();
    let mut alerts = Vec::new();
    for o in app.store.list_organisations().await? {
        let counts = per_week(base(filing.clone(), vec![o.id]));
        if counts.iter().all(|&n| n == 0) {
            continue;
        }
        let split = counts.len() - usize::from(q.silent_weeks);
        let (before, recent) = counts.split_at(split);
        let active = before.iter().filter(|&&n| n > 0).count();
        if recent.iter().all(|&n| n == 0) && active >= usize::from(q.active_weeks) {
            alerts.push(CoverageAlert::Silent {
                organisation_id: o.id,
                name: o.name.clone(),
                weeks: q.silent_weeks,
                usual_per_week: f64::from(before.iter().sum::<u32>()) / before.len() as f64,
            });
        }
        organisations.push(OrganisationWeeks {
            organisation_id: o.id,
            name: o.name,
            counts,
        });
    }
    let mut areas = Vec::new();
    for a in app.store.list_areas().await? {
        if a.kind != AreaKind::District {
            continue;
        }
        let mut f = base(filing.clone(), vec![]);
        f.areas = vec![a.id];
        areas.push(AreaWeeks {
            area_id: a.id,
            name: a.name,
            counts: per_week(f),
        });
    }
    alerts.extend(insecure_but_quiet(app, &areas, until).await?);
    Ok(Coverage {
        weeks,
        organisations,
        areas,
        polisen,
        alerts,
    })
}

/// Indicators whose code holds this are survey otrygghet ("andel otrygga …", "otrygghet i …").
const INSECURITY: &str = "otrygg";

/// The [`CoverageAlert::InsecureButQuiet`] alerts: for every survey otrygghet indicator (a
/// share whose code holds "otrygg"), each area's latest value up to `until`'s year; with three
/// or more areas, an area whose interval lies wholly above the areas' mean and whose filed
/// reports in the weeks counted are under half the areas' median.
async fn insecure_but_quiet(
    app: &App,
    areas: &[AreaWeeks],
    until: Date,
) -> Result<Vec<CoverageAlert>, AppError> {
    use trygg_domain::indicator::Unit;
    let values = crate::indicators::shown(app, &Default::default()).await?;
    let population = crate::indicators::population(app, until.year()).await?;
    let mut by_indicator: std::collections::BTreeMap<&str, Vec<&crate::indicators::ShownValue>> =
        Default::default();
    for v in &values {
        if v.unit != Unit::Percent
            || !v.indicator.code.contains(INSECURITY)
            || v.period.first > until.year()
            || !areas.iter().any(|a| a.area_id == v.area)
        {
            continue;
        }
        let rows = by_indicator.entry(v.indicator.code.as_str()).or_default();
        // `values` are newest first per area: keep each area's latest.
        if !rows.iter().any(|r| r.area == v.area) {
            rows.push(v);
        }
    }
    let mut out = Vec::new();
    for rows in by_indicator.values().filter(|r| r.len() >= 3) {
        let mean = rows.iter().map(|r| r.value).sum::<f64>() / rows.len() as f64;
        let per_1000 = rows.iter().all(|r| population.contains_key(&r.area));
        let reports = |r: &crate::indicators::ShownValue| {
            let n: u32 = areas
                .iter()
                .find(|a| a.area_id == r.area)
                .map_or(0, |a| a.counts.iter().sum());
            match population.get(&r.area) {
                Some(p) if per_1000 && p.inhabitants > 0.0 => f64::from(n) * 1000.0 / p.inhabitants,
                _ => f64::from(n),
            }
        };
        let mut all: Vec<f64> = rows.iter().map(|r| reports(r)).collect();
        all.sort_by(f64::total_cmp);
        let median = if all.len() % 2 == 1 {
            all[all.len() / 2]
        } else {
            (all[all.len() / 2 - 1] + all[all.len() / 2]) / 2.0
        };
        for r in rows {
            let mine = reports(r);
            if r.ci_low.is_some_and(|low| low > mean) && mine < median / 2.0 {
                out.push(CoverageAlert::InsecureButQuiet {
                    area_id: r.area,
                    name: r.area_name.clone(),
                    survey: r.text.clone(),
                    source: format!("{} {}", r.source, r.period),
                    mean,
                    reports: mine,
                    median,
                    per_1000,
                });
            }
        }
    }
    Ok(out)
}
