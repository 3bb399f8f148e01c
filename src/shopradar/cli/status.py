"""``shopradar status``."""

from __future__ import annotations

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
    print_table(rep.markets, title=t("status.title.markets"))
    print_table(rep.runs, title=t("status.title.runs"))
    if rep.quarantine.num_rows:
        print_table(rep.quarantine, title=t("status.title.quarantine"))
    if rep.snapshot_issues.num_rows:
        print_table(rep.snapshot_issues, title=t("status.title.flags"))
