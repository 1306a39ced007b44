//! The in-memory columnar snapshot of incidents that every lägesbild query runs on.
//!
//! Built once from the store at start-up ([`Snapshot::from_rows`]) and kept current on every
//! write ([`Snapshot::upsert`], [`Snapshot::remove`]). Pure: the caller reads the database and
//! hands rows in.
//!
//! # Layout (37 bytes per incident; the budget is 48)
//! | column | type | bytes | note |
//! |---|---|---|---|
//! | id | i64 | 8 | external id; rows are kept **sorted by id**, so lookups are a binary search and no hash index is needed |
//! | start | i64 | 8 | window start, unix seconds UTC |
//! | duration | u32 | 4 | window length in seconds (0 = exact time; up to 136 years) |
//! | offset | i8 | 1 | local UTC offset at `start` in quarter hours (precomputed, for fast local weeks/months) |
//! | x, y | f32 ×2 | 8 | metres relative to the snapshot origin: within 100 km of it the error is < 1 cm, within 1 000 km < 7 cm |
//! | category | u16 | 2 | index into the caller's category table (leaf categories; the caller expands groups) |
//! | area set | u32 | 4 | the interned list of every area the incident lies in (county, kommun, district, DeSO, own areas: any number); the distinct lists are few, since areas nest |
//! | source | u16 | 2 | source index (channel × organisation × visibility), up to 65 536 |
//! | flags | u8 | 1 | point-usable (vs area centroid), removed |
//!
//! Appending ids in increasing order (a database sequence) is O(1); an out-of-order insert
//! shifts the columns (O(n) memmove). Removal marks a tombstone (O(log n)); tombstones are
//! compacted away when they exceed a quarter of the rows.
//!
//! # Time conventions
//! Periods are half-open `[from, to)` in unix seconds and apply to the window **start**.
//! Local time (ISO weeks, months, years, hour of day, weekday) is in the snapshot's time zone
//! (Europe/Stockholm by default) with DST, from the offset precomputed at the window start.

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::error::{AnalysisError, Result};

/// The one area index that is not an area ("no area" in grouped counts); area indices are
/// 0..=65 534.
pub const NO_AREA: u16 = u16::MAX;

const FLAG_POINT: u8 = 1;
const FLAG_REMOVED: u8 = 2;
const SECONDS_PER_QUARTER: i64 = 900;

/// One incident as handed in by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    /// External id (the database's).
    pub id: i64,
    /// Window start, unix seconds UTC.
    pub start: i64,
    /// Window end, unix seconds UTC (= start for an exact time).
    pub end: i64,
    /// Planar x, metres (SWEREF 99 TM).
    pub x: f64,
    /// Planar y, metres.
    pub y: f64,
    /// Category index.
    pub category: u16,
    /// Indices of every area it lies in, in any order (repeats are ignored; [`NO_AREA`] is refused).
    pub areas: Vec<u16>,
    /// Source/channel index.
    pub source: u16,
    /// Whether x/y is the event's own position (false: an area centroid, excluded from point statistics).
    pub point_usable: bool,
}

/// A set of small indices (categories, areas, sources) as a bitset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexSet {
    bits: Vec<u64>,
}

impl IndexSet {
    /// Whether `i` is in the set.
    #[inline]
    pub fn contains(&self, i: u16) -> bool {
        let w = usize::from(i >> 6);
        w < self.bits.len() && (self.bits[w] >> (i & 63)) & 1 == 1
    }

    /// Adds `i`.
    pub fn insert(&mut self, i: u16) {
        let w = usize::from(i >> 6);
        if w >= self.bits.len() {
            self.bits.resize(w + 1, 0);
        }
        self.bits[w] |= 1 << (i & 63);
    }

    /// This set plus every descendant, for a category tree given as `parent[c]` = parent of
    /// category c ([`NO_AREA`]/`u16::MAX` for a root). Lets a caller filter on a category
    /// group ("Tillgreppsbrott") and get all its sub-categories.
    pub fn with_descendants(&self, parent: &[u16]) -> IndexSet {
        let mut out = self.clone();
        for c in 0..parent.len() {
            let mut cur = c as u16;
            // Walk up at most parent.len() steps (guards against cycles).
            for _ in 0..=parent.len() {
                if self.contains(cur) {
                    out.insert(c as u16);
                    break;
                }
                match parent.get(usize::from(cur)) {
                    Some(&p) if p != u16::MAX => cur = p,
                    _ => break,
                }
            }
        }
        out
    }

    /// The members, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        (0..self.bits.len() * 64)
            .filter(|&i| self.contains(i as u16))
            .map(|i| i as u16)
    }
}

impl FromIterator<u16> for IndexSet {
    fn from_iter<T: IntoIterator<Item = u16>>(iter: T) -> Self {
        let mut s = Self::default();
        for i in iter {
            s.insert(i);
        }
        s
    }
}

/// Which incidents a query covers. Every `None` means "all".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Half-open `[from, to)` in unix seconds, on the window start.
    pub period: Option<(i64, i64)>,
    /// Category indices (the caller expands a group into its leaves).
    pub categories: Option<IndexSet>,
    /// Area indices: an incident matches when any of its areas is in the set.
    pub areas: Option<IndexSet>,
    /// Source indices.
    pub sources: Option<IndexSet>,
    /// Only incidents with a usable point position.
    pub point_usable_only: bool,
}

/// Period granularity of counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Granularity {
    /// ISO week (Monday–Sunday, local time).
    IsoWeek,
    /// Calendar month (local time).
    Month,
    /// Calendar year (local time).
    Year,
}

/// A labelled period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PeriodKey {
    /// ISO year and week ("v. 47").
    IsoWeek {
        /// ISO week-based year.
        year: i16,
        /// Week 1–53.
        week: i8,
    },
    /// Year and month 1–12.
    Month {
        /// Year.
        year: i16,
        /// Month 1–12.
        month: i8,
    },
    /// Year.
    Year(i16),
}

