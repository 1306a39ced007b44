//! `trygg import …` and `trygg export …`: files in and out, from the command line.
//!
//! Parsing is `trygg-import`'s; storing goes through [`Ingest`], so CLI imports assign areas and
//! audit exactly like the API. An import is all or nothing: on any bad row nothing is stored
//! and every problem is printed with its line.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use trygg_app::ingest::{Filing, Ingest};
use trygg_domain::{
    Actor, AreaKind, IncidentFilter, OrgKind, OrganisationId, Precision, Scope, Visibility,
};
use trygg_import::{
    Crs, ImportBatch, ImportErrors,
    csv::{CsvOptions, parse_mapping},
    polisen::PolisenOptions,
};

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Area boundaries from GeoJSON (WGS84), GeoPackage or GeoParquet (EPSG:3006 or 4326).
    Areas {
        /// A .geojson/.json, .gpkg or .parquet/.geoparquet file (GeoParquet is also recognised by its PAR1 header).
        file: PathBuf,
        /// Property holding the area's name (recognised for SCB and okfse files when omitted).
        #[arg(long)]
        name_property: Option<String>,
        /// Property holding the area's code.
        #[arg(long)]
        code_property: Option<String>,
        /// county, kommun, district, deso or custom (recognised when omitted).
        #[arg(long)]
        kind: Option<String>,
        /// GeoPackage layer (the first feature table when omitted).
        #[arg(long)]
        layer: Option<String>,
    },
    /// Polisen's events feed: a saved response, or a URL to fetch.
    Polisen {
        /// A file, or an http(s) URL such as https://polisen.se/api/events?locationname=Uppsala.
        /// The events are always filed under the feed's own organisation.
        source: String,
    },
    /// Incidents from a CSV file (Swedish Excel or plain).
    Csv(FileArgs),
    /// Incidents from GeoJSON points.
    Geojson(FileArgs),
    /// Indicator values (safety surveys, population) per area and period; the areas must be
    /// stored already (matched by code or exact name). Importing the same file again changes
    /// nothing.
    Indicators(IndicatorArgs),
}

/// `trygg import indicators FILE --format …`.
#[derive(Debug, Args)]
pub struct IndicatorArgs {
    /// The file (CSV: `;`, `,` or tab; UTF-8 or Windows-1252).
    file: PathBuf,
    /// long (indikator;källa;område;period;värde;ki_låg;ki_hög;n;enhet), trygghetsmatning
    /// (Polisens trygghetsmätning: areas × indicators with KI nedre/KI övre), ntu (Brå NTU:
    /// one indicator per row, the interval in one cell) or scb-population (SCB's PxWeb table
    /// of population per region).
    #[arg(long, value_parser = parse_indicator_format)]
    format: trygg_import::indicators::IndicatorFormat,
    /// Organisation the values are filed under (created if missing).
    #[arg(long, default_value = "Import")]
    source: String,
}

fn parse_indicator_format(s: &str) -> Result<trygg_import::indicators::IndicatorFormat, String> {
    trygg_import::indicators::IndicatorFormat::parse(s)
}

/// Runs `trygg import indicators`.
async fn import_indicators(app: &trygg_app::App, args: IndicatorArgs) -> anyhow::Result<()> {
    let actor = Actor::system("cli import");
    let bytes = read(&args.file)?;
    let (organisation, _) = app
        .ingest
        .organisation(&actor, &args.source, OrgKind::Partner)
        .await?;
    match trygg_app::indicators::import_as(app, &actor, organisation.id, args.format, bytes).await {
        Ok(report) => {
            print!("{report}");
            Ok(())
        }
        Err(trygg_app::AppError::ImportFailed(e)) => Err(print_errors(&e)),
        Err(e) => Err(e.into()),
    }
}

/// Options shared by the CSV and GeoJSON importers.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// The file.
    file: PathBuf,
    /// Coordinate system of X/Y columns: 4326 or 3006 (recognised when omitted).
    #[arg(long)]
    crs: Option<String>,
    /// FIELD=COLUMN, e.g. category=Brottstyp (fields: occurred_date, occurred_time,
    /// occurred_from, occurred_to, category, x, y, lat, lon, description, place, external_id).
    #[arg(long = "map")]
    map: Vec<String>,
    /// VALUE=CODE: the file's category VALUE is trygg's category (or group) CODE, e.g.
    /// "Ordningsstörning=ordning.ovrigt". Repeatable; case and surrounding spaces are ignored.
    #[arg(long = "category-map", value_name = "VALUE=CODE")]
    category_map: Vec<String>,
    /// A file of category mappings: two columns, the value and the code, `;` or `,` separated,
    /// an optional header line, UTF-8 or Windows-1252.
    #[arg(long = "category-map-file", value_name = "FILE")]
    category_map_file: Option<PathBuf>,
    /// Organisation the incidents are filed under (created if missing).
    #[arg(long, default_value = "Import")]
    source: String,
    /// Visible only to the source organisation.
    #[arg(long)]
    internal: bool,
    /// Positions are geocoded addresses rather than exact points.
    #[arg(long)]
    address_precision: bool,
}

