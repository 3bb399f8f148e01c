"""Benchmark the market cube: full build, refresh after one new day, and every CLI view.

Synthetic estimates (products × days, one market, a 3-level tree of 400 leaf categories) are
generated directly in DuckDB through Ibis, so the figures measure the cube, not the estimator.

    nice python bench/cube.py --size 100000x365 1000000x42 --repeat 3

For each size (products x days) it prints: rows of estimates, full build seconds (every day but
the last), refresh seconds after the last day arrives and its ratio to the full build (same
process), and the median wall and CPU seconds of each view's Python API call, with the top views
also timed reading every product (``fast=False``) as the baseline in the same process (the CLI
adds its process start-up on top, printed once at the end).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import ibis
import pyarrow as pa

from shopradar.cube import (
    CubeFilter,
    build_cube,
    channels_view,
    market_view,
    prices_view,
    refresh_cube,
    top_view,
)
from shopradar.cube.build import _insert
from shopradar.warehouse import Warehouse

START = date(2025, 1, 1)


def _categories() -> pa.Table:
    ids, parents, levels, en = [], [], [], []
    for a in range(20):
        ids.append(f"b{a:02d}"), parents.append(None), levels.append(1), en.append(f"Top {a}")
        for b in range(5):
            ids.append(f"b{a:02d}{b}"), parents.append(f"b{a:02d}"), levels.append(2), en.append(f"Mid {a}.{b}")
            for c in range(4):
                ids.append(f"b{a:02d}{b}{c}"), parents.append(f"b{a:02d}{b}"), levels.append(3)
                en.append(f"Leaf {a}.{b}.{c}")
    return pa.table({"category_id": ids, "parent_id": parents, "level": levels, "name_en": en,
                     "name_zh": [f"类目{x}" for x in en]})


def fill(wh: Warehouse, n: int, days: int) -> int:
    cats = _categories()
    leaves = [c for c, lv in zip(cats.column("category_id").to_pylist(), cats.column("level").to_pylist(),
                                 strict=True) if lv == 3]
    wh.insert("market", pa.table({"code": ["US"], "currency": ["USD"], "time_zone": ["America/New_York"]}))
    wh.insert("category", cats)
    shops = max(n // 20, 1)
    wh.insert("shop", pa.table({"shop_id": [f"s{i}" for i in range(shops)], "market": ["US"] * shops,
                                "name": [f"Shop {i}" for i in range(shops)], "is_own": [i == 0 for i in range(shops)]}))
    # power-law-ish shop sizes: product i goes to shop floor(shops * u^2)
    pid = [f"p{i}" for i in range(n)]
    wh.insert("product", pa.table({
        "product_id": pid, "market": ["US"] * n,
        "shop_id": [f"s{int(shops * ((i * 0.6180339887) % 1) ** 2)}" for i in range(n)],
        "category_id": [leaves[(i * 7) % len(leaves)] for i in range(n)], "title": pid, "currency": ["USD"] * n}))
    nc = max(n // 10, 1)
    wh.insert("creator", pa.table({"creator_id": [f"c{i}" for i in range(nc)], "market": ["US"] * nc,
                                   "creator_type": ["affiliate"] * nc}))
    p = ibis.memtable(pa.table({"pidx": pa.array(range(n), pa.int64()), "product_id": pid}))
    # insert a few days at a time (each chunk sorted by date, product): no sort of the whole year
    chunk = max(1, 20_000_000 // n)
    for d0 in range(0, days, chunk):
        d = ibis.memtable(pa.table({"didx": pa.array(range(d0, min(days, d0 + chunk)), pa.int64()),
                                    "date": [START + timedelta(days=i) for i in range(d0, min(days, d0 + chunk))]}))
        _fill_days(wh, p.cross_join(d))
    _fill_content(wh, n, days, nc)
    return n * days


def _fill_days(wh: Warehouse, j: ibis.Table) -> None:
    h = (j.pidx * 7919 + j.didx * 104729 + j.pidx * j.didx) % 17
    units = ibis.ifelse(h < 6, 0, (h - 5) * (1 + j.pidx % 4)).cast("float64")
    price = ((j.pidx % 97) + 3).cast("decimal(18,4)")
    gmv = units.cast("decimal(18,4)") * price
    est = j.select(product_id=j.product_id, market=ibis.literal("US"), date=j.date, currency=ibis.literal("USD"),
                   units=units, units_lower=units * 0.8, units_upper=units * 1.3, gmv_local=gmv,
                   gmv_lower=gmv * ibis.literal(0.8).cast("decimal(4,2)"),
                   gmv_upper=gmv * ibis.literal(1.3).cast("decimal(4,2)"), gmv_usd=gmv,
                   gmv_usd_lower=gmv * ibis.literal(0.8).cast("decimal(4,2)"),
                   gmv_usd_upper=gmv * ibis.literal(1.3).cast("decimal(4,2)"),
                   units_video=units * 0.3, units_live=units * 0.2, units_card=units * 0.5,
                   channel_basis=ibis.literal("category_mix"), method=ibis.literal("bench"))
    _insert(wh, "product_daily_sales", est.order_by(["date", "product_id"]))


def _fill_content(wh: Warehouse, n: int, days: int, nc: int) -> None:
    # short videos: one per 5 products, 6 observations each through the year
    nv = max(n // 5, 1)
    vid = [f"v{i}" for i in range(nv)]
    wh.insert("video", pa.table({"video_id": vid, "market": ["US"] * nv,
                                 "creator_id": [f"c{i % nc}" for i in range(nv)],
                                 "product_id": [f"p{(i * 5) % n}" for i in range(nv)],
                                 "is_affiliate": [i % 4 != 0 for i in range(nv)]}))
    obs_v, obs_t, obs_s = [], [], []
    for i in range(nv):
        for k in range(6):
            obs_v.append(vid[i])
            obs_t.append(datetime(2025, 1, 1) + timedelta(days=(i * 13 + k * 50) % days, hours=12))
            obs_s.append(k * (1 + i % 50))
    wh.insert("video_snapshot", pa.table({"video_id": obs_v, "observed_at": obs_t, "sold_lower": obs_s,
                                          "sold_upper": obs_s}))


def _cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _median(fn, repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (all threads of this process) of ``fn``."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(_cpu() - c0)
    return statistics.median(wall), statistics.median(cpu)


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fast_nodes(wh: Warehouse, what: str, f: CubeFilter) -> str:
    """How many of the selected categories the pre-ranked path answered (the rest: full scan)."""
    from shopradar.cube.filters import resolve
    from shopradar.cube.top import _fast_candidates

    sel = resolve(wh, f)
    return f"{len(_fast_candidates(wh, sel, what, 10)[2])}/{len(sel.nodes)}"


def run_size(n: int, days: int, repeat: int, folder: Path, memory_limit: str | None, rebuild: bool,
             reuse: bool = False) -> dict:
    path = folder / f"bench_{n}_{days}.duckdb"
    if reuse and path.exists():  # views only, on the warehouse and cube a previous run left
        wh = Warehouse.open(path, memory_limit=memory_limit)
        return _views(wh, n, days, repeat, path, {"rows": n * days})
    for f in (path, path.with_name(path.name + ".wal")):
        if f.exists():
            f.unlink()
    wh = Warehouse.open(path, memory_limit=memory_limit)
    t0 = time.perf_counter()
    rows = fill(wh, n, days)
    gen = time.perf_counter() - t0
    last = START + timedelta(days=days - 1)
    # cube over all days but the last (the "full build"), then the last day arrives (refresh)
    s = wh.table("product_daily_sales")
    held = s.filter(s.date == last).to_pyarrow()
    wh.delete_where("product_daily_sales", s.date == last)
    t0, c0 = time.perf_counter(), _cpu()
    build_cube(wh)
    full_s, full_cpu = time.perf_counter() - t0, _cpu() - c0
    wh.insert("product_daily_sales", held)
    t0, c0 = time.perf_counter(), _cpu()
    rep = refresh_cube(wh)
    refresh_s, refresh_cpu = time.perf_counter() - t0, _cpu() - c0
    assert rep.days_added == 1, rep
    if rebuild:  # a full build over every day, as a check of the first one
        t0, c0 = time.perf_counter(), _cpu()
        build_cube(wh)
        full_s, full_cpu = time.perf_counter() - t0, _cpu() - c0
    return _views(wh, n, days, repeat, path, {
        "rows": rows, "generate_s": gen, "full_build_s": full_s, "full_build_cpu_s": full_cpu,
        "refresh_one_day_s": refresh_s, "refresh_one_day_cpu_s": refresh_cpu, "refresh_ratio": refresh_s / full_s,
        "refresh_ratio_cpu": refresh_cpu / full_cpu})


def _views(wh: Warehouse, n: int, days: int, repeat: int, path: Path, figures: dict) -> dict:
    last = START + timedelta(days=days - 1)
    month = CubeFilter(market="US", date_from=last.replace(day=1), date_to=last)
    day30 = CubeFilter(market="US", category="b05", period="day", date_from=last - timedelta(days=29), date_to=last)
    views = {
        "market (level 1, all months)": lambda: market_view(wh, CubeFilter(market="US")),
        "market (one leaf, by day)": lambda: market_view(wh, CubeFilter(market="US", category="b051",
                                                                        period="day")),
        "market (level 3, by week)": lambda: market_view(wh, CubeFilter(market="US", level=3, period="week")),
        "top shops (last month)": lambda: top_view(wh, "shops", month),
        "top products (last month)": lambda: top_view(wh, "products", month),
        "top products (whole span, level 2)": lambda: top_view(wh, "products", CubeFilter(market="US", level=2)),
        "top products (one L1, 30 days by day)": lambda: top_view(wh, "products", day30),
        "top creators (last month)": lambda: top_view(wh, "creators", month),
        "prices (last month)": lambda: prices_view(wh, month),
        "prices quantile (whole span)": lambda: prices_view(wh, CubeFilter(market="US"), mode="quantile"),
        "channels (level 1, all months)": lambda: channels_view(wh, CubeFilter(market="US")),
        # baseline in the same process: the same top views reading every product
        "BASELINE top shops (last month), full scan": lambda: top_view(wh, "shops", month, fast=False),
        "BASELINE top products (last month), full scan": lambda: top_view(wh, "products", month, fast=False),
        "BASELINE top products (30 days by day), full scan": lambda: top_view(wh, "products", day30, fast=False),
    }
    timings = {k: _median(v, repeat) for k, v in views.items()}
    fast = {"top shops (last month)": _fast_nodes(wh, "shops", month),
            "top products (last month)": _fast_nodes(wh, "products", month),
            "top products (whole span, level 2)": _fast_nodes(wh, "products", CubeFilter(market="US", level=2)),
            "top products (one L1, 30 days by day)": _fast_nodes(wh, "products", day30)}
    wh.close()
    size_mb = path.stat().st_size / 1e6
    return {"products": n, "days": days, **figures,
            "views_s": {k: v[0] for k, v in timings.items()}, "views_cpu_s": {k: v[1] for k, v in timings.items()},
            "fast_nodes": fast, "db_mb": size_mb, "peak_rss_mb": _rss_mb(), "path": str(path)}


def cli_startup(db: Path) -> float:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "shopradar", "market", "--db", str(db), "-m", "US", "-f", "csv"],
                       capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", nargs="+", default=["20000x365"],
                    help="products x days, e.g. 100000x365 1000000x42")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--folder", default=None)
    ap.add_argument("--memory-limit", default="6GB")
    ap.add_argument("--rebuild", action="store_true", help="time a second full build over every day")
    ap.add_argument("--reuse", action="store_true", help="views only, on a warehouse a run left in --folder")
    a = ap.parse_args()
    folder = Path(a.folder or tempfile.mkdtemp(prefix="cube_bench_"))
    folder.mkdir(parents=True, exist_ok=True)
    last_db = None
    for size in a.size:
        n, days = (int(x) for x in size.lower().split("x"))
        r = run_size(n, days, a.repeat, folder, a.memory_limit, a.rebuild, a.reuse)
        last_db = Path(r["path"])
        print(f"\n== {n:,} products × {days} days = {r['rows']:,} estimate rows (db {r['db_mb']:.0f} MB, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB)")
        if "full_build_s" in r:
            print(f"generated in {r['generate_s']:.0f} s")
            print(f"full build      {r['full_build_s']:8.2f} s wall {r['full_build_cpu_s']:8.2f} s CPU "
                  f"({r['rows'] / r['full_build_s']:,.0f} rows/s)")
            print(f"refresh +1 day  {r['refresh_one_day_s']:8.2f} s wall {r['refresh_one_day_cpu_s']:8.2f} s CPU  "
                  f"ratio to full build {r['refresh_ratio']:.3f} wall, {r['refresh_ratio_cpu']:.3f} CPU")
        for k, v in r["views_s"].items():
            extra = f"  pre-ranked categories {r['fast_nodes'][k]}" if k in r["fast_nodes"] else ""
            print(f"  {k:50s} {v:7.3f} s wall {r['views_cpu_s'][k]:7.3f} s CPU (median of {a.repeat}){extra}")
        print(json.dumps(r, default=str))
        sys.stdout.flush()
        if not a.folder and size != a.size[-1]:
            os.unlink(r["path"])
    if last_db is not None:
        print(f"\nCLI process (python -m shopradar market -f csv), median of 3: {cli_startup(last_db):.2f} s")
    if not a.folder:
        for p in folder.glob("*"):
            if p.is_file():
                os.unlink(p)


if __name__ == "__main__":
    main()
