//! Geography for trygg.
//!
//! All distance work in trygg is planar, in metres, on SWEREF 99 TM (EPSG:3006). This crate owns
//! the conversion between that grid and WGS84 latitude/longitude, knows Sweden's extent and its
//! land, reads and validates area polygons, and assigns points to areas fast. No I/O: callers
//! hand in bytes or parsed JSON.

pub mod crs;
pub mod index;
pub mod land;
pub mod polygon;

pub use crs::{Sweref99Tm, Wgs84, in_sweden_extent, sweref99tm_to_wgs84, wgs84_to_sweref99tm};
pub use index::AreaIndex;
pub use land::{DEFAULT_TOLERANCE_M, Land, kommun_interior_point, sweden_kommuner, sweden_land};
pub use polygon::{GeometryError, MultiPolygon, Polygon, XyMetres};
