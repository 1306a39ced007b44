//! The knowledge-based cycle as pages: problems (with the cause analysis), interventions (with
//! the follow-up) and the weekly EST meetings, for those the policy lets read the cycle (`Permission::ReadCycle`); each write is checked by
//! its use case in `trygg_app::cycle`.
//!
//! The pages are plain forms posting with the session's CSRF token. They parse the form into the
//! domain type and write through the same use cases as the JSON API (`trygg_app::cycle`), so
//! validation, area checks, carry-over and audit are the API's. A form with bad input is shown
//! again with what was typed and a message saying what to fix; nothing is stored.

mod interventions;
mod meetings;
mod problems;

use axum::{
    Router,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use jiff::civil::Date;
use maud::{Markup, html};
use trygg_domain::{Area, AreaId, AreaKind, Organisation, OrganisationId, Taxonomy, Visibility};

use super::{
    Lang,
    extract::{PageError, SignedIn},
    form::Fields,
};
use crate::AppState;
use trygg_app::{Principal, Stored};

pub use problems::start_cards;

/// The cycle's pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/problem", get(problems::list))
        .route(
            "/problem/ny",
            get(problems::new_form).post(problems::create),
        )
        .route("/problem/{id}", get(problems::show).post(problems::update))
        .route("/problem/{id}/trend.png", get(problems::trend_png))
        .route(
            "/problem/{id}/analys",
            get(problems::analysis_form).post(problems::save_analysis),
        )
        .route("/insatser", get(interventions::list))
        .route(
            "/insatser/ny",
            get(interventions::new_form).post(interventions::create),
        )
        .route(
            "/insatser/kontrollforslag",
            get(interventions::control_suggestions),
        )
        .route("/insatser/{id}", get(interventions::show))
        .route(
            "/insatser/{id}/andra",
            get(interventions::edit_form).post(interventions::update),
        )
        .route(
            "/insatser/{id}/uppfoljning",
            get(interventions::follow_up).post(interventions::approve),
        )
        .route(
            "/insatser/{id}/uppfoljning/{chart}",
            get(interventions::chart_png),
        )
        .route("/moten", get(meetings::list))
        .route("/moten/ny", get(meetings::new_form).post(meetings::create))
        .route("/moten/lagesbild", get(meetings::briefing_fragment))
        .route("/moten/{id}", get(meetings::show))
        .route("/moten/{id}/atgard", post(meetings::set_action))
}

/// Signed in with a role that reads the cycle, or 403 (the use cases check each write).
fn require(me: &SignedIn) -> Result<(), PageError> {
    me.check(trygg_domain::Permission::ReadCycle)
}

/// A message saying what to fix in a form, from the parsing or from the API's validation.
struct FormError(String);

impl FormError {
    /// A use case's refusal: a message on the form when the input needs fixing, else a page
    /// (not found, not allowed, our fault).
    fn from_app(l: Lang, e: trygg_app::AppError) -> Result<Self, PageError> {
        use trygg_app::AppError as A;
        match e {
            A::Invalid(_) | A::BadParameter { .. } | A::Conflict(_) | A::ImportFailed(_) => {
                Ok(FormError(e.to_string()))
            }
            other => Err(PageError::from_app(l, other)),
        }
    }
}

/// The form shown again with its message: 422, nothing stored.
fn invalid(page: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn notice(error: Option<&FormError>) -> Markup {
    html! {
        @if let Some(e) = error {
            div.notice.error role="alert" { (e.0) }
        }
    }
}

/// A date from a form field; `None` when empty.
fn date_opt(l: Lang, f: &Fields, k: &str, label: &str) -> Result<Option<Date>, FormError> {
    let v = f.get(k);
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| {
        FormError(format!(
            "{label}: {v:?} {}",
            l.t(
                "är inget datum; skriv det som 2024-05-06.",
                "is not a date; write it as 2024-05-06."
            )
        ))
    })
}

