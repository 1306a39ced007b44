//! Areas: polygons that incidents are counted in (kommun, district, DeSO, custom).

use serde::{Deserialize, Serialize};

use crate::AreaId;

/// What kind of area this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaKind {
    /// A län (county).
    County,
    /// A kommun.
    Kommun,
    /// A district (stadsdel, kommundel, RegSO).
    District,
    /// An SCB DeSO (demografiskt statistikområde).
    Deso,
    /// Drawn or imported by a user for a problem or an intervention.
    Custom,
}

impl AreaKind {
    /// Stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaKind::County => "county",
            AreaKind::Kommun => "kommun",
            AreaKind::District => "district",
            AreaKind::Deso => "deso",
            AreaKind::Custom => "custom",
        }
    }

    /// Parses the stable text form.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "county" | "lan" => AreaKind::County,
            "kommun" => AreaKind::Kommun,
            "district" => AreaKind::District,
            "deso" => AreaKind::Deso,
            "custom" => AreaKind::Custom,
            _ => return None,
        })
    }
}

/// An area with its boundary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    /// Identifier.
    pub id: AreaId,
    /// Name ("Gottsunda", "Uppsala").
    pub name: String,
    /// Official code where one exists ("0380", "0380C1010").
    pub code: Option<String>,
    /// Kind.
    pub kind: AreaKind,
    /// Boundary as a GeoJSON geometry (Polygon or MultiPolygon) in WGS84.
    pub geometry: serde_json::Value,
}

/// An area to be created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewArea {
    /// Name.
    pub name: String,
    /// Official code.
    pub code: Option<String>,
    /// Kind.
    pub kind: AreaKind,
    /// Boundary as a GeoJSON geometry in WGS84.
    pub geometry: serde_json::Value,
}
