//! E-mail notices over SMTP: the decision on a citizen's tip to the address they left, an EST
//! meeting's feedback to the reporters it concerns, a fix to its owner's coordinators when it is
//! sent or overdue, and to an outside party with a functional mailbox its link when the fix is
//! sent to it.
//!
//! A use case *queues* a notice and goes on: [`enqueue`] writes a record of kind `notice`
//! (`trygg_domain::notice::Notice`) and wakes the worker; it never waits for the mail server
//! and never fails because of it. The worker ([`run`], started by `trygg serve`; [`run_once`]
//! is one round) takes each due notice, reads its content and its recipient's address from
//! the records *then*, renders it ([`templates`]), sends it through the [`Mailer`] and records
//! how it went: sent, tried again later with backoff ([`BACKOFF`], a transient failure),
//! failed (a permanent refusal, or too many tries), or dropped (no address any more).
//!
//! Why a durable outbox rather than an in-process queue: a kommun's mail relay goes down for
//! a weekend, servers restart for updates, and several may run; a queue in memory would lose
//! the mails, or send them twice. The record store keeps each notice versioned, audited and
//! backed up with no new SQL; a worker takes a notice by writing it as `sending` with the
//! version it read, so two servers never send one twice. The audit log sees what was sent,
//! when, and about what (`tip 12`, `meeting 3`) — never an address or a body, which the
//! record does not hold.
//!
//! An outside party's link is a secret the party answers with, and the store keeps only its
//! hash. So its notice ([`About::FixLink`]) names the fix and the party, and the worker makes
//! the link — token, hash into the fix, expiry counted from then — when it sends the mail
//! ([`crate::fixes`]' `mail_link`): the token lives in the worker's memory and in the mail,
//! never in a record, the audit log, a backup or a log line. A try that fails revokes the link it
//! made, and the next try makes a new one.
//!
//! Nothing is queued, so nothing is ever sent, when `[smtp]` is not configured: the pages say so.

mod smtp;
pub mod templates;

use std::collections::HashSet;
use std::sync::Arc;

use jiff::SignedDuration;
use trygg_domain::Taxonomy;
use trygg_domain::cycle::Meeting;
use trygg_domain::fix::{Fix, FixOwner, FixStatus, Responsible};
use trygg_domain::notice::{About, Delivery, Notice, Recipient};
use trygg_domain::tip::Tip;
use trygg_domain::{Actor, IncidentFilter, Lang, OrganisationId, Role, Scope, UserId, Visibility};
use trygg_store::StoreError;
use trygg_store::records::{self, Stored};

pub use smtp::{SmtpConfig, SmtpMailer, TlsMode};
pub use templates::{Content, Rendered, render};
pub use trygg_domain::notice::FixNotice;

use crate::{App, AppError};

/// The system actor notices are written by.
pub const ACTOR: &str = "notify";
/// Waits before the 2nd, 3rd, … try after a transient failure; after the last the notice fails.
pub const BACKOFF: [SignedDuration; 5] = [
    SignedDuration::from_mins(1),
    SignedDuration::from_mins(10),
    SignedDuration::from_hours(1),
    SignedDuration::from_hours(6),
    SignedDuration::from_hours(24),
];
/// A notice taken by a worker that has not finished within this is taken again (the worker
/// died mid-send).
pub const STALE_SENDING: SignedDuration = SignedDuration::from_mins(10);
/// The worker looks for due notices at least this often, besides being woken by a new one.
pub const POLL: std::time::Duration = std::time::Duration::from_secs(30);

/// One e-mail as the mailer sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Why a mail was not sent. The text is a class and a code, never the server's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again later (no connection, 4xx).
    Transient(String),
    /// Refused for good (5xx, an address that does not parse).
    Permanent(String),
}

/// What sends a mail: SMTP in production ([`SmtpMailer`]); a test may hold its own.
#[async_trait::async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug {
    /// Sends one mail.
    async fn send(&self, mail: &Mail) -> Result<(), SendError>;
}

/// What the [`App`] holds: the mailer, if SMTP is configured, and the worker's bell.
#[derive(Debug, Default)]
pub struct Notifier {
    mailer: Option<Arc<dyn Mailer>>,
    wake: tokio::sync::Notify,
}

