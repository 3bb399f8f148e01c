"""The fast path (distinct values, plain ids, set-based staging) gives the same warehouse as the general path."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from shopradar.ingest import ingest
from shopradar.warehouse import Warehouse

# repetitive columns with good, odd and bad values mixed in (so every column takes the distinct-values path)
PRICES = ["$12.50", "1,234.00", "R$ 1.234,56", "¥1200", "abc", "-3", "", "12", "(4.50)", "1.2万", "9.99", "n/a"]
SOLD = ["1.2K sold", "10K+", "12", "已售 1.2万", "-5", "lots", "", "1,2 mil vendidos", "999"]
TIMES = ["2026-08-20 10:00:00", "2026/08/20 11:30", "not a date", "08/20/2026 10:15:32 AM", "", "2099-01-01",
         "1999-01-01 00:00", "1755684000"]
MARKETS = ["US", "BR", "XX", "", "united kingdom", "美国"]
IDS = ["1001", "1002", "", "1.5E+18", "A-7", "1003.0", "x" * 200]


def _mixed_csv(path: Path, rows: int, seed: int, one_market: bool) -> Path:
    rnd = random.Random(seed)
    lines = ["product_id,market,observed_at,price,currency,sold,rating,title,shop_id,review_count,list_price"]
    for i in range(rows):
        pid = rnd.choice(IDS) if rnd.random() < 0.05 else str(5000 + i % (rows // 3))
        market = "US" if one_market else rnd.choice(MARKETS)
        rating = rnd.choice(["4.5", "5", "9", "x", ""])
        title = rnd.choice(["Mug", "保温杯", "", "Cup \u202eevil", "n/a"])
        # mostly distinct plain numbers (the direct-cast path) with a few that need the general parser
        count = rnd.choice([str(i * 7), str(i), "1.5K", "x", "-2", "1.234"]) if rnd.random() < 0.1 else str(i * 13)
        list_price = rnd.choice(["12,50", "1.234", "$9", ""]) if rnd.random() < 0.1 else f"{i}.{i % 100:02d}"
        lines.append(f'{pid},{market},{rnd.choice(TIMES)},"{rnd.choice(PRICES)}",{rnd.choice(["", "USD", "EUR"])},'
                     f'"{rnd.choice(SOLD)}",{rating},{title},S{i % 7},{count},"{list_price}"')
    lines.insert(rows // 2, "1,2,3")   # a malformed row in the middle
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _contents(wh: Warehouse) -> dict[str, list[str]]:
    out = {}
    for name in ("product_snapshot", "product", "shop", "quarantine", "category"):
        tbl = wh.table(name)
        drop = [c for c in ("run_id", "quarantined_at") if c in tbl.columns]
        out[name] = sorted(map(str, tbl.drop(*drop).to_pyarrow().to_pylist()))
    return out


@pytest.mark.parametrize("one_market", [True, False])
def test_fast_and_general_paths_load_the_same(tmp_path: Path, one_market: bool) -> None:
    f = _mixed_csv(tmp_path / "mixed.csv", 3000, seed=7, one_market=one_market)
    results = {}
    contents = {}
    for fast in (True, False):
        with Warehouse.open(tmp_path / f"w_{fast}.duckdb") as wh:
            [res] = ingest(wh, [f], fast=fast, batch_rows=1000)
            results[fast] = (res.rows_in, res.loaded, res.duplicates, res.quarantined, res.tables)
            contents[fast] = _contents(wh)
            assert res.balanced
    assert results[True] == results[False]
    assert results[True][1] > 0 and results[True][2] > 0 and results[True][3] > 0   # all three fates occur
    for name in contents[True]:
        assert contents[True][name] == contents[False][name], name


def test_later_rows_complete_dimension_rows_without_overwriting(warehouse, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text("product_id,market,observed_at,sold,title,brand\n"
                     "7001,US,2026-08-20 10:00,5,,Acme\n"
                     "7002,US,2026-08-20 10:00,5,,\n"
                     "7002,US,2026-08-20 11:00,6,Second mug,\n", encoding="utf-8")   # same file fills the gap
    [a] = ingest(warehouse, [first])
    assert a.loaded == 3 and a.tables["product"] == 2
    prods = {r["product_id"]: r for r in warehouse.table("product").to_pyarrow().to_pylist()}
    assert (prods["7001"]["title"], prods["7001"]["brand"]) == (None, "Acme")
    assert prods["7002"]["title"] == "Second mug"
    later = tmp_path / "b.csv"
    later.write_text("product_id,market,observed_at,sold,title,brand,shop_id\n"
                     "7001,US,2026-08-21 10:00,9,Blue mug,Other brand,S1\n"
                     "7002,US,2026-08-21 10:00,9,Renamed,,\n", encoding="utf-8")
    [b] = ingest(warehouse, [later])
    assert b.loaded == 2 and b.tables["product"] == 0 and b.filled == {"product": 1}
    prods = {r["product_id"]: r for r in warehouse.table("product").to_pyarrow().to_pylist()}
    # nulls filled from the later file; known values (brand Acme, title Second mug) kept
    assert (prods["7001"]["title"], prods["7001"]["brand"], prods["7001"]["shop_id"]) == ("Blue mug", "Acme", "S1")
    assert prods["7002"]["title"] == "Second mug"
    before = sorted(map(str, warehouse.table("product").to_pyarrow().to_pylist()))
    [again] = ingest(warehouse, [later])
    assert again.filled == {} and sorted(map(str, warehouse.table("product").to_pyarrow().to_pylist())) == before


def test_staging_does_not_keep_batches_in_memory(warehouse) -> None:
    import gc

    import ibis
    import pyarrow as pa
    import pyarrow.compute as pc

    from shopradar.warehouse.staging import append_arrow, drop_temp

    warehouse.con.create_table("_st_test", schema=ibis.schema({"a": "string", "b": "int64"}), temp=True)
    with warehouse.transaction():
        gc.collect()
        before = pa.total_allocated_bytes()
        for _ in range(3):
            idx = pa.array(range(200_000), pa.int64())
            append_arrow(warehouse, "_st_test", pa.table({"a": pc.cast(pc.add(idx, 10**18), pa.string()), "b": idx}))
            del idx
        gc.collect()
        kept = pa.total_allocated_bytes() - before
        assert warehouse.con.table("_st_test").count().execute() == 600_000
        assert kept < 2_000_000   # the three ~6 MB batches are not held until the commit
    drop_temp(warehouse, "_st_test")
    assert "_st_test" not in warehouse.con.list_tables()


def test_cli_memory_limit(cli, tmp_path: Path) -> None:
    f = _mixed_csv(tmp_path / "m.csv", 300, seed=3, one_market=True)
    db = tmp_path / "w.duckdb"
    ok = cli("ingest", str(f), "--db", str(db), "--memory-limit", "256MB")
    assert ok.returncode == 0, ok.stderr
    bad = cli("ingest", str(f), "--db", str(db), "--memory-limit", "lots'; DROP TABLE x")
    assert bad.returncode == 2 and "--memory-limit" in bad.stderr and "Traceback" not in bad.stderr
