"""The warehouse: one DuckDB file reached through Ibis.

Pipeline stages talk to :class:`Warehouse` and build Ibis expressions on
``warehouse.table(name)``; nothing outside this package speaks a backend's SQL dialect.
Writes that must be all-or-nothing go inside ``with warehouse.transaction():`` — a crash
or an error inside leaves the file exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

from shopradar.errors import WarehouseError
from shopradar.warehouse.migrations import check_version, ensure_tables, migrate
from shopradar.warehouse.schema import TABLE_BY_NAME, TABLES, table_spec

DEFAULT_DB = "shopradar.duckdb"
ENV_DB = "SHOPRADAR_DB"
_DUCKDB_MAGIC = b"DUCK"


def resolve_path(db: str | os.PathLike[str] | None = None) -> Path:
    """``db`` if given, else ``$SHOPRADAR_DB``, else ``./shopradar.duckdb``."""
    if db is not None and str(db) != "":
        return Path(db).expanduser()
    env = os.environ.get(ENV_DB)
    return Path(env).expanduser() if env else Path.cwd() / DEFAULT_DB


def _looks_like_duckdb(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(16)
    return len(head) >= 12 and head[8:12] == _DUCKDB_MAGIC


def check_path(path: Path, create: bool) -> None:
    """Raise WarehouseError when ``path`` cannot be opened (or, with ``create``, created)."""
    if path.is_dir():
        raise WarehouseError("warehouse.is_dir", path=str(path))
    if path.exists():
        if path.stat().st_size == 0 and create:
            raise WarehouseError("warehouse.not_duckdb", path=str(path))
        if not _looks_like_duckdb(path):
            raise WarehouseError("warehouse.not_duckdb", path=str(path))
        return
    if not create:
        raise WarehouseError("warehouse.missing", path=str(path))
    parent = path.parent if str(path.parent) else Path.cwd()
    if not parent.exists():
        raise WarehouseError("warehouse.no_folder", path=str(path), folder=str(parent))
    if not os.access(parent, os.W_OK):
        raise WarehouseError("warehouse.not_writable", path=str(path), folder=str(parent))


class Warehouse:
    """An open warehouse file. Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, path: Path, con: BaseBackend, read_only: bool) -> None:
        self.path = path
        self.con = con
        self.read_only = read_only
        self._depth = 0

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None, *, create: bool = True,
             read_only: bool = False, memory_limit: str | None = None) -> Warehouse:
        """Open (and, if ``create``, create or migrate) the warehouse at ``db``.

        Raises :class:`WarehouseError` with a one-line message when the path is a
        folder, not a DuckDB file, not writable, or from a newer schema version. A
        failed open never modifies an existing file.
        """
        path = resolve_path(db)
        check_path(path, create=create and not read_only)
        existed = path.exists()
        try:
            con = ibis.duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise WarehouseError("warehouse.cannot_open", path=str(path), error=_first_line(exc)) from None
        wh = cls(path, con, read_only)
        try:
            raw = wh.raw
            raw.execute("SET TimeZone = 'UTC'")
            if memory_limit:
                raw.execute(f"SET memory_limit = '{memory_limit}'")
            if read_only or not create:
                check_version(con, str(path))
            else:
                with wh.transaction():
                    migrate(con, str(path))
                    ensure_tables(con)
        except BaseException:
            wh.close()
            if not existed and path.exists():
                _remove_db_files(path)
            raise
        return wh

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection under Ibis — for the warehouse package's own plumbing only."""
        return self.con.con  # type: ignore[attr-defined,no-any-return]

    def close(self) -> None:
        with suppress(Exception):
            self.con.disconnect()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        """All writes inside commit together or not at all. Nested use joins the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.raw.begin()
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self.raw.rollback()
            raise
        self._depth = 0
        self.raw.commit()

    # -- reading and writing -------------------------------------------------------------
    def table(self, name: str) -> ibis.Table:
        return self.con.table(name)

    def tables(self) -> list[str]:
        return sorted(n for n in self.con.list_tables() if not n.startswith(("ibis_", "_")))

    def insert(self, name: str, data: pa.Table | Any) -> int:
        """Append rows (an Arrow table, pandas or polars frame) to a declared table.

        Columns are matched by name and cast to the declared types; declared columns the
        data lacks are filled with nulls. Returns the number of rows written.
        """
        arrow = _to_arrow(data)
        if arrow.num_rows == 0:
            return 0
        spec = table_spec(name)
        target = spec.ibis_schema().to_pyarrow()
        unknown = set(arrow.column_names) - set(target.names)
        if unknown:
            raise ValueError(f"columns not in table {name}: {sorted(unknown)}")
        cols = []
        for fld in target:
            if fld.name in arrow.column_names:
                cols.append(arrow.column(fld.name).cast(fld.type))
            else:
                cols.append(pa.nulls(arrow.num_rows, fld.type))
        self._append_arrow(name, pa.Table.from_arrays(cols, schema=target))
        return arrow.num_rows

    def _append_arrow(self, name: str, table: pa.Table) -> None:
        # Ibis keeps every memtable registered for the connection's lifetime, and DuckDB keeps a
        # ``register``ed Arrow table alive until the transaction ends even after ``unregister``;
        # a relation over the batch inserted directly is released as soon as it is written.
        self.raw.from_arrow(table).insert_into(name)

    def replace_where(self, name: str, predicate: ibis.Expr | None, data: pa.Table | Any) -> int:
        """Delete the rows matching ``predicate`` (all rows if None) and insert ``data``, atomically."""
        with self.transaction():
            self.delete_where(name, predicate)
            return self.insert(name, data)

    def delete_where(self, name: str, predicate: ibis.Expr | None) -> None:
        """Delete rows of ``name`` matching an Ibis boolean expression over that table.

        The predicate is compiled by Ibis for the backend, so callers never write SQL.
        """
        if predicate is None:
            self.con.truncate_table(name)
            return
        import sqlglot

        dialect = self.con.dialect  # type: ignore[attr-defined]
        select = sqlglot.parse_one(self.con.compile(self.table(name).filter(predicate)), dialect=dialect)
        source = (select.args.get("from_") or select.args["from"]).this
        where = select.args["where"].this.sql(dialect=dialect)
        alias = f" AS {source.args['alias'].sql(dialect=dialect)}" if source.args.get("alias") else ""
        self.raw.execute(f"DELETE FROM {source.this.sql(dialect=dialect)}{alias} WHERE {where}")

    def count(self, name: str) -> int:
        return int(self.table(name).count().execute())

    def counts(self) -> dict[str, int]:
        present = set(self.tables())
        return {spec.name: self.count(spec.name) for spec in TABLES if spec.name in present}


def _to_arrow(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if hasattr(data, "to_arrow"):
        return data.to_arrow()  # polars
    return pa.Table.from_pandas(data, preserve_index=False)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _remove_db_files(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        with suppress(FileNotFoundError):
            p.unlink()


def is_declared(name: str) -> bool:
    return name in TABLE_BY_NAME
