"""Demand over the calendar: trend, weekly rhythm and the sales events of each market.

``daily_level(market, dates)`` gives the market's expected GMV per day in US dollars at
full scale; ``category_lift(cat, market, dates)`` the extra lift of one category (gifting
categories rise more before Christmas), normalized so that the category keeps its annual
share. Event shapes are documented in docs/simulator.md.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from shopradar.sources.simulate.catalog import Category
from shopradar.sources.simulate.markets import Market

# Eid al-Fitr (first day) by year; Ramadan ends the day before.
_EID = {2020: date(2020, 5, 24), 2021: date(2021, 5, 13), 2022: date(2022, 5, 2), 2023: date(2023, 4, 21),
        2024: date(2024, 4, 10), 2025: date(2025, 3, 30), 2026: date(2026, 3, 20), 2027: date(2027, 3, 10),
        2028: date(2028, 2, 27), 2029: date(2029, 2, 14), 2030: date(2030, 2, 4), 2031: date(2031, 1, 24)}


def black_friday(year: int) -> date:
    """The day after US Thanksgiving (the fourth Thursday of November)."""
    nov1 = date(year, 11, 1)
    first_thu = nov1 + timedelta(days=(3 - nov1.weekday()) % 7)
    return first_thu + timedelta(days=22)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(weekday - d.weekday()) % 7 + 7 * (n - 1))


def _bump(days: np.ndarray, center: np.ndarray, width: float, height: float) -> np.ndarray:
    return height * np.exp(-0.5 * ((days - center) / width) ** 2)


def _ords(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[D]").astype(np.int64)


def _ord(d: date) -> int:
    return int(np.datetime64(d, "D").astype(np.int64))


def event_multiplier(market: Market, dates: np.ndarray, gift: float = 0.0) -> np.ndarray:
    """Multiplicative seasonality (not normalized) for each date of ``dates`` (datetime64[D])."""
    x = _ords(dates)
    years = range(int(str(dates.min())[:4]) - 1, int(str(dates.max())[:4]) + 2)
    log_m = np.zeros(len(x), dtype=np.float64)
    wd = (x + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    log_m += np.where(wd == 6, 0.05, 0.0) + np.where(wd == 1, -0.03, 0.0)
    ev = set(market.events)
    for y in years:
        if "bfcm" in ev:
            bf = _ord(black_friday(y))
            # run-up through November, Black Friday ~4x an average day, Cyber Monday almost as high
            log_m += np.where((x >= bf - 21) & (x < bf), 0.35 * (1 - (bf - x) / 21), 0.0)
            for off, h in ((0, 1.3), (1, 0.85), (2, 0.8), (3, 1.0), (4, 0.45), (5, 0.3), (6, 0.2)):
                log_m += np.where(x == bf + off, h, 0.0)
        if "christmas" in ev:
            xmas = _ord(date(y, 12, 25))
            lift = 0.2 * (1.0 + gift)
            log_m += np.where((x >= xmas - 21) & (x <= xmas - 6), lift, 0.0)
            log_m += np.where((x > xmas - 6) & (x <= xmas), -0.15, 0.0)
            jan = _ord(date(y, 1, 1))
            log_m += np.where((x >= jan) & (x < jan + 31), -0.2, 0.0)
        if "new_year_sales" in ev:
            box = _ord(date(y, 12, 26))
            log_m += np.where((x >= box) & (x <= box + 6), 0.25, 0.0)
        if "prime_day" in ev:
            pd_ = _ord(_nth_weekday(y, 7, 1, 2))
            log_m += np.where((x >= pd_ - 3) & (x <= pd_ + 1), 0.35, 0.0)
        if "back_to_school" in ev:
            log_m += np.where((x >= _ord(date(y, 7, 20))) & (x <= _ord(date(y, 8, 31))), 0.12, 0.0)
        if "double_days" in ev:
            for mth in range(1, 13):
                dd = _ord(date(y, mth, mth))
                h = {11: 1.3, 12: 1.1, 10: 0.9, 9: 0.8}.get(mth, 0.6)
                log_m += np.where(x == dd, h, 0.0) + np.where((x == dd - 1) | (x == dd + 1), h * 0.3, 0.0)
        if "payday" in ev:
            for mth in range(1, 13):
                p = _ord(date(y, mth, 25))
                log_m += np.where((x >= p) & (x <= p + 3), 0.12, 0.0)
        if "year_end" in ev:
            log_m += np.where((x >= _ord(date(y, 12, 1))) & (x <= _ord(date(y, 12, 31))), 0.15 * (1 + gift * 0.5), 0.0)
        if "ramadan" in ev and y in _EID:
            eid = _ord(_EID[y])
            log_m += np.where((x >= eid - 24) & (x < eid), 0.3, 0.0) + np.where((x >= eid) & (x < eid + 4), -0.3, 0.0)
        if "hot_sale" in ev:
            hs = _ord(_nth_weekday(y, 5, 0, 4))
            log_m += np.where((x >= hs) & (x <= hs + 8), 0.5, 0.0)
    return np.exp(log_m)


def _anchor_dates(market: Market) -> np.ndarray:
    start = np.datetime64(date(market.anchor_year, 1, 1), "D")
    return start + np.arange(365)


def daily_level(market: Market, dates: np.ndarray) -> np.ndarray:
    """Expected market GMV per day in USD at full scale (0 before the market opened)."""
    mult = event_multiplier(market, dates)
    norm = event_multiplier(market, _anchor_dates(market)).mean()
    x = _ords(dates).astype(np.float64)
    mid = _ord(date(market.anchor_year, 7, 1))
    trend = (1.0 + market.growth) ** ((x - mid) / 365.25)
    level = market.gmv_usd / 365.0 * trend * mult / norm
    return np.where(x >= _ord(market.launch), level, 0.0)


def category_lift(cat: Category, market: Market, dates: np.ndarray) -> np.ndarray:
    """A category's seasonality relative to the market's, keeping its annual share."""
    own = event_multiplier(market, dates, gift=cat.gift) / event_multiplier(market, dates)
    anchor = _anchor_dates(market)
    base = event_multiplier(market, anchor)
    ref = (event_multiplier(market, anchor, gift=cat.gift) / base * base).sum() / base.sum()
    return own / ref
