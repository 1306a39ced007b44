//! The knowledge-based cycle's use cases: problems and their cause analyses, interventions and
//! their follow-up, weekly EST meetings, and the emerging-problem alerts.
//!
//! Every function takes the [`Principal`] and asks the policy first: reading needs
//! [`Permission::ReadCycle`]; writing needs the kind's permission and, for a change, that the
//! record belongs to the principal's organisation (the refusal names the owner). Records are
//! stored in the generic record store, versioned: a change carries the version read, and a
//! stale one is a conflict.
//!
//! A record is read by the whole partnership (`shared`) or only by its own organisation
//! (`internal`), chosen when it is created; a cause analysis and a follow-up read as their
//! problem and intervention do. To everyone else an internal record does not exist (404).

mod alerts;
mod interventions;
mod meetings;
mod problems;

pub use alerts::{AlertQuery, alert_problem, alerts};
pub use interventions::{
    Evaluation, EvaluationOverrides, approve_follow_up, evaluate, evaluation, find_follow_up,
    intervention, interventions, measure_warnings, save_intervention,
};
pub use meetings::{briefing, create_meeting, feedback, meeting, meetings, save_meeting};
pub use problems::{
    analysis, find_analysis, problem, problem_size, problems, save_analysis, save_problem,
};

use trygg_domain::{
    AreaId, ErrorCode, OrganisationId, Permission, ValidationError, Visibility, cycle::Record,
    policy,
};
use trygg_store::records::{self, Stored};

use crate::{App, AppError, Principal};

/// `p`, and that the record owned by `owner` is the principal's organisation's.
pub(crate) async fn check_owner(
    app: &App,
    who: &Principal,
    p: Permission,
    what: &str,
    owner: OrganisationId,
) -> Result<(), AppError> {
    who.check(p)?;
    if who.organisation() == owner {
        return Ok(());
    }
    let name = crate::reference::organisation_name(app, owner).await;
    policy::check_owner(who.roles(), p, who.organisation(), what, owner, &name)
        .map_err(AppError::Forbidden)
}

/// Whether the principal reads this record: a shared one, or an internal one of their own
/// organisation.
pub(crate) fn visible_to<T>(who: &Principal, r: &Stored<T>) -> bool {
    r.meta.visibility == Visibility::Shared || r.meta.organisation_id == who.organisation()
}

/// A record by id the principal reads, or "does not exist" (an internal record of another
/// organisation does not exist for them).
pub(crate) async fn load<T: Record>(
    app: &App,
    who: &Principal,
    id: i64,
    what: &str,
) -> Result<Stored<T>, AppError> {
    get_visible::<T>(app, who, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{what} {id} does not exist.")))
}

/// A record by id, if it exists and the principal reads it.
pub(crate) async fn get_visible<T: Record>(
    app: &App,
    who: &Principal,
    id: i64,
) -> Result<Option<Stored<T>>, AppError> {
    Ok(records::get::<T>(app.store.as_ref(), id)
        .await?
        .filter(|r| visible_to(who, r)))
}

/// Every record of kind `T` the principal reads.
pub(crate) async fn visible<T: Record>(
    app: &App,
    who: &Principal,
) -> Result<Vec<Stored<T>>, AppError> {
    Ok(records::list::<T>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|r| visible_to(who, r))
        .collect())
}

/// One record of the cycle's kind `T` (needs [`Permission::ReadCycle`]; an internal record
/// only for its own organisation).
pub async fn read<T: Record>(app: &App, who: &Principal, id: i64) -> Result<Stored<T>, AppError> {
    who.check(Permission::ReadCycle)?;
    load::<T>(app, who, id, T::KIND).await
}

/// Every record of the cycle's kind `T` the principal reads (needs [`Permission::ReadCycle`]).
pub async fn read_all<T: Record>(app: &App, who: &Principal) -> Result<Vec<Stored<T>>, AppError> {
    who.check(Permission::ReadCycle)?;
    visible::<T>(app, who).await
}

/// Creates a record owned by the principal's organisation, read as `visibility` says.
pub(crate) async fn create<T: Record + Clone>(
    app: &App,
    who: &Principal,
    visibility: Visibility,
    value: &T,
) -> Result<Stored<T>, AppError> {
    Ok(records::create_as(
        app.store.as_ref(),
        &who.actor(),
        who.organisation(),
        visibility,
        value,
    )
    .await?)
}

/// Checks that every id of `ids` names a stored area.
pub(crate) async fn check_areas(app: &App, field: &str, ids: &[AreaId]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let areas = app.store.list_areas().await?;
    for (k, id) in ids.iter().enumerate() {
        if !areas.iter().any(|a| a.id == *id) {
            return Err(AppError::Invalid(ValidationError::new(
                ErrorCode::Invalid,
                format!("{field}[{k}]"),
                format!("Area {id} does not exist. Pick one from the map or import it first."),
            )));
        }
    }
    Ok(())
}

/// The 25 techniques of situational crime prevention, grouped (reference data).
pub fn techniques(who: &Principal) -> Result<serde_json::Value, AppError> {
    use trygg_domain::cycle::{TECHNIQUES, TechniqueGroup};
    who.check(Permission::ReadReference)?;
    let groups: Vec<serde_json::Value> = TechniqueGroup::ALL
        .iter()
        .map(|g| {
            serde_json::json!({
                "group": g,
                "label_sv": g.label_sv(),
                "label_en": g.label_en(),
                "techniques": TECHNIQUES.iter().filter(|t| t.group == *g).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(serde_json::json!({ "items": groups }))
}
