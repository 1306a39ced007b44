//! E-mail notices against a real SMTP server (aiosmtpd, started per test): a tip's decision
//! reaches the citizen in the form's language, an EST meeting's feedback the reporters it
//! concerns (once, however often the meeting is saved), a server that is down is tried again
//! after the backoff, and nothing is queued or sent when SMTP is not configured. The audit log
//! records each notice by kind and reference, never the address.

mod smtp;

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp, civil::date};
use serde_json::json;
use smtp::SmtpSink;
use trygg_app::notify::{self, Round, SmtpConfig, SmtpMailer, TlsMode};
use trygg_app::tips::{self, TipInput, TipLimits};
use trygg_app::{App, Clock, Principal, accounts::console, cycle};
use trygg_domain::cycle::{Feedback, Meeting};
use trygg_domain::notice::Delivery;
use trygg_domain::{
    Actor, AreaKind, Channel, Lang, NewArea, NewIncident, NewUser, OrgKind, OrganisationId,
    Position, Precision, Role, Visibility,
};
use trygg_store::{AuditFilter, Store};
use trygg_store_sqlite::SqliteStore;

const T0: &str = "2026-12-01T12:00:00Z";

fn t0() -> Timestamp {
    T0.parse().unwrap()
}

fn mailer(port: u16) -> Arc<SmtpMailer> {
    Arc::new(
        SmtpMailer::new(&SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(port),
            tls: TlsMode::None,
            user: None,
            password: None,
            from: "Trygg Uppsala <trygg@uppsala.test>".into(),
            reply_to: Some("samordnare@uppsala.test".into()),
        })
        .unwrap(),
    )
}

/// The application over an in-memory store with a kommun area, sending through `port` (none:
/// SMTP off), at T0 + 10 s.
async fn app(port: Option<u16>) -> App {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::connect("sqlite::memory:").await.unwrap());
    let mut app = App::load(store, jiff::tz::TimeZone::get("Europe/Stockholm").unwrap())
        .await
        .unwrap();
    if let Some(port) = port {
        app = app.with_mailer(mailer(port));
    }
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
    app.with_clock(Clock::Fixed(t0() + SignedDuration::from_secs(10)))
}

async fn user(app: &App, email: &str, org: (&str, OrgKind), roles: &[Role]) -> Principal {
    console::add_user(
        app,
        &Actor::system("test"),
        NewUser {
            email: email.into(),
            display_name: email.into(),
            organisation_id: OrganisationId(0),
            roles: roles.to_vec(),
        },
        org.0,
        org.1,
        None,
    )
    .await
    .unwrap()
    .0
    .into()
}

const KOMMUN: (&str, OrgKind) = ("Uppsala kommun", OrgKind::Kommun);
const POLICE: (&str, OrgKind) = ("LPO Uppsala", OrgKind::Lokalpolisomrade);

/// Sends a tip with `email` from a form in `lang`; its record id.
async fn tip(app: &App, email: &str, lang: Lang, from: u8) -> i64 {
    let input = TipInput {
        category: "klotter".into(),
        position: Some((59.8586, 17.6389)),
        place: "Stora torget".into(),
        date: "2026-12-01".into(),
        time: "08:30".into(),
        description: "Nytt klotter på trappan.".into(),
        email: email.into(),
        honeypot: String::new(),
        stamp: tips::stamp(t0()),
        lang,
    };
    let receipt = tips::submit(
        app,
        &input,
        Some([10, 0, 0, from].into()),
        &TipLimits::default(),
    )
    .await
    .unwrap()
    .unwrap();
    trygg_domain::tip::Tip::id_of_reference(&receipt.reference).unwrap()
}

