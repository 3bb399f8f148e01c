"""Orders and AOV for the market, where estimates carry units but not orders.

Estimated orders = estimated units ÷ units per order. Units per order comes from the seller's
own ``order_line`` rows in the same market when there are at least :data:`MIN_ORDERS` orders
that were not cancelled (basis ``order_line``); otherwise it is assumed to be
:data:`DEFAULT_UNITS_PER_ORDER` (basis ``assumed``), i.e. one unit per order, which makes AOV
equal to the average price paid. The basis is shown beside every orders and AOV figure.
For the seller's own shop, orders and AOV come from its real order lines.
"""

from __future__ import annotations

import ibis

from shopradar.warehouse import Warehouse

DEFAULT_UNITS_PER_ORDER = 1.0
MIN_ORDERS = 30


def live_lines(wh: Warehouse) -> ibis.Table:
    """Order lines that count as sales: not cancelled (status or cancel reason saying so)."""
    o = wh.table("order_line")
    status = o.status.fill_null("").lower()
    cancelled = status.contains("cancel") | (o.cancel_reason.fill_null("").lower().contains("cancel"))
    return o.filter(~cancelled)


def units_per_order(wh: Warehouse, markets: list[str]) -> dict[str, tuple[float, str]]:
    """market -> (units per order, basis) where basis is ``order_line`` or ``assumed``."""
    o = live_lines(wh)
    o = o.filter(o.market.isin(markets))
    rows = o.group_by("market").aggregate(units=o.quantity.sum(), orders=o.order_id.nunique()).to_pyarrow()
    out = {m: (DEFAULT_UNITS_PER_ORDER, "assumed") for m in markets}
    for r in rows.to_pylist():
        if r["orders"] and r["orders"] >= MIN_ORDERS and r["units"]:
            out[r["market"]] = (float(r["units"]) / float(r["orders"]), "order_line")
    return out
