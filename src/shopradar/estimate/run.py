"""``estimate``: product snapshots → ``product_daily_sales`` and ``snapshot_issue``, in one transaction."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

import ibis
import pyarrow as pa

from shopradar.errors import DataError
from shopradar.estimate import channels as CH
from shopradar.estimate import curve, daily, reference
from shopradar.estimate import flags as F
from shopradar.estimate.incremental import REFERENCE, changed_products, product_fingerprints, reference_fingerprint
from shopradar.estimate.snapshots import issue_detail, prepare
from shopradar.progress import ProgressFn, no_progress
from shopradar.warehouse import Warehouse
from shopradar.warehouse.runs import Run, utcnow

_TMP = "_est_"


@dataclass
class EstimateSummary:
    """What one estimate run did."""

    run_id: str
    full: bool
    products: int = 0
    snapshots_read: int = 0
    snapshots_used: int = 0
    days_written: int = 0
    issues: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def set_aside(self) -> int:
        return sum(n for f, n in self.issues.items() if f in F.SET_ASIDE)


class _Temps:
    """Temporary tables of one run, emptied at its end.

    (They are emptied, not dropped: Ibis 12's DROP statement is broken with sqlglot 30, and temp
    tables vanish with the connection anyway. Names are unique per run.)
    """

    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.prefix = f"{_TMP}{uuid.uuid4().hex[:8]}_"
        self.names: list[str] = []

    def __call__(self, name: str, expr: ibis.Table) -> ibis.Table:
        full = self.prefix + name
        self.wh.con.create_table(full, expr, temp=True)
        self.names.append(full)
        return self.wh.con.table(full)

    def clear(self) -> None:
        for name in self.names:
            with suppress(Exception):
                self.wh.con.truncate_table(name)


def estimate(wh: Warehouse, products: Iterable[str] | None = None, full: bool = False,
             progress: ProgressFn | None = None, *, z: float = daily.Z,
             model_rel: float = daily.MODEL_REL) -> EstimateSummary:
    """Estimate daily sales from snapshots.

    ``products``: recompute only these; ``full``: recompute everything; neither: recompute the
    products whose inputs changed since the last run (all of them the first time). Everything
    is written in one transaction: an error leaves the warehouse as it was.
    """
    t0 = time.perf_counter()
    progress = progress or no_progress
    now = utcnow()
    run = Run(kind="estimate", source="product_snapshot")
    if wh.count("product_snapshot") == 0:
        raise DataError("estimate.no_snapshots", path=str(wh.path))
    steps = 6
    progress("estimate.step.scope", 0, steps)
    current = product_fingerprints(wh, now)
    priors = reference.review_priors(wh)
    mix = CH.category_mix(wh)
    ref_fp = reference_fingerprint(wh, {**priors, **{f"mix:{m}:{c}": v + 10 * lv for (m, c), (v, lv) in mix.items()}})
    state = wh.table("estimate_state")
    stored_ref = state.filter(state.product_id == REFERENCE).fingerprint.max().execute()
    if products is not None:
        ids = sorted({str(p) for p in products})
        scope_expr: ibis.Table | None = ibis.memtable(pa.table({"product_id": pa.array(ids, pa.string())}))
        full = False
    elif full or wh.count("estimate_state") == 0 or stored_ref is None or int(stored_ref) != ref_fp:
        scope_expr = None
        full = True
    else:
        scope_expr = changed_products(wh, current)
    summary = EstimateSummary(run_id=run.run_id, full=full)
    temps = _Temps(wh)
    try:
        with wh.transaction():
            _run(wh, temps, scope_expr, current, ref_fp, now, run, summary, progress, steps, (z, model_rel), priors,
                 mix)
            run.rows_in = summary.snapshots_read
            run.loaded = summary.snapshots_used
            run.quarantined = summary.snapshots_read - summary.snapshots_used
            run.message = f"products={summary.products} days={summary.days_written}"
            run.record(wh)
    finally:
        temps.clear()
    summary.seconds = time.perf_counter() - t0
    progress("estimate.step.done", steps, steps)
    return summary


def _run(wh: Warehouse, _temp: _Temps, scope_expr: ibis.Table | None, current: ibis.Table, ref_fp: int, now: datetime,
         run: Run, summary: EstimateSummary, progress: ProgressFn, steps: int, tuning: tuple[float, float],
         priors: dict[str, float], mix: dict[tuple[str, str], tuple[float, float]]) -> None:
    z, model_rel = tuning
    snaps = wh.table("product_snapshot")
    scope = None
    if scope_expr is not None:
        scope = _temp("scope", scope_expr)
        if int(scope.count().execute()) == 0:
            return  # nothing changed since the last run: nothing to recompute
        snaps = snaps.filter(snaps.product_id.isin(scope.product_id))
    prep, obs, iv, fx, offsets = _intervals(wh, _temp, snaps, now, progress, steps, priors)
    progress("estimate.step.days", 3, steps)
    # -- 3. days, months, channels ------------------------------------------------------------------------
    dy = _temp("days", daily.days(daily.pieces(iv, z=z)))
    mb = daily.month_bounds(dy, model_rel)
    observed = CH.observed_units(wh, offsets)
    if scope is not None:
        observed = observed.filter(observed.o_pid.isin(scope.product_id))
    out = daily.finish(CH.channel_shares(dy, observed, wh.table("product"), mix), mb, fx, run.run_id)
    progress("estimate.step.write", 4, steps)
    # -- 4. write -----------------------------------------------------------------------------------------------
    pds = wh.table("product_daily_sales")
    si = wh.table("snapshot_issue")
    if scope is None:
        wh.delete_where("product_daily_sales", None)
        wh.delete_where("snapshot_issue", None)
    else:
        wh.delete_where("product_daily_sales", pds.product_id.isin(scope.product_id))
        wh.delete_where("snapshot_issue", si.product_id.isin(scope.product_id))
    cols = wh.table("product_daily_sales").columns
    wh.con.insert("product_daily_sales", out.select(*cols))
    issues = _issues(prep, obs, iv, run.run_id)
    wh.con.insert("snapshot_issue", issues.select(*wh.table("snapshot_issue").columns))
    progress("estimate.step.state", 5, steps)
    _save_state(wh, current, scope, ref_fp, run.run_id)
    # -- summary -------------------------------------------------------------------------------------------------
    counts = prep.aggregate(n=prep.count(), used=prep.issue.isnull().cast("int64").sum(),
                            products=prep.product_id.nunique()).to_pyarrow().to_pylist()[0]
    ce = obs.aggregate(n=obs.crawl_error.cast("int64").sum()).to_pyarrow().to_pylist()[0]["n"] or 0
    summary.snapshots_read = int(counts["n"] or 0)
    summary.snapshots_used = int(counts["used"] or 0) - int(ce)
    summary.products = int(counts["products"] or 0)
    written = wh.table("product_daily_sales")
    summary.days_written = int(written.filter(written.run_id == run.run_id).count().execute())
    by_flag = issues.group_by("flag").aggregate(n=issues.count()).to_pyarrow().to_pylist()
    summary.issues = {r["flag"]: int(r["n"]) for r in by_flag}


def _intervals(wh: Warehouse, _temp: _Temps, snaps: ibis.Table, now: datetime, progress: ProgressFn, steps: int,
               priors: dict[str, float] | None = None
               ) -> tuple[ibis.Table, ibis.Table, ibis.Table, ibis.Table, ibis.Table]:
    """Steps 1–2 as temp tables: validated snapshots, readings (with crawl errors marked), intervals, FX."""
    if priors is None:
        priors = reference.review_priors(wh)
    rng = snaps.aggregate(lo=snaps.observed_at.min(), hi=snaps.observed_at.max()).to_pyarrow().to_pylist()[0]
    products_t = wh.table("product")
    if rng["lo"] is None:
        first_day = last_day = reference.day_number(now.date())
    else:
        first_day = reference.day_number(rng["lo"].date()) - 32
        last_day = reference.day_number(min(rng["hi"], now).date()) + 1
    offsets = _temp("offsets", ibis.memtable(reference.offset_table(reference.market_zones(wh), first_day, last_day)))
    rates = reference.latest_rates(wh)
    rates_t = ibis.memtable(pa.table({"r_currency": pa.array(list(rates), pa.string()),
                                      "r_rate": pa.array(list(rates.values()), pa.float64())}))
    need = snaps.filter(snaps.sold_lower.isnull() & snaps.sold_text.notnull()).select("sold_text").distinct()
    texts = [r for r in need.sold_text.to_pyarrow().to_pylist() if r is not None]
    parsed = ibis.memtable(reference.parsed_texts(texts)) if texts else None
    fx = _temp("fx", ibis.memtable(reference.fx_table(wh, first_day, last_day)))
    progress("estimate.step.validate", 1, steps)
    # -- 1. validate ----------------------------------------------------------------------------------
    prep = _temp("prep", prepare(snaps, parsed=parsed, offsets=offsets, rates=rates_t, now=now))
    good = prep.filter(prep.issue.isnull()).select(
        "product_id", "pk", "market", "observed_at", "x", "lo", "up", "px", "currency", "status", "source",
        rv=prep.review_count)
    good = good.mutate(virtual=ibis.literal(False))
    with_launch = curve.add_launch_rows(good, products_t)
    progress("estimate.step.curve", 2, steps)
    # -- 2. crawl errors, intervals -----------------------------------------------------------------
    obs = _temp("obs", curve.drop_crawl_errors(with_launch))
    iv = _temp("iv", curve.intervals(obs.filter(~obs.crawl_error), priors))
    return prep, obs, iv, fx, offsets


def crawl_intervals(wh: Warehouse, products: Iterable[str] | None = None) -> pa.Table:
    """The crawl intervals behind the estimate (nothing is written): per product and pair of
    consecutive usable readings, the units between them (``units``) and the bounds the two
    readings' rounding allow (``units_lower``/``units_upper``; upper null when a reading is open,
    e.g. "10K+"), with the interval's flags."""
    temps = _Temps(wh)
    snaps = wh.table("product_snapshot")
    if products is not None:
        ids = sorted({str(p) for p in products})
        snaps = snaps.filter(snaps.product_id.isin(ids))
    try:
        _, _, iv, _, _ = _intervals(wh, temps, snaps, utcnow(), no_progress, 1)
        out = iv.select(
            "product_id", "observed_from", observed_to=iv.observed_at, units=iv.u,
            units_lower=iv.hard_lo, units_upper=iv.hard_hi, flags=F.flags_text(iv.iflags),
        ).order_by(["product_id", "observed_to"])
        return out.to_pyarrow()
    finally:
        temps.clear()


