"""A small hand-built warehouse where every cube figure can be worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import pytest

START = date(2024, 1, 1)
END = date(2024, 4, 30)  # 121 days: Jan..Apr

# product -> (shop, leaf category, units per day, price, first day, last day)
PRODUCTS = {
    "p1": ("s1", "c11", 10, Decimal("20.00"), START, END),
    "p2": ("s1", "c12", 4, Decimal("5.00"), START, END),
    "p3": ("s2", "c11", 2, Decimal("50.00"), START, END),
    "p4": ("s3", "c21", 1, Decimal("100.00"), START, END),
    "p5": ("s2", "c11", 3, Decimal("10.00"), date(2024, 2, 10), date(2024, 2, 20)),  # enters Feb, dies
    "p6": ("s4", "c11", 1, Decimal("8.00"), date(2024, 1, 15), END),  # enters Jan (first month: not "new")
    "p7": ("own1", "c11", 5, Decimal("30.00"), START, END),
}
CATEGORIES = [
    ("c1", None, 1, "Beauty", "美妆"),
    ("c11", "c1", 2, "Skincare", "护肤"),
    ("c12", "c1", 2, "Makeup", "彩妆"),
    ("c2", None, 1, "Home", "家居"),
    ("c21", "c2", 2, "Kitchen", "厨房"),
]


def daily_rows(products: dict = PRODUCTS, start: date = START, end: date = END) -> pa.Table:
    rows: dict[str, list] = {k: [] for k in (
        "product_id", "market", "date", "currency", "units", "units_lower", "units_upper", "gmv_local", "gmv_lower",
        "gmv_upper", "gmv_usd", "gmv_usd_lower", "gmv_usd_upper", "units_video", "units_live", "units_card",
        "channel_basis", "method")}
    d = start
    while d <= end:
        for pid, (_shop, _cat, u, price, first, last) in products.items():
            if not first <= d <= last:
                continue
            gmv = price * u
            rows["product_id"].append(pid)
            rows["market"].append("US")
            rows["date"].append(d)
            rows["currency"].append("USD")
            rows["units"].append(float(u))
            rows["units_lower"].append(u * 0.5)
            rows["units_upper"].append(u * 2.0)
            rows["gmv_local"].append(gmv)
            rows["gmv_lower"].append(gmv / 2)
            rows["gmv_upper"].append(gmv * 2)
            rows["gmv_usd"].append(gmv)
            rows["gmv_usd_lower"].append(gmv / 2)
            rows["gmv_usd_upper"].append(gmv * 2)
            rows["units_video"].append(u * 0.5)
            rows["units_live"].append(u * 0.25)
            rows["units_card"].append(u * 0.25)
            rows["channel_basis"].append("observed")
            rows["method"].append("test")
        d += timedelta(days=1)
    return pa.table(rows)


def fill(wh, products: dict = PRODUCTS, start: date = START, end: date = END) -> None:
    wh.insert("market", pa.table({"code": ["US"], "name_en": ["United States"], "name_zh": ["美国"],
                                  "currency": ["USD"], "time_zone": ["America/New_York"], "region": ["NA"]}))
    wh.insert("category", pa.table({k: [c[i] for c in CATEGORIES] for i, k in enumerate(
        ["category_id", "parent_id", "level", "name_en", "name_zh"])}))
    shops = sorted({v[0] for v in products.values()})
    wh.insert("shop", pa.table({"shop_id": shops, "market": ["US"] * len(shops), "name": [f"Shop {s}" for s in shops],
                                "is_own": [s.startswith("own") for s in shops]}))
    pids = list(products)
    wh.insert("product", pa.table({"product_id": pids, "market": ["US"] * len(pids),
                                   "shop_id": [products[p][0] for p in pids],
                                   "category_id": [products[p][1] for p in pids],
                                   "title": [f"Title {p}" for p in pids], "currency": ["USD"] * len(pids)}))
    wh.insert("product_daily_sales", daily_rows(products, start, end))


@pytest.fixture
def small_wh(warehouse):
    fill(warehouse)
    return warehouse


def REPO_CLI(*args: str):
    from tests.conftest import run_cli

    return run_cli(*args)
