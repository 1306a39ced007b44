//! The analysts' command line, `trygg analyze knox|gistar|kde|repeats`, as a library: the
//! main binary mounts [`AnalyzeCommand`] as a subcommand and calls [`run`].
//!
//! It works on any CSV of planar points in metres (not only the platform's data), so that an
//! analyst can check trygg against ArcGIS, PySAL or the Near Repeat Calculator.
//!
//! Time column: with `--time-format` (strftime, e.g. `%Y-%m-%d %H:%M`) the values are parsed
//! with it; without it a value is read as a number of days, an RFC 3339 timestamp, a civil
//! date-time (`2026-03-01T14:30`, `2026-03-01 14:30`) or a date. Times without an offset are
//! wall-clock times and differences are taken on the wall clock. Errors name the line.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use trygg_analysis::GridSpec;
use trygg_analysis::gistar::{GiStarOptions, GridWeights, gistar_grid};
use trygg_analysis::kde::{KdeOptions, kde};
use trygg_analysis::knox::{KnoxConfig, Metric, SwedishNoun, knox};
use trygg_analysis::repeats::{RepeatOptions, repeat_places};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    /// Human-readable table.
    #[default]
    Table,
    /// JSON.
    Json,
    /// CSV.
    Csv,
}

/// Options shared by all commands.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// CSV file with a header row.
    #[arg(long, value_name = "FILE.csv")]
    pub input: PathBuf,
    /// Column holding x (metres, e.g. SWEREF 99 TM easting).
    #[arg(long, value_name = "COL")]
    pub x: String,
    /// Column holding y (metres, northing).
    #[arg(long, value_name = "COL")]
    pub y: String,
    /// Column holding the event time.
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// strftime format of the time column, e.g. "%Y-%m-%d %H:%M".
    #[arg(long, value_name = "STRFTIME")]
    pub time_format: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

/// Distance measure for Knox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricArg {
    /// |dx| + |dy| (the Near Repeat Calculator's).
    Manhattan,
    /// Straight line.
    Euclidean,
}

/// `knox`: near-repeat test.
#[derive(Debug, Clone, clap::Args)]
pub struct KnoxArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    /// Space band edges in metres; bands are [a, b).
    #[arg(long, value_delimiter = ',', default_value = "0,0.1,200,400,600")]
    pub space_bands: Vec<f64>,
    /// Time band edges in days; bands are [a, b).
    #[arg(long, value_delimiter = ',', default_value = "0,7,14,21")]
    pub time_bands: Vec<f64>,
    /// Distance measure.
    #[arg(long, value_enum, default_value_t = MetricArg::Manhattan)]
    pub metric: MetricArg,
    /// Number of permutations.
    #[arg(long, default_value_t = 999)]
    pub permutations: usize,
    /// Seed of the permutations.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Near Repeat Calculator compatibility mode, with the NRC's own parameters: spatial
    /// bandwidth (m), number of spatial bands, temporal bandwidth (days), number of temporal
    /// bands, e.g. `--nrc 100,5,7,3`. Replaces --space-bands/--time-bands; rows are "Same
    /// location", "1 to 100", …, "More than 500"; coordinates in single precision.
    #[arg(long, value_name = "NRC_BANDS", value_delimiter = ',')]
    pub nrc: Option<Vec<f64>>,
    /// Worker threads (0 = all); does not change the result.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// Grid options shared by `gistar` and `kde`.
#[derive(Debug, Clone, clap::Args)]
pub struct GridArgs {
    /// Cell size in metres.
    #[arg(long, value_name = "METRES")]
    pub cell: f64,
    /// Lower-left corner "X0,Y0" (derived from the data when omitted).
    #[arg(long, value_name = "X0,Y0")]
    pub origin: Option<String>,
    /// Rows (derived from the data when omitted).
    #[arg(long)]
    pub rows: Option<usize>,
    /// Columns (derived from the data when omitted).
    #[arg(long)]
    pub cols: Option<usize>,
}

/// `gistar`: Getis-Ord Gi* hot spots on grid counts.
#[derive(Debug, Clone, clap::Args)]
pub struct GistarArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub grid: GridArgs,
    /// queen, rook or distance:METRES.
    #[arg(long, default_value = "queen")]
    pub weights: String,
    /// Benjamini–Hochberg FDR correction of the classes.
    #[arg(long)]
    pub fdr: bool,
    /// Conditional permutations (0 = analytic only).
    #[arg(long, default_value_t = 0)]
    pub permutations: usize,
    /// Seed of the permutations.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// `kde`: quartic kernel density surface.
