//! `/samverkan`: the partnership's own pages — the agreement with its coordinators and
//! calendar, the governance bodies with meetings and decisions, the collaboration forms with
//! their activity logs, the commitment plan per year, citizen promises and the communication
//! plan. Who reads them (`Permission::ReadPartnership`) and who changes them (a coordinator of a
//! party to the current agreement) is `trygg_app::partnership::cases`'. Every change goes through the
//! record store with the user as actor (versioned and audited); forms carry the CSRF token,
//! and bad input re-renders the page with the message and stores nothing.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use jiff::civil::Date;
use maud::{Markup, html};
use trygg_app::{AppError, Stored};
use trygg_domain::{
    cycle::Intervention,
    partnership::{
        Activity, Agreement, Body, BodyMeeting, CalendarEntry, CitizenPromise, CollaborationForm,
        CommitmentPlan, CommitmentStatus, CommunicationPlan, Coordinator, EarlierAgreement, JOINT,
        LawDecision, Party, PartyKind, PlanStatus, Signatory, deadlines, with_decisions,
    },
};

use super::{
    Lang,
    extract::{PageError, Posted, SignedIn},
    form::Fields,
    layout,
    layout::{Saved, saved},
};
use crate::AppState;
use trygg_app::partnership::{self, cases};
use trygg_domain::Permission;

mod agreement;
mod citizen_promises;
mod collaboration_forms;
mod commitment_plans;
mod commitments;
mod communication_plan;
mod governance;
mod law_decisions;

use agreement::*;
use citizen_promises::*;
use collaboration_forms::*;
use commitment_plans::*;
use commitments::*;
use communication_plan::*;
use governance::*;
use law_decisions::*;

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
        .route(
            "/samverkan/beslut",
            get(law_decisions).post(add_law_decision),
        )
        .route("/samverkan/medborgarloften", get(promises))
        .route(
            "/samverkan/medborgarloften/ny",
            get(new_promise).post(create_promise),
        )
        .route(
            "/samverkan/medborgarloften/{id}",
            get(edit_promise).post(update_promise),
        )
        .route(
            "/samverkan/medborgarloften/{id}/ta-bort",
            post(remove_promise),
        )
        .route("/samverkan/kommunikation", get(communication))
        .route(
            "/samverkan/kommunikation/andra",
            get(edit_communication).post(save_communication),
        )
        .route("/lofte", get(public_promises))
}

fn store_err(l: Lang) -> impl Fn(AppError) -> PageError {
    move |e| PageError::from_app(l, e)
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
            "/samverkan/beslut",
            l.t("Lagens beslut", "The law's decisions"),
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
pub(crate) fn reminders_on(
    agreement: &Agreement,
    decisions: &[LawDecision],
    today: Date,
) -> (Vec<CalendarEntry>, bool) {
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
    let entries = with_decisions(agreement, entries, decisions);
    let due = entries.into_iter().filter(|e| e.due_soon(today)).collect();
    (due, today.year() > agreement.to_year)
}

/// The decisions on the law's documents the principal reads.
async fn law_decisions_of(
    state: &AppState,
    who: &trygg_app::Principal,
) -> Result<Vec<LawDecision>, AppError> {
    Ok(cases::list::<LawDecision>(state, who)
        .await?
        .into_iter()
        .map(|d| d.data)
        .collect())
}

/// The start page's reminders for the current agreement (see [`reminders_on`]).
pub(crate) async fn reminders(
    state: &AppState,
    who: &trygg_app::Principal,
) -> Option<(Agreement, Vec<CalendarEntry>, bool)> {
    let a = cases::current_agreement(state, who).await.ok()??;
    let decisions = law_decisions_of(state, who).await.unwrap_or_default();
    let (due, ended) = reminders_on(&a.data, &decisions, state.today());
    Some((a.data, due, ended))
}

async fn require_agreement(
    state: &AppState,
    me: &SignedIn,
) -> Result<Stored<Agreement>, PageError> {
    let l = me.ctx.lang;
    cases::current_agreement(state, &me.user)
        .await
        .map_err(store_err(l))?
        .ok_or_else(|| PageError::not_found(l))
}

/// `GET /samverkan`: the agreement and its calendar.
async fn overview(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    let l = me.ctx.lang;
    let Some(a) = cases::current_agreement(&state, &me.user)
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
    let decisions = law_decisions_of(&state, &me.user)
        .await
        .map_err(store_err(l))?;
    let calendar = with_decisions(&a, deadlines(&a), &decisions);
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
                    li { @if let Some(url) = d.link() { a href=(url) rel="noopener" { (d.title) } } @else if let Some(url) = &d.url { (d.title) " (" (url) ")" } @else { (d.title) } }
                } }
            }
        }
        section.card #kalender {
            h2 { (l.t("Kalender", "Calendar")) }
            p.hint { (l.t(
                "Överenskommelsens och lagens tidpunkter. Åtgärdsplanen ska vara beslutad senast 31 december samma år som lägesbilden (trygg:s planeringsregel).",
                "The agreement's and the law's deadlines. The action plan is to be decided by 31 December of the situation picture's year (trygg's planning rule).",
            )) }
            (calendar_list(l, &calendar, today))
            p.hint { a href="/samverkan/beslut" { (l.t("Beslut om lägesbild och åtgärdsplan", "Decisions on the situation picture and action plan")) } }
        }
    };
    Ok(page(
        &me,
        l.t("Samverkansöverenskommelsen", "The agreement"),
        None,
        body,
    ))
}

