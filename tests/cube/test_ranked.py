"""The pre-ranked tables (cube_top, cube_product_recent) give the same answers as reading every product."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest

from shopradar.cube import CubeFilter, build_cube, refresh_cube, top_view
from shopradar.cube.filters import resolve
from shopradar.cube.ranked import K
from shopradar.cube.top import _fast_candidates

from .conftest import CATEGORIES, daily_rows

START, END = date(2024, 1, 1), date(2024, 3, 31)


def _products(seed: int) -> dict:
    """More than K products in two leaves, heavy-tailed prices and volumes, some ties, some late entrants."""
    rng = random.Random(seed)
    out = {}
    for i in range(2 * K + 40):
        leaf = ("c11", "c12", "c21")[i % 3]
        units = rng.choice([1, 1, 2, 3, 5, 8, 20])
        price = Decimal(rng.choice([5, 10, 10, 20, 35, 80]))
        first = START + timedelta(days=rng.choice([0, 0, 0, 20, 45]))
        last = END - timedelta(days=rng.choice([0, 0, 0, 30]))
        out[f"p{i:03d}"] = (f"s{i % 37}", leaf, units, price, first, last)
    return out


@pytest.fixture(scope="module")
def big_wh(tmp_path_factory):
    from shopradar.warehouse import Warehouse

    from .conftest import fill

    warehouse = Warehouse.open(tmp_path_factory.mktemp("ranked") / "w.duckdb")
    fill(warehouse, _products(1), START, END)
    build_cube(warehouse)
    yield warehouse
    warehouse.close()


WINDOWS = [
    CubeFilter(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29)),
    CubeFilter(category="c1", level=2),
    CubeFilter(period="week", date_from=date(2024, 3, 4), date_to=date(2024, 3, 10)),
    CubeFilter(period="week", level=2, date_from=date(2024, 1, 15), date_to=date(2024, 2, 25)),
    CubeFilter(period="day", date_from=date(2024, 3, 2), date_to=date(2024, 3, 31)),
    CubeFilter(period="day", category="Skincare", date_from=date(2024, 2, 10), date_to=date(2024, 2, 12)),
]


@pytest.mark.parametrize("what", ["products", "shops"])
def test_fast_equals_full_scan(big_wh, what: str) -> None:
    for f, n in zip(WINDOWS, [10, 1, K, 10, 10, 3], strict=True):
        fast = top_view(big_wh, what, f, n=n)
        slow = top_view(big_wh, what, f, n=n, fast=False)
        assert fast.num_rows > 0
        assert fast.to_pylist() == slow.to_pylist(), (f, n)


def test_fast_path_is_used_and_proves_its_answer(big_wh) -> None:
    sel = resolve(big_wh, CubeFilter(level=2, date_from=date(2024, 2, 1), date_to=date(2024, 2, 29)))
    rows, _, exact = _fast_candidates(big_wh, sel, "products", 10)
    assert rows is not None and set(exact) == {"c11", "c12", "c21"}
    # at most the candidates were read, not every product of the categories
    assert rows.num_rows <= 3 * K
    # n above K: no proof possible from K entries, full scan
    assert _fast_candidates(big_wh, sel, "products", K + 1)[2] == []


def test_cube_top_equals_plain_ranking(big_wh) -> None:
    pp = big_wh.table("cube_product_period").to_pandas()
    parent = {c[0]: c[1] for c in CATEGORIES}
    top = big_wh.table("cube_top").to_pandas()
    for (period, start), g in pp.groupby(["period", "period_start"]):
        for node in ("c1", "c11", "c2"):
            inside = g[g.category_id.map(lambda c, node=node: c == node or parent.get(c) == node)]
            inside = inside[inside.gmv_local > 0]
            for entity, key in (("product", "product_id"), ("shop", "shop_id")):
                sums = inside.groupby(key).gmv_local.sum().reset_index()
                sums = sums.assign(neg=-sums.gmv_local.astype(float)).sort_values(["neg", key]).head(K)
                have = top[(top.period == period) & (top.period_start == start) & (top.category_id == node)
                           & (top.entity == entity)].sort_values("rank")
                assert list(have.entity_id) == list(sums[key]), (period, start, node, entity)
                assert list(have["rank"]) == list(range(1, len(have) + 1))
                assert [Decimal(x) for x in have.gmv_local] == [Decimal(x) for x in sums.gmv_local]


def test_refresh_keeps_ranked_tables_equal_to_full_build(warehouse) -> None:
    from .conftest import fill

    prods = _products(3)
    fill(warehouse, prods, START, END - timedelta(days=1))
    build_cube(warehouse)
    warehouse.insert("product_daily_sales", daily_rows(prods, END, END))
    assert refresh_cube(warehouse).days_added == 1
    s = warehouse.table("product_daily_sales")
    warehouse.delete_where("product_daily_sales", (s.date == date(2024, 2, 7)) & (s.product_id == "p005"))
    assert refresh_cube(warehouse).days_changed == 1

    def dump(name: str, keys: list[str]) -> list[dict]:
        return warehouse.table(name).to_pandas().sort_values(keys).reset_index(drop=True).to_dict("records")

    top_keys = ["period", "period_start", "category_id", "entity", "rank"]
    inc = dump("cube_top", top_keys), dump("cube_product_recent", ["product_id"])
    build_cube(warehouse)
    full = dump("cube_top", top_keys), dump("cube_product_recent", ["product_id"])
    assert inc[0] == full[0]
    assert pd.DataFrame(inc[1]).equals(pd.DataFrame(full[1]))


def test_acceleration_matches_last_days(big_wh) -> None:
    rows = top_view(big_wh, "products", CubeFilter(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))).to_pylist()
    s = big_wh.table("product_daily_sales").to_pandas()
    for r in rows[:5]:
        day = pd.to_datetime(s.date)
        p = s[(s.product_id == r["product_id"]) & (day > pd.Timestamp(END - timedelta(days=90)))]
        u90 = p.units.sum()
        u7 = p[pd.to_datetime(p.date) > pd.Timestamp(END - timedelta(days=7))].units.sum()
        assert r["acceleration"] == pytest.approx(u7 / u90 if u90 else None)


def test_split_days_covers_each_day_once() -> None:
    from shopradar.cube.window import split_days

    for k in range(0, 40):
        for length in (1, 6, 7, 8, 13, 14, 30, 45):
            a = date(2024, 1, 1) + timedelta(days=k)
            b = a + timedelta(days=length - 1)
            weeks, edges = split_days(a, b)
            days = [w + timedelta(days=i) for w in weeks for i in range(7)]
            days += [x + timedelta(days=i) for x, y in edges for i in range((y - x).days + 1)]
            assert sorted(days) == [a + timedelta(days=i) for i in range(length)]
            assert all(w.weekday() == 0 for w in weeks) and sum((y - x).days + 1 for x, y in edges) <= 12


def test_day_window_from_weeks_equals_plain_sums(big_wh) -> None:
    """Day windows read whole weeks from cube_product_period: the sums still equal the daily rows'."""
    f = CubeFilter(period="day", category="c1", date_from=date(2024, 1, 10), date_to=date(2024, 3, 5))
    rows = top_view(big_wh, "products", f, n=5).to_pylist()
    s = big_wh.table("product_daily_sales").to_pandas()
    s = s[(pd.to_datetime(s.date) >= pd.Timestamp(f.date_from)) & (pd.to_datetime(s.date) <= pd.Timestamp(f.date_to))]
    for r in rows:
        mine = s[s.product_id == r["product_id"]]
        assert r["gmv_local"] == sum(mine.gmv_local.map(Decimal))
        assert r["units"] == pytest.approx(mine.units.sum())


def test_cube_from_before_the_ranked_tables(tmp_path) -> None:
    """A warehouse whose cube predates cube_top/cube_product_recent, opened read-only: same answers."""
    from shopradar.warehouse import Warehouse

    from .conftest import fill

    path = tmp_path / "old.duckdb"
    with Warehouse.open(path) as wh:
        fill(wh, _products(4), START, END)
        build_cube(wh)
        f = CubeFilter(date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))
        want = top_view(wh, "products", f).to_pylist()
        for name in ("cube_top", "cube_product_recent"):
            wh.con.drop_table(name)
    with Warehouse.open(path, read_only=True) as ro:
        assert "cube_top" not in ro.con.list_tables()
        assert top_view(ro, "products", f).to_pylist() == want
    with Warehouse.open(path) as wh:  # reopened writable: the tables come back empty, refresh fills them
        assert wh.count("cube_top") == 0
        assert top_view(wh, "products", f).to_pylist() == want
        s = wh.table("product_daily_sales")
        wh.delete_where("product_daily_sales", (s.date == date(2024, 2, 7)) & (s.product_id == "p005"))
        assert refresh_cube(wh).days_changed == 1
        assert wh.count("cube_top") > 0 and wh.count("cube_product_recent") > 0
