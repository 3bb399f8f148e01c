"""Helpers shared by niche depth and opportunities: categories, attribute dimensions, sales windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import ibis.expr.types as ir

from shopradar.errors import DataError, UsageError

#: dimensions read from the product table
PRODUCT_DIMS: tuple[str, ...] = ("price_tier", "brand", "category_id", "currency")
#: dimensions read from the shop table
SHOP_DIMS: tuple[str, ...] = ("seller_type", "fulfillment", "brand_type")
#: label for a product without a value on a dimension
NONE_LABEL = "(none)"


def category_subtree(wh: Any, category: str | None) -> tuple[list[str] | None, str]:
    """Ids of ``category`` and all its descendants (None = every category), and its display name.

    Raises :class:`DataError` when the id is neither in the category tree nor on any product.
    """
    if category is None or category == "":
        return None, ""
    cats = wh.table("category").select("category_id", "parent_id", "name_en").to_pyarrow().to_pylist()
    children: dict[str, list[str]] = {}
    names = {}
    for row in cats:
        children.setdefault(row["parent_id"], []).append(row["category_id"])
        names[row["category_id"]] = row["name_en"] or row["category_id"]
    if category not in names:
        prod = wh.table("product")
        if int(prod.filter(prod.category_id == category).count().execute()) == 0:
            raise DataError("insights.no_category", category=category)
        return [category], category
    out, stack = [], [category]
    while stack:
        cur = stack.pop()
        out.append(cur)
        stack.extend(children.get(cur, []))
    return out, names[category]


def product_dims(wh: Any, dims: list[str] | tuple[str, ...]) -> ir.Table:
    """``product`` with one string column per dimension (product column, shop column or JSON attribute)."""
    prod = wh.table("product")
    shop = wh.table("shop").select("shop_id", *SHOP_DIMS)
    base = prod.left_join(shop, prod.shop_id == shop.shop_id).select(
        prod.product_id, prod.market, prod.shop_id, prod.category_id, prod.price_tier, prod.brand,
        prod.currency, prod.attributes, prod.launch_date, *[shop[c] for c in SHOP_DIMS])
    attrs = base.attributes.try_cast("json")
    cols: dict[str, ir.Value] = {}
    for dim in dims:
        if not dim or not dim.replace("_", "").replace("-", "").isalnum():
            raise UsageError("insights.bad_dimension", dim=dim)
        node = attrs[dim]
        val = ibis.coalesce(node.str, node.cast("string"))
        if dim in PRODUCT_DIMS or dim in SHOP_DIMS:  # the product's own attribute first, then the column
            val = ibis.coalesce(val, base[dim].cast("string"))
        cols[f"d_{dim}"] = ibis.coalesce(val.nullif(""), ibis.literal(NONE_LABEL))
    return base.mutate(**cols)


def sales_table(wh: Any, source: str = "estimate") -> ir.Table:
    """Daily sales per product with ``units``, ``gmv_usd``, ``gmv_local``, ``units_content`` (video + LIVE).

    ``source="estimate"`` reads ``product_daily_sales``; ``"truth"`` the simulator's ``truth_daily_sales``
    (valued in US dollars through ``fx_rate`` when present, else 1:1 for USD markets).
    """
    if source == "estimate":
        est = wh.table("product_daily_sales")
        content = est.units_video.fill_null(0) + est.units_live.fill_null(0)
        return est.select(est.product_id, est.market, est.date, units=est.units,
                          gmv_usd=est.gmv_usd.cast("float64"), gmv_local=est.gmv_local.cast("float64"),
                          units_content=content)
    if source == "truth":
        tr = wh.table("truth_daily_sales")
        daily = tr.group_by(["product_id", "market", "date"]).aggregate(
            units=tr.units.sum().cast("float64"), gmv_local=tr.gmv_local.sum().cast("float64"),
            units_content=tr.units.sum(where=tr.channel.isin(["video", "live"])).fill_null(0).cast("float64"))
        prod = wh.table("product").select("product_id", "currency")
        fx = wh.table("fx_rate")
        j = daily.left_join(prod, "product_id").select(daily, prod.currency)
        j = j.left_join(fx, (j.currency == fx.currency) & (j.date == fx.date)).select(
            j, rate=fx.usd_per_unit.cast("float64"))
        usd = ibis.cases((j.currency == "USD", 1.0), else_=j.rate)
        return j.select("product_id", "market", "date", "units", "gmv_local", "units_content",
                        gmv_usd=j.gmv_local * usd)
    raise UsageError("insights.bad_source", source=source)


def resolve_window(sales: ir.Table, market: str | None, start: dt.date | None, end: dt.date | None,
                   days: int) -> tuple[dt.date, dt.date]:
    """``start``..``end`` (inclusive); without them the last ``days`` days that hold sales."""
    if end is None:
        sel = sales if market is None else sales.filter(sales.market == market)
        last = sel.date.max().execute()
        if last is None:
            raise DataError("insights.no_sales", market=market or "*")
        end = last.date() if hasattr(last, "date") and not isinstance(last, dt.date) else last
        if isinstance(end, dt.datetime):
            end = end.date()
    if start is None:
        start = end - dt.timedelta(days=days - 1)
    if start > end:
        raise UsageError("insights.bad_window", start=str(start), end=str(end))
    return start, end
