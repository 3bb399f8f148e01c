"""Short videos and LIVE sessions of a block: who posts, when, with how much reach."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopradar.sources.simulate.catalog import CATEGORIES
from shopradar.sources.simulate.config import SimConfig
from shopradar.sources.simulate.dynamics import BlockState
from shopradar.sources.simulate.world import MarketWorld

MAX_VIDEO_LIFE = 60


@dataclass
class Videos:
    product: np.ndarray     # block-local product index
    creator: np.ndarray     # creator index in the market
    affiliate: np.ndarray
    post: np.ndarray        # day offset
    hour: np.ndarray        # local posting hour
    life: np.ndarray        # selling days
    tau: np.ndarray         # decay time (days)
    reach: np.ndarray       # weight
    views: np.ndarray       # lifetime views
    like_rate: np.ndarray
    # expansion: one row per (video, selling day), ordered by video then day
    x_video: np.ndarray
    x_day: np.ndarray
    x_weight: np.ndarray


@dataclass
class Lives:
    shop: np.ndarray        # shop index in the market
    creator: np.ndarray
    affiliate: np.ndarray
    day: np.ndarray
    start_h: np.ndarray     # local start hour
    hours: np.ndarray       # duration
    viewers: np.ndarray     # peak concurrent viewers
    # pairs: one row per (session, product featured)
    p_session: np.ndarray
    p_product: np.ndarray   # block-local product index


def channel_mix(world: MarketWorld, a: int, b: int) -> np.ndarray:
    """(n, 3) base share of video, live, card per product (category mix; LIVE heavier in SEA)."""
    mix = np.array([CATEGORIES[c].mix for c in range(len(CATEGORIES))])[world.l1[a:b]].copy()
    if world.market.region == "SEA":
        mix[:, 1] *= 1.8
    return mix / mix.sum(axis=1, keepdims=True)


def pick_affiliates(world: MarketWorld, u: np.ndarray) -> np.ndarray:
    total = world.affiliate_cum[-1]
    return np.minimum(np.searchsorted(world.affiliate_cum, u * total, side="right"), world.n_affiliates - 1)


def make_videos(cfg: SimConfig, world: MarketWorld, st: BlockState, rng: np.random.Generator,
                mix: np.ndarray) -> Videos:
    a, b, D = st.a, st.b, cfg.days
    n = b - a
    first = np.maximum(world.launch[a:b], 0)
    last = np.minimum(world.exit[a:b], D) - 1
    span = last - first + 1
    mu = cfg.video_rate * D / 30.0 * (mix[:, 0] / 0.5) * np.clip(world.rel[a:b], 0.01, 1e4) ** 0.5
    mu = np.where(span > 0, np.minimum(mu, 60.0 * D / 30.0), 0.0)
    nv = rng.poisson(mu)
    prod = np.repeat(np.arange(n), nv)
    m = len(prod)
    post = first[prod] + (rng.random(m) * span[prod]).astype(np.int64)
    life = np.minimum(rng.geometric(1 / 7.0, m), MAX_VIDEO_LIFE)
    tau = rng.uniform(1.5, 5.0, m)
    acct = world.shop_account[world.shop[a + prod]]
    affiliate = (rng.random(m) < 0.8) | (acct < 0)
    creator = np.where(affiliate, pick_affiliates(world, rng.random(m)), acct)
    virality = rng.lognormal(0.0, 1.2, m)
    fol = world.followers[creator].astype(np.float64)
    reach = fol ** 0.5 * virality
    views = (fol ** 0.8 * 3.0 * virality).astype(np.int64) + 50
    like_rate = rng.uniform(0.02, 0.12, m)
    hour = rng.uniform(7.0, 23.0, m)
    sell_days = np.minimum(life, D - post)
    x_video = np.repeat(np.arange(m), sell_days)
    starts = np.cumsum(sell_days) - sell_days
    x_off = np.arange(len(x_video)) - np.repeat(starts, sell_days)
    x_day = post[x_video] + x_off
    x_weight = reach[x_video] * np.exp(-x_off / tau[x_video])
    return Videos(product=prod, creator=creator, affiliate=affiliate, post=post, hour=hour, life=life, tau=tau,
                  reach=reach, views=views, like_rate=like_rate, x_video=x_video, x_day=x_day, x_weight=x_weight)


def make_lives(cfg: SimConfig, world: MarketWorld, st: BlockState, rng: np.random.Generator) -> Lives:
    a, b, D = st.a, st.b, cfg.days
    shops = np.arange(world.shop[a], world.shop[b - 1] + 1)
    rate = world.shop_live_rate[shops]
    ns = rng.poisson(rate * D / 7.0)
    shop = np.repeat(shops, ns)
    k = len(shop)
    day = rng.integers(0, D, k)
    acct = world.shop_account[shop]
    affiliate = (rng.random(k) < 0.4) | (acct < 0)
    creator = np.where(affiliate, pick_affiliates(world, rng.random(k)), acct)
    base_h = 19.0 if world.market.region == "SEA" else 18.0
    start_h = base_h + rng.uniform(0.0, 4.0, k)
    hours = rng.uniform(1.0, 4.0, k)
    viewers = (world.followers[creator].astype(np.float64) ** 0.6 * rng.lognormal(0.0, 0.8, k)).astype(np.int64) + 5
    # products featured: 1 + Poisson(1.5) draws from the shop's products, weighted by their demand weight
    nk = 1 + rng.poisson(1.5, k)
    sess = np.repeat(np.arange(k), nk)
    cw = np.cumsum(world.weight[a:b] ** 1.5)  # the shop's best sellers are featured most
    s0 = world.shop_start[shop[sess]] - a
    s1 = world.shop_start[shop[sess] + 1] - a
    lo = np.where(s0 > 0, cw[np.maximum(s0 - 1, 0)], 0.0)
    hi = cw[s1 - 1]
    u = lo + rng.random(len(sess)) * (hi - lo)
    prod = np.clip(np.searchsorted(cw, u, side="right"), s0, s1 - 1)
    key = np.unique(sess.astype(np.int64) * (b - a) + prod)
    p_session, p_product = key // (b - a), key % (b - a)
    on_sale = st.avail[p_product, day[p_session]]
    p_session, p_product = p_session[on_sale], p_product[on_sale]
    return Lives(shop=shop, creator=creator, affiliate=affiliate, day=day, start_h=start_h, hours=hours,
                 viewers=viewers, p_session=p_session, p_product=p_product)


def split_counts(rng: np.random.Generator, totals: np.ndarray, group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split ``totals[g]`` over the rows of each group ``g`` (multinomial, by weight).

    ``group`` gives each row's group; rows need not be sorted. Returns counts per row.
    """
    out = np.zeros(len(group), dtype=np.int64)
    if len(group) == 0:
        return out
    order = np.argsort(group, kind="stable")
    g = group[order]
    w = weights[order].astype(np.float64)
    first = np.r_[True, g[1:] != g[:-1]]
    start_idx = np.maximum.accumulate(np.where(first, np.arange(len(g)), 0))
    rank = np.arange(len(g)) - start_idx
    # weight still to come (this row and the rest of its group)
    starts = np.nonzero(first)[0]
    ends = np.r_[starts[1:], len(g)]
    gid = np.cumsum(first) - 1
    # weight of this row and the rows after it in its group
    csum = np.cumsum(w)
    rest = csum[ends - 1][gid] - (csum - w)
    left = totals[g[starts]].astype(np.int64)
    res = np.zeros(len(g), dtype=np.int64)
    for k in range(int(rank.max()) + 1):
        rows = np.nonzero(rank == k)[0]
        gi = gid[rows]
        last = rows + 1 == ends[gi]
        p = np.where(last, 1.0, np.clip(w[rows] / np.maximum(rest[rows], 1e-300), 0.0, 1.0))
        draw = rng.binomial(left[gi], p)
        res[rows] = draw
        left[gi] -= draw
    out[order] = res
    return out
