"""Step 2: from a product's readings to crawl intervals with units and bounds.

For each product, readings are ordered in time. A reading out of line with both neighbours is a
*crawl error* and set aside. A certain fall of the counter (the new upper bound below the old
lower bound) is a *reset* when the counter falls below half its level (relisting), otherwise a
*decrease* (cancellations, returns). Resets and decreases start a new *segment*.

Inside a segment the counter never falls. A rounded counter ("1.2K") tells little at a single
reading, but each time the shown figure steps up ("1.2K" → "1.3K") we know the counter crossed
the step between the two crawls: an *anchor* (time: the middle of the interval; value: the
step). The point estimate of the counter at a reading interpolates linearly between the anchors
around it (before the first and after the last anchor: the segment's average rate), clipped
into the bounds the reading allows. Exact counters are their own anchors.

Each interval between consecutive readings then gets:

* ``u``: units = the rise of the point estimate (0 for a decrease; the count since the restart
  for a reset);
* ``hard_lo`` / ``hard_hi``: the bounds the two readings' rounding allow — the truth is always
  inside (``hard_hi`` null when the newer reading is open, "10K+");
* ``sd0`` / ``sd1``: the statistical error of the point estimate at each end, used for the
  bounds of months.
"""

from __future__ import annotations

import ibis

from shopradar.estimate import flags as F
from shopradar.estimate.reference import DAY

BIG = 1e18
#: an interval longer than this (seconds) is a gap
GAP_SECONDS = 1.5 * DAY
#: units per review need at least this many reviews' worth of readable counter
MIN_REVIEWS = 20
#: relative uncertainty of units estimated from reviews: own units per review, market prior
REVIEW_REL = {1: 0.10, 2: 0.50}
#: a product's listing date is used as a zero reading when it is at most this far before the first crawl
LAUNCH_WINDOW = 31 * DAY


def _w(frame: tuple[int | None, int | None] | None = None) -> ibis.expr.builders.LegacyWindowBuilder:
    kw = {} if frame is None else {"rows": frame}
    return ibis.window(group_by="pk", order_by="observed_at", **kw)


def drop_crawl_errors(obs: ibis.Table) -> ibis.Table:
    """Mark ``crawl_error`` on readings out of line with both neighbours (a big dip or spike that the
    next reading undoes). Returns ``obs`` with a boolean column ``crawl_error``."""
    w = _w()
    upf = obs.up.cast("float64").fill_null(BIG)
    lof = obs.lo.cast("float64")
    o = obs.mutate(
        _pl=lof.lag().over(w), _pu=obs.up.cast("float64").lag().over(w),
        _nl=lof.lead().over(w), _nu=obs.up.cast("float64").lead().over(w),
        _upf=upf, _lof=lof,
    )
    pu_eff = ibis.coalesce(o._pu, o._pl)
    nu_f = o._nu.fill_null(BIG)
    both = o._pl.notnull() & o._nl.notnull()
    # a fall to below half the level that the next reading undoes (a small fall is a decrease: returns)
    dip = both & (o._upf < 0.5 * o._pl) & ((o._pl - nu_f) < 0.5 * (o._pl - o._upf))
    # a jump to more than 1.5× the level (and at least 5 units) that the next reading undoes
    spike = (both & (o._lof > nu_f) & (o._lof > 1.5 * pu_eff) & ((o._lof - pu_eff) >= 5)
             & ((o._nl - pu_eff) < 0.5 * (o._lof - pu_eff)))
    return o.mutate(crawl_error=(dip | spike).fill_null(False)).drop("_pl", "_pu", "_nl", "_nu", "_upf", "_lof")


