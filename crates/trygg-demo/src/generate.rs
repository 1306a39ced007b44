//! The generator: an inhomogeneous Poisson process per kind of event, day by day and hour by
//! hour in local time, placed by district and hot spot; burglaries then trigger near repeats
//! (a Hawkes branching process); Polisen-like area events come on top.
//!
//! Determinism: every kind of event draws from its own ChaCha stream derived from the seed, so
//! adding a kind does not change the others, and each burglary family has a stream of its own;
//! output order is generation order, stably sorted by time. No hash maps, no clock.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, Normal, Poisson};
use trygg_domain::category::{PolisenType, polisen_type};
use trygg_domain::{
    AreaKind, Channel, NewArea, NewIncident, PlaceType, Position, Precision, Taxonomy, Visibility,
};

use crate::geo::{self, DISTRICTS, SPOTS, SpotKind, Xy};
use crate::profile::{self, PROFILES, Profile, Source, Spread, Window};
use crate::{DemoCity, DemoConfig, DemoDistrict, HotSpot, PlantedIntervention, PlantedSurge};

/// Europe/Stockholm as its POSIX rule (EU summer time, in force in Sweden since 1996). A rule
/// rather than the system's tz database, so that output does not depend on the machine.
const STOCKHOLM: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

/// Uppsala kommun's centroid, where Polisen places events it only knows the kommun of.
const KOMMUN_CENTROID: (f64, f64) = (59.858564, 17.638927);

/// Background events spread around a district's centre with this σ, metres.
const BACKGROUND_SIGMA_M: f64 = 900.0;

/// Mixed into the seed for the near-repeat families' streams.
const NEAR_REPEAT_SEED: u64 = 0x6e65_6172_2d72_6570;

/// Trends count years from this day.
const TREND_EPOCH: Date = jiff::civil::date(2020, 1, 1);

// The planted intervention.
const TREATED: &str = "Gottsunda";
const DISPLACEMENT: &str = "Valsätra";
const CONTROL: &str = "Stenhagen";
const TARGET_GROUPS: [&str; 2] = ["samling", "skadegorelse"];
const EFFECT: f64 = -0.40;
const DISPLACED: f64 = 0.15;
const INTERVENTION_START: Date = jiff::civil::date(2022, 3, 1);
const INTERVENTION_END: Date = jiff::civil::date(2024, 3, 1);

// The planted emerging problem.
const SURGE_CATEGORY: &str = "ordning.olovlig-trafik";
const SURGE_DISTRICT: &str = "Sävja";
const SURGE_FACTOR: f64 = 8.0;
const SURGE_START: Date = jiff::civil::date(2023, 5, 1);
const SURGE_END: Date = jiff::civil::date(2023, 7, 1);

/// Generates the demo city.
///
/// # Panics
/// If [`DemoConfig::check`] refuses the configuration.
pub fn generate(config: &DemoConfig) -> DemoCity {
    let mut incidents = Vec::new();
    let mut city = generate_with(config, |i| incidents.push(i));
    city.incidents = incidents;
    city
}

/// Generates the demo city, handing each incident to `sink` in time order instead of keeping
/// them: for large scales, where a store can take them one batch at a time. The returned
/// city's `incidents` is empty; everything else is as from [`generate`], and the incidents
/// are the same, in the same order.
///
/// # Panics
/// If [`DemoConfig::check`] refuses the configuration.
pub fn generate_with(config: &DemoConfig, sink: impl FnMut(NewIncident)) -> DemoCity {
    if let Err(e) = config.check() {
        panic!("{e}");
    }
    let world = World::build();
    let mut g = Generator::new(config, &world);
    for (k, p) in PROFILES.iter().enumerate() {
        g.profile(k, p);
    }
    g.near_repeats();
    g.polisen();
    g.finish(sink);
    DemoCity {
        districts: world.districts(),
        incidents: Vec::new(),
        planted: planted(),
        emerging: emerging(),
        places: SPOTS
            .iter()
            .map(|s| HotSpot {
                name: s.name.to_string(),
                lat: s.lat,
                lon: s.lon,
                radius_m: s.radius_m,
                district_code: district_code(geo::district_index(s.district)),
            })
            .collect(),
    }
}

fn district_code(i: usize) -> String {
    format!("DEMO-{:02}", i + 1)
}

