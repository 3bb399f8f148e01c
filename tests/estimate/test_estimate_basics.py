"""Estimation on hand-made snapshots: units, GMV, bounds, flags, issues, reruns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from estimate_helpers import series, setup_reference, snaps

from shopradar.errors import DataError
from shopradar.estimate import estimate

T0 = dt.datetime(2024, 4, 5, 19, 0)  # UTC; 12:00 in Los Angeles (PDT)


def _daily(wh):
    d = wh.table("product_daily_sales").order_by(["product_id", "date"]).to_pandas()
    d["date"] = pd.to_datetime(d["date"]).dt.date
    return d


def test_no_snapshots_is_a_clear_error(warehouse):
    with pytest.raises(DataError) as err:
        estimate(warehouse)
    assert "snapshot" in str(err.value)


def test_exact_counter_units_and_gmv(warehouse):
    setup_reference(warehouse)
    counts = [100, 110, 125, 125, 140]
    warehouse.insert("product_snapshot", snaps(series("p1", T0, counts, price=2.5)))
    s = estimate(warehouse)
    d = _daily(warehouse)
    assert s.products == 1 and s.snapshots_used == 5
    assert d.units.sum() == pytest.approx(40.0)
    assert float(d.gmv_local.sum()) == pytest.approx(100.0, abs=0.01)
    # local dates: crawls at noon LA time → 5 dates from 2024-03-05 to 2024-03-09, half days at the ends
    assert [str(x) for x in d.date] == ["2024-04-05", "2024-04-06", "2024-04-07", "2024-04-08", "2024-04-09"]
    assert d.units.iloc[0] == pytest.approx(5.0) and d.units.iloc[-1] == pytest.approx(7.5)
    assert "partial_day" in d["flags"].iloc[0] and "partial_day" in d["flags"].iloc[-1]
    # exact counters with crawls inside the month: the month's bounds are the counter's own
    assert d.units_lower.sum() <= 40.0 <= d.units_upper.sum()
    assert float(d.gmv_usd.sum()) == pytest.approx(100.0, abs=0.01)


def test_gap_spreads_units_over_missing_days(warehouse):
    setup_reference(warehouse)
    rows = series("p1", T0, [0, 10]) + series("p1", T0 + dt.timedelta(days=5), [60, 70])
    warehouse.insert("product_snapshot", snaps(rows))
    estimate(warehouse)
    d = _daily(warehouse)
    gap_days = d[d["flags"].str.contains("gap")]
    assert len(gap_days) >= 4
    # 50 units over 4 days → 12.5 per full day inside the gap
    inner = d[(d.date > dt.date(2024, 4, 6)) & (d.date < dt.date(2024, 4, 10))]
    assert inner.units.tolist() == pytest.approx([12.5, 12.5, 12.5])
    assert d.units.sum() == pytest.approx(70.0)


def test_bad_rows_are_flagged_not_used(warehouse):
    setup_reference(warehouse)
    rows = series("p1", T0, [10, 20, 30, 40])
    rows += [
        {"product_id": "p1", "observed_at": T0 + dt.timedelta(hours=5), "sold_text": "lots sold", "price": 10},
        {"product_id": "p1", "observed_at": T0 + dt.timedelta(hours=6), "sold_lower": -5, "sold_upper": -5,
         "price": 10},
        {"product_id": "p1", "observed_at": dt.datetime(2999, 1, 1), "sold_lower": 99, "sold_upper": 99,
         "price": 10},
        {"product_id": "p1", "observed_at": T0 + dt.timedelta(hours=30), "sold_lower": 22, "sold_upper": 22,
         "price": 0},
        {"product_id": "p1", "observed_at": T0 + dt.timedelta(hours=31), "sold_lower": 23, "sold_upper": 23,
         "price": 5e9},
    ]
    warehouse.insert("product_snapshot", snaps(rows))
    s = estimate(warehouse)
    issues = warehouse.table("snapshot_issue").to_pandas()
    assert sorted(issues.flag) == sorted(["unparseable_counter", "negative_counter", "future_timestamp",
                                          "zero_price", "absurd_price"])
    assert s.issues["future_timestamp"] == 1 and s.set_aside == 3
    d = _daily(warehouse)
    assert d.units.sum() == pytest.approx(30.0)
    # the bad prices are never used: GMV is 10 per unit throughout
    assert float(d.gmv_local.sum()) == pytest.approx(300.0, abs=0.01)


def test_crawl_error_reset_and_decrease(warehouse):
    setup_reference(warehouse)
    rows = series("p1", T0, [100, 110, 3, 130, 140])  # a dip: crawl error
    rows += series("p2", T0, [500, 510, 4, 9, 15])  # relisting: reset
    rows += series("p3", T0, [200, 210, 205, 215])  # returns: decrease
    warehouse.insert("product_snapshot", snaps(rows))
    estimate(warehouse)
    flags = warehouse.table("snapshot_issue").to_pandas().set_index("product_id").flag.to_dict()
    assert flags == {"p1": "crawl_error", "p2": "reset", "p3": "decrease"}
    d = _daily(warehouse).groupby("product_id").units.sum()
    assert d["p1"] == pytest.approx(40.0)
    assert d["p2"] == pytest.approx(10 + 4 + 5 + 6)
    assert d["p3"] == pytest.approx(10 + 0 + 10)


def test_duplicates_keep_one_reading(warehouse):
    setup_reference(warehouse)
    rows = series("p1", T0, [10, 20, 30])
    dup = dict(rows[1], source="other")
    warehouse.insert("product_snapshot", snaps([*rows, dup]))
    s = estimate(warehouse)
    assert s.issues == {"duplicate": 1}
    assert _daily(warehouse).units.sum() == pytest.approx(20.0)


def test_rerun_changes_nothing_and_incremental_equals_full(warehouse):
    setup_reference(warehouse)
    warehouse.insert("product_snapshot", snaps(series("p1", T0, [10, 20, 30]) + series("p2", T0, [5, 6, 9])))
    estimate(warehouse)
    before = _daily(warehouse).drop(columns="run_id")
    s2 = estimate(warehouse)
    assert s2.products == 0 and not s2.full
    assert _daily(warehouse).drop(columns="run_id").equals(before)
    # late, out-of-order data for p2 only
    warehouse.insert("product_snapshot", snaps(series("p2", T0 - dt.timedelta(days=2), [1, 3])))
    s3 = estimate(warehouse)
    assert s3.products == 1 and not s3.full
    inc = _daily(warehouse).drop(columns="run_id")
    estimate(warehouse, full=True)
    full = _daily(warehouse).drop(columns="run_id")
    assert inc.equals(full)
    assert inc[inc.product_id == "p1"].equals(before[before.product_id == "p1"])
