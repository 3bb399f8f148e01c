"""Step 4: split each product-day's units by channel (short video, LIVE, product card).

Where the product's videos or LIVE rooms were crawled, their own "sold" counters say how many
units each sold: the rise of a video's counter between two readings (its first reading counts
from 0) is put on the local day of the later reading, summed per product and day. A day's
video and LIVE units are capped by the day's total (scaled down together when they exceed it);
the rest is product card, shop tab and search (``channel_basis = observed``).

Products with no video or LIVE readings at all get their category's mix (``category_mix``):
the video and LIVE counters' rise over the product counters' rise, summed over the category's
products that have such readings (then the market's, when the category has none). The mix is
computed from the whole warehouse and rounded, and it is part of the reference fingerprint, so
an incremental run gives the same result as a full one.
"""

from __future__ import annotations

import ibis
import pyarrow as pa

from shopradar.estimate.reference import DAY
from shopradar.warehouse import Warehouse


def _rises(snap: ibis.Table, part: list[str]) -> ibis.Table:
    """Rise of each counter between consecutive readings (first reading: from 0)."""
    s = snap.filter(snap.sold_lower.notnull() & (snap.sold_lower >= 0) & snap.observed_at.notnull())
    mid = (s.sold_lower.cast("float64") + ibis.coalesce(s.sold_upper, s.sold_lower).cast("float64")) / 2.0
    s = s.mutate(mid=mid)
    w = ibis.window(group_by=part, order_by="observed_at")
    return s.mutate(rise=ibis.greatest(s.mid - s.mid.lag().over(w).fill_null(0.0), 0.0))


