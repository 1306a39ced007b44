//! Interventions (*insatser*) and their follow-up: `/insatser`, `/insatser/ny?problem=…`,
//! `/insatser/{id}`, `/insatser/{id}/andra`, `/insatser/{id}/uppfoljning` (the computed
//! evaluation, its charts, and approval).

use super::super::layout::{Saved, saved};
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use serde_json::Value;
use trygg_app::Stored;
use trygg_domain::{
    AreaId, OrganisationId,
    cause::CauseFactor,
    cycle::{
        HypothesisRef, Intervention, InterventionStatus, Method, PartyResources, Problem,
        Responsible, TECHNIQUES, TechniqueGroup, technique,
    },
};
use trygg_report::chart;

use super::{
    Fields, FormError, Names, area_picker, change, chosen_visibility, date_opt, date_req, ids,
    invalid, notice, number, org_select, png, require, visibility_picker, {all, load},
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
use trygg_app::followup::ControlSuggestion;

const STATUSES: [(InterventionStatus, &str, &str); 4] = [
    (InterventionStatus::Planned, "planned", "Planned"),
    (InterventionStatus::Ongoing, "ongoing", "Ongoing"),
    (InterventionStatus::Completed, "completed", "Completed"),
    (InterventionStatus::Cancelled, "cancelled", "Cancelled"),
];

pub(super) fn status_label(l: Lang, s: InterventionStatus) -> &'static str {
    let en = STATUSES.iter().find(|x| x.0 == s).map_or("", |x| x.2);
    l.t(s.label_sv(), en)
}

fn method_label(l: Lang, m: &Method) -> String {
    match m {
        Method::Situational { techniques, text } => {
            let names: Vec<String> = techniques
                .iter()
                .filter_map(|c| technique(c))
                .map(|t| format!("{}. {}", t.number, l.t(t.label_sv, t.label_en)))
                .collect();
            let mut s = names.join("; ");
            if !text.is_empty() {
                s.push_str(" — ");
                s.push_str(text);
            }
            s
        }
        Method::Free { text } => text.clone(),
    }
}