/// One count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CountRow {
    /// The period.
    pub period: PeriodKey,
    /// Category, when grouped by category.
    pub category: Option<u16>,
    /// Area, when grouped by area.
    pub area: Option<u16>,
    /// Number of incidents.
    pub count: u32,
}

/// Counts now and in the same period one year earlier.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearOnYear {
    /// Count in the requested period.
    pub current: u32,
    /// Count in the same period one year earlier.
    pub previous: u32,
    /// The earlier period `[from, to)`, unix seconds (local calendar dates minus one year).
    pub previous_period: (i64, i64),
    /// Relative change current/previous − 1 (None when previous = 0).
    pub change: Option<f64>,
}

/// The columnar snapshot (see the module docs).
#[derive(Debug, Clone)]
pub struct Snapshot {
    tz: TimeZone,
    origin: (f64, f64),
    id: Vec<i64>,
    start: Vec<i64>,
    duration: Vec<u32>,
    offset: Vec<i8>,
    x: Vec<f32>,
    y: Vec<f32>,
    category: Vec<u16>,
    /// Index into `area_sets`, per row.
    areas: Vec<u32>,
    area_sets: AreaSets,
    source: Vec<u16>,
    flags: Vec<u8>,
    removed: usize,
    /// Smallest and largest window start ever stored (bounds for dense period arrays).
    start_bounds: (i64, i64),
    /// Zone map: (min, max) window start of each block of [`ZONE`] rows (removed rows
    /// included, so it is conservative). Lets period queries skip whole blocks; effective when
    /// ids roughly follow time, as a database sequence does.
    zones: Vec<(i64, i64)>,
}

/// The distinct area lists the incidents lie in, each stored once (sorted, without repeats);
/// set 0 is the empty list.
#[derive(Debug, Clone)]
struct AreaSets {
    /// Set k's members are `members[offsets[k]..offsets[k + 1]]`.
    offsets: Vec<u32>,
    members: Vec<u16>,
    index: std::collections::HashMap<Box<[u16]>, u32>,
}

impl AreaSets {
    fn new() -> Self {
        let mut index = std::collections::HashMap::new();
        index.insert(Box::from([]), 0);
        Self {
            offsets: vec![0, 0],
            members: Vec::new(),
            index,
        }
    }

    fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    fn members(&self, k: u32) -> &[u16] {
        let k = k as usize;
        &self.members[self.offsets[k] as usize..self.offsets[k + 1] as usize]
    }

    fn intern(&mut self, id: i64, list: &[u16]) -> Result<u32> {
        // The store hands areas ascending: look those up as they are, without a copy per row.
        let sorted: std::borrow::Cow<'_, [u16]> = if list.windows(2).all(|w| w[0] < w[1]) {
            list.into()
        } else {
            let mut v = list.to_vec();
            v.sort_unstable();
            v.dedup();
            v.into()
        };
        if sorted.last() == Some(&NO_AREA) {
            return Err(AnalysisError::Incident {
                id,
                problem: "names area index 65535, which marks \"no area\"; area indices are 0 to 65 534",
            });
        }
        if let Some(&k) = self.index.get(&*sorted) {
            return Ok(k);
        }
        let k = u32::try_from(self.len()).map_err(|_| AnalysisError::Incident {
            id,
            problem: "would make more than 4 294 967 295 distinct area lists",
        })?;
        self.members.extend_from_slice(&sorted);
        self.offsets.push(self.members.len() as u32);
        self.index.insert(sorted.into_owned().into_boxed_slice(), k);
        Ok(k)
    }

    fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.members.capacity() * 2
            + self.index.capacity() * (size_of::<Box<[u16]>>() + 4 + 1)
            + self.members.len() * 2
    }
}

/// Rows per zone-map block.
const ZONE: usize = 4096;

/// A [`Filter`] as dense bit tables, for the branch-free scan.
struct CompiledFilter {
    from: i64,
    to: i64,
    categories: Box<[u64; 1024]>,
    /// Bit k: area set k has an area in the filter.
    area_sets: Vec<u64>,
    sources: Box<[u64; 1024]>,
    need_area: bool,
    flag_mask: u8,
    flag_want: u8,
}

#[inline(always)]
fn bit(set: &[u64; 1024], i: u16) -> bool {
    (set[usize::from(i >> 6)] >> (i & 63)) & 1 != 0
}

#[inline(always)]
fn set_bit(set: &[u64], k: u32) -> bool {
    (set[(k >> 6) as usize] >> (k & 63)) & 1 != 0
}

