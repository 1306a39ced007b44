//! `/samverkan/kommunikation`: the communication plan.

use super::*;

/// `GET /samverkan/kommunikation`.
pub(super) async fn communication(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    me.check(Permission::ReadPartnership)?;
    let l = me.ctx.lang;
    let plans = cases::list::<CommunicationPlan>(&state, &me.user)
        .await
        .map_err(store_err(l))?;
    let body = html! {
        @if plans.is_empty() { p { (l.t("Ingen kommunikationsplan är registrerad.", "No communication plan is stored.")) } }
        @for p in &plans {
            section.card {
                p { (p.data.purpose) }
                h2 { (l.t("Huvudbudskap", "Key messages")) }
                ul { @for m in &p.data.key_messages { li { (m) } } }
                h2 { (l.t("Aktiviteter", "Activities")) }
                @if p.data.activities.is_empty() { p.hint { (l.t("Inga aktiviteter registrerade.", "No activities recorded.")) } }
                @else {
                    table.list {
                        thead { tr { th { (l.t("Datum", "Date")) } th { (l.t("Vad", "What")) } th { (l.t("Kanal", "Channel")) } th { (l.t("Målgrupp", "Audience")) } th { (l.t("Ansvarig", "Responsible")) } } }
                        tbody { @for a in &p.data.activities { tr {
                            td { @if let Some(d) = a.date { (d) } } td { (a.text) } td { (a.channel) } td { (a.audience) } td { (a.responsible) }
                        } } }
                    }
                }
                @if !p.data.citizen_promise_plans.is_empty() {
                    h2 { (l.t("Planer för medborgarlöftena", "Plans for the citizen promises")) }
                    ul { @for n in &p.data.citizen_promise_plans { li { (n) } } }
                }
            }
        }
    };
    Ok(page(
        &me,
        l.t("Kommunikationsplan", "Communication plan"),
        None,
        body,
    ))
}
