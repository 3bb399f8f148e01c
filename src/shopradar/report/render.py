"""Turn view tables into what the templates show: sections with tiles, charts, bars and tables.

The same section builders feed the HTML report (all sections in one file) and the web app (a few
sections per page, with drill-down links and downloads). Every value is formatted here into plain
strings; the templates print them through Jinja2's autoescaping, so untrusted titles and shop names
stay text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from shopradar.i18n import t
from shopradar.report import external, fmt
from shopradar.report.charts import Point, time_chart
from shopradar.report.filters import Catalog, Filters
from shopradar.report.views import compute, kpis
from shopradar.warehouse import Warehouse

SECTIONS: tuple[str, ...] = ("overview", "categories", "shops", "own_shop", "prices", "channels", "concentration",
                             "opportunities", "niche", "headroom", "compliance", "quality")
# which view tables each section shows (and offers for download in the app)
SECTION_VIEWS: dict[str, tuple[str, ...]] = {
    "overview": ("gmv_over_time",), "categories": ("categories",), "shops": ("top_shops", "top_products"),
    "prices": ("price_bands",), "channels": ("channel_mix",), "concentration": ("concentration",),
    "own_shop": ("own_shop",), "opportunities": ("opportunities",), "niche": ("niche",),
    "headroom": ("headroom",), "compliance": ("compliance",), "quality": ("quality", "quarantine"),
}

UrlFn = Callable[..., str]


@dataclass
class Ctx:
    wh: Warehouse
    catalog: Catalog
    filters: Filters
    lang: str
    mode: str = "report"                      # "report" or "app"
    url: UrlFn | None = None                  # app only: url(**filter_changes) for drill-down links
    cache: dict[str, pa.Table] = field(default_factory=dict)

    def tr(self, key: str, **params: Any) -> str:
        return t(key, lang=self.lang, **params)

    def table(self, name: str) -> pa.Table:
        if name not in self.cache:
            self.cache[name] = compute_any(name, self.wh, self.catalog, self.filters, self.lang)
        return self.cache[name]

    def money(self, v: Any, compact: bool = True) -> str:
        return fmt.money(v, self.lang, compact=compact)

    def num(self, v: Any, digits: int = 0) -> str:
        return fmt.number(v, self.lang, digits=digits)

    def pct(self, v: Any, digits: int = 1, signed: bool = False) -> str:
        return fmt.pct(v, self.lang, digits=digits, signed=signed)

    def cat_name(self, cid: str | None) -> str:
        if cid is None:
            return "–"
        node = self.catalog.categories.get(cid)
        return node.name(self.lang) if node else cid


def compute_any(name: str, wh: Warehouse, catalog: Catalog, f: Filters, lang: str = "en") -> pa.Table:
    """A view table by name: ours (views.py) or another stage's (external.py)."""
    if name in external.EXTERNAL:
        return external.compute(name, wh, catalog, f, lang)
    return compute(name, wh, catalog, f)


TABLE_NAMES: tuple[str, ...] = tuple(v for vs in SECTION_VIEWS.values() for v in vs)


# -- building blocks -------------------------------------------------------------------------------------

def bar(label: str, value: float, top: float, text: str, *, lo: float | None = None, hi: float | None = None,
        href: str | None = None, tip: str | None = None, sub: str | None = None) -> dict[str, Any]:
    scale = top if top > 0 else 1.0
    item: dict[str, Any] = {"label": label, "text": text, "w": _w(value / scale), "href": href,
                            "tip": tip or f"{label}: {text}", "sub": sub}
    if lo is not None and hi is not None:
        item["lo"], item["hi"] = _w(lo / scale), _w(hi / scale)
    return item


def _w(frac: float) -> str:
    return f"{max(0.0, min(1.0, frac)) * 100:.2f}"


def table_of(ctx: Ctx, rows: Sequence[dict[str, Any]], cols: Sequence[tuple[str, str]],
             links: dict[str, Callable[[dict[str, Any]], str | None]] | None = None) -> dict[str, Any]:
    """A display table: ``cols`` are (column, kind) with kind in text/money/num/pct/num1/date/ratio."""
    links = links or {}
    out_rows = []
    for r in rows:
        cells = []
        for col, kind in cols:
            v = r.get(col)
            text = {"money": lambda v: ctx.money(v, compact=False), "num": ctx.num,
                    "num1": lambda v: ctx.num(v, 1), "pct": ctx.pct,
                    "ratio": lambda v: "–" if v is None else fmt.number(v, ctx.lang, compact=False, digits=2),
                    "date": lambda v: v.isoformat() if isinstance(v, date) else ("–" if v is None else str(v)),
                    }.get(kind, lambda v: "–" if v is None else str(v))(v)
            href = links[col](r) if col in links and ctx.url else None
            cells.append({"text": text, "href": href, "num": kind not in ("text", "date")})
        out_rows.append(cells)
    return {"cols": [{"label": ctx.tr(f"report.col.{c}"), "num": k not in ("text", "date")} for c, k in cols],
            "rows": out_rows}


