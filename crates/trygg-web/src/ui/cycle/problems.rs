//! Problems (*problembilder*) and their cause analyses: `/problem`, `/problem/ny` (pre-filled
//! from the query string: a hot spot on the lägesbild, or `?alert=KEY` for an emerging-problem
//! alert), `/problem/{id}` (live size, trend, map, status and owners, analysis, interventions)
//! and `/problem/{id}/analys`.

use super::super::layout::{Saved, saved};
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use trygg_app::Stored;
use trygg_domain::{
    AreaId, IncidentId, OrganisationId, User, Visibility,
    cause::CauseFactor,
    cycle::{
        CauseAnalysis, Evidence, Hypothesis, HypothesisStatus, Intervention, InterventionStatus,
        Meeting, Origin, OriginKind, Perspectives, Problem, ProblemDefinition, ProblemStatus,
        Triangle,
    },
};
use trygg_report::chart;

use super::{
    Fields, FormError, Names, area_picker, category_label, category_picker, chosen_visibility,
    date_opt, date_req, ids, invalid, notice, org_picker, png, require, visibility_picker,
    {all, load},
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

const ORIGINS: [(OriginKind, &str, &str); 4] = [
    (OriginKind::HotSpot, "hot_spot", "Hot spot"),
    (
        OriginKind::EmergingAlert,
        "emerging_alert",
        "Emerging-problem alert",
    ),
    (OriginKind::Report, "report", "Report"),
    (OriginKind::Decision, "decision", "Decision"),
];

const STATUSES: [(ProblemStatus, &str); 4] = [
    (ProblemStatus::Draft, "draft"),
    (ProblemStatus::Active, "active"),
    (ProblemStatus::Addressed, "addressed"),
    (ProblemStatus::Closed, "closed"),
];

pub(super) fn status_label(l: Lang, s: ProblemStatus) -> &'static str {
    l.t(s.label_sv(), s.label_en())
}

fn origin_label(l: Lang, o: OriginKind) -> &'static str {
    let en = ORIGINS.iter().find(|x| x.0 == o).map_or("", |x| x.2);
    l.t(o.label_sv(), en)
}

// ---------------------------------------------------------------------------------------------
// List
// ---------------------------------------------------------------------------------------------

