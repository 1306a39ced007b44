//! Safety walks over a real (in-memory SQLite) store: a plan, findings from a phone (a second
//! send of a queued one stores nothing new; outside the kommun or at sea refused, nothing
//! stored), routing to two owners through the routing rules, publishing, the closing meeting,
//! the public protocol with only published points, the protocol document, a later walk
//! compared point by point within 25 m, and who is refused.

use std::sync::Arc;

use serde_json::json;
use trygg_app::walks::{self, NewFinding, NewWalk};
use trygg_app::{App, AppError, Clock, Principal, accounts::console, credentials::Password};
use trygg_domain::fix::{FixRoutingRule, FixStatus, Responsible};
use trygg_domain::walk::{FindingKind, OwnerAnswer, ParticipantGroup, Participants};
use trygg_domain::{Actor, AreaKind, NewArea, NewUser, OrgKind, OrganisationId, Role, Scope};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;

const T0: &str = "2026-10-01T18:00:00Z";

fn square(name: &str, kind: AreaKind, (w, s, e, n): (f64, f64, f64, f64)) -> NewArea {
    NewArea {
        name: name.into(),
        code: None,
        kind,
        geometry: json!({"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}),
    }
}

async fn app() -> App {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let app = App::load(store, jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .await
        .unwrap();
    app.ingest
        .import_areas(
            &Actor::system("test"),
            vec![
                square("Uppsala", AreaKind::Kommun, (17.55, 59.78, 17.75, 59.90)),
                square(
                    "Gottsunda",
                    AreaKind::District,
                    (17.60, 59.79, 17.64, 59.82),
                ),
            ],
        )
        .await
        .unwrap();
    app.with_clock(Clock::Fixed(T0.parse().unwrap()))
}

async fn user(app: &App, email: &str, org: &str, roles: &[Role]) -> Principal {
    console::add_user(
        app,
        &Actor::system("test"),
        NewUser {
            email: email.into(),
            display_name: email.into(),
            organisation_id: OrganisationId(0),
            roles: roles.to_vec(),
        },
        org,
        OrgKind::Kommun,
        Some(&Password::new("rätt lösenord").unwrap()),
    )
    .await
    .unwrap()
    .0
    .into()
}

fn plan(date: &str, earlier: Option<i64>) -> NewWalk {
    NewWalk {
        title: "Trygghetsvandring Gottsunda centrum".into(),
        area: None,
        date: date.parse().unwrap(),
        first_meeting: Some("2026-09-10".parse().unwrap()),
        route: vec![(59.806, 17.623), (59.807, 17.625), (59.808, 17.627)],
        invited: vec!["Gatukontoret".into(), " Uppsalahem ".into(), String::new()],
        participants: vec![
            Participants {
                group: ParticipantGroup::Residents,
                count: 11,
            },
            Participants {
                group: ParticipantGroup::Youth,
                count: 0,
            },
            Participants {
                group: ParticipantGroup::Police,
                count: 2,
            },
        ],
        earlier,
    }
}

fn finding(category: &str, (lat, lon): (f64, f64), text: &str, client: &str) -> NewFinding {
    NewFinding {
        kind: FindingKind::Unsafe,
        category: Some(category.into()),
        position: Some((lat, lon)),
        place: None,
        description: text.into(),
        client_id: Some(client.into()),
        recorded_at: None,
        photo: None,
    }
}

/// A 1×1 PNG.
const PNG: [u8; 70] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 96, 248, 95, 15, 0, 2,
    135, 1, 128, 235, 71, 186, 146, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

const TUNNEL: (f64, f64) = (59.8060, 17.6230);
const PARK: (f64, f64) = (59.8070, 17.6250);
const SQUARE: (f64, f64) = (59.8080, 17.6270);

#[tokio::test]
async fn a_walk_from_plan_to_public_protocol_and_a_later_walk_compares() {
    let app = app().await;
    let coord = user(
        &app,
        "samordnare@k.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let steering = user(
        &app,
        "styrgrupp@k.test",
        "Uppsala kommun",
        &[Role::Steering],
    )
    .await;
    let reporter = user(
        &app,
        "rapportor@k.test",
        "Uppsala kommun",
        &[Role::Reporter],
    )
    .await;
    let other = user(
        &app,
        "samordnare@bo.test",
        "Uppsalahem",
        &[Role::Coordinator],
    )
    .await;

    let w = walks::plan(&app, &coord, plan("2026-10-01", None))
        .await
        .unwrap();
    assert_eq!(w.data.invited, ["Gatukontoret", "Uppsalahem"]);
    assert_eq!(w.data.participants.len(), 2, "a group of none is left out");
    assert_eq!(w.data.participant_count(), 13);
    let id = w.meta.id;

    // Findings from the phone; a queued one sent twice is stored once.
    let f1 = walks::record_finding(
        &app,
        &coord,
        id,
        NewFinding {
            photo: Some(PNG.to_vec()),
            ..finding("otrygg-plats.belysning", TUNNEL, "Mörkt i tunneln", "a1")
        },
    )
    .await
    .unwrap();
    assert_eq!(f1.data.photos.len(), 1);
    let again = walks::record_finding(
        &app,
        &coord,
        id,
        finding("otrygg-plats.belysning", TUNNEL, "Mörkt i tunneln", "a1"),
    )
    .await
    .unwrap();
    assert_eq!(again.meta.id, f1.meta.id);
    walks::record_finding(
        &app,
        &coord,
        id,
        finding("otrygg-plats.insyn", PARK, "Täta buskar", "a2"),
    )
    .await
    .unwrap();
    let f3 = walks::record_finding(
        &app,
        &coord,
        id,
        finding("otrygg-plats.belysning", SQUARE, "Trasig lykta", "a3"),
    )
    .await
    .unwrap();
    assert_eq!(f3.data.number, 3);
    let safe = walks::record_finding(
        &app,
        &coord,
        id,
        NewFinding {
            kind: FindingKind::Safe,
            category: None,
            description: "Välbelyst torg med folk i rörelse".into(),
            ..finding("otrygg-plats", SQUARE, "", "a4")
        },
    )
    .await
    .unwrap();

    // Bad input: outside the kommun (Stockholm), at sea, no category, a photo that is no image
    // or too large; nothing stored.
    let with_photo = |bytes: Vec<u8>| NewFinding {
        photo: Some(bytes),
        ..finding("otrygg-plats.belysning", TUNNEL, "Med foto", "b4")
    };
    let mut big = PNG.to_vec();
    big.resize(trygg_app::photos::DEFAULT_MAX_BYTES + 1, 0);
    for (bad, field) in [
        (with_photo(b"GIF89a not taken".to_vec()), "photo"),
        (with_photo(big), "photo"),
        (
            finding(
                "otrygg-plats.belysning",
                (59.3293, 18.0686),
                "Utanför",
                "b1",
            ),
            "position",
        ),
        (
            finding("otrygg-plats.belysning", (57.0, 19.5), "Till havs", "b2"),
            "position",
        ),
        (
            NewFinding {
                category: None,
                ..finding("x", TUNNEL, "Ingen kategori", "b3")
            },
            "category",
        ),
    ] {
        match walks::record_finding(&app, &coord, id, bad).await {
            Err(AppError::Invalid(e)) => assert_eq!(e.field, field, "{e}"),
            other => panic!("{other:?}"),
        }
    }
    let view = walks::get(&app, &steering, id).await.unwrap();
    assert_eq!(view.findings.len(), 4, "nothing stored of the refused ones");

    // Who may: the styrgrupp reads but cannot record; a reporter cannot read; another
    // organisation's coordinator is told whose walk it is.
    assert!(matches!(
        walks::record_finding(
            &app,
            &steering,
            id,
            finding("otrygg-plats", TUNNEL, "x", "c1")
        )
        .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        walks::get(&app, &reporter, id).await,
        Err(AppError::Forbidden(_))
    ));
    match walks::publish(&app, &other, id, 1, true).await {
        Err(AppError::Forbidden(r)) => assert!(r.en.contains("belongs to Uppsala kommun"), "{r}"),
        x => panic!("{x:?}"),
    }

    // Two owners by the routing rules: lighting to the street office, greenery to the park unit.
    let rule = |category: &str, name: &str| FixRoutingRule {
        area: None,
        category: Some(category.into()),
        owner: Responsible::Outside {
            name: name.into(),
            contact: None,
            open311: None,
        },
    };
    trygg_app::fixes::add_rule(&app, &coord, rule("otrygg-plats.belysning", "Gatukontoret"))
        .await
        .unwrap();
    trygg_app::fixes::add_rule(&app, &coord, rule("otrygg-plats.insyn", "Parkenheten"))
        .await
        .unwrap();
    let fixes = walks::route_all(&app, &coord, id).await.unwrap();
    assert_eq!(fixes.len(), 3, "the safe place is not routed");
    assert_eq!(
        fixes[0].data.photos.len(),
        1,
        "the finding's photo goes with it"
    );
    assert!(!fixes[0].data.photos[0].approved_for_public);
    let owners: Vec<_> = fixes
        .iter()
        .map(|f| f.data.lead().unwrap().responsible.name().to_string())
        .collect();
    assert_eq!(owners, ["Gatukontoret", "Parkenheten", "Gatukontoret"]);
    assert!(
        fixes[0].data.description.contains("punkt 1"),
        "{}",
        fixes[0].data.description
    );
    assert!(matches!(
        walks::route_finding(&app, &coord, id, 1).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        walks::route_finding(&app, &coord, id, safe.data.number).await,
        Err(AppError::Conflict(_) | AppError::Invalid(_))
    ));
    trygg_app::fixes::set_status(&app, &coord, fixes[0].meta.id, FixStatus::Done, "", None)
        .await
        .unwrap();

    // Nothing is public until a point is published; then only that point.
    assert!(matches!(
        walks::public_protocol(&app, id).await,
        Err(AppError::NotFound(_))
    ));
    walks::publish(&app, &coord, id, 1, true).await.unwrap();
    walks::publish(&app, &coord, id, 2, true).await.unwrap();
    let public = walks::public_protocol(&app, id).await.unwrap();
    let shown: Vec<_> = public
        .points
        .iter()
        .map(|p| (p.finding.number, p.status, p.owner.clone()))
        .collect();
    assert_eq!(
        shown,
        [
            (1, Some(FixStatus::Done), Some("Gatukontoret".into())),
            (2, Some(FixStatus::New), Some("Parkenheten".into()))
        ]
    );

    // The closing meeting, and the protocol document.
    walks::answer(
        &app,
        &coord,
        id,
        Some("2026-11-05".parse().unwrap()),
        OwnerAnswer {
            owner: "Parkenheten".into(),
            text: "Buskarna klipps i vår.".into(),
        },
    )
    .await
    .unwrap();
    let doc = trygg_app::reports::build(
        &app,
        trygg_app::reports::Request::WalkProtocol(id),
        Scope::Shared,
        trygg_domain::Lang::Sv,
    )
    .await
    .unwrap();
    let md = trygg_report::markdown::markdown(&doc).unwrap().text;
    for want in [
        "Protokoll: Trygghetsvandring Gottsunda centrum",
        "Mörkt i tunneln",
        "Åtgärdad",
        "Parkenheten",
        "Buskarna klipps i vår.",
        "Trygg plats",
        "13 personer",
    ] {
        assert!(md.contains(want), "{want}: {md}");
    }

    // The same protocol in English: the same points and counts, none of the Swedish words
    // (the walk's own texts stay as they were written).
    let en = trygg_app::reports::build(
        &app,
        trygg_app::reports::Request::WalkProtocol(id),
        Scope::Shared,
        trygg_domain::Lang::En,
    )
    .await
    .unwrap();
    assert_eq!(en.meta.lang, trygg_domain::Lang::En);
    let md = trygg_report::markdown::markdown(&en).unwrap().text;
    for want in [
        "Protocol: Trygghetsvandring Gottsunda centrum",
        "Participants: 13 people (residents 11, police 2)",
        "Invited: Gatukontoret, Uppsalahem",
        "| 1 | Unsafe place | Poor lighting |",
        "Mörkt i tunneln",
        "| Gatukontoret | Done |",
        "| Parkenheten | New |",
        "Safe place",
        "The meeting was held on 2026-11-05.",
        "Buskarna klipps i vår.",
    ] {
        assert!(md.contains(want), "{want}: {md}");
    }
    for swedish in [
        "Deltagare",
        "personer",
        "Otrygg",
        "Trygg plats",
        "Trygga platser",
        "Åtgärdsärenden",
        "Vandringen",
        "Punkter",
        "Kategori",
        "Bristande",
        "Åtgärdad",
        "Ej skickad",
        "Återkopplingsmötet",
        "Mötet hölls",
        " och ",
    ] {
        assert!(!md.contains(swedish), "{swedish:?} in English: {md}");
    }

    // A later walk on the same route: each earlier point, its status, and what is near now.
    let later = walks::plan(&app, &coord, plan("2027-04-01", Some(id)))
        .await
        .unwrap();
    // About 11 m from the tunnel; the park is not found again.
    walks::record_finding(
        &app,
        &coord,
        later.meta.id,
        finding(
            "otrygg-plats.belysning",
            (59.8061, 17.6230),
            "Fortfarande mörkt",
            "l1",
        ),
    )
    .await
    .unwrap();
    let compared = walks::compare(&app, &steering, later.meta.id)
        .await
        .unwrap();
    let rows: Vec<_> = compared
        .iter()
        .map(|c| (c.earlier.number, c.status, c.near.clone()))
        .collect();
    assert_eq!(rows[0], (1, Some(FixStatus::Done), vec![1]));
    assert_eq!(rows[1], (2, Some(FixStatus::New), vec![]));
    assert_eq!(rows.len(), 4);
    let md = trygg_report::markdown::markdown(
        &trygg_app::reports::build(
            &app,
            trygg_app::reports::Request::WalkProtocol(later.meta.id),
            Scope::Shared,
            trygg_domain::Lang::En,
        )
        .await
        .unwrap(),
    )
    .unwrap()
    .text;
    for want in [
        "Comparison with the walk of 2026-10-01",
        "| 1 | Poor lighting | Mörkt i tunneln | Done | point 1 |",
        "| Nothing |",
        "The feedback meeting has not been held yet",
    ] {
        assert!(md.contains(want), "{want}: {md}");
    }
    for swedish in [
        "Jämförelse",
        "Inget",
        "punkt ",
        "Nu inom",
        "Återkopplingsmötet",
    ] {
        assert!(!md.contains(swedish), "{swedish:?} in English: {md}");
    }
    // A walk cannot name a later one as its earlier.
    assert!(
        walks::plan(&app, &coord, plan("2026-01-01", Some(later.meta.id)))
            .await
            .is_err()
    );
}
