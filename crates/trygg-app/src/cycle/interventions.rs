//! Interventions (insatser) and their follow-up.

use serde_json::{Value, json};
use trygg_domain::Visibility;
use trygg_domain::{
    Area, AreaId, ErrorCode, Permission, Scope, ValidationError,
    cause::{MeasureWarning, check_measure, measure_factors},
    cycle::{CauseAnalysis, FollowUp, Intervention, Problem, ProblemId, Record},
};
use trygg_store::records::{self, Stored};

use super::{check_areas, check_owner, create, find_analysis, get_visible, load, visible};
use crate::{App, AppError, Principal, followup};

/// Every intervention (needs [`Permission::ReadCycle`]).
pub async fn interventions(
    app: &App,
    who: &Principal,
) -> Result<Vec<Stored<Intervention>>, AppError> {
    who.check(Permission::ReadCycle)?;
    visible::<Intervention>(app, who).await
}

async fn check_intervention(app: &App, who: &Principal, i: &Intervention) -> Result<(), AppError> {
    i.validate()?;
    for (k, p) in i.problem_ids.iter().enumerate() {
        if get_visible::<Problem>(app, who, p.raw).await?.is_none() {
            return Err(AppError::invalid(
                format!("problem_ids[{k}]"),
                format!("Problem {p} does not exist."),
            ));
        }
    }
    for (k, h) in i.hypotheses.iter().enumerate() {
        let known = find_analysis(app, who, h.problem_id.raw)
            .await?
            .is_some_and(|a| a.data.hypotheses.iter().any(|x| x.key == h.key));
        if !known {
            return Err(AppError::invalid(
                format!("hypotheses[{k}].key"),
                format!(
                    "The cause analysis of problem {} has no hypothesis {:?}.",
                    h.problem_id, h.key
                ),
            ));
        }
    }
    if let Some(c) = &i.commitment_ref {
        // Once the partnership has commitment plans, a link must name one of their commitments.
        let known = crate::partnership::commitments(app.store.as_ref()).await?;
        if !known.is_empty() && !known.iter().any(|k| &k.id == c) {
            let mut ids: Vec<&str> = known.iter().map(|k| k.id.as_str()).collect();
            ids.truncate(12);
            return Err(AppError::invalid(
                "commitment_ref",
                format!(
                    "No stored commitment plan has a commitment {c:?}; name one of theirs ({}{}).",
                    ids.join(", "),
                    if known.len() > ids.len() { ", …" } else { "" }
                ),
            ));
        }
    }
    check_areas(app, "treated_areas", &i.treated_areas).await?;
    check_areas(app, "control_areas", &i.control_areas).await?;
    check_areas(app, "buffer_areas", &i.buffer_areas).await
}

/// Checks and writes an intervention (new, or `(id, version read)` of one's own
/// organisation's).
pub async fn save_intervention(
    app: &App,
    who: &Principal,
    existing: Option<(i64, i64)>,
    visibility: Visibility,
    i: &Intervention,
) -> Result<Stored<Intervention>, AppError> {
    who.check(Permission::WriteIntervention)?;
    if let Some((id, _)) = existing {
        let old = load::<Intervention>(app, who, id, "Intervention").await?;
        check_owner(
            app,
            who,
            Permission::WriteIntervention,
            &format!("Intervention {id}"),
            old.meta.organisation_id,
        )
        .await?;
    }
    check_intervention(app, who, i).await?;
    match existing {
        None => create(app, who, visibility, i).await,
        Some((id, version)) => {
            Ok(records::update(app.store.as_ref(), &who.actor(), id, version, i).await?)
        }
    }
}

