//! `trygg report`: the partnership's reports from the live data, as HTML, DOCX or Markdown.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use trygg_app::reports::{self, Request};
use trygg_domain::Scope;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// The weekly lägesbild (--week, default last week).
    Weekly,
    /// The tertial analysis (--year, --tertial).
    Tertial,
    /// The law's lägesbild for a year (--year, default last year).
    Lagesbild,
    /// The law's åtgärdsplan resting on the lägesbild of a year (--year, default last year).
    Atgardsplan,
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

/// The report's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Language {
    /// Svenska (the reference wording).
    #[default]
    Sv,
    /// English, written from the same numbers.
    En,
}

impl From<Language> for trygg_domain::Lang {
    fn from(l: Language) -> Self {
        match l {
            Language::Sv => trygg_domain::Lang::Sv,
            Language::En => trygg_domain::Lang::En,
        }
    }
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
    /// Year (tertial, lagesbild, atgardsplan, annual-compilation).
    #[arg(long)]
    pub year: Option<i16>,
    /// The date the annual compilation describes, YYYY-MM-DD (default: 1 October of --year,
    /// the October compilation to the styrgrupp; e.g. YYYY-12-31 for KSAU).
    #[arg(long)]
    pub as_of: Option<String>,
    /// ISO week, e.g. 2024-W47 (weekly).
    #[arg(long)]
    pub week: Option<String>,
    /// Tertial 1–3 (tertial).
    #[arg(long)]
    pub tertial: Option<u8>,
    /// The report's language.
    #[arg(long, value_enum, default_value_t = Language::Sv)]
    pub lang: Language,
    /// Database URL.
    #[arg(long)]
    pub database: Option<String>,
}

/// Builds the report and writes it; returns what was written. The report is built by
/// [`reports::build`], the same function the web app's `/rapporter` uses.
pub async fn run(state: &trygg_app::App, args: &ReportArgs) -> anyhow::Result<Vec<PathBuf>> {
    check_output(&args.output)?;
    let today = state.today();
    let request = match args.kind {
        ReportKind::Weekly => Request::Weekly(match &args.week {
            Some(w) => reports::parse_iso_week(w)?,
            None => today
                .checked_sub(jiff::Span::new().weeks(1))?
                .iso_week_date(),
        }),
        ReportKind::Tertial => {
            let Some(t) = args.tertial else {
                bail!("give the tertial with --tertial 1, 2 or 3");
            };
            Request::Tertial(args.year.unwrap_or(today.year()), t)
        }
        ReportKind::Lagesbild => Request::Lagesbild(args.year.unwrap_or(today.year() - 1)),
        ReportKind::Atgardsplan => Request::Atgardsplan(args.year.unwrap_or(today.year() - 1)),
        ReportKind::AnnualCompilation => {
            let Some(year) = args.year else {
                bail!("give the plan's year with --year, e.g. --year 2020");
            };
            let as_of = match &args.as_of {
                Some(d) => d
                    .parse::<jiff::civil::Date>()
                    .with_context(|| format!("--as-of {d}: give a date as YYYY-MM-DD"))?,
                None => reports::default_as_of(year, today),
            };
            Request::AnnualCompilation(year, as_of)
        }
        ReportKind::FinalFollowUp => Request::FinalFollowUp,
    };
    let doc = reports::build(state, request, Scope::Shared, args.lang.into()).await?;
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