#[tokio::test]
async fn a_tips_decision_arrives_in_the_citizens_language_and_the_audit_holds_no_address() {
    let Some(server) = SmtpSink::start() else {
        return;
    };
    let app = app(Some(server.port)).await;
    let coordinator = user(&app, "k@uppsala.test", KOMMUN, &[Role::Coordinator]).await;
    let swedish = tip(&app, "anna@example.se", Lang::Sv, 1).await;
    let english = tip(&app, "john@example.com", Lang::En, 2).await;
    let silent = tip(&app, "", Lang::Sv, 3).await;
    let rejected = tips::reject(&app, &coordinator, swedish, "Platsen är privat mark.")
        .await
        .unwrap();
    assert!(rejected.data.notify_pending, "queued for the citizen");
    tips::accept(&app, &coordinator, english).await.unwrap();
    let quiet = tips::reject(&app, &coordinator, silent, "Dubblett.")
        .await
        .unwrap();
    assert!(!quiet.data.notify_pending, "no address, no notice");

    let round = notify::run_once(&app).await.unwrap();
    assert_eq!(round.sent, 2, "{round:?}");
    let mails = server.received();
    assert_eq!(mails.len(), 2, "{mails:#?}");
    let sv = mails
        .iter()
        .find(|m| m.rcpt_tos == ["anna@example.se"])
        .unwrap();
    assert_eq!(
        sv.subject,
        format!("Ditt tips T-2026-{swedish:06} har inte tagits med")
    );
    let body = sv.body.as_deref().unwrap();
    assert!(body.contains("Skäl: Platsen är privat mark."), "{body}");
    assert!(body.contains("Ring 112 vid nödläge"), "Swedish: {body}");
    assert_eq!(sv.from, "Trygg Uppsala <trygg@uppsala.test>");
    assert_eq!(sv.mail_from, "trygg@uppsala.test");
    assert_eq!(sv.reply_to.as_deref(), Some("samordnare@uppsala.test"));
    assert_eq!(
        (sv.content_type.as_str(), sv.charset.as_deref()),
        ("text/plain", Some("utf-8"))
    );
    let en = mails
        .iter()
        .find(|m| m.rcpt_tos == ["john@example.com"])
        .unwrap();
    assert_eq!(
        en.subject,
        format!("Your tip T-2026-{english:06} is now part of the situational picture")
    );
    let body = en.body.as_deref().unwrap();
    assert!(body.contains("Call 112 in an emergency"), "English: {body}");
    assert!(!body.contains("Skäl"), "{body}");

    // Sent once: a second round sends nothing more.
    assert_eq!(notify::run_once(&app).await.unwrap(), Round::default());
    assert_eq!(server.received().len(), 2);
    let notices = notify::notices(&app).await.unwrap();
    assert_eq!(notices.len(), 2);
    assert!(
        notices
            .iter()
            .all(|n| matches!(n.data.delivery, Delivery::Sent { attempts: 1, .. }))
    );
    // The audit log: each notice queued, taken and sent, by kind and reference only.
    let audit = app
        .store
        .list_audit(&AuditFilter {
            entity: Some("notice".into()),
            entity_id: None,
            limit: 100,
        })
        .await
        .unwrap();
    assert_eq!(audit.len(), 6, "create, sending, sent × 2");
    let text = serde_json::to_string(&audit).unwrap();
    assert!(text.contains("tip_decision") && text.contains("\"sent\""));
    for secret in [
        "anna@example.se",
        "john@example.com",
        "privat mark",
        "Ring 112",
    ] {
        assert!(!text.contains(secret), "{secret} in the audit log");
    }

    // Retention: sent notices go after `notices_days`, with their audit events.
    let rules = trygg_app::retention::Rules {
        notices_days: Some(90),
        ..Default::default()
    };
    let steps = trygg_app::retention::run(&app, &rules).await.unwrap();
    assert!(steps.is_empty(), "nothing is 90 days old yet: {steps:?}");
    let later = app
        .clone()
        .with_clock(Clock::Fixed(t0() + SignedDuration::from_hours(24 * 91)));
    let steps = trygg_app::retention::run(&later, &rules).await.unwrap();
    assert_eq!(
        steps
            .iter()
            .map(|s| (s.class(), s.count))
            .collect::<Vec<_>>(),
        vec![("notice", 2)]
    );
    assert!(notify::notices(&app).await.unwrap().is_empty());
    let left = app
        .store
        .list_audit(&AuditFilter {
            entity: Some("notice".into()),
            entity_id: None,
            limit: 100,
        })
        .await
        .unwrap();
    assert!(
        left.iter().all(|e| e.action == "retention"),
        "only the retention record is left: {left:?}"
    );
}