fn planted() -> PlantedIntervention {
    let codes = TARGET_GROUPS
        .iter()
        .flat_map(|g| Taxonomy.expand(g))
        .map(str::to_string)
        .collect();
    PlantedIntervention {
        name: "Trygg i Gottsunda centrum (demo)".into(),
        description: "Kamerabevakning och ny belysning i Gottsunda centrum, fritidsgården öppen \
                      kvällstid och nattvandring fredag och lördag. Mål: färre otrygghetsskapande \
                      samlingar och mindre skadegörelse."
            .into(),
        place: "Gottsunda centrum".into(),
        treated_district: district_code(geo::district_index(TREATED)),
        displacement_district: district_code(geo::district_index(DISPLACEMENT)),
        control_district: district_code(geo::district_index(CONTROL)),
        category_groups: TARGET_GROUPS.iter().map(|g| g.to_string()).collect(),
        category_codes: codes,
        start: INTERVENTION_START,
        end: INTERVENTION_END,
        expected_effect: EFFECT,
        expected_displacement: DISPLACED,
        expected_control: 0.0,
        expected_wdq: DISPLACED / EFFECT,
    }
}

fn emerging() -> PlantedSurge {
    PlantedSurge {
        name: "Mopeder i Sävja (demo)".into(),
        description: "Ett nytt problem: mopeder och crossmotorcyklar kör på gång- och \
                      cykelvägar och i parkerna i Sävja under försommaren."
            .into(),
        district: district_code(geo::district_index(SURGE_DISTRICT)),
        category: SURGE_CATEGORY.into(),
        start: SURGE_START,
        end: SURGE_END,
        factor: SURGE_FACTOR,
    }
}

/// The fixed geography, on the grid and as WGS84 rings.
struct World {
    sites: Vec<Xy>,
    rings: Vec<Vec<[f64; 2]>>,
    bboxes: Vec<(Xy, Xy)>,
    spots: Vec<Xy>,
    spot_district: Vec<usize>,
}

impl World {
    fn build() -> Self {
        let boundary = geo::boundary_xy();
        let sites: Vec<Xy> = DISTRICTS.iter().map(|d| geo::to_xy(d.lat, d.lon)).collect();
        let cells: Vec<Vec<Xy>> = (0..sites.len())
            .map(|i| geo::voronoi_cell(&sites, i, &boundary))
            .collect();
        let rings = cells.iter().map(|c| geo::ring_wgs84(c)).collect();
        let bboxes = cells.iter().map(|c| geo::bbox(c)).collect();
        Self {
            sites,
            rings,
            bboxes,
            spots: SPOTS.iter().map(|s| geo::to_xy(s.lat, s.lon)).collect(),
            spot_district: SPOTS
                .iter()
                .map(|s| geo::district_index(s.district))
                .collect(),
        }
    }

    fn districts(&self) -> Vec<DemoDistrict> {
        DISTRICTS
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let ring = self.rings[i].clone();
                let geometry = serde_json::json!({
                    "type": "Polygon",
                    "coordinates": [ring],
                });
                DemoDistrict {
                    name: d.name.to_string(),
                    code: district_code(i),
                    centre_lat: d.lat,
                    centre_lon: d.lon,
                    area: NewArea {
                        name: format!("{} (ungefärlig)", d.name),
                        code: Some(district_code(i)),
                        kind: AreaKind::District,
                        geometry,
                    },
                    ring,
                }
            })
            .collect()
    }

    /// WGS84 of a grid point if it lies in district `d`.
    fn inside(&self, d: usize, p: Xy) -> Option<(f64, f64)> {
        let (lo, hi) = self.bboxes[d];
        if p.x < lo.x || p.x > hi.x || p.y < lo.y || p.y > hi.y {
            return None;
        }
        let (lat, lon) = geo::to_latlon(p);
        geo::ring_contains(&self.rings[d], lon, lat).then_some((lat, lon))
    }

    /// A point in district `d`, Gaussian around `centre` with σ `sigma_m`, truncated at
    /// `max_m` and to the district. Falls back to uniform in the district, then to its site.
    fn sample_near<R: Rng>(
        &self,
        rng: &mut R,
        d: usize,
        centre: Xy,
        sigma_m: f64,
        max_m: f64,
    ) -> (Xy, (f64, f64)) {
        let normal = Normal::new(0.0, sigma_m).expect("σ is positive");
        for _ in 0..64 {
            let (dx, dy) = (normal.sample(rng), normal.sample(rng));
            if dx * dx + dy * dy > max_m * max_m {
                continue;
            }
            let p = Xy {
                x: centre.x + dx,
                y: centre.y + dy,
            };
            if let Some(ll) = self.inside(d, p) {
                return (p, ll);
            }
        }
        let (lo, hi) = self.bboxes[d];
        for _ in 0..1000 {
            let p = Xy {
                x: rng.random_range(lo.x..hi.x),
                y: rng.random_range(lo.y..hi.y),
            };
            if let Some(ll) = self.inside(d, p) {
                return (p, ll);
            }
        }
        let s = self.sites[d];
        (s, geo::to_latlon(s))
    }
}

