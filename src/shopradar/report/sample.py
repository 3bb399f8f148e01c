"""A small hand-built warehouse for the report's tests, screenshots and benchmark baseline.

It fills the declared tables directly (markets, a three-level category tree, shops, products,
snapshots, estimates with bounds, a few quarantined rows) with deterministic pseudo-random data,
and on purpose puts hostile text in titles and shop names: the report and the web app must show
it as text, never run it.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pyarrow as pa

from shopradar.warehouse import Warehouse

HOSTILE: tuple[str, ...] = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE product; --",
    "</script><script>alert('x')</script>\u2028",
    "=HYPERLINK(\"http://x\")",
    "{{ 7*7 }} ${7*7}",
)

_MARKETS = [
    ("US", "United States", "美国", "USD", "America/New_York", "NA", Decimal("1")),
    ("GB", "United Kingdom", "英国", "GBP", "Europe/London", "EU", Decimal("1.27")),
]
_TREE = {
    "beauty": ("Beauty & Personal Care", "美妆个护", {
        "skincare": ("Skincare", "护肤", ["serum", "cleanser"]),
        "makeup": ("Makeup", "彩妆", ["lipstick", "mascara"]),
    }),
    "home": ("Home & Kitchen", "家居厨房", {
        "kitchen": ("Kitchen", "厨房用品", ["knife", "blender"]),
        "decor": ("Decor", "家居装饰", ["lamp", "rug"]),
    }),
}
_LEAF_ZH = {"serum": "精华", "cleanser": "洁面", "lipstick": "口红", "mascara": "睫毛膏", "knife": "刀具",
            "blender": "搅拌机", "lamp": "灯具", "rug": "地毯"}


def fill_sample(wh: Warehouse, *, products: int = 60, days: int = 400, shops: int = 12, seed: int = 7,
                end: date = date(2025, 12, 31)) -> dict[str, int]:
    """Fill ``wh`` with a small deterministic market; returns rows written per table."""
    rng = random.Random(seed)
    written: dict[str, int] = {}
    with wh.transaction():
        written["market"] = wh.insert("market", pa.table({
            "code": [m[0] for m in _MARKETS], "name_en": [m[1] for m in _MARKETS],
            "name_zh": [m[2] for m in _MARKETS], "currency": [m[3] for m in _MARKETS],
            "time_zone": [m[4] for m in _MARKETS], "region": [m[5] for m in _MARKETS]}))
        cats: list[dict] = []
        leaves: list[str] = []
        for top, (en, zh, subs) in _TREE.items():
            cats.append({"category_id": top, "parent_id": None, "level": 1, "name_en": en, "name_zh": zh})
            for sub, (sen, szh, leafs) in subs.items():
                cats.append({"category_id": sub, "parent_id": top, "level": 2, "name_en": sen, "name_zh": szh})
                for leaf in leafs:
                    cats.append({"category_id": leaf, "parent_id": sub, "level": 3,
                                 "name_en": leaf.capitalize(), "name_zh": _LEAF_ZH[leaf]})
                    leaves.append(leaf)
        written["category"] = wh.insert("category", pa.Table.from_pylist(cats))
        shop_rows = []
        for i in range(shops):
            market = _MARKETS[i % len(_MARKETS)][0]
            name = HOSTILE[i] if i < len(HOSTILE) else f"Shop {i:02d} 小店"
            shop_rows.append({"shop_id": f"S{i:03d}", "market": market, "name": name,
                              "seller_type": "cross_border" if i % 3 else "local",
                              "fulfillment": "seller", "brand_type": "brand" if i % 4 == 0 else "white_label",
                              "is_own": False, "first_seen": end - timedelta(days=days + 30)})
        written["shop"] = wh.insert("shop", pa.Table.from_pylist(shop_rows))
        prod_rows, sales_rows, snap_rows = [], [], []
        start = end - timedelta(days=days - 1)
        for i in range(products):
            shop = shop_rows[int(len(shop_rows) * rng.random() ** 2)]
            market = shop["market"]
            fx = next(m[6] for m in _MARKETS if m[0] == market)
            currency = next(m[3] for m in _MARKETS if m[0] == market)
            leaf = leaves[i % len(leaves)]
            title = HOSTILE[i % len(HOSTILE)] if i % 10 == 0 else f"{leaf.capitalize()} item {i} 商品"
            price = Decimal(str(round(math.exp(rng.uniform(math.log(3), math.log(160))), 2)))
            base = rng.lognormvariate(0.5, 1.0)
            prod_rows.append({"product_id": f"P{i:04d}", "market": market, "shop_id": shop["shop_id"],
                              "category_id": leaf, "title": title, "brand": None,
                              "price_tier": "mid", "attributes": json.dumps({"gender": "unisex"}),
                              "launch_date": start, "currency": currency, "source": "sample", "run_id": "sample"})
            cum = 0
            for d in range(days):
                day = start + timedelta(days=d)
                season = 1.0 + (1.8 if (day.month == 11 and day.day >= 20) or day.month == 12 else 0.0)
                units = round(base * season * (0.6 + 0.8 * rng.random()), 2)
                width = 0.15 + 0.5 * rng.random()
                lo, hi = units * (1 - width / 2), units * (1 + width / 2)
                gmv = (price * Decimal(str(units))).quantize(Decimal("0.0001"))
                glo = (price * Decimal(str(round(lo, 4)))).quantize(Decimal("0.0001"))
                ghi = (price * Decimal(str(round(hi, 4)))).quantize(Decimal("0.0001"))
                v, li = rng.random() * 0.5, rng.random() * 0.3
                sales_rows.append({
                    "product_id": f"P{i:04d}", "market": market, "date": day, "currency": currency,
                    "units": units, "units_lower": lo, "units_upper": hi, "gmv_local": gmv, "gmv_lower": glo,
                    "gmv_upper": ghi, "gmv_usd": (gmv * fx).quantize(Decimal("0.0001")),
                    "gmv_usd_lower": (glo * fx).quantize(Decimal("0.0001")),
                    "gmv_usd_upper": (ghi * fx).quantize(Decimal("0.0001")),
                    "units_video": units * v, "units_live": units * li, "units_card": units * (1 - v - li),
                    "channel_basis": "category_mix", "method": "sample",
                    "flags": "gap_bridged" if d % 17 == 0 else None, "run_id": "sample"})
                cum += units
                if d % 7 == 0:
                    snap_rows.append({"product_id": f"P{i:04d}", "market": market,
                                      "observed_at": datetime.combine(day, datetime.min.time()) + timedelta(hours=9),
                                      "price": price, "currency": currency, "sold_text": f"{int(cum)} sold",
                                      "sold_lower": int(cum), "sold_upper": int(cum), "status": "active",
                                      "source": "sample", "run_id": "sample"})
        written["product"] = wh.insert("product", pa.Table.from_pylist(prod_rows))
        written["product_daily_sales"] = wh.insert("product_daily_sales", pa.Table.from_pylist(sales_rows))
        written["product_snapshot"] = wh.insert("product_snapshot", pa.Table.from_pylist(snap_rows))
        written["quarantine"] = wh.insert("quarantine", pa.table({
            "run_id": ["sample"] * 3, "source": ["sample.csv"] * 3, "line": [3, 9, 14],
            "target_table": ["product_snapshot"] * 3,
            "reason_code": ["bad_number", "bad_number", "missing_column"],
            "reason": ["sold counter 'abc' is not a number", "price '-4' is negative", "no product_id"],
            "record": ['{"sold": "abc"}', '{"price": "-4"}', "{}"],
            "quarantined_at": [datetime(2026, 1, 1)] * 3}))
    return written
