//! The partnership's own categories: sub-categories an administrator adds under one of the
//! standard groups ("Ordningsstörning vid skolor" as `ordning.ordningsstorning-vid-skolor`),
//! stored as records of kind `category` and then part of the taxonomy everywhere a standard
//! sub-category is (validation, imports, filters, the snapshot, reports).
//!
//! The taxonomy is process-wide: [`Taxonomy::all`] reads a registry that starts as the seeded
//! [`CATEGORIES`] and is only ever appended to by [`register`] (an own category's labels may
//! change, its code never, and nothing is removed). Each change leaks a new slice — categories
//! are few and rarely added — so every `&'static Category` handed out stays valid, and a
//! category's index in `all()`, which the analysis snapshot stores, never moves. Registering is
//! idempotent, so a server that loads the stored categories again, or tests sharing one
//! process, register the same category twice without harm.

use serde::{Deserialize, Serialize};

use crate::category::{CATEGORIES, Category, Taxonomy};
use crate::cycle::Record;
use crate::{ErrorCode, ValidationError};

/// The longest label of an own category, in characters.
pub const LABEL_MAX_CHARS: usize = 80;
/// The longest code of an own category, group and dot included.
pub const CODE_MAX_CHARS: usize = 60;

/// One own category (record kind `category`). Its group is the part of the code before the dot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnCategory {
    /// `group.sub`: a standard group's code, a dot, and lower-case letters `a`–`z`, digits and
    /// `-`. Stable: never changed once stored.
    pub code: String,
    /// Swedish label.
    pub label_sv: String,
    /// English label.
    pub label_en: String,
}

impl OwnCategory {
    /// The group's code (the part before the dot).
    pub fn group(&self) -> &str {
        self.code.split_once('.').map_or(&self.code, |(g, _)| g)
    }

    /// The code derived from a Swedish label under `group`: lower case, å and ä as a, ö as o,
    /// é as e, every other run of characters outside `a`–`z` and `0`–`9` as one `-`
    /// ("Ordningsstörning vid skolor" → `ordning.ordningsstorning-vid-skolor`).
    pub fn derive_code(group: &str, label_sv: &str) -> String {
        let mut sub = String::new();
        for ch in label_sv.trim().to_lowercase().chars() {
            let ch = match ch {
                'å' | 'ä' | 'à' | 'á' => 'a',
                'ö' | 'ø' | 'ó' => 'o',
                'é' | 'è' | 'ë' => 'e',
                'ü' | 'ú' => 'u',
                c => c,
            };
            if ch.is_ascii_alphanumeric() {
                sub.push(ch);
            } else if !sub.is_empty() && !sub.ends_with('-') {
                sub.push('-');
            }
        }
        let sub = sub.trim_end_matches('-');
        format!("{}.{sub}", group.trim())
    }
}

fn label_ok(field: &str, label: &str, example: &str) -> Result<(), ValidationError> {
    let n = label.trim().chars().count();
    if n == 0 {
        return Err(ValidationError::new(
            ErrorCode::Missing,
            field,
            format!(
                "The label {field} is empty: write the category's name, e.g. {example:?} \
                 (etiketten är tom; skriv kategorins namn)."
            ),
        ));
    }
    if n > LABEL_MAX_CHARS {
        return Err(ValidationError::new(
            ErrorCode::TextTooLong,
            field,
            format!(
                "The label {field} has {n} characters; at most {LABEL_MAX_CHARS} are allowed: \
                 shorten it (etiketten är för lång, högst {LABEL_MAX_CHARS} tecken)."
            ),
        ));
    }
    Ok(())
}

/// The codes of the standard groups nearest to `text`, for a refusal.
fn nearest_groups(text: &str) -> String {
    Taxonomy.nearest_group(text, 3).join(", ")
}

fn check_code(code: &str) -> Result<(), ValidationError> {
    const FIELD: &str = "code";
    let invalid = |message: String| ValidationError::new(ErrorCode::Invalid, FIELD, message);
    let Some((group, sub)) = code.split_once('.') else {
        return Err(ValidationError::new(
            ErrorCode::UnknownCategory,
            FIELD,
            format!(
                "{code:?} names no group: write GROUP.NAME under one of the standard groups, \
                 e.g. \"ordning.ordningsstorning\". Nearest groups: {} (koden ska börja med en \
                 grupps kod och en punkt).",
                nearest_groups(code)
            ),
        ));
    };
    let standard_group = CATEGORIES
        .iter()
        .any(|c| c.parent.is_none() && c.code == group);
    if !standard_group {
        return Err(ValidationError::new(
            ErrorCode::UnknownCategory,
            FIELD,
            format!(
                "{group:?} is not a group: an own category goes under one of the standard \
                 groups. Nearest groups: {} (okänd grupp; välj en av standardgrupperna).",
                nearest_groups(group)
            ),
        ));
    }
    let form_ok = !sub.is_empty()
        && !sub.starts_with('-')
        && !sub.ends_with('-')
        && sub
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !form_ok {
        return Err(invalid(format!(
            "{code:?}: after \"{group}.\" write lower-case letters a–z, digits and '-' (not \
             first or last), e.g. \"{group}.ordningsstorning\" (efter punkten: små bokstäver \
             a–z, siffror och bindestreck)."
        )));
    }
    if code.chars().count() > CODE_MAX_CHARS {
        return Err(invalid(format!(
            "{code:?} is longer than {CODE_MAX_CHARS} characters: shorten it (koden är för \
             lång)."
        )));
    }
    if CATEGORIES.iter().any(|c| c.code == code) {
        return Err(invalid(format!(
            "{code:?} is a standard category already: use it, or choose another code (koden \
             finns redan)."
        )));
    }
    Ok(())
}