/// Where an event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Somewhere in a district.
    District(usize),
    /// At a hot spot.
    Spot(usize),
    /// Only the kommun is known (Polisen).
    Kommun,
}

/// What an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One of [`PROFILES`].
    Profile(usize),
    /// One of the Polisen-like types.
    Polisen(usize),
}

/// An event before it becomes a `NewIncident`.
#[derive(Debug, Clone)]
struct Draft {
    kind: Kind,
    /// Day index from the start, for near repeats.
    day: usize,
    from: i64,
    to: Option<i64>,
    /// From the end of the window to `reported_at`, seconds.
    lag_s: i64,
    /// Step to this incident's case number from the previous one (imports).
    id_gap: u64,
    origin: Origin,
    xy: Xy,
    lat: f64,
    lon: f64,
    org: Org,
    place_type: Option<PlaceType>,
    description: Option<&'static str>,
    visibility: Visibility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Org {
    Kommun,
    Police,
    Housing,
}

/// A cumulative weight table for weighted picks.
#[derive(Debug, Clone)]
struct Table {
    cum: Vec<f64>,
}

impl Table {
    fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Self { cum }
    }
    fn total(&self) -> f64 {
        self.cum.last().copied().unwrap_or(0.0)
    }
    fn pick<R: Rng>(&self, rng: &mut R) -> usize {
        let u = rng.random::<f64>() * self.total();
        self.cum
            .partition_point(|&c| c <= u)
            .min(self.cum.len() - 1)
    }
}

/// Phases of the planted intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Before,
    During,
    After,
}

const PHASES: [Phase; 3] = [Phase::Before, Phase::During, Phase::After];

struct Generator<'a> {
    config: &'a DemoConfig,
    world: &'a World,
    tz: TimeZone,
    days: Vec<Date>,
    start_s: i64,
    end_s: i64,
    drafts: Vec<Draft>,
    /// Hour tables per profile and weekday, and the weekday factors.
    rhythm: Vec<Rhythm>,
}

/// A profile's hour-of-day tables per weekday and its day factors (mean 1 over the week).
struct Rhythm {
    hours: Vec<Table>,
    day_factor: [f64; 7],
}

impl Rhythm {
    fn new(hours: &[f64; 24], weekdays: &[f64; 7], weekend_night: f64) -> Self {
        let tables: Vec<Table> = (0..7)
            .map(|dow| {
                Table::new((0..24).map(|h| {
                    let late = (dow == 4 || dow == 5) && h >= 20;
                    let early = (dow == 5 || dow == 6) && h < 4;
                    hours[h] * if late || early { weekend_night } else { 1.0 }
                }))
            })
            .collect();
        let raw: Vec<f64> = (0..7).map(|d| weekdays[d] * tables[d].total()).collect();
        let mean = raw.iter().sum::<f64>() / 7.0;
        let mut day_factor = [0.0; 7];
        for d in 0..7 {
            day_factor[d] = raw[d] / mean;
        }
        Self {
            hours: tables,
            day_factor,
        }
    }
}

fn phase(date: Date) -> Phase {
    if date < INTERVENTION_START {
        Phase::Before
    } else if date < INTERVENTION_END {
        Phase::During
    } else {
        Phase::After
    }
}

fn targeted(code: &str) -> bool {
    Taxonomy
        .group_of(code)
        .is_some_and(|g| TARGET_GROUPS.contains(&g.code))
}