def add_launch_rows(obs: ibis.Table, products: ibis.Table) -> ibis.Table:
    """Add a zero reading at the start of the listing date for products whose listing date lies
    shortly before their first crawl (the counter starts at 0 when a product is listed)."""
    first = obs.group_by("product_id").aggregate(
        f_x=obs.x.min(), f_at=obs.observed_at.min(), f_pk=obs.pk.arbitrary(), f_lo=obs.lo.argmin(obs.x),
        f_market=obs.market.argmin(obs.x),
        f_cur=obs.currency.argmin(obs.x), f_src=obs.source.argmin(obs.x))
    p = products.select(l_pid=products.product_id, l_day=products.launch_date.delta(ibis.date(1970, 1, 1), unit="day"))
    j = first.join(p, first.product_id == p.l_pid)
    lx = j.l_day.cast("float64") * DAY
    j = j.filter(j.l_day.notnull() & (lx < j.f_x) & ((j.f_x - lx) <= LAUNCH_WINDOW) & (j.f_lo >= 0))
    virtual = j.select(
        product_id=j.product_id, pk=j.f_pk, market=j.f_market,
        observed_at=j.f_at - (j.f_x - lx).cast("int64").as_interval("s"),
        x=j.l_day.cast("float64") * DAY, lo=ibis.literal(0, "int64"), up=ibis.literal(0, "int64"),
        px=ibis.null("float64"), currency=j.f_cur, status=ibis.literal("launch"), source=j.f_src,
        rv=ibis.literal(0, "int64"), virtual=ibis.literal(True),
    )
    real = obs.select(*virtual.columns[:-1]).mutate(virtual=ibis.literal(False))
    return real.union(virtual.cast(real.schema()))


_VBITS = 1 << 37  # anchor keys pack (minutes since 2000, 2 × value) into one int64
_ORIGIN = 946_684_800.0  # 2000-01-01 in seconds since 1970