/// `GET /insatser`.
pub(crate) async fn list(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let names = Names::load(&state, &me.user, l).await?;
    let mut items = all::<Intervention>(&state, &me).await?;
    items.sort_by_key(|i| std::cmp::Reverse(i.data.start));
    Ok(layout(
        &me.ctx,
        l.t("Insatser", "Interventions"),
        html! {
            h1 { (l.t("Insatser", "Interventions")) }
            p { a.button.primary href="/insatser/ny" { (l.t("Ny insats", "New intervention")) } }
            @if items.is_empty() { p { (l.t("Inga insatser ännu. Börja från ett problem.", "No interventions yet. Start from a problem.")) } }
            @else {
                div.scroll { table.list #interventions {
                    thead { tr {
                        th { (l.t("Insats", "Intervention")) } th { (l.t("Status", "Status")) }
                        th { (l.t("Period", "Period")) } th { (l.t("Ansvarig", "Responsible")) }
                        th { (l.t("Åtgärdsområde", "Treated area")) } th {}
                    } }
                    tbody { @for i in &items { tr {
                        td { a href={ "/insatser/" (i.meta.id) } { (i.data.title) } }
                        td { span.tag { (status_label(l, i.data.status)) } }
                        td { (i.data.start) " – " (i.data.end.map(|d| d.to_string()).unwrap_or_default()) }
                        td { (names.org(i.data.responsible.organisation_id)) }
                        td { (names.areas(&i.data.treated_areas)) }
                        td { a href={ "/insatser/" (i.meta.id) "/uppfoljning" } { (l.t("Uppföljning", "Follow-up")) } }
                    } } }
                } }
            }
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

fn fmt_num(v: f64) -> String {
    if v == 0.0 {
        String::new()
    } else {
        trygg_app::sv_number(v, 2, false)
            .replace(['\u{a0}', ' '], "")
            .trim_end_matches(",00")
            .to_string()
    }
}

fn intervention_fields(i: &Intervention) -> Fields {
    let mut f = Fields::default();
    f.push("title", &i.title);
    f.push("description", &i.description);
    for p in &i.problem_ids {
        f.push("problem", p);
    }
    for h in &i.hypotheses {
        f.push("hypothesis", format!("{}:{}", h.problem_id, h.key));
    }
    match &i.method {
        Method::Situational { techniques, text } => {
            f.push("method", "situational");
            for t in techniques {
                f.push("technique", t);
            }
            f.push("method_text", text);
        }
        Method::Free { text } => {
            f.push("method", "free");
            f.push("method_text", text);
        }
    }
    for a in &i.addresses {
        f.push("addresses", a.as_str());
    }
    f.push("resp_org", i.responsible.organisation_id.0);
    f.push("resp_unit", &i.responsible.unit);
    for r in &i.resources {
        f.push("res_org", r.organisation_id.0);
        f.push("res_ph", fmt_num(r.planned_hours));
        f.push("res_ps", fmt_num(r.planned_sek));
        f.push("res_uh", fmt_num(r.used_hours));
        f.push("res_us", fmt_num(r.used_sek));
    }
    f.push("start", i.start);
    if let Some(e) = i.end {
        f.push("end", e);
    }
    if let Some(s) = STATUSES.iter().find(|s| s.0 == i.status) {
        f.push("status", s.1);
    }
    f.push("commitment_ref", i.commitment_ref.as_deref().unwrap_or(""));
    for (k, v) in [
        ("treated", &i.treated_areas),
        ("control", &i.control_areas),
        ("buffer", &i.buffer_areas),
    ] {
        for a in v {
            f.push(k, a.0);
        }
    }
    f
}

fn parse_intervention<'a>(l: Lang, f: &'a Fields) -> Result<Intervention, FormError> {
    let problem_ids: Vec<trygg_domain::cycle::ProblemId> =
        ids(l, f.all("problem"), trygg_domain::cycle::Id::new)?;
    let hypotheses = f
        .all("hypothesis")
        .into_iter()
        .filter_map(|h| h.split_once(':'))
        .filter_map(|(p, k)| {
            Some(HypothesisRef {
                problem_id: p.parse().ok()?,
                key: k.to_string(),
            })
        })
        .filter(|h| problem_ids.contains(&h.problem_id))
        .collect();
    let method = if f.get("method") == "free" {
        Method::Free {
            text: f.get("method_text").to_string(),
        }
    } else {
        Method::Situational {
            techniques: f.all("technique").into_iter().map(str::to_string).collect(),
            text: f.get("method_text").to_string(),
        }
    };
    let (orgs, ph, ps, uh, us) = (
        f.all("res_org"),
        f.all("res_ph"),
        f.all("res_ps"),
        f.all("res_uh"),
        f.all("res_us"),
    );
    let mut resources = Vec::new();
    for (k, org) in orgs.iter().enumerate() {
        let org = ids(l, vec![org], OrganisationId)?;
        let Some(org) = org.first().copied() else {
            continue;
        };
        let at = |v: &Vec<&'a str>| -> &'a str { v.get(k).copied().unwrap_or("") };
        let r = PartyResources {
            organisation_id: org,
            planned_hours: number(l, at(&ph), l.t("Planerade timmar", "Planned hours"))?,
            planned_sek: number(l, at(&ps), l.t("Planerade kronor", "Planned SEK"))?,
            used_hours: number(l, at(&uh), l.t("Använda timmar", "Hours used"))?,
            used_sek: number(l, at(&us), l.t("Använda kronor", "SEK used"))?,
        };
        if r.planned_hours + r.planned_sek + r.used_hours + r.used_sek != 0.0
            || [at(&ph), at(&ps), at(&uh), at(&us)]
                .iter()
                .any(|v| v.starts_with('-'))
        {
            resources.push(r);
        }
    }
    let status = STATUSES
        .iter()
        .find(|s| s.1 == f.get("status"))
        .map_or(InterventionStatus::Planned, |s| s.0);
    Ok(Intervention {
        title: f.get("title").to_string(),
        description: f.get("description").to_string(),
        problem_ids,
        hypotheses,
        method,
        addresses: f
            .all("addresses")
            .into_iter()
            .filter_map(CauseFactor::parse)
            .collect(),
        responsible: Responsible {
            organisation_id: ids(l, vec![f.get("resp_org")], OrganisationId)?
                .first()
                .copied()
                .ok_or_else(|| {
                    FormError(
                        l.t("Välj ansvarig part.", "Choose the responsible party.")
                            .into(),
                    )
                })?,
            unit: f.get("resp_unit").to_string(),
        },
        resources,
        start: date_req(l, f, "start", l.t("Start", "Start"))?,
        end: date_opt(l, f, "end", l.t("Slut", "End"))?,
        status,
        commitment_ref: Some(f.get("commitment_ref").to_string()).filter(|c| !c.is_empty()),
        treated_areas: ids(l, f.all("treated"), AreaId)?,
        control_areas: ids(l, f.all("control"), AreaId)?,
        buffer_areas: ids(l, f.all("buffer"), AreaId)?,
    })
}

/// Control suggestions for what the form says now: its problems, its treated areas (the
/// problem's areas when none is ticked) and its start; none while the form cannot say.
async fn suggestions_for(state: &AppState, me: &SignedIn, f: &Fields) -> Vec<ControlSuggestion> {
    match parse_intervention(me.ctx.lang, f) {
        Ok(i) if !i.problem_ids.is_empty() => {
            cycle::evaluate(state, &me.user, &i, &Default::default())
                .await
                .map(|(_, s)| s)
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The suggestions as the form shows them: each a button that ticks the area as a control
/// (`assets/intervention.js`); the box is live, so a new list is read out.
fn suggestions_box(l: Lang, suggestions: &[ControlSuggestion]) -> Markup {
    html! {
        div.hint #control-suggestions aria-live="polite" {
            @if !suggestions.is_empty() {
                (l.t("Förslag för det valda åtgärdsområdet (liknande historik, inte granne); välj ett för att kryssa i det:", "Suggestions for the chosen treated area (similar history, not a neighbour); choose one to tick it:"))
                ul.suggestions {
                    @for s in suggestions {
                        li { button.link.suggestion type="button" data-area=(s.area_id.0) {
                            strong { (s.name) } " (" (l.t("likhet", "similarity")) " " (trygg_app::sv_number(s.score, 2, false)) ")"
                        } }
                    }
                }
            }
        }
    }
}

/// `GET /insatser/kontrollforslag?…`: the control suggestions for the intervention form's
/// fields as they are now (the form's own field names), as the fragment that replaces the
/// form's `#control-suggestions` when the treated areas change.
pub(crate) async fn control_suggestions(
    State(state): State<AppState>,
    me: SignedIn,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let suggestions = suggestions_for(&state, &me, &Fields(q)).await;
    Ok(suggestions_box(me.ctx.lang, &suggestions))
}

struct FormCtx<'a> {
    names: &'a Names,
    problems: &'a [Stored<Problem>],
    hypotheses: Vec<(i64, String, String)>,
    suggestions: Vec<ControlSuggestion>,
    commitments: Vec<trygg_app::partnership::CommitmentRef>,
}

async fn form_ctx<'a>(
    state: &AppState,
    me: &SignedIn,
    names: &'a Names,
    problems: &'a [Stored<Problem>],
    f: &Fields,
) -> Result<FormCtx<'a>, PageError> {
    let l = me.ctx.lang;
    let chosen: Vec<i64> = ids(l, f.all("problem"), |x| x).unwrap_or_default();
    let mut hypotheses = Vec::new();
    for p in &chosen {
        if let Some(a) = cycle::find_analysis(state, &me.user, *p)
            .await
            .map_err(|e| PageError::from_app(l, e))?
        {
            hypotheses.extend(
                a.data
                    .hypotheses
                    .iter()
                    .map(|h| (*p, h.key.clone(), h.text.clone())),
            );
        }
    }
    let suggestions = suggestions_for(state, me, f).await;
    let commitments = trygg_app::partnership::cases::commitments(state, &me.user)
        .await
        .map_err(|e| PageError::from((l, e)))?;
    Ok(FormCtx {
        names,
        problems,
        hypotheses,
        suggestions,
        commitments,
    })
}

fn intervention_form(
    me: &SignedIn,
    c: &FormCtx,
    action: &str,
    f: &Fields,
    error: Option<&FormError>,
) -> Markup {
    let l = me.ctx.lang;
    let title = l.t("Insats", "Intervention");
    let names = c.names;
    let situational = f.get("method") != "free";
    // One row per party: each party bears its own costs.
    let rows: Vec<(String, [String; 4])> = names
        .orgs
        .iter()
        .map(|o| {
            let id = o.id.0.to_string();
            let k = f.all("res_org").iter().position(|x| *x == id);
            let at = |name: &str| {
                k.and_then(|k| f.all(name).get(k).map(|v| v.to_string()))
                    .unwrap_or_default()
            };
            (id, [at("res_ph"), at("res_ps"), at("res_uh"), at("res_us")])
        })
        .collect();
    layout(
        &me.ctx,
        title,
        html! {
            p.crumbs { a href="/insatser" { (l.t("Insatser", "Interventions")) } }
            h1 { (if f.get("title").is_empty() { l.t("Ny insats", "New intervention") } else { f.get("title") }) }
            (notice(error))
            form #intervention-form .card.grid method="post" action=(action) {
                (me.ctx.csrf_field())
                @if !f.get("version").is_empty() { input type="hidden" name="version" value=(f.get("version")); }
                label { (l.t("Rubrik", "Title")) input type="text" name="title" maxlength="200" value=(f.get("title")) required; }
                label { (l.t("Vad görs", "What is done")) textarea name="description" rows="3" { (f.get("description")) } }
                fieldset { legend { (l.t("Problem som insatsen riktar sig mot", "Problems the intervention targets")) }
                    @for p in c.problems {
                        @let id = p.meta.id.to_string();
                        label.check { input type="checkbox" name="problem" value=(id) checked[f.has("problem", &id)]; " " (p.data.title) }
                    }
                    @if !c.hypotheses.is_empty() {
                        p.hint { (l.t("Orsaker (hypoteser) som insatsen angriper:", "Causes (hypotheses) the intervention addresses:")) }
                        @for (p, k, t) in &c.hypotheses {
                            @let v = format!("{p}:{k}");
                            label.check { input type="checkbox" name="hypothesis" value=(v) checked[f.has("hypothesis", &v)]; " " strong { (k) } " " (t) }
                        }
                    }
                }
                fieldset #method { legend { (l.t("Metod", "Method")) }
                    label.check { input type="radio" name="method" value="situational" checked[situational]; " " (l.t("Situationell prevention (de 25 teknikerna)", "Situational prevention (the 25 techniques)")) }
                    label.check { input type="radio" name="method" value="free" checked[!situational]; " " (l.t("Annan metod (beskriv)", "Other method (describe)")) }
                    div.techniques {
                        @for g in TechniqueGroup::ALL {
                            fieldset.group { legend { (l.t(g.label_sv(), g.label_en())) }
                                @for t in TECHNIQUES.iter().filter(|t| t.group == g) {
                                    label.check { input type="checkbox" name="technique" value=(t.code) checked[f.has("technique", t.code)]; " " (t.number) ". " (l.t(t.label_sv, t.label_en)) }
                                }
                            }
                        }
                    }
                    label { (l.t("Metoden i ord", "The method in words")) textarea name="method_text" rows="2" { (f.get("method_text")) } }
                    fieldset.group #addresses { legend { (l.t("Verkar på (utöver vad teknikerna ger; för en annan metod: ange här)", "Works on (besides what the techniques imply; for another method: say here)")) }
                        @for c in CauseFactor::ALL {
                            label.check { input type="checkbox" name="addresses" value=(c.as_str()) checked[f.has("addresses", c.as_str())]; " " (l.t(c.label_sv(), c.label_en())) }
                        }
                    }
                }
                div.two {
                    label { (l.t("Ansvarig part", "Responsible party")) (org_select(names, "resp_org", f.get("resp_org"))) }
                    label { (l.t("Ansvarig enhet", "Responsible unit")) input type="text" name="resp_unit" maxlength="200" value=(f.get("resp_unit")); }
                }
                fieldset { legend { (l.t("Resurser per part (varje part bär sina kostnader)", "Resources per party (each party bears its own costs)")) }
                    div.scroll { table.list.resources {
                        thead { tr { th { (l.t("Part", "Party")) } th { (l.t("Planerade timmar", "Planned hours")) } th { (l.t("Planerade kr", "Planned SEK")) } th { (l.t("Använda timmar", "Hours used")) } th { (l.t("Använda kr", "SEK used")) } } }
                        tbody { @for (id, v) in &rows { tr {
                            td { input type="hidden" name="res_org" value=(id); (names.org(OrganisationId(id.parse().unwrap_or(0)))) }
                            @for (k, name) in ["res_ph", "res_ps", "res_uh", "res_us"].iter().enumerate() {
                                td { input type="text" inputmode="decimal" name=(name) value=(v[k]) aria-label=(name); }
                            }
                        } } }
                    } }
                }
                div.two {
                    label { (l.t("Start", "Start")) input type="date" name="start" value=(f.get("start")) required; }
                    label { (l.t("Slut (ej inkl.)", "End (exclusive)")) input type="date" name="end" value=(f.get("end")); }
                }
                div.two {
                    label { (l.t("Status", "Status"))
                        select name="status" { @for (s, code, _) in STATUSES { option value=(code) selected[f.get("status") == code] { (status_label(l, s)) } } }
                    }
                    label { (l.t("Åtagande (i åtagandeplanen)", "Commitment (in the commitment plan)"))
                        @if c.commitments.is_empty() {
                            input type="text" name="commitment_ref" maxlength="200" value=(f.get("commitment_ref"));
                        } @else {
                            select name="commitment_ref" {
                                option value="" { (l.t("— inget —", "— none —")) }
                                @let current = f.get("commitment_ref");
                                @if !current.is_empty() && !c.commitments.iter().any(|k| k.id == current) {
                                    option value=(current) selected { (current) }
                                }
                                @for k in &c.commitments {
                                    option value=(k.id) selected[k.id == current] { (k.year) " · " (k.title) }
                                }
                            }
                        }
                    }
                }
                fieldset { legend { (l.t("Åtgärdsområde (tomt: problemets områden)", "Treated area (empty: the problem's areas)")) } (area_picker(names, "treated", f)) }
                fieldset { legend { (l.t("Kontrollområde", "Control area")) }
                    (suggestions_box(l, &c.suggestions))
                    (area_picker(names, "control", f))
                }
                fieldset { legend { (l.t("Buffertzon (för förflyttning)", "Buffer zone (for displacement)")) } (area_picker(names, "buffer", f)) }
                @if action.ends_with("/ny") { (visibility_picker(l, f)) }
                button.primary type="submit" { (l.t("Spara insatsen", "Save the intervention")) }
            }
            script src="/assets/pick.js" defer {}
        },
    )
}

