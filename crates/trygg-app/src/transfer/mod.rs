//! File imports and exports as a principal uses them (the API's `/import/*` and `/export/*`).
//!
//! An import needs [`Permission::Import`] and is all or nothing: the file is parsed on the
//! blocking pool first, so a bad file answers [`AppError::ImportFailed`] listing every problem
//! with its line, and stores nothing. Incidents are filed under the principal's organisation;
//! Polisen's feed always under the feed's own ([`Filing::PolisenFeed`]).
//!
//! Options come as the request's name/value pairs (so `map` and `category_map` can repeat); an
//! unknown name or a bad value is an [`AppError::BadParameter`] that lists the valid ones.

use trygg_domain::IncidentFilter;
use trygg_domain::{AreaKind, Permission, Precision, Visibility};
use trygg_import::{
    Crs, ImportBatch,
    csv::{CsvOptions, MapSyntax, parse_mapping},
    export::swedish_label,
    polisen::PolisenOptions,
};

pub use trygg_import::{ImportErrors, Location, UnknownCategory};

mod uploads;
pub use uploads::{Upload, Uploads};

use crate::{
    App, AppError, Principal,
    ingest::{AreaImport, BatchImport, Filing},
};

/// The kinds of incident file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentFile {
    /// Swedish Excel CSV (or any delimited text with a header row).
    Csv,
    /// GeoJSON points.
    GeoJson,
}

/// Runs a parser on the blocking pool: a large file is seconds of CPU work.
pub(crate) async fn parse<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ImportErrors> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("import task: {e}")))?
        .map_err(AppError::ImportFailed)
}

