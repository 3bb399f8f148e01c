"""Creators, short videos and LIVE sessions: who sells a category, and through which accounts.

Units per video come from its "sold" counter (cumulative since posting): the units of a period
are the counter at the last observation in the period minus the counter at the last observation
before it. Point = difference of the counters' mid-bounds; lower = max(0, lower now − upper
before); upper = upper now − lower before (an open upper such as "10K+" is taken at its lower).
Units per (LIVE session, product) are the highest counter seen in the session (the LIVE counter
starts at 0). GMV = units × the product's average price paid in the selected window (from the
estimates). A snapshot's day is the market-local date of ``observed_at`` / ``started_at`` (UTC
timestamps), with the market's UTC offset at noon of that UTC day, as the estimator does
(:func:`shopradar.estimate.reference.offset_table`); a market without a valid time zone uses UTC.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pyarrow as pa

from shopradar.cube.filters import As, CubeFilter, Selection, convert, resolve
from shopradar.cube.market import _f, _ratio, add_names
from shopradar.cube.periods import start_expr
from shopradar.cube.window import node_map, previous_window, product_window
from shopradar.warehouse import Warehouse


def _prices(wh: Warehouse, sel: Selection, products: ibis.Table | None = None) -> ibis.Table:
    pw = product_window(wh, sel, sel.start, sel.end, products)
    pw = pw.filter(pw.units > 0)
    return pw.select(pr_market=pw.market, pr_product=pw.product_id, price=_f(pw.gmv_local) / _f(pw.units))


def _product_nodes(wh: Warehouse, sel: Selection) -> ibis.Table:
    p = wh.table("product")
    p = p.filter(p.market.isin(sel.markets)).select(pn_product=p.product_id, pn_leaf=p.category_id.fill_null("unknown"))
    nm = node_map(sel)
    j = p.inner_join(nm, p.pn_leaf == nm.n_leaf)
    return j.select("pn_product", "node_id").distinct()


_EPOCH = date(1970, 1, 1)


def with_local_day(wh: Warehouse, t: ibis.Table, ts: str, market: str) -> ibis.Table:
    """``t`` plus ``local_day``: the market-local date of the UTC timestamp column ``ts``."""
    from shopradar.estimate.reference import market_zones, offset_table

    zones = market_zones(wh)
    t = t.mutate(_uday=t[ts].epoch_seconds() // 86400)
    span = t.aggregate(a=t._uday.min(), b=t._uday.max()).to_pyarrow().to_pylist()[0] if zones else None
    if not span or span["a"] is None:
        return t.mutate(local_day=t[ts].date()).drop("_uday")
    off = ibis.memtable(offset_table(zones, int(span["a"]), int(span["b"])))
    j = t.left_join(off, [t[market] == off.o_market, t._uday == off.o_day])
    secs = j[ts].epoch_seconds() + j.o_offset.fill_null(0).cast("int64")
    j = j.mutate(local_day=(ibis.literal(_EPOCH) + (secs // 86400).as_interval("D")).cast("date"))
    return j.drop("_uday", "o_market", "o_day", "o_offset")


def video_units(wh: Warehouse, sel: Selection, start: Any, end: Any) -> ibis.Table:
    """Per video × period in [start, end]: units (point, lower, upper) with product, creator, market."""
    v = wh.table("video").filter(ibis._.market.isin(sel.markets))
    s = wh.table("video_snapshot")
    vm = v.select(vm_video=v.video_id, vm_market=v.market).distinct()
    s = s.inner_join(vm, s.video_id == vm.vm_video)
    s = with_local_day(wh, s, "observed_at", "vm_market")
    s = s.filter(s.local_day <= end)
    s = s.mutate(ps=start_expr(s.local_day, sel.period),
                 hi=ibis.coalesce(s.sold_upper, s.sold_lower))
    per = s.group_by(["video_id", "ps"]).aggregate(lo=s.sold_lower.max(), hi=s.hi.max())
    w = ibis.window(group_by="video_id", order_by="ps")
    per = per.mutate(plo=per.lo.lag().over(w).fill_null(0), phi=per.hi.lag().over(w).fill_null(0))
    per = per.filter(per.ps >= start)
    per = per.mutate(u=((per.lo + per.hi) - (per.plo + per.phi)).cast("float64") / 2.0,
                     u_lo=ibis.greatest(per.lo - per.phi, 0).cast("float64"),
                     u_hi=ibis.greatest(per.hi - per.plo, 0).cast("float64"))
    j = per.inner_join(v, per.video_id == v.video_id)
    return j.select(market=j.market, ps=j.ps, item=j.video_id, product_id=j.product_id, creator_id=j.creator_id,
                    is_affiliate=j.is_affiliate.fill_null(True), u=j.u, u_lo=j.u_lo, u_hi=j.u_hi,
                    kind=ibis.literal("video"))


def live_units(wh: Warehouse, sel: Selection, start: Any, end: Any) -> ibis.Table:
    """Per LIVE session × product in [start, end]: units with creator and market."""
    lv = wh.table("live").filter(ibis._.market.isin(sel.markets))
    lv = with_local_day(wh, lv, "started_at", "market")
    lv = lv.filter(lv.local_day.between(start, end))
    s = wh.table("live_snapshot")
    per = s.group_by(["live_id", "product_id"]).aggregate(
        lo=s.sold_lower.max(), hi=ibis.coalesce(s.sold_upper, s.sold_lower).max())
    j = per.inner_join(lv, per.live_id == lv.live_id)
    return j.select(market=j.market, ps=start_expr(j.local_day, sel.period), item=j.live_id,
                    product_id=j.product_id, creator_id=j.creator_id, is_affiliate=j.is_affiliate.fill_null(True),
                    u=(j.lo + j.hi).cast("float64") / 2.0, u_lo=j.lo.cast("float64"), u_hi=j.hi.cast("float64"),
                    kind=ibis.literal("live"))


def content_rows(wh: Warehouse, sel: Selection, start: Any, end: Any) -> ibis.Table:
    """Video and LIVE rows with units > 0, their category node and GMV (units × window price)."""
    u = video_units(wh, sel, start, end).union(live_units(wh, sel, start, end))
    u = u.filter(u.u > 0)
    pn = _product_nodes(wh, sel)
    u = u.inner_join(pn, u.product_id == pn.pn_product)
    # prices of the products that have content only (not every product of the window)
    pr = _prices(wh, sel, u.select(product_id=u.product_id).distinct())
    u = u.left_join(pr, [u.market == pr.pr_market, u.product_id == pr.pr_product])
    return u.select(
        "market", "node_id", "ps", "item", "product_id", "creator_id", "is_affiliate", "kind", "u", "u_lo", "u_hi",
        gmv=u.u * u.price, gmv_lo=u.u_lo * u.price, gmv_hi=u.u_hi * u.price)


def content_figures(wh: Warehouse, sel: Selection) -> ibis.Table:
    """Per market × node × period: creators, videos, LIVEs, affiliate share, top-video concentration."""
    c = content_rows(wh, sel, sel.start, sel.end)
    keys = ["market", "node_id", "ps"]
    agg = c.group_by(keys).aggregate(
        creators=c.creator_id.nunique(),
        videos=c.item.nunique(where=c.kind == "video"),
        lives=c.item.nunique(where=c.kind == "live"),
        content_units=c.u.sum(),
        affiliate_units=c.u.sum(where=c.is_affiliate),
        video_units_obs=c.u.sum(where=c.kind == "video"),
    )
    vids = c.filter(c.kind == "video")
    vg = vids.group_by([*keys, "item"]).aggregate(g=vids.gmv.sum())
    vg = vg.mutate(rk=ibis.row_number().over(ibis.window(group_by=keys, order_by=ibis.desc(vg.g))))
    top = vg.filter(vg.rk < 10)
    tv = top.group_by(keys).aggregate(top_video_share=_ratio(top.g.max(), top.g.sum()))
    return agg.left_join(tv, keys).drop("market_right", "node_id_right", "ps_right")


def top_creators(wh: Warehouse, f: CubeFilter | None = None, *, n: int = 10, as_: As = "arrow",
                 lang: str | None = None) -> Any:
    """Top ``n`` creators per market × category by GMV of their videos and LIVEs in the window."""
    sel = resolve(wh, f, lang)
    p0, p1 = previous_window(sel)
    # one pass over the counters for both windows (they end on period boundaries)
    both = content_rows(wh, sel, p0, sel.end)
    cur = both.filter(both.ps >= sel.start)
    prev = both.filter(both.ps <= p1)
    prev = prev.group_by(["market", "node_id", "creator_id"]).aggregate(q_gmv=prev.gmv.sum())
    prev = prev.select(q_market=prev.market, q_node=prev.node_id, q_creator=prev.creator_id, q_gmv=prev.q_gmv)
    keys = ["market", "node_id"]
    g = cur.group_by([*keys, "creator_id"]).aggregate(
        gmv=cur.gmv.sum(), gmv_lo=cur.gmv_lo.sum(), gmv_hi=cur.gmv_hi.sum(),
        units=cur.u.sum(), units_lower=cur.u_lo.sum(), units_upper=cur.u_hi.sum(),
        videos=cur.item.nunique(where=cur.kind == "video"), lives=cur.item.nunique(where=cur.kind == "live"),
        products=cur.product_id.nunique(), affiliate=cur.is_affiliate.max())
    tot = g.group_by(keys).aggregate(t=g.gmv.sum(), t_lo=g.gmv_lo.sum(), t_hi=g.gmv_hi.sum())
    t = g.inner_join(tot, keys)
    t = t.left_join(prev, [t.market == prev.q_market, t.node_id == prev.q_node, t.creator_id == prev.q_creator])
    t = t.mutate(rank=ibis.row_number().over(ibis.window(group_by=keys, order_by=[ibis.desc(t.gmv),
                                                                                  t.creator_id])) + 1)
    t = t.filter(t.rank <= n)
    out = t.select(
        market=t.market, category_id=t.node_id, rank=t.rank, creator_id=t.creator_id,
        gmv_local=t.gmv, gmv_lower=t.gmv_lo, gmv_upper=t.gmv_hi,
        share=_ratio(t.gmv, t.t),
        share_lower=_ratio(t.gmv_lo, t.gmv_lo + t.t_hi - t.gmv_hi),
        share_upper=_ratio(t.gmv_hi, t.gmv_hi + t.t_lo - t.gmv_lo),
        units=t.units, units_lower=t.units_lower, units_upper=t.units_upper,
        videos=t.videos, lives=t.lives, products=t.products, growth=_ratio(t.gmv, t.q_gmv) - 1,
    ).order_by(["market", "category_id", "rank"]).to_pyarrow()
    out = _creator_labels(wh, out)
    out = add_names(out, sel)
    return convert(out, as_)


def _creator_labels(wh: Warehouse, out: pa.Table) -> pa.Table:
    ids = list(set(out.column("creator_id").to_pylist()))
    c = wh.table("creator")
    rows = c.filter(c.creator_id.isin(ids)).select("creator_id", "handle", "creator_type", "followers",
                                                   "shop_id").to_pyarrow().to_pylist() if ids else []
    by = {r["creator_id"]: r for r in rows}
    cids = out.column("creator_id").to_pylist()
    i = out.column_names.index("creator_id") + 1
    for k, (col, typ) in enumerate((("handle", pa.string()), ("creator_type", pa.string()),
                                    ("followers", pa.int64()), ("shop_id", pa.string()))):
        out = out.add_column(i + k, col, pa.array([by.get(x, {}).get(col) for x in cids], typ))
    return out