def observed_units(wh: Warehouse, offsets: ibis.Table) -> ibis.Table:
    """Video and LIVE units per product and local day number: ``o_pid, o_day, o_video, o_live``."""
    video = wh.table("video").select("video_id", v_pid="product_id", v_market="market")
    vs = wh.table("video_snapshot")
    vs = vs.join(video, vs.video_id == video.video_id)
    vr = _rises(vs, ["video_id"]).select(pid="v_pid", market="v_market", at="observed_at", video="rise",
                                         live=ibis.literal(0.0))
    ls = wh.table("live_snapshot")
    prod = wh.table("product").select(p_pid="product_id", p_market="market")
    ls = ls.left_join(prod, ls.product_id == prod.p_pid)
    lr = _rises(ls, ["live_id", "product_id"]).select(pid="product_id", market="p_market", at="observed_at",
                                                      video=ibis.literal(0.0), live="rise")
    both = vr.union(lr)
    utc_day = (both.at.epoch_seconds() // DAY).cast("int64")
    both = both.left_join(offsets, [both.market == offsets.o_market, utc_day == offsets.o_day])
    day = ((both.at.epoch_seconds().cast("float64") + both.o_offset.fill_null(0.0)) / DAY).floor().cast("int64")
    both = both.mutate(day=day)
    return both.group_by([both.pid, both.day]).aggregate(o_video=both.video.sum(), o_live=both.live.sum()) \
        .rename(o_pid="pid", o_day="day")


def category_mix(wh: Warehouse) -> dict[tuple[str, str], tuple[float, float]]:
    """(market, category or '*') → (video share, LIVE share) from products with video/LIVE readings."""
    video = wh.table("video").select("video_id", v_pid="product_id")
    vs = wh.table("video_snapshot")
    vs = vs.join(video, vs.video_id == video.video_id)
    vmid = (vs.sold_lower + ibis.coalesce(vs.sold_upper, vs.sold_lower)).cast("float64") / 2.0
    v = vs.filter(vs.sold_lower.notnull()).mutate(mid=vmid)
    per_video = v.group_by(["v_pid", "video_id"]).aggregate(top=v.mid.max())
    vsum = per_video.group_by("v_pid").aggregate(vu=per_video.top.sum())
    ls = wh.table("live_snapshot")
    lmid = (ls.sold_lower + ibis.coalesce(ls.sold_upper, ls.sold_lower)).cast("float64") / 2.0
    lv = ls.filter(ls.sold_lower.notnull()).mutate(mid=lmid)
    per_live = lv.group_by(["product_id", "live_id"]).aggregate(top=lv.mid.max())
    lsum = per_live.group_by("product_id").aggregate(lu=per_live.top.sum()).rename(l_pid="product_id")
    ps = wh.table("product_snapshot")
    ps = ps.filter(ps.sold_lower.notnull() & ps.sold_upper.notnull())
    pmid = (ps.sold_lower + ps.sold_upper).cast("float64") / 2.0
    ps = ps.mutate(mid=pmid)
    rise = ps.group_by("product_id").aggregate(pu=ps.mid.argmax(ps.observed_at) - ps.mid.argmin(ps.observed_at),
                                               market=ps.market.arbitrary())
    prod = wh.table("product").select(c_pid="product_id", category_id="category_id")
    j = rise.left_join(vsum, rise.product_id == vsum.v_pid).left_join(lsum, rise.product_id == lsum.l_pid)
    j = j.left_join(prod, j.product_id == prod.c_pid)
    j = j.mutate(vu=j.vu.fill_null(0.0), lu=j.lu.fill_null(0.0))
    j = j.filter(((j.vu + j.lu) > 0) & (j.pu > 0))
    rows = j.group_by(["market", "category_id"]).aggregate(vu=j.vu.sum(), lu=j.lu.sum(), pu=j.pu.sum()) \
        .to_pyarrow().to_pylist()
    mix: dict[tuple[str, str], tuple[float, float]] = {}
    totals: dict[str, list[float]] = {}
    for r in rows:
        if not r["market"]:
            continue
        t = totals.setdefault(r["market"], [0.0, 0.0, 0.0])
        t[0] += r["vu"]
        t[1] += r["lu"]
        t[2] += max(r["pu"], r["vu"] + r["lu"])
        mix[(r["market"], r["category_id"] or "")] = _shares(r["vu"], r["lu"], r["pu"])
    for market, (vu, lu, pu) in totals.items():
        mix[(market, "*")] = _shares(vu, lu, pu)
    return mix


def _shares(vu: float, lu: float, pu: float) -> tuple[float, float]:
    total = max(pu, vu + lu)
    if total <= 0:
        return (0.0, 0.0)
    return (float(f"{vu / total:.2f}"), float(f"{lu / total:.2f}"))


def channel_shares(dy: ibis.Table, observed: ibis.Table, products: ibis.Table,
                   mix: dict[tuple[str, str], tuple[float, float]]) -> ibis.Table:
    """``dy`` (days with ``product_id, d, units, market``) with the shares ``c_video, c_live, c_card``
    and ``c_basis`` added. The tables joined to the days are small (readings of videos and LIVE
    rooms, products, the mix), so the days stream through without a join on their own size."""
    has_obs = observed.select(h_pid=observed.o_pid).distinct()
    j = dy.left_join(observed, [dy.product_id == observed.o_pid, dy.d == observed.o_day])
    j = j.left_join(has_obs, j.product_id == has_obs.h_pid)
    p = products.select(m_pid="product_id", m_cat="category_id")
    j = j.left_join(p, j.product_id == p.m_pid)
    ov, ol = j.o_video.fill_null(0.0), j.o_live.fill_null(0.0)
    scale = ibis.ifelse((ov + ol) > j.units, j.units / ibis.greatest(ov + ol, 1e-9), 1.0)
    units_pos = j.units > 0
    obs_v = ibis.ifelse(units_pos, ov * scale / ibis.greatest(j.units, 1e-9), 0.0)
    obs_l = ibis.ifelse(units_pos, ol * scale / ibis.greatest(j.units, 1e-9), 0.0)
    cats = [(m, c, v, lv) for (m, c), (v, lv) in sorted(mix.items()) if c != "*"]
    mkts = [(m, v, lv) for (m, c), (v, lv) in sorted(mix.items()) if c == "*"]
    cat_t = ibis.memtable(pa.table({
        "x_market": pa.array([r[0] for r in cats], pa.string()), "x_cat": pa.array([r[1] for r in cats], pa.string()),
        "x_v": pa.array([r[2] for r in cats], pa.float64()), "x_l": pa.array([r[3] for r in cats], pa.float64())}))
    mkt_t = ibis.memtable(pa.table({
        "y_market": pa.array([r[0] for r in mkts], pa.string()),
        "y_v": pa.array([r[1] for r in mkts], pa.float64()), "y_l": pa.array([r[2] for r in mkts], pa.float64())}))
    j = j.left_join(cat_t, [j.market == cat_t.x_market, j.m_cat == cat_t.x_cat])
    j = j.left_join(mkt_t, j.market == mkt_t.y_market)
    mv = ibis.coalesce(j.x_v, j.y_v)
    ml = ibis.coalesce(j.x_l, j.y_l)
    observed_basis = j.h_pid.notnull()
    v = ibis.ifelse(observed_basis, obs_v, mv)
    lv = ibis.ifelse(observed_basis, obs_l, ml)
    basis = ibis.ifelse(observed_basis, "observed", ibis.ifelse(mv.notnull(), "category_mix", "none"))
    return j.select(*dy.columns, c_video=v, c_live=lv,
                    c_card=ibis.ifelse(v.notnull(), 1.0 - v - lv, ibis.null("float64")), c_basis=basis)
