"""`shopradar demo` end to end, through the real console entry point."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from shopradar.warehouse import Warehouse


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_demo_runs_every_stage_and_summarizes(cli, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    res = cli("demo", "--db", str(db))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Headline figures per market" in out and "Next" in out and "shopradar report" in out
    with Warehouse.open(db, create=False, read_only=True) as wh:
        counts = wh.counts()
        markets = wh.table("product").market.nunique().execute()
        days = wh.table("product_daily_sales").date.nunique().execute()
    for table in ("product_snapshot", "truth_daily_sales", "product_daily_sales", "cube_category_period"):
        assert counts[table] > 0, table
    assert markets >= 2 and days >= 300  # at least two markets, about twelve months
    # nothing left behind beside the warehouse
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.duckdb"]
    # in Chinese too
    zh = cli("status", "--db", str(db), "--lang", "zh")
    assert zh.returncode == 0 and "数据仓库" in zh.stdout


def test_demo_refuses_a_warehouse_with_other_data(cli, tmp_path: Path) -> None:
    db = tmp_path / "mine.duckdb"
    with Warehouse.open(db) as wh:
        wh.insert("ingest_run", pa.table({"run_id": ["r1"], "kind": ["ingest"], "source": ["orders.csv"]}))
    before = _digest(db)
    res = cli("demo", "--db", str(db))
    assert res.returncode == 2 and "--db demo.duckdb" in res.stderr
    assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0
    assert _digest(db) == before


@pytest.mark.parametrize("bad", ["{tmp}/no/such/folder/x.duckdb", "{tmp}"])
def test_demo_bad_db_path(cli, tmp_path: Path, bad: str) -> None:
    res = cli("demo", "--db", bad.format(tmp=tmp_path))
    assert res.returncode == 2 and "Traceback" not in res.stderr


@pytest.mark.slow
def test_interrupted_demo_leaves_existing_warehouse_untouched(tmp_path: Path) -> None:
    db = tmp_path / "shopradar.duckdb"
    Warehouse.open(db).close()
    before = _digest(db)
    proc = subprocess.Popen([sys.executable, "-m", "shopradar", "demo", "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "COLUMNS": "120"})
    time.sleep(4)  # inside the simulation or the estimation
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert _digest(db) == before
    with Warehouse.open(db) as wh:  # and it still opens
        assert wh.count("product") == 0
