//! The one error type of the HTTP layer.
//!
//! 4xx answers carry `{"error": {"code", "message", "field"?}}` with a stable code a client can
//! match on and a message a person can act on. 5xx answers are logged in full and shown only as
//! "internal_error", so nothing about the database leaks. A failed file import (422
//! `import_failed`) also carries `errors: [{location, message}]` and `more`.

use axum::{
    Json,
    extract::rejection::JsonRejection,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;
use trygg_domain::ValidationError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not the JSON the endpoint expects.
    #[error("{0}")]
    InvalidJson(String),
    /// A query parameter is malformed.
    #[error("{message}")]
    BadParameter {
        /// The parameter.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Input broke a domain rule.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// No credentials, or credentials that do not match.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Signed in, but not allowed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Signed in, but the access policy refuses it; the sentence says why.
    #[error("{0}")]
    Refused(String),
    /// Not there (or not visible to this user).
    #[error("{0}")]
    NotFound(String),
    /// A uniqueness rule was broken.
    #[error("{0}")]
    Conflict(String),
    /// An uploaded file did not import; nothing was stored. Lists every problem by line.
    #[error(
        "Nothing was imported: {} problem(s) found. Fix them and import the file again.",
        .0.errors.len() + .0.more
    )]
    ImportFailed(trygg_app::transfer::ImportErrors),
    /// The request body is larger than the endpoint accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Our fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidJson(_) | ApiError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) | ApiError::ImportFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::Refused(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidJson(_) => "invalid_json",
            ApiError::BadParameter { .. } => "bad_parameter",
            ApiError::Invalid(e) => e.code.as_str(),
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) | ApiError::Refused(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::ImportFailed(_) => "import_failed",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::Internal(_) => "internal_error",
        }
    }

    /// A bad query parameter.
    pub fn param(field: &str, message: impl Into<String>) -> Self {
        ApiError::BadParameter {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<trygg_app::AppError> for ApiError {
    fn from(e: trygg_app::AppError) -> Self {
        use trygg_app::AppError as A;
        match e {
            A::Invalid(v) => ApiError::Invalid(v),
            A::BadParameter { field, message } => ApiError::BadParameter { field, message },
            A::Forbidden(r) => ApiError::Refused(r.en),
            A::NotFound(m) => ApiError::NotFound(m),
            A::Conflict(m) => ApiError::Conflict(m),
            A::ImportFailed(e) => ApiError::ImportFailed(e),
            A::Internal(m) => ApiError::Internal(m),
        }
    }
}

/// The largest JSON body the API reads (axum's default body limit); files go to the import
/// endpoints, which take up to 64 MiB.
pub const JSON_LIMIT_BYTES: usize = 2 * 1024 * 1024;

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::PayloadTooLarge(format!(
                "The request body is larger than the limit of {} MiB for JSON. Send fewer events per request, or import a file through /api/v1/import/….",
                JSON_LIMIT_BYTES / (1024 * 1024)
            ));
        }
        ApiError::InvalidJson(format!(
            "The request body is not valid: {}. Send JSON with Content-Type: application/json.",
            r.body_text()
        ))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (message, field) = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    "Something went wrong on our side; it has been logged.".to_string(),
                    None,
                )
            }
            ApiError::Invalid(v) => (v.message.clone(), Some(v.field.clone())),
            ApiError::BadParameter { field, message } => (message.clone(), Some(field.clone())),
            other => (other.to_string(), None),
        };
        let mut error = json!({ "code": self.code(), "message": message });
        if let Some(field) = field {
            error["field"] = json!(field);
        }
        if let ApiError::ImportFailed(e) = &self {
            error["errors"] = e
                .errors
                .iter()
                .map(|r| json!({ "location": r.at.to_string(), "message": r.message }))
                .collect();
            error["more"] = json!(e.more);
        }
        (status, Json(json!({ "error": error }))).into_response()
    }
}
