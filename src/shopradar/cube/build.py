"""Materialize the cube from ``product_daily_sales``: full build and incremental refresh.

Three tables (declared in ``warehouse/schema.py``):

* ``cube_product_period`` — every product's sums per ISO week and per calendar month;
* ``cube_category_period`` — figures per market × category (every level of the tree) × day,
  week or month, including concentration, new entrants and survival (week and month);
* ``cube_state`` — which (market, date) the cube holds, with a fingerprint (rows, units, GMV)
  of that day's estimates, so that :func:`refresh_cube` can tell new days from changed ones.

Refreshing after new days (later than every day the cube holds) merges those days into the
weeks and months they fall in and recomputes only the category rows those periods touch (and
the periods whose 3-month survival they complete). Changed or back-filled days recompute the
product rows of their periods and every week/month category row (a product's first sale may
move). Everything runs inside one transaction: a failure leaves the cube as it was.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import ibis
import pyarrow as pa

from shopradar.cube.categories import UNKNOWN, CategoryTree, product_leaf_ids
from shopradar.cube.periods import MATERIALIZED, SURVIVAL_LAG, end_expr, end_of, shift, start_expr, start_of
from shopradar.cube.ranked import recent_expr, top_expr
from shopradar.errors import DataError
from shopradar.progress import ProgressFn, no_progress
from shopradar.warehouse import Warehouse, table_spec
from shopradar.warehouse.runs import Run, utcnow

CUBE_TABLES = ("cube_product_period", "cube_category_period", "cube_state", "cube_top", "cube_product_recent")
_SUMS = ("units", "units_lower", "units_upper", "gmv_local", "gmv_lower", "gmv_upper",
         "gmv_usd", "gmv_usd_lower", "gmv_usd_upper", "units_video", "units_live", "units_card")


@dataclass
class CubeReport:
    """What a build or refresh did."""

    mode: str  # full, refresh, none
    days_added: int = 0
    days_changed: int = 0
    days_removed: int = 0
    periods: dict[str, int] = field(default_factory=dict)
    product_rows: int = 0
    category_rows: int = 0
    seconds: float = 0.0


# -- expressions ------------------------------------------------------------------------------

def ensure_tables(wh: Warehouse) -> None:
    """Create the cube tables in a warehouse made before they were declared."""
    have = set(wh.con.list_tables())
    for name in CUBE_TABLES:
        if name not in have:
            wh.con.create_table(name, schema=table_spec(name).ibis_schema())


def _products(wh: Warehouse) -> ibis.Table:
    p = wh.table("product")
    return p.group_by("product_id").aggregate(p_shop=p.shop_id.max(), p_cat=p.category_id.max())


def _daily(wh: Warehouse, dates: dict[str, list[date]] | None = None,
           ranges: list[tuple[str, date, date]] | None = None) -> ibis.Table:
    s = wh.table("product_daily_sales")
    if dates is not None:
        preds = [(s.market == m) & s.date.isin(ds) for m, ds in dates.items() if ds]
        s = s.filter(ibis.or_(*preds)) if preds else s.filter(ibis.literal(False))
    if ranges is not None:
        preds = [(s.market == m) & s.date.between(a, b) for m, a, b in ranges]
        s = s.filter(ibis.or_(*preds)) if preds else s.filter(ibis.literal(False))
    return s


def product_period_expr(wh: Warehouse, daily: ibis.Table, period: str) -> ibis.Table:
    """``cube_product_period`` rows for ``period`` (week or month) from daily estimate rows."""
    s = daily.mutate(period_start=start_expr(daily.date, period))
    agg = s.group_by(["market", "period_start", "product_id"]).aggregate(
        currency=s.currency.max(),
        **{c: s[c].sum() for c in _SUMS},
        days_active=(s.units > 0).cast("int32").sum(),
        first_sale=s.date.min(where=s.units > 0),
    )
    p = _products(wh)
    j = agg.left_join(p, agg.product_id == p.product_id)
    return j.select(
        market=j.market, period=ibis.literal(period), period_start=j.period_start, product_id=j.product_id,
        shop_id=j.p_shop.fill_null(UNKNOWN), category_id=j.p_cat.fill_null(UNKNOWN), currency=j.currency,
        **{c: j[c] for c in _SUMS}, days_active=j.days_active, first_sale=j.first_sale,
    )


def _concentration(t: ibis.Table, keys: list[str], value: str, suffix: str) -> ibis.Table:
    """CR5, CR10, HHI (0–10,000), Gini and count over rows of ``t`` with ``value`` > 0, per ``keys``."""
    t = t.filter(t[value] > 0)
    v = t[value].cast("float64")
    t = t.mutate(_v=v, _rk=ibis.row_number().over(ibis.window(group_by=keys, order_by=ibis.desc(v))))
    tot = t._v.sum()
    n = t.count()
    return t.group_by(keys).aggregate(**{
        f"n_{suffix}": n,
        f"cr5_{suffix}": t._v.sum(where=t._rk < 5) / tot,
        f"cr10_{suffix}": t._v.sum(where=t._rk < 10) / tot,
        f"hhi_{suffix}": ((t._v / 1.0) * t._v).sum() / (tot * tot) * 10000.0,
        # Gini with values sorted descending, 0-based rank r: G = 2 − 2Σ r·v / (n·Σv) − (n+1)/n
        f"gini_{suffix}": 2.0 - 2.0 * (t._rk.cast("float64") * t._v).sum() / (n * tot) - (n + 1.0) / n,
    })


def _first_sales(wh: Warehouse) -> ibis.Table:
    pp = wh.table("cube_product_period")
    pp = pp.filter(pp.period == "month")
    return pp.group_by(["market", "product_id"]).aggregate(first_ever=pp.first_sale.min())


def _market_spans(wh: Warehouse) -> dict[str, tuple[date, date]]:
    st = wh.table("cube_state")
    rows = st.group_by("market").aggregate(first=st.date.min(), last=st.date.max()).to_pyarrow().to_pylist()
    return {r["market"]: (r["first"], r["last"]) for r in rows}


def category_period_expr(wh: Warehouse, anc: ibis.Table, period: str,
                         starts: dict[str, list[date]] | None = None) -> ibis.Table:
    """``cube_category_period`` rows for ``period`` (week/month) from ``cube_product_period``.

    ``starts`` limits the result to these period starts per market (None: every period).
    """
    pp_all = wh.table("cube_product_period")
    pp_all = pp_all.filter(pp_all.period == period)
    pp = pp_all
    if starts is not None:
        preds = [(pp.market == m) & pp.period_start.isin(ss) for m, ss in starts.items() if ss]
        pp = pp.filter(ibis.or_(*preds)) if preds else pp.filter(ibis.literal(False))
    x = pp.inner_join(anc, pp.category_id == anc.leaf_id)
    keys = ["market", "period_start", "node_id"]
    first = _first_sales(wh)
    x = x.left_join(first, [x.market == first.market, x.product_id == first.product_id]).select(
        *[x[c] for c in x.columns], first_ever=first.first_ever)
    x = x.mutate(is_new=(x.first_ever >= x.period_start) & (x.first_ever <= end_expr(x.period_start, period)))
    sums = x.group_by([*keys, "node_level"]).aggregate(
        currency=x.currency.max(),
        **{c: x[c].sum() for c in _SUMS},
        products=(x.units > 0).cast("int64").sum(),
        shops=x.shop_id.nunique(where=x.units > 0),
        new_products=x.is_new.cast("int64").sum(),
        new_products_gmv=x.gmv_local.sum(where=x.is_new),
    )
    shops = x.group_by([*keys, "shop_id"]).aggregate(g=x.gmv_local.sum())
    cs = _concentration(shops, keys, "g", "shops")
    cp = _concentration(x, keys, "gmv_local", "products")
    # survival: new products still selling SURVIVAL_LAG periods later
    lag = SURVIVAL_LAG[period]
    later = pp_all.filter(pp_all.units > 0).select(
        l_market=pp_all.market, l_product=pp_all.product_id, l_start=pp_all.period_start)
    newx = x.filter(x.is_new).mutate(target=x.period_start + ibis.interval(
        **({"months": lag} if period == "month" else {"days": 7 * lag})))
    newx = newx.mutate(target=newx.target.cast("date"))
    sj = newx.left_join(later, [newx.market == later.l_market, newx.product_id == later.l_product,
                                newx.target == later.l_start])
    surv = sj.group_by(keys).aggregate(survived=sj.l_product.notnull().cast("int64").sum())
    out = sums.left_join(cs, keys).left_join(cp, keys).left_join(surv, keys)
    spans = _market_spans(wh)
    first_start = ibis.cases(*[(out.market == m, start_of(a, period)) for m, (a, _) in spans.items()],
                             else_=ibis.null("date")) if spans else ibis.null("date")
    last_date = ibis.cases(*[(out.market == m, b) for m, (_, b) in spans.items()],
                           else_=ibis.null("date")) if spans else ibis.null("date")
    target = (out.period_start + ibis.interval(
        **({"months": lag} if period == "month" else {"days": 7 * lag}))).cast("date")
    in_first = out.period_start <= first_start
    return out.select(
        market=out.market, period=ibis.literal(period), period_start=out.period_start, category_id=out.node_id,
        level=out.node_level, currency=out.currency, **{c: out[c] for c in _SUMS},
        products=out.products, shops=out.shops,
        new_products=ibis.ifelse(in_first, ibis.null("int64"), out.new_products),
        new_products_gmv=ibis.ifelse(in_first, ibis.null("decimal(38,4)"),
                                     out.new_products_gmv.fill_null(0).cast("decimal(38,4)")),
        new_products_survived=ibis.ifelse(in_first | (target > last_date), ibis.null("int64"),
                                          out.survived.fill_null(0)),
        cr5_shops=out.cr5_shops, cr10_shops=out.cr10_shops, hhi_shops=out.hhi_shops, gini_shops=out.gini_shops,
        cr5_products=out.cr5_products, cr10_products=out.cr10_products, hhi_products=out.hhi_products,
        gini_products=out.gini_products,
    )


def category_day_expr(wh: Warehouse, anc: ibis.Table, daily: ibis.Table) -> ibis.Table:
    """``cube_category_period`` rows at day grain (sums and active products; no shop figures)."""
    p = _products(wh)
    j = daily.left_join(p, daily.product_id == p.product_id)
    j = j.mutate(leaf=j.p_cat.fill_null(UNKNOWN))
    leaf = j.group_by(["market", "date", "leaf"]).aggregate(
        currency=j.currency.max(), **{c: j[c].sum() for c in _SUMS},
        products=(j.units > 0).cast("int64").sum())
    x = leaf.inner_join(anc, leaf.leaf == anc.leaf_id)
    agg = x.group_by(["market", "date", "node_id", "node_level"]).aggregate(
        currency=x.currency.max(), **{c: x[c].sum() for c in _SUMS}, products=x.products.sum())
    return agg.select(market=agg.market, period=ibis.literal("day"), period_start=agg.date,
                      category_id=agg.node_id, level=agg.node_level, currency=agg.currency,
                      **{c: agg[c] for c in _SUMS}, products=agg.products)


def _fingerprints(wh: Warehouse) -> dict[tuple[str, date], tuple[int, float, object]]:
    """(market, date) -> (rows, Σunits, ΣGMV) of the estimates; refuses a market with mixed currencies."""
    s = wh.table("product_daily_sales")
    rows = s.group_by(["market", "date"]).aggregate(
        rows=s.count(), units=s.units.sum(), gmv_local=s.gmv_local.sum(), cur_min=s.currency.min(),
        cur_max=s.currency.max()).to_pyarrow().to_pylist()
    currencies: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        currencies[r["market"]].update(c for c in (r["cur_min"], r["cur_max"]) if c is not None)
    for market, cur in sorted(currencies.items()):
        if len(cur) > 1:
            raise DataError("cube.mixed_currency", market=market, currencies=", ".join(sorted(cur)))
    return {(r["market"], r["date"]): (r["rows"], r["units"], r["gmv_local"]) for r in rows}


def _state(wh: Warehouse) -> dict[tuple[str, date], tuple[int, float, object]]:
    st = wh.table("cube_state").to_pyarrow().to_pylist()
    return {(r["market"], r["date"]): (r["rows"], r["units"], r["gmv_local"]) for r in st}


def _same(a: tuple[int, float, object], b: tuple[int, float, object]) -> bool:
    ua, ub = a[1] or 0.0, b[1] or 0.0
    return a[0] == b[0] and abs(ua - ub) <= 1e-6 * max(1.0, abs(ua)) and (a[2] or 0) == (b[2] or 0)


def _anc(wh: Warehouse) -> ibis.Table:
    leaves = product_leaf_ids(wh)
    tree = CategoryTree.load(wh, extra_ids=[*leaves, UNKNOWN])
    return ibis.memtable(tree.ancestor_table([*leaves, UNKNOWN]))


def _write_state(wh: Warehouse, fps: dict[tuple[str, date], tuple[int, float, object]]) -> None:
    if not fps:
        return
    keys = list(fps)
    now = utcnow()
    wh.insert("cube_state", pa.table({
        "market": [k[0] for k in keys], "date": pa.array([k[1] for k in keys], pa.date32()),
        "rows": [fps[k][0] for k in keys], "units": [float(fps[k][1] or 0.0) for k in keys],
        "gmv_local": pa.array([fps[k][2] for k in keys], pa.decimal128(38, 4)),
        "built_at": [now] * len(keys)}))


def _insert(wh: Warehouse, name: str, expr: ibis.Table) -> None:
    spec = table_spec(name)
    wh.con.insert(name, expr.select(*[expr[c.name].cast(c.dtype) if c.name in expr.columns
                                      else ibis.null(c.dtype).name(c.name) for c in spec.columns]))


def _write_ranked(wh: Warehouse, anc: ibis.Table, starts: dict[str, dict[str, list[date]]] | None) -> None:
    """Rewrite ``cube_top`` (every period, or these period starts per period kind and market) and
    ``cube_product_recent`` (always whole: its 90 days move with the last day)."""
    if starts is not None and wh.count("cube_top") == 0:
        starts = None  # a cube built before cube_top existed (or with no sales yet): rank every period
    if starts is None:
        wh.delete_where("cube_top", None)
        for period in MATERIALIZED:
            _insert(wh, "cube_top", top_expr(wh, anc, period))
    else:
        top = wh.table("cube_top")
        for period, by_market in starts.items():
            for m, ss in by_market.items():
                wh.delete_where("cube_top", (top.market == m) & (top.period == period) & top.period_start.isin(ss))
            if by_market:
                _insert(wh, "cube_top", top_expr(wh, anc, period, by_market))
    wh.delete_where("cube_product_recent", None)
    rec = recent_expr(wh)
    if rec is not None:
        _insert(wh, "cube_product_recent", rec)


# -- entry points -----------------------------------------------------------------------------

def build_cube(wh: Warehouse, progress: ProgressFn | None = None) -> CubeReport:
    """Rebuild every cube table from ``product_daily_sales`` (all-or-nothing)."""
    progress = progress or no_progress
    t0 = time.perf_counter()
    ensure_tables(wh)
    run = Run(kind="cube", source="product_daily_sales")
    steps = 6
    with wh.transaction():
        for name in CUBE_TABLES:
            wh.delete_where(name, None)
        fps = _fingerprints(wh)
        _write_state(wh, fps)
        progress("cube.step.products", 1, steps)
        daily = _daily(wh)
        for period in MATERIALIZED:
            _insert(wh, "cube_product_period", product_period_expr(wh, daily, period))
        progress("cube.step.categories", 3, steps)
        anc = _anc(wh)
        _insert(wh, "cube_category_period", category_day_expr(wh, anc, daily))
        for period in MATERIALIZED:
            _insert(wh, "cube_category_period", category_period_expr(wh, anc, period))
        progress("cube.step.ranked", 5, steps)
        _write_ranked(wh, anc, None)
        progress("cube.step.done", steps, steps)
        rep = CubeReport(mode="full", days_added=len(fps), product_rows=wh.count("cube_product_period"),
                         category_rows=wh.count("cube_category_period"))
        run.rows_in = run.loaded = sum(v[0] for v in fps.values())
        run.message = f"{len(fps)} days, {rep.product_rows} product rows, {rep.category_rows} category rows"
        run.record(wh)
    rep.seconds = time.perf_counter() - t0
    return rep


def refresh_cube(wh: Warehouse, dates: Iterable[date] | None = None,
                 progress: ProgressFn | None = None) -> CubeReport:
    """Bring the cube up to date with ``product_daily_sales``.

    Without ``dates``, every day whose estimates are new, changed or gone is found from the
    fingerprints in ``cube_state``; with ``dates``, only those days are considered. An empty
    cube is built in full.
    """
    progress = progress or no_progress
    t0 = time.perf_counter()
    ensure_tables(wh)
    if wh.count("cube_state") == 0:
        return build_cube(wh, progress)
    only = set(dates) if dates is not None else None
    now_fp = _fingerprints(wh)
    old = _state(wh)
    keys = set(now_fp) | set(old)
    if only is not None:
        keys = {k for k in keys if k[1] in only}
    last_old: dict[str, date] = {}
    for m, d in old:
        last_old[m] = max(last_old.get(m, d), d)
    added, changed, removed = [], [], []
    for k in sorted(keys):
        if k in now_fp and k not in old:
            (added if k[0] in last_old and k[1] > last_old[k[0]] else changed).append(k)
        elif k in old and k not in now_fp:
            removed.append(k)
        elif k in old and k in now_fp and not _same(old[k], now_fp[k]):
            changed.append(k)
    rep = CubeReport(mode="refresh" if (added or changed or removed) else "none", days_added=len(added),
                     days_changed=len(changed), days_removed=len(removed))
    if rep.mode == "none":
        rep.seconds = time.perf_counter() - t0
        return rep
    run = Run(kind="cube", source="product_daily_sales (refresh)")
    with wh.transaction():
        redo: dict[tuple[str, str], set[date]] = defaultdict(set)   # (market, period) -> starts recomputed
        merge: dict[tuple[str, str], set[date]] = defaultdict(set)
        for m, d in changed + removed:
            for p in MATERIALIZED:
                redo[(m, p)].add(start_of(d, p))
        for m, d in added:
            for p in MATERIALIZED:
                if start_of(d, p) not in redo[(m, p)]:
                    merge[(m, p)].add(start_of(d, p))
        progress("cube.step.products", 1, 4)
        pp = wh.table("cube_product_period")
        for (m, p), starts in redo.items():
            if not starts:
                continue
            wh.delete_where("cube_product_period", (pp.market == m) & (pp.period == p)
                            & pp.period_start.isin(sorted(starts)))
            ranges = [(m, s, end_of(s, p)) for s in sorted(starts)]
            _insert(wh, "cube_product_period", product_period_expr(wh, _daily(wh, ranges=ranges), p))
        new_by_market: dict[str, list[date]] = defaultdict(list)
        for m, d in added:
            new_by_market[m].append(d)
        for (m, p), starts in merge.items():
            if not starts:
                continue
            old_rows = pp.filter((pp.market == m) & (pp.period == p) & pp.period_start.isin(sorted(starts)))
            fresh = product_period_expr(wh, _daily(wh, dates={m: new_by_market[m]}), p)
            osch = old_rows.schema()
            u = old_rows.union(fresh.select(*[fresh[c].cast(osch[c]).name(c) for c in old_rows.columns]))
            merged = u.group_by(["market", "period", "period_start", "product_id"]).aggregate(
                shop_id=u.shop_id.max(), category_id=u.category_id.max(), currency=u.currency.max(),
                **{c: u[c].sum() for c in _SUMS}, days_active=u.days_active.sum(),
                first_sale=u.first_sale.min())
            # materialize before deleting the rows it reads (at most one period of products)
            rows = merged.to_pyarrow()
            wh.delete_where("cube_product_period", (pp.market == m) & (pp.period == p)
                            & pp.period_start.isin(sorted(starts)))
            wh.insert("cube_product_period", rows)
        # state
        st = wh.table("cube_state")
        touched = added + changed + removed
        by_m: dict[str, list[date]] = defaultdict(list)
        for m, d in touched:
            by_m[m].append(d)
        for m, ds in by_m.items():
            wh.delete_where("cube_state", (st.market == m) & st.date.isin(ds))
        _write_state(wh, {k: now_fp[k] for k in added + changed})
        progress("cube.step.categories", 2, 4)
        anc = _anc(wh)
        cp = wh.table("cube_category_period")
        for m, ds in by_m.items():
            wh.delete_where("cube_category_period", (cp.market == m) & (cp.period == "day") & cp.period_start.isin(ds))
        fresh_days = {m: [d for d in ds if (m, d) in now_fp] for m, ds in by_m.items()}
        _insert(wh, "cube_category_period", category_day_expr(wh, anc, _daily(wh, dates=fresh_days)))
        for p in MATERIALIZED:
            if changed or removed:
                wh.delete_where("cube_category_period", cp.period == p)
                _insert(wh, "cube_category_period", category_period_expr(wh, anc, p))
                rep.periods[p] = -1
                continue
            starts: dict[str, list[date]] = {}
            for (m, pk), ss in merge.items():
                if pk != p:
                    continue
                lag = SURVIVAL_LAG[p]
                all_s = set(ss) | {shift(s, p, -lag) for s in ss}
                starts[m] = sorted(all_s)
            for m, ss in starts.items():
                wh.delete_where("cube_category_period", (cp.market == m) & (cp.period == p)
                                & cp.period_start.isin(ss))
            if starts:
                _insert(wh, "cube_category_period", category_period_expr(wh, anc, p, starts))
            rep.periods[p] = sum(len(v) for v in starts.values())
        progress("cube.step.ranked", 3, 4)
        touched_starts: dict[str, dict[str, set[date]]] = defaultdict(lambda: defaultdict(set))
        for src in (redo, merge):
            for (m, p), ss in src.items():
                touched_starts[p][m] |= ss
        _write_ranked(wh, anc, {p: {m: sorted(ss) for m, ss in by.items() if ss} for p, by in touched_starts.items()})
        progress("cube.step.done", 4, 4)
        rep.product_rows = wh.count("cube_product_period")
        rep.category_rows = wh.count("cube_category_period")
        run.rows_in = run.loaded = sum(now_fp[k][0] for k in added + changed)
        run.message = f"{len(added)} days added, {len(changed)} changed, {len(removed)} removed"
        run.record(wh)
    rep.seconds = time.perf_counter() - t0
    return rep
