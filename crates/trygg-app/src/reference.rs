//! Reference data every signed-in user reads ([`Permission::ReadReference`]): the
//! organisations of the partnership and the areas incidents are counted in.

use trygg_domain::{Area, Organisation, OrganisationId, Permission};

use crate::{App, AppError, Principal};

/// Every organisation, by id (reference data every signed-in user reads).
pub async fn organisations(app: &App, who: &Principal) -> Result<Vec<Organisation>, AppError> {
    who.check(Permission::ReadReference)?;
    Ok(app.store.list_organisations().await?)
}

/// The name of organisation `id`, or "organisation N" when it is unknown.
pub async fn organisation_name(app: &App, id: OrganisationId) -> String {
    app.store
        .list_organisations()
        .await
        .ok()
        .and_then(|orgs| orgs.into_iter().find(|o| o.id == id).map(|o| o.name))
        .unwrap_or_else(|| format!("organisation {id}"))
}

/// Every stored area (kommuner, districts, DeSO, custom), by id.
pub async fn areas(app: &App, who: &Principal) -> Result<Vec<Area>, AppError> {
    who.check(Permission::ReadReference)?;
    Ok(app.store.list_areas().await?)
}