/// `GET /insatser/ny?problem=…`.
pub(crate) async fn new_form(
    State(state): State<AppState>,
    me: SignedIn,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let names = Names::load(&state, &me.user, l).await?;
    let problems = all::<Problem>(&state, &me).await?;
    let mut f = Fields(q);
    if f.get("start").is_empty() {
        f.push("start", state.today());
    }
    if f.get("resp_org").is_empty() {
        f.push("resp_org", me.user.organisation_id.0);
    }
    if f.get("title").is_empty()
        && let Some(p) = problems
            .iter()
            .find(|p| f.has("problem", &p.meta.id.to_string()))
    {
        f.push(
            "title",
            format!("{}: {}", l.t("Insats", "Intervention"), p.data.title),
        );
    }
    let c = form_ctx(&state, &me, &names, &problems, &f).await?;
    Ok(intervention_form(&me, &c, "/insatser/ny", &f, None))
}

async fn save(
    state: &AppState,
    me: &SignedIn,
    existing: Option<i64>,
    form: Vec<(String, String)>,
) -> Result<Response, PageError> {
    require(me)?;
    let f = Fields(form);
    let l = me.ctx.lang;
    let version: i64 = f.get("version").parse().unwrap_or(0);
    let error = match parse_intervention(l, &f) {
        Ok(i) => {
            match cycle::save_intervention(
                state,
                &me.user,
                existing.map(|id| (id, version)),
                chosen_visibility(&f),
                &i,
            )
            .await
            {
                Ok(s) => {
                    return Ok(Redirect::to(&saved(
                        &format!("/insatser/{}", s.meta.id),
                        Saved::Any,
                    ))
                    .into_response());
                }
                Err(e) => FormError::from_app(l, e)?,
            }
        }
        Err(e) => e,
    };
    let names = Names::load(state, &me.user, l).await?;
    let problems = all::<Problem>(state, me).await?;
    let c = form_ctx(state, me, &names, &problems, &f).await?;
    let action = existing.map_or_else(
        || "/insatser/ny".to_string(),
        |id| format!("/insatser/{id}/andra"),
    );
    Ok(invalid(intervention_form(
        me,
        &c,
        &action,
        &f,
        Some(&error),
    )))
}

