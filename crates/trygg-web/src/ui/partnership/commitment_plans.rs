//! `/samverkan/atagandeplan`: the commitment plans per year, copying last year's as a draft, and one commitment's progress.

use super::*;

/// `GET /samverkan/atagandeplan`: the plans of the period, and the copy button.
pub(super) async fn plans(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    plans_page(&state, &me, None).await
}

pub(super) async fn plans_page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let a = require_agreement(state, me).await?;
    let plans = cases::plans(state, &me.user, &a.data)
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

pub(super) fn plan_status(l: Lang, s: PlanStatus) -> String {
    match s {
        PlanStatus::Draft => l.t("Utkast", "Draft").into(),
        PlanStatus::Decided { date } => format!("{} {date}", l.t("Beslutad", "Decided")),
    }
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct CopyForm {
    #[serde(default)]
    year: String,
}

/// `POST /samverkan/atagandeplan/kopiera`: last year's plan as a draft for `year`.
pub(super) async fn copy_plan(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<CopyForm>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let l = me.ctx.lang;
    let Ok(year) = f.year.trim().parse::<i16>() else {
        let msg = l.t("Välj ett år.", "Choose a year.").to_string();
        return Ok(refused(
            plans_page(&state, &me, Some(("error", msg))).await?,
        ));
    };
    match cases::copy_last_years_plan(&state, &me.user, year).await {
        Ok(p) => Ok(Redirect::to(&saved(
            &format!("/samverkan/atagandeplan/{}", p.data.year),
            Saved::Any,
        ))
        .into_response()),
        Err(AppError::NotFound(_)) => {
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
            None => Err(PageError::from_app(l, e)),
        },
    }
}

pub(super) async fn plan_page(
    state: &AppState,
    me: &SignedIn,
    year: i16,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let a = require_agreement(state, me).await?;
    let stored = cases::plans(state, &me.user, &a.data)
        .await
        .map_err(store_err(l))?
        .into_iter()
        .find(|p| p.data.year == year)
        .ok_or_else(|| PageError::not_found(l))?;
    let (linked, interventions) = cases::linked(state, &me.user, vec![stored.data.clone()])
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
                        }
                        div.follow-status {
                            span class={ "status-badge " (STATUSES.iter().find(|(s, _)| *s == c.status).map_or("", |(_, v)| *v)) } { (status_label(l, c.status)) }
                            progress value=(c.progress) max="100" aria-label=(l.t("Genomfört", "Progress")) { (c.progress) " %" }
                            span.pct { (c.progress) " %" }
                            @for r in &c.resources {
                                span.used { (r.party) ": "
                                    (trygg_report::fmt_sv(r.used_hours, 0)) " " (l.t("av", "of")) " " (trygg_report::fmt_sv(r.planned_hours, 0)) " h, "
                                    (trygg_report::fmt_sv(r.used_sek, 0)) " " (l.t("av", "of")) " " (trygg_report::fmt_sv(r.planned_sek, 0)) " kr"
                                }
                            }
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
pub(super) async fn plan(
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
pub(super) async fn update_commitment(
    State(state): State<AppState>,
    Path((year, cid)): Path<(i16, String)>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let field = |name: &str| {
        f.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let l = me.ctx.lang;
    let a = require_agreement(&state, &me).await?;
    let stored = cases::plans(&state, &me.user, &a.data)
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
            let raw = field(&name).trim().to_string();
            match trygg_domain::number::parse_sv_number(&raw) {
                Ok(None) => continue,
                Ok(Some(v)) => *slot = v,
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
    match cases::update_plan(&state, &me.user, stored.meta.id, version, &plan).await {
        Ok(_) => Ok(Redirect::to(&saved(
            &format!("/samverkan/atagandeplan/{year}#c-{cid}"),
            Saved::Any,
        ))
        .into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => again(msg).await,
            None => Err(PageError::from_app(l, e)),
        },
    }
}
