//! The one error of the use cases. The web maps it once to an API error and once to a refused
//! page; the CLI prints its sentence.

use trygg_domain::{ErrorCode, ValidationError};
use trygg_store::StoreError;

/// Everything a use case can fail with. Every message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input broke a domain rule; nothing was written.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A parameter of the request is malformed (a query value, a week, a file option).
    #[error("{message}")]
    BadParameter {
        /// The parameter.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The principal may not do this; the sentence says why (whose record it is, which role
    /// would), in English and Swedish.
    #[error("{0}")]
    Forbidden(trygg_domain::Refusal),
    /// Not there, or not visible to the principal (the two are not told apart).
    #[error("{0}")]
    NotFound(String),
    /// Someone saved in between, or a uniqueness rule was broken.
    #[error("{0}")]
    Conflict(String),
    /// A file did not import; nothing was stored. Lists every problem by line.
    #[error(
        "Nothing was imported: {} problem(s) found. Fix them and import the file again.",
        .0.errors.len() + .0.more
    )]
    ImportFailed(trygg_import::ImportErrors),
    /// Our fault (the database failed, stored data does not read back).
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// A broken rule of `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(ValidationError::new(ErrorCode::Invalid, field, message))
    }

    /// A malformed parameter.
    pub fn param(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadParameter {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(v) => AppError::Invalid(v),
            StoreError::NotFound { entity, id } => {
                AppError::NotFound(format!("{entity} {id} does not exist"))
            }
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<trygg_import::ImportErrors> for AppError {
    fn from(e: trygg_import::ImportErrors) -> Self {
        AppError::ImportFailed(e)
    }
}

impl From<crate::reports::ReportBuildError> for AppError {
    fn from(e: crate::reports::ReportBuildError) -> Self {
        use crate::reports::ReportBuildError as R;
        match e {
            R::Input(m) => AppError::param("report", m),
            R::Store(s) => s.into(),
            R::Render(r) => AppError::Internal(format!("the report could not be drawn: {r}")),
        }
    }
}
