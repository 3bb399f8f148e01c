"""Staging plumbing for ingest: complete rows from newer data, drop temporary tables.

:func:`fill_nulls` completes rows already in a table, never overwriting a known value. Ingest uses
it for dimension tables (product, shop, …): a product first seen in a file without a title gets its
title when a later file names it; a title already stored is kept.

    from shopradar.warehouse.staging import drop_temp, fill_nulls
    filled = fill_nulls(wh, "product", staged_expr, key=["product_id"], columns=["title", "brand"])
"""

from __future__ import annotations

import uuid

import ibis
import pyarrow as pa

from shopradar.warehouse.core import Warehouse
from shopradar.warehouse.schema import table_spec

__all__ = ["append_arrow", "drop_temp", "fill_nulls"]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fill_nulls(wh: Warehouse, table: str, source: ibis.Table, key: list[str], columns: list[str], *,
               fold: bool = False) -> int:
    """Set the null ``columns`` of ``table``'s rows to ``source``'s values for the same ``key``.

    ``source`` holds at most one row per key. With ``fold``, the table's key values are compared
    lower-cased and trimmed (``source``'s must already be). Returns the number of rows changed.
    Call inside ``wh.transaction()`` to make it part of an all-or-nothing write.
    """
    spec = table_spec(table)
    declared = {c.name for c in spec.columns}
    cols = [c for c in columns if c in declared and c not in key]
    if fold and any(k not in declared for k in key):
        raise ValueError(f"{table} has no column {key}")
    if not cols:
        return 0
    tmp = f"_fill_{uuid.uuid4().hex[:10]}"
    wh.con.create_table(tmp, obj=source.select(*key, *cols), temp=True)
    try:
        sets = ", ".join(f"{_q(c)} = coalesce(t.{_q(c)}, s.{_q(c)})" for c in cols)
        on = " AND ".join((f"lower(trim(t.{_q(k)}))" if fold else f"t.{_q(k)}") + f" = s.{_q(k)}" for k in key)
        need = " OR ".join(f"(t.{_q(c)} IS NULL AND s.{_q(c)} IS NOT NULL)" for c in cols)
        row = wh.raw.execute(f"UPDATE {_q(table)} AS t SET {sets} FROM {_q(tmp)} AS s WHERE {on} AND ({need})"
                             ).fetchone()
        return int(row[0]) if row else 0
    finally:
        drop_temp(wh, tmp)


def drop_temp(wh: Warehouse, name: str) -> None:
    """Drop a temporary table if it exists (Ibis 12's ``drop_table`` fails on temporary tables)."""
    wh.raw.execute(f"DROP TABLE IF EXISTS temp.main.{_q(name)}")


def append_arrow(wh: Warehouse, name: str, data: pa.Table) -> None:
    """Append an Arrow table whose columns are ``name``'s, in order, without keeping it in memory.

    (A registered Arrow table — an Ibis memtable or ``register`` — stays in memory until the
    transaction ends, even after ``unregister``: staging a large file that way holds every batch.
    A relation made by ``from_arrow`` does not.)
    """
    wh.raw.from_arrow(data).insert_into(name)
