"""``shopradar demo``: simulate a market, run every pipeline stage on it, summarize.

The demo builds its warehouse in a temporary file beside the target and moves it into
place only when every step has succeeded, so an interrupted demo leaves any existing
warehouse exactly as it was. It refuses to replace a warehouse that holds anything but
an earlier demo (imported files, a synced shop).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopradar.errors import UsageError
from shopradar.progress import ProgressFn
from shopradar.warehouse import Warehouse, resolve_path
from shopradar.warehouse.core import check_path

STEPS: tuple[str, ...] = ("simulate", "estimate", "cube", "insights")


@dataclass
class MarketHeadline:
    market: str
    currency: str
    products: int
    shops: int
    gmv_usd: Decimal
    gmv_usd_lower: Decimal
    gmv_usd_upper: Decimal
    true_gmv_usd: Decimal
    peak_month: str
    top_category_en: str
    top_category_zh: str
    top_category_share: float

    @property
    def error(self) -> float:
        return float((self.gmv_usd - self.true_gmv_usd) / self.true_gmv_usd) if self.true_gmv_usd else 0.0

    @property
    def truth_inside(self) -> bool:
        return self.gmv_usd_lower <= self.true_gmv_usd <= self.gmv_usd_upper


@dataclass
class DemoSummary:
    path: Path
    seed: int
    start: str
    end: str
    rows: dict[str, int]
    markets: list[MarketHeadline]
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _holds_only_demo(path: Path) -> bool:
    """True when the warehouse at ``path`` has no data other than simulated (or is empty)."""
    with Warehouse.open(path, create=False, read_only=True) as wh:
        runs = wh.table("ingest_run")
        foreign = runs.filter(~runs.kind.isin(["simulate", "estimate", "cube"])).count().execute()
        return int(foreign) == 0 and wh.count("order_line") == 0


def run_demo(db: str | os.PathLike[str] | None = None, *, seed: int = 7, preset: str = "demo",
             progress: ProgressFn | None = None, on_step: Any = None) -> DemoSummary:
    """Simulate the ``preset`` market, estimate, build the cube and rank opportunities.

    ``on_step(name)`` is called as each step starts (the CLI uses it for its progress bar).
    """
    from shopradar.cube import build_cube
    from shopradar.estimate import estimate
    from shopradar.insights import opportunities
    from shopradar.sources.simulate import simulate, simulate_preset

    target = resolve_path(db)
    check_path(target, create=True)
    if target.exists() and not _holds_only_demo(target):
        raise UsageError("demo.not_demo_warehouse", path=str(target))
    config = simulate_preset(preset, seed=seed)
    tmp = target.with_name(f".{target.name}.demo-{os.getpid()}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    seconds: dict[str, float] = {}
    try:
        with Warehouse.open(tmp) as wh:
            def step(name: str, fn: Any) -> Any:
                if on_step:
                    on_step(name)
                t0 = time.perf_counter()
                out = fn()
                seconds[name] = time.perf_counter() - t0
                return out

            sim = step("simulate", lambda: simulate(wh, config, progress=progress))
            step("estimate", lambda: estimate(wh, full=True, progress=progress))
            step("cube", lambda: build_cube(wh, progress=progress))
            opps = step("insights", lambda: opportunities(wh, limit=5))
            headlines = _headlines(wh)
            rows = wh.counts()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return DemoSummary(path=target, seed=seed, start=str(sim.start), end=str(sim.end), rows=rows,
                       markets=headlines, opportunities=opps.to_pylist(), seconds=seconds)


def _headlines(wh: Warehouse) -> list[MarketHeadline]:
    from shopradar.cube import CubeFilter, market_view

    est = wh.table("product_daily_sales")
    truth = wh.table("truth_daily_sales")
    fx = wh.table("fx_rate")
    product = wh.table("product")
    market = wh.table("market")

    by_market = est.group_by("market").aggregate(
        gmv=est.gmv_usd.sum(), lo=est.gmv_usd_lower.sum(), hi=est.gmv_usd_upper.sum())
    local = truth.join(market, truth.market == market.code).select(
        market=truth.market, date=truth.date, currency=market.currency, gmv_local=truth.gmv_local)
    priced = local.join(fx, [local.date == fx.date, local.currency == fx.currency])
    usd = priced.gmv_local.cast("float64") * priced.usd_per_unit.cast("float64")
    true_usd = priced.group_by("market").aggregate(true=usd.sum())
    counts = product.group_by("market").aggregate(products=product.count(), shops=product.shop_id.nunique())

    rows = {r["market"]: r for r in by_market.to_pyarrow().to_pylist()}
    trues = {r["market"]: r["true"] for r in true_usd.to_pyarrow().to_pylist()}
    cnt = {r["market"]: r for r in counts.to_pyarrow().to_pylist()}
    cur = {r["code"]: r["currency"] for r in market.to_pyarrow().to_pylist()}
    out = []
    for m in sorted(rows):
        r = rows[m]
        # level-1 categories by month, from the cube
        months = market_view(wh, CubeFilter(market=m, period="month"), as_="pandas")
        by_month = months.groupby("period_start")["gmv_usd"].sum()
        by_cat = months.groupby(["category_id"])["gmv_usd"].sum()
        names = months.drop_duplicates("category_id").set_index("category_id")["category"]
        top_id = by_cat.idxmax() if len(by_cat) else None
        zh = market_view(wh, CubeFilter(market=m, category=top_id, period="month"), as_="pandas",
                         lang="zh")["category"].iloc[0] if top_id else ""
        out.append(MarketHeadline(
            market=m, currency=cur.get(m, ""), products=int(cnt.get(m, {}).get("products", 0)),
            shops=int(cnt.get(m, {}).get("shops", 0)), gmv_usd=Decimal(r["gmv"] or 0),
            gmv_usd_lower=Decimal(r["lo"] or 0), gmv_usd_upper=Decimal(r["hi"] or 0),
            true_gmv_usd=Decimal(trues.get(m) or 0),
            peak_month=str(by_month.idxmax())[:7] if len(by_month) else "",
            top_category_en=str(names.get(top_id, "")) if top_id else "", top_category_zh=str(zh),
            top_category_share=float(by_cat.max() / by_cat.sum()) if len(by_cat) and by_cat.sum() else 0.0))
    return out