/// What to export.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// csv (Swedish Excel) or geojson (WGS84, for QGIS).
    #[arg(value_parser = ["csv", "geojson"])]
    format: String,
    /// Output file (standard output when omitted).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Period start (inclusive): a date or a time.
    #[arg(long)]
    from: Option<String>,
    /// Period end (exclusive).
    #[arg(long)]
    to: Option<String>,
    /// Category or group codes, comma-separated.
    #[arg(long)]
    category: Option<String>,
    /// Area ids, comma-separated.
    #[arg(long)]
    area: Option<String>,
    /// Channels or organisation ids, comma-separated.
    #[arg(long)]
    source: Option<String>,
}

fn print_errors(errors: &ImportErrors) -> anyhow::Error {
    eprintln!("{errors}");
    anyhow::anyhow!("nothing was imported; fix the problems above and run the import again")
}

/// Runs an import.
pub async fn import(app: &trygg_app::App, command: ImportCommand) -> anyhow::Result<()> {
    let ingest = &app.ingest;
    let actor = Actor::system("cli import");
    match command {
        ImportCommand::Areas {
            file,
            name_property,
            code_property,
            kind,
            layer,
        } => {
            let kind = kind
                .map(|k| {
                    AreaKind::parse(&k).with_context(|| {
                        format!(
                            "unknown area kind {k:?}; use county, kommun, district, deso or custom"
                        )
                    })
                })
                .transpose()?;
            let extension = |x: &str| file.extension().is_some_and(|e| e.eq_ignore_ascii_case(x));
            let areas = if extension("gpkg") {
                trygg_import::areas::read_areas_geopackage(
                    &file,
                    layer.as_deref(),
                    name_property.as_deref(),
                    code_property.as_deref(),
                    kind,
                )
                .await
            } else {
                let bytes = read(&file)?;
                // GeoParquet by extension or by its "PAR1" magic bytes; else GeoJSON.
                if extension("parquet")
                    || extension("geoparquet")
                    || trygg_import::areas::is_parquet(&bytes)
                {
                    trygg_import::areas::read_areas_geoparquet(
                        &bytes,
                        name_property.as_deref(),
                        code_property.as_deref(),
                        kind,
                    )
                } else {
                    trygg_import::areas::read_areas_geojson(
                        &bytes,
                        name_property.as_deref(),
                        code_property.as_deref(),
                        kind,
                    )
                }
            }
            .map_err(|e| print_errors(&e))?;
            let result = ingest.import_areas(&actor, areas).await?;
            println!(
                "Imported {} areas from {}; {} incidents now lie in them.",
                result.areas.len(),
                file.display(),
                result.linked_incidents
            );
            for a in result.areas.iter().take(20) {
                println!(
                    "  {:>5}  {:<8} {:<12} {}",
                    a.id,
                    a.kind.as_str(),
                    a.code.as_deref().unwrap_or("-"),
                    a.name
                );
            }
            if result.areas.len() > 20 {
                println!("  (20 of {} shown)", result.areas.len());
            }
            Ok(())
        }
        ImportCommand::Polisen { source } => {
            let bytes = if source.starts_with("http://") || source.starts_with("https://") {
                crate::poller::fetch(&source, &crate::poller::PollerConfig::default().user_agent)
                    .await?
            } else {
                read(Path::new(&source))?
            };
            let placeholder = PolisenOptions {
                source_org: OrganisationId(0),
            };
            let batch = trygg_import::polisen::parse_polisen(&bytes, placeholder)
                .map_err(|e| print_errors(&e))?;
            store_batch(ingest, &actor, batch, Filing::PolisenFeed).await
        }
        ImportCommand::Csv(args) => {
            let (mut options, bytes) = file_options(&args)?;
            with_stored_synonyms(ingest, &mut options).await?;
            let batch =
                trygg_import::csv::parse_csv(&bytes, &options).map_err(|e| print_errors(&e))?;
            store_batch(
                ingest,
                &actor,
                batch,
                Filing::Named(args.source.clone(), OrgKind::Partner),
            )
            .await
        }
        ImportCommand::Geojson(args) => {
            let (mut options, bytes) = file_options(&args)?;
            with_stored_synonyms(ingest, &mut options).await?;
            let batch = trygg_import::geojson::parse_geojson_points(&bytes, &options)
                .map_err(|e| print_errors(&e))?;
            store_batch(
                ingest,
                &actor,
                batch,
                Filing::Named(args.source.clone(), OrgKind::Partner),
            )
            .await
        }
        ImportCommand::Indicators(args) => import_indicators(app, args).await,
    }
}

