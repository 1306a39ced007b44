//! Fast point-in-area assignment: every incident is counted in the areas that contain it.
//!
//! An import of a million rows, or a re-assignment after a user redraws districts, asks "which
//! areas hold this point?" millions of times against thousands of DeSO polygons.
//!
//! Candidates come from the polygons' bounding boxes: an R-tree holds them all, and in front of
//! it sits a uniform grid (about four cells per polygon) whose cells list the boxes that touch
//! them, because a grid lookup costs one division where an R-tree descent costs hundreds of
//! nanoseconds of pointer chasing. Crowded cells (many overlapping layers) fall back to the
//! R-tree. Each candidate then tests only the edges in the horizontal band the point falls in
//! (edges are bucketed by northing once, when the index is built), so a test costs a handful
//! of edge checks however detailed the boundary. [`MultiPolygon::contains`] is the naive twin
//! the tests compare against.

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::crs::Sweref99Tm;
use crate::polygon::{MultiPolygon, XyMetres, crosses};

/// One polygon (with its holes) prepared for fast point tests.
#[derive(Debug)]
struct Prepared {
    /// Index of the area the polygon belongs to.
    area: usize,
    min_y: f64,
    band_height: f64,
    /// `band_start[b]..band_start[b + 1]` indexes `edges` for band `b`.
    band_start: Vec<u32>,
    /// Edges, duplicated into every band their y-range overlaps.
    edges: Vec<[XyMetres; 2]>,
    bbox: [f64; 4],
}

impl Prepared {
    fn new(area: usize, rings: &[&[XyMetres]], bbox: [f64; 4]) -> Self {
        let all: Vec<[XyMetres; 2]> = rings
            .iter()
            .flat_map(|r| r.windows(2).map(|w| [w[0], w[1]]))
            .filter(|[a, b]| a[1] != b[1]) // horizontal edges never cross a horizontal ray
            .collect();
        let bands = (all.len() / 2).clamp(1, 1024);
        let height = ((bbox[3] - bbox[1]) / bands as f64).max(f64::MIN_POSITIVE);
        let band_of = |y: f64| (((y - bbox[1]) / height) as usize).min(bands - 1);
        let mut per_band: Vec<Vec<[XyMetres; 2]>> = vec![Vec::new(); bands];
        for e in &all {
            let (lo, hi) = (e[0][1].min(e[1][1]), e[0][1].max(e[1][1]));
            for band in &mut per_band[band_of(lo)..=band_of(hi)] {
                band.push(*e);
            }
        }
        let mut band_start = Vec::with_capacity(bands + 1);
        let mut edges = Vec::new();
        for b in per_band {
            band_start.push(edges.len() as u32);
            edges.extend(b);
        }
        band_start.push(edges.len() as u32);
        Self {
            area,
            min_y: bbox[1],
            band_height: height,
            band_start,
            edges,
            bbox,
        }
    }

    #[inline]
    fn bbox_contains(&self, p: XyMetres) -> bool {
        p[0] >= self.bbox[0] && p[0] <= self.bbox[2] && p[1] >= self.bbox[1] && p[1] <= self.bbox[3]
    }

    #[inline]
    fn contains(&self, p: XyMetres) -> bool {
        let bands = self.band_start.len() - 1;
        let b = (((p[1] - self.min_y) / self.band_height) as usize).min(bands - 1);
        let (s, e) = (self.band_start[b] as usize, self.band_start[b + 1] as usize);
        let mut inside = false;
        for edge in &self.edges[s..e] {
            if crosses(edge[0], edge[1], p) {
                inside = !inside;
            }
        }
        inside
    }

    /// Smallest distance from `p` to any edge, in metres.
    fn distance_to_boundary(&self, p: XyMetres) -> f64 {
        self.edges
            .iter()
            .map(|[a, b]| point_segment_distance(p, *a, *b))
            .fold(f64::INFINITY, f64::min)
    }
}

/// An R-tree leaf: a polygon's bounding box and its index in `AreaIndex::polygons`. Kept small
/// so that the tree's nodes stay in cache.
type Leaf = GeomWithData<Rectangle<[f64; 2]>, u32>;

fn point_segment_distance(p: XyMetres, a: XyMetres, b: XyMetres) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - cx).powi(2) + (p[1] - cy).powi(2)).sqrt()
}

/// Answers "which areas contain this point?" for many points against many areas.
///
/// Areas are identified by their position in the list given to [`AreaIndex::new`]; keep
/// your own ids in a parallel vector. Areas may overlap (a point lies in a kommun and in a
/// DeSO); every containing area is reported.
#[derive(Debug)]
pub struct AreaIndex {
    tree: RTree<Leaf>,
    polygons: Vec<Prepared>,
    grid: Grid,
    areas: usize,
}

