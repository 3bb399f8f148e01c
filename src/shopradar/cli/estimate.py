"""``shopradar estimate``: sales per product and day from the snapshots' sold counters."""

from __future__ import annotations

from typing import Annotated

import pyarrow as pa
import typer

from shopradar.cli.app import app, h
from shopradar.cli.common import DbOpt, FormatOpt, LangOpt, OutputOpt, console, emit, open_warehouse, use_lang
from shopradar.i18n import t


@app.command("estimate", help=h("estimate.help"))
def estimate_cmd(
    product: Annotated[list[str] | None, typer.Option("--product", "-p", help=h("estimate.opt.product"))] = None,
    full: Annotated[bool, typer.Option("--full", help=h("estimate.opt.full"))] = False,
    db: DbOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from shopradar.estimate import estimate

    use_lang(lang)
    with open_warehouse(db, create=False) as wh, Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                                          console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=t(step))

        s = estimate(wh, products=product or None, full=full, progress=progress)
    console.print(t("estimate.done", products=s.products, days=s.days_written, read=s.snapshots_read,
                    used=s.snapshots_used, seconds=f"{s.seconds:.1f}",
                    mode=t("estimate.mode.full") if s.full else t("estimate.mode.incremental")))
    if s.issues:
        table = pa.table({t("estimate.col.flag"): list(s.issues),
                          t("estimate.col.meaning"): [t(f"estimate.flag.{f}") for f in s.issues],
                          t("estimate.col.rows"): list(s.issues.values())})
        emit(table, fmt, output, title=t("estimate.title.issues"))
