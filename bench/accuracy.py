"""Accuracy of sales estimation against the simulator's truth.

Simulates a market, runs ``estimate``, and compares with ``truth_daily_sales`` at product-month
and category-month grain (GMV in local currency): median and p90 absolute relative error,
coverage of [lower, upper] and the bounds' median relative width. Repeats with crawls every
1 (with ~10% of crawls missed), 2, 3 and 7 days.

    python bench/accuracy.py                      # demo-size market, all schedules
    python bench/accuracy.py --products 300 --every 1
    python bench/accuracy.py --every 1 --model-rel 0.05   # calibration of the bounds

Crawls every 2, 3 and 7 days use the simulator's default share of missed crawls (5%).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import ibis
import numpy as np
import pandas as pd

from shopradar.estimate import estimate
from shopradar.estimate.daily import MODEL_REL
from shopradar.sources.simulate import preset, simulate
from shopradar.warehouse import Warehouse


def month_tables(wh: Warehouse) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Product-month estimate and truth (GMV local, units) with the product's category."""
    est = wh.table("product_daily_sales")
    tru = wh.table("truth_daily_sales")
    prod = wh.table("product").select("product_id", "category_id")
    cat = wh.table("category")
    e = est.mutate(month=est.date.truncate("M")).group_by(["product_id", "month"]).aggregate(
        e_units=est.units.sum(), e_lo=est.units_lower.sum(), e_hi=est.units_upper.sum(),
        e_gmv=est.gmv_local.sum().cast("float64"), e_glo=est.gmv_lower.sum().cast("float64"),
        e_ghi=est.gmv_upper.sum().cast("float64"))
    # net of returns: the share of each truth row's units that were not returned later
    kept = ibis.ifelse(tru.units > 0, (tru.units - tru.returned_units).cast("float64") / tru.units.cast("float64"), 0.0)
    t = tru.mutate(month=tru.date.truncate("M")).group_by(["product_id", "month"]).aggregate(
        t_units=tru.units.sum().cast("float64"), t_gmv=tru.gmv_local.sum().cast("float64"),
        t_ret=tru.returned_units.sum().cast("float64"), t_gmv_net=(tru.gmv_local.cast("float64") * kept).sum())
    keys = ["product_id", "month"]
    pm = t.to_pandas().merge(e.to_pandas(), on=keys, how="outer").fillna(0.0)
    pm = pm.merge(prod.to_pandas(), on="product_id", how="left")
    snaps = wh.table("product_snapshot")
    span = snaps.group_by("product_id").aggregate(first_seen=snaps.observed_at.min(),
                                                   last_seen=snaps.observed_at.max()).to_pandas()
    pm = pm.merge(span, on="product_id", how="left")
    nxt = pm.month + pd.offsets.MonthBegin(1)
    # a product-month the crawler saw from before its first day to after its last (a day's margin)
    pm["covered"] = (pm.first_seen < pm.month - pd.Timedelta(days=1)) & (pm.last_seen > nxt + pd.Timedelta(days=1))
    top = cat.select(c_id=cat.category_id, c_parent=cat.parent_id, c_level=cat.level)
    cats = top.to_pandas()
    parent = dict(zip(cats.c_id, cats.c_parent, strict=False))
    level = dict(zip(cats.c_id, cats.c_level, strict=False))

    def l1(c: str) -> str:
        seen = 0
        while c in parent and parent[c] is not None and level.get(c, 1) > 1 and seen < 10:
            c = parent[c]
            seen += 1
        return c

    pm["l1"] = pm.category_id.map(l1)
    return pm, cats


def _rel(est: pd.Series, truth: pd.Series) -> pd.Series:
    return (est - truth).abs() / truth


