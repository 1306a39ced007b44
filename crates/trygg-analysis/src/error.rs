//! One error type for every method, so that a caller (web, CLI) can show a message a person can
//! act on. Every variant says what to change; no method returns NaN or panics on bad input.

use thiserror::Error;

/// What went wrong with the input of an analysis, and what to change.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AnalysisError {
    /// Fewer events than the method needs.
    #[error(
        "{method} needs at least {needed} events, got {got}; widen the period, area or categories"
    )]
    TooFewEvents {
        /// The method that refused.
        method: &'static str,
        /// How many it needs.
        needed: usize,
        /// How many it got.
        got: usize,
    },
    /// Fewer units (cells, areas) than the method needs.
    #[error(
        "{method} needs at least {needed} cells or areas, got {got}; use a smaller cell or a larger extent"
    )]
    TooFewUnits {
        /// The method that refused.
        method: &'static str,
        /// How many it needs.
        needed: usize,
        /// How many it got.
        got: usize,
    },
    /// All events have the same coordinates.
    #[error(
        "all {n} events are at the same point ({x}, {y}); point statistics need events at different places (are these area centroids? use point-usable events only)"
    )]
    AllAtOnePoint {
        /// Number of events.
        n: usize,
        /// The shared x.
        x: f64,
        /// The shared y.
        y: f64,
    },
    /// Coordinates look like longitude/latitude degrees, not metres.
    #[error(
        "coordinates look like degrees (all |x| ≤ 180, |y| ≤ 90, spread {spread:.4}): project them to SWEREF 99 TM (EPSG:3006) metres first"
    )]
    DegreesNotMetres {
        /// The larger of the x and y extents.
        spread: f64,
    },
    /// A coordinate or time is NaN or infinite.
    #[error("{what} of event {index} is not a finite number; remove or fix that row")]
    NotFinite {
        /// Which value ("x", "y", "time").
        what: &'static str,
        /// Zero-based index of the event.
        index: usize,
    },
    /// Input slices of different lengths.
    #[error("input columns differ in length: {what}")]
    LengthMismatch {
        /// Description of the mismatch.
        what: String,
    },
    /// Band edges are not strictly increasing, negative, or too few.
    #[error(
        "{which} bands {edges:?} must be at least two finite, non-negative, strictly increasing edges (e.g. 0,7,14,21)"
    )]
    BandsNotIncreasing {
        /// "space" or "time".
        which: &'static str,
        /// The edges given.
        edges: Vec<f64>,
    },
    /// Every cell of the grid has the same count.
    #[error(
        "every one of the {cells} cells has the value {value}: Gi* needs variation between cells; use a smaller cell, a larger extent or more events"
    )]
    ZeroVariance {
        /// Number of cells.
        cells: usize,
        /// The common value.
        value: f64,
    },
    /// The KDE search radius is smaller than the cell.
    #[error(
        "search radius {radius} m is smaller than the cell size {cell} m, so most cells would see no event; use a radius of at least {cell} m or a smaller cell"
    )]
    RadiusBelowCell {
        /// Radius in metres.
        radius: f64,
        /// Cell size in metres.
        cell: f64,
    },
    /// A parameter is out of its domain.
    #[error("invalid parameter {name} = {value}: {hint}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// Its value, printed.
        value: String,
        /// What is allowed.
        hint: &'static str,
    },
    /// A weights matrix in which some unit neighbours every unit (Gi* undefined).
    #[error(
        "unit {index} neighbours every unit (W_i = n), so its Gi* variance is zero; use a smaller distance band"
    )]
    NeighboursEverything {
        /// Zero-based unit index.
        index: usize,
    },
    /// A grid too large to allocate sensibly.
    #[error(
        "grid of {rows} × {cols} cells is too large (limit {limit} cells); use a larger cell size"
    )]
    GridTooLarge {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
        /// Limit.
        limit: usize,
    },
    /// Counts that make a ratio undefined (a zero in a denominator).
    #[error("{what} is zero, so {quantity} is undefined; use longer periods or larger areas")]
    ZeroCount {
        /// Which count is zero.
        what: &'static str,
        /// What cannot be computed.
        quantity: &'static str,
    },
    /// An incident id is already present (bulk build) or unknown.
    #[error("incident id {id}: {problem}")]
    Incident {
        /// The external id.
        id: i64,
        /// What is wrong.
        problem: &'static str,
    },
}

/// Shorthand.
pub type Result<T> = std::result::Result<T, AnalysisError>;
