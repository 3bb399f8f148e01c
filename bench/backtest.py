"""Opportunity backtest: does the score, computed from months 1–6, pick the niches where new entrants
actually earned the most in months 7–12?

For each seed: simulate one market for a year; rank niches (market × leaf category × price band) with
:func:`shopradar.insights.opportunities` reading only days up to the end of month 6; then, from the
simulator's ``truth_daily_sales``, take the products first sold in months 7–12 ("entrants"), put each in
its niche (its leaf category and the price band of its average price) and measure its monthly GMV from
its first sale to the end of the year. A niche's outcome is the median entrant's monthly GMV (niches with
at least ``--min-entrants`` entrants). Reported per seed and as mean ± standard deviation:

* Spearman rank correlation between the ranking and the outcome;
* top-10 hit rate: the share of the ranking's top 10 that are among the 10 best niches by outcome;

for the opportunity score and for two baselines on the same niches: raw GMV and raw growth.

    python bench/backtest.py --seeds 101,102,103,104,105
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import ibis
import pandas as pd

from shopradar.cube.bands import EDGES, USD_EDGES, band_index_expr
from shopradar.insights import opportunities
from shopradar.sources.simulate import SimConfig, simulate
from shopradar.warehouse import Warehouse

START = dt.date(2024, 1, 1)
TRAIN_END = dt.date(2024, 6, 30)
YEAR_END = dt.date(2024, 12, 30)


def outcomes(wh: Warehouse, min_entrants: int) -> pd.DataFrame:
    """Per niche: entrants first sold in months 7–12 and the median entrant's monthly GMV (truth)."""
    tr = wh.table("truth_daily_sales")
    daily = tr.group_by(["product_id", "date"]).aggregate(units=tr.units.sum(), gmv=tr.gmv_local.sum())
    firsts = daily.filter(daily.units > 0).group_by("product_id").aggregate(first=daily.date.min())
    firsts = firsts.filter(firsts.first > TRAIN_END)
    j = daily.inner_join(firsts, "product_id")
    per = j.group_by(["product_id", "first"]).aggregate(units=j.units.sum(), gmv=j.gmv.sum().cast("float64"))
    prod = wh.table("product").select("product_id", "category_id", "currency")
    per = per.inner_join(prod, "product_id")
    price = ibis.ifelse(per.units > 0, per.gmv / per.units, ibis.null("float64"))
    idx = band_index_expr(price, USD_EDGES)
    for cur, edges in EDGES.items():
        idx = ibis.ifelse(per.currency == cur, band_index_expr(price, edges), idx)
    df = per.mutate(band_index=idx).to_pandas()
    df = df[df["units"] > 0]
    months = ((pd.Timestamp(YEAR_END) - pd.to_datetime(df["first"])).dt.days + 1) / 30.4375
    df["monthly"] = df["gmv"] / months
    g = df.groupby(["category_id", "band_index"]).agg(entrants=("product_id", "count"),
                                                       outcome=("monthly", "median"),
                                                       outcome_mean=("monthly", "mean")).reset_index()
    return g[g["entrants"] >= min_entrants]


def sd(values: list[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def hit_rate(pred: pd.Series, truth: pd.Series, k: int = 10) -> float:
    k = min(k, len(pred))
    top_pred = set(pred.sort_values(ascending=False).index[:k])
    top_true = set(truth.sort_values(ascending=False).index[:k])
    return len(top_pred & top_true) / k


def run_seed(seed: int, products: int, shops: int, categories: int, min_entrants: int, weights: str | None,
             source: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        wh = Warehouse.open(Path(tmp) / "bt.duckdb")
        cfg = SimConfig(seed=seed, markets=("US",), start=START, days=365, products=products, shops=shops,
                        categories=categories).validated()
        t0 = time.perf_counter()
        simulate(wh, cfg)
        t_sim = time.perf_counter() - t0
        if source == "estimate":
            from shopradar.estimate import estimate  # type: ignore[attr-defined]

            estimate(wh)
        t0 = time.perf_counter()
        ranked = opportunities(wh, "US", weights=weights, end=TRAIN_END, source=source).to_pandas()
        t_rank = time.perf_counter() - t0
        out = outcomes(wh, min_entrants)
        wh.close()
    m = ranked.merge(out, left_on=["category_id", "band_index"], right_on=["category_id", "band_index"])
    m = m.set_index(m["category_id"] + "|" + m["band_index"].astype(str))
    res: dict[str, float] = {"seed": seed, "niches_ranked": len(ranked), "niches_scored": len(m),
                             "sim_s": t_sim, "rank_s": t_rank}
    preds = {"score": m["score"], "gmv": m["gmv_usd_month"], "growth": m["growth"].fillna(m["growth"].median())}
    for name, pred in preds.items():
        res[f"rho_{name}"] = float(pred.rank().corr(m["outcome"].rank()))
        res[f"hit10_{name}"] = hit_rate(pred, m["outcome"])
        res[f"rho_mean_{name}"] = float(pred.rank().corr(m["outcome_mean"].rank()))
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="101,102,103,104,105")
    ap.add_argument("--products", type=int, default=3000)
    ap.add_argument("--shops", type=int, default=400)
    ap.add_argument("--categories", type=int, default=8)
    ap.add_argument("--min-entrants", type=int, default=3)
    ap.add_argument("--weights", default=None, help="weights YAML (default: the shipped weights)")
    ap.add_argument("--source", default="truth", choices=("truth", "estimate"),
                    help="sales the ranking reads: the simulator's truth, or the estimator's output")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    rows = []
    for seed in seeds:
        r = run_seed(seed, args.products, args.shops, args.categories, args.min_entrants, args.weights, args.source)
        rows.append(r)
        print(f"seed {seed}: niches {r['niches_scored']}/{r['niches_ranked']}  "
              f"rho score {r['rho_score']:+.3f} gmv {r['rho_gmv']:+.3f} growth {r['rho_growth']:+.3f}  "
              f"hit10 score {r['hit10_score']:.2f} gmv {r['hit10_gmv']:.2f} growth {r['hit10_growth']:.2f}  "
              f"(simulate {r['sim_s']:.1f}s, rank {r['rank_s']:.1f}s)", flush=True)
    print()
    print("| ranking | Spearman ρ (median entrant) mean ± sd | top-10 hit rate mean ± sd | ρ (mean entrant) |")
    print("|---|---|---|---|")
    for name, label in (("score", "opportunity score"), ("gmv", "raw GMV"), ("growth", "raw growth")):
        rho = [r[f"rho_{name}"] for r in rows]
        hit = [r[f"hit10_{name}"] for r in rows]
        rho_m = [r[f"rho_mean_{name}"] for r in rows]
        print(f"| {label} | {statistics.mean(rho):+.3f} ± {sd(rho):.3f} | {statistics.mean(hit):.2f} ± {sd(hit):.2f} "
              f"| {statistics.mean(rho_m):+.3f} ± {sd(rho_m):.3f} |")
    wins = sum(1 for r in rows if r["rho_score"] > max(r["rho_gmv"], r["rho_growth"]))
    print(f"\nseeds where the score's ρ beats both baselines: {wins}/{len(rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
