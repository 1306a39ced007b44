//! Retention (*gallring*): the kommun's rules per information class, from `[retention]` in
//! `trygg.toml`, turned into the store's concrete [`Purge`]s with their cutoffs.
//!
//! Every rule is off until configured: nothing is deleted unless the kommun has decided it (in
//! its *dokumenthanteringsplan*). [`plan`] counts what would go (the dry run, writes nothing);
//! [`run`] executes, each purge one transaction with its retention record in the audit log
//! (class, rule, count, cutoff; never content), and brings the analysis snapshot up to date.
//! Other servers follow through the change feed ([`crate::follow`]). [`daily`] runs the rules
//! once at start and then every 24 hours; it is idempotent (a second run removes nothing and
//! records nothing), so several servers may each run it.
//!
//! Cutoffs are calendar years and days back from now in the configured time zone. Approved
//! follow-ups and other records are never touched: they keep the figures they were approved
//! with.

use std::time::Duration;

use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use trygg_domain::cycle::Record;
use trygg_domain::notice::Notice;
use trygg_domain::tip::Tip;
use trygg_domain::{Actor, Channel};
use trygg_store::retention::{ID_CHUNK, Purge};

use crate::{App, AppError};

/// How often [`daily`] runs the rules.
pub const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// The retention rules (`[retention]` in `trygg.toml`). Every rule is off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rules {
    /// Blank the free text (description) of incidents filed through EST reports whose window
    /// ended more than this many years ago.
    pub est_free_text_years: Option<u32>,
    /// Delete incidents per source after a number of years (`[[retention.incidents]]`).
    pub incidents: Vec<IncidentRule>,
    /// Delete audit events older than this many years (never the retention records).
    pub audit_years: Option<u32>,
    /// Delete expired sessions, and noted sign-in failures older than a day.
    pub sessions: bool,
    /// Delete API tokens expired or revoked more than this many days ago.
    pub expired_tokens_days: Option<u32>,
    /// Delete citizens' tips decided (accepted, merged or rejected) more than this many days
    /// ago, with their audit events. An accepted tip's incident stays, under the incident rules.
    pub tips_days: Option<u32>,
    /// Remove the e-mail address from tips decided more than this many days ago, in the tip and
    /// in every audit copy (the address is only there to send the decision).
    pub tip_email_days: Option<u32>,
    /// Delete e-mail notices (which name their recipient by reference, never by address) whose
    /// delivery ended — sent, failed or dropped — more than this many days ago.
    pub notices_days: Option<u32>,
}

/// Incidents of one source go after `years`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentRule {
    /// A channel (`est`, `polisen`, `import`, `api`) or an organisation's name.
    pub source: String,
    /// Incidents whose window ended more than this many years ago go.
    pub years: u32,
}

/// One purge of a plan or a run: the class, the rule it comes from (as written in
/// `trygg.toml`), the store's instruction, and how many would go (plan) or went (run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The rule, e.g. `audit_years = 10`.
    pub rule: String,
    /// What the store does.
    pub purge: Purge,
    /// How many rows would go (plan) or went (run).
    pub count: u64,
}

impl Step {
    /// The information class (`incident_text`, `incident`, `audit_event`, `session`,
    /// `sign_in_failure`, `api_token`, `tip_email`, `tip`, `notice`).
    pub fn class(&self) -> &'static str {
        self.purge.class()
    }

    /// What is older goes.
    pub fn cutoff(&self) -> Timestamp {
        self.purge.cutoff()
    }
}

/// The longest retention period a rule may name, in years (a typo guard).
const MAX_YEARS: u32 = 200;

impl Rules {
    /// Whether no rule is configured.
    pub fn is_empty(&self) -> bool {
        self.est_free_text_years.is_none()
            && self.incidents.is_empty()
            && self.audit_years.is_none()
            && !self.sessions
            && self.expired_tokens_days.is_none()
            && self.tips_days.is_none()
            && self.tip_email_days.is_none()
            && self.notices_days.is_none()
    }

