"""Orders and AOV for the market, where estimates carry units but not orders.

Estimated orders = estimated units ÷ units per order. Units per order is, in this order:

1. the value the user gives (``--units-per-order``, ``units_per_order=``; basis ``override``);
2. measured on the seller's own ``order_line`` rows in the same market when there are at least
   :data:`MIN_ORDERS` orders that were not cancelled (basis ``order_line``);
3. assumed per top-level category from ``units_per_order.yaml`` next to this module, which gives
   its reasoning, or that file's ``default`` (basis ``assumed``).

The basis and the value used are shown beside every orders and AOV figure. For the seller's own
shop, orders and AOV come from its real order lines.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import ibis
import pyarrow as pa
import yaml

from shopradar.errors import UsageError
from shopradar.warehouse import Warehouse

DEFAULT_UNITS_PER_ORDER = 1.0
MIN_ORDERS = 30
DATA_FILE = Path(__file__).with_name("units_per_order.yaml")


@cache
def assumed_units_per_order() -> tuple[float, dict[str, float]]:
    """(default, {top-level category name casefolded: units per order}) from :data:`DATA_FILE`."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    cats = {str(k).casefold(): float(v["units_per_order"]) for k, v in (data.get("categories") or {}).items()}
    return float(data["default"]), cats


def check_units_per_order(value: float | None) -> float | None:
    """None, or a units-per-order value between 1 and 100 (else a one-line UsageError)."""
    if value is None:
        return None
    if not 1.0 <= float(value) <= 100.0:
        raise UsageError("cube.bad_units_per_order", value=value)
    return float(value)


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


def units_per_order_table(wh: Warehouse, sel: object, override: float | None = None) -> ibis.Table:
    """``u_market, u_node, units_per_order, orders_basis`` for every selected market × category node."""
    override = check_units_per_order(override)
    measured = units_per_order(wh, sel.markets)  # type: ignore[attr-defined]
    default, cats = assumed_units_per_order()
    tree = sel.tree  # type: ignore[attr-defined]
    rows: dict[str, list] = {"u_market": [], "u_node": [], "units_per_order": [], "orders_basis": []}
    for m in sel.markets:  # type: ignore[attr-defined]
        for node in sel.nodes:  # type: ignore[attr-defined]
            if override is not None:
                v, basis = override, "override"
            elif measured[m][1] == "order_line":
                v, basis = measured[m]
            else:
                top = tree.nodes.get(tree.ancestors(node)[-1]) if node in tree.nodes else None
                names = [top.name_en.casefold(), top.name_zh.casefold()] if top else []
                v = next((cats[x] for x in names if x in cats), default)
                basis = "assumed"
            rows["u_market"].append(m)
            rows["u_node"].append(node)
            rows["units_per_order"].append(float(v))
            rows["orders_basis"].append(basis)
    return ibis.memtable(pa.table({"u_market": pa.array(rows["u_market"], pa.string()),
                                   "u_node": pa.array(rows["u_node"], pa.string()),
                                   "units_per_order": pa.array(rows["units_per_order"], pa.float64()),
                                   "orders_basis": pa.array(rows["orders_basis"], pa.string())}))
