//! What every door of the web shares: the access guard and its rules, API errors, the
//! session cookie and token look-up, the client's address, the security headers, static
//! assets, health and the OpenAPI document.

pub mod access;
pub mod assets;
pub mod auth;
pub mod client;
pub mod error;
pub mod headers;
pub(crate) mod health;
pub mod openapi;
pub mod session;
