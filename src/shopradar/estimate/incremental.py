"""Which products a rerun must recompute: fingerprints of each product's inputs.

A product's fingerprint is a checksum over its snapshot rows and its product row (and how many
of its snapshots lie in the future right now, so they are picked up once their time comes). A
rerun recomputes the products whose fingerprint changed, appeared or vanished; when the
reference data (markets, exchange rates) changed, it recomputes everything. This is what makes
an incremental run give exactly the result of a full run.
"""

from __future__ import annotations

import zlib
from datetime import datetime

import ibis

from shopradar.estimate.snapshots import FUTURE_TOLERANCE
from shopradar.warehouse import Warehouse

_P = 2_147_483_647
REFERENCE = ""


def _h(v: ibis.Value) -> ibis.IntegerValue:
    return (v.hash() % _P).cast("int64")


def _mix(values: list[ibis.Value]) -> ibis.IntegerValue:
    acc = _h(values[0])
    for i, v in enumerate(values[1:], start=1):
        acc = acc + _h(v) * (31**i % 1_000_003)
    return acc % _P


def product_fingerprints(wh: Warehouse, now: datetime) -> ibis.Table:
    """``product_id, fingerprint, snapshots`` for every product with snapshots."""
    s = wh.table("product_snapshot")
    row = _mix([s.observed_at, s.sold_text, s.sold_lower, s.sold_upper, s.price, s.currency, s.status, s.source,
                s.market])
    future = (s.observed_at > ibis.literal(now + FUTURE_TOLERANCE)).fill_null(False).cast("int64")
    fp = s.group_by("product_id").aggregate(f_snap=row.sum(), snapshots=s.count(), f_future=future.sum())
    p = wh.table("product")
    prow = p.group_by("product_id").aggregate(f_prod=_mix([p.launch_date, p.currency, p.market]).sum())
    j = fp.left_join(prow, fp.product_id == prow.product_id)
    return j.select(product_id=fp.product_id,
                    fingerprint=(j.f_snap + j.f_prod.fill_null(0) * 7 + j.f_future * 1_000_003),
                    snapshots=j.snapshots)


def reference_fingerprint(wh: Warehouse, priors: dict[str, float] | None = None) -> int:
    """Checksum of what every product's estimate depends on: markets, exchange rates, review priors."""
    extra = zlib.crc32(repr(sorted((priors or {}).items())).encode())
    fx = wh.table("fx_rate")
    m = wh.table("market")
    a = fx.aggregate(h=_mix([fx.date, fx.currency, fx.usd_per_unit]).sum(), n=fx.count()).to_pyarrow().to_pylist()[0]
    b = m.aggregate(h=_mix([m.code, m.currency, m.time_zone]).sum(), n=m.count()).to_pyarrow().to_pylist()[0]
    return int((a["h"] or 0) * 3 + (a["n"] or 0) + (b["h"] or 0) * 5 + (b["n"] or 0) * 11 + extra * 13)


def changed_products(wh: Warehouse, current: ibis.Table) -> ibis.Table:
    """Product ids whose fingerprint differs from the stored state (new, changed or gone)."""
    st = wh.table("estimate_state")
    st = st.filter(st.product_id != REFERENCE).select(s_pid=st.product_id, s_fp=st.fingerprint, s_n=st.snapshots)
    j = current.outer_join(st, current.product_id == st.s_pid)
    changed = j.filter(j.product_id.isnull() | j.s_pid.isnull() | (j.fingerprint != j.s_fp) | (j.snapshots != j.s_n))
    return changed.select(product_id=ibis.coalesce(changed.product_id, changed.s_pid)).distinct()
