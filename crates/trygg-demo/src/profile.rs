//! How each kind of event behaves: how many per year, when (hour, weekday, season), where
//! (which districts, which hot spots), through which channel, and how it is described.
//!
//! The numbers are invented but shaped after what Swedish EST and police data look like:
//! disorder at weekend nights, burglary on weekday daytime, outdoor gatherings in summer,
//! darkness-related unsafe places in winter. Volumes are events per year in the whole city at
//! scale 1.0, before the near-repeat offspring of burglaries.

use trygg_domain::PlaceType;

use crate::geo::SpotKind;

/// Who reports a kind of event, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Source {
    /// An EST report from the kommun's reporters, or from the housing company for the given
    /// share of events in residential surroundings.
    Est { housing_share: f64 },
    /// A police crime-data import: address precision, a case number.
    Import,
}

/// Which districts' residents a kind of event follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spread {
    /// Population.
    Population,
    /// Population × vulnerability.
    Vulnerable,
    /// Population × houses.
    Houses,
    /// Population × nightlife.
    Nightlife,
}

/// How the time of an event is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Window {
    /// A known moment.
    Point,
    /// A window of `min_h`–`max_h` hours for the given share of events, else a moment.
    Sometimes { share: f64, min_h: f64, max_h: f64 },
    /// Burglary: last seen … found, from an hour to a few days.
    Burglary,
}

/// Seasonal cycle: `1 + amplitude · cos(2π (day_of_year − peak_day) / 365.25)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Season {
    pub amplitude: f64,
    pub peak_day: f64,
}

const SUMMER: Season = Season {
    amplitude: 0.4,
    peak_day: 196.0,
};
const MILD_SUMMER: Season = Season {
    amplitude: 0.15,
    peak_day: 196.0,
};
const DARK: Season = Season {
    amplitude: 0.6,
    peak_day: 355.0,
};
const WINTER: Season = Season {
    amplitude: 0.3,
    peak_day: 20.0,
};
const FLAT: Season = Season {
    amplitude: 0.0,
    peak_day: 0.0,
};

// Hour-of-day weights, 00–23 local time.
const NIGHT: [f64; 24] = [
    6.0, 5.0, 4.0, 2.0, 1.0, 0.5, 0.3, 0.3, 0.4, 0.5, 0.7, 0.9, 1.0, 1.2, 1.3, 1.5, 2.0, 2.5, 3.0,
    3.5, 4.5, 5.5, 6.5, 7.0,
];
pub(crate) const EVENING: [f64; 24] = [
    2.5, 1.5, 1.0, 0.5, 0.3, 0.2, 0.3, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 4.5, 5.5, 6.5,
    7.0, 7.0, 6.0, 5.0, 3.5,
];
const DAYTIME: [f64; 24] = [
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4.0, 6.0, 7.0, 7.0, 6.5, 6.5, 6.5, 6.0, 5.0, 3.5, 2.0,
    1.2, 0.8, 0.6, 0.5, 0.4,
];
const DAY: [f64; 24] = [
    0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 3.0, 4.0, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 4.0, 3.5,
    3.0, 2.0, 1.2, 0.6, 0.4,
];
const DARK_HOURS: [f64; 24] = [
    1.0, 0.6, 0.3, 0.2, 0.2, 0.5, 1.5, 2.5, 2.0, 1.0, 0.6, 0.5, 0.5, 0.6, 0.8, 1.5, 3.0, 4.5, 5.5,
    6.0, 5.5, 4.5, 3.0, 1.8,
];
const SHOPS: [f64; 24] = [
    0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 3.0, 4.5, 5.5, 6.0, 6.0, 6.0, 6.0, 6.5, 6.5, 6.0,
    5.0, 3.5, 2.0, 1.0, 0.5,
];

// Weekday weights, Monday first.
const ALL_WEEK: [f64; 7] = [1.0; 7];
const WEEKEND: [f64; 7] = [0.85, 0.85, 0.9, 1.0, 1.25, 1.35, 1.0];
const WORKDAYS: [f64; 7] = [1.15, 1.15, 1.1, 1.1, 1.1, 0.75, 0.65];
const SCHOOL: [f64; 7] = [1.1, 1.1, 1.1, 1.1, 1.2, 0.8, 0.7];

/// Affinity of a category to each kind of hot spot, in [`SpotKind`] order:
/// square, transit, mall, student, park.
type Affinity = [f64; SpotKind::COUNT];

