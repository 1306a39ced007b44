//! A plan's commitments and status: add, change and remove commitments, set the plan's status.

use super::*;

/// The forms under a plan for coordinators: the plan's status, and a new commitment with its
/// planned resources per party of the agreement.
pub(super) fn plan_edit_forms(
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
pub(super) async fn stored_plan(
    state: &AppState,
    me: &SignedIn,
    year: i16,
) -> Result<(Stored<Agreement>, Stored<CommitmentPlan>), PageError> {
    let l = me.ctx.lang;
    let a = require_agreement(state, me).await?;
    let stored = cases::plans(state, &me.user, &a.data)
        .await
        .map_err(store_err(l))?
        .into_iter()
        .find(|p| p.data.year == year)
        .ok_or_else(|| PageError::not_found(l))?;
    Ok((a, stored))
}

/// A posted plan form: the editor's role and CSRF token checked, the values, and the stored
/// plan of `year`.
pub(super) async fn plan_form(
    state: &AppState,
    me: &SignedIn,
    year: i16,
    f: Vec<(String, String)>,
) -> Result<(Fields, Stored<CommitmentPlan>), PageError> {
    may_write(state, me, None).await?;
    let v = Fields(f);
    let (_, stored) = stored_plan(state, me, year).await?;
    Ok((v, stored))
}

/// The plan's page again with why the change was refused (422).
pub(super) async fn plan_refused(
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
pub(super) async fn save_plan_change(
    state: &AppState,
    me: &SignedIn,
    id: i64,
    version: i64,
    plan: &CommitmentPlan,
    to: String,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    match cases::update_plan(state, &me.user, id, version, plan).await {
        Ok(_) => Ok(Redirect::to(&saved(&to, Saved::Any)).into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => plan_refused(state, me, plan.year, msg).await,
            None => Err(PageError::from_app(l, e)),
        },
    }
}

pub(super) fn number(raw: &str) -> Option<f64> {
    trygg_domain::number::parse_sv_number(raw)
        .ok()
        .map(|n| n.unwrap_or(0.0))
}

/// `POST /samverkan/atagandeplan/{year}/atagande`: a new commitment (`id`, `priority_area`,
/// `title`, `description`, `responsible`, and `party_K`, `planned_hours_K`, `planned_sek_K` per
/// party K of the agreement) at the plan's `version`.
pub(super) async fn add_commitment(
    State(state): State<AppState>,
    Path(year): Path<i16>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
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
pub(super) async fn remove_commitment(
    State(state): State<AppState>,
    Path((year, cid)): Path<(i16, String)>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (v, stored) = plan_form(&state, &me, year, f).await?;
    let l = me.ctx.lang;
    let (linked, _) = cases::linked(&state, &me.user, vec![stored.data.clone()])
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
pub(super) async fn set_plan_status(
    State(state): State<AppState>,
    Path(year): Path<i16>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
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
