//! The partnership's records as the principal may read and write them: everyone with
//! [`Permission::ReadPartnership`] reads; a change needs [`Permission::WritePartnership`] and
//! that the principal's organisation is a party to the current agreement (before any agreement
//! is stored: to the agreement being registered). The rules that span records are the parent
//! module's.

use trygg_domain::{
    Permission,
    cycle::{Intervention, Record},
    partnership::{Agreement, CitizenPromise, CommitmentPlan, CommunicationPlan},
    policy,
};
use trygg_store::records::{self, Stored};

use crate::{App, AppError, Principal, reference::organisation_name};

/// `Ok` when the principal reads the partnership's records.
pub fn check_read(who: &Principal) -> Result<(), AppError> {
    who.check(Permission::ReadPartnership)
}

/// `Ok` when the principal may change the partnership's records: the permission, and their
/// organisation a party to the current agreement (or to `new`, when none is stored yet).
pub async fn check_write(
    app: &App,
    who: &Principal,
    new: Option<&Agreement>,
) -> Result<(), AppError> {
    who.check(Permission::WritePartnership)?;
    let current = super::agreement(app.store.as_ref()).await?;
    let Some(agreement) = current.map(|a| a.data).or_else(|| new.cloned()) else {
        return Err(AppError::NotFound(
            "No agreement is stored yet: register the partnership's agreement first, with your organisation among its parties.".into(),
        ));
    };
    let parties: Vec<&str> = agreement.parties.iter().map(|p| p.name.as_str()).collect();
    let name = organisation_name(app, who.organisation()).await;
    policy::check_party(who.roles(), &name, &parties).map_err(AppError::Forbidden)
}

/// Every record of kind `T`.
pub async fn list<T: Record>(app: &App, who: &Principal) -> Result<Vec<Stored<T>>, AppError> {
    check_read(who)?;
    Ok(records::list::<T>(app.store.as_ref()).await?)
}

