//! `trygg demo`: fills an empty database with a demo partnership so a newcomer can look around.
//!
//! The parties and accounts are fixed; the city comes from `trygg-demo`: approximate districts of
//! Uppsala and years of seeded incidents up to today, with one planted intervention to find.

use anyhow::Context;
use serde_json::json;
use trygg_app::ingest::Ingest;
use trygg_demo::{DemoConfig, DemoOrganisations};
use trygg_domain::{Actor, NewOrganisation, NewUser, OrgKind, Organisation, Role};
use trygg_import::polisen::PolisenOptions;
use trygg_store::BatchAudit;

/// Uppsala kommun's boundary (SCB, generalised); see `assets/SOURCE.md`.
const UPPSALA_KOMMUN: &[u8] = include_bytes!("../assets/scb_uppsala_kommun_0380_wgs84.geojson");
/// 2 550 real Polisen events for Uppsala län, 2023-03…2026-08; see `assets/SOURCE.md`.
const POLISEN_SAMPLE: &[u8] =
    include_bytes!("../assets/polisen_uppsala_lan_2023-03_to_2026-08.json");

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
    ("styrgrupp@demo", "Styrgruppsledamot", 0, &[Role::Steering]),
];

/// Makes sure the demo data is there; returns the text to print for the newcomer.
/// `scale` multiplies the generated city's intensity (1 = the usual demo).
/// `token_file` keeps the demo's API token beside the database, so each start reuses it while
/// it is valid (the database holds only its hash).
pub async fn ensure(
    ingest: &Ingest,
    scale: f64,
    token_file: Option<&std::path::Path>,
) -> anyhow::Result<String> {
    let store = ingest.store();
    let actor = Actor::system("demo");
    let orgs = store.list_organisations().await?;
    let orgs = if orgs.is_empty() {
        fill(ingest, &actor, scale)
            .await
            .context("filling the demo database")?
    } else {
        orgs
    };
    let analyst = store.user_credentials("analytiker@demo").await?.context(
        "this database has data but no demo accounts; start the demo with an empty --database",
    )?;
    let token = demo_token(store.as_ref(), &actor, analyst.user.id, token_file).await?;
    let all = trygg_domain::IncidentFilter {
        scope: trygg_domain::Scope::All,
        limit: 1,
        ..Default::default()
    };
    let incidents = store.list_incidents(&all).await?.total;
    let areas = store.list_areas().await?;
    let districts = areas
        .iter()
        .filter(|a| a.kind == trygg_domain::AreaKind::District)
        .count();
    let mut banner = format!(
        "Demo city: Uppsala kommun, {incidents} incidents, {districts} approximate districts\n"
    );
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
    if let Some(path) = token_file {
        banner.push_str(&format!(
            "\n  (kept in {}; the next start reuses it while it is valid)",
            path.display()
        ));
    }
    Ok(banner)
}

/// The demo's API token: the one in `token_file` if it still opens the API as the analyst,
/// else a new one for 90 days (earlier demo tokens revoked), written to `token_file`.
async fn demo_token(
    store: &dyn trygg_store::Store,
    actor: &Actor,
    analyst: trygg_domain::UserId,
    token_file: Option<&std::path::Path>,
) -> anyhow::Result<String> {
    use trygg_app::credentials::{generate_token, hash_token};
    let now = jiff::Timestamp::now();
    if let Some(kept) = token_file.and_then(|p| std::fs::read_to_string(p).ok()) {
        let kept = kept.trim();
        if let Some(u) = store.user_by_token_hash(&hash_token(kept), now).await?
            && u.id == analyst
        {
            return Ok(kept.to_string());
        }
    }
    for t in store.list_api_tokens().await? {
        if t.user_id == analyst && t.name == "demo" && t.revoked_at.is_none() {
            store.revoke_api_token(actor, t.id).await?;
        }
    }
    let token = generate_token();
    store
        .create_api_token(
            actor,
            analyst,
            "demo",
            &hash_token(&token),
            now + jiff::SignedDuration::from_hours(24 * 90),
        )
        .await?;
    if let Some(path) = token_file {
        write_private(path, &token)
            .with_context(|| format!("cannot keep the demo token in {}", path.display()))?;
    }
    Ok(token)
}

