//! Problems (problembilder) and their cause analyses.

use serde_json::{Value, json};
use trygg_analysis::{
    IndexSet,
    snapshot::{Granularity, PeriodKey},
};
use trygg_domain::Visibility;
use trygg_domain::{
    IncidentFilter, Permission,
    cycle::{CauseAnalysis, Intervention, Problem, ProblemDefinition, Record},
};
use trygg_store::records::{self, Stored};

use super::{check_areas, check_owner, create, load, visible};
use crate::{App, AppError, Principal};

/// Every problem (needs [`Permission::ReadCycle`]).
pub async fn problems(app: &App, who: &Principal) -> Result<Vec<Stored<Problem>>, AppError> {
    who.check(Permission::ReadCycle)?;
    visible::<Problem>(app, who).await
}

/// Live size of a problem: the count in its definition and the monthly trend, in the reader's
/// view. Drawn polygons count incidents with a point position inside them.
pub fn problem_size(app: &App, who: &Principal, d: &ProblemDefinition) -> Value {
    let today = app.today();
    let to = d.to.unwrap_or_else(|| today.tomorrow().unwrap_or(today));
    let filter = IncidentFilter {
        categories: d.category_codes(),
        areas: d.areas.clone(),
        from: app.midnight(d.from),
        to: app.midnight(to),
        scope: who.scope(),
        ..Default::default()
    };
    let live = app.live();
    let area_set: IndexSet = d.areas.iter().filter_map(|a| live.area_index(*a)).collect();
    let polygon = d.polygon.as_ref().and_then(|p| match p.crs {
        trygg_domain::cycle::Crs::Wgs84 => {
            trygg_geo::MultiPolygon::from_geojson_wgs84(&p.geometry).ok()
        }
        trygg_domain::cycle::Crs::Sweref99tm => {
            trygg_geo::MultiPolygon::from_geojson_sweref99tm(&p.geometry).ok()
        }
    });
    let tz = app.tz.clone();
    let monthly: Vec<(String, u32)> = live.with(&filter, |snap, f| {
        let mut f = f.clone();
        if d.polygon.is_none() {
            f.areas = Some(area_set.clone());
        }
        match &polygon {
            None => snap
                .counts(&f, Granularity::Month, false, false)
                .into_iter()
                .filter_map(|r| match r.period {
                    PeriodKey::Month { year, month } => {
                        Some((format!("{year}-{month:02}"), r.count))
                    }
                    _ => None,
                })
                .collect(),
            Some(poly) => {
                f.areas = None;
                f.point_usable_only = true;
                let mut m = std::collections::BTreeMap::<String, u32>::new();
                for r in snap.select(&f) {
                    if poly.contains([r.x, r.y]) {
                        let day = jiff::Timestamp::from_second(r.start)
                            .map(|t| t.to_zoned(tz.clone()).date())
                            .unwrap_or_default();
                        *m.entry(format!("{}-{:02}", day.year(), day.month()))
                            .or_default() += 1;
                    }
                }
                m.into_iter().collect()
            }
        }
    });
    let total: u64 = monthly.iter().map(|(_, n)| u64::from(*n)).sum();
    json!({
        "count": total,
        "period": {"from": d.from, "to": to},
        "monthly": monthly.iter().map(|(m, n)| json!({"month": m, "count": n})).collect::<Vec<_>>(),
    })
}

/// Checks and writes a problem (new, read as `visibility` says; or `(id, version read)`, which
/// keeps the visibility it was created with). A change needs the problem to
/// be the principal's organisation's (its owner, or one of its `owners`).
pub async fn save_problem(
    app: &App,
    who: &Principal,
    existing: Option<(i64, i64)>,
    visibility: Visibility,
    p: &Problem,
) -> Result<Stored<Problem>, AppError> {
    who.check(Permission::WriteProblem)?;
    if let Some((id, _)) = existing {
        let old = load::<Problem>(app, who, id, "Problem").await?;
        if !old.data.owners.contains(&who.organisation()) {
            check_owner(
                app,
                who,
                Permission::WriteProblem,
                &format!("Problem {id}"),
                old.meta.organisation_id,
            )
            .await?;
        }
    }
    p.validate()?;
    check_areas(app, "definition.areas", &p.definition.areas).await?;
    match existing {
        None => create(app, who, visibility, p).await,
        Some((id, version)) => {
            Ok(records::update(app.store.as_ref(), &who.actor(), id, version, p).await?)
        }
    }
}

/// One problem with its live size, its interventions and its cause analysis' id.
pub async fn problem(app: &App, who: &Principal, id: i64) -> Result<Value, AppError> {
    who.check(Permission::ReadCycle)?;
    let p = load::<Problem>(app, who, id, "Problem").await?;
    let size = problem_size(app, who, &p.data.definition);
    let mut v = serde_json::to_value(&p).map_err(|e| AppError::Internal(e.to_string()))?;
    v["computed"] = size;
    let interventions: Vec<i64> = visible::<Intervention>(app, who)
        .await?
        .into_iter()
        .filter(|i| {
            i.data
                .problem_ids
                .contains(&trygg_domain::cycle::Id::new(id))
        })
        .map(|i| i.meta.id)
        .collect();
    v["intervention_ids"] = json!(interventions);
    v["analysis_id"] = json!(find_analysis(app, who, id).await?.map(|a| a.meta.id));
    Ok(v)
}

/// The cause analysis of problem `problem`, if written.
pub async fn find_analysis(
    app: &App,
    who: &Principal,
    problem: i64,
) -> Result<Option<Stored<CauseAnalysis>>, AppError> {
    who.check(Permission::ReadCycle)?;
    Ok(visible::<CauseAnalysis>(app, who)
        .await?
        .into_iter()
        .find(|a| a.data.problem_id.raw == problem))
}

/// The cause analysis of problem `id`, or a not-found that says how to write one.
pub async fn analysis(
    app: &App,
    who: &Principal,
    id: i64,
) -> Result<Stored<CauseAnalysis>, AppError> {
    who.check(Permission::ReadCycle)?;
    load::<Problem>(app, who, id, "Problem").await?;
    find_analysis(app, who, id).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "Problem {id} has no cause analysis yet. Write one with PUT /api/v1/problems/{id}/analysis and version 0."
        ))
    })
}

/// Checks and writes the cause analysis of `analysis.problem_id` (version 0: the first one).
/// It belongs with its problem: only the problem's organisation writes it. Returns whether it
/// was created.
pub async fn save_analysis(
    app: &App,
    who: &Principal,
    version: i64,
    analysis: &CauseAnalysis,
) -> Result<(bool, Stored<CauseAnalysis>), AppError> {
    who.check(Permission::WriteProblem)?;
    let id = analysis.problem_id.raw;
    let problem = load::<Problem>(app, who, id, "Problem").await?;
    if !problem.data.owners.contains(&who.organisation()) {
        check_owner(
            app,
            who,
            Permission::WriteProblem,
            &format!("Problem {id} and its cause analysis"),
            problem.meta.organisation_id,
        )
        .await?;
    }
    analysis.validate()?;
    let store = app.store.as_ref();
    match find_analysis(app, who, id).await? {
        None if version == 0 => Ok((
            true,
            create(app, who, problem.meta.visibility, analysis).await?,
        )),
        None => Err(AppError::Conflict(format!(
            "Problem {id} has no cause analysis (version 0), but you sent version {version}. Reload it."
        ))),
        Some(existing) => Ok((
            false,
            records::update(store, &who.actor(), existing.meta.id, version, analysis).await?,
        )),
    }
}
