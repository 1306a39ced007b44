//! The category taxonomy: a two-level tree of codes with Swedish and English labels.
//!
//! The five EST categories reporters are trained on are the backbone (`skadegorelse`,
//! `samling`, `ordning`, `otrygg-plats`, `arrangemang`). Police-only kinds of event get their
//! own groups (`brott`, `trafik`, `olycka`, `polisinsats`, `ovrigt`) so that a filter on, say,
//! `ordning.inbrott` finds burglaries from reporters, the Polisen feed and imports alike.
//! A code is `group` or `group.sub`; a filter on a group includes its sub-categories.

use serde::Serialize;

use crate::{ErrorCode, ValidationError};

/// One category in the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Category {
    /// Stable code: `group` or `group.sub`.
    pub code: &'static str,
    /// The parent's code for a sub-category.
    pub parent: Option<&'static str>,
    /// Swedish label (shown in the UI by default).
    pub label_sv: &'static str,
    /// English label.
    pub label_en: &'static str,
    /// Offered in the EST report form.
    pub est: bool,
    /// The partnership's own category ([`crate::own_category`]), not one of the seeded ones.
    pub own: bool,
}

const fn group(code: &'static str, sv: &'static str, en: &'static str, est: bool) -> Category {
    Category {
        code,
        parent: None,
        label_sv: sv,
        label_en: en,
        est,
        own: false,
    }
}

const fn sub(
    parent: &'static str,
    code: &'static str,
    sv: &'static str,
    en: &'static str,
    est: bool,
) -> Category {
    Category {
        code,
        parent: Some(parent),
        label_sv: sv,
        label_en: en,
        est,
        own: false,
    }
}

