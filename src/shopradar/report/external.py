"""Sections whose figures come from other stages: opportunities, niche depth, headroom, compliance.

Each adapter calls the other stage's Python API (``shopradar.insights.opportunities``, ``.niche``,
``.size`` and ``shopradar.compliance.check_catalog``) and shapes its answer into a table and a
section. When a stage cannot answer for the selection (too little data, no reference figures for a
market …) the section shows that stage's own one-line message instead of failing, and the report is
still written. Answers are cached per warehouse file and selection (the web app serves a read-only
file, so they cannot go stale while it runs).
"""

from __future__ import annotations

import os
from collections import Counter, OrderedDict
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from shopradar.errors import ShopradarError
from shopradar.i18n import t
from shopradar.report.filters import Catalog, Filters
from shopradar.warehouse import Warehouse

if TYPE_CHECKING:
    from shopradar.report.render import Ctx

EXTERNAL: tuple[str, ...] = ("own_shop", "opportunities", "niche", "headroom", "compliance")
NICHE_PATH: tuple[str, ...] = ("price_tier", "brand_type")
_CACHE: OrderedDict[tuple[Any, ...], tuple[pa.Table, str | None]] = OrderedDict()
_CACHE_SIZE = 64


def _key(wh: Warehouse, name: str, f: Filters, lang: str) -> tuple[Any, ...]:
    try:
        stamp = os.stat(wh.path).st_mtime_ns
    except OSError:
        stamp = 0
    return (str(wh.path), stamp, name, f, lang if name == "compliance" else "")


def _market(wh: Warehouse, catalog: Catalog, f: Filters) -> str | None:
    """The selected market, else the one with the most estimated GMV."""
    if f.market:
        return f.market
    from shopradar.report.views import compute

    shops = compute("top_shops", wh, catalog, f).to_pylist()
    gmv: Counter[str] = Counter()
    for r in shops:
        if r["market"]:
            gmv[r["market"]] += float(r["gmv_usd"] or 0)
    return gmv.most_common(1)[0][0] if gmv else (catalog.markets[0] if catalog.markets else None)


def answer(name: str, wh: Warehouse, catalog: Catalog, f: Filters, lang: str = "en") -> tuple[pa.Table, str | None]:
    """(table, message): the stage's table, or an empty table and the stage's one-line reason."""
    key = _key(wh, name, f, lang)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    try:
        result: tuple[pa.Table, str | None] = (_ADAPTERS[name](wh, catalog, f, lang), None)
    except ShopradarError as exc:
        result = (pa.table({}), exc.message(lang))
    except ImportError:
        result = (pa.table({}), None)
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def compute(name: str, wh: Warehouse, catalog: Catalog, f: Filters, lang: str = "en") -> pa.Table:
    """The table of an external section (empty when its stage has nothing for the selection)."""
    return answer(name, wh, catalog, f, lang)[0]


# -- adapters ----------------------------------------------------------------------------------------------

def _opportunities(wh: Warehouse, catalog: Catalog, f: Filters, lang: str) -> pa.Table:
    from shopradar.insights import opportunities

    table = opportunities(wh, market=f.market, category=f.category, end=f.end, limit=15)
    return table


def _niche(wh: Warehouse, catalog: Catalog, f: Filters, lang: str) -> pa.Table:
    from shopradar.insights import niche

    market = _market(wh, catalog, f)
    if market is None:
        return pa.table({})
    return niche(wh, market, f.category, list(NICHE_PATH), start=f.start, end=f.end)


def _headroom(wh: Warehouse, catalog: Catalog, f: Filters, lang: str) -> pa.Table:
    from shopradar.insights import size

    market = _market(wh, catalog, f)
    if market is None:
        return pa.table({})
    result = size(market, wh=wh)
    sc = result.scenarios
    return sc.append_column("market", pa.array([market] * sc.num_rows, pa.string()))


def _compliance(wh: Warehouse, catalog: Catalog, f: Filters, lang: str) -> pa.Table:
    from shopradar.compliance import check_catalog

    report = check_catalog(wh, markets=[f.market] if f.market else None)
    allowed: set[str] | None = None
    if f.category:
        p = wh.table("product")
        ids = p.filter(p.category_id.isin(catalog.subtree(f.category))).select("product_id").to_pyarrow()
        allowed = set(ids.column(0).to_pylist())
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    products: set[str] = set()
    for fd in report.findings:
        if allowed is not None and fd.text_id not in allowed:
            continue
        products.add(fd.text_id)
        key = (fd.rule_id, fd.severity)
        row = rows.setdefault(key, {"rule_id": fd.rule_id, "severity": fd.severity,
                                    "rule": (fd.title or {}).get(lang) or (fd.title or {}).get("en") or fd.rule_id,
                                    "markets": ", ".join(fd.markets), "products": 0, "example": fd.excerpt,
                                    "fix": (fd.fix or {}).get(lang) or (fd.fix or {}).get("en") or "",
                                    "basis": "; ".join(b.cite for b in fd.basis)})
        row["products"] += 1
    order = {"block": 0, "high": 1, "warn": 2, "medium": 2, "info": 3, "low": 3}
    out = sorted(rows.values(), key=lambda r: (order.get(r["severity"], 9), -r["products"], r["rule_id"]))
    schema = pa.schema([("rule_id", pa.string()), ("severity", pa.string()), ("rule", pa.string()),
                        ("markets", pa.string()), ("products", pa.int64()), ("example", pa.string()),
                        ("fix", pa.string()), ("basis", pa.string())])
    table = pa.Table.from_pylist(out, schema=schema)
    meta = {b"checked": str(report.checked).encode(), b"flagged": str(len(products)).encode()}
    return table.replace_schema_metadata(meta)


