"""Warehouse stage: the data model as tables in DuckDB (through Ibis), with migrations."""

from shopradar.warehouse.core import DEFAULT_DB, ENV_DB, Warehouse, resolve_path
from shopradar.warehouse.schema import SCHEMA_VERSION, TABLES, Column, Table, table_spec

__all__ = ["DEFAULT_DB", "ENV_DB", "SCHEMA_VERSION", "TABLES", "Column", "Table", "Warehouse",
           "resolve_path", "table_spec"]