/// `GET /problem`.
pub(crate) async fn list(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let names = Names::load(&state, &me.user, l).await?;
    let mut problems = all::<Problem>(&state, &me).await?;
    problems.sort_by_key(|p| {
        (
            p.data.status == ProblemStatus::Closed,
            std::cmp::Reverse(p.meta.updated_at),
        )
    });
    Ok(layout(
        &me.ctx,
        l.t("Problem", "Problems"),
        html! {
            h1 { (l.t("Problembilder", "Problems")) }
            p { a.button.primary href="/problem/ny" { (l.t("Nytt problem", "New problem")) } }
            @if problems.is_empty() {
                p { (l.t("Inga problem ännu. Börja från lägesbildens hot spots eller ett larm på startsidan.", "No problems yet. Start from a hot spot on the situation picture or an alert on the start page.")) }
            } @else {
                div.scroll { table.list {
                    thead { tr {
                        th { (l.t("Problem", "Problem")) } th { (l.t("Status", "Status")) }
                        th { (l.t("Kategorier", "Categories")) } th { (l.t("Plats", "Place")) }
                        th { (l.t("Ägare", "Owners")) }
                    } }
                    tbody { @for p in &problems { tr {
                        td { a href={ "/problem/" (p.meta.id) } { (p.data.title) } }
                        td { span.tag { (status_label(l, p.data.status)) } }
                        td { (p.data.definition.categories.iter().map(|c| category_label(l, c)).collect::<Vec<_>>().join(", ")) }
                        td { @if p.data.definition.polygon.is_some() { (l.t("Ritad yta", "Drawn polygon")) } @else { (names.areas(&p.data.definition.areas)) } }
                        td { (names.orgs(&p.data.owners)) }
                    } } }
                } }
            }
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// New problem
// ---------------------------------------------------------------------------------------------

fn problem_fields(p: &Problem) -> Fields {
    let mut f = Fields::default();
    f.push("title", &p.title);
    f.push("description", &p.description);
    for c in &p.definition.categories {
        f.push("category", c);
    }
    for a in &p.definition.areas {
        f.push("area", a.0);
    }
    f.push("from", p.definition.from);
    if let Some(to) = p.definition.to {
        f.push("to", to);
    }
    if let Some(o) = ORIGINS.iter().find(|o| o.0 == p.origin.kind) {
        f.push("origin", o.1);
    }
    f.push("ref", p.origin.reference.as_deref().unwrap_or(""));
    if let Some(s) = STATUSES.iter().find(|s| s.0 == p.status) {
        f.push("status", s.1);
    }
    for o in &p.owners {
        f.push("owner", o.0);
    }
    f
}

fn parse_problem(l: Lang, f: &Fields) -> Result<Problem, FormError> {
    let origin = ORIGINS
        .iter()
        .find(|o| o.1 == f.get("origin"))
        .map_or(OriginKind::Report, |o| o.0);
    let status = STATUSES
        .iter()
        .find(|s| s.1 == f.get("status"))
        .map_or(ProblemStatus::Draft, |s| s.0);
    let reference = Some(f.get("ref").to_string()).filter(|r| !r.is_empty());
    Ok(Problem {
        title: f.get("title").to_string(),
        description: f.get("description").to_string(),
        definition: ProblemDefinition {
            categories: f.all("category").into_iter().map(str::to_string).collect(),
            areas: ids(l, f.all("area"), AreaId)?,
            polygon: None,
            from: date_req(l, f, "from", l.t("Från", "From"))?,
            to: date_opt(l, f, "to", l.t("Till", "To"))?,
        },
        origin: Origin {
            kind: origin,
            reference,
        },
        status,
        owners: ids(l, f.all("owner"), OrganisationId)?,
    })
}

fn problem_form(
    me: &SignedIn,
    names: &Names,
    f: &Fields,
    error: Option<&FormError>,
    hint: Option<Markup>,
) -> Markup {
    let l = me.ctx.lang;
    layout(
        &me.ctx,
        l.t("Nytt problem", "New problem"),
        html! {
            h1 { (l.t("Nytt problem", "New problem")) }
            (notice(error))
            @if let Some(h) = hint { div.notice.info { (h) } }
            form #problem-form .card.grid method="post" action="/problem/ny" {
                (me.ctx.csrf_field())
                label { (l.t("Rubrik", "Title")) input type="text" name="title" maxlength="200" value=(f.get("title")) required; }
                label { (l.t("Beskrivning", "Description"))
                    textarea name="description" rows="4" { (f.get("description")) }
                    span.hint { (l.t("Inga namn eller personnummer: den gemensamma lägesbilden har inga personuppgifter.", "No names or personal identity numbers: the shared picture holds no personal data.")) }
                }
                fieldset { legend { (l.t("Kategorier", "Categories")) }
                    span.hint { (l.t("Problemets storlek räknas alltid fram ur händelserna i de valda kategorierna, platsen och perioden.", "The problem's size is always computed from the incidents in the chosen categories, place and period.")) }
                    (category_picker(l, f))
                }
                fieldset { legend { (l.t("Plats (områden)", "Place (areas)")) }
                    (area_picker(names, "area", f))
                }
                div.two {
                    label { (l.t("Från", "From")) input type="date" name="from" value=(f.get("from")) required; }
                    label { (l.t("Till (ej inkl., tomt = pågår)", "To (exclusive, empty = ongoing)")) input type="date" name="to" value=(f.get("to")); }
                }
                div.two {
                    label { (l.t("Ursprung", "Origin"))
                        select name="origin" {
                            @for (k, code, _) in ORIGINS {
                                option value=(code) selected[f.get("origin") == code] { (origin_label(l, k)) }
                            }
                        }
                    }
                    label { (l.t("Referens (plats, larm, beslut)", "Reference (place, alert, decision)")) input type="text" name="ref" maxlength="200" value=(f.get("ref")); }
                }
                label { (l.t("Status", "Status"))
                    select name="status" {
                        @for (s, code) in STATUSES {
                            option value=(code) selected[f.get("status") == code] { (status_label(l, s)) }
                        }
                    }
                }
                fieldset { legend { (l.t("Ägande parter", "Owning parties")) } (org_picker(names, "owner", f)) }
                (visibility_picker(l, f))
                button.primary type="submit" { (l.t("Spara problemet", "Save the problem")) }
            }
            script src="/assets/pick.js" defer {}
        },
    )
}

/// `GET /problem/ny`: the form, pre-filled from the query (`title`, `category`, `area`,
/// `from`, `to`, `origin`, `ref`), or from an alert (`alert=KEY`).
pub(crate) async fn new_form(
    State(state): State<AppState>,
    me: SignedIn,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let names = Names::load(&state, &me.user, l).await?;
    let q = Fields(q);
    let mut f = if q.get("alert").is_empty() {
        q.clone()
    } else {
        let p = cycle::alert_problem(&state, &me.user, q.get("alert"))
            .await
            .map_err(|e| PageError::from_app(l, e))?;
        problem_fields(&p)
    };
    if f.get("from").is_empty() {
        let year_ago = state.today().checked_sub(jiff::Span::new().years(1)).ok();
        if let Some(d) = year_ago {
            f.push("from", d);
        }
    }
    if f.all("owner").is_empty() {
        f.push("owner", me.user.organisation_id.0);
    }
    if f.get("title").is_empty() {
        let cats: Vec<String> = f
            .all("category")
            .iter()
            .map(|c| category_label(l, c))
            .collect();
        let areas: Vec<String> = ids(l, f.all("area"), AreaId)
            .unwrap_or_default()
            .iter()
            .map(|a| names.area(*a).trim_end_matches(" (ungefärlig)").to_string())
            .collect();
        if !cats.is_empty() && !areas.is_empty() {
            // "Skadegörelse och otrygghetsskapande samling av personer i Gottsunda".
            let and = format!(" {} ", l.t("och", "and"));
            let what = cats
                .iter()
                .enumerate()
                .map(|(k, c)| if k == 0 { c.clone() } else { c.to_lowercase() })
                .collect::<Vec<_>>()
                .join(&and);
            let t = format!("{what} {} {}", l.t("i", "in"), areas.join(&and));
            f.push("title", t);
        }
    }
    let hint = (!q.get("origin").is_empty() || !q.get("alert").is_empty()).then(|| {
        html! { (l.t("Formuläret är ifyllt från lägesbilden eller larmet. Kontrollera och spara.", "The form is filled in from the situation picture or the alert. Check it and save.")) }
    });
    Ok(problem_form(&me, &names, &f, None, hint).into_response())
}

/// `POST /problem/ny`.
pub(crate) async fn create(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&me)?;
    let f = Fields(form);
    let l = me.ctx.lang;
    let result = match parse_problem(l, &f) {
        Ok(p) => match cycle::save_problem(&state, &me.user, None, chosen_visibility(&f), &p).await
        {
            Ok(s) => {
                return Ok(
                    Redirect::to(&saved(&format!("/problem/{}", s.meta.id), Saved::Any))
                        .into_response(),
                );
            }
            Err(e) => FormError::from_app(l, e)?,
        },
        Err(e) => e,
    };
    let names = Names::load(&state, &me.user, l).await?;
    Ok(invalid(problem_form(&me, &names, &f, Some(&result), None)))
}

// ---------------------------------------------------------------------------------------------
// The problem page
// ---------------------------------------------------------------------------------------------

/// The dashboard's query for a problem's definition (its map).
fn dashboard_query(p: &ProblemDefinition, today: jiff::civil::Date) -> String {
    let mut q: Vec<String> = p
        .categories
        .iter()
        .map(|c| format!("category={}", super::super::extract::urlencode(c)))
        .collect();
    q.extend(p.areas.iter().map(|a| format!("area={}", a.0)));
    q.push(format!("from={}", p.from));
    q.push(format!(
        "to={}",
        p.to.unwrap_or_else(|| today.tomorrow().unwrap_or(today))
    ));
    q.join("&")
}

/// `GET /problem/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let p = load::<Problem>(&state, &me, id).await?;
    let names = Names::load(&state, &me.user, l).await?;
    let size = cycle::problem_size(&state, &me.user, &p.data.definition);
    let surveys = trygg_app::indicators::surveys_of(&state, &me.user, &p.data.definition.areas)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let analysis = cycle::find_analysis(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let interventions: Vec<Stored<Intervention>> = all::<Intervention>(&state, &me)
        .await?
        .into_iter()
        .filter(|i| {
            i.data
                .problem_ids
                .contains(&trygg_domain::cycle::Id::new(id))
        })
        .collect();
    let d = &p.data.definition;
    let today = state.today();
    let f = problem_fields(&p.data);
    let monthly = size["monthly"].as_array().cloned().unwrap_or_default();
    Ok(layout(
        &me.ctx,
        &p.data.title,
        html! {
            p.crumbs { a href="/problem" { (l.t("Problem", "Problems")) } " › #" (id) }
            h1 { (p.data.title) }
            p { span.tag { (status_label(l, p.data.status)) } " " (origin_label(l, p.data.origin.kind))
                @if let Some(r) = &p.data.origin.reference { ": " (r) } }
            @if !p.data.description.is_empty() { p { (p.data.description) } }
            div.cycle-grid {
                section.card #size {
                    h2 { (l.t("Storlek (räknad ur händelserna)", "Size (computed from the incidents)")) }
                    p.big-number #baseline data-count=(size["count"]) { (size["count"]) }
                    p.hint {
                        (l.t("händelser", "incidents")) " " (d.from) " – " (size["period"]["to"].as_str().unwrap_or(""))
                        ": " (d.categories.iter().map(|c| category_label(l, c)).collect::<Vec<_>>().join(", "))
                        " " (l.t("i", "in")) " " (names.areas(&d.areas)) "."
                    }
                    @if monthly.len() >= 2 {
                        img.chart src={ "/problem/" (id) "/trend.png" } alt=(l.t("Antal händelser per månad", "Incidents per month"));
                    }
                    p { a href={ "/lagesbild?" (dashboard_query(d, today)) "&layers=omraden,punkter" } { (l.t("Öppna i lägesbilden", "Open in the situation picture")) } }
                    @if !surveys.is_empty() {
                        h3 { (l.t("Enkäter i området", "Surveys in the area")) }
                        (super::survey_table(l, &surveys))
                        p.hint { (l.t("Trygghetsmätningar och enkäter för problemets områden, med konfidensintervall och antal svarande.", "Safety surveys of the problem's areas, with confidence intervals and respondents.")) }
                    }
                }
                section.card {
                    h2 { (l.t("Karta", "Map")) }
                    img.chart src={ "/api/v1/lagesbild/map.png?" (dashboard_query(d, today)) } alt=(l.t("Karta över problemets händelser", "Map of the problem's incidents"));
                }
            }
            section.card #owners {
                h2 { (l.t("Status och ägare", "Status and owners")) }
                form.grid method="post" action={ "/problem/" (id) } {
                    (me.ctx.csrf_field())
                    input type="hidden" name="version" value=(p.meta.version);
                    label { (l.t("Status", "Status"))
                        select name="status" {
                            @for (s, code) in STATUSES {
                                option value=(code) selected[p.data.status == s] { (status_label(l, s)) }
                            }
                        }
                    }
                    fieldset { legend { (l.t("Ägande parter", "Owning parties")) } (org_picker(&names, "owner", &f)) }
                    button type="submit" { (l.t("Spara", "Save")) }
                }
            }
            section.card #analys {
                h2 { (l.t("Orsaksanalys", "Cause analysis")) }
                @match &analysis {
                    Some(a) => { (analysis_view(l, &a.data)) }
                    None => { p { (l.t("Ingen orsaksanalys ännu.", "No cause analysis yet.")) } }
                }
                p { a.button href={ "/problem/" (id) "/analys" } {
                    @if analysis.is_some() { (l.t("Ändra orsaksanalysen", "Edit the cause analysis")) } @else { (l.t("Skriv orsaksanalysen", "Write the cause analysis")) }
                } }
            }
            section.card #insatser {
                h2 { (l.t("Insatser", "Interventions")) }
                @if interventions.is_empty() { p { (l.t("Inga insatser ännu.", "No interventions yet.")) } }
                ul { @for i in &interventions {
                    li { a href={ "/insatser/" (i.meta.id) } { (i.data.title) } " · " (super::interventions::status_label(l, i.data.status))
                        " · " a href={ "/insatser/" (i.meta.id) "/uppfoljning" } { (l.t("uppföljning", "follow-up")) } }
                } }
                p { a.button href={ "/insatser/ny?problem=" (id) } { (l.t("Ny insats mot problemet", "New intervention against the problem")) } }
            }
        },
    ))
}

