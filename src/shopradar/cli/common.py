"""Options, console and output helpers shared by the command modules."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from shopradar.cli.app import h
from shopradar.i18n import set_lang, t
from shopradar.report.export import FORMATS, to_arrow, write_table
from shopradar.warehouse import Warehouse

console = Console()
err_console = Console(stderr=True)

DbOpt = Annotated[str | None, typer.Option("--db", envvar="SHOPRADAR_DB", help=h("cli.opt.db"),
                                           show_envvar=False)]
LangOpt = Annotated[str | None, typer.Option("--lang", envvar="SHOPRADAR_LANG", help=h("cli.opt.lang"),
                                             show_envvar=False)]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help=h("cli.opt.format"))]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help=h("cli.opt.output"))]


def use_lang(lang: str | None) -> str:
    """Apply ``--lang``; without it, $SHOPRADAR_LANG or English."""
    return set_lang(lang or os.environ.get("SHOPRADAR_LANG", "en"))


def open_warehouse(db: str | None, *, create: bool = True, read_only: bool = False) -> Warehouse:
    return Warehouse.open(db, create=create, read_only=read_only)


def emit(data: Any, fmt: str, output: Path | None, *, title: str | None = None,
         labels: dict[str, str] | None = None) -> None:
    """Print ``data`` as a Rich table, or write it in ``fmt`` to ``output`` / stdout."""
    if fmt not in FORMATS:
        from shopradar.errors import UsageError

        raise UsageError("export.bad_format", fmt=fmt, formats=", ".join(FORMATS))
    table = to_arrow(data)
    if fmt == "table" and output is None:
        print_table(table, title=title, labels=labels)
        return
    if fmt == "table":
        fmt = output.suffix.lstrip(".").lower() if output and output.suffix else "csv"
        fmt = {"xls": "xlsx", "jsonl": "json", "pq": "parquet"}.get(fmt, fmt)
    if output is None:
        import sys

        if fmt in ("xlsx", "parquet"):
            from shopradar.errors import UsageError

            raise UsageError("export.needs_output", fmt=fmt)
        write_table(table, sys.stdout.buffer, fmt)
        sys.stdout.flush()
        return
    write_table(table, output, fmt)
    err_console.print(t("cli.wrote", rows=table.num_rows, path=str(output)))


def print_table(table: Any, *, title: str | None = None, labels: dict[str, str] | None = None,
                max_rows: int = 200) -> None:
    arrow = to_arrow(table)
    if arrow.num_rows == 0:
        console.print(t("cli.no_data"))
        return
    labels = labels or {}
    arrow, hidden = _fit_columns(arrow, labels, console.width)
    rt = RichTable(title=title, show_lines=False, header_style="bold")
    numeric = []
    for fld in arrow.schema:
        is_num = not (str(fld.type).startswith(("string", "large_string", "date", "timestamp", "bool")))
        numeric.append(is_num)
        rt.add_column(labels.get(fld.name, fld.name), justify="right" if is_num else "left",
                      overflow="fold")
    for row in arrow.slice(0, max_rows).to_pylist():
        rt.add_row(*[format_cell(v) for v in row.values()])
    console.print(rt)
    if arrow.num_rows > max_rows:
        console.print(f"… {arrow.num_rows - max_rows} more (use --format csv -o FILE)")
    if hidden:
        console.print(t("cli.more_columns", n=len(hidden), names=", ".join(hidden)))


def _fit_columns(arrow: Any, labels: dict[str, str], width: int) -> tuple[Any, list[str]]:
    """Keep the leading columns that fit the terminal; the rest are named, not squeezed unreadably."""
    used, keep = 4, []
    sample = arrow.slice(0, 50).to_pylist()
    for name in arrow.column_names:
        cells = [len(format_cell(r[name])) for r in sample] or [1]
        need = min(max(len(labels.get(name, name)), max(cells)), 24) + 3
        if keep and used + need > width:
            break
        keep.append(name)
        used += need
    hidden = [c for c in arrow.column_names if c not in keep]
    return (arrow.select(keep) if hidden else arrow), hidden


def format_cell(value: Any) -> str:
    from decimal import Decimal

    from rich.markup import escape

    if value is None:
        return "–"
    if isinstance(value, float):
        if value != value:
            return "–"
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return escape(str(value))
