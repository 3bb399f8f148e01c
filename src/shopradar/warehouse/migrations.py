"""Schema versions and the steps that move a warehouse file from one to the next.

A migration is a function ``(backend) -> None`` registered under the version it
produces. ``migrate`` applies the missing ones in order, inside the caller's transaction,
and records each in ``schema_version``. A file whose version is newer than this
program's is refused: an older shopradar must not write to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

from shopradar.errors import WarehouseError
from shopradar.warehouse.schema import SCHEMA_VERSION, TABLES

Migration = Callable[[BaseBackend], None]


def ensure_tables(con: BaseBackend) -> list[str]:
    """Create every declared table the file lacks (additive; existing tables are left alone).

    Within one schema version new tables may be declared (a new stage's tables); opening a
    file written by an earlier build of the same version adds them. Changes to existing
    tables need a new version and a migration below.
    """
    existing = set(con.list_tables())
    created = []
    for spec in TABLES:
        if spec.name not in existing:
            con.create_table(spec.name, schema=spec.ibis_schema())
            created.append(spec.name)
    return created


def _create_all(con: BaseBackend) -> None:
    ensure_tables(con)


MIGRATIONS: dict[int, Migration] = {1: _create_all}


def current_version(con: BaseBackend) -> int:
    """The schema version of an open warehouse; 0 for an empty file."""
    if "schema_version" not in con.list_tables():
        return 0
    value = con.table("schema_version").version.max().execute()
    return 0 if value is None or value != value else int(value)


def check_version(con: BaseBackend, path: str) -> int:
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise WarehouseError("warehouse.newer_schema", path=path, found=version, supported=SCHEMA_VERSION)
    return version


def migrate(con: BaseBackend, path: str) -> list[int]:
    """Apply every missing migration; returns the versions applied."""
    version = check_version(con, path)
    applied: list[int] = []
    for target in range(version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[target](con)
        row = pa.table({"version": pa.array([target], pa.int32()),
                        "applied_at": pa.array([datetime.now(UTC).replace(tzinfo=None)], pa.timestamp("us"))})
        con.insert("schema_version", ibis.memtable(row))
        applied.append(target)
    return applied
