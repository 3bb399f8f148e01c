"""Dates and times as files write them, parsed column-at-a-time with Arrow compute.

Accepted: ISO 8601 with or without ``T``, fractions and offsets (``2026-08-20T01:41:32.833Z``,
``2024-10-03 00:30:27``, ``2026-01-03T11:28:00+08:00``), slashed and dotted forms
(``2026/08/20 10:00``, ``2026.02.06 02:13``, ``08/20/2026 10:15:32 AM``, ``20/08/2026 10:15``,
``20.08.2026``), Chinese (``2026年8月20日 10:00``), compact ``20260820``, Unix seconds and
milliseconds, and periods such as ``2026-08-09~2026-09-07`` (see :func:`period_end`).

``dd/mm`` against ``mm/dd`` is decided per column: if any value has a first part above 12 the
whole column is read day-first. A text without an offset is a wall-clock time in the given
time zone (the market's unless the profile says otherwise) and is converted to naive UTC.
"""

from __future__ import annotations

from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from shopradar.ingest.numbers import clean_text

__all__ = ["parse_dates", "parse_timestamps", "period_end", "period_start"]

_TS = pa.timestamp("us")
_ISO = (r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?:[.,](?P<frac>\d{1,9}))?)?"
        r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$")
# (regex to rewrite to "Y-m-d H:M:S", replacement) for the other layouts, tried in order
_LAYOUTS_YMD: tuple[tuple[str, str], ...] = (
    (r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$", r"\1-\2-\3 00:00:00"),
    (r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})[ T](\d{1,2}):(\d{2})$", r"\1-\2-\3 \4:\5:00"),
    (r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})$", r"\1-\2-\3 \4:\5:\6"),
    (r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", r"\1-\2-\3 00:00:00"),
    (r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})$", r"\1-\2-\3 \4:\5:00"),
    (r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2}):(\d{2})$", r"\1-\2-\3 \4:\5:\6"),
    (r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3 00:00:00"),
)
# day/month first layouts: groups are (a, b, year, [H, M, S]); a/b order decided per column
_LAYOUTS_AB: tuple[tuple[str, str], ...] = (
    (r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$", r"\3-{m}-{d} 00:00:00"),
    (r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})[ T,]+(\d{1,2}):(\d{2})$", r"\3-{m}-{d} \4:\5:00"),
    (r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})[ T,]+(\d{1,2}):(\d{2}):(\d{2})$", r"\3-{m}-{d} \4:\5:\6"),
)
_AMPM = (r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4})[ T,]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
         r"\s*(?P<ap>[AaPp])\.?[Mm]\.?$")


def _strptime(text: pa.Array) -> pa.Array:
    return pc.strptime(text, format="%Y-%m-%d %H:%M:%S", unit="us", error_is_null=True)


def _fill(result: pa.Array, candidate: pa.Array) -> pa.Array:
    return pc.coalesce(result, candidate)


def _offset_minutes(tz: pa.Array) -> pa.Array:
    """'+08:00' → 480, 'Z' → 0, null → null."""
    parts = pc.extract_regex(pc.fill_null(tz, ""), r"^(?P<sign>[+-])(?P<h>\d{2}):?(?P<m>\d{2})?$")
    hours = pc.cast(pc.if_else(pc.is_valid(parts), pc.struct_field(parts, "h"), "0"), pa.int64())
    mins_txt = pc.fill_null(pc.struct_field(parts, "m"), "0")
    mins = pc.cast(pc.if_else(pc.equal(mins_txt, ""), "0", mins_txt), pa.int64())
    total = pc.add(pc.multiply(hours, 60), mins)
    neg = pc.equal(pc.fill_null(pc.struct_field(parts, "sign"), "+"), "-")
    total = pc.if_else(neg, pc.negate(total), total)
    zulu = pc.is_in(pc.fill_null(tz, ""), value_set=pa.array(["Z", "UTC", "GMT"]))
    return pc.if_else(pc.is_valid(parts), total, pc.if_else(zulu, 0, pa.scalar(None, pa.int64())))


