"""Numbers as sellers' files write them, parsed column-at-a-time with Arrow compute.

Accepted forms (any mix within one column): ``"12345"``, ``"12,345.6"``, ``"12.345,6"``,
``"1 234,56"``, ``"$1.2K"``, ``"1.2万"``, ``"R$ 1.234,56"``, ``"¥1,200"``, ``"1.2M"``, ``"45%"``,
``"(12.50)"`` (negative), ``"$16.00 - 17.00"`` (a range: the low end), ``"€ 179.58万($ 209.05万)"``
(an alternative in brackets is ignored).

Separators: when both ``.`` and ``,`` occur, the last one is the decimal mark. A single
separator followed by exactly three digits groups thousands (``"1,234"`` = 1234) unless the
column is declared ``decimal: ","`` (then ``"1,234"`` = 1.234); any other single separator is
the decimal mark (``"1,5"`` = 1.5). With a multiplier (``K``, ``万``, ``mil`` …) a single
separator is always the decimal mark.

Everything is vectorized: :func:`parse_numbers` takes an Arrow string array and returns the
values, the currency found in the text, and a mask of cells that held text but no number.
:func:`parse_number` is the one-value convenience wrapper.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["CURRENCY_SYMBOLS", "NULL_TOKENS", "ParsedNumbers", "blank_mask", "clean_text", "parse_number",
           "parse_numbers"]

NULL_TOKENS: tuple[str, ...] = ("", "-", "--", "—", "–", "n/a", "na", "null", "none", "nan", "nil", "/", "暂无", "无")

# Multiplier words (lower case). Longest alternatives first in the regex.
_MULT: dict[str, int] = {
    "k": 1_000, "千": 1_000, "mil": 1_000, "tsd": 1_000, "tsd.": 1_000, "rb": 1_000, "ribu": 1_000, "ngàn": 1_000,
    "nghìn": 1_000, "m": 1_000_000, "mn": 1_000_000, "mio": 1_000_000, "mio.": 1_000_000, "mi": 1_000_000,
    "jt": 1_000_000, "juta": 1_000_000, "tr": 1_000_000, "triệu": 1_000_000, "million": 1_000_000,
    "w": 10_000, "万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000,
}

# Currency symbols and prefixes → ISO code. "$" alone is resolved by the caller's market.
CURRENCY_SYMBOLS: dict[str, str] = {
    "r$": "BRL", "s$": "SGD", "us$": "USD", "usd$": "USD", "a$": "AUD", "c$": "CAD", "hk$": "HKD", "nt$": "TWD",
    "mx$": "MXN", "rm": "MYR", "rp": "IDR", "₱": "PHP", "php": "PHP", "฿": "THB", "₫": "VND", "đ": "VND",
    "€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "元": "CNY", "円": "JPY", "₩": "KRW", "₹": "INR",
    "zł": "PLN", "$": "USD",
}
ISO_CODES = frozenset({
    "USD", "GBP", "EUR", "MXN", "BRL", "JPY", "CNY", "RMB", "SGD", "MYR", "IDR", "PHP", "THB", "VND", "KRW", "HKD",
    "TWD", "AUD", "CAD", "INR", "SAR", "AED", "PLN", "CHF", "SEK", "NOK", "DKK", "CZK", "HUF", "TRY", "CLP", "COP",
    "PEN", "ARS",
})

_MULT_RE = "|".join(sorted((m.replace(".", r"\.") for m in _MULT), key=len, reverse=True))
_NUM_RE = r"\d[\d.,' ]*"
# whole cell: [sign] [prefix] number [multiplier] [suffix]   (prefix/suffix hold no digits)
_CELL = (r"^(?P<neg>[-−])?\s*(?P<pre>[^\d\s\-−(][^\d]*?)?\s*(?P<num>" + _NUM_RE + r")\s*"
         r"(?P<mult>(?i:" + _MULT_RE + r"))?(?P<plus>\+)?\s*(?P<post>[^\d]*?)\s*$")
_RANGE = (r"^(?P<first>.*?\d[\d.,' ]*\s*(?i:" + _MULT_RE + r")?\s*[^\d\s\-–~]{0,4})\s*[-–~至]\s*\D{0,4}\s*\d"
          r"[^\-–~]*$")


@dataclass(frozen=True)
class ParsedNumbers:
    values: pa.Array        # decimal128(24, 6) (or float64 with as_float)
    currency: pa.Array      # ISO code found in the text, else null
    bad: pa.Array           # bool: the cell held text that is not a number
    percent: pa.Array       # bool: the cell ended with '%'


def clean_text(arr: pa.Array) -> pa.Array:
    """Trim, turn odd spaces into plain spaces, and the usual 'no value' tokens into null."""
    arr = pc.cast(arr, pa.string()) if arr.type != pa.string() else arr
    arr = pc.replace_substring_regex(arr, "[\u00a0\u2007\u202f\u3000\t\r\n]", " ")
    arr = pc.utf8_trim_whitespace(arr)
    empty = pc.is_in(pc.utf8_lower(arr), value_set=pa.array(NULL_TOKENS))
    return pc.if_else(empty, pa.scalar(None, pa.string()), arr)


def blank_mask(arr: pa.Array) -> pa.Array:
    return pc.is_null(clean_text(arr))


def _currency_of(token: pa.Array) -> pa.Array:
    """ISO code from a prefix/suffix token such as 'R$', 'RM', '₫', 'USD', 'EUR'."""
    tok = pc.utf8_trim(pc.utf8_lower(pc.fill_null(token, "")), characters=" .:()")
    keys = pa.array(list(CURRENCY_SYMBOLS))
    vals = pa.array(list(CURRENCY_SYMBOLS.values()))
    idx = pc.index_in(tok, value_set=keys)
    by_symbol = pc.take(vals, idx)
    upper = pc.utf8_upper(tok)
    iso = pc.if_else(pc.is_in(upper, value_set=pa.array(sorted(ISO_CODES))), upper, pa.scalar(None, pa.string()))
    iso = pc.if_else(pc.equal(iso, "RMB"), "CNY", iso)
    # a code glued to a symbol: "US$", "USD$" handled above; "$USD" / "USD 12"
    return pc.coalesce(by_symbol, iso)


def _token_ok(token: pa.Array) -> pa.Array:
    """Prefix/suffix text allowed around a number: currency marks, %, and short unit words."""
    tok = pc.fill_null(token, "")
    return pc.match_substring_regex(tok, r"^[^\d]{0,24}$")


# plain numbers the general parser would read exactly as a decimal cast does: digits, an optional sign and
# up to 6 decimals, but not "1.234" (one to three digits, then three: thousands unless decimal is ".")
_PLAIN = r"^-?(\d{1,18}(\.(\d{1,2}|\d{4,6}))?|\d{4,18}\.\d{3})$"
_PLAIN_DOT = r"^-?\d{1,18}(\.\d{1,6})?$"


def parse_numbers(arr: pa.Array, *, decimal: str | None = None, fast: bool = True) -> ParsedNumbers:
    """Parse a column of number texts. Blank cells give null and are not ``bad``.

    ``fast``: plain numbers (``12``, ``-3.5``) are cast directly and only the other cells go through
    the general parser; the result is the same as with ``fast=False``.
    """
    if fast and len(arr):
        text = arr if arr.type == pa.string() else pc.cast(arr, pa.string())
        plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_DOT if decimal == "." else _PLAIN), False)
        count = pc.sum(plain).as_py() or 0
        if count:
            values = pc.cast(pc.cast(pc.if_else(plain, text, "0"), pa.decimal128(24, 6)), pa.decimal128(38, 6))
            none = pa.repeat(pa.scalar(False), len(text))
            if count == len(text):
                return ParsedNumbers(values=values, currency=pa.nulls(len(text), pa.string()), bad=none,
                                     percent=none)
            other = pc.invert(plain)
            rest = parse_numbers(pc.filter(text, other), decimal=decimal, fast=False)
            return ParsedNumbers(
                values=pc.replace_with_mask(values, other, rest.values),
                currency=pc.replace_with_mask(pa.nulls(len(text), pa.string()), other, rest.currency),
                bad=pc.replace_with_mask(none, other, rest.bad),
                percent=pc.replace_with_mask(none, other, pc.fill_null(rest.percent, False)))
    text = clean_text(arr)
    n = len(text)
    # accounting negatives "(12.50)" -> "-12.50"
    paren = pc.match_substring_regex(text, r"^\(\s*[^()]*\d[^()]*\)$")
    text = pc.if_else(paren, pc.binary_join_element_wise("-", pc.utf8_slice_codeunits(text, 1, -1), ""), text)
    # drop a bracketed alternative at the end: "€ 179.58万($ 209.05万)" -> "€ 179.58万"
    text = pc.replace_substring_regex(text, r"^(.*\d.*?)\s*[(（][^()（）]*\d[^()（）]*[)）]\s*$", r"\1")
    # scientific notation ("1.5E+3", as spreadsheets write it)
    sci = pc.fill_null(pc.match_substring_regex(text, r"^-?\d+(\.\d+)?[eE][+-]?\d{1,2}$"), False)
    sci_text = pc.if_else(sci, text, "0")
    sci_val = pc.cast(pc.cast(pc.cast(sci_text, pa.float64()), pa.string()), pa.string())
    text = pc.if_else(sci, pc.replace_substring_regex(sci_val, r"\.0$", ""), text)
    # ranges: keep the low end
    rng = pc.extract_regex(text, _RANGE)
    text = pc.if_else(pc.is_valid(rng), pc.struct_field(rng, "first"), text)
    parts = pc.extract_regex(text, _CELL)
    matched = pc.is_valid(parts)
    neg = pc.is_valid(pc.struct_field(parts, "neg"))
    neg = pc.and_(neg, pc.not_equal(pc.struct_field(parts, "neg"), ""))
    pre = pc.struct_field(parts, "pre")
    post = pc.struct_field(parts, "post")
    num = pc.replace_substring_regex(pc.struct_field(parts, "num"), r"[' ]", "")
    num = pc.utf8_trim(num, characters=".,")
    mult_word = pc.utf8_lower(pc.fill_null(pc.struct_field(parts, "mult"), ""))
    has_mult = pc.not_equal(mult_word, "")
    post_clean = pc.utf8_trim_whitespace(pc.fill_null(post, ""))
    percent = pc.and_(matched, pc.starts_with(post_clean, "%"))
    ok_tokens = pc.and_(_token_ok(pre), _token_ok(post))

    # --- decimal mark -------------------------------------------------------------------
    has_dot = pc.match_substring(num, ".")
    has_comma = pc.match_substring(num, ",")
    last_comma = pc.match_substring_regex(num, r",[^.]*$")
    both = pc.and_(has_dot, has_comma)
    single_group = pc.match_substring_regex(num, r"^\d{1,3}[.,]\d{3}$")
    multi_sep = pc.or_(pc.match_substring_regex(num, r"\..*\."), pc.match_substring_regex(num, r",.*,"))
    if decimal == ",":
        only_sep_is_decimal = pc.and_(pc.invert(multi_sep), pc.or_(has_comma, has_mult))
        only_sep_is_decimal = pc.or_(only_sep_is_decimal, pc.and_(has_dot, pc.invert(single_group)))
    elif decimal == ".":
        only_sep_is_decimal = pc.and_(pc.invert(multi_sep), pc.or_(has_dot, has_mult))
        only_sep_is_decimal = pc.or_(only_sep_is_decimal, pc.and_(has_comma, pc.invert(single_group)))
    else:
        only_sep_is_decimal = pc.and_(pc.invert(multi_sep), pc.or_(pc.invert(single_group), has_mult))
    # canonical: digits, one '.', nothing else
    comma_dec = pc.if_else(both, last_comma, pc.and_(has_comma, only_sep_is_decimal))
    dot_dec = pc.if_else(both, pc.invert(last_comma), pc.and_(has_dot, only_sep_is_decimal))
    canon = pc.if_else(comma_dec, pc.replace_substring(pc.replace_substring(num, ".", ""), ",", "."),
                       pc.if_else(dot_dec, pc.replace_substring(num, ",", ""),
                                  pc.replace_substring(pc.replace_substring(num, ",", ""), ".", "")))
    well_formed = pc.match_substring_regex(pc.fill_null(canon, ""), r"^\d{1,18}(\.\d+)?$")
    grouped = pc.match_substring_regex(num, r"^(\d+([.,]\d+)?|\d{1,3}(,\d{3})+(\.\d+)?|\d{1,3}(\.\d{3})+(,\d+)?)$")
    well_formed = pc.and_(well_formed, pc.fill_null(grouped, False))
    # separators in odd places ("1,2,3.4.5") are not numbers
    good = pc.and_(pc.and_(matched, ok_tokens), well_formed)
    good = pc.fill_null(good, False)
    canon = pc.replace_substring_regex(canon, r"^(\d+\.\d{6})\d+$", r"\1")  # keep 6 decimals
    canon = pc.if_else(good, canon, "0")
    values = pc.cast(canon, pa.decimal128(24, 6))
    mults = pc.take(pa.array([1, *_MULT.values()], pa.int64()),
                    pc.fill_null(pc.add(pc.index_in(mult_word, value_set=pa.array(list(_MULT))), 1), 0))
    values = pc.multiply(values, pc.cast(pc.cast(mults, pa.string()), pa.decimal128(10, 0)))
    values = pc.cast(values, pa.decimal128(38, 6))
    values = pc.if_else(neg, pc.negate(values), values)
    values = pc.if_else(good, values, pa.scalar(None, values.type))
    currency = pc.coalesce(_currency_of(pre), _currency_of(post))
    currency = pc.if_else(good, currency, pa.scalar(None, pa.string()))
    bad = pc.and_(pc.is_valid(text), pc.invert(good))
    assert len(values) == n
    return ParsedNumbers(values=values, currency=currency, bad=pc.fill_null(bad, False), percent=percent)


def parse_number(text: str | None, *, decimal: str | None = None) -> Decimal | None:
    """One value: ``parse_number("R$ 1.234,56") == Decimal("1234.56")``; None for blank.

    Raises :class:`ValueError` for text that is not a number (the vectorized path quarantines).
    """
    res = parse_numbers(pa.array([text], pa.string()), decimal=decimal)
    if res.bad[0].as_py():
        raise ValueError(f"not a number: {text!r}")
    value = res.values[0].as_py()
    if value is None:
        return None
    if res.percent[0].as_py():
        value = value / 100
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value