/// The planted multiplier for a district in a phase, for a targeted category.
fn intervention_factor(district: usize, phase: Phase) -> f64 {
    if phase != Phase::During {
        return 1.0;
    }
    let name = DISTRICTS[district].name;
    if name == TREATED {
        1.0 + EFFECT
    } else if name == DISPLACEMENT {
        1.0 + DISPLACED
    } else {
        1.0
    }
}

fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

impl<'a> Generator<'a> {
    fn new(config: &'a DemoConfig, world: &'a World) -> Self {
        let tz = TimeZone::posix(STOCKHOLM).expect("the Stockholm rule parses");
        let mut days = Vec::new();
        let mut d = config.start;
        while d < config.end {
            days.push(d);
            d = d
                .tomorrow()
                .expect("demo dates are far from the end of time");
        }
        let local_midnight = |d: Date| {
            tz.to_ambiguous_timestamp(d.at(0, 0, 0, 0))
                .compatible()
                .expect("midnight exists")
                .as_second()
        };
        let start_s = local_midnight(config.start);
        let end_s = local_midnight(config.end);
        let rhythm = PROFILES
            .iter()
            .map(|p| Rhythm::new(p.hours, p.weekdays, p.weekend_night))
            .collect();
        Self {
            config,
            world,
            tz,
            days,
            start_s,
            end_s,
            drafts: Vec::new(),
            rhythm,
        }
    }

    /// The date of a day index, also past the end of the period.
    fn date_of(&self, day: usize) -> Date {
        self.days.get(day).copied().unwrap_or_else(|| {
            self.config
                .start
                .checked_add(jiff::Span::new().days(day as i64))
                .expect("demo dates are far from the end of time")
        })
    }

    /// Seconds since the epoch of a local time.
    fn local(&self, date: Date, hour: usize, second_of_hour: i64) -> i64 {
        let dt = date.at(
            hour as i8,
            (second_of_hour / 60) as i8,
            (second_of_hour % 60) as i8,
            0,
        );
        self.tz
            .to_ambiguous_timestamp(dt)
            .compatible()
            .expect("demo times are far from the end of time")
            .as_second()
    }

    /// Expected events of a kind in the whole city on a day, before the planted changes
    /// (which the per-regime district tables carry).
    fn daily_rate(&self, per_year: f64, p: Option<&Profile>, day_factor: f64, date: Date) -> f64 {
        let mut rate = self.config.scale * per_year / 365.25 * day_factor;
        if let Some(p) = p {
            let doy = f64::from(date.day_of_year());
            rate *= 1.0
                + p.season.amplitude
                    * (2.0 * std::f64::consts::PI * (doy - p.season.peak_day) / 365.25).cos();
            let years = (date - TREND_EPOCH).get_days() as f64 / 365.25;
            rate *= (1.0 + p.trend).powf(years);
            rate *= profile::special_day(date.month(), date.day(), p.code);
        }
        rate
    }