/// `POST /insatser/ny`.
pub(crate) async fn create(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save(&state, &me, None, form).await
}

/// `GET /insatser/{id}/andra`.
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let i = load::<Intervention>(&state, &me, id).await?;
    let names = Names::load(&state, &me.user, l).await?;
    let problems = all::<Problem>(&state, &me).await?;
    let mut f = intervention_fields(&i.data);
    f.push("version", i.meta.version);
    let c = form_ctx(&state, &me, &names, &problems, &f).await?;
    Ok(intervention_form(
        &me,
        &c,
        &format!("/insatser/{id}/andra"),
        &f,
        None,
    ))
}

/// `POST /insatser/{id}/andra`.
pub(crate) async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    load::<Intervention>(&state, &me, id).await?;
    save(&state, &me, Some(id), form).await
}

/// `GET /insatser/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let i = load::<Intervention>(&state, &me, id).await?;
    let names = Names::load(&state, &me.user, l).await?;
    let problems = all::<Problem>(&state, &me).await?;
    let commitments = trygg_app::partnership::cases::commitments(&state, &me.user)
        .await
        .map_err(|e| PageError::from((l, e)))?;
    let d = &i.data;
    let warnings = cycle::measure_warnings(&state, &me.user, d)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let mut causes = Vec::new();
    for h in &d.hypotheses {
        let found = cycle::find_analysis(&state, &me.user, h.problem_id.raw)
            .await
            .map_err(|e| PageError::from_app(l, e))?
            .and_then(|a| a.data.hypotheses.into_iter().find(|x| x.key == h.key));
        causes.push((h, found));
    }
    let works_on = trygg_domain::cause::measure_factors(d);
    // `+ 0.0`: the sum of no resources is −0.0, which would print as "−0".
    let sum = |g: fn(&PartyResources) -> f64| d.resources.iter().map(g).sum::<f64>() + 0.0;
    let n = |v: f64| trygg_app::sv_number(v, 0, true);
    Ok(layout(
        &me.ctx,
        &d.title,
        html! {
            p.crumbs { a href="/insatser" { (l.t("Insatser", "Interventions")) } " › #" (id) }
            h1 { (d.title) }
            p { span.tag { (status_label(l, d.status)) } " " (d.start) " – " (d.end.map(|e| e.to_string()).unwrap_or_default()) }
            p.actions {
                a.button.primary href={ "/insatser/" (id) "/uppfoljning" } { (l.t("Uppföljning", "Follow-up")) }
                " " a.button href={ "/insatser/" (id) "/andra" } { (l.t("Ändra", "Edit")) }
            }
            section.card {
                @if !d.description.is_empty() { p { (d.description) } }
                dl {
                    dt { (l.t("Problem", "Problems")) }
                    dd { @for p in problems.iter().filter(|p| d.problem_ids.contains(&trygg_domain::cycle::Id::new(p.meta.id))) { a href={ "/problem/" (p.meta.id) } { (p.data.title) } br; } }
                    dt { (l.t("Metod", "Method")) } dd { (method_label(l, &d.method)) }
                    dt { (l.t("Ansvarig", "Responsible")) } dd { (names.org(d.responsible.organisation_id)) @if !d.responsible.unit.is_empty() { ", " (d.responsible.unit) } }
                    @if let Some(c) = &d.commitment_ref { dt { (l.t("Åtagande", "Commitment")) } dd {
                        @if let Some(k) = commitments.iter().find(|k| &k.id == c) {
                            a href={ "/samverkan/atagandeplan/" (k.year) "#c-" (k.id) } { (k.year) " · " (k.title) }
                        } @else { (c) }
                    } }
                    dt { (l.t("Åtgärdsområde", "Treated area")) } dd { (names.areas(&d.treated_areas)) }
                    dt { (l.t("Kontrollområde", "Control area")) } dd { (names.areas(&d.control_areas)) }
                    dt { (l.t("Buffertzon", "Buffer zone")) } dd { (names.areas(&d.buffer_areas)) }
                }
            }
            section.card #causes {
                h2 { (l.t("Problem och orsak som åtgärden svarar mot", "The problem and cause the measure answers")) }
                @if causes.is_empty() {
                    p { (l.t("Ingen orsak angiven.", "No cause given.")) }
                } @else {
                    ul { @for (h, found) in &causes { li {
                        @let title = problems.iter().find(|p| p.meta.id == h.problem_id.raw).map_or(String::new(), |p| p.data.title.clone());
                        a href={ "/problem/" (h.problem_id) "#analys" } { (title) } " · " strong { (h.key) }
                        @if let Some(x) = found {
                            " " (x.text) " "
                            span.tag { (l.t(x.status.label_sv(), x.status.label_en())) }
                            @if let Some(c) = x.factor { " " span.tag { (l.t(c.label_sv(), c.label_en())) } }
                        } @else {
                            " " em { (l.t("finns inte längre i orsaksanalysen", "no longer in the cause analysis")) }
                        }
                    } } }
                }
                p { strong { (l.t("Verkar på: ", "Works on: ")) }
                    (works_on.iter().map(|c| l.t(c.label_sv(), c.label_en())).collect::<Vec<_>>().join(", "))
                    @if works_on.is_empty() { (l.t("inget angivet", "nothing given")) }
                }
                @if !warnings.is_empty() {
                    div.notice.error #measure-warnings role="status" {
                        strong { (l.t("Stämmer inte med orsaksanalysen:", "Does not follow from the cause analysis:")) }
                        ul { @for w in &warnings { li { (l.t(&w.message_sv(), &w.message_en())) } } }
                    }
                }
            }
            section.card {
                h2 { (l.t("Resurser per part", "Resources per party")) }
                div.scroll { table.list {
                    thead { tr { th { (l.t("Part", "Party")) } th.num { (l.t("Planerade timmar", "Planned hours")) } th.num { (l.t("Planerade kr", "Planned SEK")) } th.num { (l.t("Använda timmar", "Hours used")) } th.num { (l.t("Använda kr", "SEK used")) } } }
                    tbody {
                        @for r in &d.resources { tr {
                            td { (names.org(r.organisation_id)) }
                            td.num { (n(r.planned_hours)) } td.num { (n(r.planned_sek)) } td.num { (n(r.used_hours)) } td.num { (n(r.used_sek)) }
                        } }
                        tr { th { (l.t("Summa", "Total")) }
                            td.num { (n(sum(|r| r.planned_hours))) } td.num { (n(sum(|r| r.planned_sek))) }
                            td.num { (n(sum(|r| r.used_hours))) } td.num { (n(sum(|r| r.used_sek))) } }
                    }
                } }
            }
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Follow-up
// ---------------------------------------------------------------------------------------------

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn area_ids(v: &Value) -> Vec<AreaId> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).map(AreaId).collect())
        .unwrap_or_default()
}

