//! `/samverkan/medborgarloften` and the public `/lofte`: the citizens' promises.

use super::*;
use trygg_domain::partnership::{BasisKind, Promise, PromiseBasis};

/// `GET /samverkan/medborgarloften`.
pub(super) async fn promises(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    let l = me.ctx.lang;
    let promises = cases::list::<CitizenPromise>(&state, &me.user)
        .await
        .map_err(store_err(l))?;
    let edit = me.may(Permission::WritePartnership);
    let body = html! {
        @if edit {
            p.actions { a.button.primary href="/samverkan/medborgarloften/ny" { (l.t("Nytt medborgarlöfte", "New citizen promise")) } }
        }
        @if promises.is_empty() { p { (l.t("Inga medborgarlöften är registrerade.", "No citizen promises are stored.")) } }
        @for p in &promises {
            section.card id={ "lofte-" (p.meta.id) } {
                h2 { (p.data.area) " " span.hint { (p.data.from) " – " (p.data.to) } }
                h3 { (l.t("Underlag", "Basis")) }
                ul { @for b in &p.data.basis { li { (basis_label(l, b.kind)) ": " (b.description) } } }
                h3 { (l.t("Löften", "Promises")) }
                @for pr in &p.data.promises {
                    article {
                        p { strong { (pr.text) } " (" (status_label(l, pr.status)) ")" }
                        @if !pr.activities.is_empty() { ul { @for a in &pr.activities { li { @if let Some(d) = a.date { (d) ": " } (a.text) } } } }
                        @if let Some(f) = &pr.follow_up { p.hint { (l.t("Uppföljning: ", "Follow-up: ")) (f) } }
                    }
                }
                @if edit {
                    p.actions {
                        a.button href={ "/samverkan/medborgarloften/" (p.meta.id) } { (l.t("Ändra", "Edit")) }
                    }
                }
            }
        }
    };
    Ok(page(
        &me,
        l.t("Medborgarlöften", "Citizen promises"),
        None,
        body,
    ))
}

const BASIS_KINDS: [(BasisKind, &str); 4] = [
    (BasisKind::Lagesbild, "lagesbild"),
    (BasisKind::Dialog, "dialog"),
    (BasisKind::Survey, "survey"),
    (BasisKind::Other, "other"),
];

fn basis_label(l: Lang, k: BasisKind) -> &'static str {
    match k {
        BasisKind::Lagesbild => l.t("Lägesbild", "Situation picture"),
        BasisKind::Dialog => l.t("Medborgardialog", "Citizen dialogue"),
        BasisKind::Survey => l.t("Trygghetsmätning", "Survey"),
        BasisKind::Other => l.t("Annat", "Other"),
    }
}

/// One activity as a line of the form's text box: `ÅÅÅÅ-MM-DD: text`, or the text alone.
fn activity_line(a: &Activity) -> String {
    match a.date {
        Some(d) => format!("{d}: {}", a.text),
        None => a.text.clone(),
    }
}

/// The activities of a text box, one a line, each with an optional leading date; one dated
/// after `today` is planned, every other one done.
fn parse_activities(l: Lang, text: &str, today: Date) -> Result<Vec<Activity>, String> {
    lines(text)
        .into_iter()
        .map(|line| {
            let dated = line
                .get(..10)
                .filter(|d| d.as_bytes().get(4) == Some(&b'-') && d.as_bytes()[0].is_ascii_digit());
            match dated {
                Some(d) => {
                    let date = d.parse::<Date>().map_err(|_| {
                        format!(
                            "{} \"{line}\"",
                            l.t(
                                "Ange datumet som ÅÅÅÅ-MM-DD i aktiviteten",
                                "Give the date as YYYY-MM-DD in the activity"
                            )
                        )
                    })?;
                    let text = line[10..].trim_start_matches([':', ' ']).trim().to_string();
                    Ok(Activity {
                        date: Some(date),
                        text,
                        done: date <= today,
                    })
                }
                None => Ok(Activity {
                    date: None,
                    text: line,
                    done: false,
                }),
            }
        })
        .collect()
}

/// The form's values for a stored promise.
fn promise_values(p: &CitizenPromise) -> Fields {
    let mut v = Fields(Vec::new());
    v.push("area", &p.area);
    v.push("from", p.from);
    v.push("to", p.to);
    for (k, b) in p.basis.iter().enumerate() {
        let kind = BASIS_KINDS.iter().find(|(x, _)| *x == b.kind);
        v.push(format!("basis_kind_{k}"), kind.map_or("other", |(_, s)| *s));
        v.push(format!("basis_text_{k}"), &b.description);
    }
    for (k, pr) in p.promises.iter().enumerate() {
        v.push(format!("promise_text_{k}"), &pr.text);
        let status = STATUSES.iter().find(|(s, _)| *s == pr.status);
        v.push(
            format!("promise_status_{k}"),
            status.map_or("not_started", |(_, c)| *c),
        );
        v.push(
            format!("promise_done_{k}"),
            pr.activities
                .iter()
                .map(activity_line)
                .collect::<Vec<_>>()
                .join("\n"),
        );
        v.push(
            format!("promise_follow_up_{k}"),
            pr.follow_up.clone().unwrap_or_default(),
        );
    }
    v
}

