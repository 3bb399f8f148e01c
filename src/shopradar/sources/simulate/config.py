"""Simulator settings, presets and their validation (one-line errors, never a traceback)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from shopradar.errors import UsageError
from shopradar.sources.simulate.catalog import CATEGORIES
from shopradar.sources.simulate.markets import MARKETS

MAX_DAYS = 3660
MAX_PRODUCTS = 5_000_000
MIN_START = date(2020, 1, 1)
MAX_START = date(2035, 12, 31)


@dataclass(frozen=True)
class SimConfig:
    """What to simulate. Scale: ``products`` and ``shops`` are per market.

    A simulated market is a *sample* of the real one: each simulated product stands for a
    real listing, so per-product figures look real, and market totals equal the public
    figure × ``products`` ÷ the market's ``full_products`` (see docs/simulator.md).
    """

    seed: int = 7
    markets: tuple[str, ...] = ("US", "GB")
    start: date = date(2025, 11, 1)
    days: int = 365
    categories: int = len(CATEGORIES)       # how many level-1 categories get products (first N of the tree)
    products: int = 600                     # per market
    shops: int = 120                        # per market
    creators: int = 0                       # per market; 0 = products // 2 (at least 20)
    crawl_every: int = 1                    # days between crawls of one product page
    miss_rate: float = 0.05                 # share of scheduled crawls that fail
    outage_rate: float = 0.01               # share of days the whole crawler is down in a market
    jitter_hours: float = 3.0               # standard deviation of crawl time around the product's slot
    relist_rate: float = 0.15               # relistings (counter reset to 0) per product-year
    stockout_rate: float = 1.0              # out-of-stock episodes per product-year
    exit_rate: float = 0.25                 # permanent delistings per product-year
    new_product_share: float = 0.35         # share of products launched during the simulated period
    cancel_rate: float = 0.05               # same-day cancellations (removed from truth and counters)
    return_lag_days: int = 10               # returns show as counter decreases this many days after the sale
    match_depth: int = 4                    # recommender: products a cell needs before shoppers are matched to it
    returns: bool = True                    # simulate returns (they make counters go down a little)
    video_rate: float = 2.0                 # videos per product-month for an average product
    live_snapshot_minutes: int = 60         # minutes between observations of a LIVE room
    chunk_products: int = 2048              # products per chunk (memory bound; results do not depend on it)
    preset: str = "custom"

    # -- validation -------------------------------------------------------------------
    def validated(self) -> SimConfig:
        """Return self when every option is valid; raise UsageError (one line) otherwise."""
        _int_range("seed", self.seed, 0, 2**63 - 1)
        if not self.markets:
            raise UsageError("simulate.no_markets")
        for m in self.markets:
            if m not in MARKETS:
                raise UsageError("simulate.unknown_market", market=m, known=", ".join(MARKETS))
        if len(set(self.markets)) != len(self.markets):
            raise UsageError("simulate.duplicate_market", markets=",".join(self.markets))
        if not isinstance(self.start, date) or not (MIN_START <= self.start <= MAX_START):
            raise UsageError("simulate.bad_start", start=str(self.start), low=str(MIN_START), high=str(MAX_START))
        _int_range("days", self.days, 1, MAX_DAYS)
        _int_range("categories", self.categories, 1, len(CATEGORIES))
        _int_range("products", self.products, 1, MAX_PRODUCTS)
        _int_range("shops", self.shops, 1, self.products)
        _int_range("creators", self.creators, 0, MAX_PRODUCTS)
        _int_range("crawl_every", self.crawl_every, 1, 90)
        _float_range("miss_rate", self.miss_rate, 0.0, 0.95)
        _float_range("outage_rate", self.outage_rate, 0.0, 0.5)
        _float_range("jitter_hours", self.jitter_hours, 0.0, 11.0)
        _float_range("relist_rate", self.relist_rate, 0.0, 12.0)
        _float_range("stockout_rate", self.stockout_rate, 0.0, 52.0)
        _float_range("exit_rate", self.exit_rate, 0.0, 12.0)
        _float_range("new_product_share", self.new_product_share, 0.0, 1.0)
        _float_range("cancel_rate", self.cancel_rate, 0.0, 0.9)
        _int_range("return_lag_days", self.return_lag_days, 1, 90)
        _int_range("match_depth", self.match_depth, 1, 1_000_000)
        _float_range("video_rate", self.video_rate, 0.0, 100.0)
        _int_range("live_snapshot_minutes", self.live_snapshot_minutes, 1, 240)
        _int_range("chunk_products", self.chunk_products, 64, 1_000_000)
        return self

    @property
    def end(self) -> date:
        """Last simulated market-local date (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def n_creators(self) -> int:
        return self.creators or max(20, self.products // 2)

    def with_options(self, **changes: Any) -> SimConfig:
        """A copy with the given options changed (None values are ignored)."""
        known = {f.name for f in fields(self)}
        clean = {k: v for k, v in changes.items() if v is not None}
        unknown = set(clean) - known
        if unknown:
            raise UsageError("simulate.unknown_option", option=", ".join(sorted(unknown)))
        return dataclasses.replace(self, **clean)

    def describe(self) -> str:
        """The settings as compact JSON (stored in ingest_run.source)."""
        d = dataclasses.asdict(self)
        d["start"] = self.start.isoformat()
        d["markets"] = list(self.markets)
        return "simulator " + json.dumps(d, sort_keys=True, separators=(",", ":"))


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _int_range(name: str, v: Any, low: int, high: int) -> None:
    if not _is_int(v) or not (low <= v <= high):
        raise UsageError("simulate.bad_int", option=name, value=str(v), low=low, high=high)


def _float_range(name: str, v: Any, low: float, high: float) -> None:
    ok = isinstance(v, int | float) and not isinstance(v, bool) and v == v and low <= float(v) <= high
    if not ok:
        raise UsageError("simulate.bad_float", option=name, value=str(v), low=low, high=high)


def _recent_start(days: int) -> date:
    """A start date so that the period ends on the last day of the previous month (UTC today)."""
    from datetime import UTC, datetime

    today = datetime.now(UTC).date()
    end = today.replace(day=1) - timedelta(days=1)
    return end - timedelta(days=days - 1)


PRESETS: dict[str, dict[str, Any]] = {
    # a year ending last month in two markets: the demo (simulate takes a few seconds)
    "demo": {"markets": ("US", "GB"), "days": 365, "products": 600, "shops": 120, "categories": 14},
    # a quick one for tests and trying things out
    "tiny": {"markets": ("US",), "days": 60, "products": 120, "shops": 30, "categories": 6},
    # ~10^7 product snapshots (bench): 46k products × 365 days × ~0.6 observed (launches, exits, misses)
    "bench": {"markets": ("US", "GB", "ID"), "days": 365, "products": 15_300, "shops": 2_550},
    # ~10^8 product snapshots to Parquet
    "large": {"markets": ("US", "GB", "DE", "MX", "ID", "TH", "VN", "MY"), "days": 365, "products": 57_100,
              "shops": 9_500},
}


def preset(name: str, **overrides: Any) -> SimConfig:
    """A preset's config (its period ends last month), with ``overrides`` applied."""
    if name not in PRESETS:
        raise UsageError("simulate.unknown_preset", preset=name, known=", ".join(PRESETS))
    base = dict(PRESETS[name])
    days = overrides.get("days") or base.get("days", 365)
    base.setdefault("start", _recent_start(days if _is_int(days) and 0 < days <= MAX_DAYS else 365))
    cfg = SimConfig(preset=name, **base)
    return cfg.with_options(**overrides)


__all__ = ["PRESETS", "SimConfig", "preset"]