impl CompiledFilter {
    fn new(f: &Filter, sets: &AreaSets) -> Self {
        let dense = |set: &Option<IndexSet>| -> Box<[u64; 1024]> {
            let mut d = Box::new([0u64; 1024]);
            match set {
                None => d.fill(u64::MAX),
                Some(s) => {
                    d[..s.bits.len().min(1024)].copy_from_slice(&s.bits[..s.bits.len().min(1024)])
                }
            }
            d
        };
        let mut area_sets = vec![0u64; sets.len().div_ceil(64)];
        for k in 0..sets.len() as u32 {
            let hit = match &f.areas {
                None => true,
                Some(wanted) => sets.members(k).iter().any(|&a| wanted.contains(a)),
            };
            if hit {
                area_sets[(k >> 6) as usize] |= 1 << (k & 63);
            }
        }
        let (from, to) = f.period.unwrap_or((i64::MIN, i64::MAX));
        Self {
            from,
            to,
            categories: dense(&f.categories),
            area_sets,
            sources: dense(&f.sources),
            need_area: f.areas.is_some(),
            flag_mask: FLAG_REMOVED | if f.point_usable_only { FLAG_POINT } else { 0 },
            flag_want: if f.point_usable_only { FLAG_POINT } else { 0 },
        }
    }
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Monday-based week number since 1969-12-29 of a local day number.
#[inline]
fn week_of_day(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

/// The ISO year/week of a week number from [`week_of_day`].
fn iso_week_key(week: i64) -> PeriodKey {
    // Thursday of that week decides the ISO year.
    let thursday = week * 7 - 3 + 3;
    let (y, _, _) = civil_from_days(thursday);
    let jan4 = days_from_civil(y, 1, 4);
    let week_no = (thursday - (jan4 - (jan4 + 3).rem_euclid(7))).div_euclid(7) + 1;
    PeriodKey::IsoWeek {
        year: y as i16,
        week: week_no as i8,
    }
}

/// (year, month, day) → days since 1970-01-01.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Snapshot {
    /// An empty snapshot in time zone `tz`, with f32 coordinates relative to `origin` (metres;
    /// choose the middle of the partnership's area).
    pub fn new(tz: TimeZone, origin: (f64, f64)) -> Self {
        Self {
            tz,
            origin,
            id: Vec::new(),
            start: Vec::new(),
            duration: Vec::new(),
            offset: Vec::new(),
            x: Vec::new(),
            y: Vec::new(),
            category: Vec::new(),
            areas: Vec::new(),
            area_sets: AreaSets::new(),
            source: Vec::new(),
            flags: Vec::new(),
            removed: 0,
            start_bounds: (i64::MAX, i64::MIN),
            zones: Vec::new(),
        }
    }

    /// An empty snapshot in Europe/Stockholm.
    pub fn stockholm(origin: (f64, f64)) -> Result<Self> {
        let tz =
            TimeZone::get("Europe/Stockholm").map_err(|_| AnalysisError::InvalidParameter {
                name: "time zone",
                value: "Europe/Stockholm".into(),
                hint: "the time zone database is missing; install tzdata",
            })?;
        Ok(Self::new(tz, origin))
    }

    /// Builds a snapshot from rows in any order; duplicate ids are an error.
    pub fn from_rows(tz: TimeZone, origin: (f64, f64), mut rows: Vec<IncidentRow>) -> Result<Self> {
        rows.sort_unstable_by_key(|r| r.id);
        if let Some(w) = rows.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(AnalysisError::Incident {
                id: w[0].id,
                problem: "appears twice; ids must be unique",
            });
        }
        let mut s = Self::new(tz, origin);
        s.reserve(rows.len());
        for r in &rows {
            s.push_unchecked(r)?;
        }
        Ok(s)
    }

    fn reserve(&mut self, n: usize) {
        self.id.reserve_exact(n);
        self.start.reserve_exact(n);
        self.duration.reserve_exact(n);
        self.offset.reserve_exact(n);
        self.x.reserve_exact(n);
        self.y.reserve_exact(n);
        self.category.reserve_exact(n);
        self.areas.reserve_exact(n);
        self.source.reserve_exact(n);
        self.flags.reserve_exact(n);
    }

    fn encode(&mut self, row: &IncidentRow) -> Result<(u32, i8, f32, f32, u8, u32)> {
        if row.end < row.start {
            return Err(AnalysisError::Incident {
                id: row.id,
                problem: "its time window ends before it starts; swap or fix the times",
            });
        }
        let duration = u32::try_from(row.end - row.start).map_err(|_| AnalysisError::Incident {
            id: row.id,
            problem: "its time window is longer than 136 years",
        })?;
        if !(row.x.is_finite() && row.y.is_finite()) {
            return Err(AnalysisError::Incident {
                id: row.id,
                problem: "has a non-finite coordinate",
            });
        }
        let ts = Timestamp::from_second(row.start).map_err(|_| AnalysisError::Incident {
            id: row.id,
            problem: "has a start time outside the supported range",
        })?;
        let off = self.tz.to_offset(ts).seconds() as i64 / SECONDS_PER_QUARTER;
        let flags = if row.point_usable { FLAG_POINT } else { 0 };
        let areas = self.area_sets.intern(row.id, &row.areas)?;
        self.start_bounds = (
            self.start_bounds.0.min(row.start),
            self.start_bounds.1.max(row.start),
        );
        Ok((
            duration,
            off as i8,
            (row.x - self.origin.0) as f32,
            (row.y - self.origin.1) as f32,
            flags,
            areas,
        ))
    }

    /// Grows the columns by 1/8 (not the default doubling) when full, so that spare capacity
    /// stays within the 48-byte budget: 39 × 1.125 ≈ 44 bytes per incident at worst.
    fn ensure_room(&mut self) {
        if self.id.len() == self.id.capacity() {
            self.reserve(self.id.len() / 8 + 1024);
        }
    }

    fn push_unchecked(&mut self, row: &IncidentRow) -> Result<()> {
        let (duration, off, x, y, flags, areas) = self.encode(row)?;
        self.ensure_room();
        let block = self.id.len() / ZONE;
        if block == self.zones.len() {
            self.zones.push((row.start, row.start));
        } else {
            let z = &mut self.zones[block];
            *z = (z.0.min(row.start), z.1.max(row.start));
        }
        self.id.push(row.id);
        self.start.push(row.start);
        self.duration.push(duration);
        self.offset.push(off);
        self.x.push(x);
        self.y.push(y);
        self.category.push(row.category);
        self.areas.push(areas);
        self.source.push(row.source);
        self.flags.push(flags);
        Ok(())
    }

    /// Inserts a new incident or replaces the one with the same id.
    pub fn upsert(&mut self, row: IncidentRow) -> Result<()> {
        let (duration, off, x, y, flags, areas) = self.encode(&row)?;
        let pos = self.id.partition_point(|&i| i < row.id);
        if pos < self.id.len() && self.id[pos] == row.id {
            if self.flags[pos] & FLAG_REMOVED != 0 {
                self.removed -= 1;
            }
            self.start[pos] = row.start;
            let z = &mut self.zones[pos / ZONE];
            *z = (z.0.min(row.start), z.1.max(row.start));
            self.duration[pos] = duration;
            self.offset[pos] = off;
            self.x[pos] = x;
            self.y[pos] = y;
            self.category[pos] = row.category;
            self.areas[pos] = areas;
            self.source[pos] = row.source;
            self.flags[pos] = flags;
        } else if pos == self.id.len() {
            self.push_unchecked(&row)?;
        } else {
            self.ensure_room();
            self.id.insert(pos, row.id);
            self.start.insert(pos, row.start);
            self.duration.insert(pos, duration);
            self.offset.insert(pos, off);
            self.x.insert(pos, x);
            self.y.insert(pos, y);
            self.category.insert(pos, row.category);
            self.areas.insert(pos, areas);
            self.source.insert(pos, row.source);
            self.flags.insert(pos, flags);
            self.rebuild_zones();
        }
        Ok(())
    }

