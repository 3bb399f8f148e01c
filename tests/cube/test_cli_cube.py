"""The cube commands through the real console entry point."""

from __future__ import annotations

import csv
import io
import json

import pytest

from shopradar.warehouse import Warehouse

from .conftest import fill


@pytest.fixture(scope="module")
def cube_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cube") / "cube.duckdb"
    with Warehouse.open(path) as wh:
        fill(wh)
    return str(path)


@pytest.fixture(scope="module")
def built_db(cube_db):
    from .conftest import REPO_CLI

    res = REPO_CLI("cube", "build", "--db", cube_db)
    assert res.returncode == 0, res.stderr
    assert "days added" in res.stdout
    return cube_db


def test_market_table_and_csv(cli, built_db) -> None:
    res = cli("market", "--db", built_db, "--market", "us", "--category", "Beauty")
    assert res.returncode == 0, res.stderr
    assert "Beauty" in res.stdout and "Market" in res.stdout and "Home" not in res.stdout
    res = cli("market", "--db", built_db, "-c", "护肤", "--format", "csv", "--lang", "zh")
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["category"] for r in rows] == ["护肤"] * 4
    assert {"gmv_lower", "gmv_upper", "growth_yoy", "hhi_shops"} <= set(rows[0])


def test_top_prices_json(cli, built_db, tmp_path) -> None:
    out = tmp_path / "top.json"
    res = cli("top", "shops", "--db", built_db, "-c", "c11", "-n", "2", "--format", "json", "-o", str(out))
    assert res.returncode == 0, res.stderr
    rows = json.loads(out.read_text())
    assert [r["rank"] for r in rows] == [1, 2]
    res = cli("prices", "--db", built_db, "--bands", "quantile", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert {r["band"] for r in json.loads(res.stdout)} <= {"Q1", "Q2", "Q3", "Q4", "Q5"}


@pytest.mark.parametrize(("args", "needle"), [
    (("market", "--market", "UX"), "US"),
    (("market", "--category", "Skxnkere"), "Skincare"),
    (("market", "--period", "quarter"), "day, week, month"),
    (("market", "--from", "2024-03-01", "--to", "2024-02-01"), "after"),
    (("market", "--from", "March"), "YYYY-MM-DD"),
])
def test_usage_errors_are_one_line_exit_2(cli, built_db, args, needle) -> None:
    res = cli(*args, "--db", built_db)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert needle in res.stderr and "Traceback" not in res.stderr
    assert res.stderr.strip().count("\n") == 0


def test_fuzzy_category_is_accepted(cli, built_db) -> None:
    res = cli("market", "--db", built_db, "--category", "Skinkare", "--format", "json")  # one close spelling
    assert res.returncode == 0 and {r["category_id"] for r in json.loads(res.stdout)} == {"c11"}


def test_empty_result_exit_0(cli, built_db) -> None:
    res = cli("market", "--db", built_db, "--from", "2030-01-01")
    assert res.returncode == 0 and "no data" in res.stdout


def test_cube_not_built(cli, cube_db, tmp_path) -> None:
    fresh = tmp_path / "fresh.duckdb"
    with Warehouse.open(fresh) as wh:
        fill(wh)
    res = cli("market", "--db", str(fresh))
    assert res.returncode == 1 and "cube build" in res.stderr
