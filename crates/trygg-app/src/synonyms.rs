//! The partnership's stored category synonyms (`/admin/kategorier`): administrators
//! ([`Permission::ManageAccounts`]) list them, and add and remove them when their organisation
//! is a party to the current agreement ([`crate::categories::check_write`]); every import of a CSV or GeoJSON
//! file reads them as if given with `--category-map` (an explicit mapping wins). Each is an
//! audited record of kind `category_synonym`.

use trygg_domain::synonym::{self, CategorySynonym};
use trygg_domain::{Actor, CategoryMap, OrganisationId, Permission, cycle::Record};
use trygg_store::{Store, records, records::Stored};

use crate::{App, AppError, Principal};

/// Every stored synonym, by id.
pub async fn list(app: &App, who: &Principal) -> Result<Vec<Stored<CategorySynonym>>, AppError> {
    who.check(Permission::ManageAccounts)?;
    Ok(records::list::<CategorySynonym>(app.store.as_ref()).await?)
}

/// Stores `value` → `code`. Refused: an unknown code (naming the nearest), a value that fails
/// the text guard, and a value already stored (remove it first).
pub async fn add(
    app: &App,
    who: &Principal,
    value: &str,
    code: &str,
) -> Result<Stored<CategorySynonym>, AppError> {
    crate::categories::check_write(app, who).await?;
    store_new(app, &who.actor(), who.organisation(), value, code).await
}

/// Checks `value` → `code` as [`add`] would store it, without storing it.
pub fn check(value: &str, code: &str) -> Result<CategorySynonym, AppError> {
    let s = CategorySynonym {
        value: value.trim().to_string(),
        code: code.trim().to_string(),
    };
    s.validate()?;
    Ok(s)
}

/// [`add`] without the principal's checks, by `actor` on behalf of `organisation`.
async fn store_new(
    app: &App,
    actor: &Actor,
    organisation: OrganisationId,
    value: &str,
    code: &str,
) -> Result<Stored<CategorySynonym>, AppError> {
    let s = check(value, code)?;
    if let Some((had, c)) = stored_map(app.store.as_ref()).await?.get(&s.value) {
        return Err(AppError::Conflict(format!(
            "{had:?} is already stored as a synonym of {}: remove it first to change it.",
            c.code
        )));
    }
    Ok(records::create(app.store.as_ref(), actor, organisation, &s).await?)
}

/// Removes the synonym `id`.
pub async fn remove(app: &App, who: &Principal, id: i64) -> Result<(), AppError> {
    crate::categories::check_write(app, who).await?;
    delete(app, &who.actor(), id).await
}

async fn delete(app: &App, actor: &Actor, id: i64) -> Result<(), AppError> {
    records::get::<CategorySynonym>(app.store.as_ref(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Category synonym {id} does not exist.")))?;
    Ok(records::delete::<CategorySynonym>(app.store.as_ref(), actor, id).await?)
}

/// Every stored synonym as a category map, for an import (whoever imports).
pub async fn stored_map(store: &dyn Store) -> Result<CategoryMap, AppError> {
    let stored = records::list::<CategorySynonym>(store).await?;
    Ok(synonym::to_map(stored.iter().map(|s| &s.data)))
}

/// The operator's tools at the server's console (`trygg synonyms`), audited as `actor`.
pub mod console {
    use super::*;

    /// Every stored synonym, by id.
    pub async fn list(app: &App) -> Result<Vec<Stored<CategorySynonym>>, AppError> {
        Ok(records::list::<CategorySynonym>(app.store.as_ref()).await?)
    }

    /// Stores `value` → `code` on behalf of the organisation named `organisation`.
    pub async fn add(
        app: &App,
        actor: &Actor,
        organisation: &str,
        value: &str,
        code: &str,
    ) -> Result<Stored<CategorySynonym>, AppError> {
        let org = crate::reference::organisation_named(app, organisation).await?;
        store_new(app, actor, org, value, code).await
    }

    /// Removes the synonym `id`.
    pub async fn remove(app: &App, actor: &Actor, id: i64) -> Result<(), AppError> {
        delete(app, actor, id).await
    }
}