/// One record of kind `T`.
pub async fn get<T: Record>(app: &App, who: &Principal, id: i64) -> Result<Stored<T>, AppError> {
    check_read(who)?;
    records::get::<T>(app.store.as_ref(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{} {id} does not exist.", T::KIND)))
}

/// Creates a record of kind `T` (not plans or agreements: they have rules of their own).
pub async fn create<T: Record + Clone>(
    app: &App,
    who: &Principal,
    value: &T,
) -> Result<Stored<T>, AppError> {
    check_write(app, who, None).await?;
    Ok(records::create(app.store.as_ref(), &who.actor(), who.organisation(), value).await?)
}

/// Changes a record of kind `T` at the version read.
pub async fn update<T: Record + Clone>(
    app: &App,
    who: &Principal,
    id: i64,
    version: i64,
    value: &T,
) -> Result<Stored<T>, AppError> {
    check_write(app, who, None).await?;
    get::<T>(app, who, id).await?;
    Ok(records::update(app.store.as_ref(), &who.actor(), id, version, value).await?)
}

/// Deletes a record of kind `T`.
pub async fn delete<T: Record>(app: &App, who: &Principal, id: i64) -> Result<(), AppError> {
    check_write(app, who, None).await?;
    get::<T>(app, who, id).await?;
    Ok(records::delete::<T>(app.store.as_ref(), &who.actor(), id).await?)
}

/// The current agreement (the stored one whose period ends last).
pub async fn agreement(app: &App, who: &Principal) -> Result<Stored<Agreement>, AppError> {
    check_read(who)?;
    Ok(super::require_agreement(app.store.as_ref()).await?)
}

/// The current agreement, or `None` before one is stored.
pub async fn current_agreement(
    app: &App,
    who: &Principal,
) -> Result<Option<Stored<Agreement>>, AppError> {
    check_read(who)?;
    Ok(super::agreement(app.store.as_ref()).await?)
}

/// The citizen promises, for everyone without signing in (`/lofte`): they are the
/// partnership's public word, and their texts are checked for personal data when written.
pub async fn published_promises(app: &App) -> Result<Vec<Stored<CitizenPromise>>, AppError> {
    Ok(records::list::<CitizenPromise>(app.store.as_ref()).await?)
}

/// The stored commitment plans within the agreement's period, by year.
pub async fn plans(
    app: &App,
    who: &Principal,
    agreement: &Agreement,
) -> Result<Vec<Stored<CommitmentPlan>>, AppError> {
    check_read(who)?;
    Ok(super::plans(app.store.as_ref(), agreement).await?)
}

/// Every commitment of every stored plan (what an intervention may name).
pub async fn commitments(
    app: &App,
    who: &Principal,
) -> Result<Vec<super::CommitmentRef>, AppError> {
    check_read(who)?;
    Ok(super::commitments(app.store.as_ref()).await?)
}

/// The plans with their commitments' interventions completed from both sides of the link,
/// and the interventions linked.
pub async fn linked(
    app: &App,
    who: &Principal,
    plans: Vec<CommitmentPlan>,
) -> Result<(Vec<CommitmentPlan>, Vec<Stored<Intervention>>), AppError> {
    check_read(who)?;
    Ok(super::linked(app.store.as_ref(), plans).await?)
}

/// Version 0 registers a new agreement that replaces the current one (which joins its earlier
/// agreements); the current version changes the current agreement. Returns whether it was
/// created.
pub async fn put_agreement(
    app: &App,
    who: &Principal,
    version: i64,
    data: &Agreement,
) -> Result<(bool, Stored<Agreement>), AppError> {
    check_write(app, who, Some(data)).await?;
    let store = app.store.as_ref();
    if version == 0 {
        let stored = super::create_agreement(store, &who.actor(), who.organisation(), data).await?;
        return Ok((true, stored));
    }
    let current = super::require_agreement(store).await?;
    let stored =
        super::update_agreement(store, &who.actor(), current.meta.id, version, data).await?;
    Ok((false, stored))
}

/// A new commitment plan, checked against the current agreement (one per year).
pub async fn create_plan(
    app: &App,
    who: &Principal,
    plan: &CommitmentPlan,
) -> Result<Stored<CommitmentPlan>, AppError> {
    check_write(app, who, None).await?;
    Ok(super::create_plan(app.store.as_ref(), &who.actor(), who.organisation(), plan).await?)
}

/// A changed commitment plan, checked like a new one.
pub async fn update_plan(
    app: &App,
    who: &Principal,
    id: i64,
    version: i64,
    plan: &CommitmentPlan,
) -> Result<Stored<CommitmentPlan>, AppError> {
    check_write(app, who, None).await?;
    get::<CommitmentPlan>(app, who, id).await?;
    Ok(super::update_plan(app.store.as_ref(), &who.actor(), id, version, plan).await?)
}

/// Last year's plan copied as a draft for `year`.
pub async fn copy_last_years_plan(
    app: &App,
    who: &Principal,
    year: i16,
) -> Result<Stored<CommitmentPlan>, AppError> {
    check_write(app, who, None).await?;
    Ok(
        super::copy_last_years_plan(app.store.as_ref(), &who.actor(), who.organisation(), year)
            .await?,
    )
}

/// The communication plan: the first one stored (the partnership keeps one).
pub async fn communication_plan(
    app: &App,
    who: &Principal,
) -> Result<Option<Stored<CommunicationPlan>>, AppError> {
    check_read(who)?;
    Ok(records::list::<CommunicationPlan>(app.store.as_ref())
        .await?
        .into_iter()
        .min_by_key(|p| p.meta.id))
}

/// Version 0 creates the communication plan (if there is none), the current version changes
/// it. Returns whether it was created.
pub async fn put_communication_plan(
    app: &App,
    who: &Principal,
    version: i64,
    data: &CommunicationPlan,
) -> Result<(bool, Stored<CommunicationPlan>), AppError> {
    check_write(app, who, None).await?;
    match communication_plan(app, who).await? {
        None if version == 0 => Ok((true, create(app, who, data).await?)),
        None => Err(AppError::NotFound(
            "No communication plan is stored yet; send version 0 to create it.".into(),
        )),
        Some(p) if version == 0 => Err(AppError::Conflict(format!(
            "There is already a communication plan (version {}); send the version you read to change it.",
            p.meta.version
        ))),
        Some(p) => Ok((false, update(app, who, p.meta.id, version, data).await?)),
    }
}