fn date_req(l: Lang, f: &Fields, k: &str, label: &str) -> Result<Date, FormError> {
    date_opt(l, f, k, label)?.ok_or_else(|| {
        FormError(format!(
            "{label}: {}",
            l.t("ange ett datum.", "give a date.")
        ))
    })
}

/// A number of hours or kronor: spaces and a decimal comma allowed, empty is 0.
fn number(l: Lang, v: &str, label: &str) -> Result<f64, FormError> {
    trygg_domain::number::parse_sv_number(v)
        .map(|n| n.unwrap_or(0.0))
        .map_err(|_| {
            FormError(format!(
                "{label}: {v:?} {}",
                l.t("är inget tal.", "is not a number.")
            ))
        })
}

fn ids<T>(l: Lang, values: Vec<&str>, wrap: impl Fn(i64) -> T) -> Result<Vec<T>, FormError> {
    values
        .into_iter()
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse().map(&wrap).map_err(|_| {
                FormError(format!(
                    "{v:?} {}",
                    l.t("är inget id-nummer.", "is not an id number.")
                ))
            })
        })
        .collect()
}

/// One record of the cycle as the user may read it (the policy's `read_cycle`), or the page
/// that says why not.
pub(super) async fn load<T: trygg_domain::cycle::Record>(
    state: &AppState,
    me: &SignedIn,
    id: i64,
) -> Result<Stored<T>, PageError> {
    trygg_app::cycle::read::<T>(state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(me.ctx.lang, e))
}

/// Every record of kind `T` the user may read.
pub(super) async fn all<T: trygg_domain::cycle::Record>(
    state: &AppState,
    me: &SignedIn,
) -> Result<Vec<Stored<T>>, PageError> {
    trygg_app::cycle::read_all::<T>(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(me.ctx.lang, e))
}

/// The organisations and areas, for names and pickers.
struct Names {
    orgs: Vec<Organisation>,
    areas: Vec<Area>,
}

