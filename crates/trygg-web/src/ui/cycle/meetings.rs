//! The weekly EST meeting (*EST-möte*): `/moten`, `/moten/ny` (opens with last week's
//! lägesbild and the open actions that will be carried over), `/moten/{id}` (closing and
//! reopening actions). The week's lägesbild is not in those pages: `assets/meeting.js` reads
//! it from `/moten/lagesbild` when its section is opened (on a wide screen at once), so the
//! pages stay small on a phone.

use super::super::layout::{Saved, saved};
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use jiff::civil::{ISOWeekDate, Weekday};
use maud::{Markup, html};
use trygg_app::Stored;
use trygg_domain::cycle::{ActionStatus, Feedback, FocusPlace, Meeting, MeetingAction};

use super::{
    Fields, FormError, chosen_visibility, date_opt, date_req, invalid, notice, require,
    visibility_picker, {all, load},
};
use crate::{
    AppState,
    ui::{
        Lang,
        extract::{PageError, Posted, SignedIn},
        layout,
    },
};
use trygg_app::cycle;

/// Rows of actions and focus places offered blank in a new meeting's form.
const BLANK_ROWS: usize = 3;

/// What the feedback's e-mail does, when `[smtp]` is configured.
const FEEDBACK_MAILED: (&str, &str) = (
    "När mötet sparas e-postas ny återkoppling till de rapportörer den gäller: alla som läser mötet, eller de som lämnade rapporterna den svarar på.",
    "When the meeting is saved, new feedback is e-mailed to the reporters it concerns: all who read the meeting, or those who filed the reports it answers.",
);

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// The generated weekly lägesbild for `(year, week)` as an HTML fragment.
async fn briefing(state: &AppState, me: &SignedIn, (y, w): (i16, i8)) -> Markup {
    let l = me.ctx.lang;
    let doc = match ISOWeekDate::new(y, w, Weekday::Monday) {
        Ok(week) => trygg_app::reports::weekly(state, week, me.user.scope(), l)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match doc.and_then(|d| trygg_report::html::html_fragment(&d).map_err(|e| e.to_string())) {
        Ok(html) => html! { div.briefing { (crate::ui::layout::embedded_report(html)) } },
        Err(e) => {
            tracing::warn!(error = %e, "weekly lägesbild for the meeting");
            html! { p.notice.error { (l.t("Veckans lägesbild kunde inte tas fram.", "The week's situation picture could not be made.")) } }
        }
    }
}

/// Where the page's week's lägesbild will be: `assets/meeting.js` fills it from
/// `/moten/lagesbild` when the `details` around it opens; without scripts, a link to the report.
fn briefing_slot(l: Lang, (y, w): (i16, i8)) -> Markup {
    html! {
        div.briefing data-src={ "/moten/lagesbild?ar=" (y) "&vecka=" (w) } {
            p.hint {
                (l.t("Lägesbilden hämtas när avsnittet öppnas. ", "The situation picture is loaded when the section opens. "))
                a href={ "/rapporter/rapport?kind=weekly&week=" (y) "-W" (format!("{w:02}")) } { (l.t("Öppna den som rapport", "Open it as a report")) }
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct BriefingQuery {
    #[serde(default)]
    ar: i16,
    #[serde(default)]
    vecka: i8,
}

/// `GET /moten/lagesbild?ar=…&vecka=…`: the weekly lägesbild of that ISO week as the fragment
/// the meeting pages put in their briefing section (under the reader's scope).
pub(crate) async fn briefing_fragment(
    State(state): State<AppState>,
    me: SignedIn,
    Query(q): Query<BriefingQuery>,
) -> Result<Markup, PageError> {
    require(&me)?;
    Ok(briefing(&state, &me, (q.ar, q.vecka)).await)
}

fn action_status_label(l: Lang, s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::Open => l.t("Öppen", "Open"),
        ActionStatus::Closed => l.t("Stängd", "Closed"),
    }
}

/// `GET /moten`.
pub(crate) async fn list(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let mut meetings = all::<Meeting>(&state, &me).await?;
    meetings.sort_by_key(|m| std::cmp::Reverse((m.data.date, m.meta.id)));
    Ok(layout(
        &me.ctx,
        l.t("EST-möten", "EST meetings"),
        html! {
            h1 { (l.t("Veckans EST-möten", "Weekly EST meetings")) }
            p { a.button.primary href="/moten/ny" { (l.t("Nytt möte", "New meeting")) } }
            @if meetings.is_empty() { p { (l.t("Inga möten ännu.", "No meetings yet.")) } }
            @else {
                div.scroll { table.list #meetings {
                    thead { tr { th { (l.t("Datum", "Date")) } th.num { (l.t("Iakttagelser", "Observations")) } th.num { (l.t("Öppna åtgärder", "Open actions")) } th.num { (l.t("Fokusplatser", "Focus places")) } } }
                    tbody { @for m in &meetings { tr {
                        td { a href={ "/moten/" (m.meta.id) } { (m.data.date) } }
                        td.num { (m.data.observations.len()) }
                        td.num { (m.data.actions.iter().filter(|a| a.status == ActionStatus::Open).count()) }
                        td.num { (m.data.focus_places.len()) }
                    } } }
                } }
            }
        },
    ))
}

fn parse_meeting(l: Lang, f: &Fields) -> Result<Meeting, FormError> {
    let (texts, owners, deadlines) = (f.all("act_text"), f.all("act_owner"), f.all("act_deadline"));
    let mut actions = Vec::new();
    for (k, text) in texts.iter().enumerate() {
        let owner = owners.get(k).copied().unwrap_or("");
        let deadline = deadlines.get(k).copied().unwrap_or("");
        if text.is_empty() && owner.is_empty() && deadline.is_empty() {
            continue;
        }
        let one = Fields(vec![("d".into(), deadline.into())]);
        actions.push(MeetingAction {
            key: String::new(),
            text: text.to_string(),
            owner: owner.to_string(),
            deadline: date_opt(l, &one, "d", l.t("Klart senast", "Deadline"))?,
            status: ActionStatus::Open,
            carried_from: None,
        });
    }
    let (names, reasons) = (f.all("focus_name"), f.all("focus_reason"));
    let focus_places = names
        .iter()
        .enumerate()
        .filter(|(k, n)| !n.is_empty() || !reasons.get(*k).copied().unwrap_or("").is_empty())
        .map(|(k, n)| FocusPlace {
            name: n.to_string(),
            area_id: None,
            reason: reasons.get(k).copied().unwrap_or("").to_string(),
        })
        .collect();
    Ok(Meeting {
        date: date_req(l, f, "date", l.t("Datum", "Date"))?,
        briefing_week: Some(f.get("briefing_week").to_string()).filter(|w| !w.is_empty()),
        participants: lines(f.get("participants")),
        observations: lines(f.get("observations")),
        actions,
        focus_places,
        feedback: lines(f.get("feedback"))
            .into_iter()
            .map(|text| Feedback {
                text,
                report_ids: vec![],
                incident_ids: vec![],
            })
            .collect(),
    })
}

fn actions_table(
    me: &SignedIn,
    meeting: Option<&Stored<Meeting>>,
    actions: &[MeetingAction],
) -> Markup {
    let l = me.ctx.lang;
    html! {
        // Focusable, so a keyboard can scroll it on a phone (it may hold no button).
        div.scroll tabindex="0" role="region" aria-label=(l.t("Åtgärder", "Actions")) { table.list.actions {
            thead { tr { th { (l.t("Åtgärd", "Action")) } th { (l.t("Ansvarig", "Owner")) } th { (l.t("Klart senast", "Deadline")) } th { (l.t("Status", "Status")) } } }
            tbody { @for a in actions { tr data-key=(a.key) data-status=(if a.status == ActionStatus::Open { "open" } else { "closed" }) {
                td { (a.text) @if a.carried_from.is_some() { " " span.tag { (l.t("överförd", "carried over")) } } }
                td { (a.owner) }
                td { (a.deadline.map(|d| d.to_string()).unwrap_or_default()) }
                td {
                    (action_status_label(l, a.status))
                    @if let Some(m) = meeting {
                        form.inline method="post" action={ "/moten/" (m.meta.id) "/atgard" } {
                            (me.ctx.csrf_field())
                            input type="hidden" name="version" value=(m.meta.version);
                            input type="hidden" name="key" value=(a.key);
                            @if a.status == ActionStatus::Open {
                                input type="hidden" name="status" value="closed";
                                button.link type="submit" { (l.t("Stäng", "Close")) }
                            } @else {
                                input type="hidden" name="status" value="open";
                                button.link type="submit" { (l.t("Öppna igen", "Reopen")) }
                            }
                        }
                    }
                }
            } } }
        } }
    }
}

async fn meeting_form(
    state: &AppState,
    me: &SignedIn,
    f: &Fields,
    error: Option<&FormError>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let date: jiff::civil::Date = f.get("date").parse().unwrap_or_else(|_| state.today());
    let draft = Meeting {
        date,
        briefing_week: Some(f.get("briefing_week").to_string()).filter(|w| !w.is_empty()),
        participants: vec![],
        observations: vec![],
        actions: vec![],
        focus_places: vec![],
        feedback: vec![],
    };
    // What will be carried over: the open actions of the latest earlier meeting.
    let previous = all::<Meeting>(state, me)
        .await?
        .into_iter()
        .filter(|m| m.data.date < date)
        .max_by_key(|m| (m.data.date, m.meta.id));
    let open: Vec<MeetingAction> = previous
        .iter()
        .flat_map(|m| m.data.actions.iter())
        .filter(|a| a.status == ActionStatus::Open)
        .cloned()
        .collect();
    let rows = |k: &str| -> Vec<String> {
        let mut v: Vec<String> = f.all(k).iter().map(|s| s.to_string()).collect();
        v.resize(v.len().max(BLANK_ROWS), String::new());
        v
    };
    let (texts, owners, deadlines) = (rows("act_text"), rows("act_owner"), rows("act_deadline"));
    let (fnames, freasons) = (rows("focus_name"), rows("focus_reason"));
    let (y, w) = draft.briefing_week();
    Ok(layout(
        &me.ctx,
        l.t("Nytt EST-möte", "New EST meeting"),
        html! {
            p.crumbs { a href="/moten" { (l.t("EST-möten", "EST meetings")) } }
            h1 { (l.t("Nytt EST-möte", "New EST meeting")) }
            (notice(error))
            details.card.lazy-briefing data-open-wide="1" {
                summary { strong { (l.t("Lägesbild vecka ", "Situation picture week ")) (w) " " (y) } }
                (briefing_slot(l, (y, w)))
            }
            @if !open.is_empty() {
                section.card #carried {
                    h2 { (l.t("Öppna åtgärder som förs över", "Open actions carried over")) }
                    (actions_table(me, None, &open))
                }
            }
            form #meeting-form .card.grid method="post" action="/moten/ny" {
                (me.ctx.csrf_field())
                div.two {
                    label { (l.t("Mötesdatum", "Meeting date")) input type="date" name="date" value=(date) required; }
                    label { (l.t("Lägesbildens vecka (tomt: veckan före)", "The picture's week (empty: the week before)")) input type="text" name="briefing_week" placeholder="2024-W18" value=(f.get("briefing_week")); }
                }
                label { (l.t("Deltagare (parter eller roller, en per rad; inga namn)", "Participants (parties or roles, one per line; no names)")) textarea name="participants" rows="3" { (f.get("participants")) } }
                label { (l.t("Iakttagelser (en per rad)", "Observations (one per line)")) textarea name="observations" rows="4" { (f.get("observations")) } }
                fieldset { legend { (l.t("Kortsiktiga åtgärder", "Short-term actions")) }
                    @for k in 0..texts.len() {
                        div.three {
                            label { (l.t("Åtgärd", "Action")) input type="text" name="act_text" value=(texts[k]); }
                            label { (l.t("Ansvarig", "Owner")) input type="text" name="act_owner" maxlength="200" value=(owners[k]); }
                            label { (l.t("Klart senast", "Deadline")) input type="date" name="act_deadline" value=(deadlines[k]); }
                        }
                    }
                }
                fieldset { legend { (l.t("Fokusplatser kommande vecka", "Focus places for the coming week")) }
                    @for k in 0..fnames.len() {
                        div.two {
                            label { (l.t("Plats", "Place")) input type="text" name="focus_name" maxlength="200" value=(fnames[k]); }
                            label { (l.t("Varför", "Why")) input type="text" name="focus_reason" value=(freasons[k]); }
                        }
                    }
                }
                label { (l.t("Återkoppling till rapportörerna (en per rad; syns under Mina rapporter)", "Feedback to the reporters (one per line; shown under My reports)")) textarea name="feedback" rows="3" { (f.get("feedback")) } }
                (crate::ui::layout::mail_status(l, state.notify.is_on(), FEEDBACK_MAILED))
                (visibility_picker(l, f))
                button.primary type="submit" { (l.t("Spara mötet", "Save the meeting")) }
            }
            script src="/assets/meeting.js" defer {}
        },
    ))
}

/// `GET /moten/ny`.
pub(crate) async fn new_form(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    require(&me)?;
    meeting_form(&state, &me, &Fields::default(), None).await
}

/// `POST /moten/ny`.
pub(crate) async fn create(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&me)?;
    let f = Fields(form);
    let l = me.ctx.lang;
    let error = match parse_meeting(l, &f) {
        Ok(m) => match cycle::create_meeting(&state, &me.user, chosen_visibility(&f), m).await {
            Ok((s, _)) => {
                return Ok(
                    Redirect::to(&saved(&format!("/moten/{}", s.meta.id), Saved::Any))
                        .into_response(),
                );
            }
            Err(e) => FormError::from_app(l, e)?,
        },
        Err(e) => e,
    };
    Ok(invalid(meeting_form(&state, &me, &f, Some(&error)).await?))
}

