"""Evaluate a profile section's fields over one batch of raw text: typed columns + reasons.

Everything is column-at-a-time (Arrow compute). A row that fails a check gets the first
failing check's ``reason_code`` and a ``reason`` naming the column and the value; it goes to
quarantine. Checks: required values present, numbers/dates/ids parse, values within range
(no negative prices or counts, no absurd amounts, no times in the future).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pyarrow as pa
import pyarrow.compute as pc

from shopradar.counters import try_parse_counter
from shopradar.i18n import t
from shopradar.ingest import markets as mk
from shopradar.ingest.numbers import NULL_TOKENS, clean_text, parse_numbers
from shopradar.ingest.times import parse_dates, parse_timestamps, period_end, period_start, utc_now_naive
from shopradar.sources.files.profiles import FieldSpec, Profile, SectionSpec, column_map, norm_name

__all__ = ["Context", "Normalized", "normalize_batch"]

MAX_MONEY = 1e13      # decimal(18,4) holds < 1e14; anything near is an absurd price
MAX_COUNT = 1e12
_CTRL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]"


@dataclass
class Context:
    """What a batch needs beyond its own cells."""

    market: str | None = None                     # --market
    categories: dict[str, str] = field(default_factory=dict)  # lower-case name or id -> category id
    now: object = field(default_factory=utc_now_naive)


@dataclass
class _State:
    """Where field handlers write: reasons, extra columns, money currencies (swapped for distinct values)."""

    r: _Reasons
    out: dict[str, pa.Array]
    cur: dict[str, pa.Array]


@dataclass
class Normalized:
    values: dict[str, pa.Array]
    reason_code: pa.Array     # string, null = row is fine
    reason: pa.Array          # string


class _Reasons:
    def __init__(self, n: int) -> None:
        self.code = pa.nulls(n, pa.string())
        self.text = pa.nulls(n, pa.string())

    def merge(self, code: pa.Array, text: pa.Array) -> None:
        """Another check's reasons, kept where this row has none yet (checks run in order)."""
        fresh = pc.and_(pc.is_null(self.code), pc.is_valid(code))
        if pc.any(fresh).as_py():
            self.code = pc.if_else(fresh, code, self.code)
            self.text = pc.if_else(fresh, text, self.text)

    def add(self, mask: pa.Array, code: str, key: str, column: str, value: pa.Array | None = None,
            **params: object) -> None:
        mask = pc.fill_null(mask, False)
        if not pc.any(mask).as_py():
            return
        fresh = pc.and_(mask, pc.is_null(self.code))
        template = t(key, column=column, value="\x00", **params)
        pre, _, post = template.partition("\x00")
        if value is not None and "\x00" in template:
            shown = pc.utf8_slice_codeunits(pc.fill_null(pc.cast(value, pa.string()), ""), 0, 80)
            text = pc.binary_join_element_wise(pre, shown, post, "")
        else:
            text = pa.array([template.replace("\x00", "")] * len(mask), pa.string())
        self.code = pc.if_else(fresh, pa.scalar(code), self.code)
        self.text = pc.if_else(fresh, text, self.text)


def _pick(batch: pa.Table, cmap: dict[str, str], spec: FieldSpec) -> tuple[pa.Array | None, str]:
    """The first source column the batch has, coalesced with later ones where empty."""
    found: list[tuple[pa.Array, str]] = []
    for src in spec.sources:
        col = cmap.get(norm_name(src))
        if col is not None:
            found.append((batch.column(col).combine_chunks(), col))
    if not found:
        return None, spec.sources[0] if spec.sources else spec.name
    arr = clean_text(found[0][0])
    for other, _ in found[1:]:
        arr = pc.coalesce(arr, clean_text(other))
    if spec.null_if:
        arr = pc.if_else(pc.is_in(arr, value_set=pa.array(list(spec.null_if))), pa.scalar(None, pa.string()), arr)
    return arr, found[0][1]


def _found(batch: pa.Table, cmap: dict[str, str], spec: FieldSpec) -> tuple[list[pa.Array], str]:
    """The spec's source columns the batch has (raw text, in alias order) and the first one's name."""
    found: list[pa.Array] = []
    name = spec.sources[0] if spec.sources else spec.name
    for src in spec.sources:
        col = cmap.get(norm_name(src))
        if col is not None:
            if not found:
                name = col
            found.append(batch.column(col).combine_chunks())
    return found, name


