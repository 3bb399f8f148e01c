"""Locale-aware numbers, money, percentages and period labels (Babel), for en and zh."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import (
    format_compact_currency,
    format_compact_decimal,
    format_currency,
    format_decimal,
    format_percent,
)
from markupsafe import Markup

_LOCALE = {"en": "en_US", "zh": "zh_Hans_CN"}


def locale(lang: str) -> str:
    return _LOCALE.get(lang, "en_US")


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if out != out else out


def money(value: Any, lang: str, currency: str = "USD", compact: bool = True) -> str:
    v = _num(value)
    if v is None:
        return "–"
    if compact and abs(v) >= 10_000:
        return format_compact_currency(v, currency, locale=locale(lang), fraction_digits=1)
    return format_currency(Decimal(str(round(v, 2))), currency, locale=locale(lang))


def axis_money(value: float, lang: str, currency: str = "USD") -> str:
    """Short money for chart axes: $0, $500, $1.2K, $3M."""
    if value == 0:
        return format_compact_currency(0, currency, locale=locale(lang))
    return format_compact_currency(value, currency, locale=locale(lang), fraction_digits=1)


def number(value: Any, lang: str, compact: bool = True, digits: int = 0) -> str:
    v = _num(value)
    if v is None:
        return "–"
    if compact and abs(v) >= 10_000:
        return format_compact_decimal(v, locale=locale(lang), fraction_digits=1)
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(round(v, digits), format=fmt, locale=locale(lang))


def pct(value: Any, lang: str, digits: int = 1, signed: bool = False) -> str:
    v = _num(value)
    if v is None:
        return "–"
    text = format_percent(v, format="#,##0." + "0" * digits + "%" if digits else "#,##0%", locale=locale(lang))
    return ("+" + text) if signed and v > 0 else text


def period_label(value: date | None, grain: str, lang: str, short: bool = False) -> str:
    if value is None:
        return "–"
    if grain == "month":
        if lang == "en":
            return format_date(value, format="MMM ''yy" if short else "MMM y", locale="en_US")
        return f"{value.year}年{value.month}月" if not short else f"{value.year % 100:02d}/{value.month}"
    return format_date(value, format="MMM d" if (short and lang == "en") else "medium", locale=locale(lang))


def json_for_script(data: Any) -> Markup:
    """JSON safe to place inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)