    /// Gives spare column capacity back (after a bulk load).
    pub fn shrink_to_fit(&mut self) {
        self.id.shrink_to_fit();
        self.start.shrink_to_fit();
        self.duration.shrink_to_fit();
        self.offset.shrink_to_fit();
        self.x.shrink_to_fit();
        self.y.shrink_to_fit();
        self.category.shrink_to_fit();
        self.areas.shrink_to_fit();
        self.source.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.zones.shrink_to_fit();
    }

    /// Removes an incident; returns whether it was present.
    pub fn remove(&mut self, id: i64) -> bool {
        let pos = self.id.partition_point(|&i| i < id);
        if pos < self.id.len() && self.id[pos] == id && self.flags[pos] & FLAG_REMOVED == 0 {
            self.flags[pos] |= FLAG_REMOVED;
            self.removed += 1;
            if self.removed > 1024 && self.removed * 4 > self.id.len() {
                self.compact();
            }
            true
        } else {
            false
        }
    }

    /// Drops tombstones.
    pub fn compact(&mut self) {
        let keep: Vec<bool> = self.flags.iter().map(|f| f & FLAG_REMOVED == 0).collect();
        fn retain<T: Copy>(v: &mut Vec<T>, keep: &[bool]) {
            let mut k = keep.iter();
            v.retain(|_| *k.next().unwrap_or(&false));
            v.shrink_to_fit();
        }
        retain(&mut self.id, &keep);
        retain(&mut self.start, &keep);
        retain(&mut self.duration, &keep);
        retain(&mut self.offset, &keep);
        retain(&mut self.x, &keep);
        retain(&mut self.y, &keep);
        retain(&mut self.category, &keep);
        retain(&mut self.areas, &keep);
        retain(&mut self.source, &keep);
        retain(&mut self.flags, &keep);
        self.removed = 0;
        self.rebuild_zones();
    }

    fn rebuild_zones(&mut self) {
        self.zones = self
            .start
            .chunks(ZONE)
            .map(|c| {
                c.iter()
                    .fold((i64::MAX, i64::MIN), |z, &s| (z.0.min(s), z.1.max(s)))
            })
            .collect();
    }

    /// The incident with this id, as stored (coordinates to f32 precision).
    pub fn get(&self, id: i64) -> Option<IncidentRow> {
        let pos = self.id.partition_point(|&i| i < id);
        (pos < self.id.len() && self.id[pos] == id && self.flags[pos] & FLAG_REMOVED == 0)
            .then(|| self.row(pos))
    }

    fn row(&self, i: usize) -> IncidentRow {
        IncidentRow {
            id: self.id[i],
            start: self.start[i],
            end: self.start[i] + i64::from(self.duration[i]),
            x: f64::from(self.x[i]) + self.origin.0,
            y: f64::from(self.y[i]) + self.origin.1,
            category: self.category[i],
            areas: self.area_sets.members(self.areas[i]).to_vec(),
            source: self.source[i],
            point_usable: self.flags[i] & FLAG_POINT != 0,
        }
    }

    /// The largest id held (also of a removed incident): rows with larger ids append.
    pub fn last_id(&self) -> Option<i64> {
        self.id.last().copied()
    }

    /// Number of (live) incidents.
    pub fn len(&self) -> usize {
        self.id.len() - self.removed
    }

    /// Whether there are no incidents.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of column storage per stored row (sum of the column element sizes).
    pub const fn bytes_per_row() -> usize {
        size_of::<i64>() * 2
            + size_of::<u32>()
            + size_of::<i8>()
            + size_of::<f32>() * 2
            + size_of::<u16>()
            + size_of::<u32>() // area set
            + size_of::<u16>() // source
            + size_of::<u8>() // flags
    }

    /// Heap bytes currently allocated by the columns.
    pub fn heap_bytes(&self) -> usize {
        self.id.capacity() * 8
            + self.start.capacity() * 8
            + self.duration.capacity() * 4
            + self.offset.capacity()
            + self.x.capacity() * 4
            + self.y.capacity() * 4
            + self.category.capacity() * 2
            + self.areas.capacity() * 4
            + self.area_sets.heap_bytes()
            + self.source.capacity() * 2
            + self.flags.capacity()
            + self.zones.capacity() * 16
    }

    /// The snapshot's time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    #[inline]
    fn matches(&self, f: &Filter, i: usize) -> bool {
        let flags = self.flags[i];
        if flags & FLAG_REMOVED != 0 || (f.point_usable_only && flags & FLAG_POINT == 0) {
            return false;
        }
        if let Some((a, b)) = f.period {
            let s = self.start[i];
            if s < a || s >= b {
                return false;
            }
        }
        if let Some(c) = &f.categories
            && !c.contains(self.category[i])
        {
            return false;
        }
        if let Some(src) = &f.sources
            && !src.contains(self.source[i])
        {
            return false;
        }
        if let Some(areas) = &f.areas
            && !self
                .area_sets
                .members(self.areas[i])
                .iter()
                .any(|&a| areas.contains(a))
        {
            return false;
        }
        true
    }

    /// Ids of the matching incidents, ascending.
    pub fn select_ids(&self, filter: &Filter) -> Vec<i64> {
        (0..self.id.len())
            .filter(|&i| self.matches(filter, i))
            .map(|i| self.id[i])
            .collect()
    }

