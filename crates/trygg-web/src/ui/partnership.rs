//! `/samverkan`: the partnership's own pages — the agreement with its coordinators and
//! calendar, the governance bodies with meetings and decisions, the collaboration forms with
//! their activity logs, the commitment plan per year, citizen promises and the communication
//! plan. Who reads them (`Permission::ReadPartnership`) and who changes them (a coordinator of a
//! party to the current agreement) is `trygg_app::partnership::cases`'. Every change goes through the
//! record store with the user as actor (versioned and audited); forms carry the CSRF token,
//! and bad input re-renders the page with the message and stores nothing.

use axum::{
    Form, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use jiff::civil::Date;
use maud::{Markup, html};
use trygg_domain::{
    Actor,
    cycle::Intervention,
    partnership::{
        Activity, Agreement, Body, BodyMeeting, CalendarEntry, CitizenPromise, CollaborationForm,
        CommitmentPlan, CommitmentStatus, CommunicationPlan, Coordinator, EarlierAgreement, JOINT,
        Party, PartyKind, PlanStatus, Signatory, deadlines,
    },
};
use trygg_store::{
    StoreError,
    records::{self, Stored},
};

use super::{
    Lang,
    extract::{PageError, SignedIn},
    form::Fields,
    layout,
};
use crate::AppState;
use trygg_app::partnership::{self, cases};
use trygg_domain::Permission;

/// `Ok` when the user may change the partnership's records now (the policy, and their
/// organisation a party to the current agreement, or to `new` when none is stored).
async fn may_write(
    state: &AppState,
    me: &SignedIn,
    new: Option<&Agreement>,
) -> Result<(), PageError> {
    cases::check_write(state, &me.user, new)
        .await
        .map_err(|e| PageError::from_app(me.ctx.lang, e))
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/samverkan", get(overview))
        .route(
            "/samverkan/overenskommelse",
            get(edit_agreement).post(save_agreement),
        )
        .route("/samverkan/overenskommelse/ny", get(new_agreement))
        .route("/samverkan/organisation", get(bodies))
        .route("/samverkan/organisation/mote", post(add_meeting))
        .route("/samverkan/samverkansformer", get(forms))
        .route(
            "/samverkan/samverkansformer/{id}/aktivitet",
            post(add_activity),
        )
        .route("/samverkan/atagandeplan", get(plans))
        .route("/samverkan/atagandeplan/kopiera", post(copy_plan))
        .route("/samverkan/atagandeplan/{year}", get(plan))
        .route(
            "/samverkan/atagandeplan/{year}/atagande/{commitment}",
            post(update_commitment),
        )
        .route(
            "/samverkan/atagandeplan/{year}/atagande",
            post(add_commitment),
        )
        .route(
            "/samverkan/atagandeplan/{year}/atagande/{commitment}/ta-bort",
            post(remove_commitment),
        )
        .route(
            "/samverkan/atagandeplan/{year}/status",
            post(set_plan_status),
        )
        .route("/samverkan/medborgarloften", get(promises))
        .route("/samverkan/kommunikation", get(communication))
        .route("/lofte", get(public_promises))
}

fn store_err(l: Lang) -> impl Fn(StoreError) -> PageError {
    move |e| PageError::from((l, e))
}

fn actor(me: &SignedIn) -> Actor {
    Actor::User { id: me.user.id }
}

/// The sub-navigation of the partnership pages.
fn subnav(me: &SignedIn) -> Markup {
    let l = me.ctx.lang;
    let items = [
        ("/samverkan", l.t("Överenskommelsen", "Agreement")),
        ("/samverkan/organisation", l.t("Organisation", "Governance")),
        (
            "/samverkan/samverkansformer",
            l.t("Samverkansformer", "Collaboration forms"),
        ),
        (
            "/samverkan/atagandeplan",
            l.t("Åtagandeplaner", "Commitment plans"),
        ),
        (
            "/samverkan/medborgarloften",
            l.t("Medborgarlöften", "Citizen promises"),
        ),
        (
            "/samverkan/kommunikation",
            l.t("Kommunikationsplan", "Communication plan"),
        ),
    ];
    html! {
        nav.subnav aria-label=(l.t("Samverkan", "Partnership")) {
            @for (href, label) in items {
                a href=(href) aria-current=[(me.ctx.path == href).then_some("page")] { (label) }
            }
        }
    }
}

fn page(me: &SignedIn, title: &str, notice: Option<(&str, String)>, body: Markup) -> Markup {
    layout(
        &me.ctx,
        title,
        html! {
            (subnav(me))
            h1 { (title) }
            @if let Some((class, text)) = notice {
                div class={ "notice " (class) } role="alert" { (text) }
            }
            (body)
        },
    )
}

fn status_label(l: Lang, s: CommitmentStatus) -> &'static str {
    match s {
        CommitmentStatus::NotStarted => l.t("Ej påbörjat", "Not started"),
        CommitmentStatus::Ongoing => l.t("Pågår", "Ongoing"),
        CommitmentStatus::Done => l.t("Genomfört", "Done"),
        CommitmentStatus::Postponed => l.t("Uppskjutet", "Postponed"),
        CommitmentStatus::Cancelled => l.t("Avbrutet", "Cancelled"),
    }
}

const STATUSES: [(CommitmentStatus, &str); 5] = [
    (CommitmentStatus::NotStarted, "not_started"),
    (CommitmentStatus::Ongoing, "ongoing"),
    (CommitmentStatus::Done, "done"),
    (CommitmentStatus::Postponed, "postponed"),
    (CommitmentStatus::Cancelled, "cancelled"),
];

fn calendar_list(l: Lang, entries: &[CalendarEntry], today: Date) -> Markup {
    html! {
        table.list {
            thead { tr { th { (l.t("Senast", "Deadline")) } th { (l.t("Vad", "What")) } th { (l.t("Källa", "Source")) } } }
            tbody {
                @for e in entries {
                    tr class=[e.due_soon(today).then_some("due")] {
                        td { (e.deadline) @if e.due_soon(today) { " " strong { (l.t("(snart)", "(soon)")) } } }
                        td { (e.title) }
                        td { (e.source) }
                    }
                }
            }
        }
    }
}

/// What the start page reminds of on `today`: the agreement's and the law's deadlines whose
/// reminder period has begun, and whether the agreement's period is over (a new one is due).
pub(crate) fn reminders_on(agreement: &Agreement, today: Date) -> (Vec<CalendarEntry>, bool) {
    let mut entries = deadlines(agreement);
    // The law's deadlines go on after the agreement ends: count them through next year.
    if today.year() >= agreement.to_year {
        let mut later = agreement.clone();
        later.from_year = agreement.to_year + 1;
        later.to_year = today.year() + 1;
        entries.extend(deadlines(&later).into_iter().filter(|e| {
            matches!(
                e.kind,
                trygg_domain::partnership::CalendarKind::Lagesbild
                    | trygg_domain::partnership::CalendarKind::Atgardsplan
            )
        }));
    }
    let due = entries.into_iter().filter(|e| e.due_soon(today)).collect();
    (due, today.year() > agreement.to_year)
}

/// The start page's reminders for the current agreement (see [`reminders_on`]).
pub(crate) async fn reminders(state: &AppState) -> Option<(Agreement, Vec<CalendarEntry>, bool)> {
    let a = partnership::agreement(state.store.as_ref()).await.ok()??;
    let (due, ended) = reminders_on(&a.data, state.today());
    Some((a.data, due, ended))
}

async fn require_agreement(state: &AppState, l: Lang) -> Result<Stored<Agreement>, PageError> {
    partnership::agreement(state.store.as_ref())
        .await
        .map_err(store_err(l))?
        .ok_or_else(|| PageError::not_found(l))
}