/// Writes `text` to `path`, readable by its owner only.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

async fn fill(ingest: &Ingest, actor: &Actor, scale: f64) -> anyhow::Result<Vec<Organisation>> {
    let store = ingest.store();
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
    let hash = trygg_app::credentials::Password::demo().hash()?;
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

    // Areas first: the real kommun boundary and the approximate districts.
    let mut config = DemoConfig::new(DemoOrganisations {
        kommun: orgs[0].id,
        police: orgs[1].id,
        housing: orgs[2].id,
    });
    config.end = jiff::Zoned::now().date();
    config.scale = scale;
    let mut city = trygg_demo::generate(&config);
    let mut areas = trygg_import::areas::read_areas_geojson(UPPSALA_KOMMUN, None, None, None)
        .map_err(|e| anyhow::anyhow!("embedded kommun boundary: {e}"))?;
    areas.extend(city.districts.iter().map(|d| d.area.clone()));
    ingest.import_areas(actor, areas).await?;

    // The generated city, in batches, each assigned to its areas by the area index.
    let total = city.incidents.len();
    let mut incidents = std::mem::take(&mut city.incidents).into_iter().peekable();
    while incidents.peek().is_some() {
        let batch: Vec<_> = incidents.by_ref().take(20_000).collect();
        ingest
            .write(
                actor,
                batch,
                BatchAudit::Batch(json!({ "source": "demo city", "seed": config.seed })),
            )
            .await?;
    }

    // The real Polisen sample for Uppsala län, as an extra source.
    let polisen = trygg_import::polisen::parse_polisen(
        POLISEN_SAMPLE,
        PolisenOptions {
            source_org: trygg_domain::OrganisationId(0),
        },
    )
    .map_err(|e| anyhow::anyhow!("embedded Polisen sample: {e}"))?;
    let imported = polisen.incidents.len();
    ingest
        .import_batch(actor, polisen, trygg_app::ingest::Filing::PolisenFeed)
        .await?;
    tracing::info!(generated = total, polisen = imported, planted = %city.planted.name, "demo city stored");

    store_indicators(store.as_ref(), actor, orgs[0].id, &city, config.end.year()).await?;
    let gottsunda = store_worked_example(ingest, actor, &city, &config).await?;
    store_partnership(store.as_ref(), actor, orgs[0].id, gottsunda).await?;
    Ok(orgs)
}

/// The demo's invented, labelled indicators (population per district, a survey share for two
/// years) as records, each district named by its demo code.
async fn store_indicators(
    store: &dyn trygg_store::Store,
    actor: &Actor,
    kommun: trygg_domain::OrganisationId,
    city: &trygg_demo::DemoCity,
    end_year: i16,
) -> anyhow::Result<()> {
    let areas = store.list_areas().await?;
    for v in trygg_demo::indicators::indicators(city, end_year) {
        let Some(area) = areas
            .iter()
            .find(|a| a.code.as_deref() == Some(v.area.as_str()))
        else {
            anyhow::bail!("the demo district {} is missing", v.area);
        };
        let id = area.id;
        trygg_store::records::create(store, actor, kommun, &v.with_area(id)).await?;
    }
    Ok(())
}