def _clean(found: list[pa.Array], spec: FieldSpec) -> pa.Array:
    """What :func:`_pick` gives: cleaned, coalesced, ``null_if`` applied, the default filled in."""
    arr = clean_text(found[0])
    for other in found[1:]:
        arr = pc.coalesce(arr, clean_text(other))
    if spec.null_if:
        arr = pc.if_else(pc.is_in(arr, value_set=pa.array(list(spec.null_if))), pa.scalar(None, pa.string()), arr)
    if spec.value is not None:
        arr = pc.fill_null(arr, str(spec.value))
    return arr


_SAMPLE = 16384
_ALNUM_NULLS = pa.array(sorted({t for t in NULL_TOKENS if t.isascii() and t.isalnum()}))


def _repetitive(arr: pa.Array) -> bool:
    """True when the column repeats enough that evaluating its distinct values pays (sampled)."""
    step = max(1, len(arr) // _SAMPLE)
    sample = arr if step == 1 else pc.take(arr, pa.array(range(0, len(arr), step), pa.int64()))
    return len(sample) > 0 and len(pc.unique(sample)) * 5 <= len(sample) * 4


def _plain_ids(found: list[pa.Array], spec: FieldSpec) -> pa.Array | None:
    """Fast path for an id column of plain ASCII letters and digits (up to 128): nothing to clean or check
    except the 'no value' words. None when any cell needs the general path."""
    if spec.type != "id" or spec.extract or len(found) != 1:
        return None
    arr = found[0]
    if arr.type != pa.string() or arr.null_count or not pc.all(pc.ascii_is_alnum(arr)).as_py():
        return None
    if len(arr) and pc.max(pc.utf8_length(arr)).as_py() > 128:
        return None
    blank = pc.is_in(pc.ascii_lower(arr), value_set=_ALNUM_NULLS)
    if spec.null_if:
        blank = pc.or_(blank, pc.is_in(arr, value_set=pa.array(list(spec.null_if))))
    if pc.any(blank).as_py():
        return None
    return arr


def _range(r: _Reasons, values: pa.Array, spec: FieldSpec, column: str, raw: pa.Array, lo: float, hi: float) -> None:
    low = spec.min if spec.min is not None else lo
    high = spec.max if spec.max is not None else hi
    as_float = pc.cast(values, pa.float64())
    r.add(pc.or_(pc.less(as_float, low), pc.greater(as_float, high)), "out_of_range", "ingest.q.out_of_range",
          column, raw, low=f"{low:g}", high=f"{high:g}")


def normalize_batch(batch: pa.Table, prof: Profile, sec: SectionSpec, ctx: Context, *,
                    fast: bool = True) -> Normalized:
    """Typed columns and quarantine reasons for one batch.

    ``fast`` (default) evaluates a repetitive column once per distinct value and skips the
    general parsers for plain ids; the result is identical to ``fast=False`` (tested).
    """
    n = batch.num_rows
    cmap = column_map(batch.column_names)
    r = _Reasons(n)
    out: dict[str, pa.Array] = {}
    money_currency: dict[str, pa.Array] = {}
    st = _State(r, out, money_currency)
    none_str = pa.nulls(n, pa.string())

    def run(spec: FieldSpec, found: list[pa.Array], fn: Callable[[list[pa.Array], int], pa.Array],
            per_row: bool = False) -> pa.Array:
        """``fn(found, rows)`` — once per distinct value when the column repeats (same result, fewer cells)."""
        if not fast or per_row or len(found) > 1:
            return fn(found, n)
        if found:
            plain = _plain_ids(found, spec)
            if plain is not None:
                return plain   # no nulls, nothing to clean: no handler check and no 'missing' can fire
            if not _repetitive(found[0]):
                return fn(found, n)
            enc = pc.dictionary_encode(found[0], null_encoding="encode")
            values, idx = enc.dictionary, enc.indices
        else:
            values, idx = None, pa.repeat(pa.scalar(0, pa.int32()), n)   # no column: one default value
        saved = st.r, st.out, st.cur
        m = 1 if values is None else len(values)
        st.r, st.out, st.cur = _Reasons(m), {}, {}
        try:
            val = fn([] if values is None else [values], m)
            sub_r, sub_out, sub_cur = st.r, st.out, st.cur
        finally:
            st.r, st.out, st.cur = saved
        if sub_r.code.null_count < len(sub_r.code):   # some distinct value failed a check
            st.r.merge(pc.take(sub_r.code, idx), pc.take(sub_r.text, idx))
        for k, v in sub_out.items():
            st.out[k] = pc.take(v, idx)
        for k, v in sub_cur.items():
            st.cur[k] = pc.take(v, idx)
        return pc.take(val, idx)

    # market first: times and currencies depend on it
    market = None
    for spec in sec.fields.values():
        if spec.type == "market":
            found, col = _found(batch, cmap, spec)

            def eval_market(cols: list[pa.Array], m: int, spec: FieldSpec = spec, col: str = col) -> pa.Array:
                raw = _clean(cols, spec) if cols else None
                if raw is None and spec.value is not None:
                    raw = pa.array([str(spec.value)] * m, pa.string())
                codes, bad = mk.market_of(raw) if raw is not None else (pa.nulls(m, pa.string()),
                                                                         pa.array([False] * m))
                st.r.add(bad, "bad_market", "ingest.q.bad_market", col, raw)
                if ctx.market:
                    codes = pc.fill_null(codes, ctx.market)
                if spec.required:
                    st.r.add(pc.is_null(codes), "missing", "ingest.q.missing", col)
                return codes

            codes = run(spec, found, eval_market)
            out[spec.name] = codes
            market = codes
    if market is None:
        market = pa.array([ctx.market] * n, pa.string())
    if prof.time_zone == "market":
        zone: str | pa.Array = mk.zone_of_market(market)
        if fast:
            zones = pc.unique(zone)
            if len(zones) == 1:
                zone = zones[0].as_py()   # one zone for the whole batch: times can run on distinct values
    else:
        zone = prof.time_zone

    def text_field(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        val = pc.replace_substring_regex(raw, _CTRL, "")
        val = pc.utf8_slice_codeunits(val, 0, 2000)
        if spec.extract:
            ext = pc.extract_regex(val, _named(spec.extract))
            got = pc.struct_field(ext, 0)
            if spec.type == "id":
                st.r.add(pc.and_(pc.is_valid(val), pc.is_null(ext)), "bad_id", "ingest.q.bad_id", col, raw)
            val = pc.if_else(pc.is_valid(ext), got, pa.scalar(None, pa.string()))
        return val

    handlers: dict[str, Callable[[FieldSpec, pa.Array, str], pa.Array]] = {}

    def h_text(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        return text_field(spec, raw, col)

    def h_id(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        val = text_field(spec, raw, col)
        sci = pc.match_substring_regex(pc.fill_null(val, ""), r"^\d(\.\d+)?[eE]\+\d+$")
        st.r.add(sci, "id_scientific", "ingest.q.id_scientific", col, raw)
        val = pc.replace_substring_regex(val, r"^(\d+)\.0+$", r"\1")  # 1729…334.0 from a float cell
        st.r.add(pc.greater(pc.utf8_length(val), 128), "bad_id", "ingest.q.bad_id", col, raw)
        return val

    def h_number(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        parsed = parse_numbers(raw, decimal=prof.decimal, fast=fast)
        st.r.add(parsed.bad, f"bad_{spec.type}", f"ingest.q.bad_{spec.type}", col, raw)
        vals = parsed.values
        f = pc.cast(vals, pa.float64())
        if spec.type == "money":
            st.cur[spec.name] = parsed.currency
            _range(st.r, vals, spec, col, raw, 0, MAX_MONEY)
            fits = pc.less(pc.abs(f), 1e13)
            vals = pc.if_else(fits, vals, pa.scalar(None, vals.type))
            return pc.cast(pc.round(vals, 4), pa.decimal128(18, 4))
        if spec.type == "int":
            st.r.add(pc.not_equal(f, pc.floor(f)), "bad_int", "ingest.q.bad_int", col, raw)
            _range(st.r, vals, spec, col, raw, 0, MAX_COUNT)
            fits = pc.less(pc.abs(f), 1e15)
            return pc.cast(pc.floor(pc.if_else(fits, f, pa.scalar(None, pa.float64()))), pa.int64())
        if spec.type == "percent":
            f = pc.if_else(parsed.percent, pc.divide(f, 100.0), f)
            _range(st.r, f, spec, col, raw, -1e6, 1e6)
            return f
        _range(st.r, f, spec, col, raw, -1e15, 1e15)
        if spec.invert:
            f = pc.if_else(pc.equal(f, 0.0), pa.scalar(None, pa.float64()), pc.divide(1.0, f))
        return f

    def h_counter(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        plain = pc.fill_null(pc.match_substring_regex(raw, r"^\d{1,15}$"), False)
        lower = pc.if_else(plain, pc.cast(pc.if_else(plain, raw, "0"), pa.int64()), pa.scalar(None, pa.int64()))
        upper = lower
        rest = pc.and_(pc.is_valid(raw), pc.invert(plain))
        if pc.any(rest).as_py():
            texts = pc.unique(pc.filter(raw, rest))
            lows, ups, bads = [], [], []
            for text in texts.to_pylist():
                b = try_parse_counter(text)
                lows.append(None if b is None else b.lower)
                ups.append(None if b is None else b.upper)
                bads.append(b is None)
            idx = pc.index_in(raw, value_set=texts)
            lower = pc.coalesce(lower, pc.take(pa.array(lows, pa.int64()), idx))
            up_other = pc.take(pa.array(ups, pa.int64()), idx)
            upper = pc.if_else(plain, upper, up_other)
            bad = pc.fill_null(pc.take(pa.array(bads), idx), False)
            neg = pc.fill_null(pc.match_substring_regex(raw, r"^\s*[-−]\s*\d"), False)
            st.r.add(pc.and_(bad, neg), "negative_counter", "ingest.q.negative", col, raw)
            st.r.add(bad, "bad_counter", "ingest.q.bad_counter", col, raw)
        _range(st.r, lower, spec, col, raw, 0, MAX_COUNT)
        st.out[f"{spec.name}_text"] = pc.utf8_slice_codeunits(raw, 0, 200)
        st.out[f"{spec.name}_lower"] = lower
        st.out[f"{spec.name}_upper"] = upper
        return lower

    def h_time(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        if spec.part == "end":
            raw = period_end(raw)
        elif spec.part == "start":
            raw = period_start(raw)
        if spec.type == "date":
            vals, bad = parse_dates(raw)
            st.r.add(bad, "bad_date", "ingest.q.bad_date", col, raw)
            if spec.offset_days:
                vals = pc.cast(pc.add(pc.cast(vals, pa.timestamp("s")), pa.scalar(timedelta(days=spec.offset_days))),
                               pa.date32())
            return vals
        vals, bad = parse_timestamps(raw, time_zone=zone)
        st.r.add(bad, "bad_timestamp", "ingest.q.bad_timestamp", col, raw)
        now = ctx.now + timedelta(days=2)  # type: ignore[operator]
        st.r.add(pc.greater(vals, pa.scalar(now, pa.timestamp("us"))), "future_time", "ingest.q.future_time", col, raw)
        st.r.add(pc.less(vals, pa.scalar(pa.scalar(946684800_000_000, pa.int64()).cast(pa.timestamp("us")).as_py(),
                                      pa.timestamp("us"))), "out_of_range", "ingest.q.too_old", col, raw)
        return vals

    def h_bool(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        low = pc.utf8_lower(raw)
        yes = pc.is_in(low, value_set=pa.array(["true", "1", "yes", "y", "是", "t"]))
        no = pc.is_in(low, value_set=pa.array(["false", "0", "no", "n", "否", "f"]))
        st.r.add(pc.and_(pc.is_valid(raw), pc.invert(pc.or_(yes, no))), "bad_bool", "ingest.q.bad_bool", col, raw)
        return pc.if_else(yes, True, pc.if_else(no, False, pa.scalar(None, pa.bool_())))

    def h_category(spec: FieldSpec, raw: pa.Array, col: str) -> pa.Array:
        if not ctx.categories:
            return none_str
        keys = pa.array(list(ctx.categories))
        vals = pa.array(list(ctx.categories.values()))
        return pc.take(vals, pc.index_in(pc.utf8_lower(raw), value_set=keys))

    handlers.update(text=h_text, id=h_id, int=h_number, money=h_number, float=h_number, percent=h_number,
                    counter=h_counter, timestamp=h_time, date=h_time, bool=h_bool, category=h_category)

    deferred: list[FieldSpec] = []
    for spec in sec.fields.values():
        if spec.type == "market":
            continue
        if spec.type in ("currency", "local_date", "json"):
            deferred.append(spec)
            continue
        if spec.type == "const":
            out[spec.name] = pa.array([spec.value] * n) if spec.value is not None else none_str
            continue
        if spec.type == "category":
            # several candidate columns (deepest level first): first one that names a known category
            vals = none_str
            raws = none_str
            col = spec.sources[0] if spec.sources else spec.name
            for src in spec.sources:
                one = FieldSpec(name=spec.name, type="text", sources=(src,))
                raw, c = _pick(batch, cmap, one)
                if raw is None:
                    continue
                vals = pc.coalesce(vals, h_category(spec, raw, c))
                raws = pc.coalesce(raws, raw)
            out[spec.name] = vals
            out[f"{spec.name}__raw"] = raws
            if spec.required:
                r.add(pc.is_null(vals), "missing", "ingest.q.missing", col)
            continue
        found, col = _found(batch, cmap, spec)

        def evaluate(cols: list[pa.Array], m: int, spec: FieldSpec = spec, col: str = col) -> pa.Array:
            if cols:
                raw = _clean(cols, spec)
            else:
                raw = pa.array([None if spec.value is None else str(spec.value)] * m, pa.string())
            val = handlers[spec.type](spec, raw, col)
            if spec.required:
                st.r.add(pc.is_null(val), "missing", "ingest.q.missing", col)
            return val

        out[spec.name] = run(spec, found, evaluate,
                             per_row=spec.type == "timestamp" and isinstance(zone, pa.Array))

    for spec in deferred:
        if spec.type == "currency":
            raw, col = _pick(batch, cmap, spec)
            code = none_str
            if raw is not None:
                from shopradar.ingest.numbers import _currency_of

                code = _currency_of(raw)
                r.add(pc.and_(pc.is_valid(raw), pc.is_null(code)), "bad_currency", "ingest.q.bad_currency", col, raw)
            if spec.money and spec.money in money_currency:
                sym = money_currency[spec.money]
                local = mk.currency_of_market(market)
                dollar_local = pc.is_in(local, value_set=pa.array(["MXN", "SGD", "AUD", "CAD", "HKD", "TWD"]))
                # a bare "$" means the market's own dollar/peso where the market has one
                sym = pc.if_else(pc.and_(pc.equal(sym, "USD"), pc.fill_null(dollar_local, False)), local, sym)
                code = pc.coalesce(code, sym)
            if spec.value is not None:
                code = pc.fill_null(code, str(spec.value))
            code = pc.coalesce(code, mk.currency_of_market(market))
            out[spec.name] = code
        elif spec.type == "local_date":
            ts = out.get(spec.of or "")
            if ts is None:
                out[spec.name] = pa.nulls(n, pa.date32())
                continue
            days = pa.nulls(n, pa.date32())
            zones = zone if isinstance(zone, pa.Array) else pa.array([zone] * n)
            for z in pc.unique(zones).to_pylist():
                mask = pc.equal(zones, z)
                local_ts = pc.local_timestamp(pc.assume_timezone(ts, timezone="UTC")) if z == "UTC" else \
                    pc.local_timestamp(pc.cast(pc.assume_timezone(ts, timezone="UTC"), pa.timestamp("us", tz=z)))
                days = pc.if_else(mask, pc.cast(local_ts, pa.date32()), days)
            out[spec.name] = days
        elif spec.type == "json":
            parts: dict[str, pa.Array] = {}
            for src in spec.sources:
                raw, col = _pick(batch, cmap, FieldSpec(name=src, type="text", sources=(src,)))
                if raw is not None:
                    parts[src] = raw
            for fname in (spec.of or "").split(","):
                if fname and f"{fname}__raw" in out:
                    parts[fname] = out[f"{fname}__raw"]
            out[spec.name] = _json_objects(parts, n)

    reason_code = r.code
    # a record whose key rows are incomplete loads nothing (all-or-nothing per input record)
    return Normalized(values=out, reason_code=reason_code, reason=r.text)


def _named(regex: str) -> str:
    """The profile's extract regex with its first capturing group named (RE2 in Arrow needs names)."""
    out: list[str] = []
    named = False
    i = 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\" and i + 1 < len(regex):
            out.append(regex[i:i + 2])
            i += 2
            continue
        if ch == "(" and not regex.startswith("(?", i):
            out.append("(?:" if named else "(?P<v>")
            named = True
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    return text if named else f"(?P<v>{text})"


def _json_objects(parts: dict[str, pa.Array], n: int) -> pa.Array:
    if not parts:
        return pa.nulls(n, pa.string())
    cols = {k: v.to_pylist() for k, v in parts.items()}
    out = []
    for i in range(n):
        obj = {k: v[i] for k, v in cols.items() if v[i] is not None}
        out.append(json.dumps(obj, ensure_ascii=False, sort_keys=True) if obj else None)
    return pa.array(out, pa.string())
