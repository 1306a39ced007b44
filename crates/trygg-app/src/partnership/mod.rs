//! The partnership's records (agreement, bodies, collaboration forms, commitment plans, citizen
//! promises, communication plan) as the web app and the CLI read and write them, with the rules
//! that span records: a plan is checked against the stored agreement, there is one plan per
//! year, and an intervention's `commitment_ref` links it to a commitment just like the
//! commitment's own list of interventions does.
//!
//! Everything goes through `trygg_store::records`, so every write is validated, versioned and
//! audited with the actor.

pub mod cases;

use trygg_domain::cycle::{Intervention, Problem, Record};
use trygg_domain::partnership::{Agreement, CommitmentPlan, EarlierAgreement};
use trygg_domain::{Actor, ErrorCode, OrganisationId, ValidationError};
use trygg_store::records::{self, Stored};
use trygg_store::{Store, StoreError};

/// The current agreement: the stored one whose period ends last (`None` before one is stored).
pub async fn agreement(store: &dyn Store) -> Result<Option<Stored<Agreement>>, StoreError> {
    Ok(records::list::<Agreement>(store)
        .await?
        .into_iter()
        .max_by_key(|a| (a.data.to_year, a.data.from_year, a.meta.id)))
}

/// The current agreement, or `NotFound` naming it.
pub async fn require_agreement(store: &dyn Store) -> Result<Stored<Agreement>, StoreError> {
    agreement(store).await?.ok_or(StoreError::NotFound {
        entity: "agreement",
        id: "current".into(),
    })
}

/// The current agreement as an entry of a new agreement's `earlier` list.
pub fn as_earlier(a: &Agreement) -> EarlierAgreement {
    EarlierAgreement {
        label: a.title.clone(),
        from_year: a.from_year,
        to_year: a.to_year,
        note: a.case_number.clone(),
    }
}

/// Stores a new agreement that replaces the current one: it must start no earlier than the
/// year the current one ends (so it ends later and becomes the current one, see
/// [`agreement`]), and the current one is added to its earlier agreements unless listed.
pub async fn create_agreement(
    store: &dyn Store,
    actor: &Actor,
    organisation: OrganisationId,
    new: &Agreement,
) -> Result<Stored<Agreement>, StoreError> {
    let mut new = new.clone();
    if let Some(current) = agreement(store).await? {
        let old = &current.data;
        if new.from_year < old.to_year {
            return Err(StoreError::Invalid(ValidationError::new(
                ErrorCode::Invalid,
                "from_year",
                format!(
                    "The new agreement replaces the current one ({}–{}): let it start in {} or later, or change the current one instead.",
                    old.from_year, old.to_year, old.to_year
                ),
            )));
        }
        if !new
            .earlier
            .iter()
            .any(|e| e.from_year == old.from_year && e.to_year == old.to_year)
        {
            new.earlier.push(as_earlier(old));
            new.earlier.sort_by_key(|e| (e.from_year, e.to_year));
        }
    }
    records::create(store, actor, organisation, &new).await
}

/// Updates the current agreement (`id` must be it) at `version`; it must stay the current one
/// (no other stored agreement may end after it starts).
pub async fn update_agreement(
    store: &dyn Store,
    actor: &Actor,
    id: i64,
    version: i64,
    a: &Agreement,
) -> Result<Stored<Agreement>, StoreError> {
    let all = records::list::<Agreement>(store).await?;
    if !all.iter().any(|x| x.meta.id == id) {
        return Err(StoreError::NotFound {
            entity: "agreement",
            id: id.to_string(),
        });
    }
    if let Some(later) = all
        .iter()
        .filter(|x| x.meta.id != id)
        .find(|x| x.data.to_year > a.from_year)
    {
        return Err(StoreError::Invalid(ValidationError::new(
            ErrorCode::Invalid,
            "from_year",
            format!(
                "Another stored agreement runs until {}: this one must start in {} or later.",
                later.data.to_year, later.data.to_year
            ),
        )));
    }
    records::update(store, actor, id, version, a).await
}

/// The stored commitment plans within the agreement's period, by year.
pub async fn plans(
    store: &dyn Store,
    agreement: &Agreement,
) -> Result<Vec<Stored<CommitmentPlan>>, StoreError> {
    let mut plans: Vec<_> = records::list::<CommitmentPlan>(store)
        .await?
        .into_iter()
        .filter(|p| (agreement.from_year..=agreement.to_year).contains(&p.data.year))
        .collect();
    plans.sort_by_key(|p| p.data.year);
    Ok(plans)
}

/// A commitment of a stored plan, as an intervention can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentRef {
    /// The plan's year.
    pub year: i16,
    /// The commitment's id (an intervention's `commitment_ref`).
    pub id: String,
    /// Its title.
    pub title: String,
}