    /// Matching incidents as rows.
    pub fn select(&self, filter: &Filter) -> Vec<IncidentRow> {
        (0..self.id.len())
            .filter(|&i| self.matches(filter, i))
            .map(|i| self.row(i))
            .collect()
    }

    /// Point data for the point statistics: x, y (metres) and window start (days since the
    /// unix epoch) of the matching point-usable incidents, and how many matching incidents
    /// were left out because their position is only an area centroid.
    pub fn points(&self, filter: &Filter) -> (Vec<f64>, Vec<f64>, Vec<f64>, usize) {
        let (mut x, mut y, mut t) = (Vec::new(), Vec::new(), Vec::new());
        let mut centroids = 0;
        for i in 0..self.id.len() {
            if !self.matches(filter, i) {
                continue;
            }
            if self.flags[i] & FLAG_POINT == 0 {
                centroids += 1;
                continue;
            }
            x.push(f64::from(self.x[i]) + self.origin.0);
            y.push(f64::from(self.y[i]) + self.origin.1);
            t.push(self.start[i] as f64 / 86_400.0);
        }
        (x, y, t, centroids)
    }

    /// Local day number of an instant.
    fn local_day_of(&self, t: i64) -> i64 {
        let off =
            Timestamp::from_second(t).map_or(0, |ts| i64::from(self.tz.to_offset(ts).seconds()));
        (t + off).div_euclid(86_400)
    }

    #[inline]
    fn local_day(&self, i: usize) -> i64 {
        (self.start[i] + i64::from(self.offset[i]) * SECONDS_PER_QUARTER).div_euclid(86_400)
    }

    #[inline]
    fn period_index(&self, i: usize, g: Granularity) -> i64 {
        let day = self.local_day(i);
        match g {
            Granularity::IsoWeek => week_of_day(day),
            Granularity::Month => {
                let (y, m, _) = civil_from_days(day);
                y * 12 + i64::from(m) - 1
            }
            Granularity::Year => civil_from_days(day).0,
        }
    }

    fn period_key(index: i64, g: Granularity) -> PeriodKey {
        match g {
            Granularity::IsoWeek => iso_week_key(index),
            Granularity::Month => PeriodKey::Month {
                year: index.div_euclid(12) as i16,
                month: (index.rem_euclid(12) + 1) as i8,
            },
            Granularity::Year => PeriodKey::Year(index as i16),
        }
    }