/// The seeded taxonomy. Codes are stable: never rename one, add new ones instead.
pub const CATEGORIES: &[Category] = &[
    group("skadegorelse", "Skadegörelse", "Vandalism", true),
    sub(
        "skadegorelse",
        "skadegorelse.klotter",
        "Klotter",
        "Graffiti",
        true,
    ),
    sub(
        "skadegorelse",
        "skadegorelse.glaskross",
        "Glaskross",
        "Broken glass",
        true,
    ),
    sub(
        "skadegorelse",
        "skadegorelse.brand",
        "Anlagd brand",
        "Arson",
        true,
    ),
    sub(
        "skadegorelse",
        "skadegorelse.ovrig",
        "Annan skadegörelse",
        "Other vandalism",
        true,
    ),
    group(
        "samling",
        "Otrygghetsskapande samling av personer",
        "Gathering creating insecurity",
        true,
    ),
    sub("samling", "samling.trapphus", "Trapphus", "Stairwell", true),
    sub("samling", "samling.kallare", "Källare", "Basement", true),
    sub("samling", "samling.garage", "Garage", "Garage", true),
    sub(
        "samling",
        "samling.kopcentrum",
        "Köpcentrum",
        "Shopping centre",
        true,
    ),
    sub("samling", "samling.utomhus", "Utomhus", "Outdoors", true),
    group(
        "ordning",
        "Annat otrygghetsskapande / ordningsstörande",
        "Other insecurity or disorder",
        true,
    ),
    sub("ordning", "ordning.brak", "Bråk", "Disturbance", true),
    sub("ordning", "ordning.vald", "Våld", "Violence", true),
    sub("ordning", "ordning.inbrott", "Inbrott", "Burglary", true),
    sub("ordning", "ordning.ran", "Rån", "Robbery", true),
    sub(
        "ordning",
        "ordning.narkotika",
        "Misstänkt droghantering",
        "Suspected drug dealing",
        true,
    ),
    sub(
        "ordning",
        "ordning.olovligt-boende",
        "Olovligt boende",
        "Unauthorised dwelling",
        true,
    ),
    sub(
        "ordning",
        "ordning.olovlig-trafik",
        "Olovlig trafik",
        "Illegal traffic",
        true,
    ),
    sub(
        "ordning",
        "ordning.ovrigt",
        "Annan ordningsstörning",
        "Other disorder",
        true,
    ),
    group("otrygg-plats", "Otrygg plats", "Unsafe place", true),
    sub(
        "otrygg-plats",
        "otrygg-plats.belysning",
        "Bristande belysning",
        "Poor lighting",
        true,
    ),
    sub(
        "otrygg-plats",
        "otrygg-plats.insyn",
        "Bristande insyn",
        "Poor visibility",
        true,
    ),
    sub(
        "otrygg-plats",
        "otrygg-plats.klotter",
        "Klotter",
        "Graffiti",
        true,
    ),
    sub(
        "otrygg-plats",
        "otrygg-plats.nedskrapning",
        "Nedskräpning",
        "Litter",
        true,
    ),
    sub(
        "otrygg-plats",
        "otrygg-plats.odslighet",
        "Ödslighet",
        "Desolation",
        true,
    ),
    group("arrangemang", "Arrangemang", "Event", true),
    group("brott", "Övriga brott", "Other crime", false),
    sub("brott", "brott.stold", "Stöld", "Theft", false),
    sub(
        "brott",
        "brott.fordon",
        "Fordonsstöld",
        "Vehicle theft",
        false,
    ),
    sub(
        "brott",
        "brott.bedrageri",
        "Bedrägeri och förfalskning",
        "Fraud and forgery",
        false,
    ),
    sub(
        "brott",
        "brott.hot",
        "Hot och ofredande",
        "Threats and harassment",
        false,
    ),
    sub(
        "brott",
        "brott.sexualbrott",
        "Sexualbrott",
        "Sexual offence",
        false,
    ),
    sub(
        "brott",
        "brott.dodligt-vald",
        "Mord, dråp och försök",
        "Homicide and attempts",
        false,
    ),
    sub(
        "brott",
        "brott.skjutvapen",
        "Skottlossning och sprängning",
        "Shooting and explosion",
        false,
    ),
    sub(
        "brott",
        "brott.vapen",
        "Vapen- och knivbrott",
        "Weapons offence",
        false,
    ),
    sub(
        "brott",
        "brott.ovrigt",
        "Annat brott",
        "Other offence",
        false,
    ),
    group("trafik", "Trafik", "Traffic", false),
    sub(
        "trafik",
        "trafik.olycka",
        "Trafikolycka",
        "Road accident",
        false,
    ),
    sub(
        "trafik",
        "trafik.brott",
        "Trafikbrott",
        "Traffic offence",
        false,
    ),
    sub(
        "trafik",
        "trafik.kontroll",
        "Trafikkontroll",
        "Traffic check",
        false,
    ),
    sub(
        "trafik",
        "trafik.hinder",
        "Trafikhinder",
        "Traffic obstruction",
        false,
    ),
    group(
        "olycka",
        "Brand, olycka och räddning",
        "Fire, accident and rescue",
        false,
    ),
    sub("olycka", "olycka.brand", "Brand", "Fire", false),
    sub(
        "olycka",
        "olycka.olycka",
        "Olycka och sjukdom",
        "Accident and illness",
        false,
    ),
    sub(
        "olycka",
        "olycka.raddning",
        "Räddningsinsats",
        "Rescue",
        false,
    ),
    group(
        "polisinsats",
        "Polisinsats och kontroll",
        "Police operation",
        false,
    ),
    sub(
        "polisinsats",
        "polisinsats.kontroll",
        "Kontroll",
        "Check",
        false,
    ),
    sub("polisinsats", "polisinsats.larm", "Larm", "Alarm", false),
    sub(
        "polisinsats",
        "polisinsats.insats",
        "Polisinsats",
        "Police operation",
        false,
    ),
    sub(
        "polisinsats",
        "polisinsats.person",
        "Personärende",
        "Missing, wanted or found person",
        false,
    ),
    group("ovrigt", "Övrigt", "Other", false),
    sub(
        "ovrigt",
        "ovrigt.polisen",
        "Övrigt (Polisen)",
        "Other (police)",
        false,
    ),
    sub("ovrigt", "ovrigt.annat", "Annat", "Something else", true),
];