fn num(v: &Value, decimals: usize) -> String {
    v.as_f64()
        .map_or_else(|| "–".into(), |x| trygg_app::sv_number(x, decimals, true))
}

/// An evaluation (the live one or an approved snapshot, both as JSON) as tables and words.
fn evaluation_view(l: Lang, names: &Names, id: i64, v: &Value, which: &str) -> Markup {
    let c = &v["counts"];
    let rows = [
        (
            "treated",
            l.t("Åtgärdsområde", "Treated area"),
            "treated_areas",
        ),
        (
            "control",
            l.t("Kontrollområde", "Control area"),
            "control_areas",
        ),
        ("buffer", l.t("Buffertzon", "Buffer zone"), "buffer_areas"),
    ];
    let e = &v["evaluation"];
    let w = &v["wdd"];
    let words: Vec<String> = rows
        .iter()
        .filter(|(role, ..)| !area_ids(&v[format!("{role}_areas")]).is_empty())
        .map(|(role, label, key)| {
            let (b, a) = (
                u(&c[format!("{role}_before")]),
                u(&c[format!("{role}_after")]),
            );
            format!(
                "{label} ({}): {b} → {a} ({})",
                names.areas(&area_ids(&v[*key])),
                change(b, a)
            )
        })
        .collect();
    html! {
        @if v["months"].as_i64() == Some(0) {
            p.notice.info { (l.t("För tidigt att följa upp: insatsen har pågått kortare än en månad.", "Too early to follow up: the intervention has run for less than a month.")) }
        } @else {
            p.hint { (l.t("Före", "Before")) " " (v["before"]["from"].as_str().unwrap_or("")) " – " (v["before"]["to"].as_str().unwrap_or(""))
                ", " (l.t("efter", "after")) " " (v["after"]["from"].as_str().unwrap_or("")) " – " (v["after"]["to"].as_str().unwrap_or(""))
                " (" (v["months"]) " " (l.t("månader vardera, tiden efter räknas till och med i dag eller insatsens slut", "months each; after counts up to today or the intervention's end")) ")." }
            div.scroll { table.list.counts id={ "fu-counts-" (which) } {
                thead { tr { th { (l.t("Områden", "Areas")) } th.num { (l.t("Före", "Before")) } th.num { (l.t("Efter", "After")) } th.num { (l.t("Förändring", "Change")) } } }
                tbody { @for (role, label, key) in rows {
                    @let (b, a) = (u(&c[format!("{role}_before")]), u(&c[format!("{role}_after")]));
                    @let areas = area_ids(&v[key]);
                    @if !areas.is_empty() {
                        tr data-role=(role) data-before=(b) data-after=(a) {
                            td { strong { (label) } br; (names.areas(&areas)) }
                            td.num.before { (b) } td.num.after { (a) } td.num.change { (change(b, a)) }
                        }
                    }
                } }
            } }
            dl.figures {
                dt { (l.t("Relativ effekt (RES)", "Relative effect (RES)")) }
                dd #fu-res { @if e.is_object() {
                    (num(&e["relative_effect"]["estimate"], 2)) " (95 % KI " (num(&e["relative_effect"]["lower"], 2)) "–" (num(&e["relative_effect"]["upper"], 2)) ")"
                    span.hint { (l.t("Under 1: åtgärdsområdet utvecklades bättre än kontrollområdet; över 1: sämre.", "Below 1: the treated area did better than the control area; above 1: worse.")) }
                } @else { "–" } }
                dt { "WDQ" }
                dd #fu-wdq { @if e.is_object() { (num(&e["wdq"], 2)) span.hint { (l.t("Under 0: förflyttning till buffertzonen; över 0: spridning av nytta.", "Below 0: displacement into the buffer; above 0: diffusion of benefits.")) } } @else { "–" } }
                dt { "WDD" }
                dd #fu-wdd { @if w.is_object() { (num(&w["wdd"], 0)) " (z = " (num(&w["z"], 2)) ", p = " (num(&w["p"], 3)) ")" } @else { "–" } }
            }
            h3 { (l.t("Bedömning", "Verdict")) }
            @let verdict_en = v["verdict_en"].as_str().filter(|_| l == Lang::En);
            p #fu-verdict .verdict { (verdict_en.or(v["verdict_sv"].as_str()).unwrap_or("")) }
            // A follow-up approved before the verdict had an English twin keeps its Swedish one.
            @if l == Lang::En && verdict_en.is_none() { p.verdict-en { "In short: " (words.join("; ")) "." } }
            p.hint { (v["note_sv"].as_str().unwrap_or("")) }
            div.cycle-grid {
                img.chart src={ "/insatser/" (id) "/uppfoljning/fore-efter.png?v=" (which) } alt=(l.t("Åtgärdsområdet och kontrollområdet per månad, före och efter starten", "Treated and control area per month, before and after the start"));
                img.chart src={ "/insatser/" (id) "/uppfoljning/omraden.png?v=" (which) } alt=(l.t("Åtgärdsområdet, kontrollområdet och buffertzonen per månad", "Treated area, control area and buffer zone per month"));
            }
        }
    }
}

