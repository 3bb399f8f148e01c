"""Periods: day, ISO week (Monday start) and calendar month, in Python and as Ibis expressions."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import ibis

from shopradar.errors import UsageError

PERIODS: tuple[str, ...] = ("day", "week", "month")
MATERIALIZED: tuple[str, ...] = ("week", "month")
_ALIASES = {"d": "day", "daily": "day", "days": "day", "日": "day", "天": "day",
            "w": "week", "weekly": "week", "weeks": "week", "周": "week",
            "m": "month", "monthly": "month", "months": "month", "月": "month"}


def check_period(period: str) -> str:
    p = (period or "").strip().lower()
    p = _ALIASES.get(p, p)
    if p not in PERIODS:
        raise UsageError("cube.bad_period", period=period, periods=", ".join(PERIODS))
    return p


def start_of(d: date, period: str) -> date:
    if period == "day":
        return d
    if period == "week":
        return d - timedelta(days=d.weekday())
    return d.replace(day=1)


def end_of(d: date, period: str) -> date:
    s = start_of(d, period)
    if period == "day":
        return s
    if period == "week":
        return s + timedelta(days=6)
    return s.replace(day=calendar.monthrange(s.year, s.month)[1])


def shift(d: date, period: str, n: int) -> date:
    """The start of the period ``n`` periods after the one starting at ``d`` (negative: before)."""
    if period == "day":
        return d + timedelta(days=n)
    if period == "week":
        return d + timedelta(weeks=n)
    m = d.year * 12 + (d.month - 1) + n
    return date(m // 12, m % 12 + 1, 1)


def starts_between(first: date, last: date, period: str) -> list[date]:
    out, s = [], start_of(first, period)
    while s <= last:
        out.append(s)
        s = shift(s, period, 1)
    return out


# periods per year and the survival lag (about 3 months) per period kind
PER_YEAR = {"day": 364, "week": 52, "month": 12}
SURVIVAL_LAG = {"week": 13, "month": 3}


def start_expr(col: ibis.DateValue, period: str) -> ibis.DateValue:
    """Ibis expression: the start of the period containing ``col``."""
    if period == "day":
        return col
    return col.truncate("W" if period == "week" else "M").cast("date")


def shift_expr(col: ibis.DateValue, period: str, n: int) -> ibis.DateValue:
    """Ibis expression: ``col`` (a period start) moved by ``n`` periods."""
    if period == "day":
        return (col + ibis.interval(days=n)).cast("date")
    if period == "week":
        return (col + ibis.interval(days=7 * n)).cast("date")
    return (col + ibis.interval(months=n)).cast("date")


def end_expr(col: ibis.DateValue, period: str) -> ibis.DateValue:
    """Ibis expression: last date of the period starting at ``col``."""
    if period == "day":
        return col
    return (shift_expr(col, period, 1) - ibis.interval(days=1)).cast("date")
