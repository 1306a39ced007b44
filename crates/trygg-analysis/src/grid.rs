//! A regular grid over planar coordinates, shared by KDE and Gi*.
//!
//! Conventions (as the analysts' CLI documents): cell size in metres, origin (x0, y0) is the
//! lower-left corner, row 0 is the lowest y, a point falls in column `floor((x − x0)/cell)` and
//! row `floor((y − y0)/cell)` (so a point on a cell's left/lower edge belongs to that cell).
//! Values are stored row-major: index = row · cols + col.

use serde::Serialize;

use crate::error::{AnalysisError, Result};

/// Largest grid accepted (cells), to turn a mistaken cell size into an error, not an OOM.
pub const MAX_CELLS: usize = 50_000_000;

/// A grid: origin (lower-left corner), cell size, rows and columns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GridSpec {
    /// x of the lower-left corner, metres.
    pub x0: f64,
    /// y of the lower-left corner, metres.
    pub y0: f64,
    /// Cell side, metres.
    pub cell: f64,
    /// Number of rows (along y).
    pub rows: usize,
    /// Number of columns (along x).
    pub cols: usize,
}

impl GridSpec {
    /// A checked grid.
    pub fn new(x0: f64, y0: f64, cell: f64, rows: usize, cols: usize) -> Result<Self> {
        if !(cell.is_finite() && cell > 0.0) {
            return Err(AnalysisError::InvalidParameter {
                name: "cell",
                value: cell.to_string(),
                hint: "the cell size must be a positive number of metres",
            });
        }
        if rows == 0 || cols == 0 {
            return Err(AnalysisError::InvalidParameter {
                name: "rows/cols",
                value: format!("{rows}×{cols}"),
                hint: "the grid needs at least one row and one column",
            });
        }
        if rows.saturating_mul(cols) > MAX_CELLS {
            return Err(AnalysisError::GridTooLarge {
                rows,
                cols,
                limit: MAX_CELLS,
            });
        }
        Ok(Self {
            x0,
            y0,
            cell,
            rows,
            cols,
        })
    }

    /// The grid covering the points' bounding box with `cell`-sized cells: origin at
    /// (floor(x_min/cell)·cell, floor(y_min/cell)·cell), so that the maximum falls inside.
    pub fn covering(x: &[f64], y: &[f64], cell: f64) -> Result<Self> {
        let x_min = x.iter().copied().fold(f64::MAX, f64::min);
        let x_max = x.iter().copied().fold(f64::MIN, f64::max);
        let y_min = y.iter().copied().fold(f64::MAX, f64::min);
        let y_max = y.iter().copied().fold(f64::MIN, f64::max);
        let x0 = (x_min / cell).floor() * cell;
        let y0 = (y_min / cell).floor() * cell;
        let cols = ((x_max - x0) / cell).floor() as usize + 1;
        let rows = ((y_max - y0) / cell).floor() as usize + 1;
        Self::new(x0, y0, cell, rows, cols)
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }

    /// Whether the grid has no cells (never, for a checked grid).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (row, col) of a point, or None outside the grid.
    pub fn cell_of(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let c = ((x - self.x0) / self.cell).floor();
        let r = ((y - self.y0) / self.cell).floor();
        (c >= 0.0 && r >= 0.0 && (c as usize) < self.cols && (r as usize) < self.rows)
            .then_some((r as usize, c as usize))
    }

    /// Lower-left corner (x_min, y_min) of a cell.
    pub fn corner(&self, row: usize, col: usize) -> (f64, f64) {
        (
            self.x0 + col as f64 * self.cell,
            self.y0 + row as f64 * self.cell,
        )
    }

    /// Centre of a cell.
    pub fn centre(&self, row: usize, col: usize) -> (f64, f64) {
        (
            self.x0 + (col as f64 + 0.5) * self.cell,
            self.y0 + (row as f64 + 0.5) * self.cell,
        )
    }

    /// Counts points per cell (points outside the grid are dropped; the number dropped is
    /// returned too).
    pub fn counts(&self, x: &[f64], y: &[f64]) -> (Vec<f64>, usize) {
        let mut counts = vec![0.0; self.len()];
        let mut outside = 0;
        for (&a, &b) in x.iter().zip(y) {
            match self.cell_of(a, b) {
                Some((r, c)) => counts[r * self.cols + c] += 1.0,
                None => outside += 1,
            }
        }
        (counts, outside)
    }
}
