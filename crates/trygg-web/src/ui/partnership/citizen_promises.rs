//! `/samverkan/medborgarloften` and the public `/lofte`: the citizens' promises.

use super::*;

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
    let body = html! {
        @if promises.is_empty() { p { (l.t("Inga medborgarlöften är registrerade.", "No citizen promises are stored.")) } }
        @for p in &promises {
            section.card {
                h2 { (p.data.area) " " span.hint { (p.data.from) " – " (p.data.to) } }
                h3 { (l.t("Underlag", "Basis")) }
                ul { @for b in &p.data.basis { li { (b.description) } } }
                h3 { (l.t("Löften", "Promises")) }
                @for pr in &p.data.promises {
                    article {
                        p { strong { (pr.text) } " (" (status_label(l, pr.status)) ")" }
                        @if !pr.activities.is_empty() { ul { @for a in &pr.activities { li { @if let Some(d) = a.date { (d) ": " } (a.text) } } } }
                        @if let Some(f) = &pr.follow_up { p.hint { (l.t("Uppföljning: ", "Follow-up: ")) (f) } }
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