/// The code every Polisen event type without a mapping goes under.
pub const POLISEN_UNMAPPED: &str = "ovrigt.polisen";

/// What a Polisen event type means to trygg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolisenType {
    /// An incident in this category.
    Category(&'static str),
    /// A known type with no category of its own; it goes under [`POLISEN_UNMAPPED`].
    Unmapped,
    /// A county summary ("Sammanfattning natt"): not an incident.
    Summary,
}

/// Polisen's event types (from polisen.se's list and every type seen in the feed 2023–2026)
/// and the category each maps to. Matching ignores case and surrounding spaces, because the
/// feed has both "Larm Inbrott" and "Larm inbrott", and "Lagen om hundar och katter ".
const POLISEN_TYPES: &[(&str, &str)] = &[
    ("Alkohollagen", "ordning.ovrigt"),
    ("Anträffad död", "polisinsats.person"),
    ("Anträffat gods", "ovrigt.polisen"),
    ("Arbetsplatsolycka", "olycka.olycka"),
    ("Bedrägeri", "brott.bedrageri"),
    ("Bombhot", "brott.hot"),
    ("Brand", "olycka.brand"),
    ("Brand automatlarm", "olycka.brand"),
    ("Bråk", "ordning.brak"),
    ("Detonation", "brott.skjutvapen"),
    ("Djur", "ovrigt.polisen"),
    ("Djur skadat/omhändertaget", "ovrigt.polisen"),
    ("Efterlyst person", "polisinsats.person"),
    ("Ekobrott", "brott.bedrageri"),
    ("Explosion", "brott.skjutvapen"),
    ("Farligt föremål, misstänkt", "brott.skjutvapen"),
    ("Fjällräddning", "olycka.raddning"),
    ("Fylleri", "ordning.ovrigt"),
    ("Fylleri/LOB", "ordning.ovrigt"),
    ("Förfalskningsbrott", "brott.bedrageri"),
    ("Försvunnen person", "polisinsats.person"),
    ("Gränskontroll", "polisinsats.kontroll"),
    ("Hemfridsbrott", "brott.ovrigt"),
    ("Hets mot folkgrupp", "brott.hot"),
    ("Häleri", "brott.stold"),
    ("Inbrott", "ordning.inbrott"),
    ("Inbrott, försök", "ordning.inbrott"),
    ("Information", "ovrigt.polisen"),
    ("Knivlagen", "brott.vapen"),
    ("Kontroll", "polisinsats.kontroll"),
    ("Kontroll person/fordon", "polisinsats.kontroll"),
    ("Lagen om hundar och katter", "ovrigt.polisen"),
    ("Larm inbrott", "polisinsats.larm"),
    ("Larm överfall", "polisinsats.larm"),
    ("Luftfartslagen", "brott.ovrigt"),
    ("Miljöbrott", "brott.ovrigt"),
    ("Missbruk av urkund", "brott.bedrageri"),
    ("Misshandel", "ordning.vald"),
    ("Misshandel, grov", "ordning.vald"),
    ("Mord/dråp", "brott.dodligt-vald"),
    ("Mord/dråp, försök", "brott.dodligt-vald"),
    ("Mordbrand", "skadegorelse.brand"),
    ("Motorfordon, anträffat stulet", "brott.fordon"),
    ("Motorfordon, stöld", "brott.fordon"),
    ("Narkotikabrott", "ordning.narkotika"),
    ("Naturkatastrof", "olycka.olycka"),
    ("Ofog barn/ungdom", "ordning.ovrigt"),
    ("Ofredande/förargelse", "brott.hot"),
    ("Olaga frihetsberövande", "brott.ovrigt"),
    ("Olaga frihetsberövande/människorov", "brott.ovrigt"),
    ("Olaga hot", "brott.hot"),
    ("Olaga intrång", "brott.ovrigt"),
    ("Olaga intrång/hemfridsbrott", "brott.ovrigt"),
    ("Olovlig körning", "trafik.brott"),
    ("Ordningslagen", "ordning.ovrigt"),
    ("Polisinsats/kommendering", "polisinsats.insats"),
    ("Rattfylleri", "trafik.brott"),
    ("Räddningsinsats", "olycka.raddning"),
    ("Rån", "ordning.ran"),
    ("Rån väpnat", "ordning.ran"),
    ("Rån övrigt", "ordning.ran"),
    ("Rån, försök", "ordning.ran"),
    ("Sabotage mot blåljusverksamhet", "brott.ovrigt"),
    ("Sedlighetsbrott", "brott.sexualbrott"),
    ("Sexualbrott", "brott.sexualbrott"),
    ("Sjukdom/olycksfall", "olycka.olycka"),
    ("Sjölagen", "brott.ovrigt"),
    ("Skadegörelse", "skadegorelse.ovrig"),
    ("Skottlossning", "brott.skjutvapen"),
    ("Skottlossning, misstänkt", "brott.skjutvapen"),
    ("Skyddslagen", "brott.ovrigt"),
    ("Smällar", "ordning.ovrigt"),
    ("Spridning smitta/kemikalier", "olycka.olycka"),
    ("Spridning smittsamma kemikalier", "olycka.olycka"),
    ("Stöld", "brott.stold"),
    ("Stöld, försök", "brott.stold"),
    ("Stöld, ringa", "brott.stold"),
    ("Stöld/inbrott", "brott.stold"),
    ("Tillfälligt obemannat", "ovrigt.polisen"),
    ("Trafikbrott", "trafik.brott"),
    ("Trafikhinder", "trafik.hinder"),
    ("Trafikkontroll", "trafik.kontroll"),
    ("Trafikolycka", "trafik.olycka"),
    ("Trafikolycka, personskada", "trafik.olycka"),
    ("Trafikolycka, singel", "trafik.olycka"),
    ("Trafikolycka, smitning från", "trafik.olycka"),
    ("Trafikolycka, vilt", "trafik.olycka"),
    ("Uppdatering", "ovrigt.polisen"),
    ("Upphittat föremål", "ovrigt.polisen"),
    ("Utlänningslagen", "brott.ovrigt"),
    ("Vapenlagen", "brott.vapen"),
    ("Varningslarm/haveri", "olycka.olycka"),
    ("Våld/hot mot tjänsteman", "ordning.vald"),
    ("Våldtäkt", "brott.sexualbrott"),
    ("Våldtäkt, försök", "brott.sexualbrott"),
    ("Vållande till kroppsskada", "brott.ovrigt"),
    ("Åldringsbrott", "brott.bedrageri"),
    ("Övrigt", "ovrigt.polisen"),
];