#[derive(Debug, Clone, clap::Args)]
pub struct KdeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub grid: GridArgs,
    /// Search radius in metres (ArcGIS default rule when omitted).
    #[arg(long, value_name = "METRES")]
    pub radius: Option<f64>,
}

/// `repeats`: repeat places and the 80-20 view.
#[derive(Debug, Clone, clap::Args)]
pub struct RepeatsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub input: InputArgs,
    /// Snap points to this many metres.
    #[arg(long, default_value_t = 10.0)]
    pub snap: f64,
    /// Events needed for a repeat place.
    #[arg(long, default_value_t = 2)]
    pub min_events: u32,
    /// Top share of places for the 80-20 view, percent.
    #[arg(long, default_value_t = 20.0)]
    pub top_percent: f64,
}

/// `trygg analyze …`
#[derive(Debug, Clone, clap::Subcommand)]
pub enum AnalyzeCommand {
    /// Knox near-repeat test (space–time interaction).
    Knox(KnoxArgs),
    /// Getis-Ord Gi* hot spots on grid counts.
    Gistar(GistarArgs),
    /// Quartic kernel density surface.
    Kde(KdeArgs),
    /// Repeat places and the 80-20 view.
    Repeats(RepeatsArgs),
}

/// Points read from the CSV.
struct Points {
    x: Vec<f64>,
    y: Vec<f64>,
    t: Option<Vec<f64>>,
}

fn read_points(args: &InputArgs, need_time: bool) -> Result<Points> {
    if need_time && args.time.is_none() {
        bail!(
            "this analysis needs event times: add --time COLUMN (and --time-format if they are not ISO dates)"
        );
    }
    let bytes = std::fs::read(&args.input)
        .with_context(|| format!("cannot open {}", args.input.display()))?;
    // Swedish Excel files (and trygg's own export) use ';' and a decimal comma, with a BOM.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes);
    let header_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| header_line.iter().filter(|b| *b == d).count())
        .filter(|d| header_line.contains(d))
        .unwrap_or(b',');
    let decimal_comma = delimiter != b',';
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .context("cannot read the header row")?
        .clone();
    let column = |name: &str| -> Result<usize> {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                anyhow!(
                    "no column named {name:?} in {}; the columns are: {}",
                    args.input.display(),
                    headers.iter().collect::<Vec<_>>().join(", ")
                )
            })
    };
    let (xi, yi) = (column(&args.x)?, column(&args.y)?);
    let ti = args.time.as_deref().map(column).transpose()?;
    let mut p = Points {
        x: Vec::new(),
        y: Vec::new(),
        t: ti.map(|_| Vec::new()),
    };
    for (k, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("cannot read CSV record {}", k + 1))?;
        let line = record.position().map_or(k as u64 + 2, |pos| pos.line());
        let num = |i: usize, name: &str| -> Result<f64> {
            let s = record.get(i).unwrap_or("").trim();
            if s.is_empty() {
                bail!("line {line}: {name} is missing");
            }
            let parsed = if decimal_comma {
                s.replace(',', ".").parse::<f64>()
            } else {
                s.parse::<f64>()
            };
            parsed.map_err(|_| anyhow!("line {line}: {name} {s:?} is not a number (metres)"))
        };
        p.x.push(num(xi, &args.x)?);
        p.y.push(num(yi, &args.y)?);
        if let (Some(ti), Some(t)) = (ti, p.t.as_mut()) {
            let s = record.get(ti).unwrap_or("").trim();
            if s.is_empty() {
                bail!(
                    "line {line}: the time in column {:?} is missing",
                    args.time.as_deref().unwrap_or("")
                );
            }
            t.push(
                parse_time_days(s, args.time_format.as_deref())
                    .map_err(|e| anyhow!("line {line}: {e}"))?,
            );
        }
    }
    Ok(p)
}

