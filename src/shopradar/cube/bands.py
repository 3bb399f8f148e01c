"""Price bands: fixed per market currency (round local numbers), or by quantile.

A product's price in a window is its average price paid: GMV ÷ units over the window. Fixed
bands use the edges below for the market's currency (upper edge exclusive); a currency not
listed falls back to the US-dollar edges applied to the product's USD price. Quantile bands
split the active products of each market × category into five groups of equal count
(quintiles of price).
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import ibis

from shopradar.errors import UsageError

USD_EDGES = (10, 20, 30, 50, 100)
EDGES: dict[str, tuple[int, ...]] = {
    "USD": USD_EDGES, "GBP": USD_EDGES, "EUR": USD_EDGES, "SGD": (15, 25, 40, 70, 135),
    "MXN": (200, 400, 600, 1000, 2000), "BRL": (50, 100, 150, 250, 500),
    "JPY": (1500, 3000, 4500, 7500, 15000), "IDR": (150000, 300000, 450000, 750000, 1500000),
    "THB": (350, 700, 1000, 1750, 3500), "MYR": (45, 90, 135, 225, 450), "PHP": (550, 1100, 1650, 2750, 5500),
    "VND": (250000, 500000, 750000, 1250000, 2500000),
}
MODES = ("fixed", "quantile")
QUANTILES = 5


def edges_for(currency: str | None) -> tuple[tuple[int, ...], bool]:
    """(edges, uses_usd): the fixed edges for ``currency``; USD edges on USD prices if unknown."""
    if currency and currency.upper() in EDGES:
        return EDGES[currency.upper()], False
    return USD_EDGES, True


def _fmt(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}K"
    return str(n)


def labels_for(currency: str | None) -> list[str]:
    edges, usd = edges_for(currency)
    pre = "USD " if usd else ""
    out = [f"{pre}<{_fmt(edges[0])}"]
    out += [f"{pre}{_fmt(a)}–{_fmt(b)}" for a, b in itertools.pairwise(edges)]
    out.append(f"{pre}{_fmt(edges[-1])}+")
    return out


def band_index_expr(price: ibis.NumericValue, edges: tuple[int, ...]) -> ibis.IntegerValue:
    """0-based index of the fixed band holding ``price``."""
    idx = ibis.literal(0)
    for e in edges:
        idx = idx + ibis.ifelse(price >= e, 1, 0)
    return idx


def check_band(label: str) -> str:
    text = (label or "").strip().replace("-", "–")
    if not text:
        raise UsageError("cube.bad_band", band=label, bands="")
    return text


def band_of(price: Decimal | float, currency: str | None) -> str:
    edges, _ = edges_for(currency)
    i = sum(1 for e in edges if float(price) >= e)
    return labels_for(currency)[i]


def check_mode(mode: str) -> str:
    m = (mode or "").strip().lower()
    if m not in MODES:
        raise UsageError("cube.bad_band_mode", mode=mode, modes=", ".join(MODES))
    return m