/// Imports a response of Polisen's events feed (a JSON array), filed under the feed's
/// organisation whoever imports it.
pub async fn import_polisen(
    app: &App,
    who: &Principal,
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<BatchImport, AppError> {
    who.check(Permission::Import)?;
    let placeholder = PolisenOptions {
        source_org: trygg_domain::OrganisationId(0),
    };
    let batch =
        parse(move || trygg_import::polisen::parse_polisen(bytes.as_ref(), placeholder)).await?;
    file(app, who, batch, Filing::PolisenFeed).await
}

/// Imports incidents from a CSV or GeoJSON file, with the options in `params` (`crs`, `map`,
/// `category_map`, `visibility`, `precision`), under the principal's organisation.
pub async fn import_incidents(
    app: &App,
    who: &Principal,
    kind: IncidentFile,
    params: &[(String, String)],
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<BatchImport, AppError> {
    who.check(Permission::Import)?;
    let batch = parse_incidents(app, who, kind, params, bytes).await?;
    file(app, who, batch, Filing::Organisation(who.organisation())).await
}

/// Parses a CSV or GeoJSON file with its options and the stored synonyms, storing nothing.
async fn parse_incidents(
    app: &App,
    who: &Principal,
    kind: IncidentFile,
    params: &[(String, String)],
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<ImportBatch, AppError> {
    let mut options = file_options(who, params)?;
    // The partnership's stored synonyms, under what the request maps itself.
    options
        .category_map
        .extend_missing(&crate::synonyms::stored_map(app.store.as_ref()).await?);
    parse(move || match kind {
        IncidentFile::Csv => trygg_import::csv::parse_csv(bytes.as_ref(), &options),
        IncidentFile::GeoJson => {
            trygg_import::geojson::parse_geojson_points(bytes.as_ref(), &options)
        }
    })
    .await
}

async fn file(
    app: &App,
    who: &Principal,
    batch: ImportBatch,
    filing: Filing,
) -> Result<BatchImport, AppError> {
    Ok(app.ingest.import_batch(&who.actor(), batch, filing).await?)
}

/// Holds an uploaded file for the web import's mapping step ([`Uploads`]) and answers its id.
pub fn hold(app: &App, who: &Principal, upload: Upload) -> Result<String, AppError> {
    who.check(Permission::Import)?;
    Ok(app
        .uploads
        .hold(who.id(), upload, std::time::Instant::now()))
}

/// The held file `id`, if the principal uploaded it and it is still held.
pub fn held(app: &App, who: &Principal, id: &str) -> Result<Upload, AppError> {
    who.check(Permission::Import)?;
    app.uploads
        .get(who.id(), id, std::time::Instant::now())
        .ok_or_else(|| {
            AppError::NotFound(
                "The uploaded file is no longer held (after 30 minutes, or the server restarted): \
                 choose it again (filen finns inte kvar; välj den igen)."
                    .into(),
            )
        })
}

/// Reads the held file `id` as its import would, storing nothing: `Ok` when it would import,
/// else [`AppError::ImportFailed`] with every problem (and its unknown category values).
pub async fn check_held(app: &App, who: &Principal, id: &str) -> Result<(), AppError> {
    let upload = held(app, who, id)?;
    parse_incidents(app, who, upload.kind, &upload.params, upload.bytes)
        .await
        .map(|_| ())
}

/// What one unknown category value of a held file is read as.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The value as in the file.
    pub value: String,
    /// An existing category, or a new one to add first.
    pub to: MapTo,
    /// Also store it as a synonym, so later imports read it without asking.
    pub remember: bool,
}

/// The category a value is mapped to.
#[derive(Debug, Clone)]
pub enum MapTo {
    /// An existing category or group code.
    Code(String),
    /// A new own category, added before the import (administrators only).
    New(crate::categories::NewCategory),
}

/// Imports the held file `id` with `mappings` for its unknown category values, all or nothing
/// as every import. New categories are added first (they stay if the import then fails:
/// they were asked for); synonyms to remember are checked first and stored only once the file
/// is imported. The file is forgotten once imported.
pub async fn import_held(
    app: &App,
    who: &Principal,
    id: &str,
    mappings: &[Mapping],
) -> Result<BatchImport, AppError> {
    let upload = held(app, who, id)?;
    let remembered: Vec<&Mapping> = mappings.iter().filter(|m| m.remember).collect();
    if !remembered.is_empty() {
        crate::categories::check_write(app, who).await?;
    }
    let mut params = upload.params.clone();
    let mut codes = Vec::with_capacity(mappings.len());
    for m in mappings {
        let code = match &m.to {
            MapTo::Code(code) => code.trim().to_string(),
            MapTo::New(new) => crate::categories::add(app, who, new).await?.data.code,
        };
        if m.remember {
            crate::synonyms::check(&m.value, &code)?;
        }
        params.push(("category_map".into(), format!("{}={code}", m.value)));
        codes.push(code);
    }
    let done = import_incidents(app, who, upload.kind, &params, upload.bytes).await?;
    app.uploads
        .imported(who.id(), id, done.clone(), std::time::Instant::now());
    for (m, code) in mappings.iter().zip(&codes).filter(|(m, _)| m.remember) {
        crate::synonyms::add(app, who, &m.value, code).await?;
    }
    Ok(done)
}

/// What the import of the held file `id` stored, for the page the import redirects to: kept
/// for the principal who imported it, for 30 minutes.
pub fn imported(app: &App, who: &Principal, id: &str) -> Result<BatchImport, AppError> {
    who.check(Permission::Import)?;
    app.uploads
        .result(who.id(), id, std::time::Instant::now())
        .ok_or_else(|| {
            AppError::NotFound(
                "This import's result is no longer shown (after 30 minutes, or the server restarted); \
                 what it stored is in the lägesbild and the audit log (resultatet visas inte längre)."
                    .into(),
            )
        })
}

/// Checks the principal may import, before any upload is read.
pub fn check_import(who: &Principal) -> Result<(), AppError> {
    who.check(Permission::Import)
}

/// Reads the CSV/GeoJSON import options.
fn file_options(who: &Principal, params: &[(String, String)]) -> Result<CsvOptions, AppError> {
    let mut options = CsvOptions::new(who.organisation());
    options.map_syntax = MapSyntax::Query;
    for (key, value) in params {
        match key.as_str() {
            "crs" => {
                options.crs = Some(Crs::parse(value).ok_or_else(|| {
                    AppError::param(
                        "crs",
                        format!(
                            "Unknown crs {value:?}: use 4326 (WGS84 degrees) or 3006 (SWEREF 99 \
                             TM metres)."
                        ),
                    )
                })?)
            }
            "map" => {
                for m in value.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                    options
                        .mapping
                        .push(parse_mapping(m).map_err(|e| AppError::param("map", e))?);
                }
            }
            // One VALUE=CODE per parameter: values may hold commas ("Rån, försök").
            "category_map" => options
                .category_map
                .insert_pair(value)
                .map_err(|e| AppError::param("category_map", e.message))?,
            "visibility" => {
                options.visibility = Visibility::parse(value).ok_or_else(|| {
                    AppError::param(
                        "visibility",
                        format!("Unknown visibility {value:?}: use shared or internal."),
                    )
                })?
            }
            "precision" => {
                options.precision = match value.as_str() {
                    "exact" => Precision::Exact,
                    "address" => Precision::Address,
                    _ => {
                        return Err(AppError::param(
                            "precision",
                            format!("Unknown precision {value:?}: use exact or address."),
                        ));
                    }
                }
            }
            other => {
                return Err(AppError::param(
                    other,
                    format!(
                        "Unknown parameter {other:?}: use crs, map, category_map, visibility or \
                         precision."
                    ),
                ));
            }
        }
    }
    Ok(options)
}

/// The options of an area import.
#[derive(Debug, Clone, Default)]
struct AreaOptions {
    name_property: Option<String>,
    code_property: Option<String>,
    kind: Option<AreaKind>,
    layer: Option<String>,
}

impl AreaOptions {
    fn from_params(params: &[(String, String)]) -> Result<Self, AppError> {
        let mut o = Self::default();
        for (key, value) in params {
            match key.as_str() {
                "name_property" => o.name_property = Some(value.clone()),
                "code_property" => o.code_property = Some(value.clone()),
                "layer" => o.layer = Some(value.clone()),
                "kind" => {
                    o.kind = Some(AreaKind::parse(value).ok_or_else(|| {
                        AppError::param(
                            "kind",
                            format!(
                                "Unknown area kind {value:?}: use county, kommun, district, \
                                 deso or custom."
                            ),
                        )
                    })?)
                }
                other => {
                    return Err(AppError::param(
                        other,
                        format!(
                            "Unknown parameter {other:?}: use name_property, code_property, \
                             kind or layer."
                        ),
                    ));
                }
            }
        }
        Ok(o)
    }
}

/// The magic header of an SQLite database, and so of a GeoPackage.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// A GeoPackage written to a temporary file, removed on drop.
struct TempFile(std::path::PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn write_temp(bytes: impl AsRef<[u8]> + Send + 'static) -> Result<TempFile, AppError> {
    let name = crate::credentials::generate_token();
    let path = std::env::temp_dir().join(format!("trygg-upload-{name}.gpkg"));
    let file = TempFile(path.clone());
    tokio::task::spawn_blocking(move || std::fs::write(&path, bytes.as_ref()))
        .await
        .map_err(|e| AppError::Internal(format!("temporary file: {e}")))?
        .map_err(|e| AppError::Internal(format!("temporary file: {e}")))?;
    Ok(file)
}

/// Imports areas from GeoJSON, GeoParquet or a GeoPackage (recognised by their first bytes),
/// with the options in `params` (`name_property`, `code_property`, `kind`, `layer`), and
/// re-links the stored incidents to them.
pub async fn import_areas(
    app: &App,
    who: &Principal,
    params: &[(String, String)],
    bytes: impl AsRef<[u8]> + Send + 'static,
) -> Result<AreaImport, AppError> {
    who.check(Permission::Import)?;
    let o = AreaOptions::from_params(params)?;
    let areas = if bytes.as_ref().starts_with(SQLITE_MAGIC) {
        let file = write_temp(bytes).await?;
        trygg_import::areas::read_areas_geopackage(
            &file.0,
            o.layer.as_deref(),
            o.name_property.as_deref(),
            o.code_property.as_deref(),
            o.kind,
        )
        .await
        .map_err(|e| AppError::ImportFailed(hide_temp_path(e, &file.0)))?
    } else if trygg_import::areas::is_parquet(bytes.as_ref()) {
        parse(move || {
            trygg_import::areas::read_areas_geoparquet(
                bytes.as_ref(),
                o.name_property.as_deref(),
                o.code_property.as_deref(),
                o.kind,
            )
        })
        .await?
    } else {
        parse(move || {
            trygg_import::areas::read_areas_geojson(
                bytes.as_ref(),
                o.name_property.as_deref(),
                o.code_property.as_deref(),
                o.kind,
            )
        })
        .await?
    };
    Ok(app.ingest.import_areas(&who.actor(), areas).await?)
}

/// Messages about a GeoPackage name the temporary file; the uploader knows it as "the file".
fn hide_temp_path(mut e: ImportErrors, path: &std::path::Path) -> ImportErrors {
    let shown = path.display().to_string();
    for r in &mut e.errors {
        r.message = r.message.replace(&shown, "The uploaded file");
    }
    e
}

/// Every incident matching `filter` that the principal may see, as Swedish Excel CSV (BOM,
/// `;`, decimal comma).
pub async fn export_csv(
    app: &App,
    who: &Principal,
    filter: IncidentFilter,
) -> Result<Vec<u8>, AppError> {
    let incidents = crate::incidents::export(app, who, filter).await?;
    Ok(trygg_import::export::incidents_to_csv(
        &incidents,
        &swedish_label,
    ))
}

/// Every incident matching `filter` that the principal may see, as GeoJSON (WGS84).
pub async fn export_geojson(
    app: &App,
    who: &Principal,
    filter: IncidentFilter,
) -> Result<Vec<u8>, AppError> {
    let incidents = crate::incidents::export(app, who, filter).await?;
    let value = trygg_import::export::incidents_to_geojson(&incidents, &swedish_label);
    serde_json::to_vec(&value).map_err(|e| AppError::Internal(format!("geojson: {e}")))
}