/// The promise the form describes; empty rows are left out. The domain's rules (an area, a
/// period in order, a basis, a promise) are checked when it is stored.
fn parse_promise(l: Lang, v: &Fields, today: Date) -> Result<CitizenPromise, String> {
    let date = |name: &str, what: &str| {
        v.get(name).parse::<Date>().map_err(|_| {
            format!(
                "{} {what} {}",
                l.t("Ange", "Give"),
                l.t("som ÅÅÅÅ-MM-DD.", "as YYYY-MM-DD.")
            )
        })
    };
    let from = date(
        "from",
        l.t("periodens första dag", "the period's first day"),
    )?;
    let to = date("to", l.t("periodens sista dag", "the period's last day"))?;
    let mut basis = Vec::new();
    for k in 0..v.rows("basis_text_") {
        let Some(description) = super::agreement::opt(v.get(&format!("basis_text_{k}"))) else {
            continue;
        };
        let kind = v.get(&format!("basis_kind_{k}"));
        let kind = BASIS_KINDS
            .iter()
            .find(|(_, s)| *s == kind)
            .map_or(BasisKind::Other, |(k, _)| *k);
        basis.push(PromiseBasis { kind, description });
    }
    let mut promises = Vec::new();
    for k in 0..v.rows("promise_text_") {
        let Some(text) = super::agreement::opt(v.get(&format!("promise_text_{k}"))) else {
            continue;
        };
        let status = v.get(&format!("promise_status_{k}"));
        let status = STATUSES
            .iter()
            .find(|(_, c)| *c == status)
            .map_or(CommitmentStatus::NotStarted, |(s, _)| *s);
        promises.push(Promise {
            text,
            activities: parse_activities(l, v.get(&format!("promise_done_{k}")), today)?,
            follow_up: super::agreement::opt(v.get(&format!("promise_follow_up_{k}"))),
            status,
        });
    }
    Ok(CitizenPromise {
        area: v.get("area").to_string(),
        from,
        to,
        basis,
        promises,
    })
}

