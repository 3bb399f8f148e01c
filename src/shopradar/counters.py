"""The "sold" counters of product pages: how they are shown, and what a shown text allows.

TikTok Shop pages and analytics exports show cumulative sales rounded: ``"1234 sold"``,
``"1.2K sold"``, ``"10K+ sold"``, ``"已售 1.2万"``, ``"1,2 mil vendidos"``, ``"1,2 Tsd."``.
:func:`parse_counter` turns any of these into the interval of true counts the text
allows; :func:`render_counter` shows a count the way a market's page does (the simulator
uses it, so the two are exact inverses).

Rounding convention (documented in docs/estimation.md): a compact figure is **truncated**
("floor") to the digits shown, so ``"1.2K"`` means 1,200–1,299 and ``"12K"`` means
12,000–12,999. ``"10K+"`` means at least 10,000 with no upper bound. A figure with no
multiplier is exact, and its separators are thousands separators (counts are whole).
Pass ``rounding="round"`` for sources known to round to nearest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from shopradar.errors import InputError

__all__ = ["STYLES", "CounterBounds", "parse_counter", "render_counter", "try_parse_counter"]


@dataclass(frozen=True)
class CounterBounds:
    """The true cumulative count lies in ``[lower, upper]``; ``upper is None`` means open."""

    lower: int
    upper: int | None

    @property
    def exact(self) -> bool:
        return self.upper == self.lower

    def __contains__(self, value: int) -> bool:
        return value >= self.lower and (self.upper is None or value <= self.upper)


# multiplier words, lower-cased, longest first when matched
_MULT: dict[str, int] = {
    "k": 1_000, "mil": 1_000, "mila": 1_000, "tsd.": 1_000, "tsd": 1_000, "tausend": 1_000, "rb": 1_000, "ribu": 1_000,
    "nghìn": 1_000, "ngàn": 1_000, "พัน": 1_000, "千": 1_000,
    "m": 1_000_000, "mio.": 1_000_000, "mio": 1_000_000, "mi": 1_000_000, "mln": 1_000_000,
    "million": 1_000_000, "millions": 1_000_000, "millones": 1_000_000, "milhões": 1_000_000,
    "jt": 1_000_000, "juta": 1_000_000, "tr": 1_000_000, "triệu": 1_000_000, "ล้าน": 1_000_000,
    "万": 10_000, "萬": 10_000, "w": 10_000,
    "亿": 100_000_000, "億": 100_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000,
}
_NUM = r"(?P<num>\d{1,3}(?:[.,\u00a0\u202f ']\d{3})+|\d+(?:[.,]\d+)?)"
_MULT_RE = "|".join(re.escape(k) for k in sorted(_MULT, key=len, reverse=True))
_PATTERN = re.compile(rf"(?<![0-9A-Za-z.,]){_NUM}\s*(?P<mult>{_MULT_RE})?(?![A-Za-z])\s*(?P<plus>\+)?", re.IGNORECASE)
_NEGATIVE = re.compile(r"(?<![0-9A-Za-z])-\s*\d")


def _to_decimal(num: str, has_mult: bool) -> tuple[Decimal, int]:
    """The number and how many decimals it shows."""
    compact = num.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    if not has_mult:
        # whole counts: every separator groups thousands ("1,234", "1.234", "1 234")
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", compact) or compact.isdigit():
            return Decimal(compact.replace(",", "").replace(".", "")), 0
        raise ValueError(num)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", compact) and not re.fullmatch(r"\d+[.,]\d{1,2}", compact):
        return Decimal(compact.replace(",", "").replace(".", "")), 0
    if "," in compact or "." in compact:
        whole, frac = re.split(r"[.,]", compact, maxsplit=1)
        return Decimal(f"{whole}.{frac}"), len(frac)
    return Decimal(compact), 0


def try_parse_counter(text: object, *, rounding: str = "floor") -> CounterBounds | None:
    """Like :func:`parse_counter` but returns None for text that holds no counter."""
    try:
        return parse_counter(text, rounding=rounding)
    except InputError:
        return None


def parse_counter(text: object, *, rounding: str = "floor") -> CounterBounds:
    """The interval of true counts a shown counter allows.

    Accepts ints (exact), and texts such as ``"1234 sold"``, ``"1.2K sold"``, ``"12.3K"``,
    ``"10K+"``, ``"1.2M"``, ``"1.2万"``, ``"已售1.2万+"``, ``"1,2 mil vendidos"``,
    ``"1.2k vendidos"``, ``"1,2 Tsd."``, ``"1,2RB terjual"``. Raises :class:`InputError`
    (key ``counter.unparseable`` or ``counter.negative``) otherwise.
    """
    if isinstance(text, bool) or text is None:
        raise InputError("counter.unparseable", text=str(text))
    if isinstance(text, int):
        if text < 0:
            raise InputError("counter.negative", text=str(text))
        return CounterBounds(text, text)
    if isinstance(text, float):
        if text != text or text < 0 or text != int(text):
            raise InputError("counter.unparseable", text=str(text))
        return CounterBounds(int(text), int(text))
    raw = str(text).strip()
    if _NEGATIVE.search(raw):
        raise InputError("counter.negative", text=raw[:60])
    m = _PATTERN.search(raw)
    if m is None:
        raise InputError("counter.unparseable", text=raw[:60])
    mult_word = (m.group("mult") or "").lower()
    mult = _MULT.get(mult_word, 1)
    try:
        value, decimals = _to_decimal(m.group("num"), bool(mult_word))
    except (ValueError, InvalidOperation):
        raise InputError("counter.unparseable", text=raw[:60]) from None
    step = Decimal(1).scaleb(-decimals) * mult
    base = value * mult
    if rounding == "round" and step > 1:
        lower = max(Decimal(0), base - step / 2)
        upper = base + step / 2 - 1
    else:
        lower, upper = base, base + step - 1
    low = int(lower.to_integral_value(ROUND_FLOOR))
    if m.group("plus"):
        return CounterBounds(low, None)
    return CounterBounds(low, int(upper.to_integral_value(ROUND_FLOOR)))


# ---------------------------------------------------------------------------------------
# Rendering: each style is (template, decimal separator, [(threshold, divisor, suffix)], plus)
@dataclass(frozen=True)
class _Style:
    template: str
    decimal: str
    units: tuple[tuple[int, int, str], ...]
    plus_from: int | None = None  # counts at or above this show as "<bucket>+"


STYLES: dict[str, _Style] = {
    "en": _Style("{n} sold", ".", ((1_000_000, 1_000_000, "M"), (1_000, 1_000, "K"))),
    "en_plus": _Style("{n} sold", ".", ((1_000_000, 1_000_000, "M"), (1_000, 1_000, "K")), plus_from=10_000),
    "zh": _Style("已售 {n}", ".", ((100_000_000, 100_000_000, "亿"), (10_000, 10_000, "万"))),
    "ja": _Style("{n}個販売", ".", ((100_000_000, 100_000_000, "億"), (10_000, 10_000, "万"))),
    "es": _Style("{n} vendidos", ",", ((1_000_000, 1_000_000, " M"), (1_000, 1_000, " mil"))),
    "pt": _Style("{n} vendidos", ",", ((1_000_000, 1_000_000, " mi"), (1_000, 1_000, " mil"))),
    "de": _Style("{n} verkauft", ",", ((1_000_000, 1_000_000, " Mio."), (1_000, 1_000, " Tsd."))),
    "fr": _Style("{n} vendus", ",", ((1_000_000, 1_000_000, " M"), (1_000, 1_000, " k"))),
    "it": _Style("{n} venduti", ",", ((1_000_000, 1_000_000, " Mln"), (1_000, 1_000, " mila"))),
    "id": _Style("{n} terjual", ",", ((1_000_000, 1_000_000, "JT"), (1_000, 1_000, "RB"))),
    "ms": _Style("{n} terjual", ".", ((1_000_000, 1_000_000, "M"), (1_000, 1_000, "k"))),
    "th": _Style("ขายแล้ว {n}", ".", ((1_000_000, 1_000_000, "M"), (1_000, 1_000, "K"))),
    "vi": _Style("Đã bán {n}", ",", ((1_000_000, 1_000_000, "tr"), (1_000, 1_000, "k"))),
}

_BUCKETS = (1, 2, 5)


def _compact(count: int, style: _Style, whole: bool = False) -> str:
    for threshold, divisor, suffix in style.units:
        if count >= threshold:
            scaled = Decimal(count) / divisor
            # one decimal below 100 units of the multiplier, none above — always truncated
            places = 1 if scaled < 100 and not (whole and scaled == scaled.to_integral_value()) else 0
            q = Decimal(1).scaleb(-places)
            shown = scaled.quantize(q, rounding=ROUND_FLOOR)
            return f"{shown}".replace(".", style.decimal) + suffix
    return str(count)


def render_counter(count: int, style: str = "en") -> str:
    """Show a cumulative count as a page in ``style`` does (see :data:`STYLES`).

    >>> render_counter(1299, "en"), render_counter(12_345, "zh"), render_counter(25_000, "en_plus")
    ('1.2K sold', '已售 1.2万', '20K+ sold')
    """
    if count < 0:
        raise ValueError("counts are never negative")
    st = STYLES[style]
    if st.plus_from is not None and count >= st.plus_from:
        exp = len(str(count)) - 1
        bucket = max(b * 10**exp for b in _BUCKETS if b * 10**exp <= count)
        return st.template.format(n=_compact(bucket, st, whole=True) + "+")
    return st.template.format(n=_compact(count, st))
