//! Validation errors: a stable machine code, the field at fault and a sentence that says what
//! to change. The web layer turns these into 4xx answers; imports prefix them with a line number.

use serde::Serialize;

/// Stable error codes. Clients match on these; never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A required value is missing.
    Missing,
    /// The category code is not in the taxonomy.
    UnknownCategory,
    /// A position lies outside Sweden's extent.
    OutsideSweden,
    /// The time window ends before it starts.
    TimeWindowReversed,
    /// A text is longer than allowed.
    TextTooLong,
    /// A free text contains a Swedish personal identity number.
    PersonalIdentityNumber,
    /// A value is of the wrong form.
    Invalid,
}

impl ErrorCode {
    /// The code as it appears in JSON answers.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Missing => "missing",
            ErrorCode::UnknownCategory => "unknown_category",
            ErrorCode::OutsideSweden => "outside_sweden",
            ErrorCode::TimeWindowReversed => "time_window_reversed",
            ErrorCode::TextTooLong => "text_too_long",
            ErrorCode::PersonalIdentityNumber => "personal_identity_number",
            ErrorCode::Invalid => "invalid",
        }
    }
}

/// Input that breaks a domain rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{field}: {message}")]
pub struct ValidationError {
    /// What kind of rule was broken.
    pub code: ErrorCode,
    /// The field at fault, as named in the API (`occurred_to`, `description`, …).
    pub field: String,
    /// What is wrong and what to do about it, for a person.
    pub message: String,
}

impl ValidationError {
    /// A new error for `field`.
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.into(),
            message: message.into(),
        }
    }
}