/// `POST /problem/{id}`: status and owners.
pub(crate) async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&me)?;
    let f = Fields(form);
    let l = me.ctx.lang;
    let stored = load::<Problem>(&state, &me, id).await?;
    let mut p = stored.data;
    if let Some(s) = STATUSES.iter().find(|s| s.1 == f.get("status")) {
        p.status = s.0;
    }
    p.owners =
        ids(l, f.all("owner"), OrganisationId).map_err(|e| PageError::bad_request(l, e.0))?;
    let version: i64 = f.get("version").parse().unwrap_or(0);
    match cycle::save_problem(
        &state,
        &me.user,
        Some((id, version)),
        Visibility::Shared,
        &p,
    )
    .await
    {
        Ok(_) => {
            Ok(Redirect::to(&saved(&format!("/problem/{id}#owners"), Saved::Any)).into_response())
        }
        Err(e) => Err(PageError::from_app(l, e)),
    }
}

/// `GET /problem/{id}/trend.png`: incidents per month in the problem's definition.
pub(crate) async fn trend_png(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let p = load::<Problem>(&state, &me, id).await?;
    let size = cycle::problem_size(&state, &me.user, &p.data.definition);
    let rows = size["monthly"].as_array().cloned().unwrap_or_default();
    let chart = chart::LineChart {
        title: p.data.title.clone(),
        y_label: l.t("Händelser", "Incidents").into(),
        x_label: l.t("Månad", "Month").into(),
        x_labels: rows
            .iter()
            .map(|r| r["month"].as_str().unwrap_or("").to_string())
            .collect(),
        series: vec![chart::Series::new(
            l.t("Händelser per månad", "Incidents per month"),
            rows.iter()
                .map(|r| r["count"].as_f64().unwrap_or(0.0))
                .collect(),
        )],
        lang: trygg_report::Lang::Sv,
    };
    let image = chart::line(&chart).map_err(|e| PageError::bad_request(l, e.to_string()))?;
    Ok(png(image.png))
}

