"""Question 2: who is winning — top shops and products (creators: :mod:`shopradar.cube.content`)."""

from __future__ import annotations

from typing import Any, Literal

import ibis
import pyarrow as pa

from shopradar.cube.bands import band_index_expr, edges_for, labels_for
from shopradar.cube.filters import As, CubeFilter, Selection, convert, resolve
from shopradar.cube.market import _f, _ratio, add_names
from shopradar.cube.orders import units_per_order
from shopradar.cube.window import previous_window, product_window
from shopradar.errors import UsageError
from shopradar.warehouse import Warehouse

Entity = Literal["shops", "products", "creators"]
ENTITIES: tuple[str, ...] = ("shops", "products", "creators")


def check_entity(what: str) -> str:
    w = (what or "").strip().lower()
    w = {"shop": "shops", "product": "products", "creator": "creators", "店铺": "shops", "商品": "products",
         "达人": "creators"}.get(w, w)
    if w not in ENTITIES:
        raise UsageError("cube.bad_entity", what=what, entities=", ".join(ENTITIES))
    return w


def band_filter(t: ibis.Table, sel: Selection) -> ibis.Table:
    """Keep products whose window price falls in the selected fixed band (validated per market)."""
    if not sel.price_band:
        return t
    preds = []
    for m in sel.markets:
        cur = sel.currencies.get(m)
        labels = labels_for(cur)
        if sel.price_band not in labels:
            raise UsageError("cube.bad_band", band=sel.price_band, bands=", ".join(labels))
        edges, usd = edges_for(cur)
        price = _ratio(t.gmv_usd if usd else t.gmv_local, t.units)
        preds.append((t.market == m) & (band_index_expr(price, edges) == labels.index(sel.price_band)))
    return t.filter(ibis.or_(*preds))


def _entity_window(wh: Warehouse, sel: Selection, what: str, start: Any, end: Any) -> ibis.Table:
    pw = band_filter(product_window(wh, sel, start, end), sel)
    if what == "products":
        return pw.mutate(key=pw.product_id, products=ibis.literal(1, "int64"))
    return pw.group_by(["market", "node_id", "shop_id"]).aggregate(
        currency=pw.currency.max(), **{c: pw[c].sum() for c in (
            "units", "units_lower", "units_upper", "gmv_local", "gmv_lower", "gmv_upper", "gmv_usd",
            "gmv_usd_lower", "gmv_usd_upper", "units_video", "units_live", "units_card")},
        products=(pw.units > 0).cast("int64").sum()).mutate(key=ibis._.shop_id)


def top_view(wh: Warehouse, what: str, f: CubeFilter | None = None, *, n: int = 10, as_: As = "arrow",
             lang: str | None = None) -> Any:
    """Top ``n`` shops, products or creators per market × category over the selected window.

    Columns: rank, GMV (local, USD) with bounds, share of the category's GMV with bounds, units,
    orders and AOV (market units-per-order basis), average price, channel mix, growth against
    the window of the same length just before.
    """
    what = check_entity(what)
    if n < 1:
        raise UsageError("cube.bad_n", n=n)
    if what == "creators":
        from shopradar.cube.content import top_creators

        return top_creators(wh, f, n=n, as_=as_, lang=lang)
    sel = resolve(wh, f, lang)
    cur = _entity_window(wh, sel, what, sel.start, sel.end)
    p0, p1 = previous_window(sel)
    prev = _entity_window(wh, sel, what, p0, p1)
    prev = prev.select(q_market=prev.market, q_node=prev.node_id, q_key=prev.key, q_gmv=prev.gmv_local)
    keys = ["market", "node_id"]
    tot = cur.group_by(keys).aggregate(t_gmv=cur.gmv_local.sum(), t_lo=cur.gmv_lower.sum(),
                                       t_hi=cur.gmv_upper.sum())
    t = cur.inner_join(tot, keys)
    t = t.left_join(prev, [t.market == prev.q_market, t.node_id == prev.q_node, t.key == prev.q_key])
    t = t.filter(t.gmv_local > 0)
    t = t.mutate(rank=ibis.row_number().over(ibis.window(group_by=keys, order_by=[ibis.desc(t.gmv_local),
                                                                                  t.key])) + 1)
    t = t.filter(t.rank <= n)
    upo = units_per_order(wh, sel.markets)
    upo_e = ibis.cases(*[(t.market == m, v[0]) for m, v in upo.items()], else_=1.0)
    ch = _f(t.units_video) + _f(t.units_live) + _f(t.units_card)
    cols: dict[str, Any] = {
        "market": t.market, "category_id": t.node_id, "rank": t.rank,
        ("product_id" if what == "products" else "shop_id"): t.key,
    }
    if what == "products":
        cols["shop_id"] = t.shop_id
    cols.update(
        currency=t.currency, gmv_local=t.gmv_local, gmv_lower=t.gmv_lower, gmv_upper=t.gmv_upper,
        gmv_usd=t.gmv_usd, gmv_usd_lower=t.gmv_usd_lower, gmv_usd_upper=t.gmv_usd_upper,
        share=_ratio(t.gmv_local, t.t_gmv),
        # bounds of a share x/(x+rest): lowest x with highest rest, and the reverse
        share_lower=_ratio(t.gmv_lower, _f(t.gmv_lower) + _f(t.t_hi) - _f(t.gmv_upper)),
        share_upper=_ratio(t.gmv_upper, _f(t.gmv_upper) + _f(t.t_lo) - _f(t.gmv_lower)),
        units=t.units, units_lower=t.units_lower, units_upper=t.units_upper,
        orders=t.units / upo_e, aov=_ratio(t.gmv_local, t.units / upo_e),
        aov_lower=_ratio(t.gmv_lower, t.units_upper / upo_e), aov_upper=_ratio(t.gmv_upper, t.units_lower / upo_e),
        avg_price=_ratio(t.gmv_local, t.units),
        video_share=_ratio(t.units_video, ch), live_share=_ratio(t.units_live, ch), card_share=_ratio(t.units_card, ch),
        products=t.products,
        growth=_ratio(t.gmv_local, t.q_gmv) - 1,
    )
    if what == "shops":
        cols.pop("shop_id")
        cols = {"market": cols.pop("market"), "category_id": cols.pop("category_id"), "rank": cols.pop("rank"),
                "shop_id": t.key, **cols}
    out = t.select(**cols).order_by(["market", "category_id", "rank"]).to_pyarrow()
    if what == "products":
        out = out.drop_columns(["products"])
        out = _add_acceleration(wh, out)
        out = _add_labels(wh, out, "product")
    out = _add_labels(wh, out, "shop")
    out = add_names(out, sel)
    return convert(out, as_)