/// A uniform grid over all bounding boxes; cell `c` lists polygons
/// `entries[start[c]..start[c + 1]]`, or is [`CROWDED`].
#[derive(Debug)]
struct Grid {
    origin: XyMetres,
    cell_m: f64,
    nx: usize,
    ny: usize,
    start: Vec<u32>,
    entries: Vec<u32>,
}

/// A cell with more candidates than this asks the R-tree instead.
const CROWDED: usize = 48;
const CROWDED_MARK: u32 = u32::MAX;

impl Grid {
    fn new(polygons: &[Prepared]) -> Self {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in polygons {
            b = [
                b[0].min(p.bbox[0]),
                b[1].min(p.bbox[1]),
                b[2].max(p.bbox[2]),
                b[3].max(p.bbox[3]),
            ];
        }
        if polygons.is_empty() {
            b = [0.0, 0.0, 1.0, 1.0];
        }
        let (w, h) = ((b[2] - b[0]).max(1.0), (b[3] - b[1]).max(1.0));
        let target_cells = (polygons.len() * 4).clamp(1, 1 << 22) as f64;
        let cell_m = (w * h / target_cells).sqrt().max(1.0);
        let nx = ((w / cell_m).ceil() as usize).max(1);
        let ny = ((h / cell_m).ceil() as usize).max(1);
        let mut cells: Vec<Vec<u32>> = vec![Vec::new(); nx * ny];
        let clamp_x = |x: f64| (((x - b[0]) / cell_m) as usize).min(nx - 1);
        let clamp_y = |y: f64| (((y - b[1]) / cell_m) as usize).min(ny - 1);
        for (i, p) in polygons.iter().enumerate() {
            let (x0, x1) = (clamp_x(p.bbox[0]), clamp_x(p.bbox[2]));
            let (y0, y1) = (clamp_y(p.bbox[1]), clamp_y(p.bbox[3]));
            for y in y0..=y1 {
                for cell in &mut cells[y * nx + x0..=y * nx + x1] {
                    if cell.len() <= CROWDED {
                        cell.push(i as u32);
                    }
                }
            }
        }
        let mut start = Vec::with_capacity(cells.len() + 1);
        let mut entries = Vec::new();
        for c in cells {
            start.push(entries.len() as u32);
            if c.len() > CROWDED {
                entries.push(CROWDED_MARK);
            } else {
                entries.extend(c);
            }
        }
        start.push(entries.len() as u32);
        Self {
            origin: [b[0], b[1]],
            cell_m,
            nx,
            ny,
            start,
            entries,
        }
    }

    /// The candidates for `p`: `Some(list)`, or `None` when the cell is crowded or `p` is
    /// outside the grid (then `Some(&[])`).
    #[inline]
    fn candidates(&self, p: XyMetres) -> Option<&[u32]> {
        let fx = (p[0] - self.origin[0]) / self.cell_m;
        let fy = (p[1] - self.origin[1]) / self.cell_m;
        if !(fx >= 0.0 && fy >= 0.0) || fx >= self.nx as f64 || fy >= self.ny as f64 {
            return Some(&[]);
        }
        let c = fy as usize * self.nx + fx as usize;
        let list = &self.entries[self.start[c] as usize..self.start[c + 1] as usize];
        if list.first() == Some(&CROWDED_MARK) {
            None
        } else {
            Some(list)
        }
    }
}

