//! `/importera`: importing a CSV or GeoJSON file of incidents from the browser, with the API's
//! options (crs, visibility, precision). A file whose category column holds values that are
//! neither a category nor a stored synonym gets a mapping step: each unknown value with its
//! row count and first line, mapped to an existing category (the nearest offered first) or,
//! for administrators, to a new category under a group, and optionally remembered as a
//! synonym. The file is held by the app meanwhile (`trygg_app::transfer::Uploads`), so it is
//! not uploaded again. The import is all or nothing, as through every door.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use maud::{Markup, html};
use trygg_app::{
    AppError,
    categories::NewCategory,
    ingest::BatchImport,
    transfer::{self, ImportErrors, IncidentFile, Location, MapTo, Mapping, Upload},
};
use trygg_domain::{Permission, Taxonomy};

use super::{
    Lang,
    categories::category_select,
    extract::{PageError, Posted, PostedFile, SignedIn},
    form::Fields,
    layout,
};
use crate::AppState;

/// A select value meaning "a new category under this group".
const NEW_PREFIX: &str = "ny:";

/// `GET /importera`: the upload form.
pub(crate) async fn form(me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::Import)?;
    Ok(page(&me, upload_form(&me, None)))
}

fn page(me: &SignedIn, body: Markup) -> Markup {
    let l = me.ctx.lang;
    layout(
        &me.ctx,
        l.t("Importera händelser", "Import incidents"),
        html! {
            h1 { (l.t("Importera händelser", "Import incidents")) }
            (body)
        },
    )
}

fn notice(class: &str, text: &str) -> Markup {
    html! { div class={ "notice " (class) } role="alert" { (text) } }
}

fn upload_form(me: &SignedIn, error: Option<&str>) -> Markup {
    let l = me.ctx.lang;
    html! {
        @if let Some(e) = error { (notice("error", e)) }
        section.card {
            p { (l.t(
                "En CSV-fil (som Excel sparar den: semikolon, decimalkomma) eller GeoJSON med punkter. Allt eller inget: en fil med fel lagrar ingenting, och varje fel visas med sin rad.",
                "A CSV file (as Excel saves it: semicolons, decimal comma) or GeoJSON points. All or nothing: a file with errors stores nothing, and every error is shown with its line."
            )) }
            form.grid method="post" action="/importera" enctype="multipart/form-data" {
                (me.ctx.csrf_field())
                label { (l.t("Fil", "File")) input type="file" name="file" accept=".csv,.txt,.geojson,.json" required; }
                label { (l.t("Koordinatsystem", "Coordinate system"))
                    select name="crs" {
                        option value="" { (l.t("Känn igen", "Recognise")) }
                        option value="3006" { "SWEREF 99 TM (3006)" }
                        option value="4326" { "WGS84 (4326)" }
                    }
                }
                label { (l.t("Synlighet", "Visibility"))
                    select name="visibility" {
                        option value="shared" { (l.t("Delad med partnerskapet", "Shared with the partnership")) }
                        option value="internal" { (l.t("Bara min organisation", "My organisation only")) }
                    }
                }
                label { (l.t("Precision", "Precision"))
                    select name="precision" {
                        option value="exact" { (l.t("Exakt punkt", "Exact point")) }
                        option value="address" { (l.t("Geokodad adress", "Geocoded address")) }
                    }
                }
                button.primary type="submit" { (l.t("Läs filen", "Read the file")) }
            }
        }
    }
}

/// The import's options from the form, as the API takes them (empty ones left out).
fn options(fields: &Fields) -> Vec<(String, String)> {
    ["crs", "visibility", "precision"]
        .into_iter()
        .filter(|k| !fields.get(k).is_empty())
        .map(|k| (k.to_string(), fields.get(k).to_string()))
        .collect()
}

fn kind_of(name: &str) -> IncidentFile {
    let lower = name.to_lowercase();
    if lower.ends_with(".geojson") || lower.ends_with(".json") {
        IncidentFile::GeoJson
    } else {
        IncidentFile::Csv
    }
}

/// `POST /importera`: holds the file and imports it, or shows the mapping step.
pub(crate) async fn upload(
    State(state): State<AppState>,
    posted: PostedFile,
) -> Result<Response, PageError> {
    let PostedFile { me, fields, file } = posted;
    me.check(Permission::Import)?;
    let l = me.ctx.lang;
    let Some((name, bytes)) = file else {
        let e = l.t("Välj en fil.", "Choose a file.");
        return Ok(refused(page(&me, upload_form(&me, Some(e)))));
    };
    let upload = Upload {
        kind: kind_of(&name),
        name,
        params: options(&Fields(fields)),
        bytes: bytes.to_vec().into(),
    };
    let id = transfer::hold(&state, &me.user, upload).map_err(|e| PageError::from_app(l, e))?;
    let done = transfer::import_held(&state, &me.user, &id, &[]).await;
    answer(&state, &me, &id, done).await
}

