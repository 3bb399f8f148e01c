"""Determinism, all-or-nothing runs, Parquet output, and bad options."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shopradar.errors import UsageError
from shopradar.sources.simulate import SimConfig, preset, simulate, simulate_to_parquet
from shopradar.warehouse import Warehouse

SMALL = SimConfig(seed=21, markets=("US", "ID"), start=date(2025, 11, 1), days=21, products=300, shops=60,
                  categories=4)
TABLES = ("product", "shop", "creator", "truth_daily_sales", "product_snapshot", "video", "video_snapshot", "live",
          "live_snapshot", "fx_rate")
_DROP = {"run_id"}


def _dump(wh: Warehouse, name: str) -> pa.Table:
    tbl = wh.table(name).to_pyarrow()
    tbl = tbl.drop_columns([c for c in tbl.column_names if c in _DROP])
    return tbl.sort_by([(c, "ascending") for c in tbl.column_names if not c.startswith(("attributes", "rating"))])


def _run(path: Path, cfg: SimConfig) -> dict[str, pa.Table]:
    with Warehouse.open(path) as wh:
        simulate(wh, cfg)
        return {n: _dump(wh, n) for n in TABLES}


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> dict[str, pa.Table]:
    return _run(tmp_path_factory.mktemp("a") / "a.duckdb", SMALL)


def test_same_seed_same_data_whatever_the_chunk_size(first, tmp_path) -> None:
    again = _run(tmp_path / "b.duckdb", SMALL.with_options(chunk_products=64))
    for name in TABLES:
        assert first[name].num_rows > 0, name
        assert first[name].equals(again[name]), name


def test_other_seed_other_data(first, tmp_path) -> None:
    other = _run(tmp_path / "c.duckdb", SMALL.with_options(seed=22))
    assert not first["truth_daily_sales"].equals(other["truth_daily_sales"])
    assert not first["product_snapshot"].equals(other["product_snapshot"])


def test_rerun_replaces_simulated_rows_and_keeps_others(tmp_path) -> None:
    with Warehouse.open(tmp_path / "r.duckdb") as wh:
        simulate(wh, SMALL)
        n1 = wh.counts()
        foreign = pa.table({"product_id": ["real-1"], "market": ["US"],
                            "observed_at": [pa.scalar(0, pa.timestamp("us"))], "sold_text": ["12 sold"],
                            "sold_lower": [12], "sold_upper": [12], "source": ["file.csv"]})
        wh.insert("product_snapshot", foreign)
        simulate(wh, SMALL)
        n2 = wh.counts()
        assert n2["product_snapshot"] == n1["product_snapshot"] + 1
        assert n2["truth_daily_sales"] == n1["truth_daily_sales"]
        assert n2["ingest_run"] == n1["ingest_run"] + 1
        runs = wh.table("ingest_run").to_pyarrow().to_pylist()
        assert {r["kind"] for r in runs} == {"simulate"} and all(r["status"] == "ok" for r in runs)


def test_failed_run_leaves_the_warehouse_as_it_was(tmp_path) -> None:
    path = tmp_path / "f.duckdb"
    with Warehouse.open(path) as wh:
        simulate(wh, SMALL)
        before = {n: _dump(wh, n) for n in TABLES}
        calls = []

        def interrupt(step: str, done: int, total: int) -> None:  # the user presses Ctrl-C mid-run
            calls.append(step)
            if step.startswith("simulate.step.sales:ID"):
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            simulate(wh, SMALL.with_options(seed=99), progress=interrupt)
        assert any(s.startswith("simulate.step.sales:US") for s in calls)  # US had been written in the transaction
        after = {n: _dump(wh, n) for n in TABLES}
    for n in TABLES:
        assert before[n].equals(after[n]), n


def test_parquet_output_matches_the_warehouse(first, tmp_path) -> None:
    out = tmp_path / "pq"
    summary = simulate_to_parquet(SMALL.with_options(chunk_products=128), out)
    for name in TABLES:
        tbl = pq.read_table(out / f"{name}.parquet")
        assert tbl.num_rows == first[name].num_rows == summary.rows[name], name
    snap = pq.read_table(out / "product_snapshot.parquet")
    assert snap.schema.field("price").type == pa.decimal128(18, 4)
    assert not list(tmp_path.glob(".pq.*"))  # temporary folder removed


def test_failed_parquet_run_leaves_no_files(tmp_path) -> None:
    out = tmp_path / "pq"

    def boom(step: str, done: int, total: int) -> None:
        if step.startswith("simulate.step.sales"):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        simulate_to_parquet(SMALL, out, progress=boom)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("changes", [
    {"days": 0}, {"days": -3}, {"days": 100000}, {"products": -1}, {"products": 10**9}, {"shops": 0},
    {"markets": ("US", "XX")}, {"markets": ()}, {"markets": ("US", "US")}, {"miss_rate": 1.5},
    {"miss_rate": float("nan")}, {"crawl_every": 0}, {"categories": 99}, {"start": date(1999, 1, 1)},
    {"seed": -1}, {"days": 3.5}, {"jitter_hours": -1.0},
])
def test_invalid_settings_raise_usage_errors(changes) -> None:
    with pytest.raises(UsageError) as info:
        SMALL.with_options(**changes).validated()
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value) and str(info.value) != info.value.key


def test_unknown_preset_and_option() -> None:
    with pytest.raises(UsageError):
        preset("huge")
    with pytest.raises(UsageError):
        SMALL.with_options(speed=3)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("args", [
    ["--days", "-5"], ["--markets", "US,XX"], ["--start", "2024-02-30"], ["--miss-rate", "2"],
    ["--preset", "nope"], ["--days", "ten"],
])
def test_cli_bad_options_exit_2_and_leave_the_warehouse_untouched(cli, tmp_path, args) -> None:
    db = tmp_path / "keep.duckdb"
    with Warehouse.open(db) as wh:
        simulate(wh, SimConfig(seed=1, markets=("GB",), start=date(2025, 1, 1), days=5, products=20, shops=5,
                               categories=2))
    digest = _digest(db)
    res = cli("simulate", "--preset", "tiny", *args, "--db", str(db)) if "--preset" not in args else \
        cli("simulate", *args, "--db", str(db))
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0, res.stderr
    assert _digest(db) == digest


def test_cli_unusable_db_paths(cli, tmp_path) -> None:
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello")
    for target in (tmp_path / "missing" / "x.duckdb", tmp_path, not_db):
        res = cli("simulate", "--preset", "tiny", "--days", "3", "--db", str(target))
        assert res.returncode == 2, res.stderr
        assert "Traceback" not in res.stderr and res.stderr.strip().count("\n") == 0, res.stderr
    assert not_db.read_text() == "hello"
    assert not (tmp_path / "missing").exists()


def test_cli_simulates_into_the_warehouse(cli, tmp_path) -> None:
    db = tmp_path / "ok.duckdb"
    res = cli("simulate", "--preset", "tiny", "--seed", "4", "--markets", "us,jp", "--days", "10", "--products",
              "60", "--db", str(db), "--lang", "zh")
    assert res.returncode == 0, res.stderr
    assert "已模拟 US,JP" in res.stdout
    with Warehouse.open(db, read_only=True) as wh:
        markets = set(wh.table("product").market.to_pyarrow().to_pylist())
        texts = wh.table("product_snapshot").sold_text.to_pyarrow().to_pylist()
    assert markets == {"US", "JP"}
    assert any(t.endswith("個販売") for t in texts)