impl Record for OwnCategory {
    const KIND: &'static str = "category";

    fn validate(&self) -> Result<(), ValidationError> {
        // The guard first: a personal number is refused as one, never echoed in another message.
        crate::text::check_all(self)?;
        check_code(&self.code)?;
        label_ok("label_sv", &self.label_sv, "Ordningsstörning vid skolor")?;
        label_ok("label_en", &self.label_en, "Disorder at schools")
    }
}

/// Adds `own` to the process-wide taxonomy, or gives an own category already there its (new)
/// labels. Refused: what [`OwnCategory::validate`] refuses. Registering the same category
/// again is no change; indices of the categories already there never move.
pub fn register(own: &OwnCategory) -> Result<&'static Category, ValidationError> {
    own.validate()?;
    let group = CATEGORIES
        .iter()
        .find(|c| c.parent.is_none() && c.code == own.group())
        .expect("validated: the group is a seeded one");
    Ok(crate::category::register_own(
        &own.code,
        group,
        own.label_sv.trim(),
        own.label_en.trim(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Channel, NewIncident, OrganisationId, Position, Precision, Visibility};

    fn own(code: &str, sv: &str, en: &str) -> OwnCategory {
        OwnCategory {
            code: code.into(),
            label_sv: sv.into(),
            label_en: en.into(),
        }
    }

    #[test]
    fn codes_are_derived_from_the_swedish_label() {
        assert_eq!(
            OwnCategory::derive_code("ordning", "Ordningsstörning"),
            "ordning.ordningsstorning"
        );
        assert_eq!(
            OwnCategory::derive_code("samling", "  Ungdomar på  skolgården! "),
            "samling.ungdomar-pa-skolgarden"
        );
        assert!(
            own(&OwnCategory::derive_code("ordning", "Öl & kött"), "a", "b")
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn validation_names_what_to_fix() {
        assert!(
            own("ordning.ordningsstorning", "Ordningsstörning", "Disorder")
                .validate()
                .is_ok()
        );
        let e = own("ordnin.x", "X", "X").validate().unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownCategory);
        assert!(e.message.contains("Nearest groups: ordning"), "{e}");
        let e = own("ordningsstorning", "X", "X").validate().unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownCategory, "no group");
        let e = own("ordning.brak", "Bråk", "Fight").validate().unwrap_err();
        assert!(e.message.contains("standard category already"), "{e}");
        assert!(
            own("ordning.Stor", "X", "X").validate().is_err(),
            "upper case"
        );
        assert!(own("ordning.", "X", "X").validate().is_err(), "no name");
        assert!(own("ordning.a.b", "X", "X").validate().is_err(), "two dots");
        let e = own("ordning.x", " ", "X").validate().unwrap_err();
        assert_eq!((e.code, e.field.as_str()), (ErrorCode::Missing, "label_sv"));
        let e = own("ordning.x", "X", &"y".repeat(81))
            .validate()
            .unwrap_err();
        assert_eq!(
            (e.code, e.field.as_str()),
            (ErrorCode::TextTooLong, "label_en")
        );
    }

    #[test]
    fn the_text_guard_refuses_a_personal_number_in_a_label() {
        let e = own("ordning.x", "Anmäld av 19121212-1212", "X")
            .validate()
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PersonalIdentityNumber);
        assert_eq!(e.field, "label_sv");
        let e = own("ordning.19121212-1212", "X", "X")
            .validate()
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PersonalIdentityNumber, "guard first");
    }

    #[test]
    fn a_registered_category_is_part_of_the_taxonomy() {
        let c = register(&own("ordning.test-registry", "Registrerad", "Registered")).unwrap();
        assert_eq!(c.parent, Some("ordning"));
        assert!(c.own);
        let index = Taxonomy
            .all()
            .iter()
            .position(|x| x.code == c.code)
            .unwrap();
        assert!(index >= CATEGORIES.len(), "appended after the seeded ones");
        assert!(
            Taxonomy
                .expand("ordning")
                .contains(&"ordning.test-registry")
        );
        assert_eq!(
            Taxonomy.group_of("ordning.test-registry").unwrap().code,
            "ordning"
        );
        assert_eq!(Taxonomy.resolve("Registrerad").unwrap().code, c.code);
        // Idempotent; new labels in place, the index unchanged.
        register(&own("ordning.test-registry", "Registrerad", "Registered")).unwrap();
        let renamed = register(&own("ordning.test-registry", "Omdöpt", "Renamed")).unwrap();
        assert_eq!(renamed.label_sv, "Omdöpt");
        let again = Taxonomy
            .all()
            .iter()
            .position(|x| x.code == c.code)
            .unwrap();
        assert_eq!(again, index);
        assert_eq!(
            Taxonomy.all().iter().filter(|x| x.code == c.code).count(),
            1
        );
        // An incident may carry it.
        let incident = NewIncident {
            occurred_from: "2024-05-01T20:00:00Z".parse().unwrap(),
            occurred_to: None,
            reported_at: None,
            category: "ordning.test-registry".into(),
            place_type: None,
            position: Some(Position::from_wgs84(59.858, 17.639, Precision::Exact).unwrap()),
            place: None,
            source_org: OrganisationId(1),
            channel: Channel::Api,
            external_id: None,
            description: None,
            visibility: Visibility::Shared,
            report_id: None,
            created_by: None,
        };
        incident.validate().unwrap();
    }
}
