"""Write a result table to a file or stdout: CSV, JSON, XLSX or Parquet.

Every command that prints a table accepts ``--format`` and ``-o``; they all end here.
Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first)
are prefixed with a quote in CSV and XLSX, because titles and shop names are untrusted.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from shopradar.errors import UsageError

FORMATS: tuple[str, ...] = ("table", "csv", "json", "xlsx", "parquet")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_arrow(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if hasattr(data, "to_arrow"):
        return data.to_arrow()
    return pa.Table.from_pandas(data, preserve_index=False)


def _defuse(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _defused(table: pa.Table) -> pa.Table:
    cols = []
    for col in table.columns:
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            cols.append(pa.array([_defuse(v) for v in col.to_pylist()], col.type))
        else:
            cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def table_bytes(data: Any, fmt: str) -> bytes:
    """Serialize a table to bytes in ``fmt`` (csv, json, xlsx, parquet)."""
    table = to_arrow(data)
    buf = io.BytesIO()
    write_table(table, buf, fmt)
    return buf.getvalue()


def write_table(data: Any, dest: str | Path | BinaryIO, fmt: str) -> None:
    """Write ``data`` to ``dest`` (a path or a binary file object) in ``fmt``."""
    if fmt not in FORMATS or fmt == "table":
        raise UsageError("export.bad_format", fmt=fmt, formats=", ".join(f for f in FORMATS if f != "table"))
    table = to_arrow(data)
    if fmt == "parquet":
        pq.write_table(table, dest)
        return
    if fmt == "csv":
        pacsv.write_csv(_defused(table), dest)
        return
    if fmt == "json":
        text = json.dumps(table.to_pylist(), default=_json_default, ensure_ascii=False, indent=1)
        data_bytes = text.encode("utf-8")
        if isinstance(dest, (str, Path)):
            Path(dest).write_bytes(data_bytes)
        else:
            dest.write(data_bytes)
        return
    import xlsxwriter

    book = xlsxwriter.Workbook(dest,
                               {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("data")
    bold = book.add_format({"bold": True})
    for j, name in enumerate(table.column_names):
        sheet.write_string(0, j, name, bold)
    for j, col in enumerate(table.columns):
        for i, value in enumerate(col.to_pylist(), start=1):
            if value is None:
                continue
            if isinstance(value, Decimal):
                sheet.write_number(i, j, float(value))
            elif isinstance(value, bool):
                sheet.write_boolean(i, j, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(i, j, value)
            else:
                sheet.write_string(i, j, str(_defuse(value) if isinstance(value, str) else value))
    book.close()