def tile(label: str, value: str, sub: str | None = None, tone: str = "") -> dict[str, Any]:
    return {"label": label, "value": value, "sub": sub, "tone": tone}


# -- sections ----------------------------------------------------------------------------------------------

def sec_overview(ctx: Ctx) -> dict[str, Any]:
    k = kpis(ctx.wh, ctx.catalog, ctx.filters)
    series = ctx.table("gmv_over_time").to_pylist()
    grain = ctx.filters.grain
    points = [Point(label=fmt.period_label(r["period"], grain, ctx.lang, short=True),
                    tip=ctx.tr("report.tip.period", period=fmt.period_label(r["period"], grain, ctx.lang),
                               value=ctx.money(r["gmv_usd"]), lower=ctx.money(r["gmv_lower"]),
                               upper=ctx.money(r["gmv_upper"])),
                    value=float(r["gmv_usd"] or 0), lower=float(r["gmv_lower"] or 0),
                    upper=float(r["gmv_upper"] or 0)) for r in series]
    tiles = [tile(ctx.tr("report.kpi.gmv"), ctx.money(k["gmv_usd"]),
                  ctx.tr("report.kpi.range", lower=ctx.money(k["gmv_lower"]), upper=ctx.money(k["gmv_upper"]))),
             tile(ctx.tr("report.kpi.units"), ctx.num(k["units"])),
             tile(ctx.tr("report.kpi.products"), ctx.num(k["products"]), ctx.tr("report.kpi.shops_n",
                                                                                  n=ctx.num(k["shops"])))]
    chart = None
    peak_text = None
    if series:
        peak = max(series, key=lambda r: float(r["gmv_usd"] or 0))
        peak_text = ctx.tr("report.peak", period=fmt.period_label(peak["period"], grain, ctx.lang),
                           value=ctx.money(peak["gmv_usd"]))
        tiles.append(tile(ctx.tr("report.kpi.peak"), fmt.period_label(peak["period"], grain, ctx.lang),
                          ctx.money(peak["gmv_usd"])))
        if len(series) >= 2:
            last, prev = float(series[-1]["gmv_usd"] or 0), float(series[-2]["gmv_usd"] or 0)
            growth = (last - prev) / prev if prev else None
            tiles.append(tile(ctx.tr(f"report.kpi.growth_{grain}"), ctx.pct(growth, signed=True),
                              fmt.period_label(series[-1]["period"], grain, ctx.lang),
                              "up" if (growth or 0) > 0 else "down"))
        chart = time_chart(points, fmt=lambda v: fmt.axis_money(v, ctx.lang), peak_label=peak_text,
                           band_label=ctx.tr("report.band_label"), value_label=ctx.tr("report.col.gmv_usd"),
                           title=ctx.tr("report.chart.gmv_over_time"))
    period = ctx.tr("report.period_span", first=_d(k["first"]), last=_d(k["last"])) if k["first"] else None
    table = table_of(ctx, series, [("period", "date"), ("gmv_usd", "money"), ("gmv_lower", "money"),
                                   ("gmv_upper", "money"), ("units", "num")])
    return {"tiles": tiles, "chart": chart, "period": period, "table": table, "empty": not series}


def _d(v: Any) -> str:
    return v.isoformat() if isinstance(v, date) else "–"


