"""Speed of ``estimate`` on synthetic snapshots, beside a straightforward pandas groupby-diff baseline.

Generates ``--rows`` product-snapshot rows (products crawled about daily at jittered hours, ~5%
of crawls missed, counters exact below 1,000 and rounded like "12.3K" above, a few price
changes), runs ``estimate(full=True)`` and reports rows/s and peak RSS; then runs the pandas
baseline (read, sort, diff per product, spread over local days, price, FX, sum per product-day,
write back) in the same process on the same table.

    python bench/estimate.py --rows 10000000
    nice python bench/estimate.py --rows 100000000 --no-baseline --memory-limit 8GB
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import shutil
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa

from shopradar.estimate import estimate
from shopradar.warehouse import Warehouse

DAY = 86_400


class PeakRSS:
    """Samples this process's resident memory every 50 ms while active."""

    def __init__(self) -> None:
        self.proc = psutil.Process(os.getpid())
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> PeakRSS:
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def rounded(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floor-rounded display bounds like "12.3K" (exact below 1,000)."""
    step = np.where(c < 1_000, 1, np.where(c < 100_000, 100, np.where(c < 1_000_000, 1_000, 100_000)))
    lo = (c // step) * step
    return lo, lo + step - 1


def generate(wh: Warehouse, rows: int, days: int, seed: int, chunk_products: int = 20_000) -> int:
    """Write about ``rows`` snapshot rows; returns the number written."""
    rng = np.random.default_rng(seed)
    products = max(1, int(rows / (days * 0.95)))
    start = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    wh.insert("market", pa.table({"code": ["US"], "currency": ["USD"], "time_zone": ["America/Los_Angeles"]}))
    dates = pd.date_range("2024-12-01", periods=days + 90, freq="D").date
    wh.insert("fx_rate", pa.table({"date": dates, "currency": ["USD"] * len(dates),
                                   "usd_per_unit": [Decimal(1)] * len(dates), "source": ["bench"] * len(dates)}))
    written = 0
    for a in range(0, products, chunk_products):
        n = min(chunk_products, products - a)
        rate = rng.lognormal(1.0, 1.5, n)
        base = rng.integers(0, 50_000, n)
        slot = rng.uniform(0, 24, n)
        price = np.round(rng.lognormal(2.5, 0.7, n), 2)
        daily = rng.poisson(rate[:, None], (n, days))
        cum = base[:, None] + np.cumsum(daily, axis=1)
        keep = rng.random((n, days)) >= 0.05
        r, d = np.nonzero(keep)
        hour = np.clip(slot[r] + rng.normal(0, 2, len(r)), 0, 23.99)
        ts = start + d.astype(np.int64) * DAY + (hour * 3600).astype(np.int64)
        c = cum[r, d]
        lo, hi = rounded(c)
        promo = (d // 30) % 4 == 3
        p = np.where(promo, price[r] * 0.8, price[r])
        pids = np.char.add("b", (a + r).astype(str))
        tbl = pa.table({
            "product_id": pa.array(pids, pa.string()),
            "market": pa.array(np.full(len(r), "US"), pa.string()),
            "observed_at": pa.array(ts.astype("datetime64[s]"), pa.timestamp("us")),
            "price": pa.array(np.round(p, 2), pa.float64()).cast(pa.decimal128(18, 4)),
            "currency": pa.array(np.full(len(r), "USD"), pa.string()),
            "sold_lower": pa.array(lo, pa.int64()), "sold_upper": pa.array(hi, pa.int64()),
            "status": pa.array(np.full(len(r), "active"), pa.string()),
            "source": pa.array(np.full(len(r), "bench"), pa.string()),
        })
        wh.insert("product_snapshot", tbl)
        written += len(r)
    return written


def pandas_baseline(wh: Warehouse) -> int:
    """The same computation in plain pandas: sort, diff per product, spread over days, price, FX, sum."""
    snaps = wh.table("product_snapshot").select(
        "product_id", "observed_at", "sold_lower", "sold_upper", "price", "currency").to_pandas()
    tz = dict(wh.table("market").select("code", "time_zone").to_pandas().itertuples(index=False))
    fx = wh.table("fx_rate").to_pandas()
    snaps = snaps.sort_values(["product_id", "observed_at"])
    local = snaps.observed_at.dt.tz_localize("UTC").dt.tz_convert(tz["US"]).dt.tz_localize(None)
    snaps["x"] = (local - pd.Timestamp("1970-01-01")).dt.total_seconds()
    snaps["c"] = (snaps.sold_lower + snaps.sold_upper) / 2.0
    snaps["p"] = snaps.price.astype(float)
    g = snaps.groupby("product_id", sort=False)
    snaps["x0"] = g.x.shift()
    snaps["c0"] = g.c.shift()
    snaps["p0"] = g.p.shift()
    iv = snaps.dropna(subset=["x0"]).copy()
    iv["u"] = (iv.c - iv.c0).clip(lower=0)
    iv["d0"] = (iv.x0 // DAY).astype(np.int64)
    iv["d1"] = np.maximum(np.ceil(iv.x / DAY).astype(np.int64) - 1, iv.d0)
    iv["n"] = iv.d1 - iv.d0 + 1
    rep = iv.loc[iv.index.repeat(iv.n)].copy()
    rep["d"] = rep.d0 + rep.groupby(level=0).cumcount()
    start = np.maximum(rep.x0, rep.d * DAY)
    end = np.minimum(rep.x, (rep.d + 1) * DAY)
    span = (rep.x - rep.x0).replace(0, np.nan)
    rep["units"] = rep.u * ((end - start) / span).fillna(1.0)
    rep["gmv"] = rep.units * (rep.p0 + rep.p) / 2.0
    out = rep.groupby(["product_id", "d"], as_index=False)[["units", "gmv"]].sum()
    out["date"] = pd.to_datetime(out.d * DAY, unit="s").dt.date
    fx["date"] = pd.to_datetime(fx.date).dt.date
    out = out.merge(fx[["date", "usd_per_unit"]], on="date", how="left")
    out["gmv_usd"] = out.gmv * out.usd_per_unit.astype(float)
    wh.insert("product_daily_sales", out[["product_id", "date", "units", "gmv_usd"]].rename(
        columns={}).assign(gmv_local=out.gmv, run_id="pandas-baseline"))
    return len(snaps)


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="bench_estimate_")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the generated warehouse (≈ 0.8 GB at 10^7 rows)


def run(tmp: str) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=float, default=1e7)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit (it spills to disk beyond it)")
    ap.add_argument("--db", default=None, help="reuse this warehouse file (generated if missing)")
    args = ap.parse_args()
    path = Path(args.db) if args.db else Path(tmp) / "bench.duckdb"
    existed = path.exists()
    with Warehouse.open(path, memory_limit=args.memory_limit) as wh:
        if not existed or wh.count("product_snapshot") == 0:
            t = time.perf_counter()
            n = generate(wh, int(args.rows), args.days, args.seed)
            print(f"generated {n:,} snapshot rows in {time.perf_counter() - t:.1f} s", flush=True)
        n = wh.count("product_snapshot")
        gc.collect()
        marks: list[tuple[str, float, float]] = []

        def progress(step: str, done: int, total: int) -> None:
            marks.append((step.rsplit(".", 1)[-1], time.perf_counter(), time.process_time()))

        with PeakRSS() as mem:
            t, c = time.perf_counter(), time.process_time()
            s = estimate(wh, full=True, progress=progress)
            secs, cpu = time.perf_counter() - t, time.process_time() - c
        print("steps (wall s / CPU s): " + ", ".join(
            f"{a[0]} {b[1] - a[1]:.1f}/{b[2] - a[2]:.1f}" for a, b in itertools.pairwise(marks)))
        ours = n / secs
        print(f"shopradar estimate: {n:,} rows in {secs:.1f} s (CPU {cpu:.1f} s) = {ours / 1e6:.2f} M rows/s; "
              f"peak RSS {mem.peak / 2**30:.2f} GiB (+{(mem.peak - mem.base) / 2**30:.2f} GiB); "
              f"{s.days_written:,} product-days", flush=True)
        if not args.no_baseline:
            gc.collect()
            with PeakRSS() as mem_b:
                t, c = time.perf_counter(), time.process_time()
                pandas_baseline(wh)
                secs_b, cpu_b = time.perf_counter() - t, time.process_time() - c
            base = n / secs_b
            print(f"pandas baseline:    {n:,} rows in {secs_b:.1f} s (CPU {cpu_b:.1f} s) = {base / 1e6:.2f} M rows/s; "
                  f"peak RSS {mem_b.peak / 2**30:.2f} GiB (+{(mem_b.peak - mem_b.base) / 2**30:.2f} GiB)")
            print(f"ratio: {ours / base:.1f}× the pandas baseline (wall time); {cpu_b / cpu:.1f}× in CPU time")


if __name__ == "__main__":
    main()
