"""``shopradar status``."""

from __future__ import annotations

import pyarrow as pa
from rich.table import Table as RichTable

from shopradar.cli.app import app, h
from shopradar.cli.common import DbOpt, LangOpt, console, format_cell, print_table, use_lang
from shopradar.i18n import t
from shopradar.status import status as build_status


@app.command("status", help=h("status.help"))
def status_cmd(db: DbOpt = None, lang: LangOpt = None) -> None:
    use_lang(lang)
    rep = build_status(db)
    console.print(t("status.path", path=rep.path, version=rep.schema_version))
    if rep.empty:
        console.print(t("status.empty"))
        return
    tables = RichTable(title=t("status.title.tables"))
    tables.add_column(t("status.col.table"))
    tables.add_column(t("status.col.rows"), justify="right")
    for name, n in rep.counts.items():
        if name != "schema_version":
            tables.add_row(name, format_cell(n))
    console.print(tables)
    print_table(rep.markets, title=t("status.title.markets"), labels=_labels(rep.markets))
    runs = rep.runs.set_column(rep.runs.schema.get_field_index("source"), "source",
                               pa.array([_short(s) for s in rep.runs.column("source").to_pylist()], pa.string()))
    print_table(runs, title=t("status.title.runs"), labels=_labels(runs))
    if rep.quarantine.num_rows:
        print_table(rep.quarantine, title=t("status.title.quarantine"), labels=_labels(rep.quarantine))
    if rep.snapshot_issues.num_rows:
        print_table(rep.snapshot_issues, title=t("status.title.flags"), labels=_labels(rep.snapshot_issues))


def _labels(table: pa.Table) -> dict[str, str]:
    return {name: t(f"status.col.{name}") for name in table.column_names}


def _short(text: str | None, width: int = 48) -> str:
    if not text:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"
