//! `/samverkan/kommunikation`: the communication plan.

use super::*;
use trygg_domain::partnership::CommunicationActivity;

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
        @if me.may(Permission::WritePartnership) {
            p.actions { a.button.primary href="/samverkan/kommunikation/andra" {
                @if plans.is_empty() { (l.t("Skriv kommunikationsplanen", "Write the communication plan")) }
                @else { (l.t("Ändra planen, budskapen och aktiviteterna", "Edit the plan, its messages and activities")) }
            } }
        }
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

/// The form's values for a stored plan.
fn plan_values(p: &CommunicationPlan) -> Fields {
    let mut v = Fields(Vec::new());
    v.push("purpose", &p.purpose);
    v.push("key_messages", p.key_messages.join("\n"));
    v.push("promise_plans", p.citizen_promise_plans.join("\n"));
    for (k, a) in p.activities.iter().enumerate() {
        v.push(
            format!("activity_date_{k}"),
            a.date.map(|d| d.to_string()).unwrap_or_default(),
        );
        v.push(format!("activity_text_{k}"), &a.text);
        v.push(format!("activity_channel_{k}"), &a.channel);
        v.push(format!("activity_audience_{k}"), &a.audience);
        v.push(format!("activity_responsible_{k}"), &a.responsible);
    }
    v
}

/// The plan the form describes: rows without a text or with `activity_remove_K` are left
/// out. The domain's rules (a purpose, a key message) are checked when it is stored.
fn parse_plan(l: Lang, v: &Fields) -> Result<CommunicationPlan, String> {
    let mut activities = Vec::new();
    for k in 0..v.rows("activity_text_") {
        let Some(text) = super::agreement::opt(v.get(&format!("activity_text_{k}"))) else {
            continue;
        };
        if !v.get(&format!("activity_remove_{k}")).is_empty() {
            continue;
        }
        let date = match v.get(&format!("activity_date_{k}")) {
            "" => None,
            d => Some(d.parse::<Date>().map_err(|_| {
                format!(
                    "{} \"{text}\".",
                    l.t(
                        "Ange datumet som ÅÅÅÅ-MM-DD för aktiviteten",
                        "Give the date as YYYY-MM-DD for the activity"
                    )
                )
            })?),
        };
        activities.push(CommunicationActivity {
            date,
            text,
            channel: v.get(&format!("activity_channel_{k}")).to_string(),
            audience: v.get(&format!("activity_audience_{k}")).to_string(),
            responsible: v.get(&format!("activity_responsible_{k}")).to_string(),
        });
    }
    activities.sort_by_key(|a| a.date);
    Ok(CommunicationPlan {
        purpose: v.get("purpose").to_string(),
        key_messages: lines(v.get("key_messages")),
        activities,
        citizen_promise_plans: lines(v.get("promise_plans")),
    })
}

/// The plan's form, filled with `v`, with one empty activity row to add one.
fn plan_form(me: &SignedIn, version: i64, v: &Fields, notice: Option<(&str, String)>) -> Markup {
    let l = me.ctx.lang;
    let rows = v.rows("activity_text_") + 1;
    let body = html! {
        p { a href="/samverkan/kommunikation" { "← " (l.t("Kommunikationsplan", "Communication plan")) } }
        form.grid.record-edit #kommunikation method="post" action="/samverkan/kommunikation/andra" {
            (me.ctx.csrf_field())
            input type="hidden" name="version" value=(version);
            label { (l.t("Syfte", "Purpose")) textarea name="purpose" rows="3" required { (v.get("purpose")) } }
            label { (l.t("Huvudbudskap (ett per rad)", "Key messages (one per line)")) textarea name="key_messages" rows="4" required { (v.get("key_messages")) } }
            label { (l.t("Planer för medborgarlöftena (en per rad)", "Plans for the citizen promises (one per line)")) textarea name="promise_plans" rows="2" { (v.get("promise_plans")) } }
            @for k in 0..rows {
                fieldset.activity {
                    legend {
                        @if k + 1 == rows { (l.t("Ny aktivitet", "New activity")) } @else { (l.t("Aktivitet", "Activity")) " " (k + 1) }
                    }
                    div.row {
                        label { (l.t("Datum", "Date")) input type="date" name={ "activity_date_" (k) } value=(v.get(&format!("activity_date_{k}"))); }
                        label { (l.t("Vad", "What")) input type="text" name={ "activity_text_" (k) } maxlength="500" value=(v.get(&format!("activity_text_{k}"))); }
                    }
                    div.row {
                        label { (l.t("Kanal", "Channel")) input type="text" name={ "activity_channel_" (k) } maxlength="200" value=(v.get(&format!("activity_channel_{k}"))); }
                        label { (l.t("Målgrupp", "Audience")) input type="text" name={ "activity_audience_" (k) } maxlength="200" value=(v.get(&format!("activity_audience_{k}"))); }
                        label { (l.t("Ansvarig", "Responsible")) input type="text" name={ "activity_responsible_" (k) } maxlength="200" value=(v.get(&format!("activity_responsible_{k}"))); }
                    }
                    @if k + 1 < rows {
                        label.check { input type="checkbox" name={ "activity_remove_" (k) } value="1"; " " (l.t("Ta bort aktiviteten", "Remove the activity")) }
                    }
                }
            }
            button.primary type="submit" { (l.t("Spara kommunikationsplanen", "Save the communication plan")) }
        }
    };
    page(
        me,
        l.t("Ändra kommunikationsplanen", "Edit the communication plan"),
        notice,
        body,
    )
}

/// `GET /samverkan/kommunikation/andra`: the plan in its form (empty before one is stored).
pub(super) async fn edit_communication(
    State(state): State<AppState>,
    me: SignedIn,
) -> Result<Markup, PageError> {
    may_write(&state, &me, None).await?;
    let stored = cases::communication_plan(&state, &me.user)
        .await
        .map_err(store_err(me.ctx.lang))?;
    Ok(match stored {
        Some(p) => plan_form(&me, p.meta.version, &plan_values(&p.data), None),
        None => plan_form(&me, 0, &Fields::default(), None),
    })
}

/// `POST /samverkan/kommunikation/andra`: `purpose`, `key_messages` and `promise_plans` (one a
/// line), rows `activity_{date,text,channel,audience,responsible,remove}_K`, and the `version`
/// read (0 creates the plan).
pub(super) async fn save_communication(
    State(state): State<AppState>,
    Posted { me, form: f }: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    may_write(&state, &me, None).await?;
    let l = me.ctx.lang;
    let v = Fields(f);
    let version = v.get("version").parse::<i64>().unwrap_or(0);
    let again = |msg: String| refused(plan_form(&me, version, &v, Some(("error", msg))));
    let plan = match parse_plan(l, &v) {
        Ok(p) => p,
        Err(msg) => return Ok(again(msg)),
    };
    match cases::put_communication_plan(&state, &me.user, version, &plan).await {
        Ok(_) => Ok(Redirect::to(&saved("/samverkan/kommunikation", Saved::Any)).into_response()),
        Err(e) => match refusal(l, &e) {
            Some(msg) => Ok(again(msg)),
            None => Err(PageError::from_app(l, e)),
        },
    }
}