impl Notifier {
    /// A notifier sending through `mailer`.
    pub fn new(mailer: Arc<dyn Mailer>) -> Self {
        Self {
            mailer: Some(mailer),
            wake: tokio::sync::Notify::new(),
        }
    }

    /// Whether e-mail is configured (else nothing is queued or sent, and the pages say so).
    pub fn is_on(&self) -> bool {
        self.mailer.is_some()
    }
}

/// Queues a notice about `about` for `to` in `lang`, owned by `organisation` and read only by
/// it. Nothing when SMTP is off (`Ok(None)`).
pub async fn enqueue(
    app: &App,
    organisation: OrganisationId,
    about: About,
    to: Recipient,
    lang: Lang,
) -> Result<Option<Stored<Notice>>, AppError> {
    if !app.notify.is_on() {
        return Ok(None);
    }
    let now = app.now();
    let notice = Notice {
        about,
        to,
        lang,
        queued_at: now,
        delivery: Delivery::Pending {
            attempts: 0,
            next_at: now,
            last_error: None,
        },
    };
    let stored = records::create_as(
        app.store.as_ref(),
        &Actor::system(ACTOR),
        organisation,
        Visibility::Internal,
        &notice,
    )
    .await?;
    app.notify.wake.notify_one();
    Ok(Some(stored))
}

/// Logs a failure to queue: a notice never fails the use case that caused it.
pub(crate) fn log_failure(what: &str, result: Result<(), AppError>) {
    if let Err(e) = result {
        tracing::error!(error = %e, "{what}: the e-mail notice could not be queued");
    }
}

/// Queues the decision on tip `tip` for the citizen, if they left an address (and SMTP is on).
/// Returns whether it was queued.
pub async fn tip_decided(app: &App, tip: &Stored<Tip>) -> Result<bool, AppError> {
    if tip.data.email.is_none() || tip.data.is_new() {
        return Ok(false);
    }
    let queued = enqueue(
        app,
        tip.meta.organisation_id,
        About::TipDecision { tip: tip.meta.id },
        Recipient::Citizen,
        tip.data.lang,
    )
    .await?;
    Ok(queued.is_some())
}

/// A piece of feedback's identity among its meeting's: its text and what it answers.
pub fn fingerprint(f: &trygg_domain::cycle::Feedback) -> String {
    let mut key = f.text.trim().to_string();
    for r in &f.report_ids {
        key.push_str(&format!("|r{}", r.0));
    }
    for i in &f.incident_ids {
        key.push_str(&format!("|i{}", i.0));
    }
    crate::credentials::hash_token(&key)[..16].to_string()
}

