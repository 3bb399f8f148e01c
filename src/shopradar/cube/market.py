"""Question 1 (and 2's concentration and entrants): the market view per category and period."""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from shopradar.cube.filters import As, CubeFilter, Selection, convert, resolve
from shopradar.cube.orders import units_per_order_table
from shopradar.cube.periods import PER_YEAR, end_expr, shift_expr, start_expr
from shopradar.errors import UsageError
from shopradar.warehouse import Warehouse

_KEYS = ["market", "category_id", "period_start"]
# centered window for the seasonality index: (preceding, following) periods
_SEASON = {"month": (6, 5), "week": (26, 25), "day": (182, 181)}


def _f(x: ibis.Value) -> ibis.Value:
    return x.cast("float64")


def _ratio(a: ibis.Value, b: ibis.Value) -> ibis.Value:
    return ibis.ifelse(_f(b) > 0, _f(a) / _f(b), ibis.null("float64"))


def category_rows(wh: Warehouse, sel: Selection) -> ibis.Table:
    c = wh.table("cube_category_period")
    return c.filter(c.market.isin(sel.markets), c.period == sel.period, c.category_id.isin(sel.nodes))


def _with_growth(t: ibis.Table, period: str) -> ibis.Table:
    """Add period-over-period and year-over-year growth (with bounds) by joining shifted rows."""
    for name, n in (("pop", 1), ("yoy", PER_YEAR[period])):
        prev = t.select(p_market=t.market, p_cat=t.category_id, p_key=shift_expr(t.period_start, period, n),
                        p_gmv=t.gmv_local, p_lo=t.gmv_lower, p_hi=t.gmv_upper)
        if period == "month" and name == "yoy":
            prev = t.select(p_market=t.market, p_cat=t.category_id, p_key=shift_expr(t.period_start, period, 12),
                            p_gmv=t.gmv_local, p_lo=t.gmv_lower, p_hi=t.gmv_upper)
        j = t.left_join(prev, [t.market == prev.p_market, t.category_id == prev.p_cat, t.period_start == prev.p_key])
        t = j.select(*[j[c] for c in t.columns],
                     **{f"growth_{name}": _ratio(j.gmv_local, j.p_gmv) - 1,
                        f"growth_{name}_lower": _ratio(j.gmv_lower, j.p_hi) - 1,
                        f"growth_{name}_upper": _ratio(j.gmv_upper, j.p_lo) - 1})
    return t


def _with_seasonality(t: ibis.Table, period: str) -> ibis.Table:
    before, after = _SEASON[period]
    w = ibis.window(group_by=["market", "category_id"], order_by="period_start", preceding=before, following=after)
    mean = _f(t.gmv_local).mean().over(w)
    n = t.count().over(w)
    return t.mutate(seasonality=ibis.ifelse((n * 2 >= before + after + 1) & (mean > 0),
                                            _f(t.gmv_local) / mean, ibis.null("float64")))


def _days(wh: Warehouse, sel: Selection) -> ibis.Table:
    st = wh.table("cube_state")
    st = st.filter(st.market.isin(sel.markets))
    st = st.mutate(ps=start_expr(st.date, sel.period))
    return st.group_by(["market", "ps"]).aggregate(days=st.count(), last_day=st.date.max())


def _acceleration(wh: Warehouse, sel: Selection, ends: ibis.Table) -> ibis.Table:
    """Units of the last 7 days ÷ units of the last 90 days, as of each row's last day with data."""
    c = wh.table("cube_category_period")
    d = c.filter(c.market.isin(sel.markets), c.period == "day", c.category_id.isin(sel.nodes))
    d = d.select(a_market=d.market, a_cat=d.category_id, a_date=d.period_start, a_u=d.units,
                 a_lo=d.units_lower, a_hi=d.units_upper)
    j = ends.inner_join(d, [ends.market == d.a_market, ends.category_id == d.a_cat,
                            d.a_date <= ends.asof, d.a_date > (ends.asof - ibis.interval(days=90))])
    last7 = j.a_date > (j.asof - ibis.interval(days=7))
    agg = j.group_by(_KEYS).aggregate(
        u7=j.a_u.sum(where=last7), u90=j.a_u.sum(),
        u7_lo=j.a_lo.sum(where=last7), u7_hi=j.a_hi.sum(where=last7),
        r_lo=j.a_lo.sum(where=~last7), r_hi=j.a_hi.sum(where=~last7))
    return agg.select(*_KEYS, acceleration=_ratio(agg.u7, agg.u90),
                      acceleration_lower=_ratio(agg.u7_lo, agg.u7_lo + agg.r_hi.fill_null(0)),
                      acceleration_upper=_ratio(agg.u7_hi, agg.u7_hi + agg.r_lo.fill_null(0)))


