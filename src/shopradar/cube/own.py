"""Question 8: the seller's own shop beside its categories' figures.

The own shop's GMV, orders, units and AOV come from its real ``order_line`` rows (lines whose
status or cancel reason says cancelled are left out; GMV = the lines' ``subtotal`` after
discounts). The category's figures are the cube's estimates with their bounds. A share's bounds
divide the shop's exact GMV by the category's upper and lower GMV.
"""

from __future__ import annotations

from typing import Any

import ibis

from shopradar.cube.filters import As, CubeFilter, convert, resolve
from shopradar.cube.market import _f, _ratio, _with_growth, add_names, category_rows
from shopradar.cube.orders import live_lines, units_per_order_table
from shopradar.cube.periods import end_expr, shift_expr, start_expr
from shopradar.cube.window import node_map
from shopradar.warehouse import Warehouse


def own_shop_view(wh: Warehouse, f: CubeFilter | None = None, *, as_: As = "arrow", lang: str | None = None,
                  units_per_order: float | None = None) -> Any:
    """Per own shop × category × period: the shop's GMV, orders, units, AOV, refunds and growth from
    its order lines, beside the category's estimated GMV (with bounds), AOV and growth, and the
    shop's share of the category. Empty when the warehouse has no own-shop orders."""
    sel = resolve(wh, f, lang)
    o = live_lines(wh)
    shops = wh.table("shop")
    own_ids = shops.filter(shops.is_own.fill_null(False)).select(own_shop=shops.shop_id).distinct()
    o = o.filter(o.market.isin(sel.markets))
    o = o.inner_join(own_ids, o.shop_id == own_ids.own_shop)
    p = wh.table("product")
    p = p.group_by("product_id").aggregate(leaf=p.category_id.max())
    o = o.left_join(p, o.product_id == p.product_id)
    o = o.mutate(leaf=o.leaf.fill_null("unknown"),
                 day=ibis.coalesce(o.order_date, o.created_at.date()))
    nm = node_map(sel)
    o = o.inner_join(nm, o.leaf == nm.n_leaf)
    o = o.mutate(period_start=start_expr(o.day, sel.period))
    keys = ["market", "shop_id", "node_id", "period_start"]
    own = o.group_by(keys).aggregate(
        currency=o.currency.max(), own_gmv=o.subtotal.sum(), own_orders=o.order_id.nunique(),
        own_units=o.quantity.sum(), own_refunds=o.refund_amount.sum())
    prev = own.select(q_market=own.market, q_shop=own.shop_id, q_node=own.node_id,
                      q_start=shift_expr(own.period_start, sel.period, 1), q_gmv=own.own_gmv)
    own = own.left_join(prev, [own.market == prev.q_market, own.shop_id == prev.q_shop,
                               own.node_id == prev.q_node, own.period_start == prev.q_start])
    own = own.mutate(own_growth_pop=_ratio(own.own_gmv, own.q_gmv) - 1)
    cat = _with_growth(category_rows(wh, sel), sel.period)
    cat = cat.select(c_market=cat.market, c_node=cat.category_id, c_start=cat.period_start, c_gmv=cat.gmv_local,
                     c_lo=cat.gmv_lower, c_hi=cat.gmv_upper, c_units=cat.units, c_growth=cat.growth_pop,
                     c_growth_lo=cat.growth_pop_lower, c_growth_hi=cat.growth_pop_upper)
    j = own.left_join(cat, [own.market == cat.c_market, own.node_id == cat.c_node,
                            own.period_start == cat.c_start])
    j = j.filter(j.period_start.between(sel.start, sel.end))
    upo = units_per_order_table(wh, sel, units_per_order)
    j = j.left_join(upo, [j.market == upo.u_market, j.node_id == upo.u_node])
    upo_e = j.units_per_order.fill_null(1.0)
    out = j.select(
        market=j.market, shop_id=j.shop_id, category_id=j.node_id, period=ibis.literal(sel.period),
        period_start=j.period_start, period_end=end_expr(j.period_start, sel.period), currency=j.currency,
        gmv_local=j.own_gmv, orders=j.own_orders, units=j.own_units, aov=_ratio(j.own_gmv, j.own_orders),
        refunds=j.own_refunds, growth_pop=j.own_growth_pop,
        market_gmv=j.c_gmv, market_gmv_lower=j.c_lo, market_gmv_upper=j.c_hi,
        share=_ratio(j.own_gmv, j.c_gmv), share_lower=_ratio(j.own_gmv, j.c_hi), share_upper=_ratio(j.own_gmv, j.c_lo),
        market_aov=_ratio(j.c_gmv, _f(j.c_units) / upo_e), market_orders_basis=j.orders_basis,
        market_units_per_order=upo_e,
        market_growth_pop=j.c_growth, market_growth_pop_lower=j.c_growth_lo, market_growth_pop_upper=j.c_growth_hi,
    ).order_by(["market", "shop_id", "category_id", "period_start"]).to_pyarrow()
    out = add_names(out, sel)
    from shopradar.cube.top import _add_labels

    out = _add_labels(wh, out, "shop")
    return convert(out, as_)