def _issues(prep: ibis.Table, obs: ibis.Table, iv: ibis.Table, run_id: str) -> ibis.Table:
    a = prep.filter(prep.issue.notnull())
    a = a.select("product_id", "observed_at", "source", flag=a.issue, detail=issue_detail(a))
    b = prep.filter(prep.issue.isnull() & prep.price_issue.notnull())
    b = b.select("product_id", "observed_at", "source", flag=b.price_issue, detail=issue_detail(b))
    ce = obs.filter(obs.crawl_error & ~obs.virtual)
    c = ce.select("product_id", "observed_at", "source", flag=ibis.literal(F.CRAWL_ERROR_ISSUE),
                  detail=ibis.literal("lower=").concat(ce.lo.cast("string").fill_null("∅"), " upper=",
                                                       ce.up.cast("string").fill_null("∅")))
    fall = iv.filter(iv.reset | iv.decrease)
    d = fall.select("product_id", observed_at=fall.observed_at, source=fall.source,
                    flag=ibis.ifelse(fall.reset, F.RESET_ISSUE, F.DECREASE_ISSUE),
                    detail=ibis.literal("from ").concat(fall.lo0.cast("string").fill_null("∅"), "–",
                                                        fall.up0.cast("string").fill_null("+"), " to ",
                                                        fall.lo1.cast("string").fill_null("∅"), "–",
                                                        fall.up1.cast("string").fill_null("+")))
    return a.union(b).union(c).union(d).mutate(run_id=ibis.literal(run_id))


def _save_state(wh: Warehouse, current: ibis.Table, scope: ibis.Table | None, ref_fp: int, run_id: str) -> None:
    st = wh.table("estimate_state")
    if scope is None:
        wh.delete_where("estimate_state", None)
        rows = current
    else:
        wh.delete_where("estimate_state", st.product_id.isin(scope.product_id) | (st.product_id == REFERENCE))
        rows = current.filter(current.product_id.isin(scope.product_id))
    wh.con.insert("estimate_state", rows.mutate(run_id=ibis.literal(run_id)).select(*st.columns))
    wh.insert("estimate_state", pa.table({"product_id": [REFERENCE], "fingerprint": [ref_fp], "snapshots": [0],
                                          "run_id": [run_id]}))