/// The planted intervention as a worked example of the cycle: problem, cause analysis,
/// intervention with resources per party, its follow-up computed and approved, and three weekly
/// meetings with an open action carried over. Returns the intervention's record id.
async fn store_worked_example(
    ingest: &Ingest,
    actor: &Actor,
    city: &trygg_demo::DemoCity,
    config: &DemoConfig,
) -> anyhow::Result<i64> {
    use trygg_domain::cycle::FollowUp;
    use trygg_store::records;
    let store = ingest.store().as_ref();
    let areas = store.list_areas().await?;
    let Some(mut example) =
        trygg_demo::cycle::worked_example(city, &config.organisations, config.end, |code| {
            areas
                .iter()
                .find(|a| a.code.as_deref() == Some(code))
                .map(|a| a.id)
        })
    else {
        anyhow::bail!("the planted districts are missing");
    };
    let kommun = config.organisations.kommun;
    let problem = records::create(store, actor, kommun, &example.problem).await?;
    example.link(problem.meta.id);
    records::create(store, actor, kommun, &example.analysis).await?;
    let intervention = records::create(store, actor, kommun, &example.intervention).await?;
    let tz = ingest
        .live()
        .with(&Default::default(), |snap, _| snap.time_zone().clone());
    let input = trygg_app::followup::Input {
        categories: example.problem.definition.category_codes(),
        treated: example.intervention.treated_areas.clone(),
        control: example.intervention.control_areas.clone(),
        buffer: example.intervention.buffer_areas.clone(),
        start: example.intervention.start,
        end: example.intervention.end,
        today: config.end,
        now: jiff::Timestamp::now(),
        // Approved follow-ups count the shared picture only, like every approval.
        scope: trygg_domain::Scope::Shared,
    };
    let result = trygg_app::followup::compute(ingest.live(), &tz, &input);
    let mut evaluation = serde_json::to_value(&result)?;
    evaluation["status"] = json!("approved");
    records::create(
        store,
        actor,
        kommun,
        &FollowUp {
            intervention_id: trygg_domain::cycle::Id::new(intervention.meta.id),
            evaluation,
            approved_at: jiff::Timestamp::now(),
            approved_by: "Utvecklingsledare (demo)".into(),
            comment: "Godkänd på styrgruppens möte; effekten kvarstår efter 12 månader.".into(),
        },
    )
    .await?;
    let mut previous: Option<(i64, trygg_domain::cycle::Meeting)> = None;
    for k in 0..example.meetings.len() {
        let meeting = example.meeting(k, previous.as_ref().map(|(id, m)| (*id, m)));
        let stored = records::create(store, actor, kommun, &meeting).await?;
        previous = Some((stored.meta.id, meeting));
    }
    // One line at info; the verdict is a paragraph, for whoever asks for debug.
    tracing::info!(
        months = result.months,
        meetings = example.meetings.len(),
        "demo worked example stored"
    );
    tracing::debug!(verdict = %result.verdict_sv, "demo worked example's verdict");
    Ok(intervention.meta.id)
}

/// The seed's partnership as records: the agreement 2020–2023, its bodies and a few styrgrupp
/// meetings, the collaboration forms, the plans 2020–2023 (the 2022 commitment linked to the
/// worked example's intervention `gottsunda`), a citizen promise and the communication plan.
async fn store_partnership(
    store: &dyn trygg_store::Store,
    actor: &Actor,
    kommun: trygg_domain::OrganisationId,
    gottsunda: i64,
) -> anyhow::Result<()> {
    use trygg_demo::partnership as seed;
    use trygg_store::records;
    records::create(store, actor, kommun, &seed::agreement()).await?;
    records::create(store, actor, kommun, &seed::steering_group()).await?;
    for body in seed::other_bodies() {
        records::create(store, actor, kommun, &body).await?;
    }
    for meeting in seed::steering_meetings() {
        records::create(store, actor, kommun, &meeting).await?;
    }
    for form in seed::collaboration_forms() {
        records::create(store, actor, kommun, &form).await?;
    }
    for mut plan in seed::followed_up_plans() {
        for ids in plan.commitments.iter_mut().map(|c| &mut c.interventions) {
            for id in ids
                .iter_mut()
                .filter(|id| *id == seed::GOTTSUNDA_INTERVENTION)
            {
                *id = gottsunda.to_string();
            }
        }
        trygg_app::partnership::create_plan(store, actor, kommun, &plan).await?;
    }
    for promise in seed::citizen_promises() {
        records::create(store, actor, kommun, &promise).await?;
    }
    records::create(store, actor, kommun, &seed::communication_plan()).await?;
    Ok(())
}