fn meeting(feedback: Vec<Feedback>) -> Meeting {
    Meeting {
        date: date(2026, 11, 30),
        briefing_week: None,
        participants: vec![],
        observations: vec![],
        actions: vec![],
        focus_places: vec![],
        feedback,
    }
}

fn said(text: &str) -> Feedback {
    Feedback {
        text: text.into(),
        report_ids: vec![],
        incident_ids: vec![],
    }
}

#[tokio::test]
async fn feedback_reaches_the_reporters_it_concerns_once() {
    let Some(server) = SmtpSink::start() else {
        return;
    };
    let app = app(Some(server.port)).await;
    let coordinator = user(&app, "k@uppsala.test", KOMMUN, &[Role::Coordinator]).await;
    let fritid = user(&app, "fritid@uppsala.test", KOMMUN, &[Role::Reporter]).await;
    user(&app, "vakt@polisen.test", POLICE, &[Role::Reporter]).await;
    user(&app, "analys@uppsala.test", KOMMUN, &[Role::Analyst]).await;

    // An internal meeting: its feedback to all goes to the kommun's reporters only.
    let (m, _) = cycle::create_meeting(
        &app,
        &coordinator,
        Visibility::Internal,
        meeting(vec![said("Tack för rapporterna från Gottsunda!")]),
    )
    .await
    .unwrap();
    notify::run_once(&app).await.unwrap();
    let mails = server.received();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    assert_eq!(mails[0].rcpt_tos, ["fritid@uppsala.test"]);
    assert_eq!(mails[0].subject, "Återkoppling från EST-mötet 2026-11-30");
    assert!(
        mails[0]
            .body
            .as_deref()
            .unwrap()
            .contains("Tack för rapporterna från Gottsunda!")
    );

    // Saved again with one more piece: only the new one goes out.
    let mut data = m.data.clone();
    data.feedback
        .push(said("Belysningen vid Valsätra är lagad."));
    cycle::save_meeting(&app, &coordinator, m.meta.id, m.meta.version, data)
        .await
        .unwrap();
    notify::run_once(&app).await.unwrap();
    let mails = server.received();
    assert_eq!(mails.len(), 2, "{mails:#?}");
    assert!(
        mails[1]
            .body
            .as_deref()
            .unwrap()
            .contains("Belysningen vid Valsätra är lagad.")
    );

    // Feedback on one incident, in a shared meeting: only the one who filed it.
    let incident = app
        .ingest
        .create(
            &Actor::system("test"),
            NewIncident {
                occurred_from: t0() - SignedDuration::from_hours(30),
                occurred_to: None,
                reported_at: None,
                category: "skadegorelse.klotter".into(),
                place_type: None,
                position: Some(Position::from_wgs84(59.8586, 17.6389, Precision::Exact).unwrap()),
                place: None,
                source_org: fritid.organisation(),
                channel: Channel::Est,
                external_id: None,
                description: None,
                visibility: Visibility::Shared,
                report_id: None,
                created_by: Some(fritid.id()),
            },
        )
        .await
        .unwrap();
    cycle::create_meeting(
        &app,
        &coordinator,
        Visibility::Shared,
        Meeting {
            date: date(2026, 12, 7),
            ..meeting(vec![Feedback {
                text: "Klottret är sanerat.".into(),
                report_ids: vec![],
                incident_ids: vec![incident.id],
            }])
        },
    )
    .await
    .unwrap();
    notify::run_once(&app).await.unwrap();
    let mails = server.received();
    assert_eq!(mails.len(), 3, "{mails:#?}");
    assert_eq!(mails[2].rcpt_tos, ["fritid@uppsala.test"]);
    assert_eq!(mails[2].subject, "Återkoppling från EST-mötet 2026-12-07");
}