/// Queues each piece of `meeting`'s feedback for the reporters it concerns and who have not
/// had it yet: those who filed the reports and incidents it answers, or, when it answers
/// none, every reporter who reads the meeting. Called after the meeting is written (created
/// or changed), so an edit sends only new feedback. Returns how many notices were queued.
pub async fn feedback_given(app: &App, meeting: &Stored<Meeting>) -> Result<usize, AppError> {
    if !app.notify.is_on() || meeting.data.feedback.is_empty() {
        return Ok(0);
    }
    let id = meeting.meta.id;
    let had: HashSet<(String, UserId)> = records::list::<Notice>(app.store.as_ref())
        .await?
        .into_iter()
        .filter_map(|n| match (n.data.about, n.data.to) {
            (
                About::Feedback {
                    meeting,
                    fingerprint,
                },
                Recipient::User(u),
            ) if meeting == id => Some((fingerprint, u)),
            _ => None,
        })
        .collect();
    let users = app.store.list_users().await?;
    let reads = |u: &trygg_domain::User| {
        !u.disabled
            && (meeting.meta.visibility == Visibility::Shared
                || u.organisation_id == meeting.meta.organisation_id)
    };
    let mut queued = 0;
    for f in &meeting.data.feedback {
        let print = fingerprint(f);
        let to: Vec<UserId> = if f.report_ids.is_empty() && f.incident_ids.is_empty() {
            users
                .iter()
                .filter(|u| reads(u) && u.has(Role::Reporter))
                .map(|u| u.id)
                .collect()
        } else {
            let filers = filers(app, f).await?;
            users
                .iter()
                .filter(|u| reads(u) && filers.contains(&u.id))
                .map(|u| u.id)
                .collect()
        };
        for user in to {
            if had.contains(&(print.clone(), user)) {
                continue;
            }
            let about = About::Feedback {
                meeting: id,
                fingerprint: print.clone(),
            };
            // Users have no language of their own yet: Swedish, as the pages start.
            if enqueue(
                app,
                meeting.meta.organisation_id,
                about,
                Recipient::User(user),
                Lang::Sv,
            )
            .await?
            .is_some()
            {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// Who filed the reports and incidents a piece of feedback answers.
async fn filers(app: &App, f: &trygg_domain::cycle::Feedback) -> Result<HashSet<UserId>, AppError> {
    let mut out = HashSet::new();
    for i in &f.incident_ids {
        if let Some(by) = app
            .store
            .get_incident(*i, Scope::All)
            .await?
            .and_then(|i| i.created_by)
        {
            out.insert(by);
        }
    }
    if !f.report_ids.is_empty() {
        let filter = IncidentFilter {
            channels: vec![trygg_domain::Channel::Est],
            scope: Scope::All,
            ..IncidentFilter::default()
        };
        for i in app.store.list_all_incidents(&filter).await? {
            if i.report_id.is_some_and(|r| f.report_ids.contains(&r))
                && let Some(by) = i.created_by
            {
                out.insert(by);
            }
        }
    }
    Ok(out)
}

/// How one round went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Accepted by the mail server.
    pub sent: usize,
    /// Failed for now; tried again later.
    pub retried: usize,
    /// Given up.
    pub failed: usize,
    /// Not sent: no address or no content any more.
    pub dropped: usize,
}

/// Why one notice was not sent.
enum NotSent {
    Send(SendError),
    Gone(&'static str),
}

/// A notice ready to send: the address, the content, and the outside party's link made for it
/// (fix id and link number), to revoke if the mail does not go.
type Resolved = (String, Content, Option<(i64, u32)>);

/// The address and the content of a notice, read now (an outside party's link is made now).
async fn resolve(app: &App, n: &Notice) -> Result<Result<Resolved, NotSent>, AppError> {
    if let (About::FixLink { fix, party, .. }, Recipient::Party) = (&n.about, n.to) {
        return Ok(
            match crate::fixes::mail_link(app, &Actor::system(ACTOR), *fix, party).await? {
                Err(why) => Err(NotSent::Gone(why)),
                Ok(made) => {
                    let content = link_content(app, &made).await;
                    Ok((made.mailbox, content, Some((*fix, made.number))))
                }
            },
        );
    }
    Ok(resolve_plain(app, n)
        .await?
        .map(|(to, content)| (to, content, None)))
}

/// The address and the content of a notice that makes nothing, read now.
async fn resolve_plain(
    app: &App,
    n: &Notice,
) -> Result<Result<(String, Content), NotSent>, AppError> {
    let store = app.store.as_ref();
    let user_address = |u: Option<trygg_domain::User>| match u {
        Some(u) if !u.disabled => Ok(u.email),
        Some(_) => Err(NotSent::Gone("the account is disabled")),
        None => Err(NotSent::Gone("the account does not exist")),
    };
    Ok(match (&n.about, n.to) {
        (About::TipDecision { tip }, Recipient::Citizen) => {
            match records::get::<Tip>(store, *tip).await? {
                None => Err(NotSent::Gone("the tip is gone")),
                Some(t) => match t.data.email.clone() {
                    None => Err(NotSent::Gone("the tip has no address (any more)")),
                    Some(to) => {
                        let year = t.data.submitted_at.to_zoned(app.tz.clone()).year();
                        Ok((
                            to,
                            Content::TipDecision {
                                reference: Tip::reference(year, t.meta.id),
                                category: t.data.category,
                                status: t.data.status,
                            },
                        ))
                    }
                },
            }
        }
        (
            About::Feedback {
                meeting,
                fingerprint: print,
            },
            Recipient::User(u),
        ) => {
            let text = records::get::<Meeting>(store, *meeting)
                .await?
                .and_then(|m| {
                    m.data
                        .feedback
                        .iter()
                        .find(|f| fingerprint(f) == *print)
                        .map(|f| (m.data.date, f.text.clone()))
                });
            match text {
                None => Err(NotSent::Gone("the feedback was changed or removed")),
                Some((date, text)) => user_address(store.get_user(u).await?)
                    .map(|to| (to, Content::Feedback { date, text })),
            }
        }
        (About::Fix(f), Recipient::User(u)) => {
            user_address(store.get_user(u).await?).map(|to| (to, Content::Fix(f.clone())))
        }
        (_, Recipient::Citizen) => Err(NotSent::Gone("only a tip's decision goes to a citizen")),
        (About::TipDecision { .. }, Recipient::User(_)) => {
            Err(NotSent::Gone("a tip's decision goes to the citizen"))
        }
        (About::FixLink { .. }, _) | (_, Recipient::Party) => Err(NotSent::Gone(
            "an outside party's link goes to that party, and only it goes there",
        )),
    })
}

/// Sends every due notice once (and takes again those a dead worker left `sending`).
pub async fn run_once(app: &App) -> Result<Round, AppError> {
    let mut round = Round::default();
    let Some(mailer) = app.notify.mailer.clone() else {
        return Ok(round);
    };
    let store = app.store.as_ref();
    let actor = Actor::system(ACTOR);
    for n in records::list::<Notice>(store).await? {
        let now = app.now();
        let attempts = match n.data.delivery {
            Delivery::Pending {
                attempts, next_at, ..
            } if next_at <= now => attempts,
            Delivery::Sending { since, attempts } if now.duration_since(since) > STALE_SENDING => {
                attempts
            }
            _ => continue,
        };
        let mut taken = n.data.clone();
        taken.delivery = Delivery::Sending {
            since: now,
            attempts,
        };
        let taken = match records::update(store, &actor, n.meta.id, n.meta.version, &taken).await {
            Ok(t) => t,
            // Another server took it first.
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let outcome = match resolve(app, &taken.data).await? {
            Err(gone) => Err(gone),
            Ok((to, content, made)) => {
                let r = render(&content, taken.data.lang);
                let mail = Mail {
                    to,
                    subject: r.subject,
                    body: r.body,
                };
                let sent = mailer.send(&mail).await.map_err(NotSent::Send);
                if let (Err(_), Some((fix, number))) = (&sent, made)
                    && let Err(e) = crate::fixes::unmailed_link(app, &actor, fix, number).await
                {
                    tracing::error!(error = %e, fix, link = number, "the link of a mail that did not go could not be revoked");
                }
                sent
            }
        };
        let tries = attempts + 1;
        let (kind, reference) = (taken.data.about.kind(), taken.data.about.reference());
        let delivery = match outcome {
            Ok(()) => {
                round.sent += 1;
                tracing::info!(kind, %reference, notice = taken.meta.id, "e-mail notice sent");
                Delivery::Sent {
                    at: app.now(),
                    attempts: tries,
                }
            }
            Err(NotSent::Gone(why)) => {
                round.dropped += 1;
                tracing::info!(kind, %reference, notice = taken.meta.id, why, "e-mail notice dropped");
                Delivery::Dropped {
                    at: app.now(),
                    why: why.into(),
                }
            }
            Err(NotSent::Send(SendError::Transient(e))) if (attempts as usize) < BACKOFF.len() => {
                round.retried += 1;
                let wait = BACKOFF[attempts as usize];
                tracing::warn!(kind, %reference, notice = taken.meta.id, error = %e, retry_in = %wait, "e-mail notice not sent; will try again");
                Delivery::Pending {
                    attempts: tries,
                    next_at: app.now() + wait,
                    last_error: Some(e),
                }
            }
            Err(NotSent::Send(SendError::Transient(e) | SendError::Permanent(e))) => {
                round.failed += 1;
                tracing::error!(kind, %reference, notice = taken.meta.id, error = %e, attempts = tries, "e-mail notice failed");
                Delivery::Failed {
                    at: app.now(),
                    attempts: tries,
                    error: e,
                }
            }
        };
        let mut done = taken.data.clone();
        done.delivery = delivery;
        records::update(store, &actor, taken.meta.id, taken.meta.version, &done).await?;
    }
    Ok(round)
}

/// The worker of `trygg serve`: a round now, then whenever a notice is queued on this server
/// and at least every [`POLL`] (notices queued by other servers, retries), until `stop`.
pub async fn run(app: App, mut stop: tokio::sync::watch::Receiver<bool>) {
    if !app.notify.is_on() {
        return;
    }
    loop {
        if let Err(e) = fixes_overdue(&app).await {
            tracing::error!(error = %e, "e-mail notices: the overdue fixes could not be queued");
        }
        match run_once(&app).await {
            Ok(r) if r != Round::default() => tracing::debug!(?r, "e-mail notices: round"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "e-mail notices: the round failed"),
        }
        tokio::select! {
            _ = app.notify.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
    }
}

/// The ids of the notices whose delivery ended (sent, failed or dropped) before `before`: what
/// the retention rule `notices_days` hands the store. A notice still to be tried is kept.
pub async fn ended_before(app: &App, before: jiff::Timestamp) -> Result<Vec<i64>, AppError> {
    Ok(records::list::<Notice>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|n| n.data.delivery.ended_at().is_some_and(|at| at < before))
        .map(|n| n.meta.id)
        .collect())
}

/// A fix's reference in mail (`F-2026-000042`: the year it was made, local time, and its id).
fn fix_reference(app: &App, fix: &Stored<Fix>) -> String {
    format!(
        "F-{}-{:06}",
        fix.data.created_at.to_zoned(app.tz.clone()).year(),
        fix.meta.id
    )
}

/// What an outside party's mail says: the fix as its link shows it (never the reporter's
/// text), the link, when it expires, and whom to ask.
async fn link_content(app: &App, made: &crate::fixes::MailedLink) -> Content {
    let f = &made.fix.data;
    let (category_sv, category_en) = f.category_label();
    Content::FixLink(templates::LinkMail {
        reference: fix_reference(app, &made.fix),
        party: f.owners[made.owner].responsible.name().to_string(),
        category_sv: category_sv.to_string(),
        category_en: category_en.to_string(),
        place: f
            .place
            .clone()
            .unwrap_or_else(|| format!("{:.5}, {:.5}", f.position.lat, f.position.lon)),
        description: f.description.clone(),
        part: f.owners[made.owner].part.clone(),
        due: f.due,
        link: format!(
            "{}/atgard/{}",
            app.fixes.public_url.trim_end_matches('/'),
            made.token
        ),
        expires: made
            .expires_at
            .to_zoned(app.tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        organisation: crate::reference::organisation_name(app, made.fix.meta.organisation_id).await,
    })
}

/// What an owner is told about fix `fix` at `status` (`sent`, `overdue`): its reference, category,
/// place, due date and the link to its page.
fn fix_notice(app: &App, fix: &Stored<Fix>, status: &str) -> FixNotice {
    let f = &fix.data;
    let category = Taxonomy.get(&f.category);
    FixNotice {
        reference: fix_reference(app, fix),
        category_code: f.category.clone(),
        category_sv: category.map_or(f.category.clone(), |c| c.label_sv.to_string()),
        category_en: category.map_or(f.category.clone(), |c| c.label_en.to_string()),
        status: status.into(),
        place: f
            .place
            .clone()
            .unwrap_or_else(|| format!("{:.5}, {:.5}", f.position.lat, f.position.lon)),
        due: f.due,
        link: format!(
            "{}/atgarder/{}",
            app.fixes.public_url.trim_end_matches('/'),
            fix.meta.id
        ),
        reason: f.reason.clone(),
    }
}

/// Who hears of owner `owner`'s part: for a unit of an organisation, that organisation's
/// coordinators with an active account. An outside party hears through its link: mailed to
/// its functional mailbox ([`fix_link_due`]), or handed over by the coordinator.
async fn fix_recipients(app: &App, fix: &Fix, owner: usize) -> Result<Vec<UserId>, AppError> {
    let Some(FixOwner {
        responsible: Responsible::Unit { organisation, .. },
        ..
    }) = fix.owners.get(owner)
    else {
        return Ok(Vec::new());
    };
    Ok(app
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| {
            u.organisation_id == *organisation
                && !u.disabled
                && u.roles.contains(&Role::Coordinator)
        })
        .map(|u| u.id)
        .collect())
}

/// Whether outside owner `owner` of `fix`, whose part was just sent, is mailed its link: it has
/// a functional mailbox, the fix did not go to its Open311 system (it hears through that), and
/// it holds no live link (the coordinator made one by hand, and hands it over).
fn fix_link_due(fix: &Fix, owner: usize, now: jiff::Timestamp) -> bool {
    let Some(FixOwner {
        responsible:
            Responsible::Outside {
                contact: Some(_),
                open311,
                ..
            },
        ..
    }) = fix.owners.get(owner)
    else {
        return false;
    };
    let over_open311 = open311
        .as_deref()
        .is_some_and(|e| fix.remote.as_ref().is_some_and(|r| r.endpoint == e));
    let has_link = fix.links.iter().any(|l| l.owner == owner && l.is_live(now));
    !over_open311 && !has_link
}

/// Queues a notice to each owner whose part moved to *sent* from `before` to `after` — a
/// unit's coordinators, or an outside party's mailbox with its link ([`fix_link_due`]); returns
/// how many were queued (none when SMTP is off).
pub async fn fix_sent(app: &App, before: &Fix, after: &Stored<Fix>) -> Result<usize, AppError> {
    if !app.notify.is_on() {
        return Ok(0);
    }
    let mut queued = 0;
    for (i, o) in after.data.owners.iter().enumerate() {
        let was_sent = before
            .owners
            .iter()
            .any(|b| b.responsible == o.responsible && b.status == FixStatus::Sent);
        if o.status != FixStatus::Sent || was_sent {
            continue;
        }
        if fix_link_due(&after.data, i, app.now()) {
            let about = About::FixLink {
                fix: after.meta.id,
                reference: fix_reference(app, after),
                party: o.responsible.name().to_string(),
            };
            // An outside party has no language of its own: Swedish, as the pages start.
            if enqueue(
                app,
                after.meta.organisation_id,
                about,
                Recipient::Party,
                Lang::Sv,
            )
            .await?
            .is_some()
            {
                queued += 1;
            }
            continue;
        }
        for user in fix_recipients(app, &after.data, i).await? {
            let about = About::Fix(fix_notice(app, after, "sent"));
            if enqueue(
                app,
                after.meta.organisation_id,
                about,
                Recipient::User(user),
                Lang::Sv,
            )
            .await?
            .is_some()
            {
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// Queues, once per fix, a notice to the owners of every open fix past its due date; returns how
/// many were queued. Run by the worker each round.
pub async fn fixes_overdue(app: &App) -> Result<usize, AppError> {
    if !app.notify.is_on() {
        return Ok(0);
    }
    let today = app.now().to_zoned(app.tz.clone()).date();
    let overdue: Vec<Stored<Fix>> = records::list::<Fix>(app.store.as_ref())
        .await?
        .into_iter()
        .filter(|f| f.data.is_overdue(today))
        .collect();
    if overdue.is_empty() {
        return Ok(0);
    }
    let told: HashSet<String> = records::list::<Notice>(app.store.as_ref())
        .await?
        .into_iter()
        .filter_map(|n| match n.data.about {
            About::Fix(f) if f.status == "overdue" => Some(f.reference),
            _ => None,
        })
        .collect();
    let mut queued = 0;
    for fix in &overdue {
        let notice = fix_notice(app, fix, "overdue");
        if told.contains(&notice.reference) {
            continue;
        }
        for i in 0..fix.data.owners.len() {
            for user in fix_recipients(app, &fix.data, i).await? {
                let about = About::Fix(notice.clone());
                if enqueue(
                    app,
                    fix.meta.organisation_id,
                    about,
                    Recipient::User(user),
                    Lang::Sv,
                )
                .await?
                .is_some()
                {
                    queued += 1;
                }
            }
        }
    }
    Ok(queued)
}

/// Every notice with its delivery, newest first (for tests and the operator's look).
pub async fn notices(app: &App) -> Result<Vec<Stored<Notice>>, AppError> {
    let mut all = records::list::<Notice>(app.store.as_ref()).await?;
    all.sort_by_key(|n| std::cmp::Reverse(n.meta.id));
    Ok(all)
}
