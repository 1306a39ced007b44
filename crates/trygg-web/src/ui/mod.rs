//! The server-rendered web app: pages in Swedish (default) or English, built with `maud` so that
//! every interpolated string is HTML-escaped. Pages are thin: they read through the same store
//! and snapshot as the API, and the browser scripts under `assets/` call the JSON API.

pub mod dashboard;
pub mod layout;

pub use layout::{Lang, PageCtx, layout};