const NO_SPOTS: Affinity = [0.0; SpotKind::COUNT];
const PUBLIC: Affinity = [1.0, 1.0, 1.0, 0.6, 0.8];
const CENTRES: Affinity = [0.5, 1.0, 1.5, 0.3, 0.2];
const OUTDOORS: Affinity = [1.0, 0.6, 0.8, 0.6, 1.5];
const NIGHTLIFE: Affinity = [1.5, 1.2, 0.5, 1.0, 0.6];
const TRANSIT_SHOPS: Affinity = [0.6, 1.5, 1.5, 0.2, 0.2];

/// One kind of event.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Profile {
    pub code: &'static str,
    pub per_year: f64,
    pub source: Source,
    pub season: Season,
    pub hours: &'static [f64; 24],
    pub weekdays: &'static [f64; 7],
    /// Extra factor for Friday and Saturday nights (Fri/Sat 20–24 and Sat/Sun 00–04).
    pub weekend_night: f64,
    /// Yearly growth (0.05 = +5 % a year), counted from 2020-01-01.
    pub trend: f64,
    pub spread: Spread,
    /// Share of events at hot spots (the rest by district).
    pub hot_share: f64,
    pub affinity: Affinity,
    pub window: Window,
    /// Place type for events away from hot spots (and for all, if `fixed_place`).
    pub place_types: &'static [PlaceType],
    /// The category itself names the place (a stairwell is a stairwell, also at a mall).
    pub fixed_place: bool,
    pub descriptions: &'static [&'static str],
}

const fn est(code: &'static str, per_year: f64, housing_share: f64) -> Profile {
    Profile {
        code,
        per_year,
        source: Source::Est { housing_share },
        season: FLAT,
        hours: &EVENING,
        weekdays: &ALL_WEEK,
        weekend_night: 1.0,
        trend: 0.0,
        spread: Spread::Vulnerable,
        hot_share: 0.0,
        affinity: NO_SPOTS,
        window: Window::Point,
        place_types: &[PlaceType::Street],
        fixed_place: false,
        descriptions: &[],
    }
}

const fn import(code: &'static str, per_year: f64) -> Profile {
    Profile {
        source: Source::Import,
        spread: Spread::Population,
        ..est(code, per_year, 0.0)
    }
}

use PlaceType as P;

