//! `/admin/kategorier`: the partnership's own categories (added under a standard group, labels
//! changeable, never removed: codes are stable) and its category synonyms (values in its files
//! and the category each means, read by every import). Every change is a use case of
//! `trygg_app::categories` or `trygg_app::synonyms`, which check the policy and audit.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use trygg_app::{AppError, categories::NewCategory};
use trygg_domain::{Permission, Taxonomy, own_category::LABEL_MAX_CHARS};

use super::{
    Lang,
    extract::{PageError, Posted, SignedIn},
    form::Fields,
    layout,
    layout::{Saved, saved},
};
use crate::AppState;

/// A notice above the page: its class (`ok`, `error`) and text.
type Notice = Option<(&'static str, String)>;

/// `GET /admin/kategorier`.
pub(crate) async fn page(State(state): State<AppState>, me: SignedIn) -> Result<Markup, PageError> {
    me.check(Permission::ManageAccounts)?;
    render(&state, &me, None, &Fields::default()).await
}

/// The page, with `typed` filled into the new-category form (after a refusal).
async fn render(
    state: &AppState,
    me: &SignedIn,
    notice: Notice,
    typed: &Fields,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let own = trygg_app::categories::list(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    let synonyms = trygg_app::synonyms::list(state, &me.user)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok(layout(
        &me.ctx,
        l.t("Kategorier", "Categories"),
        html! {
            h1 { (l.t("Kategorier", "Categories")) }
            p { a href="/admin" { (l.t("← Administration", "← Administration")) } }
            @if let Some((class, text)) = notice {
                div class={ "notice " (class) } role="alert" { (text) }
            }
            (own_section(me, &own))
            (new_category_form(me, typed))
            (synonym_section(me, &synonyms))
        },
    ))
}

fn label(l: Lang, code: &str) -> String {
    Taxonomy
        .get(code)
        .map_or(String::new(), |c| l.t(c.label_sv, c.label_en).to_string())
}

fn own_section(
    me: &SignedIn,
    own: &[trygg_app::Stored<trygg_domain::own_category::OwnCategory>],
) -> Markup {
    let l = me.ctx.lang;
    html! {
        section.card {
            h2 { (l.t("Egna kategorier", "Own categories")) }
            p { (l.t(
                "Underkategorier som partnerskapet lagt till under standardgrupperna. De gäller överallt som en standardkategori: rapporter, import, filter och lägesbild. Koden ändras aldrig och en kategori kan inte tas bort, bara byta namn.",
                "Sub-categories the partnership has added under the standard groups. They work everywhere a standard category does: reports, imports, filters and the situation picture. The code never changes and a category cannot be removed, only renamed."
            )) }
            @if own.is_empty() {
                p { (l.t("Inga egna kategorier än.", "No own categories yet.")) }
            } @else {
                table.list {
                    thead { tr {
                        th { (l.t("Kod", "Code")) } th { (l.t("Grupp", "Group")) }
                        th { (l.t("Namn (svenska, engelska)", "Name (Swedish, English)")) }
                    } }
                    tbody {
                        @for c in own {
                            tr {
                                td { code { (c.data.code) } }
                                td { (label(l, c.data.group())) }
                                td {
                                    form.inline method="post" action={ "/admin/kategorier/egen/" (c.meta.id) } {
                                        (me.ctx.csrf_field())
                                        input type="text" name="label_sv" value=(c.data.label_sv) maxlength=(LABEL_MAX_CHARS) required aria-label=(l.t("Svenskt namn", "Swedish name"));
                                        input type="text" name="label_en" value=(c.data.label_en) maxlength=(LABEL_MAX_CHARS) required aria-label=(l.t("Engelskt namn", "English name"));
                                        button.link type="submit" { (l.t("Byt namn", "Rename")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn new_category_form(me: &SignedIn, typed: &Fields) -> Markup {
    let l = me.ctx.lang;
    html! {
        section.card {
            h2 { (l.t("Lägg till kategori", "Add a category")) }
            form.grid method="post" action="/admin/kategorier/ny" {
                (me.ctx.csrf_field())
                label { (l.t("Grupp", "Group"))
                    select name="group" required {
                        @for g in Taxonomy.groups() {
                            option value=(g.code) selected[typed.get("group") == g.code] { (l.t(g.label_sv, g.label_en)) " (" (g.code) ")" }
                        }
                    }
                }
                label { (l.t("Namn på svenska", "Name in Swedish")) input type="text" name="label_sv" value=(typed.get("label_sv")) maxlength=(LABEL_MAX_CHARS) required placeholder="Ordningsstörning vid skolor"; }
                label { (l.t("Namn på engelska", "Name in English")) input type="text" name="label_en" value=(typed.get("label_en")) maxlength=(LABEL_MAX_CHARS) required placeholder="Disorder at schools"; }
                label { (l.t("Kod (tom: bildas av det svenska namnet)", "Code (empty: made from the Swedish name)")) input type="text" name="code" value=(typed.get("code")) placeholder="ordning.ordningsstorning-vid-skolor"; }
                button.primary type="submit" { (l.t("Lägg till kategori", "Add category")) }
            }
        }
    }
}

fn synonym_section(
    me: &SignedIn,
    stored: &[trygg_app::Stored<trygg_domain::synonym::CategorySynonym>],
) -> Markup {
    let l = me.ctx.lang;
    html! {
        section.card {
            h2 { (l.t("Egna kategorinamn", "Own category names")) }
            p { (l.t(
                "Värden i era egna filers kategorikolumn och den kategori i trygg de betyder. Varje import av CSV och GeoJSON läser dem, som om de getts med --category-map.",
                "Values in your own files' category column and the trygg category each means. Every CSV and GeoJSON import reads them, as if given with --category-map."
            )) }
            @if stored.is_empty() {
                p { (l.t("Inga egna kategorinamn än.", "No own category names yet.")) }
            } @else {
                table.list {
                    thead { tr { th { (l.t("Värde i filen", "Value in the file")) } th { (l.t("Kategori", "Category")) } th {} } }
                    tbody {
                        @for s in stored {
                            tr {
                                td { (s.data.value) }
                                td { code { (s.data.code) } " " (label(l, &s.data.code)) }
                                td {
                                    form method="post" action={ "/admin/kategorier/" (s.meta.id) "/ta-bort" } {
                                        (me.ctx.csrf_field())
                                        button.link type="submit" { (l.t("Ta bort", "Remove")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (l.t("Lägg till kategorinamn", "Add a category name")) }
            form.grid method="post" action="/admin/kategorier" {
                (me.ctx.csrf_field())
                label { (l.t("Värde i filen", "Value in the file")) input type="text" name="value" maxlength=(trygg_domain::category::MAP_VALUE_MAX_CHARS) required placeholder="Ordningsstörning"; }
                label { (l.t("Kategori i trygg", "Category in trygg"))
                    (category_select(l, "code", &[], html! {}))
                }
                button.primary type="submit" { (l.t("Lägg till", "Add")) }
            }
        }
    }
}

/// A select of every category named `name`: the `first` codes at the top (suggestions), then
/// every category, then the options in `more`.
pub(crate) fn category_select(l: Lang, name: &str, first: &[&str], more: Markup) -> Markup {
    html! {
        select name=(name) required {
            @if !first.is_empty() {
                optgroup label=(l.t("Närmast", "Nearest")) {
                    @for code in first {
                        option value=(code) { (code) " — " (label(l, code)) }
                    }
                }
            }
            @for c in Taxonomy.all() {
                option value=(c.code) { (c.code) " — " (l.t(c.label_sv, c.label_en)) }
            }
            (more)
        }
    }
}

/// A use case's answer as the page after a change: back to the page with "Sparat" (redirect
/// after POST), or, for input it refused, the page with the reason (422) and what was typed.
async fn after<T>(
    state: &AppState,
    me: &SignedIn,
    done: Result<T, AppError>,
    typed: &Fields,
) -> Result<Response, PageError> {
    match done {
        Ok(_) => Ok(Redirect::to(&saved("/admin/kategorier", Saved::Any)).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::BadParameter { .. })) => {
            let body = render(state, me, Some(("error", e.to_string())), typed).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(e) => Err(PageError::from_app(me.ctx.lang, e)),
    }
}

/// `POST /admin/kategorier/ny`: a new own category.
pub(crate) async fn add_category(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check(Permission::ManageAccounts)?;
    let f = Fields(form);
    let new = NewCategory {
        group: f.get("group").to_string(),
        code: Some(f.get("code").to_string()),
        label_sv: f.get("label_sv").to_string(),
        label_en: f.get("label_en").to_string(),
    };
    let done = trygg_app::categories::add(&state, &me.user, &new).await;
    after(&state, &me, done, &f).await
}

/// `POST /admin/kategorier/egen/{id}`: new labels for an own category.
pub(crate) async fn relabel_category(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check(Permission::ManageAccounts)?;
    let f = Fields(form);
    let done =
        trygg_app::categories::relabel(&state, &me.user, id, f.get("label_sv"), f.get("label_en"))
            .await;
    after(&state, &me, done, &Fields::default()).await
}

/// `POST /admin/kategorier`: a new synonym.
pub(crate) async fn add_synonym(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check(Permission::ManageAccounts)?;
    let f = Fields(form);
    let done = trygg_app::synonyms::add(&state, &me.user, f.get("value"), f.get("code")).await;
    after(&state, &me, done, &Fields::default()).await
}

/// `POST /admin/kategorier/{id}/ta-bort`: removes a synonym.
pub(crate) async fn remove_synonym(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    me.check(Permission::ManageAccounts)?;
    let l = me.ctx.lang;
    trygg_app::synonyms::remove(&state, &me.user, id)
        .await
        .map_err(|e| PageError::from_app(l, e))?;
    Ok(Redirect::to(&saved("/admin/kategorier", Saved::Removed)).into_response())
}