/// A time value in days since 1970-01-01 (wall clock).
pub fn parse_time_days(s: &str, format: Option<&str>) -> Result<f64> {
    let from_dt = |dt: jiff::civil::DateTime| -> Result<f64> {
        let secs = dt
            .to_zoned(jiff::tz::TimeZone::UTC)?
            .timestamp()
            .as_second();
        Ok(secs as f64 / 86_400.0)
    };
    if let Some(fmt) = format {
        let bt = jiff::fmt::strtime::parse(fmt, s)
            .map_err(|e| anyhow!("time {s:?} does not match --time-format {fmt:?}: {e}"))?;
        if let Ok(dt) = bt.to_datetime() {
            return from_dt(dt);
        }
        if let Ok(d) = bt.to_date() {
            return from_dt(d.to_datetime(jiff::civil::Time::midnight()));
        }
        if let Ok(ts) = bt.to_timestamp() {
            return Ok(ts.as_second() as f64 / 86_400.0);
        }
        bail!("time {s:?} parsed with {fmt:?} does not give a date");
    }
    if let Ok(v) = s.parse::<f64>()
        && v.is_finite()
    {
        return Ok(v);
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Ok(ts.as_second() as f64 / 86_400.0);
    }
    if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
        return from_dt(dt);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return from_dt(d.to_datetime(jiff::civil::Time::midnight()));
    }
    bail!("cannot parse the time {s:?}; give --time-format, e.g. --time-format \"%d/%m/%Y\"")
}

fn grid_from(args: &GridArgs, p: &Points) -> Result<GridSpec> {
    if !(args.cell.is_finite() && args.cell > 0.0) {
        bail!("--cell must be a positive number of metres");
    }
    let Some(origin) = &args.origin else {
        if args.rows.is_some() || args.cols.is_some() {
            bail!("--rows/--cols need --origin X0,Y0 too");
        }
        return Ok(GridSpec::covering(&p.x, &p.y, args.cell)?);
    };
    let parts: Vec<&str> = origin.split(',').collect();
    let [x0, y0] = parts.as_slice() else {
        bail!("--origin must be X0,Y0 (two numbers separated by a comma)");
    };
    let x0: f64 = x0
        .trim()
        .parse()
        .map_err(|_| anyhow!("--origin: {x0:?} is not a number"))?;
    let y0: f64 = y0
        .trim()
        .parse()
        .map_err(|_| anyhow!("--origin: {y0:?} is not a number"))?;
    let x_max = p.x.iter().copied().fold(f64::MIN, f64::max);
    let y_max = p.y.iter().copied().fold(f64::MIN, f64::max);
    let cols = args
        .cols
        .unwrap_or(((x_max - x0) / args.cell).floor().max(0.0) as usize + 1);
    let rows = args
        .rows
        .unwrap_or(((y_max - y0) / args.cell).floor().max(0.0) as usize + 1);
    Ok(GridSpec::new(x0, y0, args.cell, rows, cols)?)
}

fn parse_weights(s: &str) -> Result<GridWeights> {
    match s {
        "queen" => Ok(GridWeights::Queen),
        "rook" => Ok(GridWeights::Rook),
        _ => {
            let d = s
                .strip_prefix("distance:")
                .and_then(|d| d.parse::<f64>().ok())
                .ok_or_else(|| {
                    anyhow!("--weights must be queen, rook or distance:METRES, not {s:?}")
                })?;
            Ok(GridWeights::DistanceBand(d))
        }
    }
}

/// Formats one cell of a Knox table.
type CellFormatter<'a> = Box<dyn Fn(usize, usize) -> String + 'a>;

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

/// Runs one analysis and writes its result to `out`.
pub fn run(cmd: AnalyzeCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        AnalyzeCommand::Knox(a) => run_knox(&a, out),
        AnalyzeCommand::Gistar(a) => run_gistar(&a, out),
        AnalyzeCommand::Kde(a) => run_kde(&a, out),
        AnalyzeCommand::Repeats(a) => run_repeats(&a, out),
    }
}