/// `GET /samverkan`: the agreement and its calendar.
async fn overview(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    let l = me.ctx.lang;
    let Some(a) = partnership::agreement(state.store.as_ref())
        .await
        .map_err(store_err(l))?
    else {
        return Ok(page(
            &me,
            l.t("Samverkan", "Partnership"),
            None,
            html! {
                p { (l.t("Ingen samverkansöverenskommelse är registrerad ännu.", "No agreement is stored yet.")) }
                @if me.may(Permission::WritePartnership) {
                    p { a.button href="/samverkan/overenskommelse" { (l.t("Registrera överenskommelsen", "Register the agreement")) } }
                }
            },
        ));
    };
    let a = a.data;
    let today = state.today();
    let body = html! {
        @if me.may(Permission::WritePartnership) {
            p.actions {
                a.button href="/samverkan/overenskommelse" { (l.t("Ändra överenskommelsen", "Change the agreement")) }
                " "
                a.button href="/samverkan/overenskommelse/ny" { (l.t("Registrera en ny överenskommelse", "Register a new agreement")) }
            }
        }
        section.card {
            h2 { (a.title) }
            dl {
                dt { (l.t("Parter", "Parties")) } dd { (a.parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")) }
                dt { (l.t("Period", "Period")) } dd { (a.from_year) "–" (a.to_year) }
                @if let Some(c) = &a.case_number { dt { (l.t("Diarienummer", "Case number")) } dd { (c) } }
                @if let Some(d) = a.decided { dt { (l.t("Beslutad", "Decided")) } dd { (d) } }
                dt { (l.t("Undertecknas av", "Signed by")) }
                dd { ul { @for s in &a.signatories { li { (s.name) ", " (s.title) " (" (s.party) ")" } } } }
                dt { (l.t("Samordnare", "Coordinators")) }
                dd { ul { @for c in &a.coordinators { li { (c.role) " (" (c.party) ")" @if let Some(n) = &c.name { ": " (n) } } } } }
                @if let Some(e) = &a.economy { dt { (l.t("Ekonomi", "Costs")) } dd { (e) } }
            }
        }
        section.card {
            h2 { (l.t("Syfte", "Purpose")) }
            p { (a.purpose) }
            @if !a.undertakings.is_empty() {
                h3 { (l.t("Parterna åtar sig att", "The parties undertake to")) }
                ul { @for u in &a.undertakings { li { (u) } } }
            }
        }
        div.cards {
            section.card {
                h2 { (l.t("Tidigare överenskommelser", "Earlier agreements")) }
                ul { @for e in &a.earlier { li { (e.label) " " (e.from_year) "–" (e.to_year) @if let Some(n) = &e.note { br; span.hint { (n) } } } } }
            }
            section.card {
                h2 { (l.t("Bilagor", "Attached documents")) }
                ul { @for d in &a.attachments {
                    @let (title, url) = attachment_parts(d);
                    li { @if url.is_empty() { (title) } @else { a href=(url) rel="noopener" { (title) } } }
                } }
            }
        }
        section.card #kalender {
            h2 { (l.t("Kalender", "Calendar")) }
            p.hint { (l.t(
                "Överenskommelsens och lagens tidpunkter. Åtgärdsplanen ska vara beslutad senast 31 december samma år som lägesbilden (trygg:s planeringsregel).",
                "The agreement's and the law's deadlines. The action plan is to be decided by 31 December of the situation picture's year (trygg's planning rule).",
            )) }
            (calendar_list(l, &deadlines(&a), today))
        }
    };
    Ok(page(
        &me,
        l.t("Samverkansöverenskommelsen", "The agreement"),
        None,
        body,
    ))
}

/// `GET /samverkan/organisation`: bodies, members, mandates, meetings and decisions.
async fn bodies(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    bodies_page(&state, &me, None).await
}

async fn bodies_page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let store = state.store.as_ref();
    let agreement = partnership::agreement(store).await.map_err(store_err(l))?;
    let bodies = records::list::<Body>(store).await.map_err(store_err(l))?;
    let mut meetings = records::list::<BodyMeeting>(store)
        .await
        .map_err(store_err(l))?;
    meetings.sort_by_key(|m| m.data.date);
    let body = html! {
        @if let Some(a) = &agreement {
            section.card {
                h2 { (l.t("Samordnare", "Coordinators")) }
                ul { @for c in &a.data.coordinators { li { (c.role) " (" (c.party) ")" } } }
            }
        }
        @for b in &bodies {
            section.card {
                h2 { (b.data.name) " " span.hint { (b.data.kind.label_sv()) @if let Some(by) = &b.data.appointed_by { ", " (l.t("tillsatt av", "appointed by")) " " (by) } } }
                p { (b.data.mandate) }
                table.list {
                    thead { tr { th { (l.t("Roll", "Role")) } th { (l.t("Organisation", "Organisation")) } th {} } }
                    tbody { @for m in &b.data.members { tr { td { (m.role) } td { (m.organisation) } td { @if m.chair { (l.t("Ordförande", "Chair")) } } } } }
                }
                @let ms: Vec<_> = meetings.iter().filter(|m| m.data.body == b.data.name).collect();
                @if !ms.is_empty() {
                    h3 { (l.t("Möten", "Meetings")) }
                    @for m in ms {
                        article.meeting {
                            h4 { (m.data.date) }
                            p { strong { (l.t("Dagordning: ", "Agenda: ")) } (m.data.agenda.join("; ")) }
                            @if !m.data.minutes.is_empty() { p { (m.data.minutes) } }
                            @if !m.data.decisions.is_empty() {
                                p { strong { (l.t("Beslut", "Decisions")) } }
                                ul { @for d in &m.data.decisions {
                                    li { (d.text)
                                        @if let Some(r) = &d.responsible { " – " (r) }
                                        @if let Some(due) = d.due { " (" (l.t("senast", "by")) " " (due) ")" }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
        }
        @if me.may(Permission::WritePartnership) && !bodies.is_empty() {
            section.card #nytt-mote {
                h2 { (l.t("Registrera ett möte", "Record a meeting")) }
                form.grid method="post" action="/samverkan/organisation/mote" {
                    (me.ctx.csrf_field())
                    label { (l.t("Organ", "Body"))
                        select name="body" { @for b in &bodies { option value=(b.data.name) { (b.data.name) } } }
                    }
                    label { (l.t("Datum", "Date")) input type="date" name="date" required; }
                    label { (l.t("Dagordning (en punkt per rad)", "Agenda (one item per line)")) textarea name="agenda" rows="3" required {} }
                    label { (l.t("Protokoll (inga personuppgifter)", "Minutes (no personal data)")) textarea name="minutes" rows="3" {} }
                    label { (l.t("Beslut (ett per rad)", "Decisions (one per line)")) textarea name="decisions" rows="3" {} }
                    button.primary type="submit" { (l.t("Spara mötet", "Save the meeting")) }
                }
            }
        }
    };
    Ok(page(me, l.t("Organisation", "Governance"), notice, body))
}

#[derive(Debug, serde::Deserialize)]
struct MeetingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    agenda: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    decisions: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `POST /samverkan/organisation/mote`: a meeting of a body with its agenda, minutes and
/// decisions.
async fn add_meeting(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<MeetingForm>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    me.check_csrf(&f.csrf)?;
    let l = me.ctx.lang;
    let store = state.store.as_ref();
    let again = |msg: String| async {
        Ok::<_, PageError>(refused(
            bodies_page(&state, &me, Some(("error", msg))).await?,
        ))
    };
    let bodies = records::list::<Body>(store).await.map_err(store_err(l))?;
    if !bodies.iter().any(|b| b.data.name == f.body) {
        return again(
            l.t("Välj ett av organen.", "Choose one of the bodies.")
                .into(),
        )
        .await;
    }
    let Ok(date) = f.date.trim().parse::<Date>() else {
        return again(
            l.t(
                "Ange mötets datum som ÅÅÅÅ-MM-DD.",
                "Give the meeting's date as YYYY-MM-DD.",
            )
            .into(),
        )
        .await;
    };
    let meeting = BodyMeeting {
        body: f.body.clone(),
        date,
        agenda: lines(&f.agenda),
        minutes: f.minutes.trim().to_string(),
        decisions: lines(&f.decisions)
            .into_iter()
            .map(|text| trygg_domain::partnership::Decision {
                text,
                responsible: None,
                due: None,
            })
            .collect(),
    };
    match records::create(store, &actor(&me), me.user.organisation_id, &meeting).await {
        Ok(_) => Ok(Redirect::to("/samverkan/organisation").into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => again(msg).await,
            None => Err(PageError::from((l, e))),
        },
    }
}

async fn forms_page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let forms = records::list::<CollaborationForm>(state.store.as_ref())
        .await
        .map_err(store_err(l))?;
    let edit = me.may(Permission::WritePartnership);
    let body = html! {
        @for f in &forms {
            section.card id={ "form-" (f.meta.id) } {
                h2 { (f.data.name) }
                p.hint { (l.t("Ägare: ", "Owner: ")) (f.data.owner)
                    @if let Some(p) = &f.data.parent { " · " (l.t("del av ", "part of ")) (p) } }
                @if !f.data.description.is_empty() { p { (f.data.description) } }
                @if !f.data.indicators.is_empty() {
                    p { strong { (l.t("Indikatorer: ", "Indicators: ")) } (f.data.indicators.join(", ")) }
                }
                @if f.data.activities.is_empty() {
                    p.hint { (l.t("Inga aktiviteter registrerade.", "No activities recorded.")) }
                } @else {
                    ul { @for a in &f.data.activities {
                        li { @if let Some(d) = a.date { (d) ": " } (a.text) @if !a.done { " (" (l.t("planerad", "planned")) ")" } }
                    } }
                }
                @if edit {
                    form.inline method="post" action={ "/samverkan/samverkansformer/" (f.meta.id) "/aktivitet" } {
                        (me.ctx.csrf_field())
                        input type="hidden" name="version" value=(f.meta.version);
                        label { (l.t("Datum", "Date")) input type="date" name="date"; }
                        label { (l.t("Aktivitet", "Activity")) input type="text" name="text" maxlength="500" required; }
                        label.check { input type="checkbox" name="done" value="1" checked; " " (l.t("genomförd", "done")) }
                        button type="submit" { (l.t("Lägg till aktivitet", "Add activity")) }
                    }
                }
            }
        }
    };
    Ok(page(
        me,
        l.t("Samverkansformer", "Collaboration forms"),
        notice,
        body,
    ))
}

/// `GET /samverkan/samverkansformer`.
async fn forms(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    forms_page(&state, &me, None).await
}

#[derive(Debug, serde::Deserialize)]
struct ActivityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    date: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    done: Option<String>,
}

fn refused(body: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
}

/// The message for a refused write, in the page's language where we have one.
fn refusal(l: Lang, e: &StoreError) -> Option<String> {
    match e {
        StoreError::Invalid(v) => Some(format!(
            "{} {} ({})",
            l.t("Ändringen sparades inte:", "The change was not saved:"),
            v.message,
            v.field
        )),
        StoreError::Conflict(m) => Some(format!(
            "{} {m}",
            l.t(
                "Ändringen sparades inte: någon annan har ändrat under tiden. Sidan visar nu det senaste.",
                "The change was not saved: someone else changed it meanwhile. The page now shows the latest."
            )
        )),
        _ => None,
    }
}

/// `POST /samverkan/samverkansformer/{id}/aktivitet`: adds a line to the activity log.
async fn add_activity(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<ActivityForm>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    me.check_csrf(&f.csrf)?;
    let l = me.ctx.lang;
    let store = state.store.as_ref();
    let stored = records::get::<CollaborationForm>(store, id)
        .await
        .map_err(store_err(l))?
        .ok_or_else(|| PageError::not_found(l))?;
    let date = match f.date.trim() {
        "" => None,
        d => match d.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                let msg = l
                    .t(
                        "Ange datumet som ÅÅÅÅ-MM-DD.",
                        "Give the date as YYYY-MM-DD.",
                    )
                    .to_string();
                return Ok(refused(
                    forms_page(&state, &me, Some(("error", msg))).await?,
                ));
            }
        },
    };
    let mut form = stored.data.clone();
    form.activities.push(Activity {
        date,
        text: f.text.trim().to_string(),
        done: f.done.is_some(),
    });
    match records::update(store, &actor(&me), id, f.version, &form).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/samverkan/samverkansformer#form-{id}")).into_response())
        }
        Err(e) => match refusal(l, &e) {
            Some(msg) => Ok(refused(
                forms_page(&state, &me, Some(("error", msg))).await?,
            )),
            None => Err(PageError::from((l, e))),
        },
    }
}

/// `GET /samverkan/atagandeplan`: the plans of the period, and the copy button.
async fn plans(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    plans_page(&state, &me, None).await
}

async fn plans_page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let a = require_agreement(state, l).await?;
    let plans = partnership::plans(state.store.as_ref(), &a.data)
        .await
        .map_err(store_err(l))?;
    let next = plans
        .last()
        .map(|p| p.data.year + 1)
        .filter(|y| *y <= a.data.to_year);
    let body = html! {
        table.list {
            thead { tr { th { (l.t("År", "Year")) } th { (l.t("Status", "Status")) } th.num { (l.t("Åtaganden", "Commitments")) } th.num { (l.t("Genomförda", "Done")) } } }
            tbody {
                @for p in &plans {
                    tr {
                        td { a href={ "/samverkan/atagandeplan/" (p.data.year) } { (l.t("Åtagandeplan ", "Commitment plan ")) (p.data.year) } }
                        td { (plan_status(l, p.data.status)) }
                        td.num { (p.data.commitments.len()) }
                        td.num { (p.data.commitments.iter().filter(|c| c.status == CommitmentStatus::Done).count()) }
                    }
                }
            }
        }
        @if let Some(y) = next {
            @if me.may(Permission::WritePartnership) {
                form.inline method="post" action="/samverkan/atagandeplan/kopiera" {
                    (me.ctx.csrf_field())
                    input type="hidden" name="year" value=(y);
                    button.primary type="submit" { (l.t("Kopiera förra årets plan som utkast för ", "Copy last year's plan as a draft for ")) (y) }
                }
                p.hint { (l.t(
                    "Samma prioriteringar och åtaganden med planerade resurser; status, framsteg, använda resurser och aktiviteter börjar om.",
                    "The same priorities and commitments with their planned resources; status, progress, used resources and activities start over.",
                )) }
            }
        }
    };
    Ok(page(
        me,
        l.t("Åtagandeplaner", "Commitment plans"),
        notice,
        body,
    ))
}