def _cat_bars(ctx: Ctx, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    top = max([float(r["gmv_upper"] or 0) for r in rows] + [0.0])
    return [bar(ctx.cat_name(r["category_id"]), float(r["gmv_usd"] or 0), top,
                f"{ctx.money(r['gmv_usd'])} · {ctx.pct(r['share'])}",
                lo=float(r["gmv_lower"] or 0), hi=float(r["gmv_upper"] or 0),
                href=ctx.url(category=r["category_id"]) if ctx.url else None,
                tip=ctx.tr("report.tip.range", name=ctx.cat_name(r["category_id"]), value=ctx.money(r["gmv_usd"]),
                           lower=ctx.money(r["gmv_lower"]), upper=ctx.money(r["gmv_upper"])),
                sub=ctx.tr("report.sub.category", products=ctx.num(r["products"]), shops=ctx.num(r["shops"])))
            for r in rows]


def sec_categories(ctx: Ctx) -> dict[str, Any]:
    rows = ctx.table("categories").to_pylist()
    crumbs = [{"label": ctx.tr("report.all_categories"), "href": ctx.url(category=None) if ctx.url else None}]
    if ctx.filters.category:
        for cid in ctx.catalog.path(ctx.filters.category):
            crumbs.append({"label": ctx.cat_name(cid), "href": ctx.url(category=cid) if ctx.url else None})
    drill = []
    if ctx.mode == "report":
        for r in rows[:6]:
            kids = ctx.catalog.children(r["category_id"])
            if not kids:
                continue
            sub = compute("categories", ctx.wh, ctx.catalog, ctx.filters.with_(category=r["category_id"]))
            drill.append({"name": ctx.cat_name(r["category_id"]), "bars": _cat_bars(ctx, sub.to_pylist())})
    table = table_of(ctx, rows, [("category", "text"), ("gmv_usd", "money"), ("gmv_lower", "money"),
                                 ("gmv_upper", "money"), ("units", "num"), ("products", "num"), ("shops", "num"),
                                 ("share", "pct")],
                     links={"category": lambda r: ctx.url(category=r["category_id"]) if ctx.url else None})
    for r, row in zip(rows, table["rows"], strict=True):
        row[0]["text"] = ctx.cat_name(r["category_id"])
    return {"bars": _cat_bars(ctx, rows), "crumbs": crumbs, "drill": drill, "table": table, "empty": not rows}


def sec_shops(ctx: Ctx) -> dict[str, Any]:
    shops = ctx.table("top_shops").to_pylist()
    top = max([float(r["gmv_upper"] or 0) for r in shops] + [0.0])
    bars = [bar(r["name"] or r["shop_id"], float(r["gmv_usd"] or 0), top,
                f"{ctx.money(r['gmv_usd'])} · {ctx.pct(r['share'])}", lo=float(r["gmv_lower"] or 0),
                hi=float(r["gmv_upper"] or 0),
                sub=ctx.tr("report.sub.shop", aov=ctx.money(r["aov_usd"], compact=False),
                           products=ctx.num(r["products"]), market=r["market"] or "–"))
            for r in shops[:10]]
    shop_table = table_of(ctx, shops, [("name", "text"), ("market", "text"), ("seller_type", "text"),
                                       ("gmv_usd", "money"), ("gmv_lower", "money"), ("gmv_upper", "money"),
                                       ("units", "num"), ("products", "num"), ("aov_usd", "money"),
                                       ("share", "pct")])
    products = ctx.table("top_products").to_pylist()
    prod_table = table_of(ctx, products, [("title", "text"), ("shop_name", "text"), ("market", "text"),
                                          ("gmv_usd", "money"), ("gmv_lower", "money"), ("gmv_upper", "money"),
                                          ("units", "num"), ("avg_price_usd", "money")])
    return {"bars": bars, "table": shop_table, "products": prod_table, "empty": not shops}


def sec_prices(ctx: Ctx) -> dict[str, Any]:
    rows = ctx.table("price_bands").to_pylist()
    top = max([max(r["gmv_share"], r["product_share"]) for r in rows] + [0.0])
    bands = []
    for r in rows:
        ratio = r["demand_per_supply"]
        bands.append({"label": ctx.tr("report.band", band=_band_label(r["band"])),
                      "href": ctx.url(price_band=r["band"]) if ctx.url else None,
                      "gmv": bar("", r["gmv_share"], top, ctx.pct(r["gmv_share"]),
                                 tip=ctx.tr("report.tip.band_gmv", value=ctx.money(r["gmv_usd"]))),
                      "supply": bar("", r["product_share"], top, ctx.pct(r["product_share"]),
                                    tip=ctx.tr("report.tip.band_supply", n=ctx.num(r["products"]))),
                      "ratio": "–" if ratio is None else fmt.number(ratio, ctx.lang, compact=False, digits=2),
                      "hot": ratio is not None and ratio >= 1.5 and r["products"] > 0})
    table = table_of(ctx, rows, [("band", "text"), ("gmv_usd", "money"), ("units", "num"), ("products", "num"),
                                 ("gmv_share", "pct"), ("product_share", "pct"), ("demand_per_supply", "ratio")])
    return {"bands": bands, "table": table, "empty": not any(r["products"] for r in rows)}


def _band_label(band: str) -> str:
    return f"${band}"


def sec_channels(ctx: Ctx) -> dict[str, Any]:
    rows = ctx.table("channel_mix").to_pylist()
    segs = [{"key": r["channel"], "label": ctx.tr(f"report.channel.{r['channel']}"), "w": _w(r["share"]),
             "text": ctx.pct(r["share"]), "units": ctx.num(r["units"])} for r in rows]
    table = table_of(ctx, rows, [("channel", "text"), ("units", "num"), ("share", "pct")])
    for r, row in zip(rows, table["rows"], strict=True):
        row[0]["text"] = ctx.tr(f"report.channel.{r['channel']}")
    if not any(r["units"] for r in rows):
        return {"unavailable": ctx.tr("report.channels.none"), "empty": True}
    return {"segments": segs, "table": table, "empty": False}


def sec_concentration(ctx: Ctx) -> dict[str, Any]:
    m = {r["metric"]: r["value"] for r in ctx.table("concentration").to_pylist()}
    hhi = m.get("hhi", 0.0)
    level = "low" if hhi < 1500 else ("moderate" if hhi <= 2500 else "high")
    tiles = [tile(ctx.tr("report.kpi.cr5"), ctx.pct(m.get("cr5"))),
             tile(ctx.tr("report.kpi.cr10"), ctx.pct(m.get("cr10"))),
             tile(ctx.tr("report.kpi.hhi"), ctx.num(hhi), ctx.tr(f"report.hhi.{level}"),
                  "down" if level == "high" else ""),
             tile(ctx.tr("report.kpi.shops"), ctx.num(m.get("shops")))]
    shops = ctx.table("top_shops").to_pylist()[:10]
    top = max([r["share"] for r in shops] + [0.0])
    bars = [bar(r["name"] or r["shop_id"], r["share"], top, ctx.pct(r["share"])) for r in shops]
    table = table_of(ctx, [{"metric": ctx.tr(f"report.metric.{k}"), "value": v} for k, v in m.items()],
                     [("metric", "text"), ("value", "ratio")])
    return {"tiles": tiles, "bars": bars, "table": table, "empty": not m.get("shops")}


def sec_external(name: str) -> Callable[[Ctx], dict[str, Any]]:
    def build(ctx: Ctx) -> dict[str, Any]:
        return external.section(name, ctx)

    return build


def sec_quality(ctx: Ctx) -> dict[str, Any]:
    m = {r["metric"]: r["value"] for r in ctx.table("quality").to_pylist()}
    width = m.get("median_bounds_width", 0.0)
    tiles = [tile(ctx.tr("report.kpi.coverage"), ctx.pct(m.get("coverage")),
                  ctx.tr("report.sub.coverage", n=ctx.num(m.get("products_estimated")),
                         total=ctx.num(m.get("products_seen"))), "down" if m.get("coverage", 0) < 0.8 else ""),
             tile(ctx.tr("report.kpi.bounds"), "±" + ctx.pct(width / 2),
                  ctx.tr("report.sub.bounds", total="±" + ctx.pct(m.get("total_bounds_width", 0.0) / 2))),
             tile(ctx.tr("report.kpi.quarantined"), ctx.num(m.get("quarantined_rows")),
                  ctx.tr("report.sub.issues", n=ctx.num(m.get("snapshot_issues")))),
             *([tile(ctx.tr("report.kpi.flagged"), ctx.num(m.get("flagged_days")),
                     ctx.tr("report.sub.flagged", n=ctx.num(m.get("product_days"))))] if "flagged_days" in m else [])]
    q = ctx.table("quarantine").to_pylist()
    top = max([r["rows"] for r in q] + [0])
    bars = [bar(f"{r['reason_code']} ({r['target_table']})", r["rows"], top, ctx.num(r["rows"])) for r in q[:12]]
    table = table_of(ctx, [{"metric": ctx.tr(f"report.metric.{k}"), "value": v} for k, v in m.items()],
                     [("metric", "text"), ("value", "ratio")])
    qtable = table_of(ctx, q, [("target_table", "text"), ("reason_code", "text"), ("rows", "num")])
    return {"tiles": tiles, "bars": bars, "table": table, "quarantine": qtable, "empty": False}


BUILDERS: dict[str, Callable[[Ctx], dict[str, Any]]] = {
    "overview": sec_overview, "categories": sec_categories, "shops": sec_shops, "prices": sec_prices,
    "channels": sec_channels, "concentration": sec_concentration,
    "own_shop": sec_external("own_shop"), "opportunities": sec_external("opportunities"),
    "niche": sec_external("niche"),
    "headroom": sec_external("headroom"), "compliance": sec_external("compliance"), "quality": sec_quality,
}


def build_sections(ctx: Ctx, names: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for name in names:
        data = BUILDERS[name](ctx)
        data.update(name=name, title=ctx.tr(f"report.section.{name}"), note=ctx.tr(f"report.note.{name}"),
                    views=SECTION_VIEWS[name])
        out.append(data)
    return out


# -- templates -----------------------------------------------------------------------------------------------

_ENV: Environment | None = None


def env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=PackageLoader("shopradar.report", "templates"),
                           autoescape=select_autoescape(default=True, default_for_string=True),
                           trim_blocks=True, lstrip_blocks=True)
        _ENV.globals["json_for_script"] = fmt.json_for_script
    return _ENV


def render(template: str, **context: Any) -> str:
    return env().get_template(template).render(**context)


def css() -> Markup:
    from importlib.resources import files

    return Markup((files("shopradar.report") / "templates" / "style.css").read_text(encoding="utf-8"))
