//! `/rapporter`: a coordinator (or the styrgrupp) picks one of the partnership's reports and
//! views it as a web page or downloads it as print-ready HTML, Word (DOCX) or Markdown (a zip:
//! the `.md` file and its images in a folder next to it). Every report is built by
//! [`trygg_app::reports::build`] — the same function as `trygg report` — from the shared picture.

use axum::{
    extract::{Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use jiff::civil::Date;
use maud::{Markup, html};
use trygg_domain::Scope;

use super::{
    extract::{PageError, SignedIn},
    layout,
};
use crate::AppState;
use trygg_app::reports::{self, ReportBuildError, Request};

/// The query of `GET /rapporter/rapport`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ReportQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    week: Option<String>,
    #[serde(default)]
    tertial: Option<String>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    walk: Option<String>,
    /// The report's language (`sv`, `en`): its own choice, apart from the page's language.
    #[serde(default)]
    language: Option<String>,
}

/// `GET /rapporter`: the reports, each with its period and the four ways to get it.
pub(crate) async fn index(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(trygg_domain::Permission::ReadReports)?;
    let l = me.ctx.lang;
    let today = state.today();
    let years = reports::data_years(&state, Scope::Shared);
    let agreement = trygg_app::partnership::cases::current_agreement(&state, &me.user)
        .await
        .map_err(|e| PageError::from((l, e)))?;
    let plans = match &agreement {
        Some(a) => trygg_app::partnership::cases::plans(&state, &me.user, &a.data)
            .await
            .map_err(|e| PageError::from((l, e)))?,
        None => Vec::new(),
    };
    let plan_years: Vec<i16> = plans.iter().map(|p| p.data.year).collect();
    let walks = if me.may(trygg_domain::Permission::ReadWalks) {
        trygg_app::walks::list(&state, &me.user)
            .await
            .map_err(|e| PageError::from((l, e)))?
    } else {
        Vec::new()
    };
    let last_week = today
        .checked_sub(jiff::Span::new().weeks(1))
        .unwrap_or(today)
        .iso_week_date();
    let year_select = |name: &str, options: &[i16], selected: Option<i16>| {
        html! {
            label { (l.t("År", "Year"))
                select name=(name) {
                    @for y in options.iter().rev() {
                        option value=(y) selected[Some(*y) == selected] { (y) }
                    }
                }
            }
        }
    };
    let buttons = html! {
        div.buttons {
            button.primary type="submit" name="format" value="web" { (l.t("Visa", "View")) }
            button type="submit" name="format" value="html" { (l.t("Utskriftsvänlig HTML", "Print-ready HTML")) }
            button type="submit" name="format" value="docx" { "Word (DOCX)" }
            button type="submit" name="format" value="md" { (l.t("Markdown (zip)", "Markdown (zip)")) }
        }
    };
    let card = |id: &str, title: &str, about: &str, fields: Markup| {
        html! {
            section.card id=(id) {
                h2 { (title) }
                p.hint { (about) }
                form.grid method="get" action="/rapporter/rapport" {
                    input type="hidden" name="kind" value=(id);
                    (fields)
                    (buttons)
                }
            }
        }
    };
    let last_year = years.last().copied();
    // The report's own language, on the cards of the reports written in both; it starts at the
    // page's language.
    let language = html! {
        label { (l.t("Rapportens språk", "The report's language"))
            select name="language" {
                option value="sv" selected[l == super::Lang::Sv] { "Svenska" }
                option value="en" lang="en" selected[l == super::Lang::En] { "English" }
            }
        }
    };
    let body = html! {
        h1 { (l.t("Rapporter", "Reports")) }
        p { (l.t(
            "Rapporterna skapas ur uppgifterna i trygg – den delade lägesbilden, åtagandeplanerna och insatserna – och skrivs aldrig två gånger. Visa dem här, eller ladda ned dem för utskick och utskrift. Markdown laddas ned som en zip-fil med bilderna i en mapp bredvid texten.",
            "The reports are generated from the data in trygg – the shared picture, the commitment plans and the interventions – never typed twice. View them here, or download them to send or print. Markdown downloads as a zip with the images in a folder next to the text.",
        )) }
        @if agreement.is_none() {
            div.notice role="status" { (l.t(
                "Ingen samverkansöverenskommelse är registrerad ännu; den årliga sammanställningen, den slutliga uppföljningen och åtgärdsplanen behöver den.",
                "No agreement is stored yet; the annual compilation, the final follow-up and the action plan need it.",
            )) }
        }
        div.cards.reports {
            @if !plan_years.is_empty() {
                (card("annual-compilation", l.t("Årlig sammanställning", "Annual compilation"),
                    l.t("Genomförandet av årets åtagandeplan per åtagande: vad som gjorts, resurser per part och insatsernas resultat. Till styrgruppen i oktober och till KSAU före årsskiftet.",
                        "The year's commitment plan per commitment: what was done, resources per party and the interventions' results. To the styrgrupp in October and to KSAU before year-end."),
                    html! {
                        (year_select("year", &plan_years, plan_years.iter().copied().rfind(|y| *y <= today.year())))
                        label { (l.t("Per datum (tomt: 1 oktober)", "As of (empty: 1 October)"))
                            input type="date" name="as_of";
                        }
                        (language)
                    }))
            }
            @if let Some(a) = &agreement {
                (card("final-follow-up", l.t("Slutlig uppföljning", "Final follow-up"),
                    &format!("{} {}–{}: {}", l.t("Överenskommelsen", "The agreement"), a.data.from_year, a.data.to_year,
                        l.t("alla åtagandeplaner, resurser per part under perioden och insatsernas resultat.",
                            "every commitment plan, resources per party over the period and the interventions' results.")),
                    html! { (language) }))
            }
            @if !years.is_empty() {
                (card("weekly", l.t("Veckolägesbild", "Weekly situation picture"),
                    l.t("Veckans händelser mot föregående vecka och samma vecka i fjol, per område, med karta.",
                        "The week's events against the week before and the same week last year, by area, with a map."),
                    html! {
                        label { (l.t("Vecka (ÅÅÅÅ-Vvv)", "Week (YYYY-Www)"))
                            input type="text" name="week" value=(format!("{}-W{:02}", last_week.year(), last_week.week())) pattern="[0-9]{4}-W[0-9]{2}" required;
                        }
                        (language)
                    }))
                (card("tertial", l.t("Tertialanalys", "Tertial analysis"),
                    l.t("Tertialets utveckling per kategori och område, tider och hot spots.",
                        "The tertial's trend by category and area, times and hot spots."),
                    html! {
                        (year_select("year", &years, last_year))
                        label { (l.t("Tertial", "Tertial"))
                            select name="tertial" { option value="1" { "1 (jan–apr)" } option value="2" { "2 (maj–aug)" } option value="3" { "3 (sep–dec)" } }
                        }
                        (language)
                    }))
                (card("lagesbild", l.t("Lägesbild enligt lagen", "The law's situation picture"),
                    l.t("Lägesbilden över brottsligheten i kommunen (lag 2023:196), minst vartannat år.",
                        "The situation picture of crime in the municipality (Act 2023:196), at least every other year."),
                    html! { (year_select("year", &years, last_year)) (language) }))
            }
            @if !walks.is_empty() {
                (card("walk-protocol", l.t("Protokoll från trygghetsvandring", "Safety walk protocol"),
                    l.t("Vandringens punkter med ansvarig, åtgärdsärendets status och svar, återkopplingsmötet och jämförelsen med den förra vandringen på samma rutt. Till dem som förvaltar platserna.",
                        "The walk's points with owner, the fix's status and answer, the closing meeting and the comparison with the earlier walk on the same route. For those who manage the places."),
                    html! {
                        label { (l.t("Vandring", "Walk"))
                            select name="walk" {
                                @for w in &walks { option value=(w.meta.id) { (w.data.date.to_string()) " " (w.data.title) } }
                            }
                        }
                        (language)
                    }))
            }
            @if agreement.is_some() && !plan_years.is_empty() {
                (card("atgardsplan", l.t("Åtgärdsplan enligt lagen", "The law's action plan"),
                    l.t("Åtgärderna utifrån lägesbilden: prioriteringar, åtgärder med ansvarig part och resurser, uppföljning. Beslutas senast 31 december samma år som lägesbilden.",
                        "The measures following the situation picture: priorities, measures with responsible party and resources, follow-up. Decided by 31 December of the situation picture's year."),
                    html! { (year_select("year", &plan_years, plan_years.last().copied())) (language) }))
            }
        }
    };
    Ok(layout(&me.ctx, l.t("Rapporter", "Reports"), body))
}

fn parse_request(q: &ReportQuery, today: Date, l: super::Lang) -> Result<Request, PageError> {
    let bad = |sv: &str, en: &str| PageError::bad_request(l, l.t(sv, en).to_string());
    let year = || -> Result<i16, PageError> {
        q.year
            .as_deref()
            .and_then(|y| y.trim().parse::<i16>().ok())
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| bad("Välj ett år (2000–2100).", "Choose a year (2000–2100)."))
    };
    Ok(match q.kind.as_str() {
        "weekly" => {
            let w = q.week.as_deref().unwrap_or_default();
            Request::Weekly(reports::parse_iso_week(w.trim()).map_err(|_| {
                bad(
                    "Ange veckan som ÅÅÅÅ-Vvv, till exempel 2024-W47.",
                    "Give the week as YYYY-Www, e.g. 2024-W47.",
                )
            })?)
        }
        "tertial" => {
            let t = q
                .tertial
                .as_deref()
                .and_then(|t| t.parse::<u8>().ok())
                .filter(|t| (1..=3).contains(t))
                .ok_or_else(|| bad("Välj tertial 1, 2 eller 3.", "Choose tertial 1, 2 or 3."))?;
            Request::Tertial(year()?, t)
        }
        "lagesbild" => Request::Lagesbild(year()?),
        "atgardsplan" => Request::Atgardsplan(year()?),
        "annual-compilation" => {
            let y = year()?;
            let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(d) => d.parse::<Date>().map_err(|_| {
                    bad(
                        "Ange datumet som ÅÅÅÅ-MM-DD.",
                        "Give the date as YYYY-MM-DD.",
                    )
                })?,
                None => reports::default_as_of(y, today),
            };
            Request::AnnualCompilation(y, as_of)
        }
        "final-follow-up" => Request::FinalFollowUp,
        "walk-protocol" => Request::WalkProtocol(
            q.walk
                .as_deref()
                .and_then(|w| w.trim().parse::<i64>().ok())
                .ok_or_else(|| bad("Välj en trygghetsvandring.", "Choose a safety walk."))?,
        ),
        _ => {
            return Err(bad(
                "Välj en rapport på sidan Rapporter.",
                "Choose a report on the Reports page.",
            ));
        }
    })
}

