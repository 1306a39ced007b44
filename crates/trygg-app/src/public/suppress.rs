//! Small-count suppression of one month's table, with the complementary suppression that keeps
//! a suppressed number from being computed out of the published ones.
//!
//! The table is areas × groups with its margins: each area's total over the groups (the row
//! total), each group's total over the areas (the column total, "the kommun") and the grand
//! total. Every row and every column of this augmented table is one linear relation, *total =
//! sum of the parts*. The rule, applied until nothing changes:
//!
//! 1. **Primary**: every entry below `k` (zero included) is suppressed.
//! 2. **Lines**: in a line whose total is published, the suppressed parts are none, or at least
//!    two whose sum (which anyone can compute as total − published parts) is at least `k`;
//!    otherwise the smallest published part is suppressed too (the total itself when no part is
//!    left). In a line whose total is suppressed, at least one part is suppressed, or the total
//!    would be their sum.
//! 3. **Chains**: the suppressed entries are the edges of a bipartite graph between the lines of
//!    rows and of columns. An entry is computable from the published ones exactly when its edge
//!    is a bridge (it lies on no cycle: adding up the relations on one side of it leaves it
//!    alone). For each bridge, one more published entry is suppressed to close a cycle through
//!    it (the smallest that does, else the smallest in its row).
//!
//! The fixed point exists: with everything suppressed no line has a published total and the
//! complete bipartite graph (at least two rows and two columns) has no bridge.

/// One month's table: `rows` areas × `cols` groups, stored with the margins as a
/// `(rows + 1) × (cols + 1)` grid in row order; the last column holds the row totals, the last
/// row the column totals and the corner the grand total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    rows: usize,
    cols: usize,
    values: Vec<u32>,
}

impl Grid {
    /// The grid of `cells` (row order, `rows × cols`) with its margins added.
    pub fn new(rows: usize, cols: usize, cells: &[u32]) -> Self {
        assert_eq!(cells.len(), rows * cols, "rows × cols cells");
        let mut values = vec![0; (rows + 1) * (cols + 1)];
        for r in 0..rows {
            for c in 0..cols {
                let v = cells[r * cols + c];
                values[r * (cols + 1) + c] = v;
                values[r * (cols + 1) + cols] += v;
                values[rows * (cols + 1) + c] += v;
                values[rows * (cols + 1) + cols] += v;
            }
        }
        Self { rows, cols, values }
    }

    /// The entry at row `r` (`rows` = the column totals), column `c` (`cols` = the row totals).
    pub fn get(&self, r: usize, c: usize) -> u32 {
        self.values[self.index(r, c)]
    }

    fn index(&self, r: usize, c: usize) -> usize {
        r * (self.cols + 1) + c
    }

    /// Every line as (its parts, its total), by index into the grid: each row (the margin row
    /// included), then each column.
    pub fn lines(&self) -> Vec<(Vec<usize>, usize)> {
        let rows = (0..=self.rows).map(|r| {
            let parts = (0..self.cols).map(|c| self.index(r, c)).collect();
            (parts, self.index(r, self.cols))
        });
        let cols = (0..=self.cols).map(|c| {
            let parts = (0..self.rows).map(|r| self.index(r, c)).collect();
            (parts, self.index(self.rows, c))
        });
        rows.chain(cols).collect()
    }

    /// (row, column) of a grid index.
    pub fn position(&self, i: usize) -> (usize, usize) {
        (i / (self.cols + 1), i % (self.cols + 1))
    }

    /// How many entries the grid holds.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the grid is empty (it never is: the grand total is always there).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Which entries of `grid` are suppressed for threshold `k` (by grid index; see the module
/// documentation for the rule).
pub fn suppress(grid: &Grid, k: u32) -> Vec<bool> {
    let mut hidden: Vec<bool> = grid.values.iter().map(|&v| v < k).collect();
    if grid.rows == 0 || grid.cols == 0 {
        return vec![true; grid.len()];
    }
    let lines = grid.lines();
    loop {
        let mut changed = false;
        for (parts, total) in &lines {
            changed |= fix_line(grid, &mut hidden, parts, *total, k);
        }
        if !changed {
            changed = close_a_bridge(grid, &mut hidden);
        }
        if !changed {
            return hidden;
        }
    }
}

/// Applies rule 2 to one line; whether it suppressed anything.
fn fix_line(grid: &Grid, hidden: &mut [bool], parts: &[usize], total: usize, k: u32) -> bool {
    let suppressed: Vec<usize> = parts.iter().copied().filter(|&i| hidden[i]).collect();
    let sum: u32 = suppressed.iter().map(|&i| grid.values[i]).sum();
    let safe = if hidden[total] {
        !suppressed.is_empty()
    } else {
        suppressed.is_empty() || (suppressed.len() >= 2 && sum >= k)
    };
    if safe {
        return false;
    }
    let next = smallest_published(grid, hidden, parts.iter().copied());
    hidden[next.unwrap_or(total)] = true;
    true
}

/// The published entry with the smallest value among `candidates` (the first of equals).
fn smallest_published(
    grid: &Grid,
    hidden: &[bool],
    candidates: impl Iterator<Item = usize>,
) -> Option<usize> {
    candidates
        .filter(|&i| !hidden[i])
        .min_by_key(|&i| grid.values[i])
}

/// The graph's nodes: rows `0..=rows`, then columns as `rows + 1 + c`.
fn ends(grid: &Grid, i: usize) -> (usize, usize) {
    let (r, c) = grid.position(i);
    (r, grid.rows + 1 + c)
}

/// Whether `from` reaches `to` over the suppressed entries, leaving out entry `without`.
fn connected(grid: &Grid, hidden: &[bool], without: usize, from: usize, to: usize) -> bool {
    let nodes = grid.rows + grid.cols + 2;
    let mut adjacent = vec![Vec::new(); nodes];
    for (i, _) in hidden
        .iter()
        .enumerate()
        .filter(|&(i, &h)| h && i != without)
    {
        let (a, b) = ends(grid, i);
        adjacent[a].push(b);
        adjacent[b].push(a);
    }
    let mut seen = vec![false; nodes];
    let mut stack = vec![from];
    seen[from] = true;
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        for &m in &adjacent[n] {
            if !seen[m] {
                seen[m] = true;
                stack.push(m);
            }
        }
    }
    false
}