/// `GET /moten/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let m = load::<Meeting>(&state, &me, id).await?;
    let (y, w) = m.data.briefing_week();
    let d = &m.data;
    Ok(layout(
        &me.ctx,
        l.t("EST-möte", "EST meeting"),
        html! {
            p.crumbs { a href="/moten" { (l.t("EST-möten", "EST meetings")) } }
            h1 { (l.t("EST-möte", "EST meeting")) " " (d.date) }
            @if !d.participants.is_empty() { p.hint { (l.t("Deltagare: ", "Participants: ")) (d.participants.join(", ")) } }
            details.card.lazy-briefing {
                summary { strong { (l.t("Lägesbild vecka ", "Situation picture week ")) (w) " " (y) } }
                (briefing_slot(l, (y, w)))
            }
            section.card {
                h2 { (l.t("Iakttagelser", "Observations")) }
                @if d.observations.is_empty() { p { "–" } }
                ul { @for o in &d.observations { li { (o) } } }
            }
            section.card #actions {
                h2 { (l.t("Kortsiktiga åtgärder", "Short-term actions")) }
                p.hint { (l.t("Öppna åtgärder förs över till nästa möte tills de stängs.", "Open actions are carried over to the next meeting until closed.")) }
                (actions_table(&me, Some(&m), &d.actions))
            }
            section.card {
                h2 { (l.t("Fokusplatser kommande vecka", "Focus places for the coming week")) }
                ul { @for p in &d.focus_places { li { strong { (p.name) } @if !p.reason.is_empty() { ": " (p.reason) } } } }
            }
            section.card {
                h2 { (l.t("Återkoppling till rapportörerna", "Feedback to the reporters")) }
                ul.feedback { @for f in &d.feedback { li { (f.text) } } }
                (crate::ui::layout::mail_status(l, state.notify.is_on(), FEEDBACK_MAILED))
            }
            script src="/assets/meeting.js" defer {}
        },
    ))
}

/// `POST /moten/{id}/atgard`: close or reopen an action (`key`, `status`, `version`).
pub(crate) async fn set_action(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&me)?;
    let f = Fields(form);
    let l = me.ctx.lang;
    let m = load::<Meeting>(&state, &me, id).await?;
    let mut data = m.data;
    let action = data
        .actions
        .iter_mut()
        .find(|a| a.key == f.get("key"))
        .ok_or_else(|| PageError::not_found(l))?;
    action.status = if f.get("status") == "closed" {
        ActionStatus::Closed
    } else {
        ActionStatus::Open
    };
    let version: i64 = f.get("version").parse().unwrap_or(0);
    cycle::save_meeting(&state, &me.user, id, version, data)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok(Redirect::to(&saved(&format!("/moten/{id}#actions"), Saved::Any)).into_response())
}