    /// Generates one kind of event over the whole period.
    fn profile(&mut self, k: usize, p: &Profile) {
        let mut rng = stream(self.config.seed, 1 + k as u64);
        let n_d = DISTRICTS.len();
        // Background weights by district, then hot spots.
        let bg: Vec<f64> = DISTRICTS
            .iter()
            .map(|d| {
                d.population
                    * match p.spread {
                        Spread::Population => 1.0,
                        Spread::Vulnerable => d.vulnerability,
                        Spread::Houses => d.houses,
                        Spread::Nightlife => d.nightlife,
                    }
            })
            .collect();
        let spot_w: Vec<f64> = SPOTS
            .iter()
            .map(|s| s.weight * p.affinity[s.kind.index()])
            .collect();
        let spot_total: f64 = spot_w.iter().sum();
        let hot = if spot_total > 0.0 { p.hot_share } else { 0.0 };
        let bg_total: f64 = bg.iter().sum();
        let shares: Vec<f64> = bg
            .iter()
            .map(|w| (1.0 - hot) * w / bg_total)
            .chain(spot_w.iter().map(|w| {
                if spot_total > 0.0 {
                    hot * w / spot_total
                } else {
                    0.0
                }
            }))
            .collect();
        let origin_of = |s: usize| {
            if s < n_d {
                Origin::District(s)
            } else {
                Origin::Spot(s - n_d)
            }
        };
        let district_of = |o: Origin| match o {
            Origin::District(d) => d,
            Origin::Spot(s) => self.world.spot_district[s],
            Origin::Kommun => unreachable!("profiles place events in districts"),
        };
        // One table per regime: intervention phase × whether the surge is on.
        let is_targeted = targeted(p.code);
        let tables: Vec<Table> = (0..6)
            .map(|regime| {
                let (ph, surge_on) = (PHASES[regime / 2], regime % 2 == 1);
                Table::new(shares.iter().enumerate().map(|(s, &w)| {
                    let d = district_of(origin_of(s));
                    let mut w = w;
                    if is_targeted {
                        w *= intervention_factor(d, ph);
                    }
                    if surge_on && p.code == SURGE_CATEGORY && DISTRICTS[d].name == SURGE_DISTRICT {
                        w *= SURGE_FACTOR;
                    }
                    w
                }))
            })
            .collect();

        for day in 0..self.days.len() {
            let date = self.days[day];
            let dow = date.weekday().to_monday_zero_offset() as usize;
            let surge_on = (SURGE_START..SURGE_END).contains(&date);
            let table = &tables[phase(date) as usize * 2 + usize::from(surge_on)];
            let rate = self.daily_rate(p.per_year, Some(p), self.rhythm[k].day_factor[dow], date)
                * table.total();
            if rate <= 0.0 {
                continue;
            }
            let n = Poisson::new(rate)
                .expect("rate is positive")
                .sample(&mut rng) as usize;
            for _ in 0..n {
                let origin = origin_of(table.pick(&mut rng));
                let district = district_of(origin);
                let (xy, (lat, lon)) = match origin {
                    Origin::District(d) => self.world.sample_near(
                        &mut rng,
                        d,
                        self.world.sites[d],
                        BACKGROUND_SIGMA_M,
                        f64::INFINITY,
                    ),
                    Origin::Spot(s) => {
                        let r = SPOTS[s].radius_m;
                        self.world
                            .sample_near(&mut rng, district, self.world.spots[s], r / 2.0, r)
                    }
                    Origin::Kommun => unreachable!("profiles place events in districts"),
                };
                self.emit(&mut rng, k, p, day, origin, xy, (lat, lon));
            }
        }
    }

