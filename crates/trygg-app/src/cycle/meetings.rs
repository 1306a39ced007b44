//! Weekly EST meetings, their generated lägesbild, and the feedback to reporters.

use jiff::Span;
use serde_json::{Value, json};
use trygg_analysis::snapshot::{Granularity, PeriodKey};
use trygg_domain::Visibility;
use trygg_domain::{
    IncidentFilter, Permission, Taxonomy,
    cycle::{Meeting, Record},
};
use trygg_store::records::{self, Stored};

use super::{check_owner, create, load, visible};
use crate::{App, AppError, Principal};

/// The generated lägesbild of a week: counts per category group that week, the week before,
/// and the mean of the four weeks before it, in the reader's view.
pub fn briefing(app: &App, who: &Principal, (year, week): (i16, i8)) -> Value {
    let Ok(monday) =
        jiff::civil::ISOWeekDate::new(year, week, jiff::civil::Weekday::Monday).map(|d| d.date())
    else {
        return Value::Null;
    };
    let from = monday.checked_sub(Span::new().weeks(4)).unwrap_or(monday);
    let to = monday.checked_add(Span::new().weeks(1)).unwrap_or(monday);
    let filter = IncidentFilter {
        from: app.midnight(from),
        to: app.midnight(to),
        scope: who.scope(),
        ..Default::default()
    };
    let rows = app.live().with(&filter, |snap, f| {
        snap.counts(f, Granularity::IsoWeek, true, false)
    });
    let mut groups: std::collections::BTreeMap<&'static str, [u32; 5]> = Default::default();
    let weeks: Vec<PeriodKey> = (0..5)
        .map(|k| {
            let d = from
                .checked_add(Span::new().weeks(k))
                .unwrap_or(from)
                .iso_week_date();
            PeriodKey::IsoWeek {
                year: d.year(),
                week: d.week(),
            }
        })
        .collect();
    for r in rows {
        let Some(slot) = weeks.iter().position(|w| *w == r.period) else {
            continue;
        };
        let Some(code) = r
            .category
            .and_then(|c| Taxonomy.all().get(usize::from(c)))
            .and_then(|c| Taxonomy.group_of(c.code))
            .map(|g| g.code)
        else {
            continue;
        };
        groups.entry(code).or_default()[slot] += r.count;
    }
    let items: Vec<Value> = groups
        .iter()
        .map(|(code, c)| {
            json!({
                "group": code,
                "label_sv": Taxonomy.get(code).map(|x| x.label_sv),
                "count": c[4],
                "previous_week": c[3],
                "mean_4_weeks_before": f64::from(c[0] + c[1] + c[2] + c[3]) / 4.0,
            })
        })
        .collect();
    let total: u32 = groups.values().map(|c| c[4]).sum();
    json!({
        "week": format!("{year}-W{week:02}"),
        "from": monday,
        "to": to,
        "total": total,
        "groups": items,
    })
}

fn newest_first(items: &mut [Stored<Meeting>]) {
    items.sort_by(|a, b| {
        b.data
            .date
            .cmp(&a.data.date)
            .then(b.meta.id.cmp(&a.meta.id))
    });
}

/// Every meeting, newest first (needs [`Permission::ReadCycle`]).
pub async fn meetings(app: &App, who: &Principal) -> Result<Vec<Stored<Meeting>>, AppError> {
    who.check(Permission::ReadCycle)?;
    let mut items = visible::<Meeting>(app, who).await?;
    newest_first(&mut items);
    Ok(items)
}

/// One meeting, with the generated lägesbild of its week unless `with_briefing` is false.
pub async fn meeting(
    app: &App,
    who: &Principal,
    id: i64,
    with_briefing: bool,
) -> Result<(Stored<Meeting>, Value), AppError> {
    who.check(Permission::ReadCycle)?;
    let m = load::<Meeting>(app, who, id, "Meeting").await?;
    let b = if with_briefing {
        briefing(app, who, m.data.briefing_week())
    } else {
        Value::Null
    };
    Ok((m, b))
}

