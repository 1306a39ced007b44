//! The partnership's own categories (`/admin/kategorier`, `/api/v1/categories`,
//! `trygg categories`): an administrator adds a sub-category under one of the standard groups,
//! and may change its labels; codes are stable, so nothing is removed. Each is an audited
//! record of kind `category` and, once stored, part of the process-wide taxonomy
//! ([`trygg_domain::own_category`]): [`load`] registers the stored ones when the app starts and
//! after every change, and `follow` does so when another server or a CLI run adds one.
//!
//! Who may change the taxonomy (own categories and synonyms, [`check_write`]): an administrator
//! ([`Permission::ManageAccounts`]) of an organisation that is a party to the current agreement,
//! once one is stored (before, the permission alone), because the categories are the whole
//! partnership's, not one organisation's.

use trygg_domain::own_category::{self, OwnCategory};
use trygg_domain::{Actor, OrganisationId, Permission, Taxonomy, cycle::Record, policy};
use trygg_store::{Store, records, records::Stored};

use crate::{App, AppError, Principal, reference::organisation_name};

/// `Ok` when the principal may change the partnership's categories and synonyms: an
/// administrator, of a party to the current agreement when one is stored.
pub async fn check_write(app: &App, who: &Principal) -> Result<(), AppError> {
    who.check(Permission::ManageAccounts)?;
    let Some(agreement) = crate::partnership::agreement(app.store.as_ref()).await? else {
        return Ok(());
    };
    let parties: Vec<&str> = agreement
        .data
        .parties
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let name = organisation_name(app, who.organisation()).await;
    policy::check_party(who.roles(), &name, &parties).map_err(AppError::Forbidden)
}

/// Every stored own category, by id.
pub async fn list(app: &App, who: &Principal) -> Result<Vec<Stored<OwnCategory>>, AppError> {
    who.check(Permission::ManageAccounts)?;
    Ok(records::list::<OwnCategory>(app.store.as_ref()).await?)
}

/// What an administrator gives for a new category.
#[derive(Debug, Clone, Default)]
pub struct NewCategory {
    /// The group's code (`ordning`).
    pub group: String,
    /// The code; derived from the Swedish label under the group when empty.
    pub code: Option<String>,
    /// Swedish label.
    pub label_sv: String,
    /// English label.
    pub label_en: String,
}

impl NewCategory {
    /// The record to store: the code as given or derived, checked against the group.
    fn to_record(&self) -> Result<OwnCategory, AppError> {
        let group = self.group.trim();
        if Taxonomy.groups().all(|g| g.code != group) {
            return Err(AppError::Invalid(trygg_domain::ValidationError::new(
                trygg_domain::ErrorCode::UnknownCategory,
                "group",
                format!(
                    "{group:?} is not a group. Nearest groups: {} (okänd grupp; välj en av \
                     standardgrupperna).",
                    Taxonomy.nearest_group(group, 3).join(", ")
                ),
            )));
        }
        let code = match self.code.as_deref().map(str::trim) {
            Some(c) if !c.is_empty() => c.to_string(),
            _ => OwnCategory::derive_code(group, &self.label_sv),
        };
        if !code.starts_with(&format!("{group}.")) {
            return Err(AppError::invalid(
                "code",
                format!(
                    "{code:?} is not under the group {group:?}: start it with \"{group}.\" \
                     (koden ska börja med \"{group}.\")."
                ),
            ));
        }
        Ok(OwnCategory {
            code,
            label_sv: self.label_sv.trim().to_string(),
            label_en: self.label_en.trim().to_string(),
        })
    }
}

/// Stores a new own category and adds it to the taxonomy. Refused: an unknown group (naming the
/// nearest), a code not under it, of the wrong form or already there, labels empty, too long or
/// failing the text guard.
pub async fn add(
    app: &App,
    who: &Principal,
    new: &NewCategory,
) -> Result<Stored<OwnCategory>, AppError> {
    check_write(app, who).await?;
    store_new(app, &who.actor(), who.organisation(), new).await
}

/// [`add`] without the principal's checks, by `actor` on behalf of `organisation`.
async fn store_new(
    app: &App,
    actor: &Actor,
    organisation: OrganisationId,
    new: &NewCategory,
) -> Result<Stored<OwnCategory>, AppError> {
    let c = new.to_record()?;
    c.validate()?;
    let stored = records::list::<OwnCategory>(app.store.as_ref()).await?;
    if stored.iter().any(|s| s.data.code == c.code) {
        return Err(AppError::Conflict(format!(
            "The category {} exists already: choose another code, or change its labels (koden \
             finns redan).",
            c.code
        )));
    }
    let created = records::create(app.store.as_ref(), actor, organisation, &c).await?;
    own_category::register(&created.data)?;
    Ok(created)
}

/// Changes the labels of the own category `id` (its code never changes).
pub async fn relabel(
    app: &App,
    who: &Principal,
    id: i64,
    label_sv: &str,
    label_en: &str,
) -> Result<Stored<OwnCategory>, AppError> {
    check_write(app, who).await?;
    let had = records::get::<OwnCategory>(app.store.as_ref(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Category {id} does not exist.")))?;
    let c = OwnCategory {
        code: had.data.code,
        label_sv: label_sv.trim().to_string(),
        label_en: label_en.trim().to_string(),
    };
    let updated =
        records::update(app.store.as_ref(), &who.actor(), id, had.meta.version, &c).await?;
    own_category::register(&updated.data)?;
    Ok(updated)
}

/// Registers every stored own category in the taxonomy: at start (`Ingest::load`, before the
/// snapshot), and when the change feed shows a `category` record written elsewhere. One that
/// no longer validates is logged and left out (the rest still load).
pub async fn load(store: &dyn Store) -> Result<(), trygg_store::StoreError> {
    for c in records::list::<OwnCategory>(store).await? {
        if let Err(e) = own_category::register(&c.data) {
            tracing::error!(id = c.meta.id, code = %c.data.code, error = %e, "stored category left out of the taxonomy");
        }
    }
    Ok(())
}

/// The operator's tools at the server's console (`trygg categories`), audited as `actor`.
pub mod console {
    use super::*;

    /// Every stored own category.
    pub async fn list(app: &App) -> Result<Vec<Stored<OwnCategory>>, AppError> {
        Ok(records::list::<OwnCategory>(app.store.as_ref()).await?)
    }

    /// Adds an own category on behalf of the organisation named `organisation`.
    pub async fn add(
        app: &App,
        actor: &Actor,
        organisation: &str,
        new: &NewCategory,
    ) -> Result<Stored<OwnCategory>, AppError> {
        let org = crate::reference::organisation_named(app, organisation).await?;
        store_new(app, actor, org, new).await
    }
}