/// One intervention with its resource totals and its approved follow-up's id.
pub async fn intervention(app: &App, who: &Principal, id: i64) -> Result<Value, AppError> {
    who.check(Permission::ReadCycle)?;
    let i = load::<Intervention>(app, who, id, "Intervention").await?;
    let mut v = serde_json::to_value(&i).map_err(|e| AppError::Internal(e.to_string()))?;
    let r = &i.data.resources;
    v["resources_total"] = json!({
        "planned_hours": r.iter().map(|x| x.planned_hours).sum::<f64>(),
        "planned_sek": r.iter().map(|x| x.planned_sek).sum::<f64>(),
        "used_hours": r.iter().map(|x| x.used_hours).sum::<f64>(),
        "used_sek": r.iter().map(|x| x.used_sek).sum::<f64>(),
    });
    v["follow_up_id"] = json!(find_follow_up(app, who, id).await?.map(|f| f.meta.id));
    let warnings = measure_warnings(app, who, &i.data).await?;
    v["works_on"] = json!(measure_factors(&i.data));
    v["warnings"] = warnings
        .iter()
        .map(|w| {
            let mut x = serde_json::to_value(w).unwrap_or_default();
            x["message"] = json!(w.message_en());
            x["message_sv"] = json!(w.message_sv());
            x
        })
        .collect();
    Ok(v)
}

/// What does not meet between intervention `i` and the cause analyses of its problems that
/// the principal reads ([`check_measure`]): the consistency check of the åtgärdsplan and the
/// intervention page.
pub async fn measure_warnings(
    app: &App,
    who: &Principal,
    i: &Intervention,
) -> Result<Vec<MeasureWarning>, AppError> {
    who.check(Permission::ReadCycle)?;
    let analyses = super::visible::<CauseAnalysis>(app, who).await?;
    let mine: Vec<(ProblemId, &CauseAnalysis)> = analyses
        .iter()
        .filter(|a| i.problem_ids.contains(&a.data.problem_id))
        .map(|a| (a.data.problem_id, &a.data))
        .collect();
    Ok(check_measure(i, &mine))
}

/// The approved follow-up of intervention `intervention`, if any.
pub async fn find_follow_up(
    app: &App,
    who: &Principal,
    intervention: i64,
) -> Result<Option<Stored<FollowUp>>, AppError> {
    who.check(Permission::ReadCycle)?;
    Ok(visible::<FollowUp>(app, who)
        .await?
        .into_iter()
        .find(|f| f.data.intervention_id.raw == intervention))
}

/// Areas to try instead of the intervention's own, before saving them.
#[derive(Debug, Clone, Default)]
pub struct EvaluationOverrides {
    /// Control areas.
    pub control: Option<Vec<AreaId>>,
    /// Buffer areas.
    pub buffer: Option<Vec<AreaId>>,
}

/// A live follow-up and the control-area suggestions.
pub type Evaluation = (followup::FollowUpResult, Vec<followup::ControlSuggestion>);

/// The scope every follow-up counts in: what all of its readers may see. Interventions are
/// read by the whole partnership, so the shared picture only — never one organisation's
/// internal reports, which the others may not see.
const FOLLOW_UP_SCOPE: Scope = Scope::Shared;

/// The live follow-up of an intervention with its own areas (or `overrides`), and the control
/// suggestions, counted in the shared picture.
pub async fn evaluate(
    app: &App,
    who: &Principal,
    i: &Intervention,
    overrides: &EvaluationOverrides,
) -> Result<Evaluation, AppError> {
    who.check(Permission::ReadCycle)?;
    let mut categories = Vec::new();
    let mut problem_areas = Vec::new();
    for p in &i.problem_ids {
        if let Some(p) = get_visible::<Problem>(app, who, p.raw).await? {
            categories.extend(p.data.definition.category_codes());
            problem_areas.extend(p.data.definition.areas.iter().copied());
        }
    }
    categories.sort();
    categories.dedup();
    let treated = if i.treated_areas.is_empty() {
        problem_areas
    } else {
        i.treated_areas.clone()
    };
    if treated.is_empty() {
        return Err(AppError::Invalid(ValidationError::new(
            ErrorCode::Missing,
            "treated_areas",
            "The follow-up needs a treated area (åtgärdsområde): set treated_areas, or define the problem on areas.",
        )));
    }
    let control = overrides
        .control
        .clone()
        .unwrap_or_else(|| i.control_areas.clone());
    let buffer = overrides
        .buffer
        .clone()
        .unwrap_or_else(|| i.buffer_areas.clone());
    let input = followup::Input {
        categories: categories.clone(),
        treated: treated.clone(),
        control,
        buffer: buffer.clone(),
        start: i.start,
        end: i.end,
        today: app.today(),
        now: app.now(),
        scope: FOLLOW_UP_SCOPE,
    };
    let live = app.live();
    let result = followup::compute(live, &app.tz, &input);
    let areas: Vec<Area> = app.store.list_areas().await?;
    let suggestions = followup::suggest_controls(
        live,
        &app.tz,
        &areas,
        &categories,
        &treated,
        &buffer,
        i.start,
        FOLLOW_UP_SCOPE,
        5,
    );
    Ok((result, suggestions))
}