/// Every kind of event the demo city generates.
pub(crate) const PROFILES: &[Profile] = &[
    // ---- EST: skadegörelse ----
    Profile {
        season: MILD_SUMMER,
        hours: &NIGHT,
        weekdays: &WEEKEND,
        hot_share: 0.2,
        affinity: PUBLIC,
        window: Window::Sometimes {
            share: 0.4,
            min_h: 4.0,
            max_h: 16.0,
        },
        place_types: &[P::Street, P::Street, P::School, P::Residential, P::Park],
        descriptions: &[
            "Nytt klotter på elskåp.",
            "Klotter på fasad vid gångtunnel.",
            "Taggar på busskur och skyltar.",
            "Klotter i trapphus, anmält till fastighetsägaren.",
            "Stort klotter på skolans gavel.",
        ],
        ..est("skadegorelse.klotter", 1800.0, 0.25)
    },
    Profile {
        hours: &NIGHT,
        weekdays: &WEEKEND,
        weekend_night: 1.5,
        hot_share: 0.25,
        affinity: PUBLIC,
        window: Window::Sometimes {
            share: 0.5,
            min_h: 6.0,
            max_h: 14.0,
        },
        place_types: &[P::PublicTransport, P::School, P::Residential, P::Street],
        descriptions: &[
            "Krossad ruta i busskur.",
            "Glaskross på skolgården.",
            "Sönderslagen glasdörr till entré.",
            "Krossade flaskor på lekplatsen.",
        ],
        ..est("skadegorelse.glaskross", 500.0, 0.3)
    },
    Profile {
        season: WINTER,
        hours: &NIGHT,
        weekdays: &WEEKEND,
        hot_share: 0.1,
        affinity: PUBLIC,
        place_types: &[P::Residential, P::Street, P::School],
        descriptions: &[
            "Brand i papperskorg.",
            "Anlagd brand i soprum.",
            "Brand i container vid skolan.",
            "Sotskador efter brand i barnvagnsrum.",
        ],
        ..est("skadegorelse.brand", 250.0, 0.35)
    },
    Profile {
        hours: &NIGHT,
        weekdays: &WEEKEND,
        hot_share: 0.15,
        affinity: PUBLIC,
        window: Window::Sometimes {
            share: 0.4,
            min_h: 4.0,
            max_h: 14.0,
        },
        place_types: &[P::Street, P::Park, P::Residential, P::Parking],
        descriptions: &[
            "Vandaliserad parkbänk.",
            "Nedrivna skyltar och trasig belysning.",
            "Uppbruten dörr till cykelrum.",
            "Skadade planteringar.",
        ],
        ..est("skadegorelse.ovrig", 450.0, 0.3)
    },
    // ---- EST: otrygghetsskapande samling ----
    Profile {
        season: WINTER,
        hours: &EVENING,
        weekdays: &SCHOOL,
        weekend_night: 1.5,
        place_types: &[P::Residential],
        fixed_place: true,
        descriptions: &[
            "Grupp ungdomar i trapphuset, boende känner sig otrygga.",
            "Personer sitter i trapphuset, nedskräpat efteråt.",
            "Ungdomar samlas i trapphus och röker.",
        ],
        ..est("samling.trapphus", 600.0, 0.7)
    },
    Profile {
        season: WINTER,
        hours: &EVENING,
        weekdays: &SCHOOL,
        place_types: &[P::Residential],
        fixed_place: true,
        descriptions: &[
            "Spår av vistelse i källargången.",
            "Personer i källarförråd, dörren uppställd.",
        ],
        ..est("samling.kallare", 200.0, 0.8)
    },
    Profile {
        season: WINTER,
        hours: &NIGHT,
        weekdays: &WEEKEND,
        weekend_night: 1.5,
        place_types: &[P::Parking],
        fixed_place: true,
        descriptions: &[
            "Grupp med mopeder i garaget.",
            "Personer samlas i parkeringsgaraget kvällstid.",
        ],
        ..est("samling.garage", 250.0, 0.6)
    },
    Profile {
        hours: &EVENING,
        weekdays: &SCHOOL,
        weekend_night: 1.3,
        hot_share: 0.85,
        affinity: TRANSIT_SHOPS,
        place_types: &[P::Shopping],
        descriptions: &[
            "Stor grupp ungdomar vid entrén, personal upplever otrygghet.",
            "Ungdomar stör i gallerian, ordningsvakt tillkallad.",
            "Grupp som hänger vid torget och kastar saker.",
        ],
        ..est("samling.kopcentrum", 700.0, 0.0)
    },
    Profile {
        season: SUMMER,
        hours: &NIGHT,
        weekdays: &WEEKEND,
        weekend_night: 1.8,
        hot_share: 0.45,
        affinity: OUTDOORS,
        place_types: &[P::Park, P::Street, P::School, P::Leisure],
        descriptions: &[
            "Stor samling ungdomar i parken, hög musik.",
            "Grupp på skolgården sent på kvällen.",
            "Samling vid lekplatsen, alkohol förekommer.",
            "Personer samlas vid fotbollsplanen och tänder eld.",
        ],
        ..est("samling.utomhus", 1400.0, 0.1)
    },
    // ---- EST: annat otrygghetsskapande / ordningsstörande ----
    Profile {
        season: MILD_SUMMER,
        hours: &NIGHT,
        weekdays: &WEEKEND,
        weekend_night: 2.5,
        spread: Spread::Nightlife,
        hot_share: 0.5,
        affinity: NIGHTLIFE,
        place_types: &[P::Street, P::Residential, P::PublicTransport],
        descriptions: &[
            "Högljutt bråk mellan personer på torget.",
            "Bråk vid hållplatsen, polis kom till platsen.",
            "Störande fest och bråk i området.",
        ],
        ..est("ordning.brak", 700.0, 0.2)
    },
    Profile {
        hours: &NIGHT,
        weekdays: &WEEKEND,
        weekend_night: 2.0,
        spread: Spread::Nightlife,
        hot_share: 0.4,
        affinity: NIGHTLIFE,
        place_types: &[P::Street, P::PublicTransport],
        descriptions: &[
            "Slagsmål mellan ungdomar, vuxna ingrep.",
            "Person knuffades och slogs vid hållplatsen.",
        ],
        ..est("ordning.vald", 150.0, 0.1)
    },
    Profile {
        season: MILD_SUMMER,
        hours: &EVENING,
        weekdays: &ALL_WEEK,
        hot_share: 0.35,
        affinity: OUTDOORS,
        place_types: &[P::Street, P::Park, P::Parking, P::School],
        descriptions: &[
            "Misstänkt droghantering vid gångtunneln.",
            "Misstänkt langning på skolans parkering.",
            "Lukt av cannabis och misstänkt försäljning i parken.",
        ],
        ..est("ordning.narkotika", 300.0, 0.15)
    },
    Profile {
        season: WINTER,
        hours: &NIGHT,
        place_types: &[P::Residential],
        fixed_place: true,
        descriptions: &[
            "Spår av olovligt boende i förråd.",
            "Madrass och sovsäck i källarutrymme.",
            "Person har övernattat i tvättstugan.",
        ],
        ..est("ordning.olovligt-boende", 100.0, 0.6)
    },
    Profile {
        season: SUMMER,
        hours: &EVENING,
        weekdays: &WEEKEND,
        hot_share: 0.2,
        affinity: CENTRES,
        place_types: &[P::Street, P::Park, P::School],
        descriptions: &[
            "Mopeder kör på gång- och cykelväg.",
            "Ungdomar kör crossmotorcykel i parken.",
            "Bil kör på torget trots förbud.",
        ],
        ..est("ordning.olovlig-trafik", 400.0, 0.1)
    },
    Profile {
        season: MILD_SUMMER,
        hours: &NIGHT,
        weekdays: &WEEKEND,
        weekend_night: 1.8,
        spread: Spread::Nightlife,
        hot_share: 0.4,
        affinity: NIGHTLIFE,
        place_types: &[P::Street, P::Park],
        descriptions: &[
            "Berusade personer stör förbipasserande.",
            "Smällare kastas mot förbipasserande.",
            "Nedskräpning och störande beteende efter fest.",
        ],
        ..est("ordning.ovrigt", 300.0, 0.1)
    },
    // ---- EST: otrygg plats ----
    Profile {
        season: DARK,
        hours: &DARK_HOURS,
        spread: Spread::Population,
        place_types: &[P::Street, P::Park, P::Parking, P::PublicTransport],
        descriptions: &[
            "Trasig gatubelysning längs gångvägen.",
            "Mörk gångtunnel, flera lampor ur funktion.",
            "Belysning saknas vid hållplatsen.",
        ],
        ..est("otrygg-plats.belysning", 400.0, 0.2)
    },
    Profile {
        season: MILD_SUMMER,
        hours: &DAY,
        spread: Spread::Population,
        place_types: &[P::Park, P::Street],
        descriptions: &[
            "Igenvuxna buskar skymmer sikten vid gångvägen.",
            "Dålig insyn mot parkeringen.",
        ],
        ..est("otrygg-plats.insyn", 100.0, 0.1)
    },
    Profile {
        hours: &DAY,
        hot_share: 0.1,
        affinity: PUBLIC,
        place_types: &[P::Street, P::PublicTransport, P::Park],
        descriptions: &[
            "Mycket klotter gör platsen otrygg.",
            "Klottrad gångtunnel upplevs som otrygg.",
        ],
        ..est("otrygg-plats.klotter", 200.0, 0.1)
    },
    Profile {
        season: SUMMER,
        hours: &DAY,
        spread: Spread::Population,
        hot_share: 0.25,
        affinity: OUTDOORS,
        place_types: &[P::Park, P::Street, P::School],
        descriptions: &[
            "Mycket skräp och glas i parken.",
            "Nedskräpat vid återvinningsstationen.",
            "Fimpar och flaskor kvar efter helgen.",
        ],
        ..est("otrygg-plats.nedskrapning", 400.0, 0.15)
    },
    Profile {
        season: DARK,
        hours: &DARK_HOURS,
        spread: Spread::Population,
        place_types: &[P::Park, P::Street, P::Parking],
        descriptions: &[
            "Öde gångväg kvällstid, ingen rör sig här.",
            "Folktomt och mörkt vid parkeringen.",
        ],
        ..est("otrygg-plats.odslighet", 150.0, 0.1)
    },
    Profile {
        season: SUMMER,
        hours: &EVENING,
        weekdays: &WEEKEND,
        spread: Spread::Population,
        hot_share: 0.6,
        affinity: [1.5, 0.2, 0.5, 0.5, 1.5],
        place_types: &[P::Leisure, P::Park],
        descriptions: &[
            "Konsert i parken, lugnt.",
            "Evenemang på torget, många besökare.",
            "Idrottsevenemang, trängsel vid utgångarna.",
        ],
        ..est("arrangemang", 60.0, 0.0)
    },
    // ---- Imports: police crime data ----
    Profile {
        season: Season {
            amplitude: 0.15,
            peak_day: 5.0,
        },
        hours: &DAYTIME,
        weekdays: &WORKDAYS,
        spread: Spread::Houses,
        window: Window::Burglary,
        place_types: &[P::Residential],
        fixed_place: true,
        descriptions: &[
            "Bostadsinbrott i lägenhet.",
            "Inbrott i villa, altandörr uppbruten.",
            "Inbrott i källarförråd.",
            "Försök till inbrott, fönster skadat.",
            "Inbrott i radhus, smycken stulna.",
        ],
        ..import("ordning.inbrott", 1000.0)
    },
    Profile {
        hours: &NIGHT,
        weekdays: &WEEKEND,
        weekend_night: 2.0,
        spread: Spread::Nightlife,
        hot_share: 0.4,
        affinity: NIGHTLIFE,
        place_types: &[P::Street, P::Residential, P::PublicTransport],
        descriptions: &[
            "Misshandel utomhus.",
            "Misshandel, ej grov, på allmän plats.",
            "Misshandel i samband med bråk.",
        ],
        ..import("ordning.vald", 900.0)
    },
    Profile {
        season: MILD_SUMMER,
        hours: &SHOPS,
        hot_share: 0.45,
        affinity: TRANSIT_SHOPS,
        window: Window::Sometimes {
            share: 0.4,
            min_h: 0.5,
            max_h: 8.0,
        },
        place_types: &[P::Street, P::Shopping, P::PublicTransport],
        descriptions: &[
            "Stöld av cykel.",
            "Stöld ur butik.",
            "Fickstöld.",
            "Stöld av väska.",
        ],
        ..import("brott.stold", 1600.0)
    },
    Profile {
        hours: &NIGHT,
        trend: -0.05,
        hot_share: 0.1,
        affinity: [0.2, 1.5, 1.0, 0.2, 0.0],
        window: Window::Sometimes {
            share: 0.7,
            min_h: 6.0,
            max_h: 14.0,
        },
        place_types: &[P::Parking, P::Street],
        descriptions: &[
            "Stöld av bil.",
            "Inbrott i bil, ruta krossad.",
            "Stöld av moped.",
            "Stöld av katalysator.",
        ],
        ..import("brott.fordon", 700.0)
    },
    Profile {
        hours: &EVENING,
        trend: 0.05,
        spread: Spread::Vulnerable,
        hot_share: 0.4,
        affinity: [1.0, 1.5, 1.0, 0.5, 1.0],
        place_types: &[P::Street, P::Park],
        descriptions: &[
            "Ringa narkotikabrott, innehav.",
            "Narkotikabrott, eget bruk.",
            "Misstänkt försäljning av narkotika.",
        ],
        ..import("ordning.narkotika", 500.0)
    },
];

