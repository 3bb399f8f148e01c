"""What ingest needs to know about markets: currency, time zone, names (en/zh) → code.

The warehouse's ``market`` table wins when it has a row; this is the fallback so a file can
be loaded into an empty warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from shopradar.ingest.numbers import clean_text

__all__ = ["MARKETS", "MarketRef", "market_codes", "market_of"]


@dataclass(frozen=True)
class MarketRef:
    code: str
    currency: str
    time_zone: str
    names: tuple[str, ...]


MARKETS: dict[str, MarketRef] = {m.code: m for m in (
    MarketRef("US", "USD", "America/Los_Angeles", ("united states", "usa", "美国", "美國")),
    MarketRef("GB", "GBP", "Europe/London", ("united kingdom", "uk", "great britain", "英国", "英國")),
    MarketRef("DE", "EUR", "Europe/Berlin", ("germany", "deutschland", "德国")),
    MarketRef("FR", "EUR", "Europe/Paris", ("france", "法国")),
    MarketRef("IT", "EUR", "Europe/Rome", ("italy", "italia", "意大利")),
    MarketRef("ES", "EUR", "Europe/Madrid", ("spain", "españa", "西班牙")),
    MarketRef("IE", "EUR", "Europe/Dublin", ("ireland", "爱尔兰")),
    MarketRef("MX", "MXN", "America/Mexico_City", ("mexico", "méxico", "墨西哥")),
    MarketRef("BR", "BRL", "America/Sao_Paulo", ("brazil", "brasil", "巴西")),
    MarketRef("JP", "JPY", "Asia/Tokyo", ("japan", "日本")),
    MarketRef("ID", "IDR", "Asia/Jakarta", ("indonesia", "印度尼西亚", "印尼")),
    MarketRef("MY", "MYR", "Asia/Kuala_Lumpur", ("malaysia", "马来西亚")),
    MarketRef("PH", "PHP", "Asia/Manila", ("philippines", "菲律宾")),
    MarketRef("SG", "SGD", "Asia/Singapore", ("singapore", "新加坡")),
    MarketRef("TH", "THB", "Asia/Bangkok", ("thailand", "泰国")),
    MarketRef("VN", "VND", "Asia/Ho_Chi_Minh", ("vietnam", "viet nam", "việt nam", "越南")),
    MarketRef("SA", "SAR", "Asia/Riyadh", ("saudi arabia", "沙特阿拉伯", "沙特")),
)}
_ALIASES: dict[str, str] = {"uk": "GB", "en": "GB"} | {
    name: m.code for m in MARKETS.values() for name in (m.code.lower(), *m.names)}


def market_codes() -> list[str]:
    return sorted(MARKETS)


def market_of(arr: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Market texts (``US``, ``United States``, ``美国`` …) → codes. Returns ``(codes, bad)``."""
    text = clean_text(arr)
    low = pc.utf8_lower(text)
    keys = pa.array(list(_ALIASES))
    vals = pa.array(list(_ALIASES.values()))
    codes = pc.take(vals, pc.index_in(low, value_set=keys))
    bad = pc.and_(pc.is_valid(text), pc.is_null(codes))
    return codes, pc.fill_null(bad, False)


def currency_of_market(codes: pa.Array) -> pa.Array:
    keys = pa.array(list(MARKETS))
    vals = pa.array([m.currency for m in MARKETS.values()])
    return pc.take(vals, pc.index_in(codes, value_set=keys))


def zone_of_market(codes: pa.Array) -> pa.Array:
    keys = pa.array(list(MARKETS))
    vals = pa.array([m.time_zone for m in MARKETS.values()])
    return pc.fill_null(pc.take(vals, pc.index_in(codes, value_set=keys)), "UTC")