fn plan_status(l: Lang, s: PlanStatus) -> String {
    match s {
        PlanStatus::Draft => l.t("Utkast", "Draft").into(),
        PlanStatus::Decided { date } => format!("{} {date}", l.t("Beslutad", "Decided")),
    }
}

#[derive(Debug, serde::Deserialize)]
struct CopyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    year: String,
}

/// `POST /samverkan/atagandeplan/kopiera`: last year's plan as a draft for `year`.
async fn copy_plan(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<CopyForm>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    me.check_csrf(&f.csrf)?;
    let l = me.ctx.lang;
    let Ok(year) = f.year.trim().parse::<i16>() else {
        let msg = l.t("Välj ett år.", "Choose a year.").to_string();
        return Ok(refused(
            plans_page(&state, &me, Some(("error", msg))).await?,
        ));
    };
    match partnership::copy_last_years_plan(
        state.store.as_ref(),
        &actor(&me),
        me.user.organisation_id,
        year,
    )
    .await
    {
        Ok(p) => {
            Ok(Redirect::to(&format!("/samverkan/atagandeplan/{}", p.data.year)).into_response())
        }
        Err(StoreError::NotFound { .. }) => {
            let msg = format!(
                "{} {}.",
                l.t(
                    "Det finns ingen plan att kopiera för",
                    "There is no plan to copy for"
                ),
                year - 1
            );
            Ok(refused(
                plans_page(&state, &me, Some(("error", msg))).await?,
            ))
        }
        Err(e) => match refusal(l, &e) {
            Some(msg) => Ok(refused(
                plans_page(&state, &me, Some(("error", msg))).await?,
            )),
            None => Err(PageError::from((l, e))),
        },
    }
}

