"""The slowly changing tables of a simulated market: market, category, shop, product,
creator and exchange rates — as Arrow tables ready for a sink."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from shopradar.sources.simulate.arrowutil import const, dict_strings
from shopradar.sources.simulate.catalog import BRAND_TYPES, PRICE_TIERS, category_rows
from shopradar.sources.simulate.config import SimConfig
from shopradar.sources.simulate.engine import SOURCE
from shopradar.sources.simulate.markets import MARKETS
from shopradar.sources.simulate.world import (
    _ADJ,
    _NOUN,
    MarketWorld,
    attributes_json,
    leaf_ids,
    shop_names,
    titles,
)

_RESELL = ("Anker", "Stanley", "CeraVe", "Olaplex", "Owala", "Lego", "Crocs", "Maybelline")


def product_ids(world: MarketWorld) -> list[str]:
    return [f"sim-{world.market.code}-p{i:07d}" for i in range(world.n_products)]


def market_table(cfg: SimConfig) -> pa.Table:
    ms = [MARKETS[c] for c in cfg.markets]
    return pa.table({"code": [m.code for m in ms], "name_en": [m.name_en for m in ms],
                     "name_zh": [m.name_zh for m in ms], "currency": [m.currency for m in ms],
                     "time_zone": [m.time_zone for m in ms], "region": [m.region for m in ms]})


def category_table() -> pa.Table:
    rows = category_rows()
    n = len(rows["category_id"])
    return pa.table({**rows, "level": pa.array(rows["level"], pa.int8()), "source": [SOURCE] * n})


def fx_table(cfg: SimConfig) -> pa.Table:
    """Daily rates: a small random walk (0.3 % a day) around each currency's base rate; USD is 1."""
    from decimal import Decimal

    dates, curs, rates = [], [], []
    day0 = np.datetime64(cfg.start, "D")
    seen = set()
    for code in cfg.markets:
        m = MARKETS[code]
        if m.currency in seen:
            continue
        seen.add(m.currency)
        rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(1000 + sum(map(ord, m.currency)),)))
        walk = np.zeros(cfg.days) if m.currency == "USD" else np.cumsum(rng.normal(0, 0.003, cfg.days))
        for i, v in enumerate((m.usd_per_unit * np.exp(walk)).tolist()):
            dates.append(day0 + i)
            curs.append(m.currency)
            rates.append(Decimal(f"{v:.12g}").quantize(Decimal("1e-12")))
    return pa.table({"date": pa.array(np.array(dates, dtype="datetime64[D]"), pa.date32()),
                     "currency": curs, "usd_per_unit": pa.array(rates, pa.decimal128(24, 12)),
                     "source": [SOURCE] * len(curs)})


def shop_table(cfg: SimConfig, world: MarketWorld, run_id: str) -> pa.Table:
    m = world.market
    S = len(world.shop_seller)
    rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(world.index, 4)))
    platform = rng.random(S) < 0.4
    fulfil = np.where(platform, 1, np.where(world.shop_seller == 1, 2, 0))
    first = np.full(S, 10**9)
    np.minimum.at(first, world.shop, world.discover)
    first = np.clip(first, 0, cfg.days - 1)
    return pa.table({
        "shop_id": [f"sim-{m.code}-s{i:06d}" for i in range(S)],
        "market": const(m.code, S),
        "name": shop_names(S, rng),
        "seller_type": dict_strings(world.shop_seller, ("local", "cross_border")),
        "fulfillment": dict_strings(fulfil, ("seller", "platform", "cross_border_direct")),
        "brand_type": dict_strings(world.shop_brand, BRAND_TYPES),
        "is_own": pa.array(np.zeros(S, dtype=bool)),
        "first_seen": pa.array((np.datetime64(cfg.start, "D") + first).astype("datetime64[D]"), pa.date32()),
        "source": const(SOURCE, S), "run_id": const(run_id, S),
    })


def product_table(cfg: SimConfig, world: MarketWorld, ids: list[str], run_id: str) -> pa.Table:
    m = world.market
    P = world.n_products
    rng = np.random.default_rng(np.random.SeedSequence(cfg.seed, spawn_key=(world.index, 5)))
    brand_t = world.shop_brand[world.shop]
    shop_brand_name = [f"{_ADJ[i % len(_ADJ)]}{_NOUN[(i // len(_ADJ)) % len(_NOUN)]}"
                       for i in range(len(world.shop_seller))]
    resell = rng.integers(0, len(_RESELL), P)
    brand = [shop_brand_name[s] if bt == 0 else (_RESELL[r] if bt == 2 else None)
             for s, bt, r in zip(world.shop.tolist(), brand_t.tolist(), resell.tolist(), strict=True)]
    launch = np.datetime64(cfg.start, "D") + world.launch
    return pa.table({
        "product_id": ids,
        "market": const(m.code, P),
        "shop_id": [f"sim-{m.code}-s{s:06d}" for s in world.shop.tolist()],
        "category_id": leaf_ids(world),
        "title": titles(world, rng),
        "brand": pa.array(brand, pa.string()),
        "price_tier": dict_strings(world.tier, PRICE_TIERS),
        "attributes": attributes_json(world),
        "launch_date": pa.array(launch.astype("datetime64[D]"), pa.date32()),
        "currency": const(m.currency, P),
        "source": const(SOURCE, P), "run_id": const(run_id, P),
    })


def creator_table(cfg: SimConfig, world: MarketWorld, run_id: str) -> pa.Table:
    m = world.market
    n = len(world.followers)
    na = world.n_affiliates
    acct_shop = np.full(n, -1)
    has = world.shop_account >= 0
    acct_shop[world.shop_account[has]] = np.nonzero(has)[0]
    return pa.table({
        "creator_id": [f"sim-{m.code}-cr{i:07d}" for i in range(n)],
        "market": const(m.code, n),
        "handle": [f"@{m.code.lower()}_creator{i}" if i < na else f"@{m.code.lower()}_shop{acct_shop[i]}"
                   for i in range(n)],
        "followers": pa.array(world.followers, pa.int64()),
        "creator_type": dict_strings((np.arange(n) >= na).astype(np.int8), ("affiliate", "shop_account")),
        "shop_id": pa.array([f"sim-{m.code}-s{s:06d}" if s >= 0 else None for s in acct_shop.tolist()], pa.string()),
        "source": const(SOURCE, n), "run_id": const(run_id, n),
    })


__all__ = ["category_table", "creator_table", "fx_table", "market_table", "product_ids", "product_table",
           "shop_table"]
