//! Numbers as people type them in Swedish forms: `1 234,5`, `1234.5`, `12 000` (with a space,
//! a no-break space or a thin space between thousands). The one parser of the pages' hours and
//! kronor.

/// The text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// Parses a number with a decimal comma or point and any spaces; `Ok(None)` when empty,
/// [`NotANumber`] when it is not a number.
pub fn parse_sv_number(s: &str) -> Result<Option<f64>, NotANumber> {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or(NotANumber)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_swedish_forms_write_them() {
        assert_eq!(parse_sv_number("1 234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_sv_number("12\u{a0}000"), Ok(Some(12000.0)));
        assert_eq!(parse_sv_number("7.25"), Ok(Some(7.25)));
        assert_eq!(parse_sv_number("  "), Ok(None));
        assert_eq!(parse_sv_number("tio"), Err(NotANumber));
        assert_eq!(parse_sv_number("inf"), Err(NotANumber));
    }
}
