//! `trygg demo`: fills an empty database with a demo partnership so a newcomer can look around.
//!
//! The parties and accounts are fixed. Until the generated demo city lands (intake issue), the
//! incidents are a small fixed set around real Uppsala places in the weeks before today.

use anyhow::Context;
use jiff::{Timestamp, ToSpan};
use trygg_domain::{
    Actor, Channel, NewIncident, NewOrganisation, NewUser, OrgKind, Organisation, PlaceType,
    Position, Precision, Role, Visibility,
};
use trygg_store::{AssignedIncident, Store};

/// The demo accounts: e-mail, display name, organisation index, roles. All have password `demo`.
const ACCOUNTS: &[(&str, &str, usize, &[Role])] = &[
    ("admin@demo", "Administratör", 0, &[Role::Admin]),
    ("samordnare@demo", "Utvecklingsledare", 0, &[Role::Coordinator]),
    ("analytiker@demo", "Analytiker", 0, &[Role::Analyst]),
    ("rapportor@demo", "Fältassistent", 0, &[Role::Reporter]),
];

/// Real places in Uppsala (WGS84) used by the fixed demo set.
const PLACES: &[(&str, f64, f64, PlaceType)] = &[
    ("Stora torget", 59.858_6, 17.638_9, PlaceType::Street),
    ("Uppsala resecentrum", 59.858_5, 17.646_6, PlaceType::PublicTransport),
    ("Gottsunda centrum", 59.806_8, 17.613_3, PlaceType::Shopping),
    ("Gränby centrum", 59.877_1, 17.674_5, PlaceType::Shopping),
    ("Flogsta", 59.851_6, 17.587_4, PlaceType::Residential),
    ("Vaksala torg", 59.860_9, 17.652_3, PlaceType::Street),
];

const CATEGORIES: &[&str] = &[
    "samling.utomhus",
    "skadegorelse.klotter",
    "ordning.brak",
    "otrygg-plats.belysning",
    "skadegorelse.glaskross",
    "ordning.narkotika",
];

/// Makes sure the demo data is there; returns the text to print for the newcomer.
pub async fn ensure(store: &dyn Store) -> anyhow::Result<String> {
    let actor = Actor::system("demo");
    let orgs = store.list_organisations().await?;
    let orgs = if orgs.is_empty() {
        fill(store, &actor).await.context("filling the demo database")?
    } else {
        orgs
    };
    let analyst = store
        .user_credentials("analytiker@demo")
        .await?
        .context("this database has data but no demo accounts; start the demo with an empty --database")?;
    let token = trygg_web::auth::generate_token();
    store
        .create_api_token(&actor, analyst.user.id, "demo", &trygg_web::auth::hash_token(&token))
        .await?;
    let mut banner = format!("Demo partnership: {}\nAccounts (password: demo):\n", orgs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>().join(", "));
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
        ("Lokalpolisområde Uppsala/Knivsta", OrgKind::Lokalpolisomrade),
        ("Uppsalahem", OrgKind::Partner),
    ] {
        orgs.push(store.create_organisation(actor, NewOrganisation { name: name.into(), kind, parent_id: None }).await?);
    }
    let hash = trygg_web::auth::hash_password("demo")?;
    for (email, name, org, roles) in ACCOUNTS {
        store
            .create_user(
                actor,
                NewUser { email: (*email).into(), display_name: (*name).into(), organisation_id: orgs[*org].id, roles: roles.to_vec() },
                Some(hash.clone()),
            )
            .await?;
    }
    let now = Timestamp::now();
    let mut incidents = Vec::new();
    for k in 0..48_i64 {
        let (place, lat, lon, place_type) = PLACES[(k as usize) % PLACES.len()];
        let offset = (k as f64 * 0.000_37) % 0.002;
        let occurred_from = now - (k * 7).hours() - 1.hours();
        incidents.push(AssignedIncident {
            incident: NewIncident {
                occurred_from,
                occurred_to: None,
                reported_at: Some(occurred_from + 2.hours()),
                category: CATEGORIES[(k as usize) % CATEGORIES.len()].into(),
                place_type: Some(place_type),
                position: Some(Position::from_wgs84(lat + offset, lon - offset, Precision::Exact)?),
                place: Some(place.into()),
                source_org: orgs[(k as usize) % 3].id,
                channel: if k % 3 == 1 { Channel::Import } else { Channel::Est },
                external_id: None,
                description: Some(format!("Demohändelse {k} vid {place}.")),
                visibility: if k % 11 == 5 { Visibility::Internal } else { Visibility::Shared },
                report_id: None,
                created_by: None,
            },
            areas: Vec::new(),
        });
    }
    store.write_incidents(actor, incidents, false).await?;
    Ok(orgs)
}
