//! Fixes (åtgärdsärenden) over a real (in-memory SQLite) store: routing by area × category, the
//! coordinator's override and split with one lead, status moves with reasons, the service level
//! and the overdue list, one fix per source, and who is refused (another organisation's
//! coordinator, a reporter).

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use trygg_app::fixes::{self, FixQuery, NewFix};
use trygg_app::{App, AppError, Clock, Principal, accounts::console, credentials::Password};
use trygg_domain::fix::{FixOwner, FixRoutingRule, FixSource, FixStatus, Responsible};
use trygg_domain::{Actor, AreaKind, NewArea, NewUser, OrgKind, OrganisationId, Role};
use trygg_store::Store;
use trygg_store_sqlite::SqliteStore;

const T0: &str = "2026-12-01T12:00:00Z";
/// Stora torget, inside both areas.
const TORGET: (f64, f64) = (59.8586, 17.6389);
/// Inside the kommun, outside the centre.
const OUTSKIRTS: (f64, f64) = (59.83, 17.70);

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
                square("Uppsala", AreaKind::Kommun, (17.55, 59.82, 17.75, 59.90)),
                square("Centrum", AreaKind::District, (17.62, 59.85, 17.66, 59.87)),
            ],
        )
        .await
        .unwrap();
    at(app, 0)
}

fn at(app: App, days: i64) -> App {
    let t0: Timestamp = T0.parse().unwrap();
    app.with_clock(Clock::Fixed(t0 + SignedDuration::from_hours(24 * days)))
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

fn outside(name: &str) -> Responsible {
    Responsible::Outside {
        name: name.into(),
        contact: None,
    }
}

async fn area(app: &App, name: &str) -> trygg_domain::AreaId {
    app.store
        .list_areas()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.name == name)
        .unwrap()
        .id
}

#[tokio::test]
async fn the_rules_route_by_area_and_category_and_the_coordinator_overrides() {
    let app = app().await;
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let centrum = area(&app, "Centrum").await;
    let kommun = area(&app, "Uppsala").await;
    for (a, c, name) in [
        (Some(kommun), Some("otrygg-plats"), "Gatukontoret"),
        (Some(centrum), Some("otrygg-plats"), "Centrumföreningen"),
        (None, Some("skadegorelse"), "Saneringen"),
    ] {
        fixes::add_rule(
            &app,
            &k,
            FixRoutingRule {
                area: a,
                category: c.map(Into::into),
                owner: outside(name),
            },
        )
        .await
        .unwrap();
    }
    let again = fixes::add_rule(
        &app,
        &k,
        FixRoutingRule {
            area: Some(kommun),
            category: Some("otrygg-plats".into()),
            owner: outside("Tvåa"),
        },
    )
    .await;
    assert!(matches!(again, Err(AppError::Conflict(_))), "{again:?}");

    let lamp = |pos| NewFix::manual("otrygg-plats.belysning", pos, "Byt armaturen.");
    let f = fixes::create(&app, &k, lamp(TORGET)).await.unwrap();
    assert_eq!(
        f.data.lead().unwrap().responsible.name(),
        "Centrumföreningen"
    );
    assert_eq!(f.data.status, FixStatus::New);
    let f = fixes::create(&app, &k, lamp(OUTSKIRTS)).await.unwrap();
    assert_eq!(f.data.lead().unwrap().responsible.name(), "Gatukontoret");
    let f = fixes::create(
        &app,
        &k,
        NewFix::manual("skadegorelse.klotter", TORGET, "Sanera klottret."),
    )
    .await
    .unwrap();
    assert_eq!(f.data.lead().unwrap().responsible.name(), "Saneringen");
    let unrouted = fixes::create(
        &app,
        &k,
        NewFix::manual("ordning.ovrigt", TORGET, "Se över platsen."),
    )
    .await
    .unwrap();
    assert!(unrouted.data.owners.is_empty(), "no rule, no owner");
    let refused = fixes::reroute(&app, &k, unrouted.meta.id).await;
    assert!(matches!(refused, Err(AppError::Invalid(_))), "{refused:?}");

    // The coordinator's choice beats the rules.
    let chosen = fixes::create(
        &app,
        &k,
        NewFix {
            owner: Some(outside("Uppsalahem")),
            ..lamp(TORGET)
        },
    )
    .await
    .unwrap();
    assert_eq!(chosen.data.lead().unwrap().responsible.name(), "Uppsalahem");
    // Routing again applies the rules as they are.
    let rerouted = fixes::reroute(&app, &k, chosen.meta.id).await.unwrap();
    assert_eq!(
        rerouted.data.lead().unwrap().responsible.name(),
        "Centrumföreningen"
    );
}