fn build_error(l: super::Lang, e: ReportBuildError) -> PageError {
    match e {
        ReportBuildError::Input(m) => PageError::bad_request(l, m),
        e @ ReportBuildError::Render(_) => PageError::internal(l, e),
        e @ ReportBuildError::Store(_) => PageError::from_app(l, e.into()),
    }
}

fn download(bytes: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /rapporter/rapport?kind=…&format=web|html|docx|md&…`: the report.
pub(crate) async fn report(
    State(state): State<AppState>,
    me: SignedIn,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    me.check(trygg_domain::Permission::ReadReports)?;
    let l = me.ctx.lang;
    let request = parse_request(&q, state.today(), l)?;
    let language = q
        .language
        .as_deref()
        .map_or(trygg_domain::Lang::Sv, trygg_domain::Lang::parse);
    let stem = match language {
        trygg_domain::Lang::Sv => request.file_stem(),
        trygg_domain::Lang::En => format!("{}-en", request.file_stem()),
    };
    // Charts, maps and the file itself take CPU: off the async workers, one per core.
    let (app, format, file_stem) = (state.app.clone(), q.format.clone(), stem.clone());
    let (doc, rendered) = state
        .heavy_work(async move {
            let doc = reports::build(&app, request, Scope::Shared, language)
                .await
                .map_err(|e| build_error(l, e))?;
            let render = |e: trygg_report::ReportError| PageError::internal(l, e);
            let rendered = match format.as_str() {
                "html" => trygg_report::html::html(&doc).map_err(render)?.into_bytes(),
                "docx" => trygg_report::docx::docx(&doc).map_err(render)?,
                "md" => trygg_report::markdown::markdown_zip(&doc, &file_stem).map_err(render)?,
                _ => trygg_report::html::html_fragment(&doc)
                    .map_err(render)?
                    .into_bytes(),
            };
            Ok::<_, PageError>((doc, rendered))
        })
        .await
        .map_err(|e| PageError::from_app(l, e))??;
    Ok(match q.format.as_str() {
        "html" => download(
            rendered,
            "text/html; charset=utf-8",
            &format!("{stem}.html"),
        ),
        "docx" => download(
            rendered,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &format!("{stem}.docx"),
        ),
        "md" => download(rendered, "application/zip", &format!("{stem}.zip")),
        _ => {
            let fragment = String::from_utf8(rendered).map_err(|e| PageError::internal(l, e))?;
            let mut back = vec![("kind", q.kind.clone())];
            for (k, v) in [
                ("year", &q.year),
                ("week", &q.week),
                ("tertial", &q.tertial),
                ("as_of", &q.as_of),
                ("walk", &q.walk),
                ("language", &q.language),
            ] {
                if let Some(v) = v {
                    back.push((k, v.clone()));
                }
            }
            let link = |format: &str| {
                let mut s = format!("/rapporter/rapport?format={format}");
                for (k, v) in &back {
                    s.push_str(&format!("&{k}={}", super::extract::urlencode(v)));
                }
                s
            };
            layout(
                &me.ctx,
                &doc.title,
                html! {
                    nav.report-actions aria-label=(l.t("Ladda ned", "Download")) {
                        a href="/rapporter" { "← " (l.t("Rapporter", "Reports")) }
                        " · "
                        a href=(link("html")) download { (l.t("Utskriftsvänlig HTML", "Print-ready HTML")) }
                        " · "
                        a href=(link("docx")) download { "Word (DOCX)" }
                        " · "
                        a href=(link("md")) download { (l.t("Markdown (zip)", "Markdown (zip)")) }
                    }
                    (super::layout::embedded_report(fragment))
                },
            )
            .into_response()
        }
    })
}
