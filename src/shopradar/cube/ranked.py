"""Pre-ranked tables that let product-level views answer without scanning every product.

* ``cube_top``: per market × category (every level) × week or month, the :data:`K` products and
  the :data:`K` shops with the highest GMV (ties: smaller id first). A product's rank in a
  parent category is found from the top :data:`K` of each category its products point at (a
  product sits in one category, so a parent's top :data:`K` products are among its children's);
  shops span categories, so their sums are taken at every level.
* ``cube_product_recent``: each product's units in the last 7 and 90 days up to its market's
  last day in the cube, for the ``acceleration`` column of top products.

:func:`shopradar.cube.top.top_view` uses ``cube_top`` to pick candidates and proves its answer
exact before using it (see :func:`candidates_and_bounds`); otherwise it reads every product.
"""

from __future__ import annotations

from datetime import date, timedelta

import ibis

from shopradar.warehouse import Warehouse

K = 100  # entries kept per market × category × period × entity


def _rank(t: ibis.Table, keys: list[str]) -> ibis.Table:
    w = ibis.window(group_by=keys, order_by=[ibis.desc(t.g), t.entity_id])
    t = t.mutate(rank=ibis.row_number().over(w) + 1)
    return t.filter(t.rank <= K)


def top_expr(wh: Warehouse, anc: ibis.Table, period: str, starts: dict[str, list[date]] | None = None) -> ibis.Table:
    """``cube_top`` rows for ``period`` (week or month) from ``cube_product_period``.

    ``starts`` limits the rows to these period starts per market (None: every period).
    """
    pp = wh.table("cube_product_period")
    pp = pp.filter(pp.period == period)
    if starts is not None:
        preds = [(pp.market == m) & pp.period_start.isin(ss) for m, ss in starts.items() if ss]
        pp = pp.filter(ibis.or_(*preds)) if preds else pp.filter(ibis.literal(False))
    keys = ["market", "period_start", "node_id"]
    # products: top K within the category each product points at, then within every ancestor
    pos = pp.filter(pp.gmv_local > 0)
    leaf = pos.select(market=pos.market, period_start=pos.period_start, cat=pos.category_id,
                      entity_id=pos.product_id, g=pos.gmv_local)
    leaf = _rank(leaf, ["market", "period_start", "cat"]).drop("rank")
    x = leaf.inner_join(anc, leaf.cat == anc.leaf_id)
    prod = _rank(x.select(market=x.market, period_start=x.period_start, node_id=x.node_id,
                          entity_id=x.entity_id, g=x.g), keys).mutate(entity=ibis.literal("product"))
    # shops: sums per shop at every level
    y = pp.inner_join(anc, pp.category_id == anc.leaf_id)
    s = y.group_by(["market", "period_start", "node_id", "shop_id"]).aggregate(g=y.gmv_local.sum())
    s = s.filter(s.g > 0).rename(entity_id="shop_id")
    shop = _rank(s, keys).mutate(entity=ibis.literal("shop"))
    cols = ["market", "period_start", "node_id", "entity", "rank", "entity_id", "g"]
    u = prod.select(*cols).union(shop.select(*[shop[c].cast(prod.select(*cols).schema()[c]).name(c) for c in cols]))
    return u.select(market=u.market, period=ibis.literal(period), period_start=u.period_start,
                    category_id=u.node_id, entity=u.entity, rank=u["rank"], entity_id=u.entity_id, gmv_local=u.g)


def last_days(wh: Warehouse) -> dict[str, date]:
    """market -> its last date in the cube."""
    st = wh.table("cube_state")
    rows = st.group_by("market").aggregate(d=st.date.max()).to_pyarrow().to_pylist()
    return {r["market"]: r["d"] for r in rows}


def recent_expr(wh: Warehouse) -> ibis.Table | None:
    """``cube_product_recent`` rows: units in the last 7 and 90 days per product (None: empty cube)."""
    last = last_days(wh)
    if not last:
        return None
    s = wh.table("product_daily_sales")
    s = s.filter(ibis.or_(*[(s.market == m) & s.date.between(d - timedelta(days=89), d) for m, d in last.items()]))
    lastd = ibis.cases(*[(s.market == m, d) for m, d in last.items()], else_=ibis.null("date"))
    s = s.mutate(as_of=lastd)
    agg = s.group_by(["market", "product_id"]).aggregate(
        as_of=s.as_of.max(), units_7d=s.units.sum(where=s.date > (s.as_of - ibis.interval(days=7))),
        units_90d=s.units.sum())
    return agg
