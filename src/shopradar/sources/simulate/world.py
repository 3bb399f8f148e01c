"""The static world of one market: shops, products, creators, and the recommender's reach.

Everything here is drawn once per market from the market's own seed, as numpy arrays
(products ordered by shop). Blocks — runs of whole shops with at least ``BLOCK`` products —
carry their own seeds, so the day-by-day simulation gives the same result whatever the
chunk size.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import numpy as np

from shopradar.sources.simulate.catalog import (
    BRAND_DEMAND,
    BRAND_TYPES,
    CATEGORIES,
    GENDERS,
    PRICE_TIER_DEMAND,
    PRICE_TIER_FACTOR,
    PRICE_TIERS,
    leaf_id,
    share,
)
from shopradar.sources.simulate.config import SimConfig
from shopradar.sources.simulate.markets import Market

BLOCK = 256
MISFIT = 0.3   # conversion of a shopper shown a product that differs in one attribute from what they want
APPEAL_SCALE = 1.0  # multiplies each category's quality spread (calibrates the top-1% share, docs/simulator.md)

_ADJ = ("Lumi", "Nova", "Aura", "Bloom", "Urban", "Pure", "Zen", "Vivid", "Cozy", "Swift", "Glow", "Terra",
        "Maple", "Coral", "Ivy", "Jade", "Luna", "Sol", "Echo", "Peak")
_NOUN = ("Home", "Studio", "Store", "Lab", "Goods", "Co", "Shop", "Mart", "House", "Select", "Life", "Style")
_TITLE_ADJ = ("Premium", "Soft", "Portable", "Classic", "Mini", "Deluxe", "Everyday", "Eco", "Smart", "Cute",
              "Waterproof", "Lightweight")


@dataclass
class MarketWorld:
    market: Market
    index: int                  # position of the market in the config
    n_products: int
    # shops
    shop_start: np.ndarray      # first product index of each shop (len S + 1)
    shop_seller: np.ndarray     # 0 local, 1 cross_border
    shop_brand: np.ndarray      # index into BRAND_TYPES
    shop_strength: np.ndarray
    shop_account: np.ndarray    # creator index of the shop's own account, -1 if none
    shop_live_rate: np.ndarray  # LIVE sessions per week (0 = never)
    # products
    shop: np.ndarray
    l1: np.ndarray
    leaf: np.ndarray
    tier: np.ndarray
    scenario: np.ndarray
    gender: np.ndarray
    price_local: np.ndarray     # base list price, local currency (float, already shown-rounded)
    launch: np.ndarray          # day offset from config.start (negative = before)
    exit: np.ndarray            # day offset of permanent delisting (large = never)
    ramp: np.ndarray
    decay: np.ndarray
    weight: np.ndarray          # r_i: recommender reach × shop strength^concentration
    rel: np.ndarray             # weight relative to the market's mean weight
    slot: np.ndarray            # crawl hour (local) of the product page
    phase: np.ndarray           # crawl phase (for crawl_every > 1)
    discover: np.ndarray        # day offset the crawler first sees the product
    review_rate: np.ndarray
    rating: np.ndarray
    prehistory: np.ndarray      # effective days of sales before the period (for the initial counter)
    # creators
    followers: np.ndarray
    affiliate_cum: np.ndarray   # cumulative pick weights over affiliate creators
    n_affiliates: int
    blocks: list[tuple[int, int, int]]  # (block number, first product, end product)


def ids(prefix: str, idx: np.ndarray) -> list[str]:
    return [f"{prefix}{i:07d}" for i in idx.tolist()]


def build_market(cfg: SimConfig, market: Market, index: int) -> MarketWorld:
    ss = np.random.SeedSequence(cfg.seed, spawn_key=(index, 0))
    rng = np.random.default_rng(ss)
    P, S, D = cfg.products, cfg.shops, cfg.days
    ncat = cfg.categories
    shares = np.array([share(i) for i in range(ncat)])
    shares = shares / shares.sum()

    # -- shops: power-law sizes ---------------------------------------------------------
    w = rng.pareto(1.3, S) + 1.0
    counts = 1 + rng.multinomial(P - S, w / w.sum())
    order = np.argsort(-counts, kind="stable")
    counts = counts[order]
    shop_start = np.concatenate([[0], np.cumsum(counts)])
    shop_seller = (rng.random(S) < market.cross_border_share).astype(np.int8)
    brand_p = np.where(shop_seller[:, None] == 1, [[0.15, 0.75, 0.10]], [[0.4, 0.3, 0.3]])
    shop_brand = _choice_rows(rng, brand_p)
    shop_strength = rng.lognormal(0.0, 1.0, S) * (counts / counts.mean()) ** 0.25
    primary = rng.choice(ncat, size=S, p=shares)
    n_aff = cfg.n_creators
    has_account = rng.random(S) < np.clip(0.35 + 0.1 * np.log1p(counts), 0, 0.95)
    shop_account = np.full(S, -1, dtype=np.int64)
    shop_account[has_account] = n_aff + np.arange(int(has_account.sum()))
    live_mix = np.array([CATEGORIES[c].mix[1] for c in primary]) * (1.8 if market.region == "SEA" else 1.0)
    does_live = rng.random(S) < np.clip(0.15 + 1.5 * live_mix + 0.1 * np.log1p(counts) + 0.15 * np.log1p(shop_strength),
                                        0, 0.95)
    shop_live_rate = np.where(does_live, rng.uniform(1.0, 5.0, S) * np.clip(counts / 5.0, 0.3, 3.0)
                              * (1.0 + np.log1p(shop_strength)), 0.0)

    # -- products ------------------------------------------------------------------------
    shop = np.repeat(np.arange(S), counts)
    in_primary = rng.random(P) < 0.85
    l1 = np.where(in_primary, primary[shop], rng.choice(ncat, size=P, p=shares))
    nleaves = np.array([len(CATEGORIES[c].leaves) for c in range(ncat)])
    leaf = (rng.random(P) * nleaves[l1]).astype(np.int64)
    brand = shop_brand[shop]
    tier_p = np.array([[0.2, 0.5, 0.3], [0.6, 0.35, 0.05], [0.4, 0.45, 0.15]])[brand]
    tier = _choice_rows(rng, tier_p)
    scen_p = np.zeros((P, 4))
    gen_p = np.zeros((P, 3))
    for c in range(ncat):
        m = l1 == c
        sw = np.array([x[1] for x in CATEGORIES[c].scenarios]) ** 0.8
        scen_p[m] = sw / sw.sum()
        gen_p[m] = CATEGORIES[c].genders
    scenario = _choice_rows(rng, scen_p)
    gender = _choice_rows(rng, gen_p)
    med = np.array([CATEGORIES[c].price_usd for c in range(ncat)])[l1]
    brand_factor = np.array([1.25, 0.8, 1.0])[brand] * np.where(shop_seller[shop] == 1, 0.85, 1.0)
    price_usd = med * np.array(PRICE_TIER_FACTOR)[tier] * brand_factor * rng.lognormal(0, 0.3, P) * market.price_level
    price_local = round_price(market, price_usd / market.usd_per_unit)

    # launch dates: established products before the period, new ones during it; never before the market opened
    start_ord = _ord(cfg.start)
    opened = _ord(market.launch) - start_ord
    new = rng.random(P) < cfg.new_product_share
    age = np.minimum(rng.exponential(300.0, P), 1500).astype(np.int64) + 1
    launch = np.where(new, (rng.random(P) * D).astype(np.int64), -age)
    launch = np.maximum(launch, opened + (rng.random(P) * 30).astype(np.int64))
    life_years = rng.exponential(1.0 / max(cfg.exit_rate, 1e-9), P) if cfg.exit_rate > 0 else np.full(P, 1e9)
    exit_ = launch + np.maximum(1, (life_years * 365).astype(np.int64))
    exit_ = np.where(exit_ < D, exit_, 10**9)
    ramp = rng.uniform(4.0, 30.0, P)
    decay = rng.lognormal(np.log(420.0), 0.7, P)

    appeal = np.empty(P)
    for c in range(ncat):
        m = l1 == c
        appeal[m] = rng.lognormal(0.0, 0.5 * CATEGORIES[c].spread, int(m.sum()))
    reach = recommender_reach(l1, leaf, tier, brand, scenario, gender, appeal, cfg.match_depth)
    kappa = np.array([CATEGORIES[c].concentration for c in range(ncat)])[l1]
    quality = np.empty(P)   # conversion once shown: the heavy tail of product sales
    for c in range(ncat):
        m = l1 == c
        quality[m] = rng.lognormal(0.0, CATEGORIES[c].spread * APPEAL_SCALE, int(m.sum()))
    weight = reach * quality * shop_strength[shop] ** kappa
    weight = np.maximum(weight, 1e-12)
    rel = weight / weight.mean()

    slot = rng.uniform(0.5, 23.5, P)
    phase = rng.integers(0, cfg.crawl_every, P)
    discover = np.maximum(launch, 0) + rng.geometric(0.25, P) - 1
    review_rate = rng.uniform(0.01, 0.06, P)
    rating = np.clip(4.9 - rng.gamma(2.0, 0.18, P), 3.0, 5.0)
    prehistory = np.clip(-launch, 0, None) * rng.uniform(0.3, 0.9, P)

    followers = np.minimum(1000.0 * (rng.pareto(1.1, n_aff) + 1.0), 5e7).astype(np.int64)
    acc_followers = np.minimum(200.0 * (rng.pareto(1.3, int(has_account.sum())) + 1.0), 5e6).astype(np.int64)
    followers = np.concatenate([followers, acc_followers])
    affiliate_cum = np.cumsum(followers[:n_aff].astype(np.float64) ** 0.7)

    return MarketWorld(
        market=market, index=index, n_products=P,
        shop_start=shop_start, shop_seller=shop_seller, shop_brand=shop_brand, shop_strength=shop_strength,
        shop_account=shop_account, shop_live_rate=shop_live_rate,
        shop=shop, l1=l1, leaf=leaf, tier=tier, scenario=scenario, gender=gender, price_local=price_local,
        launch=launch, exit=exit_, ramp=ramp, decay=decay, weight=weight, rel=rel, slot=slot, phase=phase,
        discover=discover, review_rate=review_rate, rating=rating, prehistory=prehistory,
        followers=followers, affiliate_cum=affiliate_cum, n_affiliates=n_aff,
        blocks=_blocks(shop_start),
    )


def _blocks(shop_start: np.ndarray) -> list[tuple[int, int, int]]:
    out: list[tuple[int, int, int]] = []
    first = 0
    for end in shop_start[1:].tolist():
        if end - first >= BLOCK:
            out.append((len(out), first, end))
            first = end
    if first < int(shop_start[-1]):
        out.append((len(out), first, int(shop_start[-1])))
    return out


def _choice_rows(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One categorical draw per row of probability matrix ``p``."""
    cum = np.cumsum(p, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(p))[:, None]
    return (u > cum).sum(axis=1).clip(0, p.shape[1] - 1).astype(np.int64)


