"""Step 1: read product snapshots, parse counters, flag bad rows, drop duplicates.

Every snapshot row either feeds the estimate or is written to ``snapshot_issue`` with a flag
(rows *set aside*: no/unparseable/negative/inverted counter, future or missing timestamp,
duplicate). Rows whose price is zero or absurd keep their counter but not their price, and are
listed too (*used with care*).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import ibis

from shopradar.estimate import flags as F
from shopradar.estimate.reference import DAY

#: a price above this many US dollars is treated as a misreading
ABSURD_PRICE_USD = 100_000.0
#: snapshots this far ahead of the run's clock are "in the future"
FUTURE_TOLERANCE = timedelta(hours=1)


def _str(v: ibis.Value) -> ibis.StringValue:
    return v.cast("string").fill_null("∅")


def prepare(snaps: ibis.Table, *, parsed: ibis.Table | None, offsets: ibis.Table, rates: ibis.Table,
            now: datetime) -> ibis.Table:
    """One row per snapshot with parsed bounds ``lo``/``up``, local seconds ``x``, a float ``px``
    (null when unusable) and ``issue`` / ``price_issue`` flags (null when fine); ``issue_detail``
    gives the text listed with an issue."""
    s = snaps
    if parsed is not None:
        s = s.left_join(parsed, s.sold_text == parsed.p_text).drop("p_text")
        lo = ibis.coalesce(s.sold_lower, s.p_lower)
        up = ibis.ifelse(s.sold_lower.notnull(), s.sold_upper, s.p_upper)
        parse_issue = ibis.ifelse(s.sold_lower.isnull(), s.p_issue, ibis.null("string"))
    else:
        lo, up, parse_issue = s.sold_lower, s.sold_upper, ibis.null("string")
    s = s.mutate(lo=lo, up=up, parse_issue=parse_issue)
    utc_day = (s.observed_at.epoch_seconds() // DAY).cast("int64")
    s = s.left_join(offsets, [s.market == offsets.o_market, utc_day == offsets.o_day]).drop("o_market", "o_day")
    s = s.left_join(rates, s.currency == rates.r_currency).drop("r_currency")
    pxf = s.price.cast("float64")
    issue = ibis.cases(
        (s.observed_at.isnull(), F.NO_TIMESTAMP),
        (s.observed_at > ibis.literal(now + FUTURE_TOLERANCE), F.FUTURE),
        (s.parse_issue.notnull(), s.parse_issue),
        (s.lo.isnull(), F.NO_COUNTER),
        ((s.lo < 0) | (s.up < 0), F.NEGATIVE),
        (s.up < s.lo, F.INVERTED),
        else_=ibis.null("string"),
    )
    price_issue = ibis.cases(
        (pxf <= 0, F.ZERO_PRICE),
        ((pxf * s.r_rate) > ABSURD_PRICE_USD, F.ABSURD_PRICE),
        else_=ibis.null("string"),
    )
    s = s.mutate(
        pk=s.product_id.hash().cast("int64"),
        x=s.observed_at.epoch_seconds().cast("float64") + s.o_offset.fill_null(0.0),
        issue=issue,
        price_issue=price_issue,
    )
    s = s.mutate(px=ibis.ifelse(s.price_issue.isnull(), pxf, ibis.null("float64")))
    # duplicates: same product and time; keep the most precise reading, then the first source
    ok = s.issue.isnull()
    width = (s.up - s.lo).fill_null(1 << 62)
    rn = ibis.row_number().over(ibis.window(group_by=[s.pk, s.observed_at, ok],
                                            order_by=[width, s.source, s.run_id]))
    s = s.mutate(issue=ibis.ifelse(ok & (rn > 0), F.DUPLICATE, s.issue))
    # only what later steps read (narrow rows are cheaper to materialize and scan)
    return s.select("product_id", "pk", "market", "observed_at", "x", "lo", "up", "px", "price", "currency",
                    "sold_text", "status", "source", "review_count", "issue", "price_issue")


def issue_detail(s: ibis.Table) -> ibis.StringValue:
    """The ``snapshot_issue.detail`` text of a prepared row (built only for the rows listed)."""
    return ibis.literal("text=").concat(_str(s.sold_text), " lower=", _str(s.lo), " upper=", _str(s.up),
                                        " price=", _str(s.price), " ", _str(s.currency))