#[tokio::test]
async fn a_fix_is_split_among_owners_with_one_lead_and_moves_with_reasons() {
    let app = app().await;
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let f = fixes::create(
        &app,
        &k,
        NewFix::manual("otrygg-plats.insyn", TORGET, "Buskarna skymmer gången."),
    )
    .await
    .unwrap();
    let id = f.meta.id;
    let owner = |name: &str, lead: bool, part: &str| FixOwner {
        responsible: outside(name),
        lead,
        part: Some(part.into()),
        status: FixStatus::New,
    };
    let two_leads = fixes::set_owners(
        &app,
        &k,
        id,
        vec![
            owner("Gatukontoret", true, "Belysning"),
            owner("Uppsalahem", true, "Buskar"),
        ],
    )
    .await;
    assert!(
        matches!(two_leads, Err(AppError::Invalid(ref e)) if e.field == "owners"),
        "{two_leads:?}"
    );
    let f = fixes::set_owners(
        &app,
        &k,
        id,
        vec![
            owner("Gatukontoret", true, "Belysning"),
            owner("Uppsalahem", false, "Buskar"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(f.data.owners.len(), 2);

    // A part owner's status moves only their part; the lead's moves the whole.
    let f = fixes::set_status(&app, &k, id, FixStatus::Done, "", Some(1))
        .await
        .unwrap();
    assert_eq!(f.data.owners[1].status, FixStatus::Done);
    assert_eq!(f.data.status, FixStatus::New);
    let f = fixes::set_status(&app, &k, id, FixStatus::Planned, "", Some(0))
        .await
        .unwrap();
    assert_eq!(f.data.status, FixStatus::Planned);

    let no_reason = fixes::set_status(&app, &k, id, FixStatus::WontDo, "  ", None).await;
    assert!(
        matches!(no_reason, Err(AppError::Invalid(ref e)) if e.field == "reason"),
        "{no_reason:?}"
    );
    let f = fixes::set_status(&app, &k, id, FixStatus::WontDo, "Marken är privat.", None)
        .await
        .unwrap();
    assert_eq!(f.data.status, FixStatus::WontDo);
    assert!(f.data.closed_at.is_some());
    let back = fixes::set_status(&app, &k, id, FixStatus::Sent, "Fel", None).await;
    assert!(
        matches!(back, Err(AppError::Invalid(ref e)) if e.message.contains("Accepted")),
        "{back:?}"
    );
    let f = fixes::set_status(
        &app,
        &k,
        id,
        FixStatus::Accepted,
        "Fastighetsägaren går med på det.",
        None,
    )
    .await
    .unwrap();
    assert_eq!(f.data.closed_at, None);
    assert_eq!(
        f.data.reason.as_deref(),
        Some("Fastighetsägaren går med på det.")
    );
    let moves: Vec<_> = f
        .data
        .history
        .iter()
        .filter_map(|e| match &e.change {
            trygg_domain::fix::FixChange::Status { to, owner, .. } => Some((*to, owner.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        moves,
        vec![
            (FixStatus::Done, Some("Uppsalahem".into())),
            (FixStatus::Planned, Some("Gatukontoret".into())),
            (FixStatus::WontDo, None),
            (FixStatus::Accepted, None),
        ]
    );
}

#[tokio::test]
async fn the_service_level_sets_the_due_date_and_late_fixes_are_overdue() {
    let app = app().await;
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let s = user(&app, "s@kommun.test", "Uppsala kommun", &[Role::Steering]).await;
    fixes::set_level(&app, &k, "otrygg-plats", Some(14))
        .await
        .unwrap();
    fixes::set_level(&app, &k, "otrygg-plats.belysning", Some(3))
        .await
        .unwrap();
    let lamp = fixes::create(
        &app,
        &k,
        NewFix::manual("otrygg-plats.belysning", TORGET, "Byt lampan."),
    )
    .await
    .unwrap();
    assert_eq!(lamp.data.due, Some("2026-12-04".parse().unwrap()));
    let bush = fixes::create(
        &app,
        &k,
        NewFix::manual("otrygg-plats.insyn", TORGET, "Klipp."),
    )
    .await
    .unwrap();
    assert_eq!(bush.data.due, Some("2026-12-15".parse().unwrap()));
    let none = fixes::create(&app, &k, NewFix::manual("ordning.ovrigt", TORGET, "Titta."))
        .await
        .unwrap();
    assert_eq!(none.data.due, None);

    let later = at(app.clone(), 5);
    let late: Vec<i64> = fixes::overdue(&later, &s)
        .await
        .unwrap()
        .iter()
        .map(|f| f.meta.id)
        .collect();
    assert_eq!(
        late,
        vec![lamp.meta.id],
        "the styrgrupp reads the overdue list"
    );
    fixes::set_status(&later, &k, lamp.meta.id, FixStatus::Done, "", None)
        .await
        .unwrap();
    assert!(
        fixes::overdue(&later, &s).await.unwrap().is_empty(),
        "done is never overdue"
    );
    let much_later = at(app.clone(), 20);
    assert_eq!(fixes::overdue(&much_later, &s).await.unwrap().len(), 1);
    let open = fixes::list(
        &much_later,
        &s,
        &FixQuery {
            open: true,
            ..FixQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(open.len(), 2);

    // Removing a level.
    fixes::set_level(&app, &k, "otrygg-plats.belysning", None)
        .await
        .unwrap();
    assert_eq!(fixes::levels(&app, &k).await.unwrap().len(), 1);
    let bad = fixes::set_level(&app, &k, "otrygg-plats", Some(0)).await;
    assert!(
        matches!(bad, Err(AppError::Invalid(ref e)) if e.field == "days"),
        "{bad:?}"
    );
}

#[tokio::test]
async fn another_organisations_coordinator_and_a_reporter_are_refused() {
    let app = app().await;
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let other = user(&app, "k@bo.test", "Uppsalahem", &[Role::Coordinator]).await;
    let reporter = user(&app, "r@kommun.test", "Uppsala kommun", &[Role::Reporter]).await;
    let f = fixes::create(
        &app,
        &k,
        NewFix::manual("otrygg-plats.belysning", TORGET, "Byt lampan."),
    )
    .await
    .unwrap();
    let id = f.meta.id;
    match fixes::set_status(&app, &other, id, FixStatus::Sent, "", None).await {
        Err(AppError::Forbidden(r)) => assert!(r.en.contains("belongs to Uppsala kommun"), "{r}"),
        other => panic!("{other:?}"),
    }
    assert!(
        fixes::get(&app, &other, id).await.is_ok(),
        "a shared fix is read by all"
    );
    for r in [
        fixes::get(&app, &reporter, id).await.err(),
        fixes::list(&app, &reporter, &FixQuery::default())
            .await
            .err(),
        fixes::create(
            &app,
            &reporter,
            NewFix::manual("otrygg-plats.belysning", TORGET, "x"),
        )
        .await
        .err(),
    ] {
        assert!(matches!(r, Some(AppError::Forbidden(_))), "{r:?}");
    }
    assert_eq!(
        fixes::get(&app, &k, id).await.unwrap().meta.version,
        1,
        "nothing changed"
    );
}

#[tokio::test]
async fn an_incident_becomes_one_fix_with_the_reporters_text_kept_apart() {
    let app = app().await;
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let incident = trygg_app::incidents::create(
        &app,
        &k,
        trygg_domain::NewIncident {
            occurred_from: T0.parse().unwrap(),
            occurred_to: None,
            reported_at: None,
            category: "otrygg-plats.belysning".into(),
            place_type: None,
            position: Some(
                trygg_domain::Position::from_wgs84(
                    TORGET.0,
                    TORGET.1,
                    trygg_domain::Precision::Exact,
                )
                .unwrap(),
            ),
            place: Some("Stora torget".into()),
            source_org: k.organisation(),
            channel: trygg_domain::Channel::Est,
            external_id: None,
            description: Some("Mörkt, ungdomar samlas.".into()),
            visibility: trygg_domain::Visibility::Shared,
            report_id: None,
            created_by: None,
        },
    )
    .await
    .unwrap();
    let new = NewFix {
        source: FixSource::Est {
            incident: incident.id,
        },
        category: None,
        position: None,
        place: None,
        description: "Lampan vid trappan är trasig.".into(),
        reporter_text: None,
        owner: None,
        due: None,
    };
    let f = fixes::create(&app, &k, new.clone()).await.unwrap();
    assert_eq!(f.data.category, "otrygg-plats.belysning");
    assert_eq!(f.data.place.as_deref(), Some("Stora torget"));
    assert_eq!(
        f.data.reporter_text.as_deref(),
        Some("Mörkt, ungdomar samlas.")
    );
    assert_eq!(f.data.description, "Lampan vid trappan är trasig.");
    match fixes::create(&app, &k, new).await {
        Err(AppError::Conflict(m)) => assert!(m.contains(&format!("Fix {}", f.meta.id)), "{m}"),
        other => panic!("{other:?}"),
    }
}

/// A JPEG whose APP1 holds an EXIF block with a GPS tag (GPSInfo, 0x8825, pointing at a GPS
/// IFD with GPSLatitudeRef "N").
fn jpeg_with_gps() -> Vec<u8> {
    let mut v = vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10];
    v.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let tiff: Vec<u8> = [
        b"II*\0\x08\0\0\0".as_slice(),
        // IFD0: one entry, GPSInfo → offset 26.
        &[1, 0, 0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0],
        // GPS IFD: GPSLatitudeRef = "N".
        &[1, 0, 1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0, 0, 0, 0, 0],
    ]
    .concat();
    let exif = [b"Exif\0\0".as_slice(), &tiff].concat();
    v.extend([0xff, 0xe1]);
    v.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    v.extend(&exif);
    v.extend([0xff, 0xc0, 0x00, 0x0b, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
    v.extend([
        0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 0x3f, 0, 0x00, 0xff, 0xd9,
    ]);
    v
}

#[tokio::test]
async fn an_outside_partys_link_shows_no_reporters_text_answers_audited_and_expires() {
    let app = app().await;
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let f = fixes::create(
        &app,
        &k,
        NewFix {
            reporter_text: Some("Anna såg två killar vid trappan.".into()),
            owner: Some(outside("Uppsalahem")),
            ..NewFix::manual("otrygg-plats.insyn", TORGET, "Klipp buskarna vid trappan.")
        },
    )
    .await
    .unwrap();
    let id = f.meta.id;
    let unit = fixes::set_owners(
        &app,
        &k,
        id,
        vec![
            FixOwner {
                responsible: outside("Uppsalahem"),
                lead: true,
                part: None,
                status: FixStatus::New,
            },
            FixOwner {
                responsible: Responsible::Unit {
                    organisation: k.organisation(),
                    unit: "Gatukontoret".into(),
                },
                lead: false,
                part: Some("Belysning".into()),
                status: FixStatus::New,
            },
        ],
    )
    .await
    .unwrap();
    assert_eq!(unit.data.owners.len(), 2);
    let refused = fixes::make_link(&app, &k, id, 1).await;
    assert!(
        matches!(refused, Err(AppError::Invalid(ref e)) if e.field == "owner"),
        "a unit signs in"
    );

    let made = fixes::make_link(&app, &k, id, 0).await.unwrap();
    assert_eq!(
        made.fix.data.status,
        FixStatus::Sent,
        "the lead's part was sent"
    );
    assert_eq!(
        made.expires_at,
        app.now() + SignedDuration::from_hours(24 * 14),
        "14 days by default"
    );
    let stored = serde_json::to_string(&made.fix.data).unwrap();
    assert!(
        !stored.contains(&made.token),
        "only the token's hash is kept"
    );

    let view = fixes::open_link(&app, &made.token).await.unwrap().unwrap();
    assert_eq!(view.description, "Klipp buskarna vid trappan.");
    assert_eq!(view.owner, "Uppsalahem");
    assert_eq!(view.organisation, "Uppsala kommun");
    assert!(
        !format!("{view:?}").contains("Anna"),
        "never the reporter's text"
    );
    assert!(matches!(
        fixes::open_link(&app, "not-a-token").await,
        Err(AppError::NotFound(_))
    ));

    // An answer without text, and one with a photo that is not an image, store nothing.
    let version = made.fix.meta.version;
    let empty = fixes::answer(&app, &made.token, fixes::LinkAnswer::default()).await;
    assert!(
        matches!(empty, Err(AppError::Invalid(ref e)) if e.field == "text"),
        "{empty:?}"
    );
    let not_image = fixes::answer(
        &app,
        &made.token,
        fixes::LinkAnswer {
            status: Some(FixStatus::Planned),
            text: "Vi klipper i vår.".into(),
            photo: Some(b"GIF89a...".to_vec()),
        },
    )
    .await;
    assert!(
        matches!(not_image, Err(AppError::Invalid(ref e)) if e.field == "photo"),
        "{not_image:?}"
    );
    assert_eq!(
        fixes::get(&app, &k, id).await.unwrap().meta.version,
        version,
        "nothing stored"
    );

    let answered = fixes::answer(
        &app,
        &made.token,
        fixes::LinkAnswer {
            status: Some(FixStatus::Planned),
            text: "Vi klipper i vår.".into(),
            photo: Some(jpeg_with_gps()),
        },
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        answered.data.status,
        FixStatus::Planned,
        "the lead's answer moves the whole"
    );
    assert_eq!(answered.data.photos.len(), 1);
    assert!(
        !answered.data.photos[0].approved_for_public,
        "not public until approved"
    );
    let (kind, bytes) = fixes::photo(&app, &k, id, 1).await.unwrap();
    assert_eq!(kind, "image/jpeg");
    assert!(
        !bytes.windows(4).any(|w| w == b"Exif"),
        "the EXIF block is gone"
    );
    assert!(
        !bytes.windows(2).any(|w| w == [0x25, 0x88]),
        "the GPS tag is gone"
    );
    assert!(
        matches!(
            fixes::link_photo(&app, &made.token, 1).await,
            Err(AppError::NotFound(_))
        ),
        "an unapproved photo is not shown without signing in"
    );
    fixes::approve_photo(&app, &k, id, 1, true).await.unwrap();
    assert!(fixes::link_photo(&app, &made.token, 1).await.is_ok());

    // The audit names the link, not a person.
    let trail = app
        .store
        .list_audit(&trygg_store::AuditFilter {
            entity: Some("fix".into()),
            entity_id: Some(id.to_string()),
            limit: 0,
        })
        .await
        .unwrap();
    let by_link = trail
        .iter()
        .find(|e| {
            let has = |v: &Option<serde_json::Value>| {
                v.as_ref()
                    .is_some_and(|a| a.to_string().contains("Vi klipper"))
            };
            has(&e.after) && !has(&e.before)
        })
        .expect("the answer's audit event");
    assert_eq!(by_link.actor, Actor::system(format!("atgardslank:{id}:1")));

    // A new link revokes the old; an old or expired link is gone and names whom to ask.
    let second = fixes::make_link(&app, &k, id, 0).await.unwrap();
    let gone = fixes::open_link(&app, &made.token)
        .await
        .unwrap()
        .unwrap_err();
    assert!(gone.revoked);
    assert_eq!(gone.organisation, "Uppsala kommun");
    let later = at(app.clone(), 15);
    let gone = fixes::open_link(&later, &second.token)
        .await
        .unwrap()
        .unwrap_err();
    assert!(!gone.revoked, "expired");
    let late = fixes::answer(
        &later,
        &second.token,
        fixes::LinkAnswer {
            text: "Sent svar".into(),
            ..fixes::LinkAnswer::default()
        },
    )
    .await
    .unwrap();
    assert!(late.is_err(), "an expired link takes no answer");
}

#[tokio::test]
async fn photos_over_the_limit_or_not_images_are_refused_and_a_directory_can_hold_them() {
    let dir = std::env::temp_dir().join(format!("trygg-photos-{}", std::process::id()));
    let app = app().await.with_fixes(fixes::FixesConfig {
        link_days: 3,
        photos: trygg_app::photos::PhotoConfig {
            dir: Some(dir.clone()),
            max_bytes: 200,
        },
    });
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let f = fixes::create(
        &app,
        &k,
        NewFix::manual("otrygg-plats.belysning", TORGET, "Byt lampan."),
    )
    .await
    .unwrap();
    let id = f.meta.id;
    let big = [jpeg_with_gps(), vec![0; 300]].concat();
    let e = fixes::add_photo(&app, &k, id, &big).await.unwrap_err();
    assert!(e.to_string().contains("MiB"), "{e}");
    let e = fixes::add_photo(&app, &k, id, b"hello").await.unwrap_err();
    assert!(e.to_string().contains("JPEG, PNG or WebP"), "{e}");
    assert_eq!(fixes::get(&app, &k, id).await.unwrap().meta.version, 1);
    let f = fixes::add_photo(&app, &k, id, &jpeg_with_gps())
        .await
        .unwrap();
    let p = &f.data.photos[0];
    let file = dir.join(format!("{}.jpg", trygg_app::photos::hex(&p.sha256)));
    let on_disk = std::fs::read(&file).unwrap();
    assert!(!on_disk.windows(4).any(|w| w == b"Exif"));
    assert_eq!(fixes::photo(&app, &k, id, 1).await.unwrap().1, on_disk);
    let made = fixes::make_link(&app, &k, id, 0).await;
    assert!(made.is_err(), "no owner yet: {made:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_done_fix_counts_the_incidents_near_it_before_and_after() {
    let app = app().await;
    let k = user(
        &app,
        "k@kommun.test",
        "Uppsala kommun",
        &[Role::Coordinator],
    )
    .await;
    let t0: Timestamp = T0.parse().unwrap();
    let incident = |days: i64, north_m: f64, category: &str| trygg_domain::NewIncident {
        occurred_from: t0 + SignedDuration::from_hours(24 * days),
        occurred_to: None,
        reported_at: None,
        category: category.into(),
        place_type: None,
        position: Some(
            trygg_domain::Position::from_wgs84(
                TORGET.0 + north_m / 111_320.0,
                TORGET.1,
                trygg_domain::Precision::Exact,
            )
            .unwrap(),
        ),
        place: None,
        source_org: k.organisation(),
        channel: trygg_domain::Channel::Est,
        external_id: None,
        description: None,
        visibility: trygg_domain::Visibility::Shared,
        report_id: None,
        created_by: None,
    };
    for (days, metres, category) in [
        (-10, 50.0, "otrygg-plats.belysning"),
        (-20, 120.0, "otrygg-plats.insyn"),
        (-40, 50.0, "otrygg-plats.belysning"),
        (-10, 500.0, "otrygg-plats.belysning"),
        (-10, 20.0, "skadegorelse.klotter"),
        (3, 30.0, "otrygg-plats.klotter"),
    ] {
        app.ingest
            .create(&Actor::system("test"), incident(days, metres, category))
            .await
            .unwrap();
    }
    let f = fixes::create(
        &app,
        &k,
        NewFix::manual("otrygg-plats.belysning", TORGET, "Byt lampan."),
    )
    .await
    .unwrap();
    assert_eq!(
        fixes::nearby(&app, &f.data, k.scope(), app.now()),
        None,
        "not done"
    );
    let done = fixes::set_status(&app, &k, f.meta.id, FixStatus::Done, "", None)
        .await
        .unwrap();
    let n = fixes::nearby(&app, &done.data, k.scope(), at(app.clone(), 30).now()).unwrap();
    assert_eq!((n.metres, n.days, n.before, n.after), (150, 30, 2, 1));
    let n = fixes::nearby(&app, &done.data, k.scope(), app.now()).unwrap();
    assert_eq!(
        (n.days, n.before, n.after),
        (0, 0, 0),
        "done today: nothing to compare"
    );

    let report = fixes::report(&at(app.clone(), 30), trygg_domain::Scope::Shared, t0)
        .await
        .unwrap();
    assert_eq!(report.done.len(), 1);
    assert_eq!((report.done[0].1.before, report.done[0].1.after), (2, 1));
    assert_eq!(report.open, 0);
}