/// The form of a new (`id` None) or stored promise, filled with `v`, with one empty row for
/// another basis and another promise.
async fn promise_form(
    state: &AppState,
    me: &SignedIn,
    id: Option<(i64, i64)>,
    v: &Fields,
    notice: Option<(&str, String)>,
) -> Result<Markup, PageError> {
    let l = me.ctx.lang;
    let areas = trygg_app::reference::areas(state, &me.user)
        .await
        .map_err(store_err(l))?;
    let action = match id {
        Some((id, _)) => format!("/samverkan/medborgarloften/{id}"),
        None => "/samverkan/medborgarloften/ny".to_string(),
    };
    let bases = v.rows("basis_text_") + 1;
    let promises = v.rows("promise_text_") + 1;
    let title = match id {
        Some(_) => l.t("Ändra medborgarlöftet", "Edit the citizen promise"),
        None => l.t("Nytt medborgarlöfte", "New citizen promise"),
    };
    let body = html! {
        p { a href="/samverkan/medborgarloften" { "← " (l.t("Medborgarlöften", "Citizen promises")) } }
        form.grid.record-edit #lofte method="post" action=(action) {
            (me.ctx.csrf_field())
            @if let Some((_, version)) = id { input type="hidden" name="version" value=(version); }
            div.row {
                label { (l.t("Område", "Area"))
                    input type="text" name="area" required maxlength="200" list="area-names" value=(v.get("area"));
                }
                label { (l.t("Från", "From")) input type="date" name="from" required value=(v.get("from")); }
                label { (l.t("Till", "To")) input type="date" name="to" required value=(v.get("to")); }
            }
            datalist #area-names { @for a in &areas { option value=(a.name) {} } }
            fieldset {
                legend { (l.t("Underlag: vad löftet bygger på", "Basis: what the promise rests on")) }
                @for k in 0..bases {
                    div.row {
                        label { (l.t("Slag", "Kind"))
                            select name={ "basis_kind_" (k) } {
                                @for (kind, code) in BASIS_KINDS {
                                    option value=(code) selected[v.get(&format!("basis_kind_{k}")) == code] { (basis_label(l, kind)) }
                                }
                            }
                        }
                        label { (l.t("Beskrivning", "Description"))
                            input type="text" name={ "basis_text_" (k) } maxlength="500" value=(v.get(&format!("basis_text_{k}")));
                        }
                    }
                }
            }
            @for k in 0..promises {
                fieldset.promise {
                    legend { (l.t("Löfte", "Promise")) " " (k + 1) @if k + 1 == promises { " " span.hint { (l.t("(lämna tomt om inget fler)", "(leave empty if no more)")) } } }
                    label { (l.t("Löftet, som det sägs till invånarna", "The promise, as told to residents"))
                        textarea name={ "promise_text_" (k) } rows="2" maxlength="1000" { (v.get(&format!("promise_text_{k}"))) }
                    }
                    label { (l.t("Status", "Status"))
                        select name={ "promise_status_" (k) } {
                            @for (s, code) in STATUSES {
                                option value=(code) selected[v.get(&format!("promise_status_{k}")) == code] { (status_label(l, s)) }
                            }
                        }
                    }
                    label { (l.t("Vad som är gjort (en aktivitet per rad, gärna ÅÅÅÅ-MM-DD: först)", "What is done (one activity per line, optionally YYYY-MM-DD: first)"))
                        textarea name={ "promise_done_" (k) } rows="3" { (v.get(&format!("promise_done_{k}"))) }
                    }
                    label { (l.t("Uppföljning: hur och vad den visade", "Follow-up: how, and what it found"))
                        textarea name={ "promise_follow_up_" (k) } rows="2" { (v.get(&format!("promise_follow_up_{k}"))) }
                    }
                }
            }
            p.hint { (l.t("Medborgarlöftena visas för alla på /lofte. Skriv inga personuppgifter.", "The citizen promises are shown to everyone at /lofte. Write no personal data.")) }
            button.primary type="submit" { (l.t("Spara medborgarlöftet", "Save the citizen promise")) }
        }
        @if let Some((id, _)) = id {
            form.inline.remove method="post" action={ "/samverkan/medborgarloften/" (id) "/ta-bort" } {
                (me.ctx.csrf_field())
                button type="submit" { (l.t("Ta bort medborgarlöftet", "Remove the citizen promise")) }
            }
        }
    };
    Ok(page(me, title, notice, body))
}

/// `GET /samverkan/medborgarloften/ny`.
pub(super) async fn new_promise(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    may_write(&state, &me, None).await?;
    promise_form(&state, &me, None, &Fields::default(), None).await
}

/// `GET /samverkan/medborgarloften/{id}`: the stored promise in the form.
pub(super) async fn edit_promise(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    may_write(&state, &me, None).await?;
    let stored = cases::get::<CitizenPromise>(&state, &me.user, id)
        .await
        .map_err(store_err(me.ctx.lang))?;
    let v = promise_values(&stored.data);
    promise_form(&state, &me, Some((id, stored.meta.version)), &v, None).await
}

/// Stores the posted promise (`id` None: a new one) and goes back to the list, or shows the
/// form again with what was typed and why it was refused (422).
async fn save_promise(
    state: &AppState,
    me: SignedIn,
    id: Option<i64>,
    f: Vec<(String, String)>,
) -> Result<Response, PageError> {
    may_write(state, &me, None).await?;
    let l = me.ctx.lang;
    let v = Fields(f);
    let version = v.get("version").parse::<i64>().unwrap_or(0);
    let at = id.map(|id| (id, version));
    let promise = match parse_promise(l, &v, state.today()) {
        Ok(p) => p,
        Err(msg) => {
            return Ok(refused(
                promise_form(state, &me, at, &v, Some(("error", msg))).await?,
            ));
        }
    };
    let written = match id {
        Some(id) => cases::update(state, &me.user, id, version, &promise).await,
        None => cases::create(state, &me.user, &promise).await,
    };
    match written {
        Ok(s) => Ok(Redirect::to(&saved(
            &format!("/samverkan/medborgarloften#lofte-{}", s.meta.id),
            Saved::Any,
        ))
        .into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => Ok(refused(
                promise_form(state, &me, at, &v, Some(("error", msg))).await?,
            )),
            None => Err(PageError::from_app(l, e)),
        },
    }
}

/// `POST /samverkan/medborgarloften/ny`: `area`, `from`, `to`, rows `basis_kind_K` and
/// `basis_text_K`, and rows `promise_text_K`, `promise_status_K`, `promise_done_K` (activities,
/// one a line) and `promise_follow_up_K`.
pub(super) async fn create_promise(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save_promise(&state, me, None, f).await
}

