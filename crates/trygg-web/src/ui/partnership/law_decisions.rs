//! `/samverkan/beslut`: the decisions on the law's lägesbild and åtgärdsplan (who decided,
//! when, diarienummer). The calendar counts the law's "at least every other year" from the
//! last decided lägesbild.

use super::*;
use trygg_domain::partnership::{LawDecision, LawDocument};

/// `GET /samverkan/beslut`.
pub(super) async fn law_decisions(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    decisions_page(&state, &me, None, &Fields::default()).await
}

async fn decisions_page(
    state: &AppState,
    me: &SignedIn,
    notice: Option<(&str, String)>,
    f: &Fields,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let mut decisions = cases::list::<LawDecision>(state, &me.user)
        .await
        .map_err(store_err(l))?;
    decisions.sort_by_key(|d| std::cmp::Reverse(d.data.date));
    let year = if f.get("year").is_empty() {
        state.today().year().to_string()
    } else {
        f.get("year").to_string()
    };
    let body = html! {
        p { (l.t(
            "Lagen (2023:196) kräver att kommunen tar fram en lägesbild minst vartannat år och beslutar om en åtgärdsplan utifrån den. Registrera besluten här: kalendern räknar nästa lägesbild från det senaste beslutet.",
            "The law (2023:196) requires a situation picture at least every other year and a decided action plan resting on it. Record the decisions here: the calendar counts the next situation picture from the last decision.",
        )) }
        section.card {
            @if decisions.is_empty() {
                p { (l.t("Inga beslut är registrerade.", "No decisions are recorded.")) }
            } @else {
                table.list #law-decisions {
                    thead { tr {
                        th { (l.t("Dokument", "Document")) } th { (l.t("År", "Year")) } th { (l.t("Beslutat av", "Decided by")) }
                        th { (l.t("Datum", "Date")) } th { (l.t("Diarienummer", "Case number")) } th { (l.t("Anteckning", "Note")) }
                    } }
                    tbody { @for d in &decisions { tr {
                        td { (d.data.document.label_sv()) } td { (d.data.year) } td { (d.data.decided_by) }
                        td { (d.data.date) } td { (d.data.diarienummer) } td { (d.data.note) }
                    } } }
                }
            }
        }
        @if me.may(Permission::WritePartnership) {
            section.card #nytt-beslut {
                h2 { (l.t("Registrera ett beslut", "Record a decision")) }
                form.grid method="post" action="/samverkan/beslut" {
                    (me.ctx.csrf_field())
                    div.two {
                        label { (l.t("Dokument", "Document"))
                            select name="document" {
                                @for d in [LawDocument::Lagesbild, LawDocument::Atgardsplan] {
                                    option value=(d.as_str()) selected[f.get("document") == d.as_str()] { (d.label_sv()) }
                                }
                            }
                        }
                        label { (l.t("Lägesbildens år", "The situation picture's year")) input type="number" name="year" min="2023" max="2100" value=(year) required; }
                    }
                    div.two {
                        label { (l.t("Beslutat av", "Decided by")) input type="text" name="decided_by" maxlength="200" value=(f.get("decided_by")) placeholder="Kommunstyrelsen" required; }
                        label { (l.t("Datum", "Date")) input type="date" name="date" value=(f.get("date")) required; }
                    }
                    label { (l.t("Diarienummer", "Case number")) input type="text" name="diarienummer" maxlength="60" value=(f.get("diarienummer")) placeholder="KS-2025/00123" required; }
                    label { (l.t("Anteckning (paragraf, var dokumentet finns)", "Note (minutes paragraph, where the document is)")) textarea name="note" rows="2" { (f.get("note")) } }
                    button.primary type="submit" { (l.t("Spara beslutet", "Save the decision")) }
                }
            }
        }
    };
    Ok(page(
        me,
        l.t(
            "Beslut om lägesbild och åtgärdsplan",
            "Decisions on the situation picture and action plan",
        ),
        notice,
        body,
    ))
}

/// `POST /samverkan/beslut`.
pub(super) async fn add_law_decision(
    State(state): State<AppState>,
    Posted { me, form }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let l = me.ctx.lang;
    let f = Fields(form);
    let again = |msg: String| async {
        Ok::<_, PageError>(refused(
            decisions_page(&state, &me, Some(("error", msg)), &f).await?,
        ))
    };
    let (Some(document), Ok(year), Ok(date)) = (
        LawDocument::parse(f.get("document")),
        f.get("year").trim().parse::<i16>(),
        f.get("date").trim().parse::<Date>(),
    ) else {
        return again(
            l.t(
                "Välj dokument och ange år (ÅÅÅÅ) och datum (ÅÅÅÅ-MM-DD).",
                "Choose the document and give the year (YYYY) and the date (YYYY-MM-DD).",
            )
            .into(),
        )
        .await;
    };
    let decision = LawDecision {
        document,
        year,
        decided_by: f.get("decided_by").trim().to_string(),
        date,
        diarienummer: f.get("diarienummer").trim().to_string(),
        note: f.get("note").trim().to_string(),
    };
    match cases::create(&state, &me.user, &decision).await {
        Ok(_) => Ok(Redirect::to(&saved("/samverkan/beslut", Saved::Any)).into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => again(msg).await,
            None => Err(PageError::from_app(l, e)),
        },
    }
}
