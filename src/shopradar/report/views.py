"""The tables behind every chart of the report and the web app, computed with Ibis.

Each view is a function ``(wh, catalog, filters) -> pyarrow.Table`` registered in :data:`VIEWS`;
the report, the web pages, the JSON API and the CSV/XLSX downloads all read the same functions.
Money stays decimal (US dollars, so markets add up); estimated units are floats.

The views read the estimate table (``product_daily_sales``) joined with ``product``, ``shop`` and
``category``; the sections that belong to other stages (opportunities, niche depth, headroom,
compliance) come through :mod:`shopradar.report.external`.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from shopradar.report.filters import PRICE_BANDS, Catalog, Filters
from shopradar.warehouse import Warehouse

USD = "decimal(38,4)"
TOP_N = 20

ViewFn = Callable[[Warehouse, Catalog, Filters], pa.Table]


@dataclass(frozen=True)
class View:
    name: str
    fn: ViewFn
    section: str


VIEWS: dict[str, View] = {}


def view(name: str, section: str) -> Callable[[ViewFn], ViewFn]:
    def deco(fn: ViewFn) -> ViewFn:
        VIEWS[name] = View(name, fn, section)
        return fn

    return deco


# -- the filtered base ---------------------------------------------------------------------------------

def month_aligned(catalog: Catalog, f: Filters) -> bool:
    """True when the period starts on a 1st and ends on a month's last day (or at the data's end)."""
    ok_start = f.start is None or f.start.day == 1
    ok_end = f.end is None or (f.end + timedelta(days=1)).day == 1 or (catalog.last is not None
                                                                       and f.end >= catalog.last)
    return ok_start and ok_end


def uses_cube(catalog: Catalog, f: Filters) -> bool:
    """Product-level views read the cube's product × month sums when the cube is built and the
    period is whole months; otherwise the daily estimates (exact for any period, slower)."""
    return catalog.has_cube and month_aligned(catalog, f)


def _rows(wh: Warehouse, catalog: Catalog, f: Filters, daily: bool = False) -> ir.Table:
    """Product rows with one schema from either source: product × day estimates or product × month cube."""
    if uses_cube(catalog, f) and not daily:
        c = wh.table("cube_product_period")
        c = c.filter(c.period == "month")
        return c.select("product_id", "market", "shop_id", "category_id", "gmv_usd", "gmv_usd_lower",
                        "gmv_usd_upper", "units", "units_video", "units_live", "units_card",
                        date=c.period_start, flags=ibis.null("string"))
    s = wh.table("product_daily_sales")
    p = wh.table("product").select("product_id", p_shop="shop_id", p_cat="category_id")
    j = s.left_join(p, s.product_id == p.product_id)
    return j.select(s.product_id, s.market, j.p_shop.name("shop_id"), j.p_cat.name("category_id"), s.gmv_usd,
                    s.gmv_usd_lower, s.gmv_usd_upper, s.units, s.units_video, s.units_live, s.units_card, s.date,
                    s.flags)


_MEMO: OrderedDict[tuple[Any, ...], pa.Table] = OrderedDict()
_MEMO_SIZE = 3


def _memo(key: tuple[Any, ...], build: Callable[[], pa.Table]) -> pa.Table:
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    value = build()
    _MEMO[key] = value
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.popitem(last=False)
    return value


def _stamp(wh: Warehouse, catalog: Catalog) -> tuple[Any, ...]:
    try:
        mtime = os.stat(wh.path).st_mtime_ns
    except OSError:
        mtime = 0
    return (str(wh.path), id(wh), mtime, catalog.has_cube)


def _product_price(wh: Warehouse, catalog: Catalog) -> ir.Table:
    """Average price paid per unit (USD) of each product over everything estimated (computed once)."""
    def build() -> pa.Table:
        s = _rows(wh, catalog, Filters())
        agg = s.group_by("product_id").aggregate(gmv=s.gmv_usd.sum(), units=s.units.sum())
        return agg.select("product_id", price=ibis.ifelse(agg.units > 0, agg.gmv.cast("float64") / agg.units,
                                                          ibis.null())).to_pyarrow()

    return ibis.memtable(_memo(("price", *_stamp(wh, catalog)), build))


def per_product(wh: Warehouse, catalog: Catalog, f: Filters) -> ir.Table:
    """One row per product of the selection with its sums: every product-level view aggregates this
    (one scan of the estimates or the cube per selection instead of one per chart)."""
    def build() -> pa.Table:
        s = sales(wh, catalog, f)
        return s.group_by("product_id").aggregate(
            market=s.market.arbitrary(), shop_id=s.shop_id.arbitrary(), category_id=s.category_id.arbitrary(),
            gmv_usd=s.gmv_usd.sum(), gmv_usd_lower=s.gmv_usd_lower.sum(), gmv_usd_upper=s.gmv_usd_upper.sum(),
            units=s.units.sum(), units_video=s.units_video.sum(), units_live=s.units_live.sum(),
            units_card=s.units_card.sum(), rows=s.count(),
            flagged=s.count(where=s.flags.notnull() & (s.flags != "")), first=s.date.min(), last=s.date.max(),
        ).to_pyarrow()

    return ibis.memtable(_memo(("per", *_stamp(wh, catalog), f.with_(grain="month")), build))


def _band_expr(price: ir.FloatingValue) -> ir.StringValue:
    cases = []
    for band_id, lo, hi in PRICE_BANDS:
        cond = price >= float(lo)
        if hi is not None:
            cond = cond & (price < float(hi))
        cases.append((cond, band_id))
    return ibis.cases(*cases, else_=ibis.null())


def sales(wh: Warehouse, catalog: Catalog, f: Filters, daily: bool = False) -> ir.Table:
    """Product rows restricted to the filters (all values go in as Ibis literals, never as SQL text)."""
    s = _rows(wh, catalog, f, daily)
    if f.market:
        s = s.filter(s.market == f.market)
    if f.start:
        s = s.filter(s.date >= f.start)
    if f.end:
        s = s.filter(s.date <= f.end)
    if f.category:
        s = s.filter(s.category_id.isin(catalog.subtree(f.category)))
    if f.price_band:
        pp = _product_price(wh, catalog)
        banded = pp.filter(_band_expr(pp.price) == f.price_band).select("product_id")
        s = s.semi_join(banded, "product_id")
    return s


def _cols(s: ir.Table) -> dict[str, ir.Value]:
    """The per-product sums under the names the views return."""
    return {"gmv_usd": s.gmv_usd.cast(USD), "gmv_lower": s.gmv_usd_lower.cast(USD),
            "gmv_upper": s.gmv_usd_upper.cast(USD), "units": s.units}


def _sums(s: ir.Table) -> dict[str, ir.Value]:
    return {
        "gmv_usd": s.gmv_usd.sum().cast(USD),
        "gmv_lower": s.gmv_usd_lower.sum().cast(USD),
        "gmv_upper": s.gmv_usd_upper.sum().cast(USD),
        "units": s.units.sum(),
    }


def _empty(schema: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({k: pa.array([], v) for k, v in schema.items()})


# -- views -----------------------------------------------------------------------------------------------

@view("gmv_over_time", "overview")
def gmv_over_time(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """GMV (USD) per day, week or month with the sum of the estimates' lower and upper bounds."""
    if catalog.has_cube and not f.price_band:
        c = wh.table("cube_category_period")
        c = c.filter(c.period == "day")
        c = c.filter(c.category_id == f.category) if f.category else c.filter(c.level == 1)
        if f.market:
            c = c.filter(c.market == f.market)
        if f.start:
            c = c.filter(c.period_start >= f.start)
        if f.end:
            c = c.filter(c.period_start <= f.end)
        s = c.rename(date="period_start")
    else:
        s = sales(wh, catalog, f, daily=f.grain != "month")
    period = {"day": s.date, "week": s.date.truncate("W"), "month": s.date.truncate("M")}[f.grain]
    return s.group_by(period=period).aggregate(**_sums(s)).order_by("period").to_pyarrow()