def _own_shop(wh: Warehouse, catalog: Catalog, f: Filters, lang: str) -> pa.Table:
    from shopradar.cube import CubeFilter, own_shop_view

    shops = wh.table("shop")
    if int(shops.filter(shops.is_own.fill_null(False)).count().execute()) == 0:
        return pa.table({})
    cf = CubeFilter(market=f.market, category=f.category, period="month", date_from=f.start, date_to=f.end)
    return own_shop_view(wh, cf, lang=lang)


_ADAPTERS = {"own_shop": _own_shop, "opportunities": _opportunities, "niche": _niche, "headroom": _headroom,
             "compliance": _compliance}


# -- sections -----------------------------------------------------------------------------------------------

def section(name: str, ctx: Ctx) -> dict[str, Any]:
    table, message = answer(name, ctx.wh, ctx.catalog, ctx.filters, ctx.lang)
    ctx.cache[name] = table
    if table.num_rows == 0 and name != "compliance":
        text = ctx.tr(f"report.unavailable.{name}")
        if message:
            text = ctx.tr("report.unavailable.because", reason=message, hint=text)
        return {"unavailable": text, "empty": True}
    return {"own_shop": _sec_own_shop, "opportunities": _sec_opportunities, "niche": _sec_niche,
            "headroom": _sec_headroom, "compliance": _sec_compliance}[name](ctx, table)


def _sec_own_shop(ctx: Ctx, table: pa.Table) -> dict[str, Any]:
    """The seller's own shop (its real orders) beside its categories' estimated figures."""
    from shopradar.report.fmt import money
    from shopradar.report.render import bar, table_of, tile

    rows = table.to_pylist()
    currency = rows[0].get("currency") or "USD"

    def cash(v: Any) -> str:
        return money(v, ctx.lang, currency)

    last = max(r["period_start"] for r in rows)
    latest = [r for r in rows if r["period_start"] == last]
    own_total = sum(float(r["gmv_local"] or 0) for r in rows)
    orders = sum(int(r["orders"] or 0) for r in rows)
    cat_last = sum(float(r["market_gmv"] or 0) for r in latest)
    own_last = sum(float(r["gmv_local"] or 0) for r in latest)
    tiles = [tile(ctx.tr("report.kpi.own_gmv"), cash(own_total),
                  ctx.tr("report.sub.own_orders", orders=ctx.num(orders))),
             tile(ctx.tr("report.kpi.own_aov"), cash(own_total / orders) if orders else "–"),
             tile(ctx.tr("report.kpi.own_share"), ctx.pct(own_last / cat_last) if cat_last else "–",
                  ctx.tr("report.sub.own_share", period=str(last)[:7]))]
    by_cat: dict[str, dict[str, float]] = {}
    for r in rows:
        name = r.get("category") or r.get("category_id") or "–"
        acc = by_cat.setdefault(name, {"own": 0.0, "market": 0.0})
        acc["own"] += float(r["gmv_local"] or 0)
        acc["market"] += float(r["market_gmv"] or 0)
    top = max([v["own"] for v in by_cat.values()] + [0.0])
    bars = [bar(name, v["own"], top, cash(v["own"]),
                sub=ctx.tr("report.sub.own_category", market=cash(v["market"]) if v["market"] else "–",
                           share=ctx.pct(v["own"] / v["market"]) if v["market"] else "–"))
            for name, v in sorted(by_cat.items(), key=lambda kv: -kv[1]["own"])[:12]]
    tb = table_of(ctx, rows, [("period_start", "date"), ("category", "text"), ("gmv_local", "num"),
                              ("orders", "num"), ("aov", "num1"), ("market_gmv", "num"), ("share", "pct"),
                              ("share_lower", "pct"), ("share_upper", "pct"), ("growth_pop", "pct"),
                              ("market_growth_pop", "pct")])
    return {"tiles": tiles, "bars": bars, "table": tb, "empty": False,
            "period": ctx.tr("report.own_shop.scope", currency=currency)}


