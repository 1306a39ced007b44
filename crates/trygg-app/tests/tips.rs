//! Citizens' tips over a real (in-memory SQLite) store: the checks that refuse a tip and store
//! nothing (honeypot, time check, rate limit, personal data in the text, outside the kommun,
//! in the future), and moderation (accept → an incident of channel tips, a safe place noted,
//! merge with a duplicate, reject with a reason, refused to a reporter), and the purge.

use std::{net::IpAddr, sync::Arc};

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use trygg_app::retention;
use trygg_app::tips::{self, TipInput, TipLimits};
use trygg_app::{App, AppError, Clock, Principal, accounts::console, credentials::Password};
use trygg_domain::tip::{Duplicate, Tip, TipStatus};
use trygg_domain::{
    Actor, AreaKind, Channel, NewArea, NewUser, OrgKind, OrganisationId, Role, Scope,
};
use trygg_store::{Store, records};
use trygg_store_sqlite::SqliteStore;

const T0: &str = "2026-12-01T12:00:00Z";

async fn app() -> App {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let app = App::load(store, jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .await
        .unwrap();
    // The kommun: a square around central Uppsala.
    let square = json!({"type": "Polygon", "coordinates": [[
        [17.55, 59.82], [17.75, 59.82], [17.75, 59.90], [17.55, 59.90], [17.55, 59.82]
    ]]});
    app.ingest
        .import_areas(
            &Actor::system("test"),
            vec![NewArea {
                name: "Uppsala".into(),
                code: Some("0380".into()),
                kind: AreaKind::Kommun,
                geometry: square,
            }],
        )
        .await
        .unwrap();
    at(app, 10)
}

fn at(app: App, secs: i64) -> App {
    let t0: Timestamp = T0.parse().unwrap();
    app.with_clock(Clock::Fixed(t0 + SignedDuration::from_secs(secs)))
}

async fn user(app: &App, email: &str, roles: &[Role]) -> Principal {
    console::add_user(
        app,
        &Actor::system("test"),
        NewUser {
            email: email.into(),
            display_name: email.into(),
            organisation_id: OrganisationId(0),
            roles: roles.to_vec(),
        },
        "Uppsala kommun",
        OrgKind::Kommun,
        Some(&Password::new("rätt lösenord").unwrap()),
    )
    .await
    .unwrap()
    .0
    .into()
}

fn input(description: &str) -> TipInput {
    TipInput {
        category: "belysning".into(),
        position: Some((59.8586, 17.6389)),
        place: "Stora torget".into(),
        date: "2026-12-01".into(),
        time: "08:30".into(),
        description: description.into(),
        email: String::new(),
        honeypot: String::new(),
        stamp: tips::stamp(T0.parse().unwrap()),
        lang: trygg_domain::Lang::Sv,
    }
}

fn from(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

async fn stored(app: &App) -> Vec<records::Stored<Tip>> {
    records::list::<Tip>(app.store.as_ref()).await.unwrap()
}

async fn send(app: &App, i: &TipInput) -> Result<tips::Receipt, trygg_domain::Refusal> {
    tips::submit(app, i, from("192.0.2.1"), &TipLimits::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn refused_tips_store_nothing_and_say_why() {
    let app = app().await;
    user(&app, "k@kommun.test", &[Role::Coordinator]).await;
    let cases: Vec<(TipInput, &str)> = vec![
        (input("Ring 070-123 45 67"), "telefonnummer"),
        (input("Mejla kalle@example.se"), "e-postadress"),
        (input("Det var 19121212-1212"), "personnummer"),
        (input("Född 010101-0007"), "personnummer"),
        (
            TipInput {
                position: Some((59.33, 18.07)),
                ..input("Stockholm")
            },
            "utanför kommunen",
        ),
        (
            TipInput {
                time: "23:00".into(),
                ..input("Sent")
            },
            "framtiden",
        ),
        (
            TipInput {
                honeypot: "http://spam".into(),
                ..input("Bot")
            },
            "maskin",
        ),
        (
            TipInput {
                stamp: "1764590400.forged".into(),
                ..input("Forged")
            },
            "maskin",
        ),
    ];
    for (i, want) in cases {
        let r = send(&app, &i).await.unwrap_err();
        assert!(r.sv.contains(want), "{}: {}", i.description, r.sv);
    }
    let fast = at(app.clone(), 1);
    let r = send(&fast, &input("Snabb")).await.unwrap_err();
    assert!(r.sv.contains("maskin"), "{}", r.sv);
    assert!(stored(&app).await.is_empty(), "nothing stored");
}

#[tokio::test]
async fn one_client_may_send_five_tips_in_ten_minutes() {
    let app = app().await;
    user(&app, "k@kommun.test", &[Role::Coordinator]).await;
    for k in 0..5 {
        send(&app, &input(&format!("Mörkt {k}"))).await.unwrap();
    }
    let r = send(&app, &input("Sjätte")).await.unwrap_err();
    assert!(r.sv.contains("Vänta 10 minuter"), "{}", r.sv);
    let other = tips::submit(
        &app,
        &input("Annan"),
        from("192.0.2.2"),
        &TipLimits::default(),
    )
    .await
    .unwrap();
    assert!(other.is_ok(), "another address is not limited");
    assert_eq!(stored(&app).await.len(), 6);
}

#[tokio::test]
async fn accepted_tips_become_incidents_of_channel_tips_without_the_e_mail() {
    let app = app().await;
    let coordinator = user(&app, "k@kommun.test", &[Role::Coordinator]).await;
    let reporter = user(&app, "r@kommun.test", &[Role::Reporter]).await;
    let receipt = send(
        &app,
        &TipInput {
            email: "anna@example.se".into(),
            ..input("Lampan är trasig")
        },
    )
    .await
    .unwrap();
    assert!(
        receipt.reference.starts_with("T-2026-"),
        "{}",
        receipt.reference
    );
    let id = Tip::id_of_reference(&receipt.reference).unwrap();

    assert!(matches!(
        tips::queue(&app, &reporter).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        tips::accept(&app, &reporter, id).await,
        Err(AppError::Forbidden(_))
    ));
    let queue = tips::queue(&app, &coordinator).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].reference, receipt.reference);

    let done = tips::accept(&app, &coordinator, id).await.unwrap();
    let TipStatus::Accepted { incident } = done.data.status else {
        panic!("{:?}", done.data.status)
    };
    assert!(
        !done.data.notify_pending,
        "SMTP is not configured: nothing is queued (tests/notify.rs sends them)"
    );
    let i = app
        .store
        .get_incident(incident, Scope::All)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(i.channel, Channel::Tips);
    assert_eq!(i.category, "otrygg-plats.belysning");
    assert_eq!(i.external_id.as_deref(), Some(receipt.reference.as_str()));
    assert!(!serde_json::to_string(&i).unwrap().contains("anna@"));
    assert!(matches!(
        tips::accept(&app, &coordinator, id).await,
        Err(AppError::Conflict(_))
    ));
    assert!(tips::queue(&app, &coordinator).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_safe_place_is_noted_duplicates_merge_and_rejections_need_a_reason() {
    let app = app().await;
    let c = user(&app, "k@kommun.test", &[Role::Coordinator]).await;
    let ids: Vec<i64> = {
        let mut out = Vec::new();
        for i in [
            TipInput {
                category: "trygg_plats".into(),
                ..input("Bra belyst")
            },
            input("Trasig lampa"),
            TipInput {
                position: Some((59.8587, 17.6390)),
                ..input("Samma lampa")
            },
            TipInput {
                position: Some((59.87, 17.66)),
                ..input("Långt bort")
            },
        ] {
            let r = send(&app, &i).await.unwrap();
            out.push(Tip::id_of_reference(&r.reference).unwrap());
        }
        out
    };
    let noted = tips::accept(&app, &c, ids[0]).await.unwrap();
    assert_eq!(noted.data.status, TipStatus::Noted, "never an incident");

    let queue = tips::queue(&app, &c).await.unwrap();
    let near = &queue
        .iter()
        .find(|q| q.tip.meta.id == ids[2])
        .unwrap()
        .nearby;
    assert!(
        near.iter()
            .any(|(d, m)| *d == Duplicate::Tip(ids[1]) && *m < 50.0),
        "{near:?}"
    );

    let accepted = tips::accept(&app, &c, ids[1]).await.unwrap();
    let TipStatus::Accepted { incident } = accepted.data.status else {
        panic!()
    };
    let merged = tips::merge(&app, &c, ids[2], Duplicate::Incident(incident))
        .await
        .unwrap();
    assert_eq!(
        merged.data.status,
        TipStatus::Merged {
            with: Duplicate::Incident(incident)
        }
    );
    assert!(
        matches!(
            tips::merge(&app, &c, ids[3], Duplicate::Tip(ids[1])).await,
            Err(AppError::Invalid(_))
        ),
        "more than 50 m away"
    );
    assert!(matches!(
        tips::reject(&app, &c, ids[3], "  ").await,
        Err(AppError::Invalid(_))
    ));
    let rejected = tips::reject(&app, &c, ids[3], "Utanför vårt ansvar")
        .await
        .unwrap();
    assert_eq!(rejected.data.status.as_str(), "rejected");
    let incidents = app
        .store
        .list_incidents(&trygg_domain::IncidentFilter {
            scope: Scope::All,
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(incidents.total, 1, "one incident for two tips of one lamp");
}

#[tokio::test]
async fn decided_tips_are_purged_and_their_e_mail_blanked_first() {
    let app = app().await;
    let c = user(&app, "k@kommun.test", &[Role::Coordinator]).await;
    for d in ["Ett", "Två"] {
        let r = send(
            &app,
            &TipInput {
                email: "anna@example.se".into(),
                ..input(d)
            },
        )
        .await
        .unwrap();
        let id = Tip::id_of_reference(&r.reference).unwrap();
        tips::reject(&app, &c, id, "Dubblett").await.unwrap();
    }
    let rules = trygg_app::retention::Rules {
        tips_days: Some(90),
        tip_email_days: Some(30),
        ..Default::default()
    };
    let went = |steps: Vec<trygg_app::retention::Step>| -> Vec<(&'static str, u64)> {
        steps.iter().map(|s| (s.class(), s.count)).collect()
    };
    assert_eq!(went(retention::run(&app, &rules).await.unwrap()), vec![]);
    let later = at(app.clone(), 40 * 86_400);
    assert_eq!(
        went(retention::plan(&later, &rules).await.unwrap()),
        vec![("tip_email", 2)],
        "the dry run counts the addresses"
    );
    assert_eq!(
        went(retention::run(&later, &rules).await.unwrap()),
        vec![("tip_email", 2)]
    );
    assert!(stored(&app).await.iter().all(|t| t.data.email.is_none()));
    let audit = app
        .store
        .list_audit(&trygg_store::AuditFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        !format!("{audit:?}").contains("anna@example.se"),
        "no audit copy keeps the address"
    );
    assert!(
        audit
            .iter()
            .any(|e| e.entity == "tip_email" && e.action == "retention"),
        "the blanking is recorded, with its count"
    );
    let much_later = at(app.clone(), 100 * 86_400);
    assert_eq!(
        went(retention::run(&much_later, &rules).await.unwrap()),
        vec![("tip", 2)]
    );
    assert!(stored(&app).await.is_empty());
    assert_eq!(
        went(retention::run(&much_later, &rules).await.unwrap()),
        vec![],
        "a second run removes nothing"
    );
}

#[tokio::test]
async fn an_area_typed_by_name_is_the_place_without_a_point() {
    let app = app().await;
    user(&app, "k@kommun.test", &[Role::Coordinator]).await;
    assert_eq!(tips::place_names(&app).await.unwrap(), ["Uppsala"]);
    let typed = TipInput {
        position: None,
        place: " uppsala ".into(),
        ..input("Mörkt överallt")
    };
    send(&app, &typed).await.unwrap();
    let tip = &stored(&app).await[0].data;
    assert_eq!(
        tip.position.precision,
        trygg_domain::Precision::Area,
        "never point data"
    );
    let unknown = TipInput {
        position: None,
        place: "Storgatan 1".into(),
        ..input("Mörkt")
    };
    let r = send(&app, &unknown).await.unwrap_err();
    assert!(r.sv.contains("Välj platsen"), "{}", r.sv);
}
