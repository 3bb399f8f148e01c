"""Step 3: spread crawl intervals over market-local days, price them, and bound them by month.

Units of an interval are spread over the days it covers in proportion to time (a steady rate
between two crawls). GMV of each piece uses the price blended linearly between the prices seen
at the two ends (a price change happened at an unknown moment in between).

Bounds. A month's units are ``C(end) − C(start)``, so their error comes only from the counter's
estimate at the two midnights that close the month. At each midnight that falls inside a crawl
interval we know the statistical error of the interpolated counter (rounding of the readings
around it plus the unknown timing of sales inside the interval, as a Poisson bridge), and the
hard limits the readings allow. A month's half-widths combine the two ends (root of the sum of
squares, each end capped by its hard limit), and are shared out to the month's days in
proportion to their units. So **summing a product's days over a calendar month gives that
month's bounds**; a single day's bounds are its share, not a bound on that day alone.
"""

from __future__ import annotations

import ibis

from shopradar.estimate import flags as F
from shopradar.estimate.curve import BIG, REVIEW_REL
from shopradar.estimate.reference import DAY

#: z for the statistical part of the month bounds (calibrated in bench/accuracy.py)
Z = 1.645
#: model error not captured by the two ends (time-of-day pattern of sales, returns deducted later than
#: the sale, price changes between crawls), as a share of the month's units; calibrated in bench/accuracy.py
MODEL_REL = 0.05
#: and an absolute part (units per month): a few sales either side of midnight move a small month a lot
MODEL_ABS = 1.5
#: a day's units are never bounded above by more than this (keeps decimals in range)
MAX_DAY_UNITS = 1e9


def pieces(iv: ibis.Table, z: float = Z) -> ibis.Table:
    """One row per interval × local day it touches."""
    d0 = (iv.x0 / DAY).floor().cast("int64")
    d1 = ibis.greatest((iv.x1 / DAY).ceil().cast("int64") - 1, d0)
    p = iv.mutate(d=ibis.range(d0, d1 + 1).unnest(), _d0=d0, _d1=d1)
    # each step in its own projection, so that DuckDB computes every part once
    p = p.mutate(_start=ibis.greatest(p.x0, p.d.cast("float64") * DAY),
                 _end=ibis.least(p.x1, (p.d + 1).cast("float64") * DAY),
                 _span=p.x1 - p.x0, _midnight=p.d.cast("float64") * DAY)
    span, midnight = p._span, p._midnight
    frac = ibis.ifelse(span > 0, (p._end - p._start) / span, 1.0)
    theta_mid = ibis.ifelse(span > 0, ((p._start + p._end) / 2.0 - p.x0) / span, 0.5)
    theta = ibis.ifelse(span > 0, (midnight - p.x0) / span, 0.0)
    p = p.mutate(_units=p.u * frac, _price=p.p0 + (p.p1 - p.p0) * theta_mid, _theta=theta,
                 _straddle=(midnight > p.x0) & (midnight < p.x1))
    theta = p._theta
    cm = p.c0 + p.u * theta
    var = ((1.0 - theta) ** 2) * p.sd0 * p.sd0 + theta * theta * p.sd1 * p.sd1 + p.u * theta * (1.0 - theta)
    normal = ~p.reset & ~p.decrease
    p = p.mutate(_stat=z * var.sqrt(),
                 _hard_dn=ibis.ifelse(normal, cm - p.lo0.cast("float64"), BIG),
                 _hard_up=ibis.ifelse(normal, (p.up1.cast("float64") - cm).fill_null(BIG), BIG))
    midnight, units, straddle, stat = p._midnight, p._units, p._straddle, p._stat
    partial = ((p.first & (p.d == p._d0) & (p.x0 > midnight))
               | (p.is_last & (p.d == p._d1) & (p.x1 < midnight + DAY)))
    return p.select(
        "product_id", "pk", "market", "currency", "d",
        units=units,
        gmv=units * p._price,
        pmin=ibis.least(p.p0, p.p1), pmax=ibis.greatest(p.p0, p.p1),
        straddle=straddle,
        h_dn=ibis.ifelse(straddle, ibis.greatest(ibis.least(stat, p._hard_dn), 0.0), ibis.null("float64")),
        h_up=ibis.ifelse(straddle, ibis.greatest(ibis.least(stat, p._hard_up), 0.0), ibis.null("float64")),
        pflags=p.iflags + ibis.ifelse(partial, F.PARTIAL_DAY, 0),
        ru=units * p.k_src.cases(*((k, v) for k, v in REVIEW_REL.items()), else_=0.0),
    )


def _exact_sum(x: ibis.FloatingValue) -> ibis.FloatingScalar:
    """A float sum that does not depend on the order the engine adds the rows in.

    A parallel engine merges partial float sums in whatever order its threads finish, so the last
    bits of a plain ``sum()`` can differ between two runs on the same data; summing at a fixed
    decimal scale is exact, so a rerun gives the same estimate to the bit.
    """
    return x.cast("decimal(38,9)").sum().cast("float64")


def days(pc: ibis.Table) -> ibis.Table:
    """Pieces summed per product and local day, with the month each day belongs to."""
    # grouped by the integer product key (cheaper to hash than the id text; one key per id)
    g = pc.group_by(["pk", "d"]).aggregate(
        product_id=pc.product_id.arbitrary(), market=pc.market.arbitrary(), currency=pc.currency.arbitrary(),
        units=_exact_sum(pc.units), gmv=_exact_sum(pc.gmv), gmv_n=pc.gmv.count(), n=pc.count(),
        pmin=pc.pmin.min(), pmax=pc.pmax.max(),
        h_dn=pc.h_dn.max(), h_up=pc.h_up.max(), mask=pc.pflags.bit_or(), ru=_exact_sum(pc.ru),
    )
    date = ibis.date(1970, 1, 1) + g.d.as_interval("D")
    g = g.mutate(date=date)
    return g.mutate(m=g.date.truncate("M").delta(ibis.date(1970, 1, 1), unit="day").cast("int64"))


