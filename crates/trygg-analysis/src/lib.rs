//! # trygg-analysis
//!
//! The lägesbild statistics of trygg: an in-memory columnar [`snapshot`] of incidents with
//! filters and counts, and the point statistics crime analysts use — kernel density
//! ([`kde`]), Getis-Ord Gi* ([`gistar`]), the Knox near-repeat test ([`knox`]), repeat places
//! ([`repeats`]), emerging-problem detection ([`emerging`]), intervention evaluation
//! ([`evaluation`]) and hot-spot forecast accuracy ([`accuracy`]).
//!
//! Architecture invariant: this crate is pure. It never touches a database, the network or
//! files; callers hand it numbers and get numbers (and Swedish sentences) back. All point
//! statistics take planar coordinates in metres (SWEREF 99 TM for Swedish data) and refuse
//! degrees. Definitions and check values: `shared/design/ANALYSIS.md`.

#![forbid(unsafe_code)]

pub mod accuracy;
pub mod emerging;
pub mod error;
pub mod evaluation;
pub mod gistar;
pub mod grid;
pub mod kde;
pub mod knox;
pub mod points;
pub mod rates;
pub mod repeats;
pub mod rng;
pub mod snapshot;
pub mod special;
pub mod synthetic;

pub use error::{AnalysisError, Result};
pub use grid::GridSpec;
pub use snapshot::{Filter, IncidentRow, IndexSet, Snapshot};