// ---------------------------------------------------------------------------------------------
// Cause analysis
// ---------------------------------------------------------------------------------------------

const TRIANGLE: [(&str, &str, &str, &str); 6] = [
    (
        "offender",
        "Gärningsperson",
        "Offender",
        "Vilka, när, varför här?",
    ),
    (
        "target",
        "Mål/offer",
        "Target/victim",
        "Vad eller vem drabbas?",
    ),
    ("place", "Plats", "Place", "Vad gör platsen sårbar?"),
    (
        "handler",
        "Den med inflytande över gärningspersonen",
        "Handler",
        "Föräldrar, fritidsledare …",
    ),
    (
        "guardian",
        "Skyddare av målet",
        "Guardian",
        "Vem kan skydda målet?",
    ),
    (
        "manager",
        "Platsansvarig",
        "Place manager",
        "Fastighetsägare, förvaltare …",
    ),
];

const PERSPECTIVES: [(&str, &str, &str); 3] = [
    (
        "situational",
        "Situationellt perspektiv",
        "Situational perspective",
    ),
    ("victim", "Offerperspektiv", "Victim perspective"),
    (
        "offender",
        "Gärningspersonsperspektiv",
        "Offender perspective",
    ),
];

fn triangle_value<'a>(t: &'a Triangle, k: &str) -> &'a str {
    match k {
        "offender" => &t.offender,
        "target" => &t.target,
        "place" => &t.place,
        "handler" => &t.handler,
        "guardian" => &t.guardian,
        _ => &t.manager,
    }
}

