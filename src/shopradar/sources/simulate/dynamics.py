"""Day-by-day state of a block of products: life cycle, prices and promotions, stock-outs,
relistings, and the demand weight the market's daily GMV is shared by.

``block_dynamics`` is a pure function of (seed, market, block): the first pass uses it to
sum weights per category and day, the second pass recomputes it to draw sales, so memory
stays bounded by the block size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopradar.sources.simulate.config import SimConfig
from shopradar.sources.simulate.world import MarketWorld, round_price

ELASTICITY = 2.0      # demand weight × (1 − discount)^−ELASTICITY during a promotion
EVENT_PROMO = 0.25    # discount of products joining a market sales event
PROMO_RATE = 6.0      # own promotions per product-year
PRICE_CHANGES = 2.0   # list-price changes per product-year


@dataclass
class BlockState:
    a: int
    b: int
    life: np.ndarray        # (n, D) life-cycle demand factor, 0 when not listed
    avail: np.ndarray       # (n, D) on sale (listed, in stock, not in a relisting gap)
    stock_out: np.ndarray   # (n, D)
    gap: np.ndarray         # (n, D) delisted before a relisting
    reset: np.ndarray       # (n, D) counter restarts at 0 at the start of this day
    disc: np.ndarray        # (n, D) discount 0..0.6
    list_price: np.ndarray  # (n, D) list price, local currency (shown-rounded)
    price: np.ndarray       # (n, D) price paid, local currency (shown-rounded)
    weight: np.ndarray      # (n, D) demand weight


def seed_for(cfg: SimConfig, world: MarketWorld, stage: int, block: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(world.index, stage, block)))


def episodes(rng: np.random.Generator, n: int, days: int, per_year: float, mean_len: float,
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random episodes: (row, first day, length) with ``per_year`` episodes per row-year."""
    counts = rng.poisson(per_year * days / 365.0, n)
    rows = np.repeat(np.arange(n), counts)
    starts = rng.integers(0, days, len(rows))
    lens = rng.geometric(1.0 / mean_len, len(rows))
    return rows, starts, lens


def mark(n: int, days: int, rows: np.ndarray, starts: np.ndarray, lens: np.ndarray,
         values: np.ndarray | None = None) -> np.ndarray:
    """Sum of episode values (1 if None) per row-day."""
    acc = np.zeros((n, days + 1))
    v = np.ones(len(rows)) if values is None else values
    np.add.at(acc, (rows, starts), v)
    np.add.at(acc, (rows, np.minimum(starts + lens, days)), -v)
    return np.cumsum(acc, axis=1)[:, :days]


def block_dynamics(cfg: SimConfig, world: MarketWorld, block: tuple[int, int, int],
                   event_days: np.ndarray) -> BlockState:
    bno, a, b = block
    rng = seed_for(cfg, world, 1, bno)
    n, D = b - a, cfg.days
    t = np.arange(D)[None, :]
    launch = world.launch[a:b, None]
    exit_ = world.exit[a:b, None]
    age = t - launch
    listed = (age >= 0) & (t < exit_)
    agep = np.maximum(age, 0)
    life = np.where(listed, (1 - np.exp(-(agep + 1) / world.ramp[a:b, None])) * np.exp(-agep / world.decay[a:b, None]),
                    0.0)

    r, s, ln = episodes(rng, n, D, cfg.stockout_rate, 4.0)
    stock_out = (mark(n, D, r, s, ln) > 0) & listed

    r, s, ln = episodes(rng, n, D, cfg.relist_rate, 3.0)
    reset_day = s + ln
    ok = (reset_day < D) & (s > world.launch[a:b][r]) & (reset_day < world.exit[a:b][r])
    r, s, ln, reset_day = r[ok], s[ok], ln[ok], reset_day[ok]
    gap = (mark(n, D, r, s, ln) > 0) & listed
    reset = np.zeros((n, D), dtype=bool)
    reset[r, reset_day] = True

    r, s, ln = episodes(rng, n, D, PROMO_RATE, 3.0)
    disc = mark(n, D, r, s, ln, rng.uniform(0.1, 0.4, len(r)))
    joins = rng.random(n) < 0.5
    disc = np.where(joins[:, None] & event_days[None, :], np.maximum(disc, EVENT_PROMO), disc)
    disc = np.clip(disc, 0.0, 0.6)

    r, s, _ = episodes(rng, n, D, PRICE_CHANGES, 1.0)
    steps = mark(n, D, r, s, np.full(len(r), D), rng.normal(0.0, 0.08, len(r)))
    list_price = round_price(world.market, world.price_local[a:b, None] * np.exp(steps))
    price = np.where(disc > 0, round_price(world.market, list_price * (1 - disc)), list_price)
    price = np.minimum(price, list_price)

    avail = listed & ~stock_out & ~gap
    weight = world.weight[a:b, None] * life * (1 - disc) ** -ELASTICITY * avail
    return BlockState(a=a, b=b, life=life, avail=avail, stock_out=stock_out, gap=gap, reset=reset, disc=disc,
                      list_price=list_price, price=price, weight=weight)