#[tokio::test]
async fn a_mail_server_that_is_down_is_tried_again_after_the_backoff() {
    let port = smtp::free_port();
    let app = app(Some(port)).await;
    let coordinator = user(&app, "k@uppsala.test", KOMMUN, &[Role::Coordinator]).await;
    let id = tip(&app, "anna@example.se", Lang::Sv, 1).await;
    tips::accept(&app, &coordinator, id).await.unwrap();
    let round = notify::run_once(&app).await.unwrap();
    assert_eq!(round.retried, 1, "nothing listens yet: {round:?}");
    let n = &notify::notices(&app).await.unwrap()[0].data;
    let Delivery::Pending {
        attempts,
        next_at,
        last_error,
    } = &n.delivery
    else {
        panic!("{:?}", n.delivery)
    };
    assert_eq!(*attempts, 1);
    assert_eq!(*next_at, app.now() + notify::BACKOFF[0]);
    assert!(
        last_error.as_deref().is_some_and(|e| !e.contains('@')),
        "{last_error:?}"
    );

    let Some(server) = SmtpSink::start_on(port) else {
        return;
    };
    assert_eq!(
        notify::run_once(&app).await.unwrap(),
        Round::default(),
        "not before its time"
    );
    let later = app.with_clock(Clock::Fixed(*next_at));
    assert_eq!(notify::run_once(&later).await.unwrap().sent, 1);
    assert_eq!(server.received()[0].rcpt_tos, ["anna@example.se"]);
    assert!(matches!(
        notify::notices(&later).await.unwrap()[0].data.delivery,
        Delivery::Sent { attempts: 2, .. }
    ));
}

