"""Niche depth (``shopradar niche``): demand and supply at each level of an attribute path.

The seed article's argument: TikTok's recommender can only match a shopper to a product as finely as
supply allows. Down a path such as category → price tier → brand type → use scenario → gender, each
level splits demand and supply; where a level holds too few active products or shops, the recommender
stops matching there, so a product made for that over-narrow niche gets little natural traffic. Broad
"standard" products (a water cup, a digital watch) sit where demand is wide and supply is deep.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from shopradar.errors import DataError, UsageError
from shopradar.insights.common import category_subtree, product_dims, resolve_window, sales_table

DEFAULT_PATH: tuple[str, ...] = ("price_tier", "brand_type", "use_scenario", "gender")
MIN_PRODUCTS = 5
MIN_SHOPS = 3
BROAD_SHARE = 0.2


def niche(wh: Any, market: str, category: str | None = None, path: list[str] | tuple[str, ...] | None = None, *,
          start: dt.date | None = None, end: dt.date | None = None, days: int = 90,
          min_products: int = MIN_PRODUCTS, min_shops: int = MIN_SHOPS, broad_share: float = BROAD_SHARE,
          source: str = "estimate") -> pa.Table:
    """Demand and supply of ``category`` (and its sub-categories) in ``market`` at every level of ``path``.

    One row per node of the tree: ``level`` 0 is the whole category, level k splits it by the first k
    dimensions of ``path`` (product columns such as ``price_tier``, shop columns such as ``brand_type``,
    or keys of the product's JSON ``attributes`` such as ``use_scenario``). Columns: demand (GMV in US
    dollars, units), supply (active products and shops: those with sales in the window), demand per
    product and per shop, shares of the parent and the category, and flags:

    * ``thin`` — fewer than ``min_products`` active products or ``min_shops`` active shops: too thin for
      the recommender to match at this level;
    * ``matched_level`` — the deepest level on this branch the recommender can still match;
    * ``broad`` — at least ``broad_share`` of the category's demand with deep supply (standard products).
    """
    market = (market or "").strip().upper()
    if not market:
        raise UsageError("insights.size.no_market")
    dims = [d.strip() for d in (path if path is not None else DEFAULT_PATH) if d and d.strip()]
    clash = sorted(set(dims) & _RESERVED)
    if clash:
        raise UsageError("insights.bad_dimension", dim=clash[0])
    if len(set(dims)) != len(dims):
        raise UsageError("insights.niche.repeated_dim", path=" → ".join(dims))
    if min_products < 1 or min_shops < 1 or not 0 < broad_share <= 1:
        raise UsageError("insights.niche.bad_threshold")
    cats, cat_name = category_subtree(wh, category)
    sales = sales_table(wh, source)
    start, end = resolve_window(sales, market, start, end, days)
    window = sales.filter((sales.market == market) & (sales.date >= start) & (sales.date <= end))
    per_product = window.group_by("product_id").aggregate(
        units=window.units.sum(), gmv_usd=window.gmv_usd.sum())
    prods = product_dims(wh, dims)
    prods = prods.filter(prods.market == market)
    if cats is not None:
        prods = prods.filter(prods.category_id.isin(cats))
    joined = per_product.inner_join(prods, "product_id")
    joined = joined.filter(joined.units > 0)
    cols = [f"d_{d}" for d in dims]
    rows: list[dict[str, Any]] = []
    for level in range(len(dims) + 1):
        keys = cols[:level]
        agg = {"gmv_usd": joined.gmv_usd.sum(), "units": joined.units.sum(),
               "active_products": joined.product_id.nunique(), "active_shops": joined.shop_id.nunique()}
        expr = joined.group_by(keys).aggregate(**agg) if keys else joined.aggregate(**agg)
        for rec in expr.to_pyarrow().to_pylist():
            values = [rec[k] for k in keys]
            rows.append({"level": level, "values": values, **{k: rec[k] for k in agg}})
    if not rows or not rows[0]["active_products"]:
        raise DataError("insights.niche.no_data", market=market, category=category or "*",
                        start=str(start), end=str(end))
    total = rows[0]["gmv_usd"] or 0.0
    by_key = {tuple(r["values"]): r for r in rows}
    out = []
    for r in sorted(rows, key=lambda r: (tuple(r["values"]), r["level"])):
        vals = tuple(r["values"])
        parent = by_key.get(vals[:-1]) if vals else None
        thin = r["active_products"] < min_products or r["active_shops"] < min_shops
        matched = 0
        for k in range(1, len(vals) + 1):
            node = by_key[vals[:k]]
            if node["active_products"] < min_products or node["active_shops"] < min_shops:
                break
            matched = k
        share_cat = (r["gmv_usd"] or 0.0) / total if total else 0.0
        out.append({
            "market": market, "category": category or "", "category_name": cat_name,
            "level": r["level"], "dimension": dims[r["level"] - 1] if r["level"] else "",
            "value": vals[-1] if vals else "",
            "path": " / ".join(f"{d}={v}" for d, v in zip(dims, vals, strict=False)) or (cat_name or "*"),
            **{f"{d}": (vals[i] if i < len(vals) else None) for i, d in enumerate(dims)},
            "gmv_usd": float(r["gmv_usd"] or 0.0), "units": float(r["units"] or 0.0),
            "active_products": int(r["active_products"]), "active_shops": int(r["active_shops"]),
            "gmv_per_product": float(r["gmv_usd"] or 0.0) / r["active_products"],
            "gmv_per_shop": float(r["gmv_usd"] or 0.0) / r["active_shops"],
            "share_of_parent": ((r["gmv_usd"] or 0.0) / parent["gmv_usd"]) if parent and parent["gmv_usd"] else 1.0,
            "share_of_category": share_cat,
            "thin": bool(thin), "matched_level": matched if not thin or vals else 0,
            "broad": bool(r["level"] >= 1 and share_cat >= broad_share and not thin),
            "start": start, "end": end,
        })
    return pa.Table.from_pylist(out, schema=_schema(dims))


_RESERVED = {"market", "category", "category_name", "level", "dimension", "value", "path", "gmv_usd", "units",
             "active_products", "active_shops", "gmv_per_product", "gmv_per_shop", "share_of_parent",
             "share_of_category", "thin", "matched_level", "broad", "start", "end"}


def _schema(dims: list[str]) -> pa.Schema:
    return pa.schema([
        ("market", pa.string()), ("category", pa.string()), ("category_name", pa.string()),
        ("level", pa.int32()), ("dimension", pa.string()), ("value", pa.string()), ("path", pa.string()),
        *[(d, pa.string()) for d in dims],
        ("gmv_usd", pa.float64()), ("units", pa.float64()), ("active_products", pa.int64()),
        ("active_shops", pa.int64()), ("gmv_per_product", pa.float64()), ("gmv_per_shop", pa.float64()),
        ("share_of_parent", pa.float64()), ("share_of_category", pa.float64()), ("thin", pa.bool_()),
        ("matched_level", pa.int32()), ("broad", pa.bool_()), ("start", pa.date32()), ("end", pa.date32()),
    ])

