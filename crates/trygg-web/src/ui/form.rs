//! A submitted form (or a query string) as the pages read it back: values by name, repeated
//! names and numbered row groups, so a refused form is shown again with what was typed.

/// A submitted form (or a query string) as its pairs, in order; keys may repeat.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `k`, trimmed ("" when absent).
    pub(crate) fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `k`, in order, trimmed.
    pub(crate) fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// Whether `k` was sent with the value `v` (a checked box among several).
    pub(crate) fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(n, x)| n == k && x.trim() == v)
    }

    /// Adds a value (to pre-fill a form from a stored record).
    pub(crate) fn push(&mut self, k: impl Into<String>, v: impl ToString) {
        self.0.push((k.into(), v.to_string()));
    }

    /// How many rows of a repeated group (`{prefix}{k}`, k = 0, 1, …) were sent.
    pub(crate) fn rows(&self, prefix: &str) -> usize {
        self.0
            .iter()
            .filter_map(|(k, _)| k.strip_prefix(prefix)?.parse::<usize>().ok())
            .map(|k| k + 1)
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn values_by_name_repeats_and_row_groups() {
        let mut f = Fields(vec![
            ("title".into(), "  Trygg i Gottsunda ".into()),
            ("area".into(), "3".into()),
            ("area".into(), " 5".into()),
            ("party_name_0".into(), "Uppsala kommun".into()),
            ("party_name_2".into(), "".into()),
        ]);
        assert_eq!(f.get("title"), "Trygg i Gottsunda");
        assert_eq!(f.get("missing"), "");
        assert_eq!(f.all("area"), ["3", "5"]);
        assert!(f.has("area", "5") && !f.has("area", "4"));
        assert_eq!(f.rows("party_name_"), 3);
        assert_eq!(f.rows("signatory_name_"), 0);
        f.push(format!("party_name_{}", 3), 7);
        assert_eq!(f.rows("party_name_"), 4);
    }
}