#[tokio::test]
async fn nothing_is_queued_or_sent_when_smtp_is_not_configured() {
    let Some(server) = SmtpSink::start() else {
        return;
    };
    let app = app(None).await;
    let coordinator = user(&app, "k@uppsala.test", KOMMUN, &[Role::Coordinator]).await;
    user(&app, "fritid@uppsala.test", KOMMUN, &[Role::Reporter]).await;
    let id = tip(&app, "anna@example.se", Lang::Sv, 1).await;
    let decided = tips::reject(&app, &coordinator, id, "Gäller inte kommunen.")
        .await
        .unwrap();
    assert!(!decided.data.notify_pending);
    cycle::create_meeting(
        &app,
        &coordinator,
        Visibility::Shared,
        meeting(vec![said("Tack!")]),
    )
    .await
    .unwrap();
    assert!(!app.notify.is_on());
    assert_eq!(notify::run_once(&app).await.unwrap(), Round::default());
    assert!(notify::notices(&app).await.unwrap().is_empty());
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_tip_whose_address_was_blanked_is_dropped_not_sent() {
    let Some(server) = SmtpSink::start() else {
        return;
    };
    let app = app(Some(server.port)).await;
    let coordinator = user(&app, "k@uppsala.test", KOMMUN, &[Role::Coordinator]).await;
    let id = tip(&app, "anna@example.se", Lang::Sv, 1).await;
    tips::accept(&app, &coordinator, id).await.unwrap();
    // Retention blanks the address before the worker gets to it.
    app.store
        .purge(
            &Actor::system("test"),
            &trygg_store::retention::Purge::BlankRecordField {
                class: "tip_email",
                kind: "tip",
                field: "email",
                ids: vec![id],
                before: app.now(),
            },
            "tip_email_days",
        )
        .await
        .unwrap();
    assert_eq!(notify::run_once(&app).await.unwrap().dropped, 1);
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_fix_sent_to_a_unit_and_then_overdue_reaches_that_organisations_coordinators_once() {
    use trygg_app::fixes::{self, NewFix};
    use trygg_domain::fix::{FixOwner, FixStatus, Responsible};
    let Some(server) = SmtpSink::start() else {
        return;
    };
    let app = app(Some(server.port)).await;
    let k = user(&app, "k@uppsala.test", KOMMUN, &[Role::Coordinator]).await;
    let p = user(&app, "p@polis.test", POLICE, &[Role::Coordinator]).await;
    let _analyst = user(&app, "a@polis.test", POLICE, &[Role::Analyst]).await;
    let fix = fixes::create(
        &app,
        &k,
        NewFix::manual(
            "otrygg-plats.belysning",
            (59.8586, 17.6389),
            "Byt armaturen.",
        ),
    )
    .await
    .unwrap();
    let id = fix.meta.id;
    fixes::set_owners(
        &app,
        &k,
        id,
        vec![FixOwner {
            responsible: Responsible::Unit {
                organisation: p.organisation(),
                unit: "Kommunpolisen".into(),
            },
            lead: true,
            part: None,
            status: FixStatus::New,
        }],
    )
    .await
    .unwrap();
    assert_eq!(
        notify::run_once(&app).await.unwrap().sent,
        0,
        "not sent yet"
    );
    fixes::set_status(&app, &k, id, FixStatus::Sent, "", None)
        .await
        .unwrap();
    fixes::set_status(&app, &k, id, FixStatus::Accepted, "", None)
        .await
        .unwrap();
    assert_eq!(notify::run_once(&app).await.unwrap().sent, 1);
    let mails = server.received();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    let m = &mails[0];
    assert_eq!(
        m.rcpt_tos,
        ["p@polis.test"],
        "the owner's coordinator, not its analyst"
    );
    assert!(
        m.subject.contains(&format!("F-2026-{id:06}")),
        "{}",
        m.subject
    );
    let body = m.body.as_deref().unwrap();
    assert!(
        body.contains(&format!("http://127.0.0.1:8080/atgarder/{id}")),
        "{body}"
    );

    // Overdue: told once, however many rounds.
    fixes::set_due(&app, &k, id, Some(date(2026, 11, 20)))
        .await
        .unwrap();
    assert_eq!(notify::fixes_overdue(&app).await.unwrap(), 1);
    assert_eq!(notify::fixes_overdue(&app).await.unwrap(), 0, "once");
    assert_eq!(notify::run_once(&app).await.unwrap().sent, 1);
    let mails = server.received();
    assert_eq!(mails.len(), 2);
    assert!(mails[1].subject.contains(&format!("F-2026-{id:06}")));
    assert_eq!(mails[1].rcpt_tos, ["p@polis.test"]);
}

/// Every table of the store as backup lines (JSON): where a token would show if it were kept
/// anywhere — records, the audit log, sessions.
async fn whole_store(app: &App) -> String {
    let mut writer =
        Some(trygg_store::backup::Writer::new(Vec::new(), app.store.backend(), T0).unwrap());
    app.store
        .backup(&mut |item| writer.as_mut().unwrap().write(item))
        .await
        .unwrap();
    String::from_utf8(writer.take().unwrap().finish().unwrap().0).unwrap()
}

/// The token of the `/atgard/{token}` link in a mail's body.
fn link_token(body: &str) -> String {
    let start = body.find("/atgard/").expect("a link in the mail") + "/atgard/".len();
    body[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

fn outside(name: &str, contact: Option<&str>) -> trygg_domain::fix::FixOwner {
    trygg_domain::fix::FixOwner {
        responsible: trygg_domain::fix::Responsible::Outside {
            name: name.into(),
            contact: contact.map(Into::into),
            open311: None,
        },
        lead: true,
        part: None,
        status: trygg_domain::fix::FixStatus::New,
    }
}

/// A fix by hand with the reporter's own words, owned by `owner`.
async fn fix_for(
    app: &App,
    k: &Principal,
    owner: trygg_domain::fix::FixOwner,
) -> trygg_store::records::Stored<trygg_domain::fix::Fix> {
    use trygg_app::fixes::{self, NewFix};
    let fix = fixes::create(
        app,
        k,
        NewFix {
            reporter_text: Some("Grannen på tredje våningen ringde.".into()),
            place: Some("Elskåpet vid trappan".into()),
            ..NewFix::manual(
                "otrygg-plats.klotter",
                (59.8586, 17.6389),
                "Sanera klottret på elskåpet.",
            )
        },
    )
    .await
    .unwrap();
    fixes::set_owners(app, k, fix.meta.id, vec![owner])
        .await
        .unwrap()
}

/// A coordinator, and the id of their fix just sent to Uppsalahem, an outside party with a
/// functional mailbox.
async fn sent_to_a_party(app: &App) -> (Principal, i64) {
    let k = user(app, "k@uppsala.test", KOMMUN, &[Role::Coordinator]).await;
    let fix = fix_for(
        app,
        &k,
        outside("Uppsalahem", Some("felanmalan@uppsalahem.test")),
    )
    .await;
    trygg_app::fixes::set_status(
        app,
        &k,
        fix.meta.id,
        trygg_domain::fix::FixStatus::Sent,
        "",
        None,
    )
    .await
    .unwrap();
    (k, fix.meta.id)
}

#[tokio::test]
async fn an_outside_party_with_a_mailbox_gets_a_working_link_whose_token_is_never_stored() {
    use trygg_app::fixes;
    use trygg_domain::fix::FixStatus;
    let Some(server) = SmtpSink::start() else {
        return;
    };
    let app = app(Some(server.port)).await;
    let (k, id) = sent_to_a_party(&app).await;
    let queued = notify::notices(&app).await.unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert!(
        fixes::get(&app, &k, id)
            .await
            .unwrap()
            .data
            .links
            .is_empty(),
        "the link is made when the mail goes"
    );

    assert_eq!(notify::run_once(&app).await.unwrap().sent, 1);
    let mails = server.received();
    assert_eq!(mails.len(), 1, "{mails:#?}");
    let m = &mails[0];
    assert_eq!(m.rcpt_tos, ["felanmalan@uppsalahem.test"]);
    assert_eq!(
        m.subject,
        format!("Åtgärdsärende till Uppsalahem: F-2026-{id:06}, Elskåpet vid trappan")
    );
    let body = m.body.as_deref().unwrap();
    for part in [
        "Uppsala kommun skickar ett åtgärdsärende till er, Uppsalahem",
        "Vad ska göras: Sanera klottret på elskåpet.",
        "http://127.0.0.1:8080/atgard/",
        // Made at 12:00:10 UTC on 1 December, for 14 days: 13:00 in Stockholm.
        "Länken gäller till 2026-12-15 13:00",
        "kontakta Uppsala kommun",
    ] {
        assert!(body.contains(part), "{part}: {body}");
    }
    assert!(
        !body.contains("Grannen"),
        "never the reporter's text: {body}"
    );

    // The link works: it opens the fix for the party.
    let token = link_token(body);
    let view = fixes::open_link(&app, &token).await.unwrap().unwrap();
    assert_eq!(
        (view.fix, view.owner.as_str()),
        (id, "Uppsalahem"),
        "{view:?}"
    );
    let stored = fixes::get(&app, &k, id).await.unwrap().data;
    assert_eq!(stored.links.len(), 1);
    assert!(stored.links[0].is_live(app.now()));
    assert_eq!(
        stored.history.last().unwrap().by,
        trygg_domain::Actor::system(notify::ACTOR),
        "made by the mail"
    );

    // No copy of the token anywhere in the store: records, audit log, every table.
    let everything = whole_store(&app).await;
    assert!(everything.contains("fix_link"), "the notice is there");
    assert!(!everything.contains(&token), "the token is in the store");
    assert_eq!(notify::run_once(&app).await.unwrap(), Round::default());

    // A link the coordinator makes by hand is theirs to hand over: nothing is mailed.
    let by_hand = fix_for(
        &app,
        &k,
        outside("Gottsundahem", Some("drift@gottsundahem.test")),
    )
    .await;
    fixes::make_link(&app, &k, by_hand.meta.id, 0)
        .await
        .unwrap();
    // A party without a mailbox hears nothing by mail either.
    let silent = fix_for(&app, &k, outside("Vägverket", None)).await;
    fixes::set_status(&app, &k, silent.meta.id, FixStatus::Sent, "", None)
        .await
        .unwrap();
    assert_eq!(notify::notices(&app).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_link_mail_that_does_not_go_revokes_its_link_and_the_next_try_makes_a_new_one() {
    use trygg_app::fixes;
    let port = smtp::free_port();
    let app = app(Some(port)).await;
    let (k, id) = sent_to_a_party(&app).await;
    assert_eq!(notify::run_once(&app).await.unwrap().retried, 1);
    let links = fixes::get(&app, &k, id).await.unwrap().data.links;
    assert_eq!(links.len(), 1);
    assert!(links[0].revoked, "no live link that nobody holds");

    let Some(server) = SmtpSink::start_on(port) else {
        return;
    };
    let later = app.with_clock(Clock::Fixed(t0() + SignedDuration::from_mins(5)));
    assert_eq!(notify::run_once(&later).await.unwrap().sent, 1);
    let token = link_token(server.received()[0].body.as_deref().unwrap());
    let view = fixes::open_link(&later, &token).await.unwrap().unwrap();
    assert_eq!(view.fix, id);
    let links = fixes::get(&later, &k, id).await.unwrap().data.links;
    assert_eq!(
        links.iter().map(|l| l.revoked).collect::<Vec<_>>(),
        [true, false]
    );
}
