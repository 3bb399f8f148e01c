"""What the warehouse holds: the data behind ``shopradar status``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import ibis
import pyarrow as pa

from shopradar.warehouse import Warehouse
from shopradar.warehouse.migrations import current_version


@dataclass
class StatusReport:
    path: str
    schema_version: int
    counts: dict[str, int]
    markets: pa.Table
    runs: pa.Table
    quarantine: pa.Table
    snapshot_issues: pa.Table
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(n for name, n in self.counts.items() if name != "schema_version")


def status(db: str | os.PathLike[str] | None = None, *, last_runs: int = 10) -> StatusReport:
    """Summarize the warehouse at ``db`` (opened read-only; nothing is written)."""
    with Warehouse.open(db, create=False, read_only=True) as wh:
        counts = wh.counts()
        snaps = wh.table("product_snapshot")
        by_market = (
            snaps.group_by("market")
            .aggregate(products=snaps.product_id.nunique(), snapshots=snaps.count(),
                       first=snaps.observed_at.min().date(), last=snaps.observed_at.max().date())
        )
        est = wh.table("product_daily_sales")
        est_by_market = est.group_by("market").aggregate(
            estimated_days=est.count(), est_first=est.date.min(), est_last=est.date.max())
        markets = by_market.outer_join(est_by_market, "market").mutate(
            market=ibis.coalesce(by_market.market, est_by_market.market)
        ).drop("market_right").order_by("market").to_pyarrow()
        runs_t = wh.table("ingest_run")
        runs = runs_t.order_by(ibis.desc("started_at")).limit(last_runs).select(
            "kind", "source", "status", "started_at", "rows_in", "loaded", "duplicates", "quarantined",
            "message").to_pyarrow()
        q = wh.table("quarantine")
        quarantine = (q.group_by(["target_table", "reason_code"]).aggregate(rows=q.count())
                      .order_by(ibis.desc("rows")).to_pyarrow())
        si = wh.table("snapshot_issue")
        issues = si.group_by("flag").aggregate(rows=si.count()).order_by(ibis.desc("rows")).to_pyarrow()
        return StatusReport(path=str(wh.path), schema_version=current_version(wh.con), counts=counts,
                            markets=markets, runs=runs, quarantine=quarantine, snapshot_issues=issues)