pub(super) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub(super) fn refused(body: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
}

/// The message for a refused write, in the page's language where we have one.
pub(super) fn refusal(l: Lang, e: &AppError) -> Option<String> {
    match e {
        AppError::Invalid(v) => Some(format!(
            "{} {} ({})",
            l.t("Ändringen sparades inte:", "The change was not saved:"),
            v.message,
            v.field
        )),
        AppError::Forbidden(r) => Some(format!(
            "{} {}",
            l.t("Ändringen sparades inte:", "The change was not saved:"),
            match l {
                Lang::Sv => &r.sv,
                Lang::En => &r.en,
            }
        )),
        AppError::NotFound(m) => Some(format!(
            "{} {m}",
            l.t("Ändringen sparades inte:", "The change was not saved:")
        )),
        AppError::Conflict(m) => Some(format!(
            "{} {m}",
            l.t(
                "Ändringen sparades inte: någon annan har ändrat under tiden. Sidan visar nu det senaste.",
                "The change was not saved: someone else changed it meanwhile. The page now shows the latest."
            )
        )),
        _ => None,
    }
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
        let (due, ended) = reminders_on(&a, &[], date(2020, 10, 15));
        assert!(!ended);
        assert_eq!(
            due.iter().map(|e| e.kind).collect::<Vec<_>>(),
            vec![CalendarKind::CompilationToSteeringGroup]
        );
        let (due, _) = reminders_on(&a, &[], date(2020, 11, 20));
        assert_eq!(
            due.iter().map(|e| e.kind).collect::<Vec<_>>(),
            vec![CalendarKind::CompilationToKsau]
        );
        let (due, ended) = reminders_on(&a, &[], date(2023, 11, 1));
        assert!(!ended);
        assert!(due.iter().any(|e| e.kind == CalendarKind::FinalFollowUp));
        assert!(due.iter().any(|e| e.kind == CalendarKind::Atgardsplan));
        // After the period: the agreement has ended, and the law's deadlines go on.
        let (due, ended) = reminders_on(&a, &[], date(2025, 5, 1));
        assert!(ended);
        assert_eq!(
            due.iter().map(|e| (e.kind, e.deadline)).collect::<Vec<_>>(),
            vec![(CalendarKind::Lagesbild, date(2025, 7, 1))]
        );
        let (due, _) = reminders_on(&a, &[], date(2026, 11, 24));
        assert!(due.is_empty(), "{due:?}");
    }
}
