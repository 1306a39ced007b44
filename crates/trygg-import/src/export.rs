//! Exports of incidents: CSV that opens right in Swedish Excel, and GeoJSON in WGS84.
//!
//! Swedish Excel expects `;` between fields, a decimal comma and, to read å/ä/ö as UTF-8, a
//! byte-order mark; times are shown as local wall-clock time `YYYY-MM-DD HH:MM`. Who filed an
//! incident (`created_by`) is personal data and is never exported.

use serde_json::{Value, json};
use trygg_domain::Incident;

use crate::when::timestamp_to_local;

/// Column headers of the CSV export, in order.
pub const CSV_HEADERS: [&str; 16] = [
    "Id",
    "Från",
    "Till",
    "Rapporterad",
    "Kategorikod",
    "Kategori",
    "Plats",
    "Lat",
    "Lon",
    "N",
    "E",
    "Precision",
    "Kanal",
    "Ärendenr",
    "Beskrivning",
    "Synlighet",
];

fn local(ts: jiff::Timestamp) -> String {
    timestamp_to_local(ts)
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn decimal_comma(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}").replace('.', ",")
}

/// The Swedish label of a category code, the usual `label` argument of the exports.
pub fn swedish_label(code: &str) -> Option<String> {
    trygg_domain::Taxonomy
        .get(code)
        .map(|c| c.label_sv.to_string())
}

/// Writes incidents as CSV for Swedish Excel: UTF-8 with BOM, `;`-separated, decimal comma,
/// Europe/Stockholm local times. `label` gives a category's display label (e.g. Swedish).
pub fn incidents_to_csv(incidents: &[Incident], label: &dyn Fn(&str) -> Option<String>) -> Vec<u8> {
    let rows = incidents.iter().map(|i| {
        let pos = i.position.as_ref();
        [
            i.id.to_string(),
            local(i.occurred_from),
            local(i.occurred_to),
            local(i.reported_at),
            i.category.clone(),
            label(&i.category).unwrap_or_default(),
            i.place.clone().unwrap_or_default(),
            pos.map(|p| decimal_comma(p.lat, 6)).unwrap_or_default(),
            pos.map(|p| decimal_comma(p.lon, 6)).unwrap_or_default(),
            pos.map(|p| decimal_comma(p.n, 1)).unwrap_or_default(),
            pos.map(|p| decimal_comma(p.e, 1)).unwrap_or_default(),
            pos.map(|p| p.precision.as_str().to_string())
                .unwrap_or_default(),
            i.channel.as_str().to_string(),
            i.external_id.clone().unwrap_or_default(),
            i.description.clone().unwrap_or_default(),
            i.visibility.as_str().to_string(),
        ]
    });
    excel_csv(&CSV_HEADERS, rows)
}

/// CSV for Swedish Excel: a byte-order mark, `headers`, then `rows`, `;`-separated with CRLF
/// line ends (fields quoted where needed). The one writer of every CSV export.
pub fn excel_csv<R, F>(headers: &[&str], rows: impl IntoIterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(headers).expect("writing to memory");
        for row in rows {
            w.write_record(row).expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// Writes incidents as a GeoJSON FeatureCollection in WGS84 (`[lon, lat]`). Incidents without a
/// position get a `null` geometry. Times are UTC instants (RFC 3339).
pub fn incidents_to_geojson(
    incidents: &[Incident],
    label: &dyn Fn(&str) -> Option<String>,
) -> Value {
    let features: Vec<Value> = incidents
        .iter()
        .map(|i| {
            let geometry = match &i.position {
                Some(p) => json!({ "type": "Point", "coordinates": [p.lon, p.lat] }),
                None => Value::Null,
            };
            json!({
                "type": "Feature",
                "id": i.id.0,
                "geometry": geometry,
                "properties": {
                    "occurred_from": i.occurred_from.to_string(),
                    "occurred_to": i.occurred_to.to_string(),
                    "reported_at": i.reported_at.to_string(),
                    "category": i.category,
                    "category_label": label(&i.category),
                    "place": i.place,
                    "precision": i.position.as_ref().map(|p| p.precision.as_str()),
                    "n": i.position.as_ref().map(|p| p.n),
                    "e": i.position.as_ref().map(|p| p.e),
                    "channel": i.channel.as_str(),
                    "external_id": i.external_id,
                    "description": i.description,
                    "visibility": i.visibility.as_str(),
                    "areas": i.areas.iter().map(|a| a.0).collect::<Vec<_>>(),
                    "source_org": i.source_org.0,
                },
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}
