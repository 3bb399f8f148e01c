"""``shopradar ingest``, ``shopradar profiles``, ``shopradar quarantine``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer
from rich.markup import escape

from shopradar.cli.app import app, h
from shopradar.cli.common import (
    DbOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    console,
    emit,
    err_console,
    open_warehouse,
    print_table,
    use_lang,
)
from shopradar.i18n import t

ProfileDirOpt = Annotated[list[Path] | None, typer.Option("--profiles", help=h("ingest.opt.profile_dir"))]


@app.command("ingest", help=h("ingest.help"))
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help=h("ingest.opt.paths"))],
    profile: Annotated[str | None, typer.Option("--profile", "-p", help=h("ingest.opt.profile"))] = None,
    market: Annotated[str | None, typer.Option("--market", "-m", help=h("ingest.opt.market"))] = None,
    profile_dirs: ProfileDirOpt = None,
    memory_limit: Annotated[str | None, typer.Option("--memory-limit", help=h("ingest.opt.memory_limit"))] = None,
    db: DbOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
) -> None:
    import re

    from rich.progress import Progress, SpinnerColumn, TextColumn

    from shopradar.errors import UsageError
    from shopradar.ingest import ingest
    from shopradar.warehouse import Warehouse

    use_lang(lang)
    if memory_limit is not None and not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B)?", memory_limit.strip(), re.I):
        raise UsageError("ingest.bad_memory_limit", value=memory_limit)
    opened = open_warehouse(db) if memory_limit is None else Warehouse.open(db, memory_limit=memory_limit.strip())
    with opened as wh, Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                            console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{step}: {done:,}")

        results = ingest(wh, paths, profile=profile, market=market, progress=progress, profile_dirs=profile_dirs)
    table = pa.table({
        t("ingest.col.file"): [r.path for r in results],
        t("ingest.col.profile"): [r.profile or "" for r in results],
        t("ingest.col.status"): [r.status for r in results],
        t("ingest.col.rows_in"): [r.rows_in for r in results],
        t("ingest.col.loaded"): [r.loaded for r in results],
        t("ingest.col.duplicates"): [r.duplicates for r in results],
        t("ingest.col.quarantined"): [r.quarantined for r in results],
        t("ingest.col.message"): [r.message for r in results],
    })
    emit(table, fmt, output, title=t("ingest.title.results"))
    for r in results:
        if r.status == "failed":
            err_console.print(f"[bold red]{t('cli.error')}:[/] {escape(r.message)}", soft_wrap=True)
    failed = sum(r.status == "failed" for r in results)
    console.print(t("ingest.total", files=len(results), rows_in=sum(r.rows_in for r in results),
                    loaded=sum(r.loaded for r in results), duplicates=sum(r.duplicates for r in results),
                    quarantined=sum(r.quarantined for r in results), failed=failed,
                    skipped=sum(r.status == "skipped" for r in results)))
    if failed:
        raise typer.Exit(1)


@app.command("profiles", help=h("ingest.profiles.help"))
def profiles_cmd(profile_dirs: ProfileDirOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table",
                 output: OutputOpt = None) -> None:
    from shopradar.ingest import list_profiles

    code = use_lang(lang)
    infos = list_profiles(profile_dirs, lang=code)
    table = pa.table({
        t("ingest.col.name"): [p.name for p in infos],
        t("ingest.col.title"): [p.title for p in infos],
        t("ingest.col.tables"): [", ".join(p.tables) for p in infos],
        t("ingest.col.formats"): [", ".join(p.formats) for p in infos],
        t("ingest.col.origin"): [t("ingest.origin.builtin") if p.builtin else p.path for p in infos],
    })
    emit(table, fmt, output, title=t("ingest.title.profiles"))


@app.command("quarantine", help=h("ingest.quarantine.help"))
def quarantine_cmd(
    source: Annotated[str | None, typer.Option("--source", help=h("ingest.opt.source"))] = None,
    run: Annotated[str | None, typer.Option("--run", help=h("ingest.opt.run"))] = None,
    reason: Annotated[str | None, typer.Option("--reason", help=h("ingest.opt.reason"))] = None,
    limit: Annotated[int | None, typer.Option("--limit", help=h("ingest.opt.limit"))] = None,
    db: DbOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
) -> None:
    from shopradar.ingest import quarantine_rows

    use_lang(lang)
    with open_warehouse(db, create=False, read_only=True) as wh:
        rows = quarantine_rows(wh, source=source, run_id=run, reason_code=reason, limit=limit)
    if rows.num_rows == 0 and fmt == "table" and output is None:
        console.print(t("ingest.quarantine.empty"))
        return
    if fmt == "table" and output is None:
        print_table(rows.select(["source", "line", "target_table", "reason_code", "reason", "record"]),
                    title=t("ingest.title.quarantine"))
        return
    emit(rows, fmt, output)