fn run_knox(a: &KnoxArgs, out: &mut dyn Write) -> Result<()> {
    let p = read_points(&a.input, true)?;
    let mut cfg = match &a.nrc {
        Some(v) => {
            if v.len() != 4 {
                bail!(
                    "--nrc takes four numbers: spatial bandwidth, spatial bands, temporal bandwidth (days), temporal bands, e.g. --nrc 100,5,7,3"
                );
            }
            let count = |f: f64, what: &str| -> Result<usize> {
                if f >= 1.0 && f.fract() == 0.0 && f <= 100.0 {
                    Ok(f as usize)
                } else {
                    bail!(
                        "--nrc: the number of {what} bands must be a whole number from 1 to 100, not {f}"
                    )
                }
            };
            if !(v[0] > 0.0 && v[2] > 0.0) {
                bail!("--nrc: the bandwidths must be positive (metres, days)");
            }
            KnoxConfig::near_repeat_calculator(
                v[0],
                count(v[1], "spatial")?,
                v[2],
                count(v[3], "temporal")?,
            )
        }
        None => KnoxConfig::new(a.space_bands.clone(), a.time_bands.clone()),
    };
    cfg.metric = match a.metric {
        MetricArg::Manhattan => Metric::Manhattan,
        MetricArg::Euclidean => Metric::Euclidean,
    };
    cfg.permutations = a.permutations;
    cfg.seed = a.seed;
    cfg.threads = a.threads;
    let r = knox(&p.x, &p.y, p.t.as_deref().unwrap_or_default(), &cfg)?;
    let summary = r.swedish_summary(&SwedishNoun::default());
    match a.input.format {
        OutputFormat::Json => {
            let mut v = serde_json::to_value(&r)?;
            v["summary_sv"] = serde_json::Value::String(summary);
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "space_band",
                "time_band",
                "observed",
                "expected_mean",
                "expected_median",
                "knox_ratio",
                "knox_ratio_median",
                "p_value",
            ])?;
            for (i, sl) in r.space_labels.iter().enumerate() {
                for (j, tl) in r.time_labels.iter().enumerate() {
                    let f = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
                    w.write_record([
                        sl.clone(),
                        tl.clone(),
                        r.observed[i][j].to_string(),
                        r.expected_mean[i][j].to_string(),
                        r.expected_median[i][j].to_string(),
                        f(r.knox_ratio[i][j]),
                        f(r.knox_ratio_median[i][j]),
                        f(r.p_value[i][j]),
                    ])?;
                }
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            let mut s = format!(
                "Knox test: {} events, {} close pairs, {} permutations, seed {}, {:?} distance\n",
                r.events, r.close_pairs, r.permutations, r.seed, r.metric
            );
            let tables: [(&str, CellFormatter); 4] = [
                (
                    "observed pairs",
                    Box::new(|i, j| r.observed[i][j].to_string()),
                ),
                (
                    "expected (mean of permutations)",
                    Box::new(|i, j| format!("{:.1}", r.expected_mean[i][j])),
                ),
                ("Knox ratio", Box::new(|i, j| opt(r.knox_ratio[i][j]))),
                ("p-value", Box::new(|i, j| opt(r.p_value[i][j]))),
            ];
            for (title, cell) in tables {
                let _ = writeln!(s, "\n{title}");
                let _ = write!(s, "{:>18}", "");
                for tl in &r.time_labels {
                    let _ = write!(s, "{tl:>14}");
                }
                s.push('\n');
                for (i, sl) in r.space_labels.iter().enumerate() {
                    let _ = write!(s, "{sl:>18}");
                    for j in 0..r.time_labels.len() {
                        let _ = write!(s, "{:>14}", cell(i, j));
                    }
                    s.push('\n');
                }
            }
            let _ = writeln!(s, "\n{summary}");
            out.write_all(s.as_bytes())?;
        }
    }
    Ok(())
}

fn run_gistar(a: &GistarArgs, out: &mut dyn Write) -> Result<()> {
    let p = read_points(&a.input, false)?;
    trygg_analysis::points::check_points("Gi*", &p.x, &p.y, 2)?;
    let grid = grid_from(&a.grid, &p)?;
    let (counts, outside) = grid.counts(&p.x, &p.y);
    let opts = GiStarOptions {
        fdr: a.fdr,
        permutations: a.permutations,
        seed: a.seed,
        ..Default::default()
    };
    let r = gistar_grid(&grid, &counts, parse_weights(&a.weights)?, &opts)?;
    match a.input.format {
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec!["row", "col", "x_min", "y_min", "count", "z", "p", "class"];
            if r.p_sim.is_some() {
                header.push("p_sim");
            }
            w.write_record(&header)?;
            for row in 0..grid.rows {
                for col in 0..grid.cols {
                    let k = row * grid.cols + col;
                    let (x_min, y_min) = grid.corner(row, col);
                    let mut rec = vec![
                        row.to_string(),
                        col.to_string(),
                        x_min.to_string(),
                        y_min.to_string(),
                        counts[k].to_string(),
                        r.z[k].to_string(),
                        r.p[k].to_string(),
                        r.class[k].to_string(),
                    ];
                    if let Some(ps) = &r.p_sim {
                        rec.push(ps[k].to_string());
                    }
                    w.write_record(&rec)?;
                }
            }
            w.flush()?;
        }
        OutputFormat::Json => {
            let v = serde_json::json!({
                "grid": grid, "weights": a.weights, "fdr": r.fdr, "events_outside_grid": outside,
                "mean": r.mean, "sd": r.sd, "count": counts, "z": r.z, "p": r.p, "p_sim": r.p_sim, "class": r.class,
            });
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        OutputFormat::Table => {
            let mut by_class = [0usize; 7];
            for &c in &r.class {
                by_class[(c + 3) as usize] += 1;
            }
            let mut s = format!(
                "Gi*: {} × {} cells of {} m, origin ({}, {}), weights {}, FDR {}\n",
                grid.rows,
                grid.cols,
                grid.cell,
                grid.x0,
                grid.y0,
                a.weights,
                if r.fdr { "on" } else { "off" }
            );
            for (k, label) in [
                "cold 99 %",
                "cold 95 %",
                "cold 90 %",
                "not significant",
                "hot 90 %",
                "hot 95 %",
                "hot 99 %",
            ]
            .iter()
            .enumerate()
            {
                let _ = writeln!(s, "{:>16}: {}", label, by_class[k]);
            }
            if outside > 0 {
                let _ = writeln!(s, "{outside} events fell outside the grid");
            }
            out.write_all(s.as_bytes())?;
        }
    }
    Ok(())
}