async fn plan_page(
    state: &AppState,
    me: &SignedIn,
    year: i16,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let store = state.store.as_ref();
    let a = require_agreement(state, l).await?;
    let stored = partnership::plans(store, &a.data)
        .await
        .map_err(store_err(l))?
        .into_iter()
        .find(|p| p.data.year == year)
        .ok_or_else(|| PageError::not_found(l))?;
    let (linked, interventions) = partnership::linked(store, vec![stored.data.clone()])
        .await
        .map_err(store_err(l))?;
    let plan: &CommitmentPlan = &linked[0];
    let edit = me.may(Permission::WritePartnership);
    let title_of = |id: &str| -> Option<&Stored<Intervention>> {
        interventions.iter().find(|i| i.meta.id.to_string() == id)
    };
    let per_party = plan.resources_per_party();
    let refused = notice.is_some();
    let body = html! {
        p { (plan_status(l, plan.status)) }
        @if !plan.introduction.is_empty() { p { (plan.introduction) } }
        section.card {
            h2 { (l.t("Resurser per part", "Resources per party")) }
            table.list {
                thead { tr { th { (l.t("Part", "Party")) } th.num { (l.t("Planerade timmar", "Planned hours")) } th.num { (l.t("Använda timmar", "Used hours")) } th.num { (l.t("Planerat, kr", "Planned, SEK")) } th.num { (l.t("Använt, kr", "Used, SEK")) } } }
                tbody { @for r in &per_party { tr {
                    td { (r.party) } td.num { (trygg_report::fmt_sv(r.planned_hours, 0)) } td.num { (trygg_report::fmt_sv(r.used_hours, 0)) }
                    td.num { (trygg_report::fmt_sv(r.planned_sek, 0)) } td.num { (trygg_report::fmt_sv(r.used_sek, 0)) }
                } } }
            }
        }
        @for area in &plan.priority_areas {
            section.card.priority {
                h2 { (area.title) }
                @if !area.description.is_empty() { p.hint { (area.description) } }
                @for c in plan.commitments.iter().filter(|c| c.priority_area == area.id) {
                    article.commitment id={ "c-" (c.id) } {
                        h3 { (c.title) " " span.hint { (c.id) } }
                        @if !c.description.is_empty() { p { (c.description) } }
                        p {
                            strong { (l.t("Ansvarig: ", "Responsible: ")) }
                            (if c.responsible == JOINT { l.t("Gemensamt (båda parterna)", "Joint (both parties)") } else { c.responsible.as_str() })
                            " · " strong { (l.t("Status: ", "Status: ")) } (status_label(l, c.status)) " (" (c.progress) " %)"
                        }
                        @if !c.collaboration_forms.is_empty() {
                            p { strong { (l.t("Samverkansformer: ", "Collaboration forms: ")) } (c.collaboration_forms.join(", ")) }
                        }
                        @if !c.interventions.is_empty() {
                            p { strong { (l.t("Insatser: ", "Interventions: ")) }
                                @for (k, id) in c.interventions.iter().enumerate() {
                                    @if k > 0 { ", " }
                                    @match title_of(id) {
                                        Some(i) => { (i.data.title) " (" (l.t("från ", "from ")) (i.data.start) ")" },
                                        None => { (id) },
                                    }
                                }
                            }
                        }
                        @if !c.activities.is_empty() {
                            ul { @for act in &c.activities { li { @if let Some(d) = act.date { (d) ": " } (act.text) } } }
                        }
                        @if edit {
                            details.follow-up open[refused] {
                            summary { (l.t("Följ upp åtagandet: status, framsteg och använda resurser", "Follow the commitment up: status, progress and resources used")) }
                            form.grid.commitment-edit method="post" action={ "/samverkan/atagandeplan/" (plan.year) "/atagande/" (c.id) } {
                                (me.ctx.csrf_field())
                                input type="hidden" name="version" value=(stored.meta.version);
                                div.row {
                                    label { (l.t("Status", "Status"))
                                        select name="status" { @for (s, v) in STATUSES { option value=(v) selected[s == c.status] { (status_label(l, s)) } } }
                                    }
                                    label { (l.t("Genomfört, %", "Progress, %")) input type="number" name="progress" min="0" max="100" step="1" value=(c.progress); }
                                }
                                @for (k, r) in c.resources.iter().enumerate() {
                                    fieldset {
                                        legend { (r.party) }
                                        div.row {
                                            label { (l.t("Använda timmar", "Used hours")) " (" (l.t("planerat ", "planned ")) (trygg_report::fmt_sv(r.planned_hours, 0)) ")"
                                                input type="number" name={ "used_hours_" (k) } min="0" step="any" value=(r.used_hours); }
                                            label { (l.t("Använt, kr", "Used, SEK")) " (" (l.t("planerat ", "planned ")) (trygg_report::fmt_sv(r.planned_sek, 0)) ")"
                                                input type="number" name={ "used_sek_" (k) } min="0" step="any" value=(r.used_sek); }
                                        }
                                    }
                                }
                                button type="submit" { (l.t("Spara", "Save")) }
                            }
                            }
                            @if c.interventions.is_empty() {
                                form.inline method="post" action={ "/samverkan/atagandeplan/" (plan.year) "/atagande/" (c.id) "/ta-bort" } {
                                    (me.ctx.csrf_field())
                                    input type="hidden" name="version" value=(stored.meta.version);
                                    button type="submit" { (l.t("Ta bort åtagandet", "Remove the commitment")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if edit { (plan_edit_forms(me, &a.data, &stored)) }
    };
    Ok(page(
        me,
        &format!("{} {year}", l.t("Åtagandeplan", "Commitment plan")),
        notice,
        body,
    ))
}

/// `GET /samverkan/atagandeplan/{year}`.
async fn plan(
    State(state): State<AppState>,
    me: SignedIn,
    Path(year): Path<i16>,
) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    plan_page(&state, &me, year, None).await
}

/// `POST /samverkan/atagandeplan/{year}/atagande/{commitment}`: status, progress and used
/// resources of one commitment (the form sends `status`, `progress`, `used_hours_K`,
/// `used_sek_K` per resource row K, and the plan's `version`).
async fn update_commitment(
    State(state): State<AppState>,
    me: SignedIn,
    Path((year, cid)): Path<(i16, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let field = |name: &str| {
        f.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    me.check_csrf(field("csrf"))?;
    let l = me.ctx.lang;
    let store = state.store.as_ref();
    let a = require_agreement(&state, l).await?;
    let stored = partnership::plans(store, &a.data)
        .await
        .map_err(store_err(l))?
        .into_iter()
        .find(|p| p.data.year == year)
        .ok_or_else(|| PageError::not_found(l))?;
    let mut plan = stored.data.clone();
    let Some(c) = plan.commitments.iter_mut().find(|c| c.id == cid) else {
        return Err(PageError::not_found(l));
    };
    let again = |msg: String| async {
        Ok::<_, PageError>(refused(
            plan_page(&state, &me, year, Some(("error", msg))).await?,
        ))
    };
    let Some((status, _)) = STATUSES.iter().find(|(_, v)| *v == field("status")) else {
        return again(l.t("Välj en status.", "Choose a status.").into()).await;
    };
    let Some(progress) = field("progress")
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|p| *p <= 100)
    else {
        return again(
            l.t(
                "Ange hur stor del som är genomförd som ett heltal 0–100.",
                "Give the progress as a whole number 0–100.",
            )
            .into(),
        )
        .await;
    };
    c.status = *status;
    c.progress = progress;
    for (k, r) in c.resources.iter_mut().enumerate() {
        for (name, slot) in [
            (format!("used_hours_{k}"), &mut r.used_hours),
            (format!("used_sek_{k}"), &mut r.used_sek),
        ] {
            let raw = field(&name).trim().replace(',', ".").replace(' ', "");
            if raw.is_empty() {
                continue;
            }
            match raw.parse::<f64>() {
                Ok(v) => *slot = v,
                Err(_) => {
                    return again(format!(
                        "{} {}: \"{raw}\"",
                        l.t("Ange ett tal för", "Give a number for"),
                        r.party
                    ))
                    .await;
                }
            }
        }
    }
    let version = field("version").parse::<i64>().unwrap_or(0);
    match partnership::update_plan(store, &actor(&me), stored.meta.id, version, &plan).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/samverkan/atagandeplan/{year}#c-{cid}")).into_response())
        }
        Err(e) => match refusal(l, &e) {
            Some(msg) => again(msg).await,
            None => Err(PageError::from((l, e))),
        },
    }
}

/// `GET /samverkan/medborgarloften`.
async fn promises(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    let l = me.ctx.lang;
    let promises = records::list::<CitizenPromise>(state.store.as_ref())
        .await
        .map_err(store_err(l))?;
    let body = html! {
        @if promises.is_empty() { p { (l.t("Inga medborgarlöften är registrerade.", "No citizen promises are stored.")) } }
        @for p in &promises {
            section.card {
                h2 { (p.data.area) " " span.hint { (p.data.from) " – " (p.data.to) } }
                h3 { (l.t("Underlag", "Basis")) }
                ul { @for b in &p.data.basis { li { (b.description) } } }
                h3 { (l.t("Löften", "Promises")) }
                @for pr in &p.data.promises {
                    article {
                        p { strong { (pr.text) } " (" (status_label(l, pr.status)) ")" }
                        @if !pr.activities.is_empty() { ul { @for a in &pr.activities { li { @if let Some(d) = a.date { (d) ": " } (a.text) } } } }
                        @if let Some(f) = &pr.follow_up { p.hint { (l.t("Uppföljning: ", "Follow-up: ")) (f) } }
                    }
                }
            }
        }
    };
    Ok(page(
        &me,
        l.t("Medborgarlöften", "Citizen promises"),
        None,
        body,
    ))
}

/// `GET /lofte`: the citizen promises for everyone, without signing in — area, period, what
/// they rest on, the promises, what is done and how they are followed up (the records hold no
/// personal data: free text with a personal identity number is refused when written).
pub(crate) async fn public_promises(
    State(state): State<AppState>,
    page: super::extract::Page,
) -> Result<Markup, PageError> {
    let l = page.ctx.lang;
    let mut promises = records::list::<CitizenPromise>(state.store.as_ref())
        .await
        .map_err(store_err(l))?;
    promises.sort_by_key(|p| std::cmp::Reverse(p.data.from));
    let body = html! {
        h1 { (l.t("Medborgarlöften", "Citizen promises")) }
        p { (l.t(
            "Kommunen och polisen lovar invånarna i ett område att göra något åt det som oroar dem mest. Här är löftena, vad de bygger på och hur det går.",
            "The municipality and the police promise the residents of an area to act on what worries them most. Here are the promises, what they rest on and how it is going.",
        )) }
        @if promises.is_empty() { p { (l.t("Inga medborgarlöften är publicerade.", "No citizen promises are published.")) } }
        @for p in &promises {
            section.card {
                h2 { (p.data.area) " " span.hint { (p.data.from) " – " (p.data.to) } }
                @for pr in &p.data.promises {
                    article {
                        h3 { (pr.text) }
                        p { strong { (l.t("Läge: ", "Status: ")) } (status_label(l, pr.status)) }
                        @if !pr.activities.is_empty() { ul { @for a in &pr.activities { li { @if let Some(d) = a.date { (d) ": " } (a.text) } } } }
                        @if let Some(f) = &pr.follow_up { p { strong { (l.t("Uppföljning: ", "Follow-up: ")) } (f) } }
                    }
                }
                p.hint { (l.t("Löftena bygger på: ", "The promises rest on: ")) (p.data.basis.iter().map(|b| b.description.as_str()).collect::<Vec<_>>().join(" ")) }
            }
        }
    };
    Ok(layout(
        &page.ctx,
        l.t("Medborgarlöften", "Citizen promises"),
        body,
    ))
}

/// `GET /samverkan/kommunikation`.
async fn communication(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    let l = me.ctx.lang;
    let plans = records::list::<CommunicationPlan>(state.store.as_ref())
        .await
        .map_err(store_err(l))?;
    let body = html! {
        @if plans.is_empty() { p { (l.t("Ingen kommunikationsplan är registrerad.", "No communication plan is stored.")) } }
        @for p in &plans {
            section.card {
                p { (p.data.purpose) }
                h2 { (l.t("Huvudbudskap", "Key messages")) }
                ul { @for m in &p.data.key_messages { li { (m) } } }
                h2 { (l.t("Aktiviteter", "Activities")) }
                @if p.data.activities.is_empty() { p.hint { (l.t("Inga aktiviteter registrerade.", "No activities recorded.")) } }
                @else {
                    table.list {
                        thead { tr { th { (l.t("Datum", "Date")) } th { (l.t("Vad", "What")) } th { (l.t("Kanal", "Channel")) } th { (l.t("Målgrupp", "Audience")) } th { (l.t("Ansvarig", "Responsible")) } } }
                        tbody { @for a in &p.data.activities { tr {
                            td { @if let Some(d) = a.date { (d) } } td { (a.text) } td { (a.channel) } td { (a.audience) } td { (a.responsible) }
                        } } }
                    }
                }
                @if !p.data.citizen_promise_plans.is_empty() {
                    h2 { (l.t("Planer för medborgarlöftena", "Plans for the citizen promises")) }
                    ul { @for n in &p.data.citizen_promise_plans { li { (n) } } }
                }
            }
        }
    };
    Ok(page(
        &me,
        l.t("Kommunikationsplan", "Communication plan"),
        None,
        body,
    ))
}

// ---------------------------------------------------------------------------------------------
// The agreement form
// ---------------------------------------------------------------------------------------------

const PARTY_KINDS: [(PartyKind, &str); 3] = [
    (PartyKind::Kommun, "kommun"),
    (PartyKind::Lokalpolisomrade, "lokalpolisomrade"),
    (PartyKind::Other, "other"),
];

fn party_kind_label(l: Lang, k: PartyKind) -> &'static str {
    match k {
        PartyKind::Kommun => l.t("Kommun", "Municipality"),
        PartyKind::Lokalpolisomrade => l.t("Lokalpolisområde", "Local police area"),
        PartyKind::Other => l.t("Annan part", "Other party"),
    }
}

/// An attachment as the agreement stores it: its title, and its address in angle brackets.
fn attachment_text(title: &str, url: &str) -> String {
    if url.is_empty() {
        title.to_string()
    } else {
        format!("{title} <{url}>")
    }
}

/// The title and address of a stored attachment (see [`attachment_text`]).
fn attachment_parts(text: &str) -> (&str, &str) {
    text.strip_suffix('>')
        .and_then(|t| t.rsplit_once(" <"))
        .unwrap_or((text, ""))
}

/// The form's values for an agreement.
fn agreement_values(a: &Agreement) -> Fields {
    let mut v = Fields(Vec::new());
    v.push("title", &a.title);
    v.push("case_number", a.case_number.clone().unwrap_or_default());
    v.push("from_year", a.from_year.to_string());
    v.push("to_year", a.to_year.to_string());
    v.push(
        "decided",
        a.decided.map(|d| d.to_string()).unwrap_or_default(),
    );
    v.push("purpose", &a.purpose);
    v.push("undertakings", a.undertakings.join("\n"));
    v.push("economy", a.economy.clone().unwrap_or_default());
    for (k, p) in a.parties.iter().enumerate() {
        v.push(format!("party_name_{k}"), &p.name);
        let kind = PARTY_KINDS.iter().find(|(x, _)| *x == p.kind);
        v.push(format!("party_kind_{k}"), kind.map_or("other", |(_, s)| *s));
    }
    for (k, s) in a.signatories.iter().enumerate() {
        v.push(format!("signatory_name_{k}"), &s.name);
        v.push(format!("signatory_title_{k}"), &s.title);
        v.push(format!("signatory_party_{k}"), &s.party);
    }
    for (k, c) in a.coordinators.iter().enumerate() {
        v.push(format!("coordinator_role_{k}"), &c.role);
        v.push(format!("coordinator_party_{k}"), &c.party);
        v.push(
            format!("coordinator_name_{k}"),
            c.name.clone().unwrap_or_default(),
        );
    }
    for (k, e) in a.earlier.iter().enumerate() {
        v.push(format!("earlier_label_{k}"), &e.label);
        v.push(format!("earlier_from_{k}"), e.from_year.to_string());
        v.push(format!("earlier_to_{k}"), e.to_year.to_string());
        v.push(
            format!("earlier_note_{k}"),
            e.note.clone().unwrap_or_default(),
        );
    }
    for (k, d) in a.attachments.iter().enumerate() {
        let (title, url) = attachment_parts(d);
        v.push(format!("attachment_title_{k}"), title);
        v.push(format!("attachment_url_{k}"), url);
    }
    v
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn year(l: Lang, v: &Fields, name: &str, what: &str) -> Result<i16, String> {
    v.get(name).trim().parse::<i16>().map_err(|_| {
        format!(
            "{} {what} {}",
            l.t("Ange", "Give"),
            l.t("som ett årtal (ÅÅÅÅ).", "as a year (YYYY).")
        )
    })
}

/// The agreement the form describes; empty rows are left out. The domain's rules are checked
/// when it is stored.
fn parse_agreement(l: Lang, v: &Fields) -> Result<Agreement, String> {
    let from_year = year(
        l,
        v,
        "from_year",
        l.t("periodens första år", "the first year"),
    )?;
    let to_year = year(l, v, "to_year", l.t("periodens sista år", "the last year"))?;
    let decided = match v.get("decided").trim() {
        "" => None,
        d => Some(d.parse::<Date>().map_err(|_| {
            l.t(
                "Ange beslutsdatumet som ÅÅÅÅ-MM-DD.",
                "Give the decision date as YYYY-MM-DD.",
            )
            .to_string()
        })?),
    };
    let mut parties = Vec::new();
    for k in 0..v.rows("party_name_") {
        let Some(name) = opt(v.get(&format!("party_name_{k}"))) else {
            continue;
        };
        let kind = v.get(&format!("party_kind_{k}"));
        let Some((kind, _)) = PARTY_KINDS.iter().find(|(_, s)| *s == kind) else {
            return Err(format!(
                "{} {name}.",
                l.t(
                    "Välj vilken sorts part som är",
                    "Choose what kind of party is"
                )
            ));
        };
        parties.push(Party { name, kind: *kind });
    }
    let mut signatories = Vec::new();
    for k in 0..v.rows("signatory_name_") {
        let Some(name) = opt(v.get(&format!("signatory_name_{k}"))) else {
            continue;
        };
        signatories.push(Signatory {
            name,
            title: v.get(&format!("signatory_title_{k}")).trim().to_string(),
            party: v.get(&format!("signatory_party_{k}")).trim().to_string(),
        });
    }
    let mut coordinators = Vec::new();
    for k in 0..v.rows("coordinator_role_") {
        let role = v.get(&format!("coordinator_role_{k}")).trim();
        let party = v.get(&format!("coordinator_party_{k}")).trim();
        if role.is_empty() && party.is_empty() {
            continue;
        }
        coordinators.push(Coordinator {
            role: role.to_string(),
            party: party.to_string(),
            name: opt(v.get(&format!("coordinator_name_{k}"))),
        });
    }
    let mut earlier = Vec::new();
    for k in 0..v.rows("earlier_label_") {
        let Some(label) = opt(v.get(&format!("earlier_label_{k}"))) else {
            continue;
        };
        let what = format!("{} \"{label}\"", l.t("åren för", "the years of"));
        earlier.push(EarlierAgreement {
            from_year: year(l, v, &format!("earlier_from_{k}"), &what)?,
            to_year: year(l, v, &format!("earlier_to_{k}"), &what)?,
            note: opt(v.get(&format!("earlier_note_{k}"))),
            label,
        });
    }
    let mut attachments = Vec::new();
    for k in 0..v.rows("attachment_title_") {
        let title = v.get(&format!("attachment_title_{k}")).trim();
        let url = v.get(&format!("attachment_url_{k}")).trim();
        if title.is_empty() && url.is_empty() {
            continue;
        }
        if title.is_empty() {
            return Err(l
                .t(
                    "Ge varje bilaga en titel.",
                    "Give every attachment a title.",
                )
                .into());
        }
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(['<', '>', ' '])
        {
            return Err(format!(
                "{} \"{title}\".",
                l.t(
                    "Ange en webbadress som börjar med https:// för bilagan",
                    "Give an address starting with https:// for the attachment"
                )
            ));
        }
        attachments.push(attachment_text(title, url));
    }
    Ok(Agreement {
        title: v.get("title").trim().to_string(),
        case_number: opt(v.get("case_number")),
        parties,
        from_year,
        to_year,
        decided,
        signatories,
        purpose: v.get("purpose").trim().to_string(),
        undertakings: lines(v.get("undertakings")),
        earlier,
        attachments,
        coordinators,
        economy: opt(v.get("economy")),
    })
}

/// The agreement form: `version` 0 registers a new agreement, else it changes the current one.
fn agreement_page(
    me: &SignedIn,
    version: i64,
    v: &Fields,
    notice: Option<(&str, String)>,
) -> Markup {
    let l = me.ctx.lang;
    let rows = |prefix: &str, extra: usize| v.rows(prefix) + extra;
    let title = if version == 0 {
        l.t(
            "Registrera en ny överenskommelse",
            "Register a new agreement",
        )
    } else {
        l.t("Ändra överenskommelsen", "Change the agreement")
    };
    let body = html! {
        @if version == 0 {
            p.hint { (l.t(
                "Den nya överenskommelsen ersätter den nuvarande, som förs in bland de tidigare överenskommelserna. Den får börja tidigast det år den nuvarande slutar.",
                "The new agreement replaces the current one, which joins the earlier agreements. It may start at the earliest in the year the current one ends.",
            )) }
        }
        form.grid.record-edit method="post" action="/samverkan/overenskommelse" {
            (me.ctx.csrf_field())
            input type="hidden" name="version" value=(version);
            label { (l.t("Titel", "Title")) input type="text" name="title" required maxlength="300" value=(v.get("title")); }
            div.row {
                label { (l.t("Diarienummer", "Case number")) input type="text" name="case_number" maxlength="100" value=(v.get("case_number")); }
                label { (l.t("Från år", "From year")) input type="number" name="from_year" min="2000" max="2100" required value=(v.get("from_year")); }
                label { (l.t("Till och med år", "To year (inclusive)")) input type="number" name="to_year" min="2000" max="2100" required value=(v.get("to_year")); }
                label { (l.t("Beslutad", "Decided")) input type="date" name="decided" value=(v.get("decided")); }
            }
            fieldset {
                legend { (l.t("Parter (minst en kommun och ett lokalpolisområde)", "Parties (at least a municipality and a local police area)")) }
                @for k in 0..rows("party_name_", 1).max(2) {
                    div.row {
                        label { (l.t("Namn", "Name")) input type="text" name={ "party_name_" (k) } value=(v.get(&format!("party_name_{k}"))); }
                        label { (l.t("Sort", "Kind"))
                            select name={ "party_kind_" (k) } {
                                @for (kind, s) in PARTY_KINDS {
                                    option value=(s) selected[v.get(&format!("party_kind_{k}")) == s] { (party_kind_label(l, kind)) }
                                }
                            }
                        }
                    }
                }
            }
            label { (l.t("Syfte", "Purpose")) textarea name="purpose" rows="4" required { (v.get("purpose")) } }
            label { (l.t("Parterna åtar sig att (en punkt per rad)", "The parties undertake to (one item per line)")) textarea name="undertakings" rows="4" { (v.get("undertakings")) } }
            fieldset {
                legend { (l.t("Undertecknas av", "Signed by")) }
                @for k in 0..rows("signatory_name_", 1).max(2) {
                    div.row {
                        label { (l.t("Namn", "Name")) input type="text" name={ "signatory_name_" (k) } value=(v.get(&format!("signatory_name_{k}"))); }
                        label { (l.t("Titel", "Title")) input type="text" name={ "signatory_title_" (k) } value=(v.get(&format!("signatory_title_{k}"))); }
                        label { (l.t("Part", "Party")) input type="text" name={ "signatory_party_" (k) } value=(v.get(&format!("signatory_party_{k}"))); }
                    }
                }
            }
            fieldset {
                legend { (l.t("Samordnare (en per part)", "Coordinators (one per party)")) }
                @for k in 0..rows("coordinator_role_", 0).max(2) {
                    div.row {
                        label { (l.t("Roll", "Role")) input type="text" name={ "coordinator_role_" (k) } value=(v.get(&format!("coordinator_role_{k}"))); }
                        label { (l.t("Part", "Party")) input type="text" name={ "coordinator_party_" (k) } value=(v.get(&format!("coordinator_party_{k}"))); }
                        label { (l.t("Namn (frivilligt)", "Name (optional)")) input type="text" name={ "coordinator_name_" (k) } value=(v.get(&format!("coordinator_name_{k}"))); }
                    }
                }
            }
            fieldset {
                legend { (l.t("Tidigare överenskommelser", "Earlier agreements")) }
                @for k in 0..rows("earlier_label_", 1) {
                    div.row {
                        label { (l.t("Vad", "What")) input type="text" name={ "earlier_label_" (k) } value=(v.get(&format!("earlier_label_{k}"))); }
                        label { (l.t("Från år", "From year")) input type="number" name={ "earlier_from_" (k) } value=(v.get(&format!("earlier_from_{k}"))); }
                        label { (l.t("Till år", "To year")) input type="number" name={ "earlier_to_" (k) } value=(v.get(&format!("earlier_to_{k}"))); }
                        label { (l.t("Anteckning", "Note")) input type="text" name={ "earlier_note_" (k) } value=(v.get(&format!("earlier_note_{k}"))); }
                    }
                }
            }
            fieldset {
                legend { (l.t("Bilagor", "Attached documents")) }
                @for k in 0..rows("attachment_title_", 1) {
                    div.row {
                        label { (l.t("Titel", "Title")) input type="text" name={ "attachment_title_" (k) } value=(v.get(&format!("attachment_title_{k}"))); }
                        label { (l.t("Webbadress (frivillig)", "Address (optional)")) input type="url" name={ "attachment_url_" (k) } value=(v.get(&format!("attachment_url_{k}"))); }
                    }
                }
            }
            label { (l.t("Ekonomi", "Costs")) textarea name="economy" rows="2" { (v.get("economy")) } }
            button.primary type="submit" { (l.t("Spara överenskommelsen", "Save the agreement")) }
        }
    };
    page(me, title, notice, body)
}

/// `GET /samverkan/overenskommelse`: the form to change the current agreement (or to register
/// the first one).
async fn edit_agreement(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::WritePartnership)?;
    let l = me.ctx.lang;
    Ok(
        match partnership::agreement(state.store.as_ref())
            .await
            .map_err(store_err(l))?
        {
            Some(a) => agreement_page(&me, a.meta.version, &agreement_values(&a.data), None),
            None => agreement_page(&me, 0, &Fields(Vec::new()), None),
        },
    )
}

/// `GET /samverkan/overenskommelse/ny`: the form for a new agreement that replaces the current
/// one: parties and coordinators carried over, the next period, the current agreement among
/// the earlier ones.
async fn new_agreement(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::WritePartnership)?;
    let l = me.ctx.lang;
    let current = partnership::agreement(state.store.as_ref())
        .await
        .map_err(store_err(l))?;
    let values = match current {
        None => Fields(Vec::new()),
        Some(c) => {
            let old = c.data;
            let length = old.to_year - old.from_year;
            let mut earlier = old.earlier.clone();
            earlier.push(partnership::as_earlier(&old));
            agreement_values(&Agreement {
                title: String::new(),
                case_number: None,
                from_year: old.to_year + 1,
                to_year: old.to_year + 1 + length,
                decided: None,
                signatories: Vec::new(),
                purpose: String::new(),
                undertakings: Vec::new(),
                earlier,
                attachments: Vec::new(),
                economy: old.economy.clone(),
                ..old
            })
        }
    };
    Ok(agreement_page(&me, 0, &values, None))
}

/// `POST /samverkan/overenskommelse`: registers a new agreement (`version` 0, see
/// `partnership::create_agreement`) or changes the current one at `version`.
async fn save_agreement(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let v = Fields(f);
    me.check_csrf(v.get("csrf"))?;
    let l = me.ctx.lang;
    let store = state.store.as_ref();
    let version = v.get("version").parse::<i64>().unwrap_or(0);
    let again = |msg: String| refused(agreement_page(&me, version, &v, Some(("error", msg))));
    let a = match parse_agreement(l, &v) {
        Ok(a) => a,
        Err(msg) => return Ok(again(msg)),
    };
    may_write(&state, &me, Some(&a)).await?;
    let saved = if version == 0 {
        partnership::create_agreement(store, &actor(&me), me.user.organisation_id, &a).await
    } else {
        let current = require_agreement(&state, l).await?;
        partnership::update_agreement(store, &actor(&me), current.meta.id, version, &a).await
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/samverkan").into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => Ok(again(msg)),
            None => Err(PageError::from((l, e))),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// A plan's commitments and status
// ---------------------------------------------------------------------------------------------

/// The forms under a plan for coordinators: the plan's status, and a new commitment with its
/// planned resources per party of the agreement.
fn plan_edit_forms(
    me: &SignedIn,
    agreement: &Agreement,
    stored: &Stored<CommitmentPlan>,
) -> Markup {
    let l = me.ctx.lang;
    let plan = &stored.data;
    let year = plan.year;
    let decided = match plan.status {
        PlanStatus::Decided { date } => Some(date),
        PlanStatus::Draft => None,
    };
    html! {
        section.card #planens-status {
            h2 { (l.t("Planens status", "The plan's status")) }
            form.inline method="post" action={ "/samverkan/atagandeplan/" (year) "/status" } {
                (me.ctx.csrf_field())
                input type="hidden" name="version" value=(stored.meta.version);
                label { (l.t("Status", "Status"))
                    select name="status" {
                        option value="draft" selected[decided.is_none()] { (l.t("Utkast", "Draft")) }
                        option value="decided" selected[decided.is_some()] { (l.t("Beslutad", "Decided")) }
                    }
                }
                label { (l.t("Beslutsdatum", "Decision date")) input type="date" name="date" value=[decided]; }
                button type="submit" { (l.t("Spara status", "Save status")) }
            }
        }
        section.card #nytt-atagande {
            h2 { (l.t("Lägg till ett åtagande", "Add a commitment")) }
            form.grid.record-edit method="post" action={ "/samverkan/atagandeplan/" (year) "/atagande" } {
                (me.ctx.csrf_field())
                input type="hidden" name="version" value=(stored.meta.version);
                div.row {
                    label { (l.t("Nyckel (t.ex. 2.3)", "Key (e.g. 2.3)")) input type="text" name="id" required maxlength="20"; }
                    label { (l.t("Prioriterat område", "Priority area"))
                        select name="priority_area" { @for a in &plan.priority_areas { option value=(a.id) { (a.title) } } }
                    }
                    label { (l.t("Ansvarig", "Responsible"))
                        select name="responsible" {
                            option value=(JOINT) { (l.t("Gemensamt (båda parterna)", "Joint (both parties)")) }
                            @for p in &agreement.parties { option value=(p.name) { (p.name) } }
                        }
                    }
                }
                label { (l.t("Titel", "Title")) input type="text" name="title" required maxlength="300"; }
                label { (l.t("Beskrivning", "Description")) textarea name="description" rows="3" {} }
                @for (k, p) in agreement.parties.iter().enumerate() {
                    fieldset {
                        legend { (p.name) }
                        input type="hidden" name={ "party_" (k) } value=(p.name);
                        div.row {
                            label { (l.t("Planerade timmar", "Planned hours")) input type="number" name={ "planned_hours_" (k) } min="0" step="any"; }
                            label { (l.t("Planerat, kr", "Planned, SEK")) input type="number" name={ "planned_sek_" (k) } min="0" step="any"; }
                        }
                    }
                }
                button.primary type="submit" { (l.t("Lägg till åtagandet", "Add the commitment")) }
            }
        }
    }
}

/// The agreement and the stored plan of `year` (not the linked copy the page shows).
async fn stored_plan(
    state: &AppState,
    l: Lang,
    year: i16,
) -> Result<(Stored<Agreement>, Stored<CommitmentPlan>), PageError> {
    let a = require_agreement(state, l).await?;
    let stored = partnership::plans(state.store.as_ref(), &a.data)
        .await
        .map_err(store_err(l))?
        .into_iter()
        .find(|p| p.data.year == year)
        .ok_or_else(|| PageError::not_found(l))?;
    Ok((a, stored))
}

/// A posted plan form: the editor's role and CSRF token checked, the values, and the stored
/// plan of `year`.
async fn plan_form(
    state: &AppState,
    me: &SignedIn,
    year: i16,
    f: Vec<(String, String)>,
) -> Result<(Fields, Stored<CommitmentPlan>), PageError> {
    may_write(state, me, None).await?;
    let v = Fields(f);
    me.check_csrf(v.get("csrf"))?;
    let (_, stored) = stored_plan(state, me.ctx.lang, year).await?;
    Ok((v, stored))
}

/// The plan's page again with why the change was refused (422).
async fn plan_refused(
    state: &AppState,
    me: &SignedIn,
    year: i16,
    msg: String,
) -> Result<Response, PageError> {
    Ok(refused(
        plan_page(state, me, year, Some(("error", msg))).await?,
    ))
}

/// Writes a changed plan through `partnership::update_plan` and goes back to `to`, or shows
/// the plan again with why it was refused.
async fn save_plan_change(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    version: i64,
    plan: &CommitmentPlan,
    to: String,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    match partnership::update_plan(state.store.as_ref(), &actor(me), id, version, plan).await {
        Ok(_) => Ok(Redirect::to(&to).into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => plan_refused(state, me, plan.year, msg).await,
            None => Err(PageError::from((l, e))),
        },
    }
}

fn number(raw: &str) -> Option<f64> {
    let raw = raw.trim().replace(',', ".").replace(' ', "");
    if raw.is_empty() {
        Some(0.0)
    } else {
        raw.parse::<f64>().ok()
    }
}

/// `POST /samverkan/atagandeplan/{year}/atagande`: a new commitment (`id`, `priority_area`,
/// `title`, `description`, `responsible`, and `party_K`, `planned_hours_K`, `planned_sek_K` per
/// party K of the agreement) at the plan's `version`.
async fn add_commitment(
    State(state): State<AppState>,
    me: SignedIn,
    Path(year): Path<i16>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (v, stored) = plan_form(&state, &me, year, f).await?;
    let l = me.ctx.lang;
    let mut resources = Vec::new();
    for k in 0..v.rows("party_") {
        let party = v.get(&format!("party_{k}")).trim().to_string();
        let (Some(planned_hours), Some(planned_sek)) = (
            number(v.get(&format!("planned_hours_{k}"))),
            number(v.get(&format!("planned_sek_{k}"))),
        ) else {
            let msg = format!(
                "{} {party}.",
                l.t(
                    "Ange planerade timmar och kronor som tal för",
                    "Give the planned hours and SEK as numbers for"
                )
            );
            return plan_refused(&state, &me, year, msg).await;
        };
        if planned_hours > 0.0 || planned_sek > 0.0 {
            resources.push(trygg_domain::partnership::Resource {
                party,
                planned_hours,
                used_hours: 0.0,
                planned_sek,
                used_sek: 0.0,
            });
        }
    }
    let id = v.get("id").trim().to_string();
    let mut plan = stored.data.clone();
    plan.commitments
        .push(trygg_domain::partnership::Commitment {
            id: id.clone(),
            priority_area: v.get("priority_area").to_string(),
            title: v.get("title").trim().to_string(),
            description: v.get("description").trim().to_string(),
            responsible: v.get("responsible").to_string(),
            resources,
            status: CommitmentStatus::NotStarted,
            progress: 0,
            interventions: Vec::new(),
            collaboration_forms: Vec::new(),
            activities: Vec::new(),
        });
    let version = v.get("version").parse::<i64>().unwrap_or(0);
    let to = format!("/samverkan/atagandeplan/{year}#c-{id}");
    save_plan_change(&state, &me, stored.meta.id, version, &plan, to).await
}

/// `POST /samverkan/atagandeplan/{year}/atagande/{commitment}/ta-bort`: removes a commitment
/// that no intervention is linked to.
async fn remove_commitment(
    State(state): State<AppState>,
    me: SignedIn,
    Path((year, cid)): Path<(i16, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (v, stored) = plan_form(&state, &me, year, f).await?;
    let l = me.ctx.lang;
    let (linked, _) = partnership::linked(state.store.as_ref(), vec![stored.data.clone()])
        .await
        .map_err(store_err(l))?;
    let Some(c) = linked[0].commitments.iter().find(|c| c.id == cid) else {
        return Err(PageError::not_found(l));
    };
    if !c.interventions.is_empty() {
        let msg = l
            .t(
                "Åtagandet togs inte bort: insatser är kopplade till det. Koppla bort dem först.",
                "The commitment was not removed: interventions are linked to it. Unlink them first.",
            )
            .to_string();
        return plan_refused(&state, &me, year, msg).await;
    }
    let mut plan = stored.data.clone();
    plan.commitments.retain(|c| c.id != cid);
    let version = v.get("version").parse::<i64>().unwrap_or(0);
    let to = format!("/samverkan/atagandeplan/{year}");
    save_plan_change(&state, &me, stored.meta.id, version, &plan, to).await
}

/// `POST /samverkan/atagandeplan/{year}/status`: `status` = `draft`, or `decided` with the
/// decision `date`.
async fn set_plan_status(
    State(state): State<AppState>,
    me: SignedIn,
    Path(year): Path<i16>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (v, stored) = plan_form(&state, &me, year, f).await?;
    let l = me.ctx.lang;
    let status = match (v.get("status"), v.get("date").trim().parse::<Date>()) {
        ("draft", _) => PlanStatus::Draft,
        ("decided", Ok(date)) => PlanStatus::Decided { date },
        _ => {
            let msg = l
                .t(
                    "Ange beslutsdatumet som ÅÅÅÅ-MM-DD för en beslutad plan.",
                    "Give the decision date as YYYY-MM-DD for a decided plan.",
                )
                .to_string();
            return plan_refused(&state, &me, year, msg).await;
        }
    };
    let mut plan = stored.data.clone();
    plan.status = status;
    let version = v.get("version").parse::<i64>().unwrap_or(0);
    let to = format!("/samverkan/atagandeplan/{year}");
    save_plan_change(&state, &me, stored.meta.id, version, &plan, to).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use trygg_domain::partnership::CalendarKind;

    fn agreement() -> Agreement {
        serde_json::from_value(serde_json::json!({
            "title": "Samverkansöverenskommelse",
            "parties": [
                {"name": "Kommunen", "kind": "kommun"},
                {"name": "LPO", "kind": "lokalpolisomrade"}
            ],
            "from_year": 2020, "to_year": 2023, "signatories": [],
            "purpose": "Tryggare.",
            "coordinators": [
                {"role": "Utvecklingsledare", "party": "Kommunen"},
                {"role": "Kommunpolis", "party": "LPO"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn reminders_during_and_after_the_agreement() {
        let a = agreement();
        let (due, ended) = reminders_on(&a, date(2020, 10, 15));
        assert!(!ended);
        assert_eq!(
            due.iter().map(|e| e.kind).collect::<Vec<_>>(),
            vec![CalendarKind::CompilationToSteeringGroup]
        );
        let (due, _) = reminders_on(&a, date(2020, 11, 20));
        assert_eq!(
            due.iter().map(|e| e.kind).collect::<Vec<_>>(),
            vec![CalendarKind::CompilationToKsau]
        );
        let (due, ended) = reminders_on(&a, date(2023, 11, 1));
        assert!(!ended);
        assert!(due.iter().any(|e| e.kind == CalendarKind::FinalFollowUp));
        assert!(due.iter().any(|e| e.kind == CalendarKind::Atgardsplan));
        // After the period: the agreement has ended, and the law's deadlines go on.
        let (due, ended) = reminders_on(&a, date(2025, 5, 1));
        assert!(ended);
        assert_eq!(
            due.iter().map(|e| (e.kind, e.deadline)).collect::<Vec<_>>(),
            vec![(CalendarKind::Lagesbild, date(2025, 7, 1))]
        );
        let (due, _) = reminders_on(&a, date(2026, 11, 24));
        assert!(due.is_empty(), "{due:?}");
    }
}