    /// Times, owner and words for one event of profile `p` on `day` at a chosen place.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &mut self,
        rng: &mut ChaCha8Rng,
        k: usize,
        p: &Profile,
        day: usize,
        origin: Origin,
        xy: Xy,
        (lat, lon): (f64, f64),
    ) {
        let date = self.date_of(day);
        let dow = date.weekday().to_monday_zero_offset() as usize;
        let hour = self.rhythm[k].hours[dow].pick(rng);
        let at = self.local(date, hour, rng.random_range(0..3600));
        let hours = |h: f64| (h * 3600.0).round() as i64;
        let window = match p.window {
            Window::Point => None,
            Window::Sometimes {
                share,
                min_h,
                max_h,
            } => (rng.random::<f64>() < share).then(|| hours(rng.random_range(min_h..max_h))),
            Window::Burglary => {
                let u = rng.random::<f64>();
                Some(hours(if u < 0.30 {
                    rng.random_range(0.5..3.0)
                } else if u < 0.75 {
                    rng.random_range(6.0..11.0)
                } else {
                    rng.random_range(24.0..96.0)
                }))
            }
        };
        let (from, to) = match window {
            None => (at, None),
            Some(len) => {
                let from = (at - (rng.random::<f64>() * len as f64) as i64).max(self.start_s);
                (from, Some((from + len).min(self.end_s - 1).max(from)))
            }
        };
        let (org, visibility) = match p.source {
            Source::Import => (Org::Police, Visibility::Shared),
            Source::Est { housing_share } => {
                let residential = matches!(origin, Origin::District(_)) || p.fixed_place;
                if residential && rng.random::<f64>() < housing_share {
                    let internal = rng.random::<f64>() < 0.25;
                    (
                        Org::Housing,
                        if internal {
                            Visibility::Internal
                        } else {
                            Visibility::Shared
                        },
                    )
                } else {
                    (Org::Kommun, Visibility::Shared)
                }
            }
        };
        let place_type = match origin {
            Origin::Spot(s) if !p.fixed_place => match SPOTS[s].kind {
                SpotKind::Square => PlaceType::Street,
                SpotKind::Transit => PlaceType::PublicTransport,
                SpotKind::Mall => PlaceType::Shopping,
                SpotKind::Student => PlaceType::Residential,
                SpotKind::Park => PlaceType::Park,
            },
            _ => p.place_types[rng.random_range(0..p.place_types.len())],
        };
        let description = (!p.descriptions.is_empty())
            .then(|| p.descriptions[rng.random_range(0..p.descriptions.len())]);
        let (lag_h, id_gap) = match p.source {
            // EST reporters tell within a day or so, at most a week later.
            Source::Est { .. } => (
                f64::min(
                    Exp::new(1.0 / 20.0).expect("mean > 0").sample(rng),
                    7.0 * 24.0,
                ),
                1,
            ),
            // Case numbers skip the cases this dataset does not hold.
            Source::Import => (rng.random_range(1.0..72.0), rng.random_range(1..=3)),
        };
        self.drafts.push(Draft {
            kind: Kind::Profile(k),
            day,
            from,
            to,
            lag_s: (lag_h * 3600.0) as i64,
            id_gap,
            origin,
            xy,
            lat,
            lon,
            org,
            place_type: Some(place_type),
            description,
            visibility,
        });
    }

    /// Near repeats: every burglary triggers Poisson(m) further burglaries nearby within days,
    /// and those trigger their own (a branching process with ratio m < 1).
    fn near_repeats(&mut self) {
        let Some(k) = PROFILES.iter().position(|p| p.window == Window::Burglary) else {
            return;
        };
        let p = &PROFILES[k];
        let offspring = Poisson::new(profile::NEAR_REPEAT_OFFSPRING).expect("m > 0");
        let delay = Exp::new(1.0 / profile::NEAR_REPEAT_MEAN_DAYS).expect("mean > 0");
        let offset = Normal::new(0.0, profile::NEAR_REPEAT_SIGMA_M).expect("σ > 0");
        let founders: Vec<usize> = (0..self.drafts.len())
            .filter(|&i| self.drafts[i].kind == Kind::Profile(k))
            .collect();
        // Each founder's family draws from its own stream and is simulated to its end, also
        // past the end of the period (those are dropped in `finish`), so that a longer period
        // never changes the families of an earlier one.
        for (j, &founder) in founders.iter().enumerate() {
            let mut rng = stream(self.config.seed ^ NEAR_REPEAT_SEED, j as u64);
            let mut family = vec![founder];
            let mut i = 0;
            while i < family.len() {
                let parent = self.drafts[family[i]].clone();
                i += 1;
                let Origin::District(d) = parent.origin else {
                    continue;
                };
                let n = offspring.sample(&mut rng) as usize;
                for _ in 0..n {
                    let day = parent.day + delay.sample(&mut rng).floor() as usize;
                    let (xy, ll) = if rng.random::<f64>() < profile::REPEAT_SAME_ADDRESS {
                        (parent.xy, (parent.lat, parent.lon))
                    } else {
                        let mut found = None;
                        for _ in 0..20 {
                            let q = Xy {
                                x: parent.xy.x + offset.sample(&mut rng),
                                y: parent.xy.y + offset.sample(&mut rng),
                            };
                            if let Some(ll) = self.world.inside(d, q) {
                                found = Some((q, ll));
                                break;
                            }
                        }
                        found.unwrap_or((parent.xy, (parent.lat, parent.lon)))
                    };
                    self.emit(&mut rng, k, p, day, Origin::District(d), xy, ll);
                    family.push(self.drafts.len() - 1);
                }
            }
        }
    }

    /// Polisen-like events: kommun centroid, area precision, demo ids.
    fn polisen(&mut self) {
        let mut rng = stream(self.config.seed, 2000);
        let rhythm = Rhythm::new(&profile::EVENING, &[1.0; 7], 1.5);
        let types = Table::new(profile::POLISEN_TYPES.iter().map(|&(_, w)| w));
        let (lat, lon) = KOMMUN_CENTROID;
        let xy = geo::to_xy(lat, lon);
        for day in 0..self.days.len() {
            let date = self.days[day];
            let dow = date.weekday().to_monday_zero_offset() as usize;
            let rate = self.daily_rate(
                profile::POLISEN_PER_YEAR,
                None,
                rhythm.day_factor[dow],
                date,
            );
            if rate <= 0.0 {
                continue;
            }
            let n = Poisson::new(rate)
                .expect("rate is positive")
                .sample(&mut rng) as usize;
            for _ in 0..n {
                let t = types.pick(&mut rng);
                let hour = rhythm.hours[dow].pick(&mut rng);
                let at = self.local(date, hour, rng.random_range(0..3600));
                let lag_h = rng.random_range(0.3..3.0);
                self.drafts.push(Draft {
                    kind: Kind::Polisen(t),
                    day,
                    from: at,
                    to: None,
                    lag_s: (lag_h * 3600.0) as i64,
                    id_gap: 1,
                    origin: Origin::Kommun,
                    xy,
                    lat,
                    lon,
                    org: Org::Police,
                    place_type: None,
                    description: None,
                    visibility: Visibility::Shared,
                });
            }
        }
    }

    /// Sorts by time, adds report times and source ids, and builds the incidents.
    fn finish(mut self, mut sink: impl FnMut(NewIncident)) {
        // Near repeats past the end were simulated only to keep families stable.
        let n_days = self.days.len();
        self.drafts.retain(|d| d.day < n_days);
        self.drafts.sort_by_key(|d| d.from);
        let orgs = self.config.organisations;
        let mut case_numbers: Vec<(i16, u64)> = Vec::new();
        let mut polisen_id = 0u64;
        for d in &self.drafts {
            let done = d.to.unwrap_or(d.from);
            let reported = (done + d.lag_s).min(self.end_s - 1).max(done);
            let ts = |s: i64| Timestamp::from_second(s).expect("demo times are in range");
            let (code, channel, precision, external_id, description, place) = match d.kind {
                Kind::Profile(k) => {
                    let p = &PROFILES[k];
                    let place = match d.origin {
                        Origin::District(i) => DISTRICTS[i].name,
                        Origin::Spot(s) => SPOTS[s].name,
                        Origin::Kommun => "Uppsala",
                    };
                    match p.source {
                        Source::Est { .. } => (
                            p.code,
                            Channel::Est,
                            Precision::Exact,
                            None,
                            d.description.map(str::to_string),
                            place,
                        ),
                        Source::Import => {
                            let year = ts(reported).to_zoned(self.tz.clone()).year();
                            let n = match case_numbers.iter_mut().find(|(y, _)| *y == year) {
                                Some((_, n)) => n,
                                None => {
                                    case_numbers.push((year, 100_000));
                                    &mut case_numbers.last_mut().expect("just pushed").1
                                }
                            };
                            *n += d.id_gap;
                            (
                                p.code,
                                Channel::Import,
                                Precision::Address,
                                Some(format!("5000-K{}-{:02}", n, year % 100)),
                                d.description.map(str::to_string),
                                place,
                            )
                        }
                    }
                }
                Kind::Polisen(t) => {
                    let name = profile::POLISEN_TYPES[t].0;
                    let code = match polisen_type(name) {
                        PolisenType::Category(c) => c,
                        _ => trygg_domain::category::POLISEN_UNMAPPED,
                    };
                    polisen_id += 1;
                    (
                        code,
                        Channel::Polisen,
                        Precision::Area,
                        Some(format!("demo-polisen-{polisen_id}")),
                        Some(format!(
                            "{name}, Uppsala. Påhittad demohändelse i Polisens format."
                        )),
                        "Uppsala",
                    )
                }
            };
            let position = Position::from_wgs84(d.lat, d.lon, precision)
                .expect("demo positions are in Uppsala");
            sink(NewIncident {
                occurred_from: ts(d.from),
                occurred_to: d.to.map(ts),
                reported_at: Some(ts(reported)),
                category: code.to_string(),
                place_type: d.place_type,
                position: Some(position),
                place: Some(place.to_string()),
                source_org: match d.org {
                    Org::Kommun => orgs.kommun,
                    Org::Police => orgs.police,
                    Org::Housing => orgs.housing,
                },
                channel,
                external_id,
                description,
                visibility: d.visibility,
                report_id: None,
                created_by: None,
            });
        }
    }
}