/// `POST /importera/{id}`: the mapping step's answers; imports the held file with them.
pub(crate) async fn map(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check(Permission::Import)?;
    let mappings = mappings(&Fields(form));
    let done = transfer::import_held(&state, &me.user, &id, &mappings).await;
    answer(&state, &me, &id, done).await
}

/// The mapping step's rows: `value_N`, `code_N` (a code, or `ny:GROUP` with `label_sv_N` and
/// `label_en_N`), `remember_N`.
fn mappings(f: &Fields) -> Vec<Mapping> {
    (0..f.rows("value_"))
        .filter(|i| !f.get(&format!("value_{i}")).is_empty())
        .map(|i| {
            let get = |k: &str| f.get(&format!("{k}_{i}")).to_string();
            let code = get("code");
            let to = match code.strip_prefix(NEW_PREFIX) {
                Some(group) => MapTo::New(NewCategory {
                    group: group.to_string(),
                    code: None,
                    label_sv: get("label_sv"),
                    label_en: get("label_en"),
                }),
                None => MapTo::Code(code),
            };
            Mapping {
                value: get("value"),
                to,
                remember: f.has(&format!("remember_{i}"), "1"),
            }
        })
        .collect()
}

/// `GET /importera/{id}`: what the import stored (the page an import redirects to).
pub(crate) async fn done(
    State(state): State<AppState>,
    Path(id): Path<String>,
    me: SignedIn,
) -> Result<Response, PageError> {
    me.check(Permission::Import)?;
    Ok(match transfer::imported(&state, &me.user, &id) {
        Ok(b) => page(&me, result(&me, &b)).into_response(),
        Err(AppError::NotFound(m)) => page(&me, upload_form(&me, Some(&m))).into_response(),
        Err(e) => return Err(PageError::from_app(me.ctx.lang, e)),
    })
}

/// The page after an attempt: a redirect to the result, the mapping step, or the errors.
async fn answer(
    state: &AppState,
    me: &SignedIn,
    id: &str,
    done: Result<BatchImport, AppError>,
) -> Result<Response, PageError> {
    let l = me.ctx.lang;
    match done {
        // Redirect after the POST: a reload shows the result and imports nothing twice.
        Ok(_) => Ok(axum::response::Redirect::to(&format!("/importera/{id}")).into_response()),
        Err(AppError::ImportFailed(e)) => Ok(refused(page(me, failed(me, id, &e, None)))),
        Err(AppError::NotFound(m)) => Ok(refused(page(me, upload_form(me, Some(&m))))),
        // A refused mapping (a new category's labels, an unknown code): the step again.
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::BadParameter { .. })) => {
            let message = e.to_string();
            match transfer::check_held(state, &me.user, id).await {
                Err(AppError::ImportFailed(errors)) => {
                    Ok(refused(page(me, failed(me, id, &errors, Some(&message)))))
                }
                _ => Ok(refused(page(me, upload_form(me, Some(&message))))),
            }
        }
        Err(e) => Err(PageError::from_app(l, e)),
    }
}

fn refused(body: Markup) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
}

fn place(l: Lang, at: Location) -> String {
    match (l, at) {
        (Lang::Sv, Location::File) => "filen".into(),
        (Lang::Sv, Location::Line(n)) => format!("rad {n}"),
        (Lang::Sv, Location::Feature(n)) => format!("objekt {n}"),
        (Lang::Sv, Location::Row(n)) => format!("rad {n}"),
        (Lang::En, at) => at.to_string(),
    }
}

/// A failed import: the mapping step when unknown category values are its only problems,
/// else every problem with its line.
fn failed(me: &SignedIn, id: &str, e: &ImportErrors, error: Option<&str>) -> Markup {
    let l = me.ctx.lang;
    let unknown = &e.unknown_categories;
    let others = e.errors.get(unknown.len()..).unwrap_or_default();
    if !unknown.is_empty() && others.is_empty() && e.more == 0 {
        return mapping_step(me, id, e, error);
    }
    html! {
        @if let Some(m) = error { (notice("error", m)) }
        (notice("error", &e.to_string()))
        section.card {
            h2 { (l.t("Inget importerades. Rätta felen i filen och välj den igen:", "Nothing was imported. Fix the errors in the file and choose it again:")) }
            ul.errors {
                @for r in &e.errors {
                    li { strong { (place(l, r.at)) } ": " (r.message) }
                }
                @if e.more > 0 {
                    li { (l.t("… och", "… and")) " " (e.more) " " (l.t("till", "more")) }
                }
            }
        }
        (upload_form(me, None))
    }
}

