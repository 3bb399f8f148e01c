"""The report's tables agree with the same figures computed independently (pandas) from the raw rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from shopradar.errors import UsageError
from shopradar.report.filters import Catalog, Filters, parse_filters
from shopradar.report.views import VIEWS, compute, kpis


@pytest.fixture
def frames(sample_wh):
    sales = sample_wh.table("product_daily_sales").to_pandas()
    prod = sample_wh.table("product").to_pandas()
    shop = sample_wh.table("shop").to_pandas()
    return sales.merge(prod[["product_id", "shop_id", "category_id"]], on="product_id"), prod, shop


def test_totals_match_raw_rows(sample_wh, frames) -> None:
    sales, _, _ = frames
    cat = Catalog(sample_wh)
    k = kpis(sample_wh, cat, Filters())
    assert k["gmv_usd"] == sum(sales.gmv_usd, Decimal(0))
    assert k["products"] == sales.product_id.nunique()
    monthly = compute("gmv_over_time", sample_wh, cat, Filters())
    assert sum(monthly.column("gmv_usd").to_pylist()) == k["gmv_usd"]
    lo, hi = monthly.column("gmv_lower").to_pylist(), monthly.column("gmv_upper").to_pylist()
    mid = monthly.column("gmv_usd").to_pylist()
    assert all(a <= m <= b for a, m, b in zip(lo, mid, hi, strict=True))


def test_category_subtree_filter_and_children(sample_wh, frames) -> None:
    sales, _, _ = frames
    cat = Catalog(sample_wh)
    assert set(cat.subtree("beauty")) == {"beauty", "skincare", "makeup", "serum", "cleanser", "lipstick", "mascara"}
    table = compute("categories", sample_wh, cat, Filters(category="beauty")).to_pylist()
    assert {r["category_id"] for r in table} == {"skincare", "makeup"}
    expected = sales[sales.category_id.isin(["lipstick", "mascara"])].gmv_usd.sum()
    got = next(r for r in table if r["category_id"] == "makeup")["gmv_usd"]
    assert got == expected
    assert abs(sum(r["share"] for r in table) - 1.0) < 1e-9


def test_market_and_period_filters(sample_wh, frames) -> None:
    sales, _, _ = frames
    cat = Catalog(sample_wh)
    f = parse_filters(cat, {"market": "gb", "start": "2025-11-01", "end": "2025-11-30"})
    assert f.market == "GB" and f.start == date(2025, 11, 1)
    k = kpis(sample_wh, cat, f)
    day = pd.to_datetime(sales.date)
    sel = sales[(sales.market == "GB") & (day >= "2025-11-01") & (day <= "2025-11-30")]
    assert k["gmv_usd"] == sel.gmv_usd.sum()
    assert k["first"] == date(2025, 11, 1) and k["last"] == date(2025, 11, 30)


def test_top_shops_and_concentration(sample_wh, frames) -> None:
    sales, _, shop = frames
    cat = Catalog(sample_wh)
    by_shop = sales.groupby("shop_id").gmv_usd.sum().map(float).sort_values(ascending=False)
    top = compute("top_shops", sample_wh, cat, Filters()).to_pylist()
    assert [r["shop_id"] for r in top] == list(by_shop.index)[: len(top)]
    names = dict(zip(shop.shop_id, shop.name, strict=True))
    assert all(r["name"] == names[r["shop_id"]] for r in top)
    shares = by_shop / by_shop.sum()
    conc = {r["metric"]: r["value"] for r in compute("concentration", sample_wh, cat, Filters()).to_pylist()}
    assert conc["cr5"] == pytest.approx(shares.iloc[:5].sum())
    assert conc["hhi"] == pytest.approx((shares**2).sum() * 10000)
    assert conc["shops"] == len(by_shop)


def test_price_bands_partition_products(sample_wh, frames) -> None:
    sales, _, _ = frames
    cat = Catalog(sample_wh)
    bands = compute("price_bands", sample_wh, cat, Filters()).to_pylist()
    assert sum(b["products"] for b in bands) == sales.product_id.nunique()
    per = sales.groupby("product_id").agg(g=("gmv_usd", "sum"), u=("units", "sum"))
    price = per.g.map(float) / per.u
    assert next(b for b in bands if b["band"] == "10-20")["products"] == int(((price >= 10) & (price < 20)).sum())
    # filtering on a band keeps exactly its products
    f = Filters(price_band="10-20")
    got = compute("top_products", sample_wh, cat, f).column("avg_price_usd").to_pylist()
    assert got and all(10 <= p < 20 for p in got)


def test_channel_mix_shares(sample_wh, frames) -> None:
    sales, _, _ = frames
    mix = {r["channel"]: r for r in compute("channel_mix", sample_wh, Catalog(sample_wh), Filters()).to_pylist()}
    assert mix["live"]["units"] == pytest.approx(sales.units_live.sum())
    assert sum(r["share"] for r in mix.values()) == pytest.approx(1.0)


def test_quality_counts(sample_wh) -> None:
    q = {r["metric"]: r["value"] for r in compute("quality", sample_wh, Catalog(sample_wh), Filters()).to_pylist()}
    assert q["quarantined_rows"] == 3 and q["coverage"] == 1.0 and q["products_seen"] == 40
    assert 0 < q["median_bounds_width"] < 1
    reasons = compute("quarantine", sample_wh, Catalog(sample_wh), Filters()).to_pylist()
    assert {r["reason_code"]: r["rows"] for r in reasons} == {"bad_number": 2, "missing_column": 1}


def test_every_view_runs_on_an_empty_selection(sample_wh) -> None:
    cat = Catalog(sample_wh)
    f = Filters(market="US", start=date(2030, 1, 1))
    for name in VIEWS:
        compute(name, sample_wh, cat, f)  # no exception on an empty selection
    assert compute("gmv_over_time", sample_wh, cat, f).num_rows == 0


@pytest.mark.parametrize("raw, key", [
    ({"market": "ZZ"}, "report.unknown_market"),
    ({"market": "US' OR '1'='1"}, "report.unknown_market"),
    ({"category": "beauty'; DROP TABLE product; --"}, "report.unknown_category"),
    ({"start": "2025-13-01"}, "report.bad_date"),
    ({"start": "2025-12-01", "end": "2025-01-01"}, "report.bad_period"),
    ({"price_band": "1-2"}, "report.unknown_band"),
    ({"grain": "year"}, "report.unknown_grain"),
    ({"market": "U\x00S"}, "report.bad_value"),
    ({"category": "x" * 500}, "report.bad_value"),
])
def test_bad_filters_are_usage_errors(sample_wh, raw, key) -> None:
    with pytest.raises(UsageError) as info:
        parse_filters(Catalog(sample_wh), raw)
    assert info.value.key == key
    assert "\n" not in str(info.value)
    assert sample_wh.count("product") == 40  # nothing was executed as SQL


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return b == pytest.approx(a, rel=1e-9, abs=1e-9)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def test_cube_path_gives_the_same_figures(tmp_path) -> None:
    """With the cube built, the views read product × month sums; for whole months they must agree."""
    from shopradar.cube import build_cube
    from shopradar.report.sample import fill_sample
    from shopradar.report.views import uses_cube
    from shopradar.warehouse import Warehouse

    with Warehouse.open(tmp_path / "cube.duckdb") as wh:
        fill_sample(wh, products=20, days=75, shops=6)
        raw = Catalog(wh)
        build_cube(wh)
        cube = Catalog(wh)
        assert cube.has_cube and not raw.has_cube and (cube.first, cube.last) == (raw.first, raw.last)
        for f in (Filters(), Filters(market="US", category="beauty", start=date(2025, 11, 1)),
                  Filters(price_band="10-20", grain="week")):
            assert uses_cube(cube, f)
            for name in VIEWS:
                a, b = compute(name, wh, raw, f).to_pylist(), compute(name, wh, cube, f).to_pylist()
                if name == "quality":   # per product-month instead of per product-day
                    a = [r for r in a if r["metric"] in ("coverage", "total_bounds_width", "quarantined_rows")]
                    b = [r for r in b if r["metric"] in ("coverage", "total_bounds_width", "quarantined_rows")]
                assert len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True)), name
            assert _close(kpis(wh, raw, f), kpis(wh, cube, f))
        odd = Filters(start=date(2025, 11, 15))                # not whole months: back to daily estimates
        assert not uses_cube(cube, odd)
        assert _close(kpis(wh, raw, odd), kpis(wh, cube, odd))
