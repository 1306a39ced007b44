//! `trygg demo`: fills an empty database with a demo partnership so a newcomer can look around.
//!
//! The parties and accounts are fixed; the city comes from `trygg-demo`: approximate districts of
//! Uppsala and years of seeded incidents up to today, with one planted intervention to find.

use anyhow::Context;
use std::collections::HashMap;

use trygg_demo::{DemoConfig, DemoOrganisations};
use trygg_domain::{Actor, NewOrganisation, NewUser, OrgKind, Organisation, Role};
use trygg_store::{AssignedIncident, Store};

/// The demo accounts: e-mail, display name, organisation index, roles. All have password `demo`.
const ACCOUNTS: &[(&str, &str, usize, &[Role])] = &[
    ("admin@demo", "Administratör", 0, &[Role::Admin]),
    (
        "samordnare@demo",
        "Utvecklingsledare",
        0,
        &[Role::Coordinator],
    ),
    ("analytiker@demo", "Analytiker", 0, &[Role::Analyst]),
    ("rapportor@demo", "Fältassistent", 0, &[Role::Reporter]),
];

/// Makes sure the demo data is there; returns the text to print for the newcomer.
pub async fn ensure(store: &dyn Store) -> anyhow::Result<String> {
    let actor = Actor::system("demo");
    let orgs = store.list_organisations().await?;
    let orgs = if orgs.is_empty() {
        fill(store, &actor)
            .await
            .context("filling the demo database")?
    } else {
        orgs
    };
    let analyst = store.user_credentials("analytiker@demo").await?.context(
        "this database has data but no demo accounts; start the demo with an empty --database",
    )?;
    let token = trygg_web::auth::generate_token();
    store
        .create_api_token(
            &actor,
            analyst.user.id,
            "demo",
            &trygg_web::auth::hash_token(&token),
        )
        .await?;
    let all = trygg_domain::IncidentFilter {
        scope: trygg_domain::Scope::All,
        limit: 1,
        ..Default::default()
    };
    let incidents = store.list_incidents(&all).await?.total;
    let districts = store.list_areas().await?.len();
    let mut banner =
        format!("Demo city: Uppsala, {incidents} incidents in {districts} approximate districts\n");
    banner.push_str(&format!(
        "Demo partnership: {}\nAccounts (password: demo):\n",
        orgs.iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for (email, name, _, roles) in ACCOUNTS {
        let roles: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
        banner.push_str(&format!("  {email:<18} {name} ({})\n", roles.join(", ")));
    }
    banner.push_str(&format!("API token (analytiker@demo): {token}"));
    Ok(banner)
}

async fn fill(store: &dyn Store, actor: &Actor) -> anyhow::Result<Vec<Organisation>> {
    let mut orgs = Vec::new();
    for (name, kind) in [
        ("Uppsala kommun", OrgKind::Kommun),
        (
            "Lokalpolisområde Uppsala/Knivsta",
            OrgKind::Lokalpolisomrade,
        ),
        ("Uppsalahem", OrgKind::Partner),
    ] {
        orgs.push(
            store
                .create_organisation(
                    actor,
                    NewOrganisation {
                        name: name.into(),
                        kind,
                        parent_id: None,
                    },
                )
                .await?,
        );
    }
    let hash = trygg_web::auth::hash_password("demo")?;
    for (email, name, org, roles) in ACCOUNTS {
        store
            .create_user(
                actor,
                NewUser {
                    email: (*email).into(),
                    display_name: (*name).into(),
                    organisation_id: orgs[*org].id,
                    roles: roles.to_vec(),
                },
                Some(hash.clone()),
            )
            .await?;
    }
    let mut config = DemoConfig::new(DemoOrganisations {
        kommun: orgs[0].id,
        police: orgs[1].id,
        housing: orgs[2].id,
    });
    config.end = jiff::Zoned::now().date();
    let city = trygg_demo::generate(&config);
    let areas = store
        .create_areas(
            actor,
            city.districts.iter().map(|d| d.area.clone()).collect(),
        )
        .await?;
    let by_code: HashMap<&str, trygg_domain::AreaId> = city
        .districts
        .iter()
        .zip(&areas)
        .map(|(d, a)| (d.code.as_str(), a.id))
        .collect();
    let total = city.incidents.len();
    let mut batch = Vec::with_capacity(20_000);
    for incident in city.incidents {
        // Area-precision positions (kommun centroids) belong to no district.
        let district = incident
            .position
            .filter(|p| p.precision.is_point())
            .and_then(|p| city.districts.iter().find(|d| d.contains(p.lat, p.lon)))
            .map(|d| by_code[d.code.as_str()]);
        batch.push(AssignedIncident {
            incident,
            areas: district.into_iter().collect(),
        });
        if batch.len() == 20_000 {
            store
                .write_incidents(actor, std::mem::take(&mut batch), false)
                .await?;
        }
    }
    store.write_incidents(actor, batch, false).await?;
    tracing::info!(
        incidents = total,
        districts = areas.len(),
        "demo city stored"
    );
    Ok(orgs)
}