def _figures(pm: pd.DataFrame, truth: str, tag: str) -> dict[str, float]:
    """Product-month figures over product-months the crawler covered; category-months over all."""
    out: dict[str, float] = {}
    seen = pm[pm.covered]
    big = seen[seen.t_units >= 100]
    sold = seen[seen[truth] > 0]
    big = big[big[truth] > 0]
    out[f"pm_gmv_err_median_100{tag}"] = float(_rel(big.e_gmv, big[truth]).median())
    out[f"pm_gmv_err_p90_100{tag}"] = float(_rel(big.e_gmv, big[truth]).quantile(0.9))
    cover = (sold[truth] >= sold.e_glo - 1e-6) & (sold[truth] <= sold.e_ghi + 1e-6)
    out[f"pm_coverage{tag}"] = float(cover.mean())
    cover_b = (big[truth] >= big.e_glo - 1e-6) & (big[truth] <= big.e_ghi + 1e-6)
    out[f"pm_coverage_100{tag}"] = float(cover_b.mean())
    out[f"pm_width_median{tag}"] = float(((sold.e_ghi - sold.e_glo) / sold[truth]).median())
    for col, name in (("category_id", "leaf"), ("l1", "top")):
        cm = pm.groupby([col, "month"], as_index=False)[[truth, "e_gmv", "e_glo", "e_ghi"]].sum()
        cm = cm[cm[truth] > 0]
        err = _rel(cm.e_gmv, cm[truth])
        out[f"cat_{name}_gmv_err_median{tag}"] = float(err.median())
        out[f"cat_{name}_gmv_err_p90{tag}"] = float(err.quantile(0.9))
        out[f"cat_{name}_bias{tag}"] = float(((cm.e_gmv - cm[truth]) / cm[truth]).median())
        out[f"cat_{name}_coverage{tag}"] = float(((cm[truth] >= cm.e_glo) & (cm[truth] <= cm.e_ghi)).mean())
        out[f"cat_{name}_width_median{tag}"] = float(((cm.e_ghi - cm.e_glo) / cm[truth]).median())
    return out


def summarize(pm: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> dict[str, float]:
    """Figures over whole months strictly inside the simulated period, against the gross truth
    (units sold) and against the truth net of returns (what the counters show)."""
    pm = pm[(pm.month >= first) & (pm.month <= last)].copy()
    out: dict[str, float] = {"product_months_100": float(((pm.t_units >= 100) & pm.covered).sum()),
                             "product_months_not_covered": float((~pm.covered & (pm.t_units > 0)).sum()),
                             "category_leaf_months": float(pm.groupby(["category_id", "month"]).ngroups)}
    out.update(_figures(pm, "t_gmv", ""))
    out.update(_figures(pm, "t_gmv_net", "_net"))
    return out


def run_one(every: int, miss: float, products: int, seed: int, folder: Path,
            model_rel: float | None = None) -> dict[str, float]:
    path = folder / f"acc_{every}.duckdb"
    with Warehouse.open(path) as wh:
        cfg = preset("demo", seed=seed, crawl_every=every, miss_rate=miss, products=products)
        simulate(wh, cfg)
        t0 = time.perf_counter()
        s = estimate(wh, full=True) if model_rel is None else estimate(wh, full=True, model_rel=model_rel)
        secs = time.perf_counter() - t0
        pm, _ = month_tables(wh)
        first = pd.Timestamp(cfg.start).to_period("M").to_timestamp()
        if pd.Timestamp(cfg.start).day != 1:
            first = first + pd.offsets.MonthBegin(1)
        end = pd.Timestamp(cfg.start) + pd.Timedelta(days=cfg.days - 1)
        last = end.to_period("M").to_timestamp()
        if (end + pd.Timedelta(days=1)).day != 1:
            last = last - pd.offsets.MonthBegin(1)
        res = summarize(pm, first, last)
        res.update(every=every, miss=miss, snapshots=s.snapshots_read, seconds=secs,
                   model_rel=model_rel if model_rel is not None else MODEL_REL)
        return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=600, help="products per market (demo preset: 600)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--every", type=int, nargs="*", default=[1, 2, 3, 7])
    ap.add_argument("--miss", type=float, default=0.10, help="share of crawls missed")
    ap.add_argument("--model-rel", type=float, default=None,
                    help="override the model-error share of the month bounds (calibration runs)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for every in args.every:
            miss = args.miss if every == 1 else 0.05
            res = run_one(every, miss, args.products, args.seed, Path(tmp), args.model_rel)
            rows.append(res)
            print(f"crawl every {every} d, {args.miss:.0%} missed: " + ", ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in res.items()), flush=True)
    df = pd.DataFrame(rows).set_index("every")
    with pd.option_context("display.width", 250, "display.max_columns", 40):
        print(df.T.to_string(float_format=lambda v: f"{v:.4f}"))
    np.seterr(all="ignore")


if __name__ == "__main__":
    main()