def month_bounds(dy: ibis.Table, model_rel: float = MODEL_REL) -> ibis.Table:
    """Per product × month: total units, days, and the half-widths ``lo_w``/``hi_w`` of the month."""
    first_day = dy.d == dy.m
    mo = dy.group_by(["pk", "m"]).aggregate(
        mu=_exact_sum(dy.units), mn=dy.count(), mr=_exact_sum(dy.ru),
        s_dn=ibis.ifelse(first_day, dy.h_dn, ibis.null("float64")).max(),
        s_up=ibis.ifelse(first_day, dy.h_up, ibis.null("float64")).max(),
    )
    nxt = mo.select(n_pk=mo.pk, n_m=mo.m, e_dn=mo.s_dn, e_up=mo.s_up)
    next_start = (ibis.date(1970, 1, 1) + mo.m.as_interval("D") + ibis.interval(months=1)).delta(
        ibis.date(1970, 1, 1), unit="day").cast("int64")
    mo = mo.mutate(next_m=next_start)
    j = mo.left_join(nxt, [mo.pk == nxt.n_pk, mo.next_m == nxt.n_m])
    s_dn, s_up = j.s_dn.fill_null(0.0), j.s_up.fill_null(0.0)
    e_dn, e_up = j.e_dn.fill_null(0.0), j.e_up.fill_null(0.0)
    # the ends' errors combine as independent; units estimated from reviews add their relative error
    model = ibis.ifelse(j.mu > 0, (j.mu * model_rel) ** 2 + MODEL_ABS * MODEL_ABS, 0.0).sqrt()
    lo_w = ibis.least((s_up * s_up + e_dn * e_dn + model * model).sqrt() + j.mr, j.mu)
    hi_w = (s_dn * s_dn + e_up * e_up + model * model).sqrt() + j.mr
    return j.select(b_pk=j.pk, b_m=j.m, mu=j.mu, mn=j.mn, lo_w=lo_w, hi_w=hi_w)


def finish(dy: ibis.Table, mb: ibis.Table, fx: ibis.Table, run_id: str) -> ibis.Table:
    """Days with bounds, USD, channels and flags, in the columns of ``product_daily_sales``.

    ``dy``: the days, with the channel shares of ``channels.channel_shares`` when it has ``c_basis``."""
    j = dy.join(mb, [dy.pk == mb.b_pk, dy.m == mb.b_m])
    share = ibis.ifelse(j.mu > 0, j.units / j.mu, 1.0 / j.mn.cast("float64"))
    lower = ibis.greatest(j.units - j.lo_w * share, 0.0)
    upper = ibis.least(j.units + j.hi_w * share, MAX_DAY_UNITS)
    j = j.mutate(u_lo=lower, u_hi=upper)
    j = j.left_join(fx, [j.currency == fx.f_currency, j.d == fx.f_day])
    no_price = j.gmv_n < j.n
    mask = (j.mask
            + ibis.ifelse(j.f_rate.isnull(), F.NO_FX, 0)
            + ibis.ifelse(j.f_rate.notnull() & ~j.f_exact.fill_null(True), F.FX_NEAREST, 0))
    mask = ibis.ifelse(no_price & ((j.mask & F.NO_PRICE) == 0), mask + F.NO_PRICE, mask)
    gmv = ibis.ifelse(no_price, ibis.null("float64"), j.gmv)
    gmv_lo = ibis.ifelse(no_price, ibis.null("float64"), j.u_lo * j.pmin)
    gmv_hi = ibis.ifelse(no_price, ibis.null("float64"), j.u_hi * j.pmax)
    j = j.mutate(g=gmv, g_lo=ibis.least(gmv_lo, gmv), g_hi=ibis.greatest(gmv_hi, gmv), mask2=mask)
    money = "decimal(18,4)"
    if "c_basis" in dy.columns:
        j = j.mutate(mask2=j.mask2 + ibis.ifelse(j.c_basis == "category_mix", F.CATEGORY_MIX, 0))
        uv, ul, uc, basis = j.c_video * j.units, j.c_live * j.units, j.c_card * j.units, j.c_basis
    else:
        uv = ul = uc = ibis.null("float64")
        basis = ibis.null("string")
    j = F.with_flags_text(j.mutate(uv=uv, ul=ul, uc=uc, basis=basis), "mask2")
    return j.select(
        product_id=j.product_id, market=j.market, date=j.date, currency=j.currency,
        units=j.units, units_lower=j.u_lo, units_upper=j.u_hi,
        gmv_local=j.g.round(4).cast(money), gmv_lower=j.g_lo.round(4).cast(money),
        gmv_upper=j.g_hi.round(4).cast(money),
        gmv_usd=(j.g * j.f_rate).round(4).cast(money), gmv_usd_lower=(j.g_lo * j.f_rate).round(4).cast(money),
        gmv_usd_upper=(j.g_hi * j.f_rate).round(4).cast(money),
        units_video=j.uv, units_live=j.ul, units_card=j.uc, channel_basis=j.basis,
        method=ibis.ifelse((j.mask2 & F.OPEN_COUNTER) != 0, "counter_diff_open",
                           ibis.ifelse((j.mask2 & F.ROUNDED) != 0, "counter_diff_interpolated", "counter_diff")),
        flags=j.fl_text,
        run_id=ibis.literal(run_id),
    )