/// Every commitment of every stored plan, by year and then as listed in its plan.
pub async fn commitments(store: &dyn Store) -> Result<Vec<CommitmentRef>, StoreError> {
    let mut plans = records::list::<CommitmentPlan>(store).await?;
    plans.sort_by_key(|p| p.data.year);
    Ok(plans
        .into_iter()
        .flat_map(|p| {
            let year = p.data.year;
            p.data.commitments.into_iter().map(move |c| CommitmentRef {
                year,
                id: c.id,
                title: c.title,
            })
        })
        .collect())
}

/// Every record of kind `T` the whole partnership reads (shared, not internal): what the
/// partnership's plans and reports count.
pub async fn shared<T: Record>(store: &dyn Store) -> Result<Vec<Stored<T>>, StoreError> {
    Ok(records::list::<T>(store)
        .await?
        .into_iter()
        .filter(|r| r.meta.visibility == trygg_domain::Visibility::Shared)
        .collect())
}

/// The plans with every commitment's interventions completed from the interventions'
/// `commitment_ref` (the link can be made from either side), and the interventions linked.
/// Internal interventions are left out: a plan is the partnership's.
pub async fn linked(
    store: &dyn Store,
    mut plans: Vec<CommitmentPlan>,
) -> Result<(Vec<CommitmentPlan>, Vec<Stored<Intervention>>), StoreError> {
    let all = shared::<Intervention>(store).await?;
    for c in plans.iter_mut().flat_map(|p| &mut p.commitments) {
        for i in &all {
            let id = i.meta.id.to_string();
            if i.data.commitment_ref.as_deref() == Some(c.id.as_str())
                && !c.interventions.contains(&id)
            {
                c.interventions.push(id);
            }
        }
    }
    let used: Vec<Stored<Intervention>> = all
        .into_iter()
        .filter(|i| {
            let id = i.meta.id.to_string();
            plans
                .iter()
                .flat_map(|p| &p.commitments)
                .any(|c| c.interventions.contains(&id))
        })
        .collect();
    Ok((plans, used))
}

/// The categories an intervention counts: those of the problems it targets.
pub async fn intervention_categories(
    store: &dyn Store,
    intervention: &Intervention,
) -> Result<Vec<String>, StoreError> {
    let mut out: Vec<String> = Vec::new();
    for id in &intervention.problem_ids {
        if let Some(p) = records::get::<Problem>(store, id.raw).await? {
            for c in p.data.definition.categories {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
    }
    Ok(out)
}

fn conflict_year(year: i16) -> StoreError {
    StoreError::Conflict(format!(
        "There is already a commitment plan for {year}; open it and change it instead."
    ))
}

/// Creates a plan after checking it against the current agreement (one plan per year).
pub async fn create_plan(
    store: &dyn Store,
    actor: &Actor,
    organisation: OrganisationId,
    plan: &CommitmentPlan,
) -> Result<Stored<CommitmentPlan>, StoreError> {
    let agreement = require_agreement(store).await?;
    plan.validate(&agreement.data)?;
    if records::list::<CommitmentPlan>(store)
        .await?
        .iter()
        .any(|p| p.data.year == plan.year)
    {
        return Err(conflict_year(plan.year));
    }
    records::create(store, actor, organisation, plan).await
}

/// Updates a plan at `version` after checking it against the current agreement.
pub async fn update_plan(
    store: &dyn Store,
    actor: &Actor,
    id: i64,
    version: i64,
    plan: &CommitmentPlan,
) -> Result<Stored<CommitmentPlan>, StoreError> {
    let agreement = require_agreement(store).await?;
    plan.validate(&agreement.data)?;
    if records::list::<CommitmentPlan>(store)
        .await?
        .iter()
        .any(|p| p.data.year == plan.year && p.meta.id != id)
    {
        return Err(conflict_year(plan.year));
    }
    records::update(store, actor, id, version, plan).await
}

/// Copies last year's plan as a draft for `year` (see [`CommitmentPlan::copy_as_draft`]).
pub async fn copy_last_years_plan(
    store: &dyn Store,
    actor: &Actor,
    organisation: OrganisationId,
    year: i16,
) -> Result<Stored<CommitmentPlan>, StoreError> {
    let previous = records::list::<CommitmentPlan>(store)
        .await?
        .into_iter()
        .find(|p| p.data.year == year - 1)
        .ok_or_else(|| StoreError::NotFound {
            entity: "commitment_plan",
            id: (year - 1).to_string(),
        })?;
    create_plan(
        store,
        actor,
        organisation,
        &previous.data.copy_as_draft(year),
    )
    .await
}