def _add_labels(wh: Warehouse, out: pa.Table, kind: str) -> pa.Table:
    if out.num_rows == 0:
        col = "title" if kind == "product" else "shop_name"
        return out.add_column(out.column_names.index(f"{kind}_id") + 1, col, pa.array([], pa.string()))
    ids = list(set(out.column(f"{kind}_id").to_pylist()))
    if kind == "product":
        p = wh.table("product")
        rows = p.filter(p.product_id.isin(ids)).select("product_id", "title", "price_tier").to_pyarrow().to_pylist()
        title = {r["product_id"]: r["title"] for r in rows}
        tier = {r["product_id"]: r["price_tier"] for r in rows}
        i = out.column_names.index("product_id") + 1
        pids = out.column("product_id").to_pylist()
        out = out.add_column(i, "title", pa.array([title.get(x) for x in pids], pa.string()))
        return out.add_column(i + 1, "price_tier", pa.array([tier.get(x) for x in pids], pa.string()))
    s = wh.table("shop")
    rows = s.filter(s.shop_id.isin(ids)).select("shop_id", "name", "is_own").to_pyarrow().to_pylist()
    name = {r["shop_id"]: r["name"] for r in rows}
    own = {r["shop_id"]: r["is_own"] for r in rows}
    sids = out.column("shop_id").to_pylist()
    i = out.column_names.index("shop_id") + 1
    out = out.add_column(i, "shop_name", pa.array([name.get(x) for x in sids], pa.string()))
    return out.add_column(i + 1, "is_own", pa.array([bool(own.get(x)) for x in sids], pa.bool_()))


def _add_acceleration(wh: Warehouse, out: pa.Table) -> pa.Table:
    """Per product: units of its market's last 7 days ÷ last 90 days (as of the window's last data day)."""
    if out.num_rows == 0:
        return out.append_column("acceleration", pa.array([], pa.float64()))
    st = wh.table("cube_state")
    last = {r["market"]: r["d"] for r in st.group_by("market").aggregate(d=st.date.max()).to_pyarrow().to_pylist()}
    s = wh.table("product_daily_sales")
    preds = []
    from datetime import timedelta

    pids = list(set(out.column("product_id").to_pylist()))
    for m, d in last.items():
        preds.append((s.market == m) & s.date.between(d - timedelta(days=89), d))
    s = s.filter(ibis.or_(*preds), s.product_id.isin(pids))
    lastd = ibis.cases(*[(s.market == m, d) for m, d in last.items()], else_=ibis.null("date"))
    agg = s.group_by("product_id").aggregate(
        u7=s.units.sum(where=s.date > (lastd - ibis.interval(days=7))), u90=s.units.sum())
    rows = {r["product_id"]: ((r["u7"] or 0.0) / r["u90"] if r["u90"] else None) for r in agg.to_pyarrow().to_pylist()}
    return out.append_column("acceleration", pa.array([rows.get(p) for p in out.column("product_id").to_pylist()],
                                                      pa.float64()))