/// The suppressed entries that the published ones determine (the bridges of the graph).
pub fn computable(grid: &Grid, hidden: &[bool]) -> Vec<usize> {
    (0..grid.len())
        .filter(|&i| hidden[i])
        .filter(|&i| {
            let (a, b) = ends(grid, i);
            !connected(grid, hidden, i, a, b)
        })
        .collect()
}

/// Applies rule 3 to the first bridge; whether there was one.
fn close_a_bridge(grid: &Grid, hidden: &mut [bool]) -> bool {
    let Some(&bridge) = computable(grid, hidden).first() else {
        return false;
    };
    let (r, c) = grid.position(bridge);
    let (row_node, col_node) = ends(grid, bridge);
    let in_row = (0..=grid.cols).map(|c2| grid.index(r, c2));
    let in_col = (0..=grid.rows).map(|r2| grid.index(r2, c));
    // An entry (r, c2) closes a cycle when column c2 already reaches column c without the bridge,
    // and (r2, c) when row r2 reaches row r.
    let closing = in_row
        .clone()
        .filter(|&i| {
            let (_, other) = ends(grid, i);
            connected(grid, hidden, bridge, other, col_node)
        })
        .chain(in_col.filter(|&i| {
            let (other, _) = ends(grid, i);
            connected(grid, hidden, bridge, other, row_node)
        }));
    let next = smallest_published(grid, hidden, closing)
        .or_else(|| smallest_published(grid, hidden, in_row))
        .or_else(|| smallest_published(grid, hidden, 0..grid.len()));
    match next {
        Some(i) => {
            hidden[i] = true;
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published(g: &Grid, hidden: &[bool]) -> Vec<Option<u32>> {
        (0..g.len())
            .map(|i| (!hidden[i]).then(|| g.values[i]))
            .collect()
    }

    #[test]
    fn margins_are_the_sums() {
        let g = Grid::new(2, 3, &[1, 2, 3, 4, 5, 6]);
        assert_eq!(g.get(0, 3), 6);
        assert_eq!(g.get(1, 3), 15);
        assert_eq!(g.get(2, 0), 5);
        assert_eq!(g.get(2, 3), 21);
    }

    #[test]
    fn nothing_small_nothing_suppressed() {
        let g = Grid::new(2, 2, &[10, 20, 30, 40]);
        assert!(suppress(&g, 5).iter().all(|h| !h));
    }

    #[test]
    fn one_small_cell_takes_others_with_it() {
        // Area 0: 2 in group 0 alone would be its total (32) minus 30.
        let g = Grid::new(2, 2, &[2, 30, 40, 50]);
        let hidden = suppress(&g, 5);
        let p = published(&g, &hidden);
        assert_eq!(p[g.index(0, 0)], None);
        assert!(computable(&g, &hidden).is_empty(), "{p:?}");
        for (parts, total) in g.lines() {
            if hidden[total] {
                continue;
            }
            let s: Vec<_> = parts.iter().filter(|&&i| hidden[i]).collect();
            let sum: u32 = s.iter().map(|&&i| g.values[i]).sum();
            assert!(s.is_empty() || (s.len() >= 2 && sum >= 5), "{p:?}");
        }
    }

    #[test]
    fn two_small_cells_whose_sum_is_small_are_not_enough() {
        // 1 + 2 = 3 < 5 would be learnt from the row total 53.
        let g = Grid::new(2, 3, &[1, 2, 50, 30, 30, 30]);
        let hidden = suppress(&g, 5);
        let row: Vec<usize> = (0..3).filter(|&c| hidden[g.index(0, c)]).collect();
        let sum: u32 = row.iter().map(|&c| g.get(0, c)).sum();
        assert!(hidden[g.index(0, 3)] || (row.len() >= 2 && sum >= 5));
        assert!(computable(&g, &hidden).is_empty());
    }

    #[test]
    fn zeros_are_suppressed_like_small_counts() {
        let g = Grid::new(2, 2, &[0, 0, 0, 0]);
        assert!(suppress(&g, 5).iter().all(|&h| h));
    }

    #[test]
    fn a_single_area_or_group_is_its_own_total() {
        let g = Grid::new(1, 1, &[7]);
        assert!(suppress(&g, 5).iter().all(|&h| !h));
        let g = Grid::new(1, 1, &[3]);
        assert!(suppress(&g, 5).iter().all(|&h| h));
        let g = Grid::new(3, 1, &[3, 10, 12]);
        let hidden = suppress(&g, 5);
        assert!(hidden[g.index(0, 0)] && hidden[g.index(0, 1)]);
        assert!(computable(&g, &hidden).is_empty());
    }
}
