"""Opportunity finder (``shopradar opportunities``): rank niches with every component of the score shown.

A niche is market × category (leaf by default, or any level) × price band (the cube's fixed bands,
:mod:`shopradar.cube.bands`), optionally split further by attribute dimensions. Components, each scored
0–1 across the niches compared (see docs/insights.md for the reasoning and data/weights.yaml for the
default weights):

``demand``           GMV per month in the recent window (US dollars; × landed margin with ``by="margin"``)
``growth``           recent window ÷ the window before − 1
``supply_tightness`` GMV per active product and per active shop
``concentration``    1 − head concentration (HHI of shop GMV): a niche a few shops lock scores low
``entrant_success``  share of recent entrants whose first 90 days reached ``entrant_threshold`` US dollars
``content_fit``      share of units sold through short video and LIVE
``price_gap``        the band's share of the category's GMV ÷ its share of active products
``season``           months to the category's next seasonal peak (best 2–4 months ahead)
``compliance``       penalty: the category's compliance risk in the market (restricted, prohibited)

Figures the cube does not hold at price-band grain (shop concentration, entrants, channel mix per band)
are computed here from ``product_daily_sales`` with the cube's band edges.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from shopradar.errors import DataError, UsageError
from shopradar.i18n import t
from shopradar.insights.common import product_dims, sales_table
from shopradar.insights.weights import COMPONENTS, load_weights

WINDOW_DAYS = 90
ENTRY_DAYS = 90          # an entrant's first days that count towards success
ENTRANT_THRESHOLD_USD = 1000.0
MIN_PRODUCTS = 3
SHRINK = 3.0             # entrant success is shrunk toward the overall rate by this many pseudo-entrants
RISK_PENALTY: dict[str, float] = {"low": 0.0, "medium": 0.25, "high": 0.6, "prohibited": 1.0}
BY = ("gmv", "margin")


def opportunities(wh: Any, market: str | None = None, category: str | None = None,
                  weights: str | Path | Mapping[str, Any] | None = None, *, level: int | None = None,
                  path: list[str] | tuple[str, ...] | None = None, end: dt.date | None = None,
                  window_days: int = WINDOW_DAYS, by: str = "gmv", min_products: int = MIN_PRODUCTS,
                  entrant_threshold: float = ENTRANT_THRESHOLD_USD, source: str = "estimate",
                  fees: str | Path | None = None, limit: int | None = None) -> pa.Table:
    """Niches ranked by opportunity score, best first, with every component and a one-line reason.

    ``market``/``category`` narrow the niches (a category includes its sub-categories); ``level`` is the
    category level of a niche (default: the products' own leaf); ``path`` adds attribute dimensions
    (e.g. ``["brand_type"]``). ``end`` is the last day considered (default: the last day with sales);
    nothing after it is read. ``by="margin"`` ranks demand after landed margin (``data/fees.yaml``).
    Columns: rank, niche keys, score, the raw figure and the 0–1 score (``s_*``) of each component,
    ``explanation_en`` and ``explanation_zh``.
    """
    w = load_weights(weights)
    if by not in BY:
        raise UsageError("insights.opp.bad_by", by=by, known=", ".join(BY))
    if window_days < 7 or min_products < 1 or entrant_threshold < 0:
        raise UsageError("insights.opp.bad_option")
    dims = [d.strip() for d in (path or []) if d and d.strip()]
    mkt = market.strip().upper() if market else None

    sales = sales_table(wh, source)
    if mkt:
        sales = sales.filter(sales.market == mkt)
    span = sales.filter(sales.units > 0).aggregate(first=sales.date.min(), last=sales.date.max()).to_pyarrow()
    first_day, last_day = span.column("first")[0].as_py(), span.column("last")[0].as_py()
    if last_day is None:
        raise DataError("insights.no_sales", market=mkt or "*")
    end = end or last_day
    sales = sales.filter(sales.date <= end)
    r0 = end - dt.timedelta(days=window_days - 1)
    p0, p1 = r0 - dt.timedelta(days=window_days), r0 - dt.timedelta(days=1)

    nodes = _node_map(wh, category, level)
    prods = product_dims(wh, dims)
    if mkt:
        prods = prods.filter(prods.market == mkt)
    prods = prods.inner_join(nodes, prods.category_id == nodes.leaf_id)
    keycols = ["market", "node_id", *[f"d_{d}" for d in dims]]

    recent = _per_product(sales, r0, end)
    prior = _per_product(sales, p0, p1)
    cur = _with_band(recent.inner_join(prods, "product_id"))
    cur = cur.filter(cur.units > 0)
    niches = cur.group_by([*keycols, "band_index"]).aggregate(
        currency=cur.currency.max(), gmv_usd=cur.gmv_usd.sum(), gmv_local=cur.gmv_local.sum(),
        units=cur.units.sum(), units_content=cur.units_content.sum(), active_products=cur.product_id.nunique(),
        active_shops=cur.shop_id.nunique(), median_price=cur.price.median())
    nk = [*keycols, "band_index"]
    shop = cur.group_by([*nk, "shop_id"]).aggregate(g=cur.gmv_usd.sum())
    shop = shop.mutate(rk=ibis.row_number().over(ibis.window(group_by=nk, order_by=ibis.desc(shop.g))))
    tot = shop.g.sum()
    conc = shop.group_by(nk).aggregate(hhi=(shop.g * shop.g).sum() / (tot * tot),
                                       cr5=shop.g.sum(where=shop.rk < 5) / tot)
    old = _with_band(prior.inner_join(prods, "product_id"))
    old = old.filter(old.units > 0)
    before = old.group_by(nk).aggregate(gmv_prior=old.gmv_usd.sum())
    cat = cur.group_by(keycols).aggregate(cat_gmv=cur.gmv_usd.sum(), cat_products=cur.product_id.nunique())
    ent = _entrants(sales, prods, first_day, end, entrant_threshold, nk)

    table = (niches.left_join(conc, nk).select(niches, conc.hhi, conc.cr5))
    table = table.left_join(before, nk).select(table, before.gmv_prior)
    table = table.left_join(cat, keycols).select(table, cat.cat_gmv, cat.cat_products)
    table = table.left_join(ent, nk).select(table, ent.entrants, ent.entrants_ok)
    rows = table.to_pyarrow().to_pylist()
    if not rows:
        raise DataError("insights.opp.no_niches", market=mkt or "*", category=category or "*",
                        start=str(r0), end=str(end))
    names = _names(wh)
    season = _season(sales, prods, keycols, end)
    return _score(rows, w, dims=dims, names=names, season=season, window_days=window_days, by=by,
                  min_products=min_products, threshold=entrant_threshold, fees=fees, limit=limit,
                  start=r0, end=end)


# -- building blocks ------------------------------------------------------------------------------------

def _node_map(wh: Any, category: str | None, level: int | None) -> ir.Table:
    """leaf_id → node_id (the niche's category) for the selected part of the tree."""
    from shopradar.insights.common import category_subtree

    cats = wh.table("category").select("category_id", "parent_id", "level").to_pyarrow().to_pylist()
    parent = {r["category_id"]: r["parent_id"] for r in cats}
    lvl = {r["category_id"]: r["level"] for r in cats}
    if level is not None and not 1 <= level <= 9:
        raise UsageError("insights.opp.bad_level", level=level)
    subtree, _ = category_subtree(wh, category)
    prod = wh.table("product")
    leaves = prod.select("category_id").distinct().to_pyarrow().column(0).to_pylist()
    pairs = []
    for leaf in leaves:
        if leaf is None or (subtree is not None and leaf not in subtree):
            continue
        node = leaf
        if level is not None:
            chain = [leaf]
            while parent.get(chain[-1]):
                chain.append(parent[chain[-1]])
            at = [c for c in chain if lvl.get(c) == level]
            if not at:
                continue
            node = at[0]
        pairs.append({"leaf_id": leaf, "node_id": node})
    if not pairs:
        raise DataError("insights.opp.no_niches", market="*", category=category or "*", start="–", end="–")
    return ibis.memtable(pa.Table.from_pylist(pairs, schema=pa.schema([("leaf_id", pa.string()),
                                                                        ("node_id", pa.string())])))


def _per_product(sales: ir.Table, start: dt.date, end: dt.date) -> ir.Table:
    s = sales.filter((sales.date >= start) & (sales.date <= end))
    return s.group_by("product_id").aggregate(units=s.units.sum(), gmv_usd=s.gmv_usd.sum(),
                                              gmv_local=s.gmv_local.sum(), units_content=s.units_content.sum())


def _with_band(t: ir.Table) -> ir.Table:
    """Add ``price`` (GMV ÷ units, local) and ``band_index`` (the cube's fixed bands for the currency)."""
    from shopradar.cube.bands import EDGES, USD_EDGES, band_index_expr

    price = ibis.ifelse(t.units > 0, t.gmv_local / t.units, ibis.null("float64"))
    price_usd = ibis.ifelse(t.units > 0, t.gmv_usd / t.units, ibis.null("float64"))
    idx = band_index_expr(price_usd, USD_EDGES)
    for cur, edges in EDGES.items():
        idx = ibis.ifelse(t.currency == cur, band_index_expr(price, edges), idx)
    return t.mutate(price=price, band_index=idx)


def _entrants(sales: ir.Table, prods: ir.Table, first_day: dt.date, end: dt.date, threshold: float,
              nk: list[str]) -> ir.Table:
    """Per niche: products first sold 90–180 days before ``end`` (after the data's first weeks), and how
    many of them sold at least ``threshold`` US dollars in their first 90 days."""
    sold = sales.filter(sales.units > 0)
    firsts = sold.group_by("product_id").aggregate(first_sale=sold.date.min())
    lo = max(first_day + dt.timedelta(days=14), end - dt.timedelta(days=2 * ENTRY_DAYS - 1))
    hi = end - dt.timedelta(days=ENTRY_DAYS - 1)
    firsts = firsts.filter((firsts.first_sale >= lo) & (firsts.first_sale <= hi))
    j = sales.inner_join(firsts, "product_id")
    j = j.filter(j.date < j.first_sale + ibis.interval(days=ENTRY_DAYS))
    per = j.group_by("product_id").aggregate(units=j.units.sum(), gmv_usd=j.gmv_usd.sum(),
                                             gmv_local=j.gmv_local.sum())
    per = _with_band(per.inner_join(prods, "product_id"))
    per = per.filter(per.units > 0)
    return per.group_by(nk).aggregate(entrants=per.count(),
                                      entrants_ok=(per.gmv_usd >= threshold).cast("int64").sum())


def _season(sales: ir.Table, prods: ir.Table, keycols: list[str], end: dt.date) -> dict[tuple[str, str], int]:
    """Calendar month of each (market, category node)'s seasonal peak, from ≥ 12 months of history."""
    start = dt.date(end.year - 2, end.month, 1)
    s = sales.filter(sales.date >= start)
    j = s.inner_join(prods.select("product_id", "node_id"), "product_id")
    m = j.group_by(["market", "node_id", j.date.truncate("M").name("month")]).aggregate(g=j.gmv_usd.sum())
    rows = m.to_pyarrow().to_pylist()
    by: dict[tuple[str, str], dict[int, list[float]]] = {}
    for r in rows:
        by.setdefault((r["market"], r["node_id"]), {}).setdefault(r["month"].month, []).append(r["g"] or 0.0)
    out = {}
    for key, months in by.items():
        if len(months) < 12:
            continue
        avg = {mo: sum(v) / len(v) for mo, v in months.items()}
        out[key] = max(avg, key=lambda mo: avg[mo])
    return out


def _names(wh: Any) -> dict[str, tuple[str, str]]:
    cats = wh.table("category").select("category_id", "name_en", "name_zh").to_pyarrow().to_pylist()
    return {r["category_id"]: (r["name_en"] or r["category_id"], r["name_zh"] or r["name_en"] or r["category_id"])
            for r in cats}


def category_risk_level(name: str, market: str) -> str | None:
    """Compliance risk of a category in a market (low … prohibited) from the compliance stage; None if unknown."""
    from shopradar.compliance import category_risk
    from shopradar.errors import ShopradarError

    try:
        return category_risk(name, market).level
    except ShopradarError:
        return None


def _pct_rank(values: list[float | None]) -> list[float | None]:
    """Percentile rank 0–1 (ties share their mean rank); None stays None; a single value ranks 1."""
    present = sorted((v, i) for i, v in enumerate(values) if v is not None and not math.isnan(v))
    out: list[float | None] = [None] * len(values)
    n = len(present)
    k = 0
    while k < n:
        j = k
        while j + 1 < n and present[j + 1][0] == present[k][0]:
            j += 1
        rank = ((k + j) / 2) / (n - 1) if n > 1 else 1.0
        for m in range(k, j + 1):
            out[present[m][1]] = rank
        k = j + 1
    return out


def season_score(months_to_peak: int | None) -> float | None:
    """1 when the next peak is 2–4 months away (time to source, list and make videos), less either side."""
    if months_to_peak is None:
        return None
    m = months_to_peak % 12
    if 2 <= m <= 4:
        return 1.0
    if m < 2:
        return 0.5 + 0.25 * m           # peak now (0.5) or next month (0.75): late but still selling
    return max(0.0, 1.0 - (m - 4) / 6)  # 5 → 0.83 … 10+ → 0


def _score(rows: list[dict[str, Any]], w: dict[str, float], *, dims: list[str], names: dict[str, tuple[str, str]],
           season: dict[tuple[str, str], int], window_days: int, by: str, min_products: int, threshold: float,
           fees: str | Path | None, limit: int | None, start: dt.date, end: dt.date) -> pa.Table:
    from shopradar.cube.bands import labels_for

    rows = [r for r in rows if (r["active_products"] or 0) >= min_products]
    if not rows:
        raise DataError("insights.opp.too_thin", min_products=min_products)
    months = window_days / 30.4375
    tot_ent = sum(r["entrants"] or 0 for r in rows)
    p_all = (sum(r["entrants_ok"] or 0 for r in rows) / tot_ent) if tot_ent else 0.0
    risk_cache: dict[tuple[str, str], str | None] = {}
    margin_cache: dict[tuple[str, float], float] = {}
    for r in rows:
        g = float(r["gmv_usd"] or 0.0)
        r["gmv_usd_month"] = g / months
        prior = r["gmv_prior"]
        r["growth"] = (g / float(prior) - 1.0) if prior else None
        r["gmv_per_product"] = g / months / r["active_products"]
        r["gmv_per_shop"] = g / months / r["active_shops"]
        r["content_share"] = float(r["units_content"] or 0.0) / float(r["units"]) if r["units"] else 0.0
        gs = g / float(r["cat_gmv"]) if r["cat_gmv"] else 0.0
        ps = r["active_products"] / r["cat_products"] if r["cat_products"] else 0.0
        r["demand_supply"] = gs / ps if ps else None
        n, ok = int(r["entrants"] or 0), int(r["entrants_ok"] or 0)
        r["entrants"], r["entrants_ok"] = n, ok
        r["entrant_success"] = (ok + SHRINK * p_all) / (n + SHRINK)
        peak = season.get((r["market"], r["node_id"]))
        r["months_to_peak"] = None if peak is None else (peak - end.month) % 12
        key = (r["market"], r["node_id"])
        if key not in risk_cache:
            risk_cache[key] = category_risk_level(names.get(r["node_id"], (r["node_id"], ""))[0], r["market"])
        r["compliance_risk"] = risk_cache[key]
        r["band"] = labels_for(r["currency"])[int(r["band_index"])]
        r["margin_rate"] = None
        if by == "margin":
            from shopradar.insights.margin import landed_margin

            price = round(float(r["median_price"] or 0.0), 2)
            mk = (r["market"], price)
            if mk not in margin_cache:
                margin_cache[mk] = landed_margin(max(price, 0.01), r["market"], fees=fees).margin_rate
            r["margin_rate"] = margin_cache[mk]
        r["demand_value"] = r["gmv_usd_month"] * (max(r["margin_rate"], 0.0) if by == "margin" else 1.0)

    comp: dict[str, list[float | None]] = {
        "demand": _pct_rank([r["demand_value"] for r in rows]),
        "growth": _pct_rank([r["growth"] for r in rows]),
        "concentration": [None if v is None else 1.0 - v for v in _pct_rank([r["hhi"] for r in rows])],
        "entrant_success": _pct_rank([r["entrant_success"] for r in rows]),
        "content_fit": _pct_rank([r["content_share"] for r in rows]),
        "price_gap": _pct_rank([r["demand_supply"] for r in rows]),
        "season": [season_score(r["months_to_peak"]) for r in rows],
    }
    per_p, per_s = _pct_rank([r["gmv_per_product"] for r in rows]), _pct_rank([r["gmv_per_shop"] for r in rows])
    comp["supply_tightness"] = [(a + b) / 2 for a, b in zip(per_p, per_s, strict=True)]  # type: ignore[operator]
    comp["compliance"] = [None if r["compliance_risk"] is None else RISK_PENALTY.get(r["compliance_risk"], 0.0)
                          for r in rows]
    positive = [c for c in COMPONENTS if c != "compliance"]
    for i, r in enumerate(rows):
        used = {c: comp[c][i] for c in positive if w[c] > 0 and comp[c][i] is not None}
        total_w = sum(w[c] for c in used) or 1.0
        score = sum(w[c] * v for c, v in used.items()) / total_w
        penalty = w["compliance"] * (comp["compliance"][i] or 0.0) / total_w
        r["score"] = 100.0 * (score - penalty)
        for c in COMPONENTS:
            r[f"s_{c}"] = comp[c][i]
            r[f"c_{c}"] = (100.0 * w[c] * comp[c][i] / total_w) if comp[c][i] is not None else None
        r["c_compliance"] = -100.0 * penalty if comp["compliance"][i] is not None else None
    rows.sort(key=lambda r: (-r["score"], r["market"], r["node_id"], r["band_index"]))
    if limit is not None:
        rows = rows[:limit]
    out = []
    for rank, r in enumerate(rows, start=1):
        name_en, name_zh = names.get(r["node_id"], (r["node_id"], r["node_id"]))
        extra = {d: r[f"d_{d}"] for d in dims}
        label_en = " · ".join([r["market"], name_en, r["band"], *[str(v) for v in extra.values()]])
        label_zh = " · ".join([r["market"], name_zh, r["band"], *[str(v) for v in extra.values()]])
        out.append({
            "rank": rank, "market": r["market"], "category_id": r["node_id"], "category_name": name_en,
            "category_name_zh": name_zh,
            "band": r["band"], "band_index": int(r["band_index"]), **extra, "score": r["score"],
            "gmv_usd_month": r["gmv_usd_month"], "growth": r["growth"], "gmv_per_product": r["gmv_per_product"],
            "gmv_per_shop": r["gmv_per_shop"], "active_products": int(r["active_products"]),
            "active_shops": int(r["active_shops"]), "hhi_shops": r["hhi"], "cr5_shops": r["cr5"],
            "entrants": r["entrants"], "entrants_ok": r["entrants_ok"], "entrant_success": r["entrant_success"],
            "content_share": r["content_share"], "demand_supply": r["demand_supply"],
            "months_to_peak": r["months_to_peak"], "compliance_risk": r["compliance_risk"],
            "median_price": float(r["median_price"] or 0.0), "currency": r["currency"],
            "margin_rate": r["margin_rate"],
            **{f"s_{c}": r[f"s_{c}"] for c in COMPONENTS}, **{f"c_{c}": r[f"c_{c}"] for c in COMPONENTS},
            "explanation_en": explain(r, rank, label_en, w, "en", threshold),
            "explanation_zh": explain(r, rank, label_zh, w, "zh", threshold),
            "window_start": start, "window_end": end,
        })
    return pa.Table.from_pylist(out, schema=_schema(dims))


def _fmt_usd(v: float) -> str:
    if abs(v) >= 1e6:
        return f"US${v / 1e6:,.1f}M"
    if abs(v) >= 1e3:
        return f"US${v / 1e3:,.1f}K"
    return f"US${v:,.0f}"


def _phrase(c: str, r: dict[str, Any], lang: str, threshold: float, strong: bool) -> str:
    params = {
        "gmv": _fmt_usd(r["gmv_usd_month"]), "growth": f"{(r['growth'] or 0.0):+.0%}",
        "per_product": _fmt_usd(r["gmv_per_product"]), "per_shop": _fmt_usd(r["gmv_per_shop"]),
        "cr5": f"{(r['cr5'] or 0.0):.0%}", "hhi": f"{(r['hhi'] or 0.0):.2f}",
        "ok": r["entrants_ok"], "entrants": r["entrants"], "threshold": _fmt_usd(threshold),
        "content": f"{r['content_share']:.0%}", "ratio": f"{(r['demand_supply'] or 0.0):.1f}",
        "months": r["months_to_peak"],
        "risk": t(f"insights.risk.{r['compliance_risk']}", lang=lang) if r["compliance_risk"] else "",
        "margin": f"{(r['margin_rate'] or 0.0):.0%}",
    }
    return t(f"insights.opp.{'why' if strong else 'watch'}.{c}", lang=lang, **params)


# A component's score is relative to the niches compared; a sentence only calls it a strength
# when the absolute figure supports the words too (no "not locked" when five shops hold 90%,
# no "entrants succeed" from one entrant).
_MAX_CR5_OPEN = 0.6
_MIN_ENTRANTS = 3


def _claim_holds(c: str, r: dict[str, Any]) -> bool:
    if c == "concentration":
        return r.get("cr5") is not None and r["cr5"] < _MAX_CR5_OPEN
    if c == "entrant_success":
        return (r.get("entrants") or 0) >= _MIN_ENTRANTS
    return True


def explain(r: dict[str, Any], rank: int, label: str, w: dict[str, float], lang: str, threshold: float) -> str:
    """One sentence: the niche, its two strongest weighted components and the weakest one to watch."""
    positive = [c for c in COMPONENTS if c != "compliance" and w[c] > 0 and r.get(f"s_{c}") is not None
                and not (c == "entrant_success" and not r["entrants"]) and not (c == "growth" and r["growth"] is None)]
    strong = [c for c in sorted(positive, key=lambda c: -(r[f"c_{c}"] or 0.0))
              if r[f"s_{c}"] > 0.5 and _claim_holds(c, r)][:2]
    weak_c = min(positive, key=lambda c: r[f"s_{c}"]) if positive else None
    watch = ""
    if r.get("s_compliance") and w["compliance"] > 0:
        watch = _phrase("compliance", r, lang, threshold, strong=False)
    elif weak_c is not None and r[f"s_{weak_c}"] < 0.34 and weak_c not in strong:
        watch = _phrase(weak_c, r, lang, threshold, strong=False)
    reasons = t("insights.opp.join", lang=lang).join(_phrase(c, r, lang, threshold, True) for c in strong)
    if not reasons:
        reasons = t("insights.opp.no_strength", lang=lang)
    if r.get("margin_rate") is not None:
        reasons += t("insights.opp.join", lang=lang) + _phrase("margin", r, lang, threshold, True)
    key = "insights.opp.sentence_watch" if watch else "insights.opp.sentence"
    return t(key, lang=lang, rank=rank, niche=label, score=f"{r['score']:.0f}", reasons=reasons, watch=watch)


def _schema(dims: list[str]) -> pa.Schema:
    f64, i64, s = pa.float64(), pa.int64(), pa.string()
    return pa.schema([
        ("rank", i64), ("market", s), ("category_id", s), ("category_name", s), ("category_name_zh", s),
        ("band", s), ("band_index", i64),
        *[(d, s) for d in dims], ("score", f64),
        ("gmv_usd_month", f64), ("growth", f64), ("gmv_per_product", f64), ("gmv_per_shop", f64),
        ("active_products", i64), ("active_shops", i64), ("hhi_shops", f64), ("cr5_shops", f64),
        ("entrants", i64), ("entrants_ok", i64), ("entrant_success", f64), ("content_share", f64),
        ("demand_supply", f64), ("months_to_peak", i64), ("compliance_risk", s), ("median_price", f64),
        ("currency", s), ("margin_rate", f64),
        *[(f"s_{c}", f64) for c in COMPONENTS], *[(f"c_{c}", f64) for c in COMPONENTS],
        ("explanation_en", s), ("explanation_zh", s), ("window_start", pa.date32()), ("window_end", pa.date32()),
    ])
