"""Product sums over the selected window, restricted to the selected categories."""

from __future__ import annotations

from datetime import date, timedelta

import ibis

from shopradar.cube.build import _SUMS, _daily, product_period_expr
from shopradar.cube.filters import Selection
from shopradar.cube.periods import shift, starts_between
from shopradar.warehouse import Warehouse


def node_map(sel: Selection) -> ibis.Table:
    """``leaf_id -> node_id`` for the selected category nodes."""
    leaf, node = [], []
    for n, leaves in sel.leaves().items():
        for lf in leaves:
            leaf.append(lf)
            node.append(n)
    import pyarrow as pa

    return ibis.memtable(pa.table({"n_leaf": pa.array(leaf, pa.string()), "node_id": pa.array(node, pa.string())}))


def previous_window(sel: Selection) -> tuple[date, date]:
    """The window of the same number of periods just before the selected one."""
    if sel.period == "day":
        k = (sel.end - sel.start).days + 1
        return sel.start - timedelta(days=k), sel.start - timedelta(days=1)
    k, s = 0, sel.start
    while s <= sel.end:
        k += 1
        s = shift(s, sel.period, 1)
    return shift(sel.start, sel.period, -k), sel.start - timedelta(days=1)


def split_days(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """[start, end] as (starts of the whole ISO weeks inside it, the day ranges left at its edges)."""
    first = start + timedelta(days=(7 - start.weekday()) % 7)  # first Monday on or after start
    weeks = []
    s = first
    while s + timedelta(days=6) <= end:
        weeks.append(s)
        s += timedelta(days=7)
    if not weeks:
        return [], [(start, end)]
    edges = []
    if start < weeks[0]:
        edges.append((start, weeks[0] - timedelta(days=1)))
    after = weeks[-1] + timedelta(days=7)
    if after <= end:
        edges.append((after, end))
    return weeks, edges


def product_rows(wh: Warehouse, sel: Selection, start: date, end: date,
                 products: ibis.Table | None = None) -> ibis.Table:
    """Per-period product rows in [start, end] for the selected markets and nodes (with ``node_id``).

    ``products`` (a table with a ``product_id`` column) keeps only those products.
    """
    if sel.period == "day":
        # whole ISO weeks inside the window from cube_product_period, the days at its edges from
        # the estimates (at most 6 + 6 days instead of every day of the window)
        weeks, edges = split_days(start, end)
        pp = None
        if edges:
            daily = _daily(wh, ranges=[(m, a, b) for m in sel.markets for a, b in edges])
            if products is not None:
                daily = daily.semi_join(products, daily.product_id == products.product_id)
            raw = product_period_expr(wh, daily, "month")
            sch = wh.table("cube_product_period").schema()
            pp = raw.select(*[raw[c].cast(sch[c]).name(c) for c in sch.names])
        if weeks:
            w = wh.table("cube_product_period")
            w = w.filter(w.period == "week", w.market.isin(sel.markets), w.period_start.isin(weeks))
            if products is not None:
                w = w.semi_join(products, w.product_id == products.product_id)
            pp = w if pp is None else pp.union(w)
        assert pp is not None
        pp = pp.view()
    else:
        pp = wh.table("cube_product_period")
        pp = pp.filter(pp.period == sel.period, pp.market.isin(sel.markets), pp.period_start.between(start, end))
        if products is not None:
            pp = pp.semi_join(products, pp.product_id == products.product_id)
    nm = node_map(sel)
    nm = nm.rename(category_id="n_leaf")
    return pp.inner_join(nm, "category_id")


def _widen(col: ibis.Value) -> ibis.Value:
    """The type a sum of ``col`` has (decimal(38,s) for decimals), so both paths give one schema."""
    t = col.type()
    return col.cast(ibis.expr.datatypes.Decimal(38, t.scale)) if t.is_decimal() else col


def product_window(wh: Warehouse, sel: Selection, start: date, end: date,
                   products: ibis.Table | None = None) -> ibis.Table:
    """One row per market × node × product with sums over [start, end] (only ``products`` if given)."""
    r = product_rows(wh, sel, start, end, products)
    if sel.period != "day" and len(starts_between(start, end, sel.period)) == 1:
        # one period: one row per product and node already (the selected nodes do not overlap)
        return r.select(market=r.market, node_id=r.node_id, product_id=r.product_id, shop_id=r.shop_id,
                        currency=r.currency, **{c: _widen(r[c]) for c in _SUMS},
                        days_active=r.days_active.cast("int64"), first_sale=r.first_sale)
    return r.group_by(["market", "node_id", "product_id"]).aggregate(
        shop_id=r.shop_id.max(), currency=r.currency.max(), **{c: r[c].sum() for c in _SUMS},
        days_active=r.days_active.sum(), first_sale=r.first_sale.min())
