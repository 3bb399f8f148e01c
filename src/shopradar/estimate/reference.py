"""Small reference tables the pipeline joins to: UTC offsets per market and day, daily FX rates,
and parsed counter texts.

These are built in Python because they are tiny (markets × days, currencies × days, distinct
counter texts) and need the standard library's time zone database or the counter parser; the
big tables stay in DuckDB and are joined to them there.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import ibis
import pyarrow as pa

from shopradar.counters import parse_counter
from shopradar.errors import InputError
from shopradar.warehouse import Warehouse

EPOCH = date(1970, 1, 1)
DAY = 86_400


def day_number(d: date) -> int:
    return (d - EPOCH).days


def market_zones(wh: Warehouse) -> dict[str, str]:
    """Market code → IANA time zone (markets without a valid zone are left out: UTC is used)."""
    rows = wh.table("market").select("code", "time_zone").to_pyarrow().to_pylist()
    zones: dict[str, str] = {}
    for r in rows:
        if not r["code"] or not r["time_zone"]:
            continue
        try:
            ZoneInfo(r["time_zone"])
        except (ZoneInfoNotFoundError, ValueError):
            continue
        zones[r["code"]] = r["time_zone"]
    return zones


def offset_table(zones: dict[str, str], first_day: int, last_day: int) -> pa.Table:
    """UTC offset in seconds per market and UTC day number (taken at noon UTC of the day).

    Daylight-saving switches happen at night, so the offset at noon is right for every crawl
    except those within an hour of a switch; the error is at most one hour on two days a year.
    """
    markets: list[str] = []
    days: list[int] = []
    offsets: list[int] = []
    for market, zone in sorted(zones.items()):
        tz = ZoneInfo(zone)
        for d in range(first_day - 1, last_day + 2):
            noon = datetime(1970, 1, 1, 12, tzinfo=UTC) + timedelta(days=d)
            off = noon.astimezone(tz).utcoffset()
            markets.append(market)
            days.append(d)
            offsets.append(int(off.total_seconds()) if off is not None else 0)
    return pa.table({"o_market": pa.array(markets, pa.string()), "o_day": pa.array(days, pa.int64()),
                     "o_offset": pa.array(offsets, pa.float64())})


def fx_table(wh: Warehouse, first_day: int, last_day: int) -> pa.Table:
    """USD per unit per currency and local day number, filled from the nearest earlier date
    (or, before the first known rate, the nearest later one); ``fx_exact`` tells which."""
    fx = wh.table("fx_rate")
    rows = fx.select("date", "currency", "usd_per_unit").filter(
        fx.usd_per_unit.notnull() & (fx.usd_per_unit > 0) & fx.date.notnull()).to_pyarrow().to_pylist()
    by_cur: dict[str, dict[int, float]] = {}
    for r in rows:
        by_cur.setdefault(r["currency"], {})[day_number(r["date"])] = float(r["usd_per_unit"])
    by_cur.setdefault("USD", {})
    cur_col: list[str] = []
    day_col: list[int] = []
    rate_col: list[float] = []
    exact_col: list[bool] = []
    for cur, known in sorted(by_cur.items()):
        if not known:
            if cur == "USD":
                known = {first_day: 1.0}
            else:
                continue
        ks = sorted(known)
        lo, hi = min(first_day, ks[0]), max(last_day, ks[-1])
        j = 0
        last: float | None = None
        for d in range(lo, hi + 1):
            while j < len(ks) and ks[j] <= d:
                last = known[ks[j]]
                j += 1
            rate = last if last is not None else known[ks[0]]
            if first_day <= d <= last_day:
                cur_col.append(cur)
                day_col.append(d)
                rate_col.append(rate)
                exact_col.append(d in known)
    return pa.table({"f_currency": pa.array(cur_col, pa.string()), "f_day": pa.array(day_col, pa.int64()),
                     "f_rate": pa.array(rate_col, pa.float64()), "f_exact": pa.array(exact_col, pa.bool_())})


def latest_rates(wh: Warehouse) -> dict[str, float]:
    """The latest known USD rate per currency (for the absurd-price check)."""
    fx = wh.table("fx_rate")
    fx = fx.filter(fx.usd_per_unit.notnull() & (fx.usd_per_unit > 0))
    rows = fx.group_by("currency").aggregate(rate=fx.usd_per_unit.argmax(fx.date)).to_pyarrow().to_pylist()
    out = {r["currency"]: float(r["rate"]) for r in rows if r["currency"]}
    out.setdefault("USD", 1.0)
    return out


def parsed_texts(texts: list[str]) -> pa.Table:
    """Parse distinct counter texts once: lower, upper (null = open) and an issue flag when unparseable."""
    lows: list[int | None] = []
    ups: list[int | None] = []
    bad: list[str | None] = []
    for text in texts:
        try:
            b = parse_counter(text)
        except InputError as exc:
            lows.append(None)
            ups.append(None)
            bad.append("negative_counter" if exc.key == "counter.negative" else "unparseable_counter")
            continue
        lows.append(b.lower)
        ups.append(b.upper)
        bad.append(None)
    return pa.table({"p_text": pa.array(texts, pa.string()), "p_lower": pa.array(lows, pa.int64()),
                     "p_upper": pa.array(ups, pa.int64()), "p_issue": pa.array(bad, pa.string())})


def memtable(table: pa.Table) -> ibis.Table:
    return ibis.memtable(table)


def review_priors(wh: Warehouse) -> dict[str, float]:
    """Units sold per review, per market, from products whose counters are readable (not open):
    the rise of the counter over the rise of the review count, summed over products. Rounded to
    two significant digits so that it only changes when the data really says something new."""
    s = wh.table("product_snapshot")
    s = s.filter(s.sold_lower.notnull() & s.sold_upper.notnull() & s.review_count.notnull() & (s.sold_lower >= 0))
    mid = (s.sold_lower + s.sold_upper).cast("float64") / 2.0
    per = s.group_by("product_id").aggregate(
        market=s.market.arbitrary(), c0=mid.argmin(s.observed_at), c1=mid.argmax(s.observed_at),
        r0=s.review_count.argmin(s.observed_at), r1=s.review_count.argmax(s.observed_at))
    per = per.mutate(dc=per.c1 - per.c0, dr=(per.r1 - per.r0).cast("float64"))
    per = per.filter((per.dr >= 20) & (per.dc > 0))
    agg = per.group_by("market").aggregate(dc=per.dc.sum(), dr=per.dr.sum(), n=per.count())
    out: dict[str, float] = {}
    for r in agg.to_pyarrow().to_pylist():
        if r["market"] and r["dr"] and r["n"] >= 3:
            k = float(r["dc"]) / float(r["dr"])
            out[r["market"]] = float(f"{k:.2g}")
    return out