def _key_t(key: ibis.IntegerValue) -> ibis.FloatingValue:
    return (key // _VBITS).cast("float64") * 60.0 + _ORIGIN


def _key_v(key: ibis.IntegerValue) -> ibis.FloatingValue:
    return (key % _VBITS).cast("float64") / 2.0


def _point(t: ibis.Table, out: str, lo: str, up: str, x: str, p: str, n: str) -> ibis.Table:
    """Add the point estimate ``c<out>`` and its variance ``v<out>`` of a reading (see the module docstring).

    ``lo``/``up``/``x``: the reading's columns; ``p``/``n``: the suffix of the decoded anchors
    before and after it (``t<p>``, ``v<p>``, valid when ``has_<p>``); ``tf``/``vf``/``tl``/``vl``:
    the product's first and last anchors and ``rate`` the slope between them, used to extrapolate.
    The steps are separate projections so that DuckDB computes each part once.
    """
    lof = t[lo].cast("float64")
    upf = t[up].cast("float64")
    tp, vp, tn, vn = t["t" + p], t["v" + p], t["t" + n], t["v" + n]
    t = t.mutate(**{"_phi": ibis.greatest(ibis.least((t[x] - tp) / ibis.greatest(tn - tp, 1.0), 1.0), 0.0)})
    tp, vp, tn, vn = t["t" + p], t["v" + p], t["t" + n], t["v" + n]
    has_p, has_n, phi = t["has_" + p], t["has_" + n], t._phi
    interp = vp + (vn - vp) * phi
    fwd = ibis.coalesce(t.vl + t.rate * (t[x] - t.tl), vp)
    back = ibis.coalesce(t.vf - t.rate * (t.tf - t[x]), vn)
    mid = ibis.ifelse(upf.notnull(), (lof + upf) / 2.0, lof)
    raw = ibis.cases((has_p & has_n, interp), (has_p, fwd), (has_n, back), else_=mid)
    width = (upf - lof + 1.0)
    bucket_var = width * width / 12.0
    bridge = ibis.greatest(vn - vp, 0.0) * phi * (1.0 - phi)
    var = ibis.cases(
        (upf == lof, 0.0),
        (has_p & has_n, ibis.least(bridge, bucket_var)),
        (upf.notnull(), bucket_var),
        else_=ibis.greatest(lof, 1.0) ** 2,  # open counter with no step seen: level unknown
    )
    t = t.mutate(_raw=raw, **{"v" + out: var})
    lof = t[lo].cast("float64")
    upf = t[up].cast("float64")
    clipped = ibis.greatest(lof, ibis.ifelse(upf.notnull(), ibis.least(t._raw, upf), t._raw))
    return t.mutate(**{"c" + out: clipped}).drop("_phi", "_raw")


def intervals(obs: ibis.Table, priors: dict[str, float] | None = None) -> ibis.Table:
    """Crawl intervals of ``obs`` (readings without crawl errors, with optional zero launch rows).

    One row per reading that has a previous reading in the same product: the interval ending
    at it, with ``x0``/``x1`` (local seconds), ``c0``/``c1`` (point estimates of the counter),
    ``u`` (units), ``hard_lo``/``hard_hi``, ``sd0``/``sd1``, prices ``p0``/``p1``, ``lo0``/``up1``
    and a bit mask ``iflags``.

    Open counters ("10K+") say nothing about sales until the next bucket, so an interval that
    has an open reading at either end is estimated from the rise of the review count instead:
    units = reviews added × units per review. Units per review come from the product's own
    intervals with readable counters, else from ``priors`` (per market); ``k_src`` tells which
    (1 = own, 2 = market prior), and ``u_rel`` is the relative uncertainty that goes with it.
    """
    priors = priors or {}
    w = _w()
    lof = obs.lo.cast("float64")
    upf_big = obs.up.cast("float64").fill_null(BIG)
    a = obs.mutate(
        p_lo=obs.lo.lag().over(w), p_up=obs.up.lag().over(w), p_x=obs.x.lag().over(w),
        p_at=obs.observed_at.lag().over(w), pp_has=obs.lo.lag(2).over(w).notnull(),
        p_px=obs.px.lag().over(w), pp_px=obs.px.lag(2).over(w), n_px=obs.px.lead().over(w),
        p_virtual=obs.virtual.lag().over(w), is_last=obs.lo.lead().over(w).isnull(),
        p_rv=obs.rv.lag().over(w),
    )
    p_has = a.p_lo.notnull()
    p_lof = a.p_lo.cast("float64")
    p_upf_big = a.p_up.cast("float64").fill_null(BIG)
    fell = p_has & (upf_big < p_lof)
    reset = fell & (upf_big < 0.5 * p_lof)
    step = p_has & ~fell & (lof > p_lof)
    anchor_v = (ibis.least(p_upf_big, lof - 1.0) + lof) / 2.0
    anchor_t = (a.p_x + a.x) / 2.0
    key = ibis.ifelse(step, ((anchor_t - _ORIGIN) / 60.0).round().cast("int64") * _VBITS
                      + (anchor_v * 2.0).round().cast("int64"), ibis.null("int64"))
    d_rev = ibis.ifelse(a.rv >= a.p_rv, (a.rv - a.p_rv).cast("float64"), ibis.null("float64"))
    readable = p_has & ~fell & a.up.notnull() & a.p_up.notnull() & d_rev.notnull() & ~a.p_virtual
    mid_rise = ibis.greatest((lof + a.up.cast("float64")) / 2.0 - (p_lof + a.p_up.cast("float64")) / 2.0, 0.0)
    a = a.mutate(p_has=p_has, reset=reset, decrease=fell & ~reset, ka=key, d_rev=d_rev,
                 segx=ibis.ifelse(~p_has | fell, a.x, ibis.null("float64")),
                 r_du=ibis.ifelse(readable, mid_rise, 0.0), r_dr=ibis.ifelse(readable, d_rev, 0.0))
    # the next window pass materializes every column it carries: drop those no longer needed
    a = a.drop(*[c for c in ("status", "virtual", "crawl_error", "p_rv") if c in a.columns])
    _wp = ibis.window(group_by="pk")
    d = a.mutate(
        kp=a.ka.max().over(_w((None, 0))), kpp=a.ka.max().over(_w((None, -1))), kn=a.ka.min().over(_w((1, None))),
        sx=a.segx.max().over(_w((None, 0))), nsx=a.segx.min().over(_w((1, None))),
        # whole-product aggregates need no order (DuckDB is much slower on an ordered full frame); the
        # sums are of halves and whole numbers, exact in any order
        kf=a.ka.min().over(_wp), kl=a.ka.max().over(_wp), k_du=a.r_du.sum().over(_wp), k_dr=a.r_dr.sum().over(_wp),
    )
    d = d.filter(d.p_has)
    d = d.mutate(knp=ibis.coalesce(d.ka, d.kn))
    # decode the anchors once: time t* and value v* (p: before the reading, n: after it, pp/np: the same
    # for the previous reading, f/l: the product's first and last)
    dec = {}
    for suf in ("p", "n", "pp", "np", "f", "l"):
        dec["t" + suf] = _key_t(d["k" + suf])
        dec["v" + suf] = _key_v(d["k" + suf])
    d = d.mutate(**dec)
    d = d.mutate(
        has_p=d.kp.notnull() & (d.tp > d.sx),
        has_n=d.kn.notnull() & (d.nsx.isnull() | (d.tn < d.nsx)),
        has_pp=d.kpp.notnull() & (d.tpp > d.sx),
        has_np=d.knp.notnull() & (d.nsx.isnull() | (d.tnp < d.nsx)),
        ext=(d.kf.notnull() & (d.tf > d.sx) & (d.nsx.isnull() | (d.tl < d.nsx))),
    )
    d = d.mutate(rate=ibis.ifelse(d.ext & (d.tl > d.tf), (d.vl - d.vf) / (d.tl - d.tf), ibis.null("float64")))
    d = _point(d, "1", "lo", "up", "x", "p", "n")
    e = _point(d, "0", "p_lo", "p_up", "p_x", "pp", "np")
    normal = ~e.reset & ~e.decrease
    opened = e.up.isnull() | e.p_up.isnull()
    k_own = ibis.ifelse((e.k_dr >= MIN_REVIEWS) & (e.k_du > 0), e.k_du / e.k_dr, ibis.null("float64"))
    prior = ibis.null("float64")
    for market, k in sorted(priors.items()):
        prior = ibis.ifelse(e.market == market, ibis.literal(float(k)), prior)
    # the counter's level also bounds units per review from below: lifetime sales >= shown lower bound
    k_floor = e.lo.cast("float64") / (e.rv.cast("float64") + 1.0)
    k = ibis.coalesce(k_own, ibis.greatest(prior, k_floor))
    by_reviews = opened & normal & e.d_rev.notnull() & k.notnull()
    k_src = ibis.ifelse(by_reviews, ibis.ifelse(k_own.notnull(), 1, 2), 0)
    u_counter = ibis.cases((e.reset, e.c1), (e.decrease, 0.0), else_=ibis.greatest(e.c1 - e.c0, 0.0))
    u_rev = ibis.greatest(k * e.d_rev, hard_lo_normal := ibis.greatest(
        e.lo.cast("float64") - e.p_up.cast("float64"), 0.0).fill_null(0.0))
    u_rev = ibis.ifelse(e.up.notnull(), ibis.least(u_rev, e.up.cast("float64") - e.p_lo.cast("float64")), u_rev)
    u = ibis.ifelse(by_reviews, u_rev, u_counter)
    hard_lo = ibis.cases((e.reset, e.lo.cast("float64")), (e.decrease, 0.0),
                         else_=hard_lo_normal)
    hard_hi = ibis.cases((e.reset, e.up.cast("float64")), (e.decrease, 0.0),
                         else_=e.up.cast("float64") - e.p_lo.cast("float64"))
    rounded = (e.up != e.lo) | (e.p_up != e.p_lo)
    # a missing or unusable price is taken from the nearest reading that has one (two on each side)
    p0 = ibis.coalesce(e.p_px, e.px, e.pp_px, e.n_px)
    p1 = ibis.coalesce(e.px, e.p_px, e.n_px, e.pp_px)
    iflags = (
        ibis.ifelse((e.x - e.p_x) > GAP_SECONDS, F.GAP, 0)
        + ibis.ifelse(e.reset, F.RESET, 0)
        + ibis.ifelse(e.decrease, F.DECREASE, 0)
        + ibis.ifelse(e.p_virtual, F.LAUNCH, 0)
        + ibis.ifelse(rounded.fill_null(True) & ~opened, F.ROUNDED, 0)
        + ibis.ifelse(opened, F.OPEN_COUNTER, 0)
        + ibis.ifelse(p0.isnull(), F.NO_PRICE, 0)
        + ibis.ifelse((p0 != p1).fill_null(False), F.PRICE_CHANGE, 0)
    )
    return e.select(
        "product_id", "pk", "market", "currency", "is_last", "observed_at", "source",
        observed_from=e.p_at, x0=e.p_x, x1=ibis.greatest(e.x, e.p_x), lo0=e.p_lo, up0=e.p_up, lo1=e.lo, up1=e.up,
        c0=ibis.ifelse(normal, e.c0, ibis.ifelse(e.reset, 0.0, e.c1)), c1=e.c1,
        sd0=ibis.ifelse(normal & ~by_reviews, e.v0, 0.0).sqrt(), sd1=ibis.ifelse(by_reviews, 0.0, e.v1).sqrt(),
        k_src=k_src.cast("int8"),
        u=u, hard_lo=hard_lo, hard_hi=hard_hi, p0=p0, p1=p1, first=~e.pp_has & ~e.p_virtual,
        iflags=iflags.cast("int64"),
        reset=e.reset, decrease=e.decrease,
    )