/// Checks and writes a new meeting, carrying over the open actions of the one before; returns
/// it and how many actions were carried over.
pub async fn create_meeting(
    app: &App,
    who: &Principal,
    visibility: Visibility,
    mut m: Meeting,
) -> Result<(Stored<Meeting>, usize), AppError> {
    who.check(Permission::WriteMeeting)?;
    m.validate()?;
    m.assign_action_keys();
    let previous = visible::<Meeting>(app, who)
        .await?
        .into_iter()
        .filter(|p| p.data.date < m.date)
        .max_by(|a, b| {
            a.data
                .date
                .cmp(&b.data.date)
                .then(a.meta.id.cmp(&b.meta.id))
        });
    let carried = previous.map_or(0, |p| {
        m.carry_over_from(trygg_domain::cycle::Id::new(p.meta.id), &p.data)
    });
    let stored = create(app, who, visibility, &m).await?;
    feedback_to_reporters(app, &stored).await;
    Ok((stored, carried))
}

/// Checks and writes a changed meeting of one's own organisation (`version`: the one read).
pub async fn save_meeting(
    app: &App,
    who: &Principal,
    id: i64,
    version: i64,
    mut data: Meeting,
) -> Result<Stored<Meeting>, AppError> {
    who.check(Permission::WriteMeeting)?;
    let old = load::<Meeting>(app, who, id, "Meeting").await?;
    check_owner(
        app,
        who,
        Permission::WriteMeeting,
        &format!("Meeting {id}"),
        old.meta.organisation_id,
    )
    .await?;
    data.assign_action_keys();
    data.validate()?;
    let stored = records::update(app.store.as_ref(), &who.actor(), id, version, &data).await?;
    feedback_to_reporters(app, &stored).await;
    Ok(stored)
}

/// E-mails the meeting's new feedback to the reporters it concerns (when SMTP is configured);
/// the meeting is written whatever the mail does.
async fn feedback_to_reporters(app: &App, meeting: &Stored<Meeting>) {
    crate::notify::log_failure(
        "meeting written",
        crate::notify::feedback_given(app, meeting)
            .await
            .map(|_| ()),
    );
}

/// One piece of feedback from an EST meeting to reporters.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FeedbackItem {
    /// The meeting it came from.
    pub meeting_id: i64,
    /// The meeting's date.
    pub date: jiff::civil::Date,
    /// What the meeting says.
    pub text: String,
    /// The reports it answers.
    pub report_ids: Vec<trygg_domain::ReportId>,
    /// The incidents it answers.
    pub incident_ids: Vec<trygg_domain::IncidentId>,
}

/// Feedback to the reporters from every meeting, newest first. Whoever reads the cycle sees all
/// of it; a reporter sees what was said to all reporters and the feedback on their own reports.
pub async fn feedback(app: &App, who: &Principal) -> Result<Vec<FeedbackItem>, AppError> {
    let all = who.may(Permission::ReadCycle);
    if !all {
        who.check(Permission::ReadOwnReports)?;
    }
    let own = if all {
        None
    } else {
        Some(crate::incidents::own_filed(app, who).await?)
    };
    let mut meetings = visible::<Meeting>(app, who).await?;
    newest_first(&mut meetings);
    Ok(meetings
        .iter()
        .flat_map(|m| {
            m.data.feedback.iter().map(|f| FeedbackItem {
                meeting_id: m.meta.id,
                date: m.data.date,
                text: f.text.clone(),
                report_ids: f.report_ids.clone(),
                incident_ids: f.incident_ids.clone(),
            })
        })
        .filter(|f| {
            own.as_ref().is_none_or(|(reports, incidents)| {
                (f.report_ids.is_empty() && f.incident_ids.is_empty())
                    || f.report_ids.iter().any(|r| reports.contains(r))
                    || f.incident_ids.iter().any(|i| incidents.contains(i))
            })
        })
        .collect())
}