/// The approved snapshot and the live evaluation as JSON.
async fn evaluations(
    state: &AppState,
    me: &SignedIn,
    id: i64,
) -> Result<
    (
        Stored<Intervention>,
        Option<Stored<trygg_domain::cycle::FollowUp>>,
        Value,
        Vec<ControlSuggestion>,
    ),
    PageError,
> {
    let l = me.ctx.lang;
    let i = load::<Intervention>(state, me, id).await?;
    let (live, suggestions) = cycle::evaluate(state, &me.user, &i.data, &Default::default())
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let approved = cycle::find_follow_up(state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let live = serde_json::to_value(&live).map_err(|e| PageError::internal(l, e))?;
    Ok((i, approved, live, suggestions))
}

/// `GET /insatser/{id}/uppfoljning`.
pub(crate) async fn follow_up(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let names = Names::load(&state, &me.user, l).await?;
    let (i, approved, live, suggestions) = evaluations(&state, &me, id).await?;
    let surveys = trygg_app::indicators::before_after(
        &state,
        &me.user,
        &area_ids(&live["treated_areas"]),
        i.data.start,
    )
    .await
    .map_err(|e| PageError::from_app(l, e))?;
    let may_approve = me
        .user
        .has_any(&[trygg_domain::Role::Coordinator, trygg_domain::Role::Admin]);
    let differs = approved
        .as_ref()
        .is_some_and(|a| a.data.evaluation["counts"] != live["counts"]);
    Ok(layout(
        &me.ctx,
        l.t("Uppföljning", "Follow-up"),
        html! {
            p.crumbs { a href="/insatser" { (l.t("Insatser", "Interventions")) } " › " a href={ "/insatser/" (id) } { (i.data.title) } }
            h1 { (l.t("Uppföljning", "Follow-up")) ": " (i.data.title) }
            @match &approved {
                Some(a) => {
                    section.card #fu-approved {
                        h2 { (l.t("Godkänd uppföljning", "Approved follow-up")) }
                        p.notice.ok { (l.t("Godkänd", "Approved")) " " (super::date_time(&state, a.data.approved_at)) " " (l.t("av", "by")) " " (a.data.approved_by)
                            @if !a.data.comment.is_empty() { ": " (a.data.comment) } }
                        (evaluation_view(l, &names, id, &a.data.evaluation, "approved"))
                    }
                    @if differs {
                        section.card #fu-live {
                            h2 { (l.t("Beräknad nu ur dagens data", "Computed now from today's data")) }
                            p.hint { (l.t("Siffrorna skiljer sig från den godkända uppföljningen (data har tillkommit eller ändrats). Den godkända gäller tills någon godkänner på nytt.", "The figures differ from the approved follow-up (data was added or changed). The approved one stands until someone approves again.")) }
                            (evaluation_view(l, &names, id, &live, "live"))
                        }
                    }
                }
                None => {
                    section.card #fu-live {
                        h2 { (l.t("Beräknad nu ur dagens data (inte godkänd)", "Computed now from today's data (not approved)")) }
                        (evaluation_view(l, &names, id, &live, "live"))
                    }
                }
            }
            @if !surveys.is_empty() {
                section.card #fu-surveys {
                    h2 { (l.t("Enkät före/efter", "Survey before/after")) }
                    p.hint { (l.t("Åtgärdsområdets enkätvärden närmast före insatsens startår och från startåret, bredvid antalen ovan.", "The treated area's survey values nearest before the intervention's start year and from that year on, beside the counts above.")) }
                    div.scroll { table.list {
                        thead { tr { th { (l.t("Indikator", "Indicator")) } th { (l.t("Före", "Before")) } th { (l.t("Efter", "After")) } th { (l.t("Skillnad", "Difference")) } } }
                        tbody { @for s in &surveys {
                            tr {
                                td { (s.indicator.name) br; span.hint { (s.source) ", " (s.area_name) } }
                                td { (s.before.period.to_string()) ": " (s.before.text) }
                                td { (s.after.period.to_string()) ": " (s.after.text) }
                                td { @if s.intervals_apart {
                                    (l.t("Intervallen överlappar inte: skillnaden är troligen inte slump.", "The intervals do not overlap: the difference is unlikely to be chance."))
                                } @else {
                                    (l.t("Intervallen överlappar: skillnaden kan vara slump.", "The intervals overlap: the difference may be chance."))
                                } }
                            }
                        } }
                    } }
                    p.hint { (l.t("En enkät visar upplevd trygghet, inte händelser; den kan inte ensam visa att insatsen gav skillnaden.", "A survey shows perceived safety, not incidents; on its own it cannot show that the intervention made the difference.")) }
                }
            }
            @if !suggestions.is_empty() {
                section.card {
                    h2 { (l.t("Förslag på kontrollområden", "Suggested control areas")) }
                    p.hint { (l.t("Områden med liknande nivå och förlopp före starten, inte grannar till åtgärdsområdet.", "Areas with a similar level and course before the start, not neighbours of the treated area.")) }
                    ul { @for s in &suggestions { li { strong { (s.name) } ": " (l.t("likhet", "similarity")) " " (trygg_app::sv_number(s.score, 2, false))
                        ", r = " (s.correlation.map(|r| trygg_app::sv_number(r, 2, false)).unwrap_or_else(|| "–".into()))
                        ", " (l.t("medel per månad", "mean per month")) " " (trygg_app::sv_number(s.monthly_mean, 1, false)) } } }
                }
            }
            section.card {
                @if may_approve {
                    form #approve method="post" action={ "/insatser/" (id) "/uppfoljning" } {
                        (me.ctx.csrf_field())
                        label { (l.t("Kommentar (valfri)", "Comment (optional)")) input type="text" name="comment" maxlength="500"; }
                        button.primary type="submit" { @if approved.is_some() { (l.t("Godkänn på nytt med dagens siffror", "Approve again with today's figures")) } @else { (l.t("Godkänn uppföljningen", "Approve the follow-up")) } }
                        span.hint { (l.t("Sparar siffrorna som de är nu, så att senare ändringar i data inte skriver om historien.", "Stores the figures as they are now, so later changes in the data do not rewrite history.")) }
                    }
                } @else {
                    p.hint { (l.t("Samordnare och administratörer godkänner uppföljningar.", "Coordinators and administrators approve follow-ups.")) }
                }
            }
        },
    ))
}