/// The follow-up of intervention `id`: the approved one (if any) and the live one.
pub async fn evaluation(
    app: &App,
    who: &Principal,
    id: i64,
    overrides: &EvaluationOverrides,
) -> Result<Value, AppError> {
    who.check(Permission::ReadCycle)?;
    let i = load::<Intervention>(app, who, id, "Intervention").await?;
    let (result, suggestions) = evaluate(app, who, &i.data, overrides).await?;
    let approved = find_follow_up(app, who, id).await?;
    let mut live = serde_json::to_value(&result).map_err(|e| AppError::Internal(e.to_string()))?;
    live["status"] = json!("live");
    live["status_sv"] = json!(if approved.is_some() {
        "Beräknad nu ur dagens data; den godkända uppföljningen ovan är den som gäller."
    } else {
        "Beräknad nu ur dagens data; inte godkänd än."
    });
    Ok(json!({
        "intervention_id": id,
        "approved": approved,
        "live": live,
        "control_suggestions": suggestions,
    }))
}

/// Stores the live evaluation of intervention `id` as its approved follow-up: only a
/// coordinator (or administrator) of the intervention's organisation, not before a month has
/// passed. The snapshot counts the shared picture only, so every reader may see its figures.
/// Returns whether it was the first approval.
pub async fn approve_follow_up(
    app: &App,
    who: &Principal,
    id: i64,
    comment: String,
) -> Result<(bool, Stored<FollowUp>), AppError> {
    who.check(Permission::ApproveFollowUp)?;
    let i = load::<Intervention>(app, who, id, "Intervention").await?;
    check_owner(
        app,
        who,
        Permission::ApproveFollowUp,
        &format!("Intervention {id}"),
        i.meta.organisation_id,
    )
    .await?;
    let (result, _) = evaluate(app, who, &i.data, &EvaluationOverrides::default()).await?;
    if result.months == 0 {
        return Err(AppError::Invalid(ValidationError::new(
            ErrorCode::Invalid,
            "start",
            "Too early to approve a follow-up: the intervention has run for less than a month (för tidigt att följa upp).",
        )));
    }
    let mut evaluation =
        serde_json::to_value(&result).map_err(|e| AppError::Internal(e.to_string()))?;
    evaluation["status"] = json!("approved");
    let follow_up = FollowUp {
        intervention_id: trygg_domain::cycle::Id::new(id),
        evaluation,
        approved_at: app.now(),
        approved_by: who.user.display_name.clone(),
        comment,
    };
    let store = app.store.as_ref();
    Ok(match find_follow_up(app, who, id).await? {
        // A new approval replaces the old; the audit log keeps every earlier one.
        Some(old) => (
            false,
            records::update(
                store,
                &who.actor(),
                old.meta.id,
                old.meta.version,
                &follow_up,
            )
            .await?,
        ),
        // The follow-up belongs with its intervention.
        None => (
            true,
            records::create_as(
                store,
                &who.actor(),
                i.meta.organisation_id,
                i.meta.visibility,
                &follow_up,
            )
            .await?,
        ),
    })
}