fn mapping_step(me: &SignedIn, id: &str, e: &ImportErrors, error: Option<&str>) -> Markup {
    let l = me.ctx.lang;
    let admin = me.may(Permission::ManageAccounts);
    html! {
        @if let Some(m) = error { (notice("error", m)) }
        section.card {
            h2 { (l.t("Okända kategorier", "Unknown categories")) }
            p { (l.t(
                "Filen har värden i kategorikolumnen som trygg inte känner igen. Välj vad varje värde betyder; filen behöver inte väljas igen.",
                "The file has values in its category column that trygg does not recognise. Choose what each value means; the file need not be chosen again."
            )) }
            form method="post" action={ "/importera/" (id) } {
                (me.ctx.csrf_field())
                table.list.mapping {
                    thead { tr {
                        th { (l.t("Värde i filen", "Value in the file")) }
                        th { (l.t("Rader", "Rows")) }
                        th { (l.t("Först på", "First on")) }
                        th { (l.t("Kategori i trygg", "Category in trygg")) }
                        @if admin { th { (l.t("Ny kategori: namn", "New category: name")) } th { (l.t("Kom ihåg", "Remember")) } }
                    } }
                    tbody {
                        @for (i, u) in e.unknown_categories.iter().enumerate() {
                            tr {
                                td {
                                    input type="hidden" name={ "value_" (i) } value=(u.value);
                                    (u.value)
                                }
                                td.num { (u.rows) }
                                td { (place(l, u.first)) }
                                td { (mapping_select(l, i, &u.value, admin)) }
                                @if admin {
                                    td {
                                        input type="text" name={ "label_sv_" (i) } value=(u.value) aria-label=(l.t("Svenskt namn", "Swedish name"));
                                        input type="text" name={ "label_en_" (i) } placeholder=(l.t("Engelskt namn", "English name")) aria-label=(l.t("Engelskt namn", "English name"));
                                    }
                                    td { label { input type="checkbox" name={ "remember_" (i) } value="1"; " " (l.t("som kategorinamn", "as a category name")) } }
                                }
                            }
                        }
                    }
                }
                button.primary type="submit" { (l.t("Importera", "Import")) }
            }
        }
    }
}

/// The select of one unknown value: the nearest categories first, every category, and (for
/// administrators) a new category under each group.
fn mapping_select(l: Lang, i: usize, value: &str, admin: bool) -> Markup {
    let nearest = Taxonomy.nearest(value, 3);
    let new = html! {
        @if admin {
            optgroup label=(l.t("Ny kategori under gruppen", "New category under the group")) {
                @for g in Taxonomy.groups() {
                    option value={ (NEW_PREFIX) (g.code) } {
                        (l.t("Ny under ", "New under ")) (l.t(g.label_sv, g.label_en))
                    }
                }
            }
        }
    };
    category_select(l, &format!("code_{i}"), &nearest, new)
}

fn result(me: &SignedIn, b: &BatchImport) -> Markup {
    let l = me.ctx.lang;
    let o = &b.outcome;
    let n = b.summary.imported as i64;
    let imported = l.count(
        n,
        ("händelse importerad", "händelser importerade"),
        ("incident imported", "incidents imported"),
    );
    let text = match l {
        Lang::Sv => format!(
            "{imported}: {} {}, {} {}, {} {}.",
            o.created,
            l.noun(o.created as i64, ("ny", "nya"), ("", "")),
            o.updated,
            l.noun(o.updated as i64, ("uppdaterad", "uppdaterade"), ("", "")),
            o.unchanged,
            l.noun(o.unchanged as i64, ("oförändrad", "oförändrade"), ("", "")),
        ),
        Lang::En => format!(
            "{imported}: {} new, {} updated, {} unchanged.",
            o.created, o.updated, o.unchanged
        ),
    };
    html! {
        (notice("ok", &text))
        section.card {
            @if !b.summary.mapped_categories.is_empty() {
                h2 { (l.t("Kategorier som översattes", "Categories translated")) }
                table.list {
                    thead { tr { th { (l.t("Värde i filen", "Value in the file")) } th { (l.t("Kategori", "Category")) } th { (l.t("Rader", "Rows")) } } }
                    tbody {
                        @for (value, m) in &b.summary.mapped_categories {
                            tr { td { (value) } td { code { (m.code) } } td.num { (m.rows) } }
                        }
                    }
                }
            }
            @for note in &b.summary.notes { p { (note) } }
            p {
                a href="/lagesbild" { (l.t("Visa lägesbilden", "Show the situation picture")) }
                " · "
                a href="/importera" { (l.t("Importera en fil till", "Import another file")) }
            }
        }
    }
}