    /// Weekly counts of the matching incidents (ISO weeks, local time), ascending, weeks with
    /// no incident included between the first and the last week. The hot path of the
    /// lägesbild: a branch-free filter over the columns, split over the available threads,
    /// no allocation per row.
    pub fn weekly_counts(&self, filter: &Filter) -> Vec<(PeriodKey, u32)> {
        if self.id.is_empty() {
            return Vec::new();
        }
        let (mut lo, mut hi) = self.start_bounds;
        if let Some((a, b)) = filter.period {
            lo = lo.max(a);
            hi = hi.min(b);
        }
        if lo > hi {
            return Vec::new();
        }
        // ±1 day covers any UTC offset.
        let first = week_of_day(lo.div_euclid(86_400) - 1);
        let last = week_of_day(hi.div_euclid(86_400) + 1);
        let weeks = (last - first + 1) as usize;
        let compiled = CompiledFilter::new(filter, &self.area_sets);
        let n = self.id.len();
        // Blocks whose zone overlaps the period; the rest are skipped unread.
        let blocks: Vec<usize> = (0..self.zones.len())
            .filter(|&b| self.zones[b].1 >= compiled.from && self.zones[b].0 < compiled.to)
            .collect();
        let threads = crate::rng::threads(0)
            .min((blocks.len() * ZONE).div_ceil(250_000))
            .max(1);
        let chunk = blocks.len().div_ceil(threads).max(1);
        let mut counts = vec![0u32; weeks];
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let compiled = &compiled;
                    let mine =
                        &blocks[(t * chunk).min(blocks.len())..((t + 1) * chunk).min(blocks.len())];
                    scope.spawn(move || {
                        let mut local = vec![0u32; weeks];
                        for &b in mine {
                            self.scan(compiled, b * ZONE..((b + 1) * ZONE).min(n), |i| {
                                local[(week_of_day(self.local_day(i)) - first) as usize] += 1;
                            });
                        }
                        local
                    })
                })
                .collect();
            for h in handles {
                let local = h.join().expect("weekly count worker panicked");
                for (c, l) in counts.iter_mut().zip(local) {
                    *c += l;
                }
            }
        });
        let lo = counts.iter().position(|&c| c > 0);
        let hi = counts.iter().rposition(|&c| c > 0);
        match (lo, hi) {
            (Some(lo), Some(hi)) => (lo..=hi)
                .map(|k| (iso_week_key(first + k as i64), counts[k]))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Calls `f` with every matching row index in `range`, evaluating the filter without
    /// branches (each row costs the same whether or not it matches).
    fn scan(&self, c: &CompiledFilter, range: std::ops::Range<usize>, mut f: impl FnMut(usize)) {
        let start = &self.start[range.clone()];
        let category = &self.category[range.clone()];
        let areas = &self.areas[range.clone()];
        let source = &self.source[range.clone()];
        let flags = &self.flags[range.clone()];
        for (k, ((((&s, &cat), &area), &src), &fl)) in start
            .iter()
            .zip(category)
            .zip(areas)
            .zip(source)
            .zip(flags)
            .enumerate()
        {
            let area_ok = !c.need_area | set_bit(&c.area_sets, area);
            let ok = (s >= c.from)
                & (s < c.to)
                & bit(&c.categories, cat)
                & bit(&c.sources, src)
                & area_ok
                & (fl & c.flag_mask == c.flag_want);
            if ok {
                f(range.start + k);
            }
        }
    }

    /// Counts per period × (category) × (area), sorted. With `by_area`, an incident counts once
    /// in each of its areas (those in the filter's area set, when one is given). Periods with
    /// no incident are not listed.
    pub fn counts(
        &self,
        filter: &Filter,
        granularity: Granularity,
        by_category: bool,
        by_area: bool,
    ) -> Vec<CountRow> {
        let mut map: std::collections::HashMap<(i64, u16, u16), u32> =
            std::collections::HashMap::new();
        for i in 0..self.id.len() {
            if !self.matches(filter, i) {
                continue;
            }
            let p = self.period_index(i, granularity);
            let c = if by_category {
                self.category[i]
            } else {
                NO_AREA
            };
            if by_area {
                for &a in self.area_sets.members(self.areas[i]) {
                    if filter.areas.as_ref().is_none_or(|s| s.contains(a)) {
                        *map.entry((p, c, a)).or_default() += 1;
                    }
                }
            } else {
                *map.entry((p, c, NO_AREA)).or_default() += 1;
            }
        }
        let mut rows: Vec<CountRow> = map
            .into_iter()
            .map(|((p, c, a), count)| CountRow {
                period: Self::period_key(p, granularity),
                category: by_category.then_some(c),
                area: by_area.then_some(a),
                count,
            })
            .collect();
        rows.sort_by_key(|r| (r.period, r.category, r.area));
        rows
    }

    /// Weekly series per (category × area) for emerging-problem detection: week numbers are
    /// Monday-based weeks since 1969-12-29 ([`crate::emerging::WeeklySeries`]).
    pub fn weekly_series(&self, filter: &Filter) -> Vec<crate::emerging::WeeklySeries> {
        let mut map: std::collections::BTreeMap<(u16, u16), std::collections::BTreeMap<i64, u32>> =
            Default::default();
        for i in 0..self.id.len() {
            if !self.matches(filter, i) {
                continue;
            }
            let w = week_of_day(self.local_day(i));
            for &a in self.area_sets.members(self.areas[i]) {
                if filter.areas.as_ref().is_none_or(|s| s.contains(a)) {
                    *map.entry((self.category[i], a))
                        .or_default()
                        .entry(w)
                        .or_default() += 1;
                }
            }
        }
        let (lo, hi) = match filter.period {
            Some((a, b)) => (
                week_of_day(self.local_day_of(a)),
                week_of_day(self.local_day_of(b - 1)),
            ),
            None => {
                let lo = map
                    .values()
                    .filter_map(|m| m.keys().next())
                    .min()
                    .copied()
                    .unwrap_or(0);
                let hi = map
                    .values()
                    .filter_map(|m| m.keys().next_back())
                    .max()
                    .copied()
                    .unwrap_or(-1);
                (lo, hi)
            }
        };
        map.into_iter()
            .map(|((category, area), weeks)| crate::emerging::WeeklySeries {
                category,
                area,
                first_week: lo,
                counts: (lo..=hi)
                    .map(|w| weeks.get(&w).copied().unwrap_or(0))
                    .collect(),
            })
            .collect()
    }

    /// Hour × weekday profile with aoristic weighting, local time; `[weekday][hour]`,
    /// weekday 0 = Monday.
    ///
    /// Each incident spreads weight 1 over its window `[start, end)` in proportion to the time
    /// spent in each local clock hour (an exact time puts 1 in its hour). Windows of a week or
    /// more first give each of the 168 hour-weekday cells an equal share per whole week
    /// (ignoring the one-hour DST shift inside that week), then the remainder is spread hour by
    /// hour. The cells sum to the number of incidents.
    pub fn hour_weekday_profile(&self, filter: &Filter) -> [[f64; 24]; 7] {
        let mut out = [[0.0; 24]; 7];
        let cell = |out: &mut [[f64; 24]; 7], local: i64, w: f64| {
            let day = local.div_euclid(86_400);
            let wd = (day + 3).rem_euclid(7) as usize;
            let h = (local.rem_euclid(86_400) / 3600) as usize;
            out[wd][h] += w;
        };
        for i in 0..self.id.len() {
            if !self.matches(filter, i) {
                continue;
            }
            let start = self.start[i];
            let dur = i64::from(self.duration[i]);
            if dur == 0 {
                cell(
                    &mut out,
                    start + i64::from(self.offset[i]) * SECONDS_PER_QUARTER,
                    1.0,
                );
                continue;
            }
            let total = dur as f64;
            let weeks = dur / 604_800;
            if weeks > 0 {
                let share = (weeks * 3600) as f64 / total;
                for row in out.iter_mut() {
                    for v in row.iter_mut() {
                        *v += share;
                    }
                }
            }
            let mut cur = start + weeks * 604_800;
            let end = start + dur;
            // One offset for the whole remainder (< 1 week) unless it spans a DST change.
            let offset_at = |t: i64| {
                Timestamp::from_second(t).map_or(0, |t| i64::from(self.tz.to_offset(t).seconds()))
            };
            let (off_start, off_end) = (offset_at(cur), offset_at(end - 1));
            while cur < end {
                let next = ((cur.div_euclid(3600)) + 1) * 3600;
                let seg_end = next.min(end);
                let off = if off_start == off_end {
                    off_start
                } else {
                    offset_at(cur)
                };
                cell(&mut out, cur + off, (seg_end - cur) as f64 / total);
                cur = seg_end;
            }
        }
        out
    }

    /// Count in `filter.period` and in the same local calendar period one year earlier
    /// (same dates and clock times, minus one year; 29 February maps to 28 February).
    pub fn year_on_year(&self, filter: &Filter) -> Result<YearOnYear> {
        let Some((a, b)) = filter.period else {
            return Err(AnalysisError::InvalidParameter {
                name: "period",
                value: "none".into(),
                hint: "year-on-year comparison needs a period [from, to)",
            });
        };
        let shift = |s: i64| -> Result<i64> {
            let ts = Timestamp::from_second(s).map_err(|_| AnalysisError::InvalidParameter {
                name: "period",
                value: s.to_string(),
                hint: "unix seconds within the supported range",
            })?;
            let z = ts.to_zoned(self.tz.clone());
            z.checked_sub(1.year())
                .map(|z| z.timestamp().as_second())
                .map_err(|_| AnalysisError::InvalidParameter {
                    name: "period",
                    value: s.to_string(),
                    hint: "a date that exists one year earlier",
                })
        };
        let previous_period = (shift(a)?, shift(b)?);
        let count = |f: &Filter| (0..self.id.len()).filter(|&i| self.matches(f, i)).count() as u32;
        let current = count(filter);
        let previous = count(&Filter {
            period: Some(previous_period),
            ..filter.clone()
        });
        Ok(YearOnYear {
            current,
            previous,
            previous_period,
            change: (previous > 0).then(|| f64::from(current) / f64::from(previous) - 1.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_second()
    }

    fn row(id: i64, start: &str, hours: i64, cat: u16, areas: &[u16]) -> IncidentRow {
        let s = ts(start);
        IncidentRow {
            id,
            start: s,
            end: s + hours * 3600,
            x: 674_000.0 + id as f64,
            y: 6_580_000.0,
            category: cat,
            areas: areas.to_vec(),
            source: 0,
            point_usable: true,
        }
    }

    #[test]
    fn at_most_48_bytes_per_incident() {
        assert!(Snapshot::bytes_per_row() <= 48);
        let rows: Vec<IncidentRow> = (0..1000)
            .map(|i| row(i, "2026-01-05T10:00:00Z", 0, 1, &[1, 2, 3]))
            .collect();
        let s = Snapshot::from_rows(TimeZone::UTC, (674_000.0, 6_580_000.0), rows).unwrap();
        assert!(
            s.heap_bytes() / s.len() <= 48,
            "{}",
            s.heap_bytes() / s.len()
        );
    }

    #[test]
    fn an_incident_counts_in_every_one_of_many_areas() {
        // County, kommun, police area, district, RegSO, DeSO and 14 own areas drawn over a
        // square: 20 areas, beyond the 3 the snapshot once held.
        let many: Vec<u16> = (0..20).collect();
        let rows = vec![
            row(1, "2026-01-05T10:00:00Z", 0, 1, &many),
            row(2, "2026-01-05T11:00:00Z", 0, 1, &[19, 19, 3]),
            row(3, "2026-01-05T12:00:00Z", 0, 1, &[]),
        ];
        let mut s = Snapshot::from_rows(TimeZone::UTC, (674_000.0, 6_580_000.0), rows).unwrap();
        for a in 0..20u16 {
            let f = Filter {
                areas: Some(IndexSet::from_iter([a])),
                ..Filter::default()
            };
            let want: Vec<i64> = if a == 3 || a == 19 {
                vec![1, 2]
            } else {
                vec![1]
            };
            assert_eq!(s.select_ids(&f), want, "area {a}");
            let weekly: u32 = s.weekly_counts(&f).iter().map(|w| w.1).sum();
            assert_eq!(weekly as usize, want.len(), "area {a}");
        }
        let by_area = s.counts(&Filter::default(), Granularity::Year, false, true);
        assert_eq!(by_area.len(), 20);
        assert_eq!(by_area.iter().map(|c| c.count).sum::<u32>(), 22);
        assert_eq!(s.get(2).unwrap().areas, vec![3, 19]);
        // Moving an incident to other areas re-interns its list.
        s.upsert(row(2, "2026-01-05T11:00:00Z", 0, 1, &[7]))
            .unwrap();
        let f = Filter {
            areas: Some(IndexSet::from_iter([19])),
            ..Filter::default()
        };
        assert_eq!(s.select_ids(&f), vec![1]);
        let err = s
            .upsert(row(4, "2026-01-05T11:00:00Z", 0, 1, &[2, NO_AREA]))
            .unwrap_err();
        assert!(err.to_string().contains("65535"), "{err}");
        assert!(s.get(4).is_none());
    }

    #[test]
    fn zone_maps_follow_updates() {
        let rows: Vec<IncidentRow> = (0..10_000)
            .map(|i| {
                let mut r = row(i, "2026-01-05T10:00:00Z", 0, 1, &[1]);
                r.start += i * 600;
                r.end = r.start;
                r
            })
            .collect();
        let mut s = Snapshot::from_rows(TimeZone::UTC, (674_000.0, 6_580_000.0), rows).unwrap();
        // Move an early row (first block) far into the future, insert one out of order.
        let late = ts("2026-06-01T10:00:00Z");
        s.upsert(IncidentRow {
            start: late,
            end: late,
            ..s.get(3).unwrap()
        })
        .unwrap();
        s.upsert(IncidentRow {
            id: -5,
            start: late + 7 * 86_400,
            end: late + 7 * 86_400,
            ..s.get(4).unwrap()
        })
        .unwrap();
        let f = Filter {
            period: Some((late - 86_400, late + 30 * 86_400)),
            ..Default::default()
        };
        let total: u32 = s.weekly_counts(&f).iter().map(|w| w.1).sum();
        assert_eq!(total, 2);
        assert_eq!(s.select_ids(&f), vec![-5, 3]);
    }

    #[test]
    fn growth_by_upsert_stays_within_budget() {
        let mut s = Snapshot::new(TimeZone::UTC, (674_000.0, 6_580_000.0));
        for i in 0..50_000 {
            s.upsert(row(i, "2026-01-05T10:00:00Z", 0, 1, &[1]))
                .unwrap();
            if i % 997 == 0 {
                assert!(
                    s.heap_bytes() <= 48 * s.len().max(1024) + 64 * 1024,
                    "{} rows: {} bytes",
                    s.len(),
                    s.heap_bytes()
                );
            }
        }
        assert!(s.heap_bytes() / s.len() <= 48);
    }

    #[test]
    fn category_groups_expand_to_descendants() {
        // 0 = root group, 1 and 2 its children, 3 child of 1, 4 another root.
        let parent = [u16::MAX, 0, 0, 1, u16::MAX];
        let set = IndexSet::from_iter([1u16]).with_descendants(&parent);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![1, 3]);
        let all = IndexSet::from_iter([0u16]).with_descendants(&parent);
        assert_eq!(all.iter().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn upsert_remove_and_get() {
        let mut s = Snapshot::stockholm((674_000.0, 6_580_000.0)).unwrap();
        s.upsert(row(5, "2026-01-05T10:00:00Z", 0, 1, &[1]))
            .unwrap();
        s.upsert(row(2, "2026-01-05T10:00:00Z", 0, 1, &[1]))
            .unwrap();
        s.upsert(row(9, "2026-01-05T10:00:00Z", 0, 1, &[1]))
            .unwrap();
        s.upsert(row(5, "2026-02-05T10:00:00Z", 0, 7, &[2]))
            .unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.get(5).unwrap().category, 7);
        assert!(s.remove(2));
        assert!(!s.remove(2));
        assert_eq!(s.select_ids(&Filter::default()), vec![5, 9]);
        s.upsert(row(2, "2026-01-05T10:00:00Z", 0, 1, &[1]))
            .unwrap();
        assert_eq!(s.len(), 3);
        let bad = IncidentRow {
            end: 0,
            ..row(3, "2026-01-05T10:00:00Z", 0, 1, &[1])
        };
        assert!(s.upsert(bad).is_err());
    }

    #[test]
    fn iso_weeks_and_local_time() {
        let mut s = Snapshot::stockholm((674_000.0, 6_580_000.0)).unwrap();
        // Sunday 2026-01-04 23:30 UTC = Monday 00:30 local → ISO week 2 of 2026.
        s.upsert(row(1, "2026-01-04T23:30:00Z", 0, 1, &[1]))
            .unwrap();
        // 2024-12-30 is in ISO week 1 of 2025.
        s.upsert(row(2, "2024-12-30T12:00:00Z", 0, 1, &[1]))
            .unwrap();
        let c = s.counts(&Filter::default(), Granularity::IsoWeek, false, false);
        assert_eq!(
            c[0].period,
            PeriodKey::IsoWeek {
                year: 2025,
                week: 1
            }
        );
        assert_eq!(
            c[1].period,
            PeriodKey::IsoWeek {
                year: 2026,
                week: 2
            }
        );
        let m = s.counts(&Filter::default(), Granularity::Month, false, false);
        assert_eq!(
            m[1].period,
            PeriodKey::Month {
                year: 2026,
                month: 1
            }
        );
        let w = s.weekly_counts(&Filter::default());
        assert_eq!(
            w.first().unwrap().0,
            PeriodKey::IsoWeek {
                year: 2025,
                week: 1
            }
        );
        assert_eq!(
            w.last().unwrap(),
            &(
                PeriodKey::IsoWeek {
                    year: 2026,
                    week: 2
                },
                1
            )
        );
        assert_eq!(w.iter().map(|x| x.1).sum::<u32>(), 2);
    }

    #[test]
    fn aoristic_profile_spreads_weight() {
        let mut s = Snapshot::stockholm((674_000.0, 6_580_000.0)).unwrap();
        // Monday 2026-01-05 07:00 local (06:00 UTC) for 2 hours → ½ at 07 and ½ at 08.
        s.upsert(row(1, "2026-01-05T06:00:00Z", 2, 1, &[1]))
            .unwrap();
        // A 10-day window → sums to one as well.
        s.upsert(row(2, "2026-03-20T06:00:00Z", 240, 1, &[1]))
            .unwrap();
        let p = s.hour_weekday_profile(&Filter {
            period: Some((0, ts("2026-02-01T00:00:00Z"))),
            ..Default::default()
        });
        assert_eq!(p[0][7], 0.5);
        assert_eq!(p[0][8], 0.5);
        let all: f64 = s
            .hour_weekday_profile(&Filter::default())
            .iter()
            .flatten()
            .sum();
        assert!((all - 2.0).abs() < 1e-9);
    }

    #[test]
    fn aoristic_profile_follows_dst() {
        let mut s = Snapshot::stockholm((674_000.0, 6_580_000.0)).unwrap();
        // Sunday 2026-03-29 00:00 → 04:00 local: 02:00–03:00 does not exist, so 3 real hours
        // (00, 01, 03 local), each ⅓.
        let start = ts("2026-03-29T00:00:00+01:00");
        let end = ts("2026-03-29T04:00:00+02:00");
        assert_eq!(end - start, 3 * 3600);
        s.upsert(IncidentRow {
            start,
            end,
            ..row(1, "2026-03-29T00:00:00Z", 0, 1, &[1])
        })
        .unwrap();
        let p = s.hour_weekday_profile(&Filter::default());
        for h in [0, 1, 3] {
            assert!((p[6][h] - 1.0 / 3.0).abs() < 1e-12, "hour {h}: {:?}", p[6]);
        }
        assert_eq!(p[6][2], 0.0);
    }

    #[test]
    fn year_on_year_shifts_local_dates() {
        let mut s = Snapshot::stockholm((674_000.0, 6_580_000.0)).unwrap();
        s.upsert(row(1, "2026-03-10T10:00:00Z", 0, 1, &[1]))
            .unwrap();
        s.upsert(row(2, "2025-03-10T10:00:00Z", 0, 1, &[1]))
            .unwrap();
        s.upsert(row(3, "2025-03-11T10:00:00Z", 0, 1, &[1]))
            .unwrap();
        let f = Filter {
            period: Some((
                ts("2026-03-01T00:00:00+01:00"),
                ts("2026-04-01T00:00:00+02:00"),
            )),
            ..Default::default()
        };
        let y = s.year_on_year(&f).unwrap();
        assert_eq!((y.current, y.previous), (1, 2));
        assert_eq!(y.previous_period.0, ts("2025-03-01T00:00:00+01:00"));
        assert_eq!(y.change, Some(-0.5));
    }
}
