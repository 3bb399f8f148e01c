"""Question 4: at what price — GMV, units and supply by price band."""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa

from shopradar.cube.bands import QUANTILES, band_index_expr, check_mode, edges_for, labels_for
from shopradar.cube.filters import As, CubeFilter, convert, resolve
from shopradar.cube.market import _f, _ratio, add_names
from shopradar.cube.top import band_filter
from shopradar.cube.window import product_window
from shopradar.warehouse import Warehouse


def prices_view(wh: Warehouse, f: CubeFilter | None = None, *, mode: str = "fixed", as_: As = "arrow",
                lang: str | None = None) -> Any:
    """Per market × category × price band over the selected window.

    A product's price is its average price paid in the window (GMV ÷ units); it counts in one band.
    Columns: band (label, index, lowest and highest product price seen), GMV with bounds, GMV share,
    units with bounds, active products, product share, GMV per active product, and
    ``demand_supply`` = GMV share ÷ product share (above 1: demand outruns supply in that band).
    """
    mode = check_mode(mode)
    sel = resolve(wh, f, lang)
    pw = band_filter(product_window(wh, sel, sel.start, sel.end), sel)
    pw = pw.filter(pw.units > 0)
    if mode == "fixed":
        idx = ibis.literal(0)
        for m in sel.markets:
            edges, usd = edges_for(sel.currencies.get(m))
            price = _ratio(pw.gmv_usd if usd else pw.gmv_local, pw.units)
            idx = ibis.ifelse(pw.market == m, band_index_expr(price, edges), idx)
        pw = pw.mutate(band_index=idx, price=_ratio(pw.gmv_local, pw.units))
    else:
        price = _ratio(pw.gmv_local, pw.units)
        pw = pw.mutate(price=price)
        pw = pw.mutate(band_index=ibis.ntile(QUANTILES).over(
            ibis.window(group_by=["market", "node_id"], order_by=pw.price)))
    keys = ["market", "node_id"]
    g = pw.group_by([*keys, "band_index"]).aggregate(
        currency=pw.currency.max(), price_min=pw.price.min(), price_max=pw.price.max(),
        gmv_local=pw.gmv_local.sum(), gmv_lower=pw.gmv_lower.sum(), gmv_upper=pw.gmv_upper.sum(),
        gmv_usd=pw.gmv_usd.sum(), units=pw.units.sum(), units_lower=pw.units_lower.sum(),
        units_upper=pw.units_upper.sum(), products=pw.count())
    tot = g.group_by(keys).aggregate(t_gmv=g.gmv_local.sum(), t_lo=g.gmv_lower.sum(), t_hi=g.gmv_upper.sum(),
                                     t_products=g.products.sum())
    j = g.inner_join(tot, keys)
    gmv_share = _ratio(j.gmv_local, j.t_gmv)
    prod_share = _f(j.products) / _f(j.t_products)
    out = j.select(
        market=j.market, category_id=j.node_id, band_index=j.band_index, currency=j.currency,
        price_min=j.price_min, price_max=j.price_max,
        gmv_local=j.gmv_local, gmv_lower=j.gmv_lower, gmv_upper=j.gmv_upper, gmv_usd=j.gmv_usd,
        gmv_share=gmv_share,
        gmv_share_lower=_ratio(j.gmv_lower, _f(j.gmv_lower) + _f(j.t_hi) - _f(j.gmv_upper)),
        gmv_share_upper=_ratio(j.gmv_upper, _f(j.gmv_upper) + _f(j.t_lo) - _f(j.gmv_lower)),
        units=j.units, units_lower=j.units_lower, units_upper=j.units_upper,
        products=j.products, product_share=prod_share,
        gmv_per_product=_f(j.gmv_local) / _f(j.products),
        gmv_per_product_lower=_f(j.gmv_lower) / _f(j.products),
        gmv_per_product_upper=_f(j.gmv_upper) / _f(j.products),
        demand_supply=gmv_share / prod_share,
    ).order_by(["market", "category_id", "band_index"])
    arrow = out.to_pyarrow()
    labels = []
    for m, i in zip(arrow.column("market").to_pylist(), arrow.column("band_index").to_pylist(), strict=True):
        labels.append(labels_for(sel.currencies.get(m))[i] if mode == "fixed" else f"Q{i + 1}")
    arrow = arrow.add_column(arrow.column_names.index("band_index"), "band", pa.array(labels, pa.string()))
    arrow = add_names(arrow, sel)
    return convert(arrow, as_)
