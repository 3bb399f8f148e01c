"""Hand-made snapshots for estimation tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa

from shopradar.warehouse import Warehouse

SNAP_COLS = {
    "product_id": pa.string(), "market": pa.string(), "observed_at": pa.timestamp("us"),
    "price": pa.decimal128(18, 4), "currency": pa.string(), "sold_text": pa.string(),
    "sold_lower": pa.int64(), "sold_upper": pa.int64(), "status": pa.string(), "source": pa.string(),
    "review_count": pa.int64(),
}


def setup_reference(wh: Warehouse, markets: dict[str, tuple[str, str]] | None = None,
                    products: list[dict[str, Any]] | None = None) -> None:
    markets = markets or {"US": ("USD", "America/Los_Angeles")}
    wh.insert("market", pa.table({"code": list(markets), "currency": [c for c, _ in markets.values()],
                                  "time_zone": [z for _, z in markets.values()]}))
    if products:
        wh.insert("product", pa.Table.from_pylist(products))


def snaps(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows → a product_snapshot Arrow table (missing columns are null; defaults filled)."""
    full = []
    for r in rows:
        d = {k: None for k in SNAP_COLS}
        d.update({"market": "US", "currency": "USD", "source": "test", "status": "active"})
        d.update(r)
        if d["price"] is not None and not isinstance(d["price"], Decimal):
            d["price"] = Decimal(str(d["price"]))
        full.append(d)
    return pa.Table.from_pylist(full, schema=pa.schema(SNAP_COLS))


def series(pid: str, start: dt.datetime, counts: list[int], *, step: dt.timedelta = dt.timedelta(days=1),
           price: float = 10.0, exact: bool = True) -> list[dict[str, Any]]:
    out = []
    for i, c in enumerate(counts):
        row: dict[str, Any] = {"product_id": pid, "observed_at": start + i * step, "price": price}
        if exact:
            row.update(sold_lower=c, sold_upper=c, sold_text=f"{c} sold")
        else:
            from shopradar.counters import render_counter

            row.update(sold_text=render_counter(c, "en"))
        out.append(row)
    return out