def _ord(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def round_price(market: Market, local: np.ndarray) -> np.ndarray:
    """Shown prices: up to the market's step, minus its ending (12.3 → 12.99; ¥1,234 → ¥1,240)."""
    step = market.price_step
    shown = np.maximum(step, np.ceil(local / step) * step) - market.price_ending
    return np.round(shown, 2)


def recommender_reach(l1: np.ndarray, leaf: np.ndarray, tier: np.ndarray, brand: np.ndarray,
                      scenario: np.ndarray, gender: np.ndarray, appeal: np.ndarray, depth: int) -> np.ndarray:
    """Traffic the recommender sends each product (question 5).

    Shoppers of a leaf category want one cell of (price tier, brand type, use scenario,
    gender), in proportion to demand. The recommender matches a shopper at the finest
    prefix of that path whose supply holds at least ``depth`` products; within it,
    products are shown in proportion to appeal, and each attribute that differs from the
    shopper's wish cuts conversion to ``MISFIT``. So broad standard products collect
    traffic, while a product in a thin niche is reached only through coarse matches
    where it fits few shoppers.
    """
    P = len(l1)
    reach = np.zeros(P)
    attrs = np.stack([tier, brand, scenario, gender], axis=1)
    key = l1 * 16 + leaf
    for k in np.unique(key):
        idx = np.nonzero(key == k)[0]
        cat = CATEGORIES[int(k // 16)]
        a = attrs[idx]
        ap = appeal[idx]
        scen_w = np.array([x[1] for x in cat.scenarios])
        dims = (np.array(PRICE_TIER_DEMAND), np.array(BRAND_DEMAND), scen_w / scen_w.sum(),
                np.array(cat.genders))
        # prefix codes of every product at levels 1..4
        codes = [np.zeros(len(idx), dtype=np.int64)]
        for lev in range(4):
            codes.append(codes[-1] * 8 + a[:, lev])
        for cell in np.ndindex(3, 3, len(cat.scenarios), 3):
            mass = dims[0][cell[0]] * dims[1][cell[1]] * dims[2][cell[2]] * dims[3][cell[3]]
            if mass <= 0:
                continue
            cell_code = [0]
            for lev in range(4):
                cell_code.append(cell_code[-1] * 8 + cell[lev])
            level = 0
            for lev in range(1, 5):
                if int((codes[lev] == cell_code[lev]).sum()) >= depth:
                    level = lev
                else:
                    break
            shown = codes[level] == cell_code[level]
            if not shown.any():
                continue
            fit = np.ones(int(shown.sum()))
            for lev in range(level, 4):
                fit *= np.where(a[shown, lev] == cell[lev], 1.0, MISFIT)
            w = ap[shown]
            reach[idx[shown]] += mass * w * fit / w.sum()
    return reach


def attributes_json(w: MarketWorld) -> list[str]:
    names = [[s for s, _ in CATEGORIES[c].scenarios] for c in range(len(CATEGORIES))]
    return [json.dumps({"price_tier": PRICE_TIERS[t], "brand_type": BRAND_TYPES[b], "use_scenario": names[c][s],
                        "gender": GENDERS[g], "seller_type": "cross_border" if x else "local"}, sort_keys=True)
            for t, b, c, s, g, x in zip(w.tier.tolist(), w.shop_brand[w.shop].tolist(), w.l1.tolist(),
                                        w.scenario.tolist(), w.gender.tolist(), w.shop_seller[w.shop].tolist(),
                                        strict=True)]


def titles(w: MarketWorld, rng: np.random.Generator) -> list[str]:
    adj = rng.integers(0, len(_TITLE_ADJ), w.n_products).tolist()
    names = [[s for s, _ in CATEGORIES[c].scenarios] for c in range(len(CATEGORIES))]
    out = []
    for i, (c, lf, s, g) in enumerate(zip(w.l1.tolist(), w.leaf.tolist(), w.scenario.tolist(), w.gender.tolist(),
                                          strict=True)):
        leaf_name = CATEGORIES[c].leaves[lf][0]
        who = ("for Women", "for Men", "")[g]
        out.append(f"{_TITLE_ADJ[adj[i]]} {leaf_name} {who} – {names[c][s].replace('_', ' ')}".replace("  ", " "))
    return out


def shop_names(n: int, rng: np.random.Generator) -> list[str]:
    a = rng.integers(0, len(_ADJ), n).tolist()
    b = rng.integers(0, len(_NOUN), n).tolist()
    return [f"{_ADJ[x]} {_NOUN[y]} {i % 97}" for i, (x, y) in enumerate(zip(a, b, strict=True))]


def leaf_ids(w: MarketWorld) -> list[str]:
    return [leaf_id(c, lf) for c, lf in zip(w.l1.tolist(), w.leaf.tolist(), strict=True)]