/// Adds the partnership's stored category synonyms (`/admin/kategorier`) under the flags' own.
async fn with_stored_synonyms(ingest: &Ingest, options: &mut CsvOptions) -> anyhow::Result<()> {
    let stored = trygg_app::synonyms::stored_map(ingest.store().as_ref())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    options.category_map.extend_missing(&stored);
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The parse options; the source organisation is filled in after a successful parse, so that a
/// failed import creates nothing.
fn file_options(args: &FileArgs) -> anyhow::Result<(CsvOptions, Vec<u8>)> {
    let bytes = read(&args.file)?;
    let mut options = CsvOptions::new(OrganisationId(0));
    if let Some(c) = &args.crs {
        options.crs = Some(Crs::parse(c).with_context(|| {
            format!("unknown --crs {c:?}; use 4326 (WGS84 degrees) or 3006 (SWEREF 99 TM metres)")
        })?);
    }
    for m in &args.map {
        options
            .mapping
            .push(parse_mapping(m).map_err(anyhow::Error::msg)?);
    }
    for m in &args.category_map {
        options
            .category_map
            .insert_pair(m)
            .map_err(|e| anyhow::anyhow!("--category-map {m:?}: {}", e.message))?;
    }
    if let Some(path) = &args.category_map_file {
        trygg_import::category_map::read_category_map(&read(path)?, &mut options.category_map)
            .map_err(|e| {
                eprintln!("{}:", path.display());
                for r in &e.errors {
                    eprintln!("  {r}");
                }
                if e.more > 0 {
                    eprintln!("  … and {} more.", e.more);
                }
                anyhow::anyhow!(
                    "--category-map-file {}: fix the lines above; nothing was imported",
                    path.display()
                )
            })?;
    }
    if args.internal {
        options.visibility = Visibility::Internal;
    }
    if args.address_precision {
        options.precision = Precision::Address;
    }
    Ok((options, bytes))
}

/// Files a parsed batch under the organisation `source` (created if missing) and stores it.
async fn store_batch(
    ingest: &Ingest,
    actor: &Actor,
    batch: ImportBatch,
    filing: Filing,
) -> anyhow::Result<()> {
    let stored = ingest.import_batch(actor, batch, filing).await?;
    if let Some(name) = &stored.created_organisation {
        println!("Created organisation {name:?}.");
    }
    let outcome = stored.outcome;
    println!("{}", stored.summary);
    println!(
        "Stored: {} new, {} updated, {} unchanged.",
        outcome.created, outcome.updated, outcome.unchanged
    );
    Ok(())
}

/// Runs an export of everything the filter matches (all visibility: this is an administrator's
/// command on the server).
pub async fn export(
    ingest: &Ingest,
    tz: &jiff::tz::TimeZone,
    args: ExportArgs,
) -> anyhow::Result<()> {
    let query = trygg_app::incidents::IncidentQuery {
        from: args.from,
        to: args.to,
        category: args.category,
        area: args.area,
        source: args.source,
        limit: None,
        offset: None,
    };
    let filter: IncidentFilter = query
        .filter(tz, Scope::All)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let incidents = ingest.store().list_all_incidents(&filter).await?;
    let label = trygg_import::export::swedish_label;
    let bytes = match args.format.as_str() {
        "csv" => trygg_import::export::incidents_to_csv(&incidents, &label),
        _ => serde_json::to_vec_pretty(&trygg_import::export::incidents_to_geojson(
            &incidents, &label,
        ))?,
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "Exported {} incidents to {}.",
                incidents.len(),
                path.display()
            );
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    if incidents.is_empty() {
        eprintln!("Note: no incidents match the filter.");
    }
    Ok(())
}
