"""Property tests: for any non-decreasing true counter and any crawl schedule —
each crawl interval's bounds contain the truth; daily units add up to the counter's rise;
running again changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from estimate_helpers import setup_reference, snaps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopradar.counters import parse_counter, render_counter
from shopradar.estimate import crawl_intervals, estimate
from shopradar.warehouse import Warehouse

T0 = dt.datetime(2024, 1, 1)
STYLES = ["exact", "en", "zh", "de", "pt", "en_plus"]


@st.composite
def product(draw: st.DrawFn) -> dict:
    """A true counter (sales at random minutes) and a crawl schedule over up to 40 days."""
    start = draw(st.integers(0, 5_000))
    n_sales = draw(st.integers(0, 60))
    sale_minutes = sorted(draw(st.lists(st.integers(0, 40 * 1440), min_size=n_sales, max_size=n_sales)))
    sizes = draw(st.lists(st.integers(1, draw(st.sampled_from([1, 5, 400]))), min_size=n_sales, max_size=n_sales))
    crawls = sorted(set(draw(st.lists(st.integers(0, 40 * 1440), min_size=2, max_size=25))))
    style = draw(st.sampled_from(STYLES))
    return {"start": start, "sales": list(zip(sale_minutes, sizes, strict=True)), "crawls": crawls, "style": style}


def true_count(p: dict, minute: int) -> int:
    return p["start"] + sum(size for m, size in p["sales"] if m <= minute)


def rows_for(pid: str, p: dict) -> list[dict]:
    out = []
    for minute in p["crawls"]:
        c = true_count(p, minute)
        row = {"product_id": pid, "observed_at": T0 + dt.timedelta(minutes=minute), "price": 3.0}
        if p["style"] == "exact":
            row.update(sold_lower=c, sold_upper=c, sold_text=f"{c} sold")
        else:
            text = render_counter(c, p["style"])
            b = parse_counter(text)
            row.update(sold_text=text, sold_lower=b.lower, sold_upper=b.upper)
        out.append(row)
    return out


def _fresh(tmp: Path, name: str, products: list[dict]) -> Warehouse:
    path = tmp / f"{name}.duckdb"
    if path.exists():
        path.unlink()
    wh = Warehouse.open(path)
    setup_reference(wh, {"US": ("USD", "UTC")})
    rows = [r for i, p in enumerate(products) for r in rows_for(f"p{i}", p)]
    wh.insert("product_snapshot", snaps(rows))
    return wh


SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(products=st.lists(product(), min_size=1, max_size=6))
def test_interval_bounds_contain_truth_and_days_add_up(tmp_path: Path, products: list[dict]) -> None:
    wh = _fresh(tmp_path, "prop", products)
    try:
        iv = crawl_intervals(wh).to_pylist()
        estimate(wh, full=True)
        daily = wh.table("product_daily_sales")
        sums = daily.group_by("product_id").aggregate(u=daily.units.sum()).to_pyarrow().to_pylist()
        per_product = {r["product_id"]: r["u"] for r in sums}
    finally:
        wh.close()
    by_pid: dict[str, list[dict]] = {}
    for r in iv:
        by_pid.setdefault(r["product_id"], []).append(r)
    for i, p in enumerate(products):
        pid = f"p{i}"
        intervals = by_pid.get(pid, [])
        assert len(intervals) == len(p["crawls"]) - 1
        for r in intervals:
            m0 = int((r["observed_from"] - T0).total_seconds() // 60)
            m1 = int((r["observed_to"] - T0).total_seconds() // 60)
            truth = true_count(p, m1) - true_count(p, m0)
            assert r["units_lower"] <= truth + 1e-9, (r, truth)
            if r["units_upper"] is not None:
                assert truth <= r["units_upper"] + 1e-9, (r, truth)
            assert r["units_lower"] - 1e-9 <= r["units"]
            if r["units_upper"] is not None:
                assert r["units"] <= r["units_upper"] + 1e-9
        total = sum(r["units"] for r in intervals)
        first, last = true_count(p, p["crawls"][0]), true_count(p, p["crawls"][-1])
        # daily units add up to the intervals' units, which are the rise of the counter
        assert abs(per_product.get(pid, 0.0) - total) <= 1e-6 * max(1.0, total)
        if p["style"] == "exact":
            assert abs(total - (last - first)) <= 1e-6 * max(1.0, total)
        else:
            lo_first = parse_counter(render_counter(first, p["style"]))
            lo_last = parse_counter(render_counter(last, p["style"]))
            assert total >= max(0, lo_last.lower - (lo_first.upper if lo_first.upper is not None else 10**18)) - 1e-6
            if lo_last.upper is not None:
                assert total <= lo_last.upper - lo_first.lower + 1e-6


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(products=st.lists(product(), min_size=1, max_size=5))
def test_running_twice_changes_nothing(tmp_path: Path, products: list[dict]) -> None:
    wh = _fresh(tmp_path, "twice", products)
    try:
        estimate(wh)
        cols = [c for c in wh.table("product_daily_sales").columns if c != "run_id"]

        def rows() -> pa.Table:
            return wh.table("product_daily_sales").select(*cols).order_by(["product_id", "date"]).to_pyarrow()

        first = rows()
        issues = wh.table("snapshot_issue").count().execute()
        again = estimate(wh)
        assert again.products == 0
        assert rows().equals(first)
        estimate(wh, full=True)
        assert rows().equals(first)
        assert wh.table("snapshot_issue").count().execute() == issues
    finally:
        wh.close()
