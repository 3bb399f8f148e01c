"""Lineage: one ``ingest_run`` row per run of a step over one source."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa

from shopradar.warehouse.core import Warehouse


def utcnow() -> datetime:
    """Now in UTC as a naive datetime (the warehouse's timestamp convention)."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id(kind: str) -> str:
    return f"{kind}-{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


@dataclass
class Run:
    """Counts of one run; ``rows_in == loaded + duplicates + quarantined`` must hold when it ends."""

    kind: str
    source: str
    profile: str | None = None
    run_id: str = ""
    started_at: datetime = field(default_factory=utcnow)
    rows_in: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    status: str = "ok"
    message: str = ""

    def __post_init__(self) -> None:
        if not self.run_id:
            self.run_id = new_run_id(self.kind)

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.loaded + self.duplicates + self.quarantined

    def record(self, wh: Warehouse) -> None:
        """Write the run's row (call inside the transaction that wrote its data)."""
        wh.insert("ingest_run", pa.table({
            "run_id": [self.run_id], "kind": [self.kind], "source": [self.source],
            "profile": [self.profile], "started_at": [self.started_at], "finished_at": [utcnow()],
            "rows_in": [self.rows_in], "loaded": [self.loaded], "duplicates": [self.duplicates],
            "quarantined": [self.quarantined], "status": [self.status], "message": [self.message],
        }))
