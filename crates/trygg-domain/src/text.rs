//! The text guard: the one check every text passes before trygg stores it, whatever the record.
//!
//! A text is refused when it holds a personal identity number, or a number that looks like one
//! ([`crate::pnr`]: the shared picture holds no personal data), or a NUL character (PostgreSQL
//! cannot store one in a text). Every record kind's `validate` calls [`check_all`] on itself,
//! which runs [`check`] over every string it serialises — fields, strings in lists, options,
//! nested structs and JSON values — so a field added later is guarded without anyone
//! remembering to. Incidents, written a million at a time, call [`check`] field by field
//! instead (`NewIncident::validate`); a test walks every string of every kind through serde to
//! prove both ways miss none.
//!
//! Links are checked here too ([`check_url`]): a stored address becomes an `href` on a page, so
//! only `http://`, `https://` and `mailto:` are taken — never `javascript:`, `data:` or
//! `vbscript:`, whatever their case or the spaces before them. The pages ask [`is_safe_url`]
//! again before they make a link (defence in depth).

use serde::Serialize;
use serde_json::Value;

use crate::{ErrorCode, ValidationError, pnr};

/// Refuses a text holding a personal identity number, a number that looks like one, or NUL.
/// `field` names the text in the refusal.
pub fn check(field: &str, text: &str) -> Result<(), ValidationError> {
    if text.contains('\0') {
        return Err(ValidationError::new(
            ErrorCode::Invalid,
            field,
            format!(
                "The text in {field} contains a NUL character (\\0), which cannot be stored: remove it \
                 (texten innehåller ett NUL-tecken, som inte kan sparas; ta bort det)."
            ),
        ));
    }
    match pnr::find(text) {
        None => Ok(()),
        Some(found) if found.check_digit_ok => Err(ValidationError::new(
            ErrorCode::PersonalIdentityNumber,
            field,
            format!(
                "The text in {field} contains what looks like a personal identity number \
                 (personnummer or samordningsnummer). The shared picture must not hold personal \
                 data: remove the number (texten innehåller ett personnummer eller \
                 samordningsnummer; ta bort numret, den gemensamma lägesbilden får inte innehålla \
                 personuppgifter)."
            ),
        )),
        Some(_) => Err(ValidationError::new(
            ErrorCode::PersonalIdentityNumber,
            field,
            format!(
                "The number in {field} looks like a personnummer or samordningsnummer; if it is a \
                 case number, write it with its prefix (such as KSN-), otherwise remove it \
                 (numret ser ut som ett personnummer eller samordningsnummer; är det ett \
                 diarienummer, skriv det med sitt prefix, annars ta bort det)."
            ),
        )),
    }
}

/// Whether `url` may become a link: it starts with `http://`, `https://` or `mailto:`
/// (case-insensitive, after trimming) and holds no control character.
pub fn is_safe_url(url: &str) -> bool {
    let u = url.trim();
    let scheme_ok = ["http://", "https://", "mailto:"].iter().any(|s| {
        u.get(..s.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(s))
    });
    scheme_ok && !u.chars().any(char::is_control)
}

