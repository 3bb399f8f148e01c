"""Cube figures on a small hand-built warehouse, checked against plain Python over the inputs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shopradar.cube import CubeFilter, build_cube, market_view, prices_view, refresh_cube, top_view
from shopradar.cube.orders import assumed_units_per_order
from shopradar.errors import DataError, UsageError

from .conftest import CATEGORIES, END, PRODUCTS, START

PARENT = {c[0]: c[1] for c in CATEGORIES}


def _in(cat: str, node: str) -> bool:
    while cat is not None:
        if cat == node:
            return True
        cat = PARENT.get(cat)
    return False


def _days(first: date, last: date):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def plain_month(node: str, month: int) -> dict:
    """GMV, units and per-shop GMV of ``node`` in 2024-``month``, by plain iteration over PRODUCTS."""
    gmv, units, shops, products = Decimal(0), 0.0, defaultdict(Decimal), defaultdict(Decimal)
    for pid, (shop, cat, u, price, first, last) in PRODUCTS.items():
        if not _in(cat, node):
            continue
        for d in _days(first, last):
            if d.month == month:
                gmv += price * u
                units += u
                shops[shop] += price * u
                products[pid] += price * u
    return {"gmv": gmv, "units": units, "shops": dict(shops), "products": dict(products)}


def hhi(values) -> float:
    tot = float(sum(values))
    return sum((float(v) / tot) ** 2 for v in values) * 10000


def gini(values) -> float:
    xs = sorted(float(v) for v in values)
    n, tot = len(xs), sum(xs)
    return sum((2 * (i + 1) - n - 1) * x for i, x in enumerate(xs)) / (n * tot)


@pytest.fixture
def built(small_wh):
    build_cube(small_wh)
    return small_wh


def test_monthly_figures_match_plain_sums(built) -> None:
    rows = market_view(built, CubeFilter(market="US", category="Beauty", level=2)).to_pylist()
    assert len(rows) == 8  # Skincare and Makeup × Jan..Apr
    for r in rows:
        truth = plain_month(r["category_id"], r["period_start"].month)
        assert r["gmv_local"] == truth["gmv"]
        assert r["units"] == pytest.approx(truth["units"])
        assert r["gmv_lower"] == truth["gmv"] / 2 and r["gmv_upper"] == truth["gmv"] * 2
        assert r["units_lower"] <= r["units"] <= r["units_upper"]
        assert r["shops"] == len(truth["shops"]) and r["products"] == len(truth["products"])
        assert r["hhi_shops"] == pytest.approx(hhi(truth["shops"].values()))
        assert r["gini_products"] == pytest.approx(gini(truth["products"].values()), abs=1e-9)
        # no own orders: units per order assumed, "Beauty" is not in the data file, so its default
        upo = assumed_units_per_order()[0]
        assert r["orders_basis"] == "assumed" and r["units_per_order"] == upo
        assert r["aov"] == pytest.approx(float(truth["gmv"]) / (truth["units"] / upo))


def test_growth_and_rollup(built) -> None:
    top = {r["period_start"].month: r for r in market_view(built, CubeFilter(category="美妆")).to_pylist()}
    assert top[1]["growth_pop"] is None
    for m in (2, 3, 4):
        expect = float(plain_month("c1", m)["gmv"]) / float(plain_month("c1", m - 1)["gmv"]) - 1
        assert top[m]["growth_pop"] == pytest.approx(expect)
        assert top[m]["growth_pop_lower"] < top[m]["growth_pop"] < top[m]["growth_pop_upper"]
    # a level-1 row is the sum of its level-2 rows
    kids = market_view(built, CubeFilter(category="c1", level=2)).to_pylist()
    for m in (1, 2, 3, 4):
        assert sum(r["gmv_local"] for r in kids if r["period_start"].month == m) == top[m]["gmv_local"]


def test_new_entrants_and_first_period(built) -> None:
    rows = {r["period_start"].month: r for r in market_view(built, CubeFilter(category="Skincare")).to_pylist()}
    assert rows[1]["new_products"] is None  # the first month of data: everyone is "new", so not counted
    assert rows[2]["new_products"] == 1  # p5 first sells on 10 Feb
    p5_gmv = PRODUCTS["p5"][3] * 3 * 11
    assert rows[2]["new_products_share"] == pytest.approx(float(p5_gmv) / float(plain_month("c11", 2)["gmv"]))
    assert rows[3]["new_products"] == 0
    assert rows[2]["survival_3m"] is None  # May is not in the data yet


def test_weeks_and_days(built) -> None:
    weeks = market_view(built, CubeFilter(category="c2", period="week")).to_pylist()
    assert all(r["period_start"].weekday() == 0 for r in weeks)
    assert sum(r["gmv_local"] for r in weeks) == Decimal(100) * 1 * 121
    days = market_view(built, CubeFilter(category="c2", period="day", date_from=date(2024, 3, 1),
                                         date_to=date(2024, 3, 3))).to_pylist()
    assert [r["period_start"].day for r in days] == [1, 2, 3]
    assert all(r["gmv_local"] == Decimal(100) and r["shops"] is None for r in days)


def test_top_shops_share_and_bounds(built) -> None:
    rows = top_view(built, "shops", CubeFilter(category="c11", date_from=date(2024, 3, 1),
                                               date_to=date(2024, 3, 31)), n=2).to_pylist()
    truth = plain_month("c11", 3)
    ranked = sorted(truth["shops"].items(), key=lambda kv: -kv[1])
    assert [r["shop_id"] for r in rows] == [s for s, _ in ranked[:2]]
    for r, (_, g) in zip(rows, ranked, strict=False):
        assert r["gmv_local"] == g
        assert r["share"] == pytest.approx(float(g) / float(truth["gmv"]))
        assert r["share_lower"] < r["share"] < r["share_upper"]
    assert rows[1]["is_own"] is True and rows[1]["shop_name"] == "Shop own1"


def test_top_products_and_band(built) -> None:
    rows = top_view(built, "products", CubeFilter(price_band="20-30")).to_pylist()
    assert [r["product_id"] for r in rows] == ["p1"]  # the only product priced 20 ≤ p < 30
    assert rows[0]["avg_price"] == pytest.approx(20.0)
    with pytest.raises(UsageError) as e:
        top_view(built, "products", CubeFilter(price_band="7-9"))
    assert "10–20" in str(e.value)


def test_prices_fixed_bands(built) -> None:
    rows = prices_view(built, CubeFilter(category="c1")).to_pylist()
    by_band = {r["band"]: r for r in rows}
    assert by_band["<10"]["products"] == 2  # p2 at 5.00 and p6 at 8.00
    assert by_band["30–50"]["products"] == 1  # p7 at 30.00: lower edge inclusive
    assert sum(r["products"] for r in rows) == 6
    assert sum(r["gmv_share"] for r in rows) == pytest.approx(1.0)
    q = prices_view(built, CubeFilter(category="c1"), mode="quantile").to_pylist()
    assert [r["band"] for r in q] == ["Q1", "Q2", "Q3", "Q4", "Q5"]


def test_refresh_after_new_day_equals_full_build(small_wh) -> None:
    from .conftest import daily_rows

    full_end = END
    # start with data up to 29 April, build, then add 30 April and refresh
    s = small_wh.table("product_daily_sales")
    small_wh.delete_where("product_daily_sales", s.date == full_end)
    build_cube(small_wh)
    small_wh.insert("product_daily_sales", daily_rows(start=full_end, end=full_end))
    rep = refresh_cube(small_wh)
    assert rep.mode == "refresh" and rep.days_added == 1 and rep.days_changed == 0
    inc = {k: market_view(small_wh, CubeFilter(period=k)).to_pylist() for k in ("day", "week", "month")}
    build_cube(small_wh)
    full = {k: market_view(small_wh, CubeFilter(period=k)).to_pylist() for k in ("day", "week", "month")}
    assert inc == full
    assert refresh_cube(small_wh).mode == "none"


def test_refresh_detects_changed_day(small_wh) -> None:
    build_cube(small_wh)
    s = small_wh.table("product_daily_sales")
    small_wh.delete_where("product_daily_sales", (s.date == date(2024, 2, 15)) & (s.product_id == "p1"))
    rep = refresh_cube(small_wh)
    assert rep.days_changed == 1
    feb = [r for r in market_view(small_wh, CubeFilter(category="c11")).to_pylist() if r["period_start"].month == 2]
    assert feb[0]["gmv_local"] == plain_month("c11", 2)["gmv"] - Decimal(200)


def test_bad_input(built, warehouse) -> None:
    with pytest.raises(UsageError, match="US"):
        market_view(built, CubeFilter(market="XX"))
    with pytest.raises(UsageError, match="Skincare"):
        market_view(built, CubeFilter(category="skincar"[:-1] + "x"))
    with pytest.raises(UsageError):
        market_view(built, CubeFilter(period="quarter"))
    with pytest.raises(UsageError):
        market_view(built, CubeFilter(date_from=date(2024, 3, 1), date_to=date(2024, 2, 1)))
    with pytest.raises(UsageError, match="did you mean: Kitchen"):
        market_view(built, CubeFilter(category="kitchn stuff"))
    with pytest.raises(UsageError, match="shops, products, creators"):
        top_view(built, "brands")
    with pytest.raises(UsageError, match="fixed, quantile"):
        prices_view(built, mode="deciles")
    with pytest.raises(UsageError, match="top"):
        market_view(built, CubeFilter(price_band="10–20"))
    assert market_view(built, CubeFilter(date_from=date(2030, 1, 1))).num_rows == 0
    assert START.year == 2024


def test_empty_cube_is_a_clear_error(warehouse) -> None:
    with pytest.raises(DataError):
        market_view(warehouse)


def test_mixed_currencies_refused_and_cube_unchanged(built) -> None:
    import pyarrow as pa

    before = built.count("cube_category_period")
    built.insert("product_daily_sales", pa.table({"product_id": ["p1"], "market": ["US"], "date": [date(2024, 5, 1)],
                                                  "currency": ["EUR"], "units": [1.0]}))
    with pytest.raises(DataError, match="EUR"):
        refresh_cube(built)
    with pytest.raises(DataError, match="USD"):
        build_cube(built)
    assert built.count("cube_category_period") == before


def test_units_per_order_override_and_category_default(small_wh) -> None:
    import pyarrow as pa

    from .conftest import daily_rows

    small_wh.insert("category", pa.table({"category_id": ["c3"], "parent_id": [None], "level": [1],
                                          "name_en": ["Food & Beverages"], "name_zh": ["食品饮料"]}))
    small_wh.insert("product", pa.table({"product_id": ["p9"], "market": ["US"], "shop_id": ["s1"],
                                         "category_id": ["c3"], "currency": ["USD"]}))
    small_wh.insert("product_daily_sales", daily_rows({"p9": ("s1", "c3", 3, Decimal("4.00"), START, END)}))
    build_cube(small_wh)
    food = market_view(small_wh, CubeFilter(category="食品饮料")).to_pylist()
    assert {r["units_per_order"] for r in food} == {assumed_units_per_order()[1]["food & beverages"]}
    assert all(r["orders"] == pytest.approx(r["units"] / r["units_per_order"]) for r in food)
    over = market_view(small_wh, CubeFilter(level=1), units_per_order=2.5).to_pylist()
    assert {(r["orders_basis"], r["units_per_order"]) for r in over} == {("override", 2.5)}
    assert all(r["aov"] == pytest.approx(float(r["gmv_local"]) / (r["units"] / 2.5)) for r in over)
    top = top_view(small_wh, "products", CubeFilter(category="c3"), units_per_order=2.5).to_pylist()
    assert top[0]["orders"] == pytest.approx(top[0]["units"] / 2.5) and top[0]["orders_basis"] == "override"
    with pytest.raises(UsageError, match="between 1 and 100"):
        market_view(small_wh, units_per_order=0.5)
