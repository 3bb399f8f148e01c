"""Niche depth on a hand-built market where the answer is obvious."""

from __future__ import annotations

import datetime as dt

import pytest

from shopradar.errors import DataError, UsageError
from shopradar.insights import niche

D0 = dt.date(2024, 3, 1)


@pytest.fixture
def home(warehouse, market):
    root = market.category("home")
    cups = market.category("cups", parent="home")
    # broad standard product: 8 white-label shops, 2 budget cups each, mixed scenarios
    for i in range(8):
        s = market.shop(f"wl{i}")
        for j in range(2):
            p = market.product(s, cups, price_tier="budget", use_scenario="daily" if j == 0 else "office",
                               gender="unisex")
            market.sell(p, D0, 30, units=10, price=5.0)
    # an over-narrow niche: premium brand office cups for women, 2 shops
    for i in range(2):
        s = market.shop(f"br{i}", brand_type="brand")
        p = market.product(s, cups, price_tier="premium", use_scenario="office", gender="female")
        market.sell(p, D0, 30, units=1, price=40.0)
    # a product that sold nothing in the window is not supply
    idle = market.product(market.shop("idle"), cups, price_tier="premium", use_scenario="office", gender="female")
    market.sell(idle, D0 - dt.timedelta(days=200), 5, units=3)
    market.write(warehouse)
    return warehouse, root


def test_levels_totals_and_flags(home) -> None:
    wh, root = home
    t = niche(wh, "US", root, ["price_tier", "brand_type", "use_scenario", "gender"], start=D0,
              end=D0 + dt.timedelta(days=29)).to_pylist()
    top = next(r for r in t if r["level"] == 0)
    assert top["active_products"] == 18 and top["active_shops"] == 10
    assert top["gmv_usd"] == pytest.approx(16 * 30 * 50 + 2 * 30 * 40)
    budget = next(r for r in t if r["level"] == 1 and r["value"] == "budget")
    premium = next(r for r in t if r["level"] == 1 and r["value"] == "premium")
    assert budget["broad"] and not budget["thin"]
    assert premium["thin"] and not premium["broad"]
    assert premium["active_shops"] == 2 and premium["active_products"] == 2  # the idle product is not supply
    assert budget["share_of_category"] == pytest.approx(24000 / 26400)
    # the deepest premium leaf: thin; the recommender stops before the first level
    leaf = next(r for r in t if r["level"] == 4 and r["price_tier"] == "premium")
    assert leaf["thin"] and leaf["matched_level"] == 0 and leaf["path"].startswith("price_tier=premium")
    # budget → white_label → daily: 8 products from 8 shops, still matched; level 4 unisex too
    deep = next(r for r in t if r["level"] == 4 and r["use_scenario"] == "daily")
    assert not deep["thin"] and deep["matched_level"] == 4
    # shares of the parent add up to one at every split
    lvl1 = [r for r in t if r["level"] == 1]
    assert sum(r["share_of_parent"] for r in lvl1) == pytest.approx(1.0)


def test_thresholds_move_the_flags(home) -> None:
    wh, root = home
    t = niche(wh, "US", root, ["price_tier"], start=D0, end=D0 + dt.timedelta(days=29), min_shops=2,
              min_products=2).to_pylist()
    assert not next(r for r in t if r["value"] == "premium")["thin"]


def test_no_data_and_bad_input(home) -> None:
    wh, root = home
    with pytest.raises(DataError, match="nope"):
        niche(wh, "US", "nope")
    with pytest.raises(DataError):
        niche(wh, "US", root, start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31))
    with pytest.raises(DataError):
        niche(wh, "GB", root)
    with pytest.raises(UsageError):
        niche(wh, "US", root, ["gender", "gender"])
    with pytest.raises(UsageError):
        niche(wh, "US", root, ["path"])
    with pytest.raises(UsageError):
        niche(wh, "US", root, ["bad key;"])