impl AreaIndex {
    /// Builds the index. Geometries are assumed valid ([`MultiPolygon::validate`]).
    pub fn new<'a>(areas: impl IntoIterator<Item = &'a MultiPolygon>) -> Self {
        let mut prepared = Vec::new();
        let mut count = 0;
        for (i, mp) in areas.into_iter().enumerate() {
            count = i + 1;
            for poly in &mp.0 {
                let rings: Vec<&[XyMetres]> = poly.rings().collect();
                prepared.push(Prepared::new(i, &rings, poly.bbox()));
            }
        }
        let leaves = prepared
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let r = Rectangle::from_corners([p.bbox[0], p.bbox[1]], [p.bbox[2], p.bbox[3]]);
                Leaf::new(r, i as u32)
            })
            .collect();
        Self {
            tree: RTree::bulk_load(leaves),
            grid: Grid::new(&prepared),
            polygons: prepared,
            areas: count,
        }
    }

    /// How many areas the index was built from.
    pub fn len(&self) -> usize {
        self.areas
    }

    /// Whether the index holds no areas.
    pub fn is_empty(&self) -> bool {
        self.areas == 0
    }

    /// Calls `f` with the index of every area containing `p` (once per polygon part that holds
    /// it; parts of one multipolygon do not overlap in valid data). Does not allocate.
    #[inline]
    pub fn for_each_containing(&self, p: Sweref99Tm, mut f: impl FnMut(usize)) {
        let xy = [p.e, p.n];
        match self.grid.candidates(xy) {
            Some(list) => {
                for &i in list {
                    let cand = &self.polygons[i as usize];
                    if cand.bbox_contains(xy) && cand.contains(xy) {
                        f(cand.area);
                    }
                }
            }
            None => {
                for leaf in self.tree.locate_all_at_point(&xy) {
                    let cand = &self.polygons[leaf.data as usize];
                    if cand.contains(xy) {
                        f(cand.area);
                    }
                }
            }
        }
    }

    /// The indexes of all areas containing `p`, in ascending order.
    pub fn containing(&self, p: Sweref99Tm) -> Vec<usize> {
        let mut out = Vec::new();
        self.for_each_containing(p, |a| out.push(a));
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether any area contains `p`.
    pub fn contains(&self, p: Sweref99Tm) -> bool {
        let mut found = false;
        self.for_each_containing(p, |_| found = true);
        found
    }

    /// Whether `p` is inside an area or within `tolerance_m` metres of one's boundary. Use this
    /// against generalised boundaries, whose coastline can be a few hundred metres off.
    pub fn contains_within(&self, p: Sweref99Tm, tolerance_m: f64) -> bool {
        if self.contains(p) {
            return true;
        }
        let xy = [p.e, p.n];
        let env = AABB::from_corners(
            [xy[0] - tolerance_m, xy[1] - tolerance_m],
            [xy[0] + tolerance_m, xy[1] + tolerance_m],
        );
        self.tree
            .locate_in_envelope_intersecting(&env)
            .any(|leaf| self.polygons[leaf.data as usize].distance_to_boundary(xy) <= tolerance_m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::polygon::Polygon;

    /// A small deterministic generator, so the test needs no dependency.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Star-shaped irregular polygons on a grid, with a hole in every third one.
    fn stars(n: usize, seed: u64) -> Vec<MultiPolygon> {
        let mut rng = Lcg(seed);
        let mut out = Vec::new();
        for i in 0..n {
            let (cx, cy) = (
                600_000.0 + (i % 10) as f64 * 1000.0,
                6_600_000.0 + (i / 10) as f64 * 1000.0,
            );
            let k = 5 + (rng.next() * 40.0) as usize;
            let mut ring: Vec<XyMetres> = (0..k)
                .map(|j| {
                    let a = j as f64 / k as f64 * std::f64::consts::TAU;
                    let r = 200.0 + rng.next() * 500.0;
                    [cx + r * a.cos(), cy + r * a.sin()]
                })
                .collect();
            ring.push(ring[0]);
            let holes = if i % 3 == 0 {
                vec![vec![
                    [cx - 50.0, cy - 50.0],
                    [cx + 50.0, cy - 50.0],
                    [cx + 50.0, cy + 50.0],
                    [cx - 50.0, cy + 50.0],
                    [cx - 50.0, cy - 50.0],
                ]]
            } else {
                vec![]
            };
            out.push(MultiPolygon(vec![Polygon {
                exterior: ring,
                holes,
            }]));
        }
        out
    }

    #[test]
    fn the_index_agrees_with_the_naive_test() {
        let areas = stars(100, 7);
        let index = AreaIndex::new(&areas);
        assert_eq!(index.len(), 100);
        let mut rng = Lcg(99);
        let mut hits = 0;
        for _ in 0..20_000 {
            let p = Sweref99Tm {
                n: 6_599_000.0 + rng.next() * 12_000.0,
                e: 599_000.0 + rng.next() * 12_000.0,
            };
            let naive: Vec<usize> = areas
                .iter()
                .enumerate()
                .filter(|(_, a)| a.contains([p.e, p.n]))
                .map(|(i, _)| i)
                .collect();
            hits += naive.len();
            assert_eq!(index.containing(p), naive, "{p:?}");
        }
        assert!(hits > 1000, "the test must exercise hits, got {hits}");
    }

    #[test]
    fn crowded_cells_fall_back_to_the_rtree() {
        // 60 layers of the same 30 polygons: every grid cell is crowded.
        let layer = stars(30, 11);
        let areas: Vec<MultiPolygon> = (0..60).flat_map(|_| layer.clone()).collect();
        let index = AreaIndex::new(&areas);
        let mut rng = Lcg(5);
        for _ in 0..2_000 {
            let p = Sweref99Tm {
                n: 6_599_000.0 + rng.next() * 5_000.0,
                e: 599_000.0 + rng.next() * 12_000.0,
            };
            let naive: Vec<usize> = areas
                .iter()
                .enumerate()
                .filter(|(_, a)| a.contains([p.e, p.n]))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(index.containing(p), naive, "{p:?}");
        }
    }

    #[test]
    fn tolerance_reaches_just_outside() {
        let areas = stars(1, 3);
        let index = AreaIndex::new(&areas);
        let far = Sweref99Tm {
            n: 6_600_000.0,
            e: 610_000.0,
        };
        assert!(!index.contains(far));
        assert!(!index.contains_within(far, 500.0));
        assert!(index.contains_within(far, 20_000.0));
    }
}