def _day_first(text: pa.Array) -> bool:
    """True when a column of a/b/yyyy dates must be day-first (some first part exceeds 12)."""
    parts = pc.extract_regex(text, r"^(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-]\d{4}")
    a = pc.struct_field(parts, "a")
    valid = pc.drop_null(a)
    if len(valid) == 0:
        return False
    first = pc.cast(valid, pa.int64())
    second = pc.cast(pc.drop_null(pc.struct_field(parts, "b")), pa.int64())
    return bool(pc.max(first).as_py() > 12) and not bool(pc.max(second).as_py() > 12)


def parse_timestamps(arr: pa.Array, *, time_zone: str | pa.Array | None = "UTC",
                     day_first: bool | None = None) -> tuple[pa.Array, pa.Array]:
    """Parse texts to naive-UTC timestamps. Returns ``(values, bad)``.

    ``time_zone`` is the zone of wall-clock texts without an offset: one IANA name for the
    whole column, or an array of names (one per row, e.g. each row's market).
    """
    text = clean_text(arr)
    n = len(text)
    local = pa.nulls(n, _TS)      # wall-clock values (no offset given)
    absolute = pa.nulls(n, _TS)   # already UTC
    iso = pc.extract_regex(text, _ISO)
    is_iso = pc.is_valid(iso)
    if pc.any(is_iso).as_py():
        date = pc.struct_field(iso, "date")
        time = pc.fill_null(pc.struct_field(iso, "time"), "")
        time = pc.if_else(pc.equal(time, ""), "00:00:00", time)
        time = pc.if_else(pc.match_substring_regex(time, r"^\d{1,2}:\d{2}$"),
                          pc.binary_join_element_wise(time, ":00", ""), time)
        base = _strptime(pc.binary_join_element_wise(date, time, " "))
        frac = pc.fill_null(pc.struct_field(iso, "frac"), "")
        frac = pc.utf8_slice_codeunits(pc.binary_join_element_wise(frac, "000000", ""), 0, 6)
        micros = pc.cast(frac, pa.int64())
        base = pc.add(base, pc.cast(micros, pa.duration("us")))
        offset = _offset_minutes(pc.struct_field(iso, "tz"))
        shifted = pc.subtract(base, pc.cast(pc.multiply(pc.fill_null(offset, 0), 60_000_000), pa.duration("us")))
        absolute = pc.if_else(pc.and_(is_iso, pc.is_valid(offset)), shifted, absolute)
        local = pc.if_else(pc.and_(is_iso, pc.is_null(offset)), base, local)
    rest = pc.and_(pc.is_valid(text), pc.invert(is_iso))
    if pc.any(rest).as_py():
        for pattern, repl in _LAYOUTS_YMD:
            hit = pc.match_substring_regex(text, pattern)
            if pc.any(hit).as_py():
                local = _fill(local, pc.if_else(hit, _strptime(pc.replace_substring_regex(text, pattern, repl)),
                                                pa.scalar(None, _TS)))
        dayfirst = _day_first(text) if day_first is None else day_first
        m, d = (r"\2", r"\1") if dayfirst else (r"\1", r"\2")
        for pattern, repl in _LAYOUTS_AB:
            hit = pc.match_substring_regex(text, pattern)
            if pc.any(hit).as_py():
                rep = repl.format(m=m, d=d)
                local = _fill(local, pc.if_else(hit, _strptime(pc.replace_substring_regex(text, pattern, rep)),
                                                pa.scalar(None, _TS)))
        ampm = pc.extract_regex(text, _AMPM)
        if pc.any(pc.is_valid(ampm)).as_py():
            a, b = pc.struct_field(ampm, "a"), pc.struct_field(ampm, "b")
            mo, da = (b, a) if dayfirst else (a, b)
            hour = pc.cast(pc.fill_null(pc.struct_field(ampm, "h"), "0"), pa.int64())
            pm = pc.is_in(pc.utf8_lower(pc.fill_null(pc.struct_field(ampm, "ap"), "a")), value_set=pa.array(["p"]))
            hour = pc.if_else(pc.equal(hour, 12), 0, hour)
            hour = pc.if_else(pm, pc.add(hour, 12), hour)
            sec = pc.fill_null(pc.struct_field(ampm, "s"), "00")
            sec = pc.if_else(pc.equal(sec, ""), "00", sec)
            txt = pc.binary_join_element_wise(pc.struct_field(ampm, "y"), "-", mo, "-", da, " ",
                                              pc.cast(hour, pa.string()), ":", pc.struct_field(ampm, "mi"), ":", sec,
                                              "")
            local = _fill(local, _strptime(txt))
        epoch = pc.extract_regex(text, r"^(?P<n>\d{10}|\d{13})(?:\.\d+)?$")
        if pc.any(pc.is_valid(epoch)).as_py():
            digits = pc.struct_field(epoch, "n")
            val = pc.cast(pc.fill_null(digits, "0"), pa.int64())
            ms = pc.equal(pc.utf8_length(pc.fill_null(digits, "")), 13)
            micros = pc.if_else(ms, pc.multiply(val, 1000), pc.multiply(val, 1_000_000))
            ts = pc.cast(micros, _TS)
            absolute = pc.if_else(pc.is_valid(epoch), ts, absolute)
    converted = _to_utc(local, time_zone)
    values = pc.coalesce(absolute, converted)
    bad = pc.and_(pc.is_valid(text), pc.is_null(values))
    return values, pc.fill_null(bad, False)


