"""Acceptance: the cube's figures equal the simulator's truth aggregated independently.

The cube is built over the simulator's truth loaded as if it were the estimates (exact bounds),
so every figure must match plain pandas arithmetic over ``truth_daily_sales`` exactly; this
tests the cube's aggregation, roll-ups, concentration and channel maths, not the estimator
(whose accuracy is measured in docs/accuracy.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pytest

from shopradar.cube import CubeFilter, build_cube, channels_view, market_view, prices_view, top_view

simulate_mod = pytest.importorskip("shopradar.sources.simulate")


def _truth_as_estimates(wh) -> pd.DataFrame:
    t = wh.table("truth_daily_sales").to_pandas()
    t["gmv"] = t["gmv_local"].map(Decimal)
    piv = t.pivot_table(index=["product_id", "market", "date"], columns="channel", values="units",
                        aggfunc="sum", fill_value=0).reset_index()
    g = t.groupby(["product_id", "market", "date"]).agg(units=("units", "sum"), gmv=("gmv", "sum")).reset_index()
    g = g.merge(piv, on=["product_id", "market", "date"])
    u = g["units"].astype(float)
    est = pd.DataFrame({
        "product_id": g["product_id"], "market": g["market"], "date": g["date"], "currency": "USD",
        "units": u, "units_lower": u, "units_upper": u, "gmv_local": g["gmv"], "gmv_lower": g["gmv"],
        "gmv_upper": g["gmv"], "gmv_usd": g["gmv"], "gmv_usd_lower": g["gmv"], "gmv_usd_upper": g["gmv"]})
    for ch in ("video", "live", "card"):
        est[f"units_{ch}"] = g[ch].astype(float) if ch in g else 0.0
    wh.insert("product_daily_sales", pa.Table.from_pandas(est, preserve_index=False))
    return t


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    from shopradar.warehouse import Warehouse

    path = tmp_path_factory.mktemp("sim") / "sim.duckdb"
    wh = Warehouse.open(path)
    cfg = simulate_mod.SimConfig(seed=11, markets=("US",), start=date(2025, 1, 1), days=130, products=300, shops=60)
    simulate_mod.simulate(wh, cfg)
    truth = _truth_as_estimates(wh)
    build_cube(wh)
    prod = wh.table("product").to_pandas()[["product_id", "shop_id", "category_id"]]
    cat = wh.table("category").to_pandas().set_index("category_id")
    prod["l1"] = [c if pd.isna(cat.loc[c, "parent_id"]) else cat.loc[c, "parent_id"] for c in prod.category_id]
    truth = truth.merge(prod, on="product_id")
    truth["month"] = pd.to_datetime(truth["date"]).dt.to_period("M").dt.start_time.dt.date
    yield wh, truth
    wh.close()


def test_monthly_gmv_units_products_by_top_category(sim) -> None:
    wh, truth = sim
    cube = market_view(wh, CubeFilter(market="US", level=1), as_="pandas")
    plain = truth.groupby(["l1", "month"]).agg(t_gmv=("gmv", "sum"), t_units=("units", "sum")).reset_index()
    active = (truth.groupby(["l1", "month", "product_id"])["units"].sum() > 0).groupby(["l1", "month"]).sum()
    assert len(cube) == len(plain)
    merged = cube.merge(plain, left_on=["category_id", "period_start"], right_on=["l1", "month"])
    assert len(merged) == len(plain)
    assert (merged["gmv_local"] == merged["t_gmv"]).all()
    assert (merged["units"] == merged["t_units"]).all()
    for _, r in merged.iterrows():
        assert r["products"] == active[(r["l1"], r["month"])]


def test_shop_concentration_and_top_shops(sim) -> None:
    wh, truth = sim
    month = date(2025, 3, 1)
    big = truth[truth.month == month].groupby("l1")["gmv"].sum().idxmax()
    sub = truth[(truth.month == month) & (truth.l1 == big)]
    shops = sub.groupby("shop_id")["gmv"].sum().astype(float)
    shops = shops[shops > 0].sort_values(ascending=False)
    share = shops / shops.sum()
    row = market_view(wh, CubeFilter(category=big, date_from=month, date_to=month)).to_pylist()[0]
    assert row["hhi_shops"] == pytest.approx(float((share ** 2).sum() * 10000))
    assert row["cr5_shops"] == pytest.approx(float(share.iloc[:5].sum()))
    assert row["shops"] == len(shops)
    top = top_view(wh, "shops", CubeFilter(category=big, date_from=month, date_to=date(2025, 3, 31)), n=5)
    assert top.column("shop_id").to_pylist() == list(shops.index[:5])
    assert top.column("share").to_pylist() == pytest.approx(list(share.iloc[:5]))


def test_channel_mix_matches_truth(sim) -> None:
    wh, truth = sim
    cube = channels_view(wh, CubeFilter(level=1), as_="pandas")
    by = truth.groupby(["l1", "month", "channel"])["units"].sum().unstack(fill_value=0)
    for _, r in cube.iterrows():
        t = by.loc[(r["category_id"], r["period_start"])]
        assert r["video_share"] == pytest.approx(t.get("video", 0) / t.sum())
        assert r["live_share"] == pytest.approx(t.get("live", 0) / t.sum())


def test_prices_products_add_up(sim) -> None:
    wh, truth = sim
    window = truth[(truth.month >= date(2025, 2, 1)) & (truth.month <= date(2025, 3, 1))]
    per = window.groupby(["l1", "product_id"]).agg(gmv=("gmv", "sum"), units=("units", "sum"))
    per = per[per.units > 0]
    price = per.gmv.astype(float) / per.units
    cube = prices_view(wh, CubeFilter(level=1, date_from=date(2025, 2, 1), date_to=date(2025, 3, 31)), as_="pandas")
    for l1, g in cube.groupby("category_id"):
        p = price.loc[l1]
        assert g["products"].sum() == len(p)
        assert int(g.loc[g.band == "<10", "products"].sum()) == int((p < 10).sum())
        assert int(g.loc[g.band == "100+", "products"].sum()) == int((p >= 100).sum())


def test_acceleration_matches_truth(sim) -> None:
    wh, truth = sim
    last = pd.Timestamp(truth["date"].max()).date()
    rows = [r for r in market_view(wh, CubeFilter(level=1)).to_pylist() if r["period_end"] >= last]
    assert rows
    for r in rows:
        sub = truth[truth.l1 == r["category_id"]]
        days = (pd.Timestamp(last) - pd.to_datetime(sub["date"])).dt.days
        u7, u90 = sub.loc[days < 7, "units"].sum(), sub.loc[days < 90, "units"].sum()
        assert r["acceleration"] == pytest.approx(u7 / u90)
