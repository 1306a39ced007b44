//! `trygg retention [--dry-run]`: runs the retention (gallring) rules of `[retention]` once, or
//! lists what they would remove.

use std::io::Write;

use clap::Args;
use trygg_app::{
    App,
    retention::{self, Rules, Step},
};

/// Arguments of `trygg retention`.
#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// List what the rules would remove now, without removing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Database URL.
    #[arg(long)]
    pub database: Option<String>,
}

/// What to write when no rule is configured.
const NO_RULES: &str = "No retention rule (gallringsregel) is configured, so nothing is removed.
Rules are off until the kommun decides them; add them to trygg.toml, for example:

  [retention]
  est_free_text_years = 3    # blank EST reports' free text 3 years after the event
  audit_years = 10           # delete audit events after 10 years
  sessions = true            # delete expired sessions
  expired_tokens_days = 90   # delete API tokens 90 days after they expired or were revoked
  tip_email_days = 30        # remove a citizen's e-mail address 30 days after their tip's decision
  tips_days = 365            # delete citizens' tips a year after their decision
  notices_days = 90          # delete e-mail notices 90 days after they were sent (or given up)
  [[retention.incidents]]
  source = \"polisen\"         # a channel (est, polisen, import, api, tips) or an organisation's name
  years = 5

See \"Retention (gallring)\" in the README.";

/// Runs or plans the rules and writes one line per rule to `out`.
pub async fn run(
    app: &App,
    rules: &Rules,
    dry_run: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if rules.is_empty() {
        writeln!(out, "{NO_RULES}")?;
        return Ok(());
    }
    let steps = if dry_run {
        writeln!(out, "Dry run (provkörning): nothing is removed.")?;
        retention::plan(app, rules).await?
    } else {
        retention::run(app, rules).await?
    };
    for s in &steps {
        writeln!(out, "{}", line(app, s, dry_run))?;
    }
    Ok(())
}

/// `incident  incidents source = "polisen", years = 5  would go: 12  (older than 2020-06-02 12:00)`.
fn line(app: &App, s: &Step, dry_run: bool) -> String {
    let verb = if dry_run { "would go" } else { "went" };
    let cutoff = s
        .cutoff()
        .to_zoned(app.tz.clone())
        .strftime("%Y-%m-%d %H:%M");
    format!(
        "{:<16} {:<46} {verb}: {:>7}   (older than {cutoff})",
        s.class(),
        s.rule,
        s.count
    )
}