def _sec_opportunities(ctx: Ctx, table: pa.Table) -> dict[str, Any]:
    from shopradar.report.render import bar, table_of

    rows = table.to_pylist()
    bars = [bar(f"#{r['rank']} {r['market']} · {r.get('category_name') or r['category_id']} · {r.get('band') or ''}",
                float(r["score"] or 0), 100.0, ctx.num(r["score"]),
                sub=r.get(f"explanation_{ctx.lang}") or r.get("explanation_en")) for r in rows[:10]]
    comps = [c for c in table.column_names if c.startswith("c_")]
    comp_rows = [{"niche": f"#{r['rank']} {r.get('category_name') or r['category_id']} {r.get('band') or ''}",
                  **{c: r[c] for c in comps}, "score": r["score"]} for r in rows]
    tb = table_of(ctx, comp_rows, [("niche", "text"), *[(c, "num1") for c in comps], ("score", "num1")])
    return {"bars": bars, "table": tb, "empty": False}


def _sec_niche(ctx: Ctx, table: pa.Table) -> dict[str, Any]:
    from shopradar.report.render import bar, table_of

    rows = table.to_pylist()
    top = max([float(r["gmv_usd"] or 0) for r in rows] + [0.0])
    bars = []
    for r in rows[:14]:
        flags = [ctx.tr("report.niche.thin")] if r.get("thin") else []
        if r.get("broad"):
            flags.append(ctx.tr("report.niche.broad"))
        label = r.get("path") or "*"
        if label == "*":
            label = r.get("category_name") or ctx.tr("report.all_categories")
        bars.append(bar(("\u2003" * int(r.get("level") or 0)) + str(label), float(r["gmv_usd"] or 0), top,
                        ctx.money(r["gmv_usd"]),
                        sub=ctx.tr("report.sub.niche", products=ctx.num(r.get("active_products")),
                                   shops=ctx.num(r.get("active_shops")),
                                   per=ctx.money(r.get("gmv_per_product"))) + (" · " + ", ".join(flags) if flags
                                                                                else "")))
    tb = table_of(ctx, rows, [("path", "text"), ("gmv_usd", "money"), ("active_products", "num"),
                              ("active_shops", "num"), ("gmv_per_product", "money"), ("share_of_parent", "pct")])
    market = rows[0].get("market") if rows else None
    return {"bars": bars, "table": tb, "empty": False,
            "period": ctx.tr("report.niche.scope", market=market or "–", path=" → ".join(NICHE_PATH))}


def _sec_headroom(ctx: Ctx, table: pa.Table) -> dict[str, Any]:
    from shopradar.report.render import bar, table_of, tile

    rows = table.to_pylist()
    tiles = [tile(ctx.tr(f"report.scenario.{r['scenario']}") if r["scenario"] in ("low", "base", "high")
                  else r["scenario"], "×" + ctx.num(r["headroom_multiple"], 1),
                  ctx.tr("report.sub.headroom", potential=ctx.money(r["potential_gmv"]),
                         current=ctx.money(r["current_gmv"])))
             for r in rows]
    top = max([float(r["potential_gmv"] or 0) for r in rows] + [0.0])
    bars = [bar(ctx.tr(f"report.scenario.{r['scenario']}") if r["scenario"] in ("low", "base", "high")
                else r["scenario"], float(r["potential_gmv"] or 0), top, ctx.money(r["potential_gmv"]),
                sub=r.get(f"reason_{ctx.lang}") or r.get("reason_en")) for r in rows]
    tb = table_of(ctx, rows, [("scenario", "text"), ("ratio", "pct"), ("potential_gmv", "money"),
                              ("current_gmv", "money"), ("headroom_multiple", "num1")])
    market = rows[0].get("market") if rows else None
    return {"tiles": tiles, "bars": bars, "table": tb, "empty": False,
            "period": ctx.tr("report.headroom.scope", market=market or "–")}


def _sec_compliance(ctx: Ctx, table: pa.Table) -> dict[str, Any]:
    from shopradar.report.render import bar, table_of, tile

    meta = table.schema.metadata or {}
    checked = int(meta.get(b"checked", b"0") or 0)
    flagged = int(meta.get(b"flagged", b"0") or 0)
    rows = table.to_pylist()
    by_sev = Counter()
    for r in rows:
        by_sev[r["severity"]] += r["products"]
    tiles = [tile(ctx.tr("report.kpi.checked"), ctx.num(checked)),
             tile(ctx.tr("report.kpi.flagged_products"), ctx.num(flagged),
                  ctx.pct(flagged / checked) if checked else None, "down" if flagged else "")]
    for sev, n in sorted(by_sev.items()):
        tiles.append(tile(ctx.tr("report.kpi.severity", severity=sev), ctx.num(n)))
    top = max([r["products"] for r in rows] + [0])
    bars = [bar(f"{r['rule']}", r["products"], top, ctx.num(r["products"]),
                sub=f"{r['severity']} · {r['markets']} · {r['rule_id']} — {r['example']}") for r in rows[:12]]
    tb = table_of(ctx, rows, [("rule_id", "text"), ("severity", "text"), ("rule", "text"), ("markets", "text"),
                              ("products", "num"), ("example", "text"), ("fix", "text"), ("basis", "text")])
    return {"tiles": tiles, "bars": bars, "table": tb, "empty": False,
            **({} if rows else {"period": t("report.compliance.clean", lang=ctx.lang)})}
