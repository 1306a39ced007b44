//! Geography for trygg.
//!
//! All distance work in trygg is planar, in metres, on SWEREF 99 TM (EPSG:3006). This crate owns
//! the conversion between that grid and WGS84 latitude/longitude, and knows Sweden's extent.

pub mod crs;

pub use crs::{Sweref99Tm, Wgs84, in_sweden_extent, sweref99tm_to_wgs84, wgs84_to_sweref99tm};
