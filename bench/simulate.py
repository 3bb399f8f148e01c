"""Benchmark the simulator: snapshot rows per second and peak memory, to Parquet and to the warehouse.

    python bench/simulate.py --rows 10000000 --to parquet
    python bench/simulate.py --rows 10000000 --to warehouse
    nice python bench/simulate.py --rows 100000000 --to parquet --no-baseline

A baseline run at a tenth of the size goes first in the same process; the figures of the
big run are printed beside it, with their ratio (throughput should hold, memory should not
grow with the size: the simulator streams in chunks). Peak RSS is sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import math
import shutil
import tempfile
import threading
import time
from pathlib import Path

import psutil

from shopradar.sources.simulate import SimConfig, preset, simulate, simulate_to_parquet
from shopradar.warehouse import Warehouse

MARKETS = ("US", "GB", "ID")
SNAPSHOTS_PER_PRODUCT_DAY = 0.6  # launches during the year, exits, discovery lag, missed crawls


class PeakRSS:
    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.05)

    def __enter__(self) -> PeakRSS:
        self.peak = self.proc.memory_info().rss
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def config_for(rows: int, markets: tuple[str, ...], seed: int) -> SimConfig:
    per_market = math.ceil(rows / (len(markets) * 365 * SNAPSHOTS_PER_PRODUCT_DAY))
    return preset("bench", markets=markets, products=per_market, shops=max(1, per_market // 6), seed=seed)


def run(rows: int, to: str, workdir: Path, markets: tuple[str, ...], seed: int,
        memory_limit: str | None = None) -> dict[str, float]:
    cfg = config_for(rows, markets, seed)
    target = workdir / f"run-{rows}"
    t0 = time.perf_counter()
    with PeakRSS() as mem:
        if to == "parquet":
            summary = simulate_to_parquet(cfg, target)
        else:
            with Warehouse.open(target.with_suffix(".duckdb"), memory_limit=memory_limit) as wh:
                summary = simulate(wh, cfg)
    secs = time.perf_counter() - t0
    snaps = summary.rows.get("product_snapshot", 0)
    total = summary.total_rows
    size = sum(p.stat().st_size for p in workdir.rglob("*") if p.is_file())
    shutil.rmtree(target, ignore_errors=True)
    target.with_suffix(".duckdb").unlink(missing_ok=True)
    target.with_suffix(".duckdb.wal").unlink(missing_ok=True)
    return {"products": cfg.products * len(markets), "snapshots": snaps, "all_rows": total, "seconds": secs,
            "snap_per_s": snaps / secs, "rows_per_s": total / secs, "peak_rss_mb": mem.peak / 2**20,
            "disk_mb": size / 2**20}


def show(name: str, r: dict[str, float]) -> None:
    print(f"{name:>9}: {r['products']:,} products, {r['snapshots']:,} product snapshots ({r['all_rows']:,} rows in "
          f"all tables) in {r['seconds']:.1f} s = {r['snap_per_s']:,.0f} snapshots/s, {r['rows_per_s']:,.0f} rows/s; "
          f"peak RSS {r['peak_rss_mb']:,.0f} MiB; output {r['disk_mb']:,.0f} MiB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="target number of product snapshot rows")
    ap.add_argument("--to", choices=("parquet", "warehouse"), default="parquet")
    ap.add_argument("--markets", default=",".join(MARKETS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true", help="skip the baseline run at a tenth of the size")
    ap.add_argument("--memory-limit", default=None, help="DuckDB memory_limit for --to warehouse, e.g. 1GB")
    ap.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    args = ap.parse_args()
    markets = tuple(args.markets.split(","))
    workdir = Path(tempfile.mkdtemp(prefix="simbench-", dir=args.dir))
    try:
        limit = f", DuckDB memory_limit {args.memory_limit}" if args.memory_limit and args.to == "warehouse" else ""
        print(f"simulate → {args.to}{limit}, markets {','.join(markets)}, 365 days; cpu count {psutil.cpu_count()}")
        base = None
        if not args.no_baseline:
            base = run(args.rows // 10, args.to, workdir, markets, args.seed, args.memory_limit)
            show("baseline", base)
        big = run(args.rows, args.to, workdir, markets, args.seed, args.memory_limit)
        show("target", big)
        if base:
            speed = big["snap_per_s"] / base["snap_per_s"]
            mem = big["peak_rss_mb"] / base["peak_rss_mb"]
            print(f"    ratio: throughput ×{speed:.2f} of baseline, peak RSS ×{mem:.2f} "
                  f"for ×{big['snapshots'] / base['snapshots']:.1f} rows")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
