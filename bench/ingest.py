"""Ingest throughput: a generated snapshot CSV (and XLSX) through `ingest`, beside a naive baseline.

    python bench/ingest.py --rows 10000000 --baseline-rows 100000 --xlsx-rows 100000

Prints rows/s and peak RSS for: shopradar ingest of the CSV (generic-snapshots layout: id, market,
time, "$12.34", "1.2K sold", rating), the baseline (pandas read_csv + one INSERT per row through
DuckDB, on --baseline-rows rows of the same file, extrapolated as rows/s), and ingest of an XLSX.
The ratio is ingest rows/s ÷ baseline rows/s, both measured in this process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_csv(path: Path, rows: int) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    chunk = 1_000_000
    with pacsv.CSVWriter(path, pa.schema([(n, pa.string()) for n in
                                          ("product_id", "market", "observed_at", "price", "sold", "rating")])) as w:
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            idx = pa.array(range(start, start + n), pa.int64())
            ids = pc.cast(pc.add(idx, 1_729_000_000_000_000_000), pa.string())
            price = pc.binary_join_element_wise("$", pc.cast(pc.add(pc.remainder(idx, 9000), 100), pa.string()),
                                                ".99", "")
            sold = pc.binary_join_element_wise(pc.cast(pc.remainder(idx, 97), pa.string()), ".2K sold", "")
            w.write_table(pa.table({
                "product_id": ids, "market": pa.array(["US"] * n),
                "observed_at": pa.array(["2026-08-20 10:00:00"] * n),
                "price": price, "sold": sold, "rating": pa.array(["4.5"] * n)}))


def bench_ingest(path: Path, db: Path) -> tuple[int, float, float]:
    from shopradar.ingest import ingest
    from shopradar.warehouse import Warehouse

    with Warehouse.open(db) as wh:
        t0 = time.perf_counter()
        [res] = ingest(wh, [path])
        dt = time.perf_counter() - t0
        assert res.balanced and res.quarantined == 0, res
        return res.loaded, dt, _rss_mb()


def bench_baseline(path: Path, rows: int, db: Path) -> tuple[int, float]:
    import duckdb
    import pandas as pd

    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE snap (product_id VARCHAR, market VARCHAR, observed_at TIMESTAMP, price DECIMAL(18,4),"
                " sold_lower BIGINT, rating DOUBLE)")
    t0 = time.perf_counter()
    df = pd.read_csv(path, nrows=rows, dtype=str)
    con.execute("BEGIN")
    for rec in df.itertuples(index=False):
        price = float(rec.price.lstrip("$"))
        sold = int(float(rec.sold.split("K")[0]) * 1000)
        con.execute("INSERT INTO snap VALUES (?, ?, ?, ?, ?, ?)",
                    [rec.product_id, rec.market, rec.observed_at, price, sold, float(rec.rating)])
    con.execute("COMMIT")
    dt = time.perf_counter() - t0
    con.close()
    return len(df), dt


def bench_xlsx(rows: int, folder: Path) -> tuple[int, float]:
    import xlsxwriter

    from shopradar.ingest import ingest
    from shopradar.warehouse import Warehouse

    path = folder / "snap.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["product_id", "market", "observed_at", "price", "sold", "rating"])
    for i in range(rows):
        ws.write_row(i + 1, 0, [str(1_729_000_000_000_000_000 + i), "US", "2026-08-20 10:00:00", 12.5 + i % 100,
                                f"{i % 97}.2K sold", 4.5])
    wb.close()
    with Warehouse.open(folder / "x.duckdb") as wh:
        t0 = time.perf_counter()
        [res] = ingest(wh, [path])
        dt = time.perf_counter() - t0
        assert res.balanced and res.loaded == rows, res
    return rows, dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=50_000)
    ap.add_argument("--xlsx-rows", type=int, default=50_000)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        csv = folder / "snap.csv"
        t0 = time.perf_counter()
        make_csv(csv, args.rows)
        print(f"generated {args.rows:,} rows ({csv.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.1f} s")
        n_b, dt_b = bench_baseline(csv, args.baseline_rows, folder / "base.duckdb")
        base_rate = n_b / dt_b
        print(f"baseline  pandas.read_csv + row-wise INSERT: {n_b:,} rows in {dt_b:.2f} s = {base_rate:,.0f} rows/s")
        n, dt, rss = bench_ingest(csv, folder / "w.duckdb")
        rate = n / dt
        print(f"ingest    CSV: {n:,} rows in {dt:.2f} s = {rate:,.0f} rows/s, peak RSS {rss:,.0f} MB, "
              f"{rate / base_rate:.1f}x baseline")
        if args.xlsx_rows:
            nx, dtx = bench_xlsx(args.xlsx_rows, folder)
            print(f"ingest    XLSX: {nx:,} rows in {dtx:.2f} s = {nx / dtx:,.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