fn run_kde(a: &KdeArgs, out: &mut dyn Write) -> Result<()> {
    let p = read_points(&a.input, false)?;
    trygg_analysis::points::check_points("kernel density", &p.x, &p.y, 2)?;
    let grid = grid_from(&a.grid, &p)?;
    let r = kde(
        &p.x,
        &p.y,
        None,
        &grid,
        &KdeOptions {
            radius: a.radius,
            threads: 0,
        },
    )?;
    match a.input.format {
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record([
                "row",
                "col",
                "x_min",
                "y_min",
                "density_per_m2",
                "expected_count",
            ])?;
            for row in 0..grid.rows {
                for col in 0..grid.cols {
                    let k = row * grid.cols + col;
                    let (x_min, y_min) = grid.corner(row, col);
                    let d = r.density[k];
                    w.write_record([
                        row.to_string(),
                        col.to_string(),
                        x_min.to_string(),
                        y_min.to_string(),
                        d.to_string(),
                        (d * r.cell_area).to_string(),
                    ])?;
                }
            }
            w.flush()?;
        }
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &r)?;
            writeln!(out)?;
        }
        OutputFormat::Table => {
            let max = r.density.iter().copied().fold(0.0, f64::max);
            let mut s = format!(
                "Quartic KDE: {} events, {} × {} cells of {} m, radius {:.1} m ({}), density per m²; max {:.3e} ({:.2} events per cell)\n",
                p.x.len(),
                grid.rows,
                grid.cols,
                grid.cell,
                r.radius,
                if r.default_radius {
                    "ArcGIS default rule"
                } else {
                    "given"
                },
                max,
                max * r.cell_area
            );
            for w in &r.warnings {
                let _ = writeln!(s, "warning: {w}");
            }
            out.write_all(s.as_bytes())?;
        }
    }
    Ok(())
}

fn run_repeats(a: &RepeatsArgs, out: &mut dyn Write) -> Result<()> {
    let p = read_points(&a.input, false)?;
    let r = repeat_places(
        &p.x,
        &p.y,
        &RepeatOptions {
            snap_m: a.snap,
            min_events: a.min_events,
            top_percent: a.top_percent,
        },
    )?;
    match a.input.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &r)?;
            writeln!(out)?;
        }
        OutputFormat::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(["x", "y", "count"])?;
            for pl in &r.repeat_places {
                w.write_record([pl.x.to_string(), pl.y.to_string(), pl.count.to_string()])?;
            }
            w.flush()?;
        }
        OutputFormat::Table => {
            let mut s = format!(
                "{} events at {} places ({} m snap); {} places have ≥ {} events ({} events). The top {} % of places ({}) hold {:.1} % of the events.\n",
                r.events,
                r.places,
                a.snap,
                r.repeat_places.len(),
                a.min_events,
                r.events_at_repeat_places,
                r.top_percent,
                r.top_places,
                r.share_at_top * 100.0
            );
            for pl in r.repeat_places.iter().take(20) {
                let _ = writeln!(s, "{:>12.0} {:>12.0} {:>6}", pl.x, pl.y, pl.count);
            }
            out.write_all(s.as_bytes())?;
        }
    }
    Ok(())
}