    /// Checks what can be checked without the database; the sentence says what to fix.
    pub fn check(&self) -> Result<(), String> {
        let years = |key: &str, v: u32| {
            if v == 0 || v > MAX_YEARS {
                Err(format!(
                    "retention: {key} = {v} is not a retention period; give whole years from 1 to {MAX_YEARS}, or leave the key out to keep everything"
                ))
            } else {
                Ok(())
            }
        };
        if let Some(v) = self.est_free_text_years {
            years("est_free_text_years", v)?;
        }
        if let Some(v) = self.audit_years {
            years("audit_years", v)?;
        }
        for (key, value, keeps) in [
            (
                "expired_tokens_days",
                self.expired_tokens_days,
                "expired tokens",
            ),
            ("tips_days", self.tips_days, "decided tips"),
            (
                "tip_email_days",
                self.tip_email_days,
                "the tips' e-mail addresses",
            ),
        ] {
            if let Some(v) = value
                && (v == 0 || v > MAX_YEARS * 366)
            {
                return Err(format!(
                    "retention: {key} = {v} is not a period; give whole days from 1, or leave the key out to keep {keeps}"
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for r in &self.incidents {
            let source = r.source.trim();
            if source.is_empty() {
                return Err(
                    "retention: a [[retention.incidents]] rule has an empty source; name a channel (est, polisen, import, api, tips) or an organisation".into(),
                );
            }
            years(
                &format!("[[retention.incidents]] source = {source:?}, years"),
                r.years,
            )?;
            if !seen.insert(source.to_lowercase()) {
                return Err(format!(
                    "retention: two [[retention.incidents]] rules name the source {source:?}; keep one"
                ));
            }
        }
        Ok(())
    }
}

/// The rules as concrete purges with cutoffs at `app.now()`; organisation names are looked up
/// (an unknown source is refused, naming it and the choices).
pub async fn purges(app: &App, rules: &Rules) -> Result<Vec<(String, Purge)>, AppError> {
    rules.check().map_err(|m| AppError::param("retention", m))?;
    // Whole seconds: the precision incidents, sessions and tokens are stored with.
    let now = Timestamp::from_second(app.now().as_second())
        .map_err(|e| AppError::Internal(format!("retention clock: {e}")))?;
    let zoned = now.to_zoned(app.tz.clone());
    let back = |span: jiff::Span| -> Result<Timestamp, AppError> {
        zoned
            .checked_sub(span)
            .map(|z| z.timestamp())
            .map_err(|e| AppError::Internal(format!("retention cutoff: {e}")))
    };
    let mut out = Vec::new();
    if let Some(y) = rules.est_free_text_years {
        out.push((
            format!("est_free_text_years = {y}"),
            Purge::BlankIncidentText {
                channel: Channel::Est,
                before: back(i64::from(y).years())?,
            },
        ));
    }
    if !rules.incidents.is_empty() {
        let orgs = app.store.list_organisations().await?;
        for r in &rules.incidents {
            let source = r.source.trim();
            let before = back(i64::from(r.years).years())?;
            let rule = format!("incidents source = {source:?}, years = {}", r.years);
            let purge = if let Some(channel) = Channel::parse(&source.to_lowercase()) {
                Purge::DeleteIncidents {
                    channel: Some(channel),
                    source_org: None,
                    before,
                }
            } else if let Some(o) = orgs
                .iter()
                .find(|o| o.name.trim().to_lowercase() == source.to_lowercase())
            {
                Purge::DeleteIncidents {
                    channel: None,
                    source_org: Some(o.id),
                    before,
                }
            } else {
                let names: Vec<String> = orgs.iter().map(|o| format!("{:?}", o.name)).collect();
                return Err(AppError::param(
                    "retention.incidents",
                    format!(
                        "retention: [[retention.incidents]] source = {source:?} is neither a channel (est, polisen, import, api, tips) nor an organisation's name; the organisations are {}. Fix the name in trygg.toml",
                        if names.is_empty() {
                            "none yet".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                ));
            };
            out.push((rule, purge));
        }
    }
    if let Some(y) = rules.audit_years {
        out.push((
            format!("audit_years = {y}"),
            Purge::DeleteAudit {
                before: back(i64::from(y).years())?,
            },
        ));
    }
    if rules.sessions {
        out.push(("sessions = true".into(), Purge::DeleteSessions { now }));
        out.push((
            "sessions = true".into(),
            Purge::DeleteSignInFailures {
                before: back(1.day())?,
            },
        ));
    }
    if let Some(d) = rules.expired_tokens_days {
        out.push((
            format!("expired_tokens_days = {d}"),
            Purge::DeleteTokens {
                before: back(i64::from(d).days())?,
            },
        ));
    }
    // The address first: a tip whose both rules have come due loses its address, then itself.
    if let Some(d) = rules.tip_email_days {
        let before = back(i64::from(d).days())?;
        for ids in crate::tips::decided_before(app, before, true)
            .await?
            .chunks(ID_CHUNK)
        {
            out.push((
                format!("tip_email_days = {d}"),
                Purge::BlankRecordField {
                    class: "tip_email",
                    kind: Tip::KIND,
                    field: "email",
                    ids: ids.to_vec(),
                    before,
                },
            ));
        }
    }
    if let Some(d) = rules.tips_days {
        let before = back(i64::from(d).days())?;
        for ids in crate::tips::decided_before(app, before, false)
            .await?
            .chunks(ID_CHUNK)
        {
            out.push((
                format!("tips_days = {d}"),
                Purge::DeleteRecords {
                    class: "tip",
                    kind: Tip::KIND,
                    ids: ids.to_vec(),
                    before,
                },
            ));
        }
    }
    if let Some(d) = rules.notices_days {
        let before = back(i64::from(d).days())?;
        for ids in crate::notify::ended_before(app, before)
            .await?
            .chunks(ID_CHUNK)
        {
            out.push((
                format!("notices_days = {d}"),
                Purge::DeleteRecords {
                    class: "notice",
                    kind: Notice::KIND,
                    ids: ids.to_vec(),
                    before,
                },
            ));
        }
    }
    Ok(out)
}

/// What the rules would remove now (the dry run): writes nothing.
pub async fn plan(app: &App, rules: &Rules) -> Result<Vec<Step>, AppError> {
    let mut steps = Vec::new();
    for (rule, purge) in purges(app, rules).await? {
        let count = app.store.purge_count(&purge).await?;
        steps.push(Step { rule, purge, count });
    }
    Ok(steps)
}

/// Runs the rules: each purge in its own transaction with its retention record; returns what
/// went. When incidents went, this server's snapshot is rebuilt at once (others follow the
/// retention record in the change feed).
pub async fn run(app: &App, rules: &Rules) -> Result<Vec<Step>, AppError> {
    let actor = Actor::system("retention");
    let mut steps = Vec::new();
    let mut incidents_gone = false;
    for (rule, purge) in purges(app, rules).await? {
        let count = app.store.purge(&actor, &purge, &rule).await?;
        incidents_gone |= count > 0 && matches!(purge, Purge::DeleteIncidents { .. });
        steps.push(Step { rule, purge, count });
    }
    if incidents_gone {
        app.live().rebuild(app.store.as_ref()).await?;
    }
    Ok(steps)
}

/// Runs the rules at start and then every [`EVERY`] until `stop` turns true, logging one line
/// per purge that removed anything. A failed run is logged and tried again the next day.
pub async fn daily(app: App, rules: Rules, mut stop: tokio::sync::watch::Receiver<bool>) {
    if rules.is_empty() {
        return;
    }
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
        match run(&app, &rules).await {
            Ok(steps) => {
                for s in steps.iter().filter(|s| s.count > 0) {
                    tracing::info!(
                        class = s.class(),
                        rule = %s.rule,
                        count = s.count,
                        cutoff = %s.cutoff(),
                        "retention (gallring): removed"
                    );
                }
                let total: u64 = steps.iter().map(|s| s.count).sum();
                if total == 0 {
                    tracing::debug!("retention (gallring): nothing to remove");
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "retention (gallring) failed; trying again in a day")
            }
        }
    }
}
