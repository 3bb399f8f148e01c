"""Quality flags: per product-day (``product_daily_sales.flags``) and per snapshot (``snapshot_issue.flag``).

Day flags are carried through the pipeline as bits of an integer and turned into the
comma-separated text of the ``flags`` column at the end.
"""

from __future__ import annotations

import ibis
import pyarrow as pa

# -- day flags (bits) ---------------------------------------------------------------------
GAP = 1  # the day lies in a crawl interval longer than 36 hours (units spread over the gap)
RESET = 2  # the counter restarted (relisting): units counted from the restart
DECREASE = 4  # the counter went down (cancellations, returns): the interval counts 0 units
LAUNCH = 8  # units between the listing date and the first crawl (counter starts at 0)
PARTIAL_DAY = 16  # the first or last crawl falls inside the day: only part of the day is observed
OPEN_COUNTER = 32  # an open counter ("10K+") bounds the day: the upper bound rests on the prior
ROUNDED = 64  # the counters around the day are rounded ("1.2K"): units interpolated between steps
NO_PRICE = 128  # no usable price: GMV unknown
FX_NEAREST = 256  # no exchange rate on that date: the nearest earlier (or later) rate is used
NO_FX = 512  # no exchange rate for the currency at all: USD figures unknown
PRICE_CHANGE = 1024  # the price changed between the crawls around the day
CRAWL_ERROR = 2048  # a bad reading next to the day was set aside
CATEGORY_MIX = 4096  # no video/LIVE readings for the product: channels split by the category's mix

DAY_FLAGS: dict[int, str] = {
    GAP: "gap", RESET: "reset", DECREASE: "decrease", LAUNCH: "launch", PARTIAL_DAY: "partial_day",
    OPEN_COUNTER: "open_counter", ROUNDED: "rounded", NO_PRICE: "no_price", FX_NEAREST: "fx_nearest",
    NO_FX: "no_fx", PRICE_CHANGE: "price_change", CRAWL_ERROR: "crawl_error", CATEGORY_MIX: "category_mix",
}

# -- snapshot issues (snapshot_issue.flag) ------------------------------------------------------
# rows set aside (not used at all)
NO_COUNTER = "no_counter"
UNPARSEABLE = "unparseable_counter"
NEGATIVE = "negative_counter"
INVERTED = "inverted_counter"
FUTURE = "future_timestamp"
NO_TIMESTAMP = "no_timestamp"
DUPLICATE = "duplicate"
CRAWL_ERROR_ISSUE = "crawl_error"
# rows used with care (counter used, price not; or the counter's fall explained)
ZERO_PRICE = "zero_price"
ABSURD_PRICE = "absurd_price"
RESET_ISSUE = "reset"
DECREASE_ISSUE = "decrease"

SET_ASIDE = (NO_COUNTER, UNPARSEABLE, NEGATIVE, INVERTED, FUTURE, NO_TIMESTAMP, DUPLICATE, CRAWL_ERROR_ISSUE)
USED_WITH_CARE = (ZERO_PRICE, ABSURD_PRICE, RESET_ISSUE, DECREASE_ISSUE)


def flags_text(mask: ibis.IntegerValue) -> ibis.StringValue:
    """The comma-separated names of the bits set in ``mask`` (empty string for none)."""
    none = ibis.null("string")
    return ibis.literal(",").join(
        [ibis.ifelse((mask & bit) != 0, ibis.literal(name), none) for bit, name in DAY_FLAGS.items()])


def flags_table() -> ibis.Table:
    """Every combination of day flags (``fl_mask``) with its text (``fl_text``, as ``flags_text``):
    joining to this small table is cheaper than building the text row by row."""
    masks = range(1 << len(DAY_FLAGS))
    texts = [",".join(name for bit, name in DAY_FLAGS.items() if m & bit) for m in masks]
    return ibis.memtable(pa.table({"fl_mask": pa.array(masks, pa.int64()), "fl_text": pa.array(texts, pa.string())}))


def with_flags_text(t: ibis.Table, mask: str) -> ibis.Table:
    """``t`` with a column ``fl_text``: the text of the bit mask in column ``mask``."""
    ft = flags_table()
    j = t.left_join(ft, t[mask] == ft.fl_mask).drop("fl_mask")
    return j.mutate(fl_text=ibis.coalesce(j.fl_text, flags_text(j[mask])))


def decode(text: str | None) -> set[str]:
    """The set of flag names in a ``flags`` cell."""
    return {f for f in (text or "").split(",") if f}
