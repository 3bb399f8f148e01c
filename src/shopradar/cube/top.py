"""Question 2: who is winning — top shops and products (creators: :mod:`shopradar.cube.content`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from shopradar.cube.bands import band_index_expr, edges_for, labels_for
from shopradar.cube.build import _products
from shopradar.cube.categories import UNKNOWN
from shopradar.cube.filters import As, CubeFilter, Selection, convert, resolve
from shopradar.cube.market import _f, _ratio, add_names
from shopradar.cube.orders import units_per_order_table
from shopradar.cube.periods import start_of
from shopradar.cube.ranked import K, recent_expr
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


def _entity_window(wh: Warehouse, sel: Selection, what: str, start: Any, end: Any,
                   products: ibis.Table | None = None) -> ibis.Table:
    pw = band_filter(product_window(wh, sel, start, end, products), sel)
    if what == "products":
        return pw.mutate(key=pw.product_id, products=ibis.literal(1, "int64"))
    return pw.group_by(["market", "node_id", "shop_id"]).aggregate(
        currency=pw.currency.max(), **{c: pw[c].sum() for c in (
            "units", "units_lower", "units_upper", "gmv_local", "gmv_lower", "gmv_upper", "gmv_usd",
            "gmv_usd_lower", "gmv_usd_upper", "units_video", "units_live", "units_card")},
        products=(pw.units > 0).cast("int64").sum()).mutate(key=ibis._.shop_id)


def _filled(wh: Warehouse, name: str) -> bool:
    """Whether table ``name`` exists (a read-only warehouse from before it was declared lacks it) and has rows."""
    return name in wh.con.list_tables() and wh.count(name) > 0


def _category_totals(wh: Warehouse, sel: Selection) -> ibis.Table:
    """Per market × node: GMV and its bounds over the window, from ``cube_category_period``."""
    c = wh.table("cube_category_period")
    c = c.filter(c.market.isin(sel.markets), c.period == sel.period, c.category_id.isin(sel.nodes),
                 c.period_start.between(sel.start, sel.end))
    return c.group_by([c.market, c.category_id.name("node_id")]).aggregate(
        t_gmv=c.gmv_local.sum(), t_lo=c.gmv_lower.sum(), t_hi=c.gmv_upper.sum())


def _fast_candidates(wh: Warehouse, sel: Selection, what: str, n: int) -> tuple[pa.Table | None, ibis.Table | None,
                                                                                list[str]]:
    """Window sums of the candidates from ``cube_top`` for the categories where they provably hold
    the exact top ``n``: (rows, products they cover, those categories).

    A product (shop) outside the top :data:`K` of every period covering the window sells at most the
    K-th GMV of each period there, so at most their sum (the bound) over the window. Where the n-th
    best candidate's exact window GMV is above the bound, no other product (shop) can reach the top
    ``n``; where every period held fewer than K sellers, every seller is a candidate. Assumes
    estimated GMV is never negative. Other categories return to the full scan.
    """
    if sel.price_band or n > K or not sel.nodes or not _filled(wh, "cube_top"):
        return None, None, []
    kind = "week" if sel.period == "day" else sel.period  # day windows: the weeks covering them
    top = wh.table("cube_top")
    top = top.filter(top.market.isin(sel.markets), top.period == kind,
                     top.period_start.between(start_of(sel.start, kind), sel.end), top.category_id.isin(sel.nodes),
                     top.entity == ("product" if what == "products" else "shop"))
    per = top.group_by(["market", "category_id", "period_start"]).aggregate(cnt=top.count(), kth=top.gmv_local.min())
    per = per.mutate(b=ibis.ifelse(per.cnt >= K, per.kth, 0))
    # a candidate's window GMV is at most the bound plus its excess over each period's K-th GMV:
    # unless n candidates have an excess, no proof is possible, so do not read their sums at all
    x = top.inner_join(per, ["market", "category_id", "period_start"])
    ex = x.group_by(["market", "category_id", "entity_id"]).aggregate(e=(x.gmv_local - x.b).sum())
    ex = ex.filter(ex.e > 0)
    ex = ex.group_by(["market", "category_id"]).aggregate(k=ex.count())
    b = per.group_by(["market", "category_id"]).aggregate(bound=per.b.sum())
    b = b.left_join(ex, ["market", "category_id"])
    bounds, hopeful = {}, {}
    for r in b.to_pyarrow().to_pylist():
        bounds[(r["market"], r["category_id"])] = r["bound"]
        hopeful[(r["market"], r["category_id"])] = not r["bound"] or (r["k"] or 0) >= n
    # a category without any seller in the covering periods has nothing to rank: hopeful too
    nodes = [x for x in sel.nodes if all(hopeful.get((m, x), True) for m in sel.markets)]
    if not nodes:
        return None, None, []
    sel = replace(sel, nodes=nodes)
    top = top.filter(top.category_id.isin(nodes))
    keys = top.select(k=top.entity_id).distinct()
    if what == "products":
        prods = keys.select(product_id=keys.k)
    else:
        pr = _products(wh)
        pr = pr.mutate(s=pr.p_shop.fill_null(UNKNOWN))
        prods = pr.semi_join(keys, pr.s == keys.k).select("product_id")
    prods = ibis.memtable(prods.distinct().to_pyarrow())
    cur = _entity_window(wh, sel, what, sel.start, sel.end, prods).to_pyarrow()
    vals: dict[tuple[str, str], list[tuple[Any, str]]] = {}
    for m, node, key, g in zip(*(cur.column(c).to_pylist() for c in ("market", "node_id", "key", "gmv_local")),
                               strict=True):
        if g is not None and g > 0:
            vals.setdefault((m, node), []).append((g, key))
    exact = []
    for node in sel.nodes:
        ok = True
        for m in sel.markets:
            b = bounds.get((m, node)) or 0
            v = sorted(vals.get((m, node), []), key=lambda x: (-x[0], x[1]))
            if b > 0 and not (len(v) >= n and v[n - 1][0] > b):
                ok = False
        if ok:
            exact.append(node)
    if not exact:
        return None, None, []
    cur = cur.filter(pc.is_in(cur.column("node_id"), pa.array(exact, pa.string())))
    return cur, prods, exact


def _ranked(wh: Warehouse, sel: Selection, what: str, n: int, cur: ibis.Table, tot: ibis.Table,
            products: ibis.Table | None) -> ibis.Table:
    """The top ``n`` rows per market × node of ``cur`` with totals and the previous window's GMV."""
    p0, p1 = previous_window(sel)
    prev = _entity_window(wh, sel, what, p0, p1, products)
    prev = prev.select(q_market=prev.market, q_node=prev.node_id, q_key=prev.key, q_gmv=prev.gmv_local)
    keys = ["market", "node_id"]
    t = cur.inner_join(tot, keys)
    t = t.left_join(prev, [t.market == prev.q_market, t.node_id == prev.q_node, t.key == prev.q_key])
    t = t.filter(t.gmv_local > 0)
    t = t.mutate(rank=ibis.row_number().over(ibis.window(group_by=keys, order_by=[ibis.desc(t.gmv_local),
                                                                                  t.key])) + 1)
    return t.filter(t.rank <= n)