/// Polisen-like event types (names as in the feed) with relative frequencies. Their category
/// comes from trygg-domain's own Polisen mapping, so the demo and the importer always agree.
pub(crate) const POLISEN_TYPES: &[(&str, f64)] = &[
    ("Stöld", 14.0),
    ("Misshandel", 10.0),
    ("Trafikolycka", 12.0),
    ("Rattfylleri", 6.0),
    ("Brand", 6.0),
    ("Skadegörelse", 6.0),
    ("Bråk", 5.0),
    ("Inbrott", 6.0),
    ("Narkotikabrott", 5.0),
    ("Olaga hot", 4.0),
    ("Rån", 2.0),
    ("Fylleri/LOB", 4.0),
    ("Trafikkontroll", 3.0),
    ("Ofog barn/ungdom", 3.0),
    ("Försvunnen person", 2.0),
];

/// Polisen-like events per year at scale 1.0.
pub(crate) const POLISEN_PER_YEAR: f64 = 600.0;

/// The mean number of further burglaries each burglary triggers (branching ratio).
pub(crate) const NEAR_REPEAT_OFFSPRING: f64 = 0.4;
/// Mean delay from a burglary to one it triggers, days.
pub(crate) const NEAR_REPEAT_MEAN_DAYS: f64 = 5.0;
/// Standard deviation of a triggered burglary's offset on each axis, metres.
pub(crate) const NEAR_REPEAT_SIGMA_M: f64 = 80.0;
/// Share of triggered burglaries at the very same address (repeat victimisation).
pub(crate) const REPEAT_SAME_ADDRESS: f64 = 0.1;

/// Extra factor on special days (local date): Valborg and New Year's Eve.
pub(crate) fn special_day(month: i8, day: i8, code: &str) -> f64 {
    let disorder = matches!(
        code,
        "ordning.brak" | "ordning.ovrigt" | "ordning.vald" | "otrygg-plats.nedskrapning"
    );
    match (month, day) {
        (4, 30) if disorder => 4.0,
        (12, 31) | (1, 1) if disorder || code == "skadegorelse.brand" => 3.0,
        _ => 1.0,
    }
}