/// Maps a Polisen event type to its meaning in trygg.
pub fn polisen_type(event_type: &str) -> PolisenType {
    let t = event_type.trim();
    if t.to_lowercase().starts_with("sammanfattning") {
        return PolisenType::Summary;
    }
    POLISEN_TYPES
        .iter()
        .find(|(name, _)| name.to_lowercase() == t.to_lowercase())
        .map_or(PolisenType::Unmapped, |&(_, code)| {
            PolisenType::Category(code)
        })
}

/// The taxonomy as it stands: the seeded categories, then the own ones in the order registered
/// (see [`crate::own_category`] for why it is process-wide and append-only).
static REGISTRY: std::sync::RwLock<&'static [Category]> = std::sync::RwLock::new(CATEGORIES);

/// Adds the own sub-category `code` under the seeded group `group` (offered in the EST form
/// when the group is), or gives the one already there its new labels; answers it. Nothing is removed and no index moves: each change leaks
/// a new slice (own categories are few and rarely added), so every `&'static Category` handed
/// out stays valid. The caller has validated the category
/// ([`crate::own_category::register`]).
pub(crate) fn register_own(
    code: &str,
    group: &'static Category,
    label_sv: &str,
    label_en: &str,
) -> &'static Category {
    let mut all = REGISTRY.write().unwrap_or_else(|e| e.into_inner());
    let at = all.iter().position(|c| c.code == code);
    if let Some(had) = at.map(|i| &all[i])
        && had.label_sv == label_sv
        && had.label_en == label_en
    {
        return had;
    }
    let leak = |s: &str| -> &'static str { Box::leak(s.to_string().into_boxed_str()) };
    let category = Category {
        code: at.map_or_else(|| leak(code), |i| all[i].code),
        parent: Some(group.code),
        label_sv: leak(label_sv),
        label_en: leak(label_en),
        est: group.est,
        own: true,
    };
    let mut next: Vec<Category> = all.to_vec();
    let i = match at {
        Some(i) => {
            next[i] = category;
            i
        }
        None => {
            next.push(category);
            next.len() - 1
        }
    };
    let leaked: &'static [Category] = Box::leak(next.into_boxed_slice());
    *all = leaked;
    &leaked[i]
}

