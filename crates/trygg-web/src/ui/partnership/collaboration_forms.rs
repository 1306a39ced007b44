//! `/samverkan/samverkansformer`: the catalogue of collaboration forms with their activity logs.

use super::*;

pub(super) async fn forms_page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let forms = cases::list::<CollaborationForm>(state, &me.user)
        .await
        .map_err(store_err(l))?;
    let edit = me.may(Permission::WritePartnership);
    let body = html! {
        @for f in &forms {
            section.card id={ "form-" (f.meta.id) } {
                h2 { (f.data.name) }
                p.hint { (l.t("Ägare: ", "Owner: ")) (f.data.owner)
                    @if let Some(p) = &f.data.parent { " · " (l.t("del av ", "part of ")) (p) } }
                @if !f.data.description.is_empty() { p { (f.data.description) } }
                @if !f.data.indicators.is_empty() {
                    p { strong { (l.t("Indikatorer: ", "Indicators: ")) } (f.data.indicators.join(", ")) }
                }
                @if f.data.activities.is_empty() {
                    p.hint { (l.t("Inga aktiviteter registrerade.", "No activities recorded.")) }
                } @else {
                    ul { @for a in &f.data.activities {
                        li { @if let Some(d) = a.date { (d) ": " } (a.text) @if !a.done { " (" (l.t("planerad", "planned")) ")" } }
                    } }
                }
                @if edit {
                    form.inline method="post" action={ "/samverkan/samverkansformer/" (f.meta.id) "/aktivitet" } {
                        (me.ctx.csrf_field())
                        input type="hidden" name="version" value=(f.meta.version);
                        label { (l.t("Datum", "Date")) input type="date" name="date"; }
                        label { (l.t("Aktivitet", "Activity")) input type="text" name="text" maxlength="500" required; }
                        label.check { input type="checkbox" name="done" value="1" checked; " " (l.t("genomförd", "done")) }
                        button type="submit" { (l.t("Lägg till aktivitet", "Add activity")) }
                    }
                }
            }
        }
    };
    Ok(page(
        me,
        l.t("Samverkansformer", "Collaboration forms"),
        notice,
        body,
    ))
}

/// `GET /samverkan/samverkansformer`.
pub(super) async fn forms(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    forms_page(&state, &me, None).await
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct ActivityForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    date: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    done: Option<String>,
}

/// `POST /samverkan/samverkansformer/{id}/aktivitet`: adds a line to the activity log.
pub(super) async fn add_activity(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form: f }: Posted<ActivityForm>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let l = me.ctx.lang;
    let stored = cases::get::<CollaborationForm>(&state, &me.user, id)
        .await
        .map_err(store_err(l))?;
    let date = match f.date.trim() {
        "" => None,
        d => match d.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                let msg = l
                    .t(
                        "Ange datumet som ÅÅÅÅ-MM-DD.",
                        "Give the date as YYYY-MM-DD.",
                    )
                    .to_string();
                return Ok(refused(
                    forms_page(&state, &me, Some(("error", msg))).await?,
                ));
            }
        },
    };
    let mut form = stored.data.clone();
    form.activities.push(Activity {
        date,
        text: f.text.trim().to_string(),
        done: f.done.is_some(),
    });
    match cases::update(&state, &me.user, id, f.version, &form).await {
        Ok(_) => Ok(Redirect::to(&saved(
            &format!("/samverkan/samverkansformer#form-{id}"),
            Saved::Any,
        ))
        .into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => Ok(refused(
                forms_page(&state, &me, Some(("error", msg))).await?,
            )),
            None => Err(PageError::from_app(l, e)),
        },
    }
}