def market_view(wh: Warehouse, f: CubeFilter | None = None, *, as_: As = "arrow",
                lang: str | None = None, units_per_order: float | None = None) -> Any:
    """Figures per market × category × period: GMV (local, USD), units, orders, AOV, growth,
    seasonality, active shops/products, new entrants and survival, concentration, acceleration.

    Every figure from estimates has ``_lower``/``_upper`` bounds where it is a sum or a ratio of
    sums (see docs/cube.md). ``units_per_order`` overrides the units per order behind orders and
    AOV (see :mod:`shopradar.cube.orders`). Returns Arrow (or pandas/polars with ``as_``); empty when no data.
    """
    sel = resolve(wh, f, lang)
    if sel.price_band:
        raise UsageError("cube.band_not_here", view="market")
    t = category_rows(wh, sel)
    t = _with_growth(t, sel.period)
    t = _with_seasonality(t, sel.period)
    t = t.filter(t.period_start.between(sel.start, sel.end))
    days = _days(wh, sel)
    t = t.left_join(days, [t.market == days.market, t.period_start == days.ps]).drop("market_right", "ps")
    t = t.mutate(period_end=end_expr(t.period_start, sel.period))
    t = t.mutate(asof=ibis.least(t.period_end, t.last_day.fill_null(t.period_end)))
    acc = _acceleration(wh, sel, t.select(*_KEYS, "asof"))
    t = t.left_join(acc, _KEYS).drop("market_right", "category_id_right", "period_start_right")
    upo = units_per_order_table(wh, sel, units_per_order)
    t = t.left_join(upo, [t.market == upo.u_market, t.category_id == upo.u_node])
    upo_e = t.units_per_order.fill_null(1.0)
    out = t.select(
        "market", "category_id", "level", "period", "period_start", "period_end", "days", "currency",
        "gmv_local", "gmv_lower", "gmv_upper", "gmv_usd", "gmv_usd_lower", "gmv_usd_upper",
        "units", "units_lower", "units_upper",
        orders=t.units / upo_e, orders_lower=t.units_lower / upo_e, orders_upper=t.units_upper / upo_e,
        orders_basis=t.orders_basis, units_per_order=upo_e,
        aov=_ratio(t.gmv_local, t.units / upo_e),
        aov_lower=_ratio(t.gmv_lower, t.units_upper / upo_e), aov_upper=_ratio(t.gmv_upper, t.units_lower / upo_e),
        avg_price=_ratio(t.gmv_local, t.units),
        growth_pop=t.growth_pop, growth_pop_lower=t.growth_pop_lower, growth_pop_upper=t.growth_pop_upper,
        growth_yoy=t.growth_yoy, growth_yoy_lower=t.growth_yoy_lower, growth_yoy_upper=t.growth_yoy_upper,
        seasonality=t.seasonality,
        shops=t.shops, products=t.products, new_products=t.new_products,
        new_products_share=_ratio(t.new_products_gmv, t.gmv_local),
        survival_3m=_ratio(t.new_products_survived, t.new_products),
        cr5_shops=t.cr5_shops, cr10_shops=t.cr10_shops, hhi_shops=t.hhi_shops, gini_shops=t.gini_shops,
        cr5_products=t.cr5_products, cr10_products=t.cr10_products, hhi_products=t.hhi_products,
        gini_products=t.gini_products,
        acceleration=t.acceleration, acceleration_lower=t.acceleration_lower,
        acceleration_upper=t.acceleration_upper,
    ).order_by(["market", "category_id", "period_start"])
    arrow = out.to_pyarrow()
    arrow = add_names(arrow, sel)
    return convert(arrow, as_)


def add_names(arrow: pa.Table, sel: Selection, col: str = "category_id") -> pa.Table:
    """Insert a ``category`` column (name in the selection's language) after ``col``."""
    names = [sel.name(c) if c is not None else None for c in arrow.column(col).to_pylist()]
    i = arrow.column_names.index(col) + 1
    return arrow.add_column(i, "category", pa.array(names, pa.string()))


def sort_desc(arrow: pa.Table, col: str) -> pa.Table:
    return arrow.take(pc.sort_indices(arrow, [(col, "descending")]))