/// `POST /samverkan/medborgarloften/{id}`: the same fields and the `version` read.
pub(super) async fn update_promise(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    save_promise(&state, me, Some(id), f).await
}

/// `POST /samverkan/medborgarloften/{id}/ta-bort`.
pub(super) async fn remove_promise(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Posted { me, .. }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let l = me.ctx.lang;
    cases::delete::<CitizenPromise>(&state, &me.user, id)
        .await
        .map_err(store_err(l))?;
    Ok(Redirect::to(&saved("/samverkan/medborgarloften", Saved::Removed)).into_response())
}

/// `GET /lofte`: the citizen promises for everyone, without signing in — area, period, what
/// they rest on, the promises, what is done and how they are followed up (the records hold no
/// personal data: free text with a personal identity number is refused when written).
pub(crate) async fn public_promises(
    State(state): State<AppState>,
    page: crate::ui::extract::Page,
) -> Result<Markup, PageError> {
    let l = page.ctx.lang;
    let mut promises = cases::published_promises(&state)
        .await
        .map_err(store_err(l))?;
    promises.sort_by_key(|p| std::cmp::Reverse(p.data.from));
    // The published figures of each promise's area (none when the public map is off).
    let publication = trygg_app::public::publication(&state).await.ok();
    let figures = |p: &CitizenPromise| {
        publication
            .as_ref()
            .and_then(|x| x.before_after(&p.area, p.from, p.to, 6))
    };
    let body = html! {
        h1 { (l.t("Medborgarlöften", "Citizen promises")) }
        p { (l.t(
            "Kommunen och polisen lovar invånarna i ett område att göra något åt det som oroar dem mest. Här är löftena, vad de bygger på och hur det går.",
            "The municipality and the police promise the residents of an area to act on what worries them most. Here are the promises, what they rest on and how it is going.",
        )) }
        @if promises.is_empty() { p { (l.t("Inga medborgarlöften är publicerade.", "No citizen promises are published.")) } }
        @for p in &promises {
            section.card {
                h2 { (p.data.area) " " span.hint { (p.data.from) " – " (p.data.to) } }
                @for pr in &p.data.promises {
                    article {
                        h3 { (pr.text) }
                        p { strong { (l.t("Läge: ", "Status: ")) } (status_label(l, pr.status)) }
                        @if !pr.activities.is_empty() { ul { @for a in &pr.activities { li { @if let Some(d) = a.date { (d) ": " } (a.text) } } } }
                        @if let Some(f) = &pr.follow_up { p { strong { (l.t("Uppföljning: ", "Follow-up: ")) } (f) } }
                    }
                }
                p.hint { (l.t("Löftena bygger på: ", "The promises rest on: ")) (p.data.basis.iter().map(|b| b.description.as_str()).collect::<Vec<_>>().join(" ")) }
                @if let Some(f) = figures(&p.data) { (promise_figures(l, &f)) }
            }
        }
    };
    Ok(layout(
        &page.ctx,
        l.t("Medborgarlöften", "Citizen promises"),
        body,
    ))
}

/// A promise's area before and after, in the public map's published numbers.
fn promise_figures(l: Lang, f: &trygg_app::public::BeforeAfter) -> Markup {
    let mean = |m: Option<f64>, cells: &[trygg_app::public::Cell]| -> String {
        match m {
            Some(x) => format!(
                "{} {}",
                trygg_app::sv_number(x, 1, false),
                l.t("per månad", "a month")
            ),
            None if cells.is_empty() => l
                .t("inga publicerade månader", "no published months")
                .into(),
            None => l
                .t(
                    "kan inte räknas: några månader har för få händelser för att visas",
                    "cannot be given: some months have too few events to be shown",
                )
                .into(),
        }
    };
    let span = |cells: &[trygg_app::public::Cell]| match (cells.first(), cells.last()) {
        (Some(a), Some(b)) => format!(
            " ({} – {})",
            a.month.label(l == Lang::En),
            b.month.label(l == Lang::En)
        ),
        _ => String::new(),
    };
    html! {
        div.promise-figures {
            h3 { (l.t("Händelser i ", "Events in ")) (f.area) }
            ul {
                li { (l.t("Före löftet", "Before the promise")) (span(&f.before)) ": " (mean(f.before_mean, &f.before)) }
                li { (l.t("Sedan löftet", "Since the promise")) (span(&f.after)) ": " (mean(f.after_mean, &f.after)) }
            }
            p.hint { (l.t("Samma siffror som på trygghetskartan: hela månader, inga enskilda händelser. ", "The same figures as on the safety map: whole months, no single events. ")) a href="/karta" { (l.t("Till kartan", "To the map")) } }
        }
    }
}