impl Names {
    async fn load(state: &AppState, who: &Principal, l: Lang) -> Result<Self, PageError> {
        let orgs = trygg_app::reference::organisations(state, who)
            .await
            .map_err(|e| PageError::from_app(l, e))?;
        let mut areas = trygg_app::reference::areas(state, who)
            .await
            .map_err(|e| PageError::from_app(l, e))?;
        areas.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Names { orgs, areas })
    }

    fn org(&self, id: OrganisationId) -> String {
        self.orgs
            .iter()
            .find(|o| o.id == id)
            .map_or_else(|| format!("#{}", id.0), |o| o.name.clone())
    }

    fn area(&self, id: AreaId) -> String {
        self.areas
            .iter()
            .find(|a| a.id == id)
            .map_or_else(|| format!("#{}", id.0), |a| a.name.clone())
    }

    fn areas(&self, ids: &[AreaId]) -> String {
        ids.iter()
            .map(|a| self.area(*a))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn orgs(&self, ids: &[OrganisationId]) -> String {
        ids.iter()
            .map(|o| self.org(*o))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Areas offered in pickers: districts first, then the other kinds, never a county.
    fn pickable(&self) -> Vec<&Area> {
        let mut v: Vec<&Area> = self
            .areas
            .iter()
            .filter(|a| a.kind != AreaKind::County)
            .collect();
        v.sort_by_key(|a| (a.kind != AreaKind::District, a.name.clone()));
        v
    }
}

/// Check boxes for areas (`name` repeats), in a scrolling list.
fn area_picker(names: &Names, name: &str, f: &Fields) -> Markup {
    html! {
        // `assets/intervention.js` puts a search field above the list and the chosen areas first.
        div.pick-list.areas data-name=(name) {
            @for a in names.pickable() {
                @let id = a.id.0.to_string();
                label.check { input type="checkbox" name=(name) value=(id) checked[f.has(name, &id)]; " " (a.name) }
            }
        }
    }
}

/// Check boxes for organisations (`name` repeats).
fn org_picker(names: &Names, name: &str, f: &Fields) -> Markup {
    html! {
        @for o in &names.orgs {
            @let id = o.id.0.to_string();
            label.check { input type="checkbox" name=(name) value=(id) checked[f.has(name, &id)]; " " (o.name) }
        }
    }
}

/// The visibility a new record's form chose (`visibility`; shared unless it says internal).
fn chosen_visibility(f: &Fields) -> Visibility {
    Visibility::parse(f.get("visibility")).unwrap_or(Visibility::Shared)
}

/// Who reads a new record: the whole partnership, or only the writer's organisation.
fn visibility_picker(l: Lang, f: &Fields) -> Markup {
    let internal = chosen_visibility(f) == Visibility::Internal;
    html! {
        fieldset {
            legend { (l.t("Vem läser det", "Who reads it")) }
            label.check { input type="radio" name="visibility" value="shared" checked[!internal]; " " (l.t("Hela samverkan", "The whole partnership")) }
            label.check { input type="radio" name="visibility" value="internal" checked[internal]; " " (l.t("Bara min organisation (internt)", "Only my organisation (internal)")) }
        }
    }
}

/// One select of an organisation.
fn org_select(names: &Names, name: &str, chosen: &str) -> Markup {
    html! {
        select name=(name) {
            @for o in &names.orgs {
                @let id = o.id.0.to_string();
                option value=(id) selected[id == chosen] { (o.name) }
            }
        }
    }
}

/// Category groups with their sub-categories, as check boxes (`category` repeats).
fn category_picker(l: Lang, f: &Fields) -> Markup {
    html! {
        div.pick-list.tall {
            @for g in Taxonomy.all().iter().filter(|c| c.parent.is_none()) {
                div.pick-group {
                    label.check { input type="checkbox" name="category" value=(g.code) checked[f.has("category", g.code)]; " " strong { (l.t(g.label_sv, g.label_en)) } }
                    @for c in Taxonomy.all().iter().filter(|c| c.parent == Some(g.code)) {
                        label.check.sub { input type="checkbox" name="category" value=(c.code) checked[f.has("category", c.code)]; " " (l.t(c.label_sv, c.label_en)) }
                    }
                }
            }
        }
    }
}

fn category_label(l: Lang, code: &str) -> String {
    Taxonomy.get(code).map_or_else(
        || code.to_string(),
        |c| l.t(c.label_sv, c.label_en).to_string(),
    )
}

/// A PNG answer (charts drawn on the server).
fn png(bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, max-age=60"),
        ],
        bytes,
    )
        .into_response()
}

/// "−37 %" / "+17 %" / "–" for a change from `before` to `after`.
fn change(before: u64, after: u64) -> String {
    if before == 0 {
        return "–".into();
    }
    let pct = (after as f64 / before as f64 - 1.0) * 100.0;
    let sign = if pct < 0.0 { "−" } else { "+" };
    format!("{sign}{} %", trygg_app::sv_number(pct.abs(), 0, false))
}

fn date_time(state: &AppState, t: jiff::Timestamp) -> String {
    t.to_zoned(state.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// Survey values (each with its interval and n) of a problem's or an intervention's areas.
fn survey_table(l: Lang, values: &[trygg_app::indicators::ShownValue]) -> Markup {
    html! {
        div.scroll { table.list #surveys {
            thead { tr {
                th { (l.t("Indikator", "Indicator")) } th { (l.t("Område", "Area")) }
                th { (l.t("Period", "Period")) } th { (l.t("Värde (konfidensintervall)", "Value (confidence interval)")) }
            } }
            tbody { @for v in values {
                tr { td { (v.indicator.name) br; span.hint { (v.source) } } td { (v.area_name) } td { (v.period.to_string()) } td { (v.text) } }
            } }
        } }
    }
}