@view("categories", "categories")
def categories(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """The selected category's children (or the top level) with GMV, bounds, units, products, shops, share."""
    children = catalog.children(f.category)
    if not children and f.category:
        children = [f.category]
    group_of: dict[str, str] = {}
    for child in children:
        for cid in catalog.subtree(child):
            group_of.setdefault(cid, child)
    schema = {"category_id": pa.string(), "gmv_usd": pa.decimal128(38, 4), "gmv_lower": pa.decimal128(38, 4),
              "gmv_upper": pa.decimal128(38, 4), "units": pa.float64(), "products": pa.int64(),
              "shops": pa.int64(), "share": pa.float64()}
    if not group_of:
        return _empty(schema)
    mapping = ibis.memtable(pa.table({"leaf_id": list(group_of), "group_id": list(group_of.values())}))
    s = per_product(wh, catalog, f)
    j = s.join(mapping, s.category_id == mapping.leaf_id)
    agg = j.group_by(category_id=j.group_id).aggregate(
        **_sums(j), products=j.count(), shops=j.shop_id.nunique())
    total = agg.gmv_usd.sum().over()
    agg = agg.mutate(share=ibis.ifelse(total > 0, agg.gmv_usd.cast("float64") / total.cast("float64"), 0.0))
    return agg.order_by(ibis.desc("gmv_usd")).to_pyarrow().select(list(schema))


def _shop_totals(wh: Warehouse, catalog: Catalog, f: Filters) -> ir.Table:
    s = per_product(wh, catalog, f)
    return s.group_by("shop_id").aggregate(**_sums(s), products=s.count())


@view("top_shops", "shops")
def top_shops(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """The shops with the most GMV: bounds, units, products, average price per unit (AOV proxy), share."""
    agg = _shop_totals(wh, catalog, f)
    total = agg.gmv_usd.sum().over()
    agg = agg.mutate(
        aov_usd=ibis.ifelse(agg.units > 0, (agg.gmv_usd.cast("float64") / agg.units), ibis.null()).round(2),
        share=ibis.ifelse(total > 0, agg.gmv_usd.cast("float64") / total.cast("float64"), 0.0),
    ).order_by([ibis.desc("gmv_usd"), "shop_id"]).limit(TOP_N)
    shop = wh.table("shop").select("shop_id", "name", "market", "seller_type", "brand_type")
    out = agg.left_join(shop, "shop_id").select(
        agg.shop_id, shop["name"], shop.market, shop.seller_type, agg.gmv_usd, agg.gmv_lower, agg.gmv_upper,
        agg.units, agg.products, agg.aov_usd, agg.share)
    return out.order_by([ibis.desc("gmv_usd"), "shop_id"]).to_pyarrow()


@view("top_products", "shops")
def top_products(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """The products with the most GMV, with their shop and average price paid."""
    s = per_product(wh, catalog, f)
    agg = s.select("product_id", **_cols(s))
    agg = agg.mutate(avg_price_usd=ibis.ifelse(agg.units > 0, agg.gmv_usd.cast("float64") / agg.units,
                                               ibis.null()).round(2))
    agg = agg.order_by([ibis.desc("gmv_usd"), "product_id"]).limit(TOP_N)
    p = wh.table("product").select("product_id", "title", "shop_id", "category_id", "market")
    shop = wh.table("shop").select("shop_id", shop_name="name")
    j = agg.left_join(p, "product_id").left_join(shop, p.shop_id == shop.shop_id)
    out = j.select("product_id", "title", "shop_name", "market", "category_id", "gmv_usd", "gmv_lower",
                   "gmv_upper", "units", "avg_price_usd")
    return out.order_by([ibis.desc("gmv_usd"), "product_id"]).to_pyarrow()


@view("price_bands", "prices")
def price_bands(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """GMV (demand) and number of selling products (supply) per price band, and demand ÷ supply."""
    s = per_product(wh, catalog, f)
    per = s.select("product_id", gmv=s.gmv_usd, units=s.units)
    per = per.filter(per.units > 0)
    per = per.mutate(band=_band_expr(per.gmv.cast("float64") / per.units))
    agg = per.group_by("band").aggregate(gmv_usd=per.gmv.sum().cast(USD), units=per.units.sum(),
                                         products=per.count())
    rows = {r["band"]: r for r in agg.to_pyarrow().to_pylist()}
    total_gmv = sum(float(r["gmv_usd"] or 0) for r in rows.values())
    total_products = sum(int(r["products"] or 0) for r in rows.values())
    out: dict[str, list] = {k: [] for k in ("band", "gmv_usd", "units", "products", "gmv_share", "product_share",
                                            "demand_per_supply")}
    from decimal import Decimal

    for band_id, _, _ in PRICE_BANDS:
        r = rows.get(band_id, {})
        gmv = r.get("gmv_usd") or Decimal(0)
        products = int(r.get("products") or 0)
        gshare = float(gmv) / total_gmv if total_gmv else 0.0
        pshare = products / total_products if total_products else 0.0
        out["band"].append(band_id)
        out["gmv_usd"].append(gmv)
        out["units"].append(float(r.get("units") or 0.0))
        out["products"].append(products)
        out["gmv_share"].append(gshare)
        out["product_share"].append(pshare)
        out["demand_per_supply"].append(round(gshare / pshare, 3) if pshare else None)
    return pa.table(out, schema=pa.schema([("band", pa.string()), ("gmv_usd", pa.decimal128(38, 4)),
                                           ("units", pa.float64()), ("products", pa.int64()),
                                           ("gmv_share", pa.float64()), ("product_share", pa.float64()),
                                           ("demand_per_supply", pa.float64())]))


@view("channel_mix", "channels")
def channel_mix(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """Units by channel: short video, LIVE, product card (shop tab, search), with shares."""
    s = per_product(wh, catalog, f)
    r = s.aggregate(video=s.units_video.sum(), live=s.units_live.sum(), card=s.units_card.sum()
                    ).to_pyarrow().to_pylist()[0]
    values = {k: float(r[k] or 0.0) for k in ("video", "live", "card")}
    total = sum(values.values())
    return pa.table({"channel": list(values), "units": list(values.values()),
                     "share": [v / total if total else 0.0 for v in values.values()]})


@view("concentration", "concentration")
def concentration(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """How concentrated GMV is among shops: CR5, CR10 (share of the top 5/10) and HHI (0–10,000)."""
    agg = _shop_totals(wh, catalog, f)
    total = agg.gmv_usd.sum().over()
    shares = agg.mutate(share=ibis.ifelse(total > 0, agg.gmv_usd.cast("float64") / total.cast("float64"), 0.0))
    ranked = shares.mutate(rank=ibis.row_number().over(order_by=ibis.desc(shares.share)))
    r = ranked.aggregate(
        shops=ranked.count(),
        cr5=ranked.share.sum(where=ranked["rank"] < 5),
        cr10=ranked.share.sum(where=ranked["rank"] < 10),
        hhi=(ranked.share * ranked.share).sum() * 10000,
    ).to_pyarrow().to_pylist()[0]
    return pa.table({"metric": ["shops", "cr5", "cr10", "hhi"],
                     "value": [float(r["shops"] or 0), float(r["cr5"] or 0), float(r["cr10"] or 0),
                               float(r["hhi"] or 0)]})


@view("quality", "quality")
def quality(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """Coverage, estimate bound widths, quarantined and flagged rows for the selection."""
    s = per_product(wh, catalog, f)
    p = wh.table("product")
    if f.market:
        p = p.filter(p.market == f.market)
    if f.category:
        p = p.filter(p.category_id.isin(catalog.subtree(f.category)))
    rel = (s.gmv_usd_upper - s.gmv_usd_lower).cast("float64") / s.gmv_usd.cast("float64")
    r = s.aggregate(
        estimated=s.count(), days=s["rows"].sum(), gmv=s.gmv_usd.sum().cast("float64"),
        lo=s.gmv_usd_lower.sum().cast("float64"), hi=s.gmv_usd_upper.sum().cast("float64"),
        median_rel=rel.approx_median(where=s.gmv_usd > 0), flagged=s.flagged.sum(),
    ).to_pyarrow().to_pylist()[0]
    products = int(p.count().to_pyarrow().as_py() or 0)
    snaps = wh.table("product_snapshot")
    if f.market:
        snaps = snaps.filter(snaps.market == f.market)
    n_snaps = int(snaps.count().to_pyarrow().as_py() or 0)
    n_quar = wh.count("quarantine")
    n_issue = wh.count("snapshot_issue")
    gmv = r["gmv"] or 0.0
    monthly = uses_cube(catalog, f)
    metrics = [
        ("products_seen", float(products)),
        ("products_estimated", float(r["estimated"] or 0)),
        ("coverage", (float(r["estimated"] or 0) / products) if products else 0.0),
        ("product_months" if monthly else "product_days", float(r["days"] or 0)),
        ("snapshots", float(n_snaps)),
        ("total_bounds_width", ((r["hi"] or 0.0) - (r["lo"] or 0.0)) / gmv if gmv else 0.0),
        ("median_bounds_width", float(r["median_rel"] or 0.0)),
        *([] if monthly else [("flagged_days", float(r["flagged"] or 0))]),
        ("quarantined_rows", float(n_quar)),
        ("snapshot_issues", float(n_issue)),
    ]
    return pa.table({"metric": [m for m, _ in metrics], "value": [v for _, v in metrics]})


@view("quarantine", "quality")
def quarantine(wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    """Rows set aside at ingest and snapshot rows set aside by estimation, by reason."""
    q = wh.table("quarantine")
    a = q.group_by(["target_table", "reason_code"]).aggregate(rows=q.count())
    si = wh.table("snapshot_issue")
    b = si.group_by(reason_code=si.flag).aggregate(rows=si.count()).mutate(target_table=ibis.literal("estimate"))
    both = a.select("target_table", "reason_code", "rows").union(b.select("target_table", "reason_code", "rows"))
    return both.order_by([ibis.desc("rows"), "reason_code"]).to_pyarrow()


def kpis(wh: Warehouse, catalog: Catalog, f: Filters) -> dict[str, object]:
    """Headline figures of the selection, with growth of the last period over the one before."""
    s = per_product(wh, catalog, f)
    r = s.aggregate(**_sums(s), products=s.count(), shops=s.shop_id.nunique(),
                    first=s["first"].min(), last=s["last"].max()).to_pyarrow().to_pylist()[0]
    if uses_cube(catalog, f) and r["last"] is not None:   # month starts → the data's real first/last day
        r["first"] = max(r["first"], f.start or catalog.first or r["first"])
        r["last"] = min(f.end or catalog.last or r["last"], catalog.last or r["last"])
    return r


def compute(name: str, wh: Warehouse, catalog: Catalog, f: Filters) -> pa.Table:
    return VIEWS[name].fn(wh, catalog, f)
