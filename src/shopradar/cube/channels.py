"""Question 3: how a category sells — channel mix, affiliates vs own accounts, creator figures."""

from __future__ import annotations

from typing import Any

from shopradar.cube.content import content_figures
from shopradar.cube.filters import As, CubeFilter, convert, resolve
from shopradar.cube.market import _f, _ratio, add_names, category_rows
from shopradar.cube.periods import end_expr
from shopradar.errors import UsageError
from shopradar.warehouse import Warehouse


def channels_view(wh: Warehouse, f: CubeFilter | None = None, *, as_: As = "arrow", lang: str | None = None) -> Any:
    """Per market × category × period: units and GMV by channel (short video, LIVE, product card and
    other) with bounds, affiliate vs shop-account share of video/LIVE units, active creators, videos
    and LIVEs, creator saturation and top-video concentration.

    GMV by channel = GMV × the channel's share of units (prices assumed equal across channels);
    bounds scale the same way.
    """
    sel = resolve(wh, f, lang)
    if sel.price_band:
        raise UsageError("cube.band_not_here", view="channels")
    t = category_rows(wh, sel)
    t = t.filter(t.period_start.between(sel.start, sel.end))
    cf = content_figures(wh, sel)
    t = t.left_join(cf, [t.market == cf.market, t.category_id == cf.node_id, t.period_start == cf.ps])
    ch = _f(t.units_video) + _f(t.units_live) + _f(t.units_card)
    cols: dict[str, Any] = {
        "market": t.market, "category_id": t.category_id, "period": t.period, "period_start": t.period_start,
        "period_end": end_expr(t.period_start, sel.period), "currency": t.currency,
        "units": t.units, "units_lower": t.units_lower, "units_upper": t.units_upper,
        "gmv_local": t.gmv_local, "gmv_lower": t.gmv_lower, "gmv_upper": t.gmv_upper,
    }
    for name in ("video", "live", "card"):
        share = _ratio(t[f"units_{name}"], ch)
        cols[f"{name}_share"] = share
        cols[f"units_{name}"] = t[f"units_{name}"]
        cols[f"gmv_{name}"] = _f(t.gmv_local) * share
        cols[f"gmv_{name}_lower"] = _f(t.gmv_lower) * share
        cols[f"gmv_{name}_upper"] = _f(t.gmv_upper) * share
    creators = t.creators.fill_null(0)
    cols.update(
        affiliate_share=_ratio(t.affiliate_units, t.content_units),
        own_account_share=1.0 - _ratio(t.affiliate_units, t.content_units),
        creators=creators, videos=t.videos.fill_null(0), lives=t.lives.fill_null(0),
        products=t.products,
        creators_per_product=_ratio(creators, t.products),
        creators_per_1k_units=_ratio(creators * 1000, t.units),
        creators_per_1k_units_lower=_ratio(creators * 1000, t.units_upper),
        creators_per_1k_units_upper=_ratio(creators * 1000, t.units_lower),
        top_video_share=t.top_video_share,
    )
    out = t.select(**cols).order_by(["market", "category_id", "period_start"]).to_pyarrow()
    out = add_names(out, sel)
    return convert(out, as_)
