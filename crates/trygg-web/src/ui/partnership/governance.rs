//! `/samverkan/organisation`: the governance bodies, their members and mandates, and their meetings with agenda, minutes and decisions.

use super::*;

/// `GET /samverkan/organisation`: bodies, members, mandates, meetings and decisions.
pub(super) async fn bodies(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    bodies_page(&state, &me, None).await
}

pub(super) async fn bodies_page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let agreement = cases::current_agreement(state, &me.user)
        .await
        .map_err(store_err(l))?;
    let bodies = cases::list::<Body>(state, &me.user)
        .await
        .map_err(store_err(l))?;
    let mut meetings = cases::list::<BodyMeeting>(state, &me.user)
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
pub(super) struct MeetingForm {
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

/// `POST /samverkan/organisation/mote`: a meeting of a body with its agenda, minutes and
/// decisions.
pub(super) async fn add_meeting(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<MeetingForm>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let l = me.ctx.lang;
    let again = |msg: String| async {
        Ok::<_, PageError>(refused(
            bodies_page(&state, &me, Some(("error", msg))).await?,
        ))
    };
    let bodies = cases::list::<Body>(&state, &me.user)
        .await
        .map_err(store_err(l))?;
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
    match cases::create(&state, &me.user, &meeting).await {
        Ok(_) => Ok(Redirect::to(&saved("/samverkan/organisation", Saved::Any)).into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => again(msg).await,
            None => Err(PageError::from_app(l, e)),
        },
    }
}
