"""`shopradar estimate` through the real console entry point, and its issues in `shopradar status`."""

from __future__ import annotations

import datetime as dt

from estimate_helpers import series, setup_reference, snaps

from shopradar.warehouse import Warehouse


def test_cli_estimate_and_status(tmp_path, cli):
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as wh:
        setup_reference(wh)
        rows = series("p1", dt.datetime(2024, 4, 5, 19), [10, 20, 30])
        rows.append({"product_id": "p1", "observed_at": dt.datetime(2024, 4, 6, 3), "sold_text": "??? sold",
                     "price": 10})
        wh.insert("product_snapshot", snaps(rows))
    r = cli("estimate", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "unparseable_counter" in r.stdout and "3 of 4" in r.stdout
    r = cli("status", "--db", str(db))
    assert r.returncode == 0 and "unparseable_counter" in r.stdout
    r = cli("estimate", "--db", str(db), "--lang", "zh")
    assert r.returncode == 0 and "增量运行" in r.stdout


def test_cli_estimate_without_snapshots_is_one_line(tmp_path, cli):
    db = tmp_path / "empty.duckdb"
    Warehouse.open(db).close()
    r = cli("estimate", "--db", str(db))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = cli("estimate", "--db", str(tmp_path / "missing.duckdb"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