def top_view(wh: Warehouse, what: str, f: CubeFilter | None = None, *, n: int = 10, as_: As = "arrow",
             lang: str | None = None, fast: bool = True, units_per_order: float | None = None) -> Any:
    """Top ``n`` shops, products or creators per market × category over the selected window.

    Columns: rank, GMV (local, USD) with bounds, share of the category's GMV with bounds, units,
    orders and AOV (market units-per-order basis), average price, channel mix, growth against
    the window of the same length just before. ``fast=False`` skips the pre-ranked table
    ``cube_top`` and reads every product (same answer; for tests and benchmarks). ``units_per_order``
    overrides the units per order behind orders and AOV (see :mod:`shopradar.cube.orders`).
    """
    what = check_entity(what)
    if n < 1:
        raise UsageError("cube.bad_n", n=n)
    if what == "creators":
        from shopradar.cube.content import top_creators

        return top_creators(wh, f, n=n, as_=as_, lang=lang)
    sel = resolve(wh, f, lang)
    parts = []
    rest = sel.nodes
    if fast:
        rows, prods, exact = _fast_candidates(wh, sel, what, n)
        if rows is not None:
            sub = replace(sel, nodes=exact)
            parts.append(_select(wh, sub, what, units_per_order, _ranked(wh, sub, what, n, ibis.memtable(rows),
                                                        _category_totals(wh, sub), prods)))
            rest = [x for x in sel.nodes if x not in set(exact)]
    if rest or not parts:
        sub = replace(sel, nodes=rest)
        cur = _entity_window(wh, sub, what, sub.start, sub.end)
        tot = cur.group_by(["market", "node_id"]).aggregate(t_gmv=cur.gmv_local.sum(), t_lo=cur.gmv_lower.sum(),
                                                            t_hi=cur.gmv_upper.sum())
        parts.append(_select(wh, sub, what, units_per_order, _ranked(wh, sub, what, n, cur, tot, None)))
    out = parts[0] if len(parts) == 1 else pa.concat_tables([p.cast(parts[0].schema) for p in parts])
    if len(parts) > 1:
        out = out.sort_by([("market", "ascending"), ("category_id", "ascending"), ("rank", "ascending")])
    if what == "products":
        out = out.drop_columns(["products"])
        out = _add_acceleration(wh, out)
        out = _add_labels(wh, out, "product")
    out = _add_labels(wh, out, "shop")
    out = add_names(out, sel)
    return convert(out, as_)


def _select(wh: Warehouse, sel: Selection, what: str, override: float | None, t: ibis.Table) -> pa.Table:
    upo = units_per_order_table(wh, sel, override)
    t = t.left_join(upo, [t.market == upo.u_market, t.node_id == upo.u_node])
    upo_e = t.units_per_order.fill_null(1.0)
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
        orders=t.units / upo_e, orders_basis=t.orders_basis, units_per_order=upo_e,
        aov=_ratio(t.gmv_local, t.units / upo_e),
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
    return t.select(**cols).order_by(["market", "category_id", "rank"]).to_pyarrow()


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
    """Per product: units of its market's last 7 days ÷ last 90 days (as of the cube's last day),
    from ``cube_product_recent``."""
    if out.num_rows == 0:
        return out.append_column("acceleration", pa.array([], pa.float64()))
    pids = list(set(out.column("product_id").to_pylist()))
    # a cube built before cube_product_recent existed: the same figures from the estimates
    r = wh.table("cube_product_recent") if _filled(wh, "cube_product_recent") else recent_expr(wh)
    if r is None:
        return out.append_column("acceleration", pa.nulls(out.num_rows, pa.float64()))
    r = r.filter(r.product_id.isin(pids))
    agg = r.group_by("product_id").aggregate(u7=r.units_7d.sum(), u90=r.units_90d.sum())
    rows = {x["product_id"]: ((x["u7"] or 0.0) / x["u90"] if x["u90"] else None) for x in agg.to_pyarrow().to_pylist()}
    return out.append_column("acceleration", pa.array([rows.get(p) for p in out.column("product_id").to_pylist()],
                                                      pa.float64()))