def _to_utc(local: pa.Array, time_zone: str | pa.Array | None) -> pa.Array:
    if time_zone is None or (isinstance(time_zone, str) and time_zone.upper() == "UTC"):
        return local
    if pc.all(pc.is_null(local)).as_py():
        return local
    if isinstance(time_zone, str):
        return _assume(local, time_zone)
    zones = pc.fill_null(time_zone, "UTC")
    out = local
    for zone in pc.unique(zones).to_pylist():
        if zone == "UTC":
            continue
        mask = pc.equal(zones, zone)
        out = pc.if_else(mask, _assume(local, zone), out)
    return out


def _assume(local: pa.Array, zone: str) -> pa.Array:
    aware = pc.assume_timezone(local, timezone=zone, ambiguous="earliest", nonexistent="earliest")
    return pc.cast(aware, _TS)


def parse_dates(arr: pa.Array, *, day_first: bool | None = None) -> tuple[pa.Array, pa.Array]:
    """Calendar dates (the date as written; a time part is dropped). Returns ``(values, bad)``."""
    values, bad = parse_timestamps(_period_side(arr, 0), time_zone=None, day_first=day_first)
    return pc.cast(values, pa.date32()), bad


def _period_side(arr: pa.Array, side: int) -> pa.Array:
    text = clean_text(arr)
    parts = pc.extract_regex(text, r"^(?P<a>.+?)\s*(?:~|至|to| - | – )\s*(?P<b>.+)$")
    pick = pc.struct_field(parts, "a" if side == 0 else "b")
    return pc.if_else(pc.is_valid(parts), pick, text)


def period_start(arr: pa.Array) -> pa.Array:
    """The first part of ``'2026-08-09~2026-09-07'`` (the text itself when it is one date)."""
    return _period_side(arr, 0)


def period_end(arr: pa.Array) -> pa.Array:
    """The last part of ``'2026-08-09~2026-09-07'`` (the text itself when it is one date)."""
    return _period_side(arr, 1)


def utc_now_naive() -> datetime:
    from datetime import UTC

    return datetime.now(UTC).replace(tzinfo=None)
