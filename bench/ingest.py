"""Ingest throughput: a generated snapshot CSV (and XLSX) through `ingest`, beside a naive baseline.

    nice python bench/ingest.py --rows 10000000 --baseline-rows 50000 --xlsx-rows 200000 --repeat 3 \
        --memory-limit 1GB

Prints, for each measurement run in its own child process (so peak RSS is that run's own):
rows/s on the wall clock and per CPU second, peak RSS, and the median over ``--repeat`` runs of

* the baseline: pandas ``read_csv`` + one DuckDB ``INSERT`` per row, on ``--baseline-rows`` rows
  of the same file (rows/s);
* ``ingest`` of the CSV (generic-snapshots layout: id, market, time, ``$12.34``, ``1.2K sold``, rating),
  which writes ``product_snapshot`` and ``product`` rows (again with ``--memory-limit``, if given);
* the DuckDB floor: the same rows, already typed, inserted into the same two tables (what the
  writes alone cost, on ``--floor-rows`` rows);
* ``ingest`` of an XLSX with the same columns (python-calamine).

The ratio is ingest rows/s ÷ baseline rows/s, both measured in this run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

COLUMNS = ("product_id", "market", "observed_at", "price", "sold", "rating")


def make_csv(path: Path, rows: int) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    chunk = 1_000_000
    with pacsv.CSVWriter(path, pa.schema([(n, pa.string()) for n in COLUMNS])) as w:
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


def make_xlsx(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, list(COLUMNS))
    for i in range(rows):
        ws.write_row(i + 1, 0, [str(1_729_000_000_000_000_000 + i), "US", "2026-08-20 10:00:00", 12.5 + i % 100,
                                f"{i % 97}.2K sold", 4.5])
    wb.close()


# -- measurements (each runs in a child process) -------------------------------------------------
def _ingest(path: str, db: str, memory_limit: str | None = None) -> int:
    from shopradar.ingest import ingest
    from shopradar.warehouse import Warehouse

    with Warehouse.open(db, memory_limit=memory_limit) as wh:
        [res] = ingest(wh, [path])
        assert res.balanced and res.quarantined == 0 and res.loaded == res.rows_in, res
        return res.loaded


def _baseline(path: str, db: str, rows: int) -> int:
    import duckdb
    import pandas as pd

    con = duckdb.connect(db)
    con.execute("CREATE TABLE snap (product_id VARCHAR, market VARCHAR, observed_at TIMESTAMP, price DECIMAL(18,4),"
                " sold_lower BIGINT, rating DOUBLE)")
    df = pd.read_csv(path, nrows=rows, dtype=str)
    con.execute("BEGIN")
    for rec in df.itertuples(index=False):
        price = float(rec.price.lstrip("$"))
        sold = int(float(rec.sold.split("K")[0]) * 1000)
        con.execute("INSERT INTO snap VALUES (?, ?, ?, ?, ?, ?)",
                    [rec.product_id, rec.market, rec.observed_at, price, sold, float(rec.rating)])
    con.execute("COMMIT")
    con.close()
    return len(df)


def _floor_data(path: str, rows: int) -> tuple[Any, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 24),
                           convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in COLUMNS}))
    table = table.slice(0, rows)
    n = table.num_rows
    ts = pc.strptime(table.column("observed_at"), format="%Y-%m-%d %H:%M:%S", unit="us")
    price = pc.cast(pc.cast(pc.utf8_ltrim(table.column("price"), characters="$"), pa.float64()), pa.decimal128(18, 4))
    const = {"source": pa.repeat(pa.scalar("file"), n), "run_id": pa.repeat(pa.scalar("ingest-bench"), n),
             "currency": pa.repeat(pa.scalar("USD"), n)}
    snap = pa.table({"product_id": table.column("product_id"), "market": table.column("market"),
                     "observed_at": ts, "price": price, "sold_text": table.column("sold"),
                     "sold_lower": pa.repeat(pa.scalar(1200), n), "sold_upper": pa.repeat(pa.scalar(1299), n),
                     "rating": pc.cast(table.column("rating"), pa.float64()), **const})
    prod = pa.table({"product_id": table.column("product_id"), "market": table.column("market"), **const})
    return snap, prod


def _floor(path: str, db: str, rows: int) -> int:
    from shopradar.warehouse import Warehouse

    snap, prod = _floor_data(path, rows)
    t0 = time.perf_counter()
    c0 = time.process_time()
    with Warehouse.open(db) as wh, wh.transaction():
        wh.insert("product_snapshot", snap)
        wh.insert("product", prod)
    _floor.timing = (time.perf_counter() - t0, time.process_time() - c0)  # type: ignore[attr-defined]
    return snap.num_rows


def _child(fn_name: str, args: tuple[Any, ...], queue: Any) -> None:
    fn: Callable[..., int] = globals()[fn_name]
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = fn(*args)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if fn_name == "_floor":   # time the inserts only, not the preparation of the typed rows
        wall, cpu = _floor.timing  # type: ignore[attr-defined]
    queue.put((n, wall, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def measure(fn_name: str, *args: Any) -> tuple[int, float, float, float]:
    """(rows, wall s, CPU s, peak RSS MB) of ``fn(*args)`` in a fresh child process."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn_name, args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def report(label: str, runs: list[tuple[int, float, float, float]]) -> float:
    n = runs[0][0]
    wall = statistics.median(r[1] for r in runs)
    cpu = statistics.median(r[2] for r in runs)
    rss = max(r[3] for r in runs)
    each = ", ".join(f"{r[1]:.1f}" for r in runs)
    print(f"{label:<44} {n:>12,} rows  median {wall:7.2f} s wall ({each})  {n / wall:>12,.0f} rows/s  "
          f"CPU {cpu:7.2f} s = {n / cpu:>12,.0f} rows per CPU-s  peak RSS {rss:,.0f} MB", flush=True)
    return n / wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=50_000)
    ap.add_argument("--floor-rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--memory-limit", default=None, help="also ingest the CSV with this DuckDB memory limit")
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        csv = folder / "snap.csv"
        t0 = time.perf_counter()
        make_csv(csv, args.rows)
        print(f"generated {args.rows:,} rows ({csv.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - t0:.1f} s",
              flush=True)

        def runs(fn: str, path: Path, *extra: Any) -> list[tuple[int, float, float, float]]:
            out = []
            for i in range(args.repeat):
                db = folder / f"{fn}{i}.duckdb"
                out.append(measure(fn, str(path), str(db), *extra))
                for p in folder.glob(f"{fn}{i}.duckdb*"):
                    p.unlink()
            return out

        base = report("baseline pandas.read_csv + row-wise INSERT", runs("_baseline", csv, args.baseline_rows))
        rate = report("ingest CSV", runs("_ingest", csv))
        print(f"ingest CSV / baseline: {rate / base:,.1f}x", flush=True)
        if args.memory_limit:
            report(f"ingest CSV, --memory-limit {args.memory_limit}", runs("_ingest", csv, args.memory_limit))
        if args.floor_rows:
            report("DuckDB floor: typed rows INSERTed (2 tables)", runs("_floor", csv, min(args.floor_rows, args.rows)))
        if args.xlsx_rows:
            xlsx = folder / "snap.xlsx"
            make_xlsx(xlsx, args.xlsx_rows)
            report("ingest XLSX", runs("_ingest", xlsx))
    return 0


if __name__ == "__main__":
    sys.exit(main())