/// `POST /insatser/{id}/uppfoljning`: approve.
pub(crate) async fn approve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&me)?;
    let f = Fields(form);
    let _stored = cycle::approve_follow_up(&state, &me.user, id, f.get("comment").to_string())
        .await
        .map_err(|e| PageError::from_app(me.ctx.lang, e))?;
    Ok(Redirect::to(&saved(&format!("/insatser/{id}/uppfoljning"), Saved::Any)).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct ChartQuery {
    v: Option<String>,
}

/// `GET /insatser/{id}/uppfoljning/{fore-efter|omraden}.png?v=approved|live`.
pub(crate) async fn chart_png(
    State(state): State<AppState>,
    me: SignedIn,
    Path((id, chart_name)): Path<(i64, String)>,
    Query(q): Query<ChartQuery>,
) -> Result<Response, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let (i, approved, live, _) = evaluations(&state, &me, id).await?;
    let v = match (q.v.as_deref(), &approved) {
        (Some("approved"), Some(a)) => a.data.evaluation.clone(),
        _ => live,
    };
    let names = Names::load(&state, &me.user, l).await?;
    let rows = v["series"].as_array().cloned().unwrap_or_default();
    let months: Vec<String> = rows
        .iter()
        .map(|r| r["month"].as_str().unwrap_or("").to_string())
        .collect();
    let series =
        |k: &str| -> Vec<f64> { rows.iter().map(|r| r[k].as_f64().unwrap_or(0.0)).collect() };
    let label = |role: &str, key: &str| format!("{role}: {}", names.areas(&area_ids(&v[key])));
    let start = rows
        .iter()
        .position(|r| r["after"].as_bool() == Some(true))
        .unwrap_or(0);
    let (treated, control, buffer) = (
        l.t("Åtgärdsområde", "Treated area"),
        l.t("Kontrollområde", "Control area"),
        l.t("Buffertzon", "Buffer zone"),
    );
    let image = match chart_name.as_str() {
        "fore-efter.png" => chart::before_after(&chart::BeforeAfterChart {
            title: i.data.title.clone(),
            y_label: l.t("Händelser per månad", "Incidents per month").into(),
            months,
            treated: chart::Series::new(label(treated, "treated_areas"), series("treated")),
            control: chart::Series::new(label(control, "control_areas"), series("control")),
            start,
            start_label: l.t("Insatsen börjar", "The intervention starts").into(),
            lang: trygg_report::Lang::Sv,
        }),
        "omraden.png" => chart::line(&chart::LineChart {
            title: l
                .t(
                    "Effekt och förflyttning: alla tre områdena",
                    "Effect and displacement: all three areas",
                )
                .into(),
            y_label: l.t("Händelser per månad", "Incidents per month").into(),
            x_label: l.t("Månad", "Month").into(),
            x_labels: months,
            series: vec![
                chart::Series::new(label(treated, "treated_areas"), series("treated")),
                chart::Series::new(label(control, "control_areas"), series("control")),
                chart::Series::new(label(buffer, "buffer_areas"), series("buffer")),
            ],
            lang: trygg_report::Lang::Sv,
        }),
        _ => return Err(PageError::not_found(l)),
    }
    .map_err(|e| PageError::bad_request(l, e.to_string()))?;
    Ok(png(image.png))
}