/// Lookups over the taxonomy.
#[derive(Debug, Clone, Copy, Default)]
pub struct Taxonomy;

impl Taxonomy {
    /// Every category: the seeded ones (groups before their sub-categories), then the
    /// partnership's own ones in the order they were added ([`crate::own_category`]). A
    /// category's index never changes while the process runs.
    pub fn all(self) -> &'static [Category] {
        *REGISTRY.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The category with exactly this code.
    pub fn get(self, code: &str) -> Option<&'static Category> {
        self.all().iter().find(|c| c.code == code)
    }

    /// The top-level groups (an own category goes under one of them).
    pub fn groups(self) -> impl Iterator<Item = &'static Category> {
        self.all().iter().filter(|c| c.parent.is_none())
    }

    /// Finds a category by code or by Swedish or English label, ignoring case and surrounding
    /// space. A label shared by several categories (Klotter) resolves to the EST one under
    /// Skadegörelse, the first in the table. A `Group / Sub` or `Group: Sub` form picks the
    /// sub-category within that group.
    pub fn resolve(self, text: &str) -> Option<&'static Category> {
        let t = text.trim().to_lowercase();
        if t.is_empty() {
            return None;
        }
        if let Some(c) = self.get(&t) {
            return Some(c);
        }
        let by_label =
            |c: &&Category| c.label_sv.to_lowercase() == t || c.label_en.to_lowercase() == t;
        if let Some(c) = self.all().iter().find(by_label) {
            return Some(c);
        }
        for sep in [" / ", ":", " - ", ">"] {
            if let Some((g, s)) = t.split_once(sep) {
                let group = self.resolve(g)?;
                let (g, s) = (group.code, s.trim());
                return self.all().iter().find(|c| {
                    c.parent == Some(g)
                        && (c.label_sv.to_lowercase() == s || c.label_en.to_lowercase() == s)
                });
            }
        }
        None
    }

    /// The codes a filter on `code` covers: itself and, for a group, all its sub-categories.
    pub fn expand(self, code: &str) -> Vec<&'static str> {
        self.all()
            .iter()
            .filter(|c| c.code == code || c.parent == Some(code))
            .map(|c| c.code)
            .collect()
    }

    /// The group a code belongs to (itself for a group).
    pub fn group_of(self, code: &str) -> Option<&'static Category> {
        let c = self.get(code)?;
        match c.parent {
            Some(p) => self.get(p),
            None => Some(c),
        }
    }
}

/// The longest value a category map may map (a category cell of a file).
pub const MAP_VALUE_MAX_CHARS: usize = 200;

/// How many near codes an unknown code is answered with.
const NEAREST: usize = 3;

