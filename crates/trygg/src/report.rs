//! `trygg report`: the partnership's reports from the live data, as HTML, DOCX or Markdown.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use jiff::civil::{ISOWeekDate, Weekday};
use trygg_domain::Scope;
use trygg_web::reports;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// The weekly lägesbild (--week, default last week).
    Weekly,
    /// The tertial analysis (--year, --tertial).
    Tertial,
    /// The law's lägesbild for a year (--year, default last year).
    Lagesbild,
    /// The annual compilation of the commitment plan (--year).
    AnnualCompilation,
    /// The final follow-up of the agreement.
    FinalFollowUp,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Standalone, print-ready HTML with embedded images.
    Html,
    /// Word document.
    Docx,
    /// Markdown, with the images written next to it.
    Md,
}

/// Arguments of `trygg report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The report.
    #[arg(value_enum)]
    pub kind: ReportKind,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Format,
    /// The file to write.
    #[arg(long)]
    pub output: PathBuf,
    /// Year (tertial, lagesbild, annual-compilation).
    #[arg(long)]
    pub year: Option<i16>,
    /// ISO week, e.g. 2024-W47 (weekly).
    #[arg(long)]
    pub week: Option<String>,
    /// Tertial 1–3 (tertial).
    #[arg(long)]
    pub tertial: Option<u8>,
    /// Database URL.
    #[arg(long)]
    pub database: Option<String>,
}

fn years_text(years: &[i16]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a == b => format!("it has data for {a}"),
        (Some(a), Some(b)) => format!("it has data for {a}–{b}"),
        _ => "it has no shared incidents at all".into(),
    }
}

fn check_year(years: &[i16], year: i16) -> anyhow::Result<()> {
    if !years.contains(&year) {
        bail!(
            "no shared incidents in {year} in the database ({}); choose another year",
            years_text(years)
        );
    }
    Ok(())
}

/// Builds the report and writes it; returns what was written.
pub async fn run(state: &trygg_web::AppState, args: &ReportArgs) -> anyhow::Result<Vec<PathBuf>> {
    check_output(&args.output)?;
    let today = jiff::Timestamp::now().to_zoned(state.tz.clone()).date();
    let years = reports::data_years(state, Scope::Shared);
    let doc = match args.kind {
        ReportKind::Weekly => {
            let week = match &args.week {
                Some(w) => reports::parse_iso_week(w)?,
                None => today
                    .checked_sub(jiff::Span::new().weeks(1))?
                    .iso_week_date(),
            };
            let monday = ISOWeekDate::new(week.year(), week.week(), Weekday::Monday)?.date();
            check_year(&years, monday.year())?;
            reports::weekly(state, week, Scope::Shared).await?
        }
        ReportKind::Tertial => {
            let year = args.year.unwrap_or(today.year());
            let Some(t) = args.tertial else {
                bail!("give the tertial with --tertial 1, 2 or 3");
            };
            reports::tertial_period(year, t)?;
            check_year(&years, year)?;
            reports::tertial(state, year, t, Scope::Shared).await?
        }
        ReportKind::Lagesbild => {
            let year = args.year.unwrap_or(today.year() - 1);
            check_year(&years, year)?;
            reports::lagesbild(state, year, Scope::Shared).await?
        }
        ReportKind::AnnualCompilation | ReportKind::FinalFollowUp => bail!(
            "the {} needs the partnership's records (agreement, commitment plans, interventions), which are not in the database yet; \
             trygg_web::reports::{} builds it from them",
            if args.kind == ReportKind::AnnualCompilation {
                "annual compilation"
            } else {
                "final follow-up"
            },
            if args.kind == ReportKind::AnnualCompilation {
                "annual_compilation"
            } else {
                "final_follow_up"
            }
        ),
    };
    write(&doc, args.format, &args.output)
}

/// Fails early, with the path, when the output cannot be written.
fn check_output(path: &Path) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot write {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    if path.is_dir() {
        bail!(
            "cannot write {}: it is a folder; give a file name",
            path.display()
        );
    }
    Ok(())
}

/// Renders `doc` as `format` into `path` (Markdown images next to it, named after the file).
pub fn write(
    doc: &trygg_report::Document,
    format: Format,
    path: &Path,
) -> anyhow::Result<Vec<PathBuf>> {
    let put = |p: &Path, bytes: &[u8]| {
        std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))
    };
    let mut written = vec![path.to_path_buf()];
    match format {
        Format::Html => put(path, trygg_report::html::html(doc)?.as_bytes())?,
        Format::Docx => put(path, &trygg_report::docx::docx(doc)?)?,
        Format::Md => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "rapport".into());
            let prefix: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let md = trygg_report::markdown::markdown_with_prefix(doc, &format!("{prefix}-"))?;
            put(path, md.text.as_bytes())?;
            let dir = path.parent().unwrap_or(Path::new(""));
            for (name, png) in &md.images {
                let p = dir.join(name);
                put(&p, png)?;
                written.push(p);
            }
        }
    }
    Ok(written)
}
