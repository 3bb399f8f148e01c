"""Small hand-built markets for the insights tests: shops, products and daily sales written to a real warehouse."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest


class MarketBuilder:
    """Collects rows, then writes them into a warehouse with :meth:`write` (product_daily_sales by default)."""

    def __init__(self, market: str = "US", currency: str = "USD") -> None:
        self.market, self.currency = market, currency
        self.categories: list[dict[str, Any]] = []
        self.shops: list[dict[str, Any]] = []
        self.products: list[dict[str, Any]] = []
        self.sales: list[dict[str, Any]] = []
        self._n = 0

    def category(self, cid: str, parent: str | None = None, name: str | None = None) -> str:
        level = 1 if parent is None else next(c["level"] for c in self.categories if c["category_id"] == parent) + 1
        self.categories.append({"category_id": cid, "parent_id": parent, "level": level, "name_en": name or cid,
                                "name_zh": name or cid, "source": "test"})
        return cid

    def shop(self, sid: str | None = None, *, brand_type: str = "white_label", seller_type: str = "local") -> str:
        sid = sid or f"s{len(self.shops)}"
        self.shops.append({"shop_id": sid, "market": self.market, "name": sid, "seller_type": seller_type,
                           "fulfillment": "seller", "brand_type": brand_type, "is_own": False})
        return sid

    def product(self, shop: str, category: str, *, price_tier: str = "mid", launch: dt.date | None = None,
                **attrs: Any) -> str:
        self._n += 1
        pid = f"{self.market}-p{self._n}"
        self.products.append({"product_id": pid, "market": self.market, "shop_id": shop, "category_id": category,
                              "title": pid, "brand": None, "price_tier": price_tier,
                              "attributes": json.dumps(attrs) if attrs else None, "launch_date": launch,
                              "currency": self.currency})
        return pid

    def sell(self, pid: str, start: dt.date, days: int, units: float, price: float = 10.0,
             video: float = 0.0, live: float = 0.0) -> None:
        """``units`` a day for ``days`` days from ``start``; ``video``/``live`` are shares of the units."""
        for i in range(days):
            d = start + dt.timedelta(days=i)
            gmv = Decimal(str(round(units * price, 4)))
            self.sales.append({"product_id": pid, "market": self.market, "date": d, "currency": self.currency,
                               "units": float(units), "units_lower": float(units), "units_upper": float(units),
                               "gmv_local": gmv, "gmv_lower": gmv, "gmv_upper": gmv, "gmv_usd": gmv,
                               "gmv_usd_lower": gmv, "gmv_usd_upper": gmv, "units_video": units * video,
                               "units_live": units * live, "units_card": units * (1 - video - live),
                               "channel_basis": "observed", "method": "test", "flags": "", "run_id": "test"})

    def write(self, wh: Any, *, truth: bool = False) -> None:
        with wh.transaction():
            if self.categories:
                wh.insert("category", pa.Table.from_pylist(self.categories))
            wh.insert("shop", pa.Table.from_pylist(self.shops))
            wh.insert("product", pa.Table.from_pylist(self.products))
            if truth:
                rows = [{"product_id": r["product_id"], "market": r["market"], "date": r["date"], "channel": "card",
                         "units": round(r["units"]), "orders": round(r["units"]), "gmv_local": r["gmv_local"],
                         "returned_units": 0} for r in self.sales]
                wh.insert("truth_daily_sales", pa.Table.from_pylist(rows))
            else:
                wh.insert("product_daily_sales", pa.Table.from_pylist(self.sales))


@pytest.fixture
def market() -> MarketBuilder:
    return MarketBuilder()