impl Taxonomy {
    /// The `n` codes nearest to `text` (by edit distance to each category's code and labels,
    /// ignoring case), nearest first, ties in table order: what to suggest for a misspelt code.
    pub fn nearest(self, text: &str, n: usize) -> Vec<&'static str> {
        nearest_of(self.all().iter(), text, n)
    }

    /// The `n` group codes nearest to `text`, as [`Taxonomy::nearest`].
    pub fn nearest_group(self, text: &str, n: usize) -> Vec<&'static str> {
        nearest_of(self.groups(), text, n)
    }
}

/// The codes of `categories` nearest to `text`, nearest first, ties in their order.
fn nearest_of<'a>(
    categories: impl Iterator<Item = &'a Category>,
    text: &str,
    n: usize,
) -> Vec<&'static str> {
    let t = text.trim().to_lowercase();
    let mut scored: Vec<(usize, usize, &'static str)> = categories
        .enumerate()
        .map(|(i, c)| {
            let d = [c.code, c.label_sv, c.label_en]
                .iter()
                .map(|s| edit_distance(&t, &s.to_lowercase()))
                .min()
                .unwrap_or(usize::MAX);
            (d, i, c.code)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, _, c)| c).collect()
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A partnership's own words for categories: values as they appear in its files
/// ("Ordningsstörning") and the taxonomy's code each stands for (`ordning.ovrigt`, or a group
/// such as `ordning`, which incidents may carry too). Values match ignoring case and
/// surrounding space (runs of inner space count as one); a value maps to one code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryMap {
    /// Normalised value → (the value as first written, its category).
    entries: std::collections::BTreeMap<String, (String, &'static Category)>,
}

impl CategoryMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// The key a value is matched by: trimmed, lower-case, inner space runs as one space.
    pub fn normalise(value: &str) -> String {
        value
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }

    /// Checks one `value` → `code` pair without adding it: the value is a non-empty text that
    /// passes the text guard, the code is a category or group of the taxonomy (refused naming
    /// it and the nearest codes).
    pub fn check(value: &str, code: &str) -> Result<&'static Category, ValidationError> {
        const FIELD: &str = "category_map";
        let value = value.trim();
        if value.is_empty() {
            return Err(ValidationError::new(
                ErrorCode::Missing,
                FIELD,
                format!(
                    "The mapping to {:?} names no value before '=': write VALUE=CODE, e.g. \
                     \"Ordningsstörning=ordning.ovrigt\".",
                    code.trim()
                ),
            ));
        }
        if value.chars().count() > MAP_VALUE_MAX_CHARS {
            return Err(ValidationError::new(
                ErrorCode::TextTooLong,
                FIELD,
                format!(
                    "The value {:?}… is longer than {MAP_VALUE_MAX_CHARS} characters: map the \
                     value as it appears in the category column.",
                    value.chars().take(40).collect::<String>()
                ),
            ));
        }
        crate::text::check(FIELD, value)?;
        let code = code.trim();
        Taxonomy.get(code).ok_or_else(|| {
            ValidationError::new(
                ErrorCode::UnknownCategory,
                FIELD,
                format!(
                    "{value:?} is mapped to {code:?}, which is not a category code. Nearest \
                     codes: {}. Every code is listed by GET /api/v1/categories.",
                    Taxonomy.nearest(code, NEAREST).join(", ")
                ),
            )
        })
    }

    /// Adds `value` → `code`. Refused: what [`CategoryMap::check`] refuses, and a value already
    /// mapped to another code (mapping it to the same code again is no change).
    pub fn insert(&mut self, value: &str, code: &str) -> Result<(), ValidationError> {
        let category = Self::check(value, code)?;
        let key = Self::normalise(value);
        match self.entries.get(&key) {
            Some((first, had)) if had.code != category.code => Err(ValidationError::new(
                ErrorCode::Invalid,
                "category_map",
                format!(
                    "{:?} is mapped twice, to {} and to {}: keep one.",
                    first, had.code, category.code
                ),
            )),
            Some(_) => Ok(()),
            None => {
                self.entries
                    .insert(key, (value.trim().to_string(), category));
                Ok(())
            }
        }
    }

    /// Adds one `VALUE=CODE` (the last `=` separates, so a value may hold one).
    pub fn insert_pair(&mut self, pair: &str) -> Result<(), ValidationError> {
        let Some((value, code)) = pair.rsplit_once('=') else {
            return Err(ValidationError::new(
                ErrorCode::Invalid,
                "category_map",
                format!(
                    "{pair:?} is not VALUE=CODE: write e.g. \"Ordningsstörning=ordning.ovrigt\"."
                ),
            ));
        };
        self.insert(value, code)
    }

    /// Adds every entry of `other` whose value this map does not map yet (so what was given
    /// explicitly wins over stored synonyms).
    pub fn extend_missing(&mut self, other: &CategoryMap) {
        for (key, entry) in &other.entries {
            self.entries
                .entry(key.clone())
                .or_insert_with(|| entry.clone());
        }
    }

    /// The category `value` is mapped to, and the value as the map writes it.
    pub fn get(&self, value: &str) -> Option<(&str, &'static Category)> {
        if self.entries.is_empty() {
            return None;
        }
        self.entries
            .get(&Self::normalise(value))
            .map(|(v, c)| (v.as_str(), *c))
    }

    /// Every entry: the value as written and its category code, by normalised value.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'static str)> {
        self.entries.values().map(|(v, c)| (v.as_str(), c.code))
    }

    /// How many values are mapped.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parents_exist() {
        for (i, c) in CATEGORIES.iter().enumerate() {
            assert!(
                CATEGORIES[..i].iter().all(|d| d.code != c.code),
                "duplicate code {}",
                c.code
            );
            if let Some(p) = c.parent {
                let parent = Taxonomy.get(p).expect("parent exists");
                assert!(parent.parent.is_none(), "two levels only");
                assert!(c.code.starts_with(&format!("{p}.")));
            }
        }
    }

    #[test]
    fn every_mapping_points_at_a_category() {
        for (name, code) in POLISEN_TYPES {
            assert!(
                Taxonomy.get(code).is_some(),
                "{name} maps to missing {code}"
            );
        }
    }

    /// `event_types.csv` from shared/data/polisen (every type on polisen.se's list plus every
    /// type observed in the feed 2023-03..2026-08), copied as a fixture.
    #[test]
    fn every_known_polisen_type_is_mapped() {
        let csv = include_str!("../tests/fixtures/polisen_event_types.csv");
        let mut seen = 0;
        for line in csv.lines().skip(1) {
            let name = if let Some(rest) = line.strip_prefix('"') {
                rest.split_once('"').expect("closing quote").0
            } else {
                line.split(',').next().expect("first column")
            };
            seen += 1;
            assert_ne!(
                polisen_type(name),
                PolisenType::Unmapped,
                "{name:?} is unmapped"
            );
        }
        assert!(seen > 100);
        assert_eq!(polisen_type("Sammanfattning natt"), PolisenType::Summary);
        assert_eq!(polisen_type("Något helt nytt"), PolisenType::Unmapped);
        assert_eq!(
            polisen_type("Larm Inbrott"),
            PolisenType::Category("polisinsats.larm")
        );
    }

    #[test]
    fn resolves_codes_and_labels() {
        assert_eq!(
            Taxonomy.resolve("ordning.inbrott").unwrap().code,
            "ordning.inbrott"
        );
        assert_eq!(
            Taxonomy.resolve(" inbrott ").unwrap().code,
            "ordning.inbrott"
        );
        assert_eq!(
            Taxonomy.resolve("Burglary").unwrap().code,
            "ordning.inbrott"
        );
        assert_eq!(
            Taxonomy.resolve("Klotter").unwrap().code,
            "skadegorelse.klotter"
        );
        assert_eq!(
            Taxonomy.resolve("Otrygg plats / Klotter").unwrap().code,
            "otrygg-plats.klotter"
        );
        assert!(Taxonomy.resolve("Inbrot").is_none());
        assert_eq!(Taxonomy.expand("samling").len(), 6);
        assert_eq!(Taxonomy.expand("samling.garage"), vec!["samling.garage"]);
    }

    #[test]
    fn nearest_codes_are_by_edit_distance() {
        assert_eq!(
            Taxonomy.nearest("ordning.ovrig", 3)[0],
            "ordning.ovrigt",
            "one letter off"
        );
        assert_eq!(
            Taxonomy.nearest("Inbrot", 1),
            ["ordning.inbrott"],
            "by label"
        );
        assert_eq!(Taxonomy.nearest("x", 5).len(), 5);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("åäö", "aäö"), 1, "characters, not bytes");
    }

    #[test]
    fn a_category_map_matches_ignoring_case_and_space() {
        let mut m = CategoryMap::new();
        m.insert_pair("Ordningsstörning=ordning.ovrigt").unwrap();
        m.insert_pair(" Bus  på stan = ordning ").unwrap();
        m.insert_pair("a=b=brott.stold").unwrap();
        assert_eq!(m.len(), 3);
        let (v, c) = m.get("  ORDNINGSSTÖRNING ").unwrap();
        assert_eq!((v, c.code), ("Ordningsstörning", "ordning.ovrigt"));
        assert_eq!(m.get("bus på   stan").unwrap().1.code, "ordning", "a group");
        assert_eq!(m.get("a=b").unwrap().1.code, "brott.stold");
        assert!(m.get("Ordningsstörningar").is_none());
        // Again to the same code: no change; to another: refused naming both.
        m.insert("ordningsstörning", "ordning.ovrigt").unwrap();
        let e = m.insert("ordningsstörning", "ordning.brak").unwrap_err();
        assert!(
            e.message.contains("ordning.ovrigt") && e.message.contains("ordning.brak"),
            "{e}"
        );
    }

    #[test]
    fn a_category_map_refuses_unknown_codes_naming_the_nearest() {
        let mut m = CategoryMap::new();
        let e = m.insert_pair("Ordningsstörning=ordning.ovrig").unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownCategory);
        assert_eq!(e.field, "category_map");
        assert!(e.message.contains("\"ordning.ovrig\""), "{e}");
        assert!(e.message.contains("Nearest codes: ordning.ovrigt"), "{e}");
        // A label is not a code, but the answer points at it.
        let e = m.insert_pair("Bus=Bråk").unwrap_err();
        assert!(e.message.contains("Nearest codes: ordning.brak"), "{e}");
        assert!(m.insert_pair("Ordningsstörning").is_err(), "no '='");
        assert_eq!(
            m.insert_pair(" =ordning").unwrap_err().code,
            ErrorCode::Missing
        );
        assert_eq!(
            m.insert_pair("Anmäld av 19121212-1212=ordning")
                .unwrap_err()
                .code,
            ErrorCode::PersonalIdentityNumber
        );
        assert!(m.is_empty(), "nothing refused was added");
    }

    #[test]
    fn explicit_entries_win_over_stored_ones() {
        let mut explicit = CategoryMap::new();
        explicit.insert("Bus", "ordning.brak").unwrap();
        let mut stored = CategoryMap::new();
        stored.insert("bus", "ordning.ovrigt").unwrap();
        stored.insert("Langning", "ordning.narkotika").unwrap();
        explicit.extend_missing(&stored);
        assert_eq!(explicit.get("BUS").unwrap().1.code, "ordning.brak");
        assert_eq!(
            explicit.get("langning").unwrap().1.code,
            "ordning.narkotika"
        );
        let listed: Vec<_> = explicit.iter().collect();
        assert_eq!(
            listed,
            [("Bus", "ordning.brak"), ("Langning", "ordning.narkotika")]
        );
    }
}