/// Whether `text` (trimmed) starts like an address with a scheme (`javascript:`, `https:`, the
/// letters, digits, `+`, `-` and `.` of RFC 3986 before a colon), so a text that is meant as a
/// link is checked as one even where a title was expected.
pub fn has_scheme(text: &str) -> bool {
    let t = text.trim();
    t.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Refuses a link that does not start with `http://`, `https://` or `mailto:` (see
/// [`is_safe_url`]). `field` names the link in the refusal.
pub fn check_url(field: &str, url: &str) -> Result<(), ValidationError> {
    if is_safe_url(url) {
        return Ok(());
    }
    Err(ValidationError::new(
        ErrorCode::Invalid,
        field,
        format!(
            "The link in {field} must start with https://, http:// or mailto: — give the \
             document's web address or an e-mail address (länken måste börja med https://, \
             http:// eller mailto:; ange dokumentets webbadress eller en e-postadress)."
        ),
    ))
}

/// Runs [`check`] over every string `value` serialises to, naming each by its path as the API
/// does (`promises[0].activities[1].text`), and over every key of a JSON object it holds (named
/// by the object's path, so a refusal never repeats the number).
pub fn check_all<T: Serialize + ?Sized>(value: &T) -> Result<(), ValidationError> {
    let json = serde_json::to_value(value).map_err(|e| {
        ValidationError::new(
            ErrorCode::Invalid,
            "",
            format!("The record could not be read as JSON ({e})."),
        )
    })?;
    walk(&json, &mut Vec::new())
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn path(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for s in steps {
        match s {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn walk<'a>(v: &'a Value, steps: &mut Vec<Step<'a>>) -> Result<(), ValidationError> {
    match v {
        Value::String(s) => check(&path(steps), s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                steps.push(Step::Index(i));
                walk(item, steps)?;
                steps.pop();
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, item) in map {
                check(&path(steps), k)?;
                steps.push(Step::Key(k));
                walk(item, steps)?;
                steps.pop();
            }
            Ok(())
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_refusal_names_the_field_and_says_what_to_do() {
        let e = check("description", "Pojke 811228-9874").unwrap_err();
        assert_eq!(e.code, ErrorCode::PersonalIdentityNumber);
        assert_eq!(e.field, "description");
        assert!(e.message.contains("in description"), "{}", e.message);
        assert!(e.message.contains("remove the number"), "{}", e.message);

        let e = check("external_id", "811228-9875").unwrap_err();
        assert_eq!(e.code, ErrorCode::PersonalIdentityNumber);
        for part in [
            "in external_id",
            "looks like a personnummer or samordningsnummer; if it is a case number, write it with its prefix",
            "ser ut som ett personnummer eller samordningsnummer; är det ett diarienummer, skriv det med sitt prefix",
        ] {
            assert!(e.message.contains(part), "{part:?} in {}", e.message);
        }

        let e = check("place", "Stora\0torget").unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::Invalid, "place"));
        assert!(e.message.contains("NUL"), "{}", e.message);
        assert_eq!(check("place", "Stora torget, 2024-03-01"), Ok(()));
    }

    #[test]
    fn only_web_and_mail_links_are_taken() {
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "ftp://example.se/a.pdf",
            "//example.se/a.pdf",
            "/samverkan",
            "https://exa\nmple.se",
            "",
        ] {
            let e = check_url("attachments[0]", bad).expect_err(bad);
            assert_eq!(
                (e.code, e.field.as_str()),
                (ErrorCode::Invalid, "attachments[0]"),
                "{bad:?}"
            );
            assert!(
                e.message
                    .contains("must start with https://, http:// or mailto:"),
                "{}",
                e.message
            );
            assert!(
                e.message.contains("länken måste börja med"),
                "{}",
                e.message
            );
            assert!(!is_safe_url(bad), "{bad:?}");
        }
        for good in [
            "https://www.uppsala.se/bilaga-1.pdf",
            "http://intranat.kommun.se/a",
            "HTTPS://EXAMPLE.SE",
            " https://example.se ",
            "mailto:samordnare@uppsala.se",
            "MailTo:samordnare@uppsala.se",
        ] {
            assert_eq!(check_url("url", good), Ok(()), "{good:?}");
            assert!(is_safe_url(good), "{good:?}");
        }
        assert!(has_scheme(" JavaScript:alert(1)") && has_scheme("https://x"));
        assert!(!has_scheme("Bilaga 1: Åtagandeplan") && !has_scheme("Bilaga 1 – Åtagandeplan"));
    }

    #[test]
    fn every_string_is_walked_with_its_path() {
        let v = json!({"title": "ok", "promises": [{"text": "ok"}, {"activities": [{"text": "x 811228-9874"}]}]});
        assert_eq!(
            check_all(&v).unwrap_err().field,
            "promises[1].activities[0].text"
        );
        let v = json!({"geometry": {"type": "Polygon", "811228-9874": 1}});
        assert_eq!(check_all(&v).unwrap_err().field, "geometry");
        let v = json!(["a\0"]);
        assert_eq!(check_all(&v).unwrap_err().field, "[0]");
        assert_eq!(check_all(&json!({"n": 8112289874_u64, "b": true})), Ok(()));
    }
}
