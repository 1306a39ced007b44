//! Incidents from a GeoJSON FeatureCollection of points (from QGIS, a web map, another system).
//!
//! The position comes from the Point geometry (WGS84, `[lon, lat]`, as GeoJSON requires); the
//! other fields come from the properties, read by the same names and rules as CSV headers
//! (`Datum`, `Kategori`, `Beskrivning`, …, or a `FIELD=PROPERTY` mapping). Numbers and strings
//! are both accepted as property values.

use serde_json::Value;
use trygg_domain::Channel;

use crate::csv::CsvOptions;
use crate::report::{Errors, ImportBatch, ImportErrors, ImportSummary, Location};
use crate::rows::{
    Built, CategoryCache, Columns, Crs, Field, Row, RowRules, UnknownCategories, XyOrder, build,
};

/// Parses a FeatureCollection of Point features. Options are those of the CSV import (`crs`
/// is ignored: GeoJSON is WGS84, unless an old-style `"crs"` member names EPSG:3006). Features
/// without a geometry are incidents without a position.
pub fn parse_geojson_points(
    bytes: &[u8],
    options: &CsvOptions,
) -> Result<ImportBatch, ImportErrors> {
    let fc: Value = serde_json::from_slice(bytes).map_err(|e| {
        let hint = if e.is_eof() {
            " The file ends too early: was it cut off?"
        } else {
            ""
        };
        ImportErrors::file(format!("The file is not valid JSON ({e}).{hint}"))
    })?;
    if fc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(ImportErrors::file(
            "The file is not a GeoJSON FeatureCollection: expected {\"type\": \"FeatureCollection\", \"features\": [...]}.",
        ));
    }
    let features = fc
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportErrors::file("The FeatureCollection has no \"features\" array."))?;

    // Property names across all features act as the header line.
    let mut names: Vec<String> = Vec::new();
    for f in features {
        if let Some(props) = f.get("properties").and_then(Value::as_object) {
            for k in props.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
    }
    let columns = Columns::resolve(&names, &options.mapping).map_err(|e| {
        ImportErrors::file(
            e.replace("Missing columns", "Missing properties")
                .replace("Columns found", "Properties found"),
        )
    })?;
    let header_of = |f: Field| -> String {
        columns
            .get(f)
            .map_or_else(|| f.name().to_string(), |i| format!("\"{}\"", names[i]))
    };
    // RFC 7946 GeoJSON is WGS84; older files may declare SWEREF 99 TM in a "crs" member.
    let crs = match fc.pointer("/crs/properties/name").and_then(Value::as_str) {
        Some(name) if name.contains("3006") => Crs::Sweref99Tm,
        Some(name) if !(name.contains("4326") || name.contains("CRS84")) => {
            return Err(ImportErrors::file(format!(
                "The file says its coordinates are in {name}; trygg reads WGS84 (EPSG:4326) or \
                 SWEREF 99 TM (EPSG:3006). Export it again in WGS84."
            )));
        }
        _ => Crs::Wgs84,
    };
    let rules = RowRules {
        crs,
        xy: XyOrder::XEast,
        source_org: options.source_org,
        channel: Channel::Import,
        visibility: options.visibility,
        precision: options.precision,
    };
    // Property values as text, and the geometry's lon/lat as X/Y, so the row rules apply.
    let mut errors = Errors::default();
    let mut unknown = UnknownCategories::default();
    let mut categories = CategoryCache::new(&options.category_map);
    let mut incidents = Vec::new();
    let mut summary = ImportSummary {
        source: "geojson".into(),
        ..Default::default()
    };
    for (n, f) in features.iter().enumerate() {
        let at = Location::Feature(n);
        let props = f.get("properties").and_then(Value::as_object);
        let texts: Vec<Option<String>> = names
            .iter()
            .map(|k| props.and_then(|p| p.get(k)).and_then(value_text))
            .collect();
        let mut row = Row::default();
        for (&field, &i) in &columns.index {
            if matches!(
                field,
                Field::X | Field::Y | Field::Lat | Field::Lon | Field::N | Field::E
            ) {
                continue; // the geometry is the position
            }
            if let Some(v) = &texts[i] {
                row.set(field, v);
            }
        }
        let coords: Option<(String, String)> = match f.get("geometry") {
            None | Some(Value::Null) => None,
            Some(g) => match (g.get("type").and_then(Value::as_str), g.get("coordinates")) {
                (Some("Point"), Some(Value::Array(c))) if c.len() >= 2 => {
                    Some((c[0].to_string(), c[1].to_string()))
                }
                (t, _) => {
                    errors.push(
                        at,
                        format!(
                            "the geometry is {}, but incidents must be Points [lon, lat]",
                            t.unwrap_or("malformed")
                        ),
                    );
                    continue;
                }
            },
        };
        if let Some((x, y)) = &coords {
            row.set(Field::X, x);
            row.set(Field::Y, y);
        }
        let point_header = |field: Field| -> String {
            match field {
                Field::X if crs == Crs::Sweref99Tm => "easting".into(),
                Field::Y if crs == Crs::Sweref99Tm => "northing".into(),
                Field::X => "longitude".into(),
                Field::Y => "latitude".into(),
                other => header_of(other),
            }
        };
        match build(&row, &rules, &mut categories, &point_header) {
            Ok(Built::Incident(i)) => {
                *summary.by_category.entry(i.category.clone()).or_default() += 1;
                incidents.push(*i);
            }
            Ok(Built::UnknownCategory(v)) => unknown.add(v, at),
            Err(m) => {
                if let Some(v) = row.get(Field::Category)
                    && categories.resolve(v).is_none()
                {
                    unknown.add(v.to_string(), at);
                }
                errors.push(at, m)
            }
        }
    }
    errors.prepend_unknown(unknown.listed(), unknown.messages(options.map_syntax));
    summary.mapped_categories = categories.mapped();
    summary.imported = incidents.len();
    errors.into_result(ImportBatch {
        incidents,
        polisen: Vec::new(),
        summary,
    })
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
