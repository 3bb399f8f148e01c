# ruff: noqa: E501  (data table: one row per line reads best)
"""The built-in market table: currency, time zone, names, counter style and calibration figures.

Every figure carries its source or the reasoning behind it; docs/simulator.md explains
them. ``gmv_usd`` is the market's annual GMV in ``anchor_year`` (US dollars, net of
same-day cancellations); ``full_products`` is how many selling listings the real market
has at that size (our assumption — it turns a simulated sample into the full market:
simulated totals = full totals × simulated products ÷ ``full_products``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Market:
    code: str
    name_en: str
    name_zh: str
    currency: str
    time_zone: str
    region: str
    counter_style: str          # a style of shopradar.counters.STYLES
    usd_per_unit: float         # base exchange rate (US dollars per one unit of currency)
    price_level: float          # price of the same goods relative to the US, in USD terms
    price_step: float           # prices are shown as multiples of this (local currency), minus ``price_ending``
    price_ending: float         # e.g. 0.01 for "x.99", 0.10 for "x.90", 0 for whole numbers
    launch: date                # TikTok Shop opening date in the market
    anchor_year: int            # calendar year of ``gmv_usd``
    gmv_usd: float              # annual GMV (USD) in ``anchor_year``
    growth: float               # yearly growth applied away from the anchor year
    full_products: int          # selling listings at full scale (assumption)
    cross_border_share: float   # share of shops that are cross-border (Chinese sellers mostly)
    gmv_source: str             # where gmv_usd comes from
    events: tuple[str, ...]     # seasonal events (see seasonality.EVENTS)


_WEST = ("bfcm", "christmas", "prime_day", "back_to_school", "new_year_sales")
_EU = ("bfcm", "christmas", "prime_day", "back_to_school", "new_year_sales")
_SEA = ("double_days", "payday", "christmas", "year_end", "ramadan")
_TABCUT = "Tabcut/tktk.com 2024 TikTok Shop annual report (tktk.com/en/shichang/2800.html)"
_ASSUME = "assumption: newly opened market, order of magnitude from launch-year press coverage"

MARKETS: dict[str, Market] = {m.code: m for m in (
    Market("US", "United States", "美国", "USD", "America/Los_Angeles", "NA", "en", 1.0, 1.0, 1.0, 0.01,
           date(2023, 9, 12), 2024, 9.0e9, 0.6, 600_000, 0.45,
           "seed article (Caixin interview): 2024年TikTok美区GMV为90亿美元; same figure in " + _TABCUT, _WEST),
    Market("GB", "United Kingdom", "英国", "GBP", "Europe/London", "EU", "en_plus", 1.27, 0.95, 1.0, 0.01,
           date(2021, 9, 1), 2024, 1.56e9, 0.8, 120_000, 0.5, _TABCUT, _EU),
    Market("DE", "Germany", "德国", "EUR", "Europe/Berlin", "EU", "de", 1.085, 0.95, 1.0, 0.01,
           date(2025, 3, 31), 2026, 0.5e9, 0.8, 50_000, 0.5, _ASSUME, _EU),
    Market("FR", "France", "法国", "EUR", "Europe/Paris", "EU", "fr", 1.085, 0.95, 1.0, 0.01,
           date(2025, 3, 31), 2026, 0.35e9, 0.8, 40_000, 0.5, _ASSUME, _EU),
    Market("ES", "Spain", "西班牙", "EUR", "Europe/Madrid", "EU", "es", 1.085, 0.85, 1.0, 0.01,
           date(2024, 12, 11), 2026, 0.4e9, 0.8, 40_000, 0.5, _ASSUME, _EU),
    Market("IT", "Italy", "意大利", "EUR", "Europe/Rome", "EU", "it", 1.085, 0.9, 1.0, 0.01,
           date(2025, 3, 31), 2026, 0.3e9, 0.8, 35_000, 0.5, _ASSUME, _EU),
    Market("MX", "Mexico", "墨西哥", "MXN", "America/Mexico_City", "LATAM", "es", 0.054, 0.7, 1.0, 0.0,
           date(2025, 1, 28), 2026, 0.6e9, 0.9, 60_000, 0.55, _ASSUME, ("bfcm", "christmas", "hot_sale", "back_to_school")),
    Market("BR", "Brazil", "巴西", "BRL", "America/Sao_Paulo", "LATAM", "pt", 0.18, 0.75, 1.0, 0.10,
           date(2025, 5, 8), 2026, 0.8e9, 0.9, 80_000, 0.5, _ASSUME, ("bfcm", "christmas", "double_days")),
    Market("JP", "Japan", "日本", "JPY", "Asia/Tokyo", "APAC", "ja", 0.0067, 1.0, 10.0, 0.0,
           date(2025, 6, 30), 2026, 0.4e9, 0.8, 40_000, 0.4, _ASSUME, ("bfcm", "christmas", "year_end", "prime_day")),
    Market("ID", "Indonesia", "印度尼西亚", "IDR", "Asia/Jakarta", "SEA", "id", 1 / 17659, 0.3, 100.0, 0.0,
           date(2021, 4, 1), 2024, 5.5e9, 0.25, 500_000, 0.3, _TABCUT, _SEA),
    Market("TH", "Thailand", "泰国", "THB", "Asia/Bangkok", "SEA", "th", 1 / 32.675, 0.3, 1.0, 0.0,
           date(2022, 4, 1), 2024, 5.9e9, 0.3, 450_000, 0.4, _TABCUT, _SEA),
    Market("VN", "Vietnam", "越南", "VND", "Asia/Ho_Chi_Minh", "SEA", "vi", 1 / 26000, 0.3, 1000.0, 0.0,
           date(2022, 4, 1), 2024, 4.4e9, 0.3, 400_000, 0.35, _TABCUT, _SEA),
    Market("MY", "Malaysia", "马来西亚", "MYR", "Asia/Kuala_Lumpur", "SEA", "ms", 1 / 4.0385, 0.3, 1.0, 0.10,
           date(2022, 4, 1), 2024, 2.8e9, 0.35, 250_000, 0.45, _TABCUT, _SEA),
    Market("PH", "Philippines", "菲律宾", "PHP", "Asia/Manila", "SEA", "en", 1 / 61.66, 0.3, 1.0, 0.0,
           date(2022, 4, 1), 2024, 3.1e9, 0.35, 300_000, 0.45, _TABCUT, _SEA),
    Market("SG", "Singapore", "新加坡", "SGD", "Asia/Singapore", "SEA", "en_plus", 1 / 1.2683, 0.8, 1.0, 0.10,
           date(2022, 4, 1), 2024, 0.3e9, 0.3, 40_000, 0.6, "assumption: small market, a tenth of Malaysia's scale",
           _SEA),
)}


def market_codes() -> list[str]:
    return list(MARKETS)
