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

/// The id of the organisation named `name` (ignoring case and surrounding space); `NotFound`
/// listing the stored names otherwise (for the console's tools, which act on its behalf).
pub async fn organisation_named(app: &App, name: &str) -> Result<OrganisationId, AppError> {
    let orgs = app.store.list_organisations().await?;
    let wanted = name.trim().to_lowercase();
    orgs.iter()
        .find(|o| o.name.to_lowercase() == wanted)
        .map(|o| o.id)
        .ok_or_else(|| {
            let names: Vec<&str> = orgs.iter().map(|o| o.name.as_str()).collect();
            AppError::NotFound(format!(
                "No organisation is named {name:?}; the stored ones are: {}.",
                names.join(", ")
            ))
        })
}

/// Every stored area (kommuner, districts, DeSO, custom), by id.
pub async fn areas(app: &App, who: &Principal) -> Result<Vec<Area>, AppError> {
    who.check(Permission::ReadReference)?;
    Ok(app.store.list_areas().await?)
}