fn perspective_value<'a>(p: &'a Perspectives, k: &str) -> &'a str {
    match k {
        "situational" => &p.situational,
        "victim" => &p.victim,
        _ => &p.offender,
    }
}

/// One line per piece of evidence: `#12 #40` incidents, a link (optionally `name | https://…`),
/// or a figure in words.
fn evidence_text(e: &[Evidence]) -> String {
    e.iter()
        .map(|e| match e {
            Evidence::Incidents { ids } => ids
                .iter()
                .map(|i| format!("#{}", i.0))
                .collect::<Vec<_>>()
                .join(" "),
            Evidence::Figure { text } => text.clone(),
            Evidence::Attachment { name, url: Some(u) } => format!("{name} | {u}"),
            Evidence::Attachment { name, url: None } => format!("{name} |"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_evidence(text: &str) -> Vec<Evidence> {
    text.lines()
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|line| {
            let tokens: Vec<&str> = line
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .collect();
            let incidents: Option<Vec<IncidentId>> = tokens
                .iter()
                .map(|t| {
                    t.strip_prefix('#')
                        .and_then(|n| n.parse().ok())
                        .map(IncidentId)
                })
                .collect();
            match (incidents, line.split_once('|')) {
                (Some(ids), _) => Evidence::Incidents { ids },
                (None, Some((name, url))) => Evidence::Attachment {
                    name: name.trim().to_string(),
                    url: Some(url.trim().to_string()).filter(|u| !u.is_empty()),
                },
                (None, None) if trygg_domain::text::is_safe_url(line) => Evidence::Attachment {
                    name: line.to_string(),
                    url: Some(line.to_string()),
                },
                (None, None) => Evidence::Figure {
                    text: line.to_string(),
                },
            }
        })
        .collect()
}

fn analysis_fields(a: &CauseAnalysis) -> Fields {
    let mut f = Fields::default();
    for (k, ..) in TRIANGLE {
        f.push(k, triangle_value(&a.triangle, k));
    }
    for (k, ..) in PERSPECTIVES {
        f.push(format!("p_{k}"), perspective_value(&a.perspectives, k));
    }
    for h in &a.hypotheses {
        f.push("h_key", &h.key);
        f.push("h_text", &h.text);
        f.push("h_evidence", evidence_text(&h.evidence));
        f.push("h_factor", h.factor.map_or("", CauseFactor::as_str));
        f.push("h_status", h.status.as_str());
    }
    f.push("conclusion", &a.conclusion);
    f
}

fn parse_analysis(problem_id: i64, f: &Fields) -> CauseAnalysis {
    let (keys, texts, evidence) = (f.all("h_key"), f.all("h_text"), f.all("h_evidence"));
    let (factors, statuses) = (f.all("h_factor"), f.all("h_status"));
    let hypotheses = keys
        .iter()
        .enumerate()
        .filter_map(|(k, key)| {
            let text = texts.get(k).copied().unwrap_or("");
            let ev = evidence.get(k).copied().unwrap_or("");
            if key.is_empty() && text.is_empty() && ev.is_empty() {
                return None;
            }
            Some(Hypothesis {
                key: if key.is_empty() {
                    format!("H{}", k + 1)
                } else {
                    key.to_string()
                },
                text: text.to_string(),
                evidence: parse_evidence(ev),
                factor: factors.get(k).and_then(|x| CauseFactor::parse(x)),
                status: statuses
                    .get(k)
                    .and_then(|x| HypothesisStatus::parse(x))
                    .unwrap_or_default(),
            })
        })
        .collect();
    let t = |k| f.get(k).to_string();
    CauseAnalysis {
        problem_id: trygg_domain::cycle::Id::new(problem_id),
        triangle: Triangle {
            offender: t("offender"),
            target: t("target"),
            place: t("place"),
            handler: t("handler"),
            guardian: t("guardian"),
            manager: t("manager"),
        },
        perspectives: Perspectives {
            situational: t("p_situational"),
            victim: t("p_victim"),
            offender: t("p_offender"),
        },
        hypotheses,
        conclusion: t("conclusion"),
    }
}

/// The analysis, read-only.
pub(super) fn analysis_view(l: Lang, a: &CauseAnalysis) -> Markup {
    html! {
        h3 { (l.t("Problemanalystriangeln", "Problem analysis triangle")) }
        dl { @for (k, sv, en, _) in TRIANGLE {
            @let v = triangle_value(&a.triangle, k);
            @if !v.is_empty() { dt { (l.t(sv, en)) } dd { (v) } }
        } }
        h3 { (l.t("Tre perspektiv (Brå)", "Three perspectives (Brå)")) }
        dl { @for (k, sv, en) in PERSPECTIVES {
            @let v = perspective_value(&a.perspectives, k);
            @if !v.is_empty() { dt { (l.t(sv, en)) } dd { (v) } }
        } }
        @if !a.hypotheses.is_empty() {
            h3 { (l.t("Hypoteser", "Hypotheses")) }
            ul.hypotheses { @for h in &a.hypotheses { li {
                strong { (h.key) } " " (h.text)
                " " span.tag { (l.t(h.status.label_sv(), h.status.label_en())) }
                @if let Some(c) = h.factor { " " span.tag { (l.t(c.label_sv(), c.label_en())) } }
                @if !h.evidence.is_empty() { ul { @for e in &h.evidence { li { @match e {
                    Evidence::Incidents { ids } => {
                        (l.t("Händelser", "Incidents")) ": "
                        @for i in ids { a href={ "/handelser/" (i.0) } { "#" (i.0) } " " }
                    }
                    Evidence::Figure { text } => { (text) }
                    Evidence::Attachment { name, url: Some(u) } if trygg_domain::text::is_safe_url(u) => { a href=(u) rel="noopener" { (name) } }
                    Evidence::Attachment { name, url } => { (name) @if let Some(u) = url { " (" (u) ")" } }
                } } } } }
            } } }
        }
        @if !a.conclusion.is_empty() {
            h3 { (l.t("Slutsats", "Conclusion")) }
            p { (a.conclusion) }
        }
    }
}

fn analysis_page(
    me: &SignedIn,
    p: &Stored<Problem>,
    version: i64,
    f: &Fields,
    error: Option<&FormError>,
) -> Markup {
    let l = me.ctx.lang;
    let id = p.meta.id;
    let mut rows: Vec<[&str; 5]> = {
        let (k, t, e) = (f.all("h_key"), f.all("h_text"), f.all("h_evidence"));
        let (fa, st) = (f.all("h_factor"), f.all("h_status"));
        (0..k.len())
            .map(|i| {
                [
                    k[i],
                    t.get(i).copied().unwrap_or(""),
                    e.get(i).copied().unwrap_or(""),
                    fa.get(i).copied().unwrap_or(""),
                    st.get(i).copied().unwrap_or(""),
                ]
            })
            .filter(|r| !(r[0].is_empty() && r[1].is_empty() && r[2].is_empty()))
            .collect()
    };
    let blank = 2.max(3usize.saturating_sub(rows.len()));
    rows.extend(std::iter::repeat_n(["", "", "", "", ""], blank));
    layout(
        &me.ctx,
        l.t("Orsaksanalys", "Cause analysis"),
        html! {
            p.crumbs { a href="/problem" { (l.t("Problem", "Problems")) } " › " a href={ "/problem/" (id) } { (p.data.title) } }
            h1 { (l.t("Orsaksanalys", "Cause analysis")) }
            (notice(error))
            form #analysis-form .card.grid method="post" action={ "/problem/" (id) "/analys" } {
                (me.ctx.csrf_field())
                input type="hidden" name="version" value=(version);
                fieldset { legend { (l.t("Problemanalystriangeln", "Problem analysis triangle")) }
                    div.two { @for (k, sv, en, hint) in TRIANGLE {
                        label { (l.t(sv, en)) textarea name=(k) rows="2" placeholder=(hint) { (f.get(k)) } }
                    } }
                }
                fieldset { legend { (l.t("Tre perspektiv (Brå)", "Three perspectives (Brå)")) }
                    @for (k, sv, en) in PERSPECTIVES {
                        @let name = format!("p_{k}");
                        label { (l.t(sv, en)) textarea name=(name) rows="2" { (f.get(&name)) } }
                    }
                }
                fieldset { legend { (l.t("Hypoteser med belägg", "Hypotheses with evidence")) }
                    span.hint { (l.t("Belägg, ett per rad: händelser som #12 #40, en länk (namn | https://…), eller en siffra i ord.", "Evidence, one per line: incidents as #12 #40, a link (name | https://…), or a figure in words.")) }
                    span.hint { (l.t("Ange var orsaken ligger i problemtriangeln och om beläggen styrker den: åtgärdsplanen varnar när en åtgärd inte verkar där en styrkt orsak ligger.", "Say where on the triangle the cause lies and whether the evidence supports it: the action plan warns when a measure does not work where a supported cause lies.")) }
                    @for (n, [k, t, e, fa, st]) in rows.iter().enumerate() {
                        div.hypothesis {
                            label.key { (l.t("Nyckel", "Key")) input type="text" name="h_key" maxlength="20" value=(k) placeholder={ "H" (n + 1) }; }
                            label { (l.t("Hypotes", "Hypothesis")) textarea name="h_text" rows="2" { (t) } }
                            label { (l.t("Belägg", "Evidence")) textarea name="h_evidence" rows="2" { (e) } }
                            label { (l.t("Orsaken ligger hos", "The cause lies with"))
                                select name="h_factor" {
                                    option value="" selected[fa.is_empty()] { (l.t("– inte angivet –", "– not given –")) }
                                    @for c in CauseFactor::ALL {
                                        option value=(c.as_str()) selected[*fa == c.as_str()] { (l.t(c.label_sv(), c.label_en())) }
                                    }
                                }
                            }
                            label { (l.t("Bedömning", "Judgement"))
                                select name="h_status" {
                                    @for x in HypothesisStatus::ALL {
                                        option value=(x.as_str()) selected[*st == x.as_str() || (st.is_empty() && x == HypothesisStatus::Open)] { (l.t(x.label_sv(), x.label_en())) }
                                    }
                                }
                            }
                        }
                    }
                }
                label { (l.t("Slutsats", "Conclusion")) textarea name="conclusion" rows="3" { (f.get("conclusion")) } }
                button.primary type="submit" { (l.t("Spara orsaksanalysen", "Save the cause analysis")) }
            }
        },
    )
}

/// `GET /problem/{id}/analys`.
pub(crate) async fn analysis_form(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    require(&me)?;
    let l = me.ctx.lang;
    let p = load::<Problem>(&state, &me, id).await?;
    let existing = cycle::find_analysis(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let (version, f) = existing.map_or((0, Fields::default()), |a| {
        (a.meta.version, analysis_fields(&a.data))
    });
    Ok(analysis_page(&me, &p, version, &f, None))
}

/// `POST /problem/{id}/analys`.
pub(crate) async fn save_analysis(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    require(&me)?;
    let f = Fields(form);
    let l = me.ctx.lang;
    let p = load::<Problem>(&state, &me, id).await?;
    let version: i64 = f.get("version").parse().unwrap_or(0);
    let analysis = parse_analysis(id, &f);
    match cycle::save_analysis(&state, &me.user, version, &analysis).await {
        Ok(_) => {
            Ok(Redirect::to(&saved(&format!("/problem/{id}#analys"), Saved::Any)).into_response())
        }
        Err(e) => {
            let e = FormError::from_app(l, e)?;
            Ok(invalid(analysis_page(&me, &p, version, &f, Some(&e))))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Start page
// ---------------------------------------------------------------------------------------------

/// The start page's cards for the cycle: open problems, ongoing interventions, the latest
/// meeting and its open actions. Empty for users outside the cycle roles.
pub async fn start_cards(state: &AppState, user: &User, l: Lang) -> Markup {
    if !trygg_domain::policy::allows(&user.roles, trygg_domain::Permission::ReadCycle) {
        return html! {};
    }
    let who: trygg_app::Principal = user.clone().into();
    let open = cycle::read_all::<Problem>(state, &who)
        .await
        .map(|v| {
            v.iter()
                .filter(|p| p.data.status != ProblemStatus::Closed)
                .count()
        })
        .unwrap_or(0);
    let ongoing = cycle::read_all::<Intervention>(state, &who)
        .await
        .map(|v| {
            v.iter()
                .filter(|i| {
                    matches!(
                        i.data.status,
                        InterventionStatus::Ongoing | InterventionStatus::Planned
                    )
                })
                .count()
        })
        .unwrap_or(0);
    let latest = cycle::read_all::<Meeting>(state, &who)
        .await
        .ok()
        .and_then(|v| v.into_iter().max_by_key(|m| (m.data.date, m.meta.id)));
    let today = state.today();
    // "1 öppen problembild", "2 öppna problembilder".
    let count = |n: usize, one: (&str, &str), many: (&str, &str)| {
        let (sv, en) = if n == 1 { one } else { many };
        format!("{n} {}", l.t(sv, en))
    };
    html! {
        div.cards #cycle-cards {
            a.card.action href="/problem" {
                h2 { (l.t("Problem", "Problems")) }
                p { (count(open, ("öppen problembild", "open problem"), ("öppna problembilder", "open problems"))) "." }
            }
            a.card.action href="/insatser" {
                h2 { (l.t("Insatser", "Interventions")) }
                p { (count(ongoing, ("planerad eller pågående insats", "planned or ongoing intervention"), ("planerade eller pågående insatser", "planned or ongoing interventions"))) "." }
            }
            @match &latest {
                Some(m) => {
                    @let open_actions = m.data.actions.iter().filter(|a| a.status == trygg_domain::cycle::ActionStatus::Open).count();
                    @let due = next_meeting(m.data.date, today);
                    a.card.action href=(if due == today { "/moten/ny".to_string() } else { format!("/moten/{}", m.meta.id) }) {
                        h2 { (l.t("EST-möte", "EST meeting")) }
                        p { (l.t("Senaste", "Latest")) " " (m.data.date) ", "
                            (count(open_actions, ("öppen åtgärd", "open action"), ("öppna åtgärder", "open actions"))) ". "
                            @if due == today {
                                strong { (l.t("Veckans möte är i dag", "This week's meeting is due today")) }
                                "."
                            } @else {
                                (l.t("Nästa möte: ", "Next meeting: ")) (due) "."
                            }
                        }
                    }
                }
                None => {
                    a.card.action href="/moten/ny" {
                        h2 { (l.t("EST-möte", "EST meeting")) }
                        p { (l.t("Inget möte ännu: börja veckans möte.", "No meeting yet: start this week's meeting.")) }
                    }
                }
            }
        }
    }
}

/// The weekly EST meeting after one held on `last`: a week later, or today when that day has
/// passed without a meeting.
fn next_meeting(last: jiff::civil::Date, today: jiff::civil::Date) -> jiff::civil::Date {
    let week = last.checked_add(jiff::Span::new().days(7)).unwrap_or(last);
    week.max(today)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::next_meeting;

    #[test]
    fn the_next_meeting_is_a_week_on_or_today_when_overdue() {
        let monday = date(2026, 11, 16);
        assert_eq!(next_meeting(monday, date(2026, 11, 18)), date(2026, 11, 23));
        assert_eq!(next_meeting(monday, date(2026, 11, 23)), date(2026, 11, 23));
        assert_eq!(next_meeting(monday, date(2026, 11, 25)), date(2026, 11, 25));
        assert_eq!(next_meeting(monday, monday), date(2026, 11, 23));
    }
}
