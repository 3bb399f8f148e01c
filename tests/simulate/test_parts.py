"""Pieces of the simulator: the recommender's niche effect, the multinomial split, prices, calendar."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shopradar.sources.simulate.content import split_counts
from shopradar.sources.simulate.markets import MARKETS
from shopradar.sources.simulate.seasonality import black_friday
from shopradar.sources.simulate.world import recommender_reach, round_price


def _leaf(n_broad: int, niche: list[tuple[int, int, int, int]]):
    """A leaf of beauty (category 0): n_broad standard products (budget, white label, daily, female) + niche ones."""
    attrs = [(0, 1, 0, 0)] * n_broad + niche
    a = np.array(attrs)
    n = len(a)
    return (np.zeros(n, int), np.zeros(n, int), a[:, 0], a[:, 1], a[:, 2], a[:, 3], np.ones(n))


def test_over_niche_products_get_less_traffic_than_broad_ones() -> None:
    # premium brand "professional" products for men: the thinnest cell of beauty
    niche = [(2, 0, 3, 1)]
    reach = recommender_reach(*_leaf(12, niche), depth=4)
    broad, lonely = reach[:12].mean(), reach[12]
    assert lonely < 0.5 * broad, (lonely, broad)


def test_a_niche_with_deep_supply_is_served_at_its_own_level() -> None:
    thin = recommender_reach(*_leaf(12, [(2, 0, 3, 1)]), depth=4)[12]
    deep = recommender_reach(*_leaf(12, [(2, 0, 3, 1)] * 4), depth=4)[12:]
    # once the niche cell holds `depth` products, its shoppers are matched to it exactly: each gets more
    # than a lone niche product would, even though four now share the cell
    assert deep.mean() > thin


def test_reach_never_exceeds_demand() -> None:
    reach = recommender_reach(*_leaf(30, [(1, 2, 1, 2)] * 3 + [(2, 0, 3, 1)]), depth=4)
    assert 0 < reach.sum() <= 1.0 + 1e-9


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.floats(0.01, 100.0)), min_size=1, max_size=40),
       st.lists(st.integers(0, 500), min_size=7, max_size=7), st.integers(0, 2**32 - 1))
def test_split_counts_keeps_every_total(rows, totals, seed) -> None:
    group = np.array([g for g, _ in rows])
    weights = np.array([w for _, w in rows])
    tot = np.array(totals)
    out = split_counts(np.random.default_rng(seed), tot, group, weights)
    assert (out >= 0).all()
    for g in np.unique(group):
        assert out[group == g].sum() == tot[g]


def test_shown_prices_end_like_real_ones() -> None:
    assert round_price(MARKETS["US"], np.array([12.3, 0.4, 19.99]))[:2].tolist() == [12.99, 0.99]
    assert round_price(MARKETS["JP"], np.array([1234.0])).tolist() == [1240.0]
    assert round_price(MARKETS["MY"], np.array([5.01])).tolist() == [5.9]
    assert round_price(MARKETS["VN"], np.array([114_441.0])).tolist() == [115_000.0]


def test_black_friday_dates() -> None:
    assert black_friday(2024) == date(2024, 11, 29)
    assert black_friday(2025) == date(2025, 11, 28)
    assert black_friday(2026) == date(2026, 11, 27)
