//! A partnership's stored category synonyms: a value as it appears in its own files
//! ("Ordningsstörning") and the taxonomy's code it stands for. Imports read every stored synonym
//! as if it were given with `--category-map`; one given explicitly wins.

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::category::CategoryMap;
use crate::cycle::Record;

/// One stored synonym (record kind `category_synonym`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySynonym {
    /// The value as written in the partnership's files; matched ignoring case and spaces.
    pub value: String,
    /// The category or group code it stands for.
    pub code: String,
}

impl Record for CategorySynonym {
    const KIND: &'static str = "category_synonym";

    fn validate(&self) -> Result<(), ValidationError> {
        // The guard first: a personal number pasted as a code is refused as one, never echoed
        // back in an "unknown category" message.
        crate::text::check_all(self)?;
        CategoryMap::check(&self.value, &self.code).map(|_| ())
    }
}

/// The stored synonyms as a map (a value stored twice: the first wins).
pub fn to_map<'a>(synonyms: impl IntoIterator<Item = &'a CategorySynonym>) -> CategoryMap {
    let mut map = CategoryMap::new();
    for s in synonyms {
        let mut one = CategoryMap::new();
        if one.insert(&s.value, &s.code).is_ok() {
            map.extend_missing(&one);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn synonym(value: &str, code: &str) -> CategorySynonym {
        CategorySynonym {
            value: value.into(),
            code: code.into(),
        }
    }

    #[test]
    fn a_synonym_needs_a_value_a_known_code_and_clean_text() {
        assert!(
            synonym("Ordningsstörning", "ordning.ovrigt")
                .validate()
                .is_ok()
        );
        assert!(synonym("Bus", "ordning").validate().is_ok(), "a group");
        let e = synonym("Ordningsstörning", "ordning.ovrig")
            .validate()
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownCategory);
        assert!(e.message.contains("Nearest codes: ordning.ovrigt"), "{e}");
        assert_eq!(
            synonym("  ", "ordning").validate().unwrap_err().code,
            ErrorCode::Missing
        );
        assert_eq!(
            synonym("Anmäld av 19121212-1212", "ordning")
                .validate()
                .unwrap_err()
                .code,
            ErrorCode::PersonalIdentityNumber
        );
        assert_eq!(
            synonym("Bus\0", "ordning").validate().unwrap_err().code,
            ErrorCode::Invalid
        );
    }

    #[test]
    fn stored_synonyms_make_a_map() {
        let stored = [
            synonym("Ordningsstörning", "ordning.ovrigt"),
            synonym("ORDNINGSSTÖRNING", "ordning"),
            synonym("Langning", "ordning.narkotika"),
        ];
        let map = to_map(&stored);
        assert_eq!(map.len(), 2);
        assert_eq!(
            map.get("ordningsstörning").unwrap().1.code,
            "ordning.ovrigt",
            "the first stored wins"
        );
    }
}
