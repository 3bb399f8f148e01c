"""``shopradar report``: write the self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopradar.cli.app import app, h
from shopradar.cli.common import DbOpt, LangOpt, err_console, open_warehouse, use_lang
from shopradar.i18n import t


@app.command("report", help=h("report.help"))
def report_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help=h("report.opt.output"))] = Path("report.html"),
    market: Annotated[str | None, typer.Option("--market", help=h("report.opt.market"))] = None,
    category: Annotated[str | None, typer.Option("--category", help=h("report.opt.category"))] = None,
    start: Annotated[str | None, typer.Option("--start", help=h("report.opt.start"))] = None,
    end: Annotated[str | None, typer.Option("--end", help=h("report.opt.end"))] = None,
    price_band: Annotated[str | None, typer.Option("--price-band", help=h("report.opt.price_band"))] = None,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    from shopradar.report import build_report

    code = use_lang(lang)
    with open_warehouse(db, create=False, read_only=True) as wh:
        path = build_report(wh, output, market=market, category=category, lang=code, start=start, end=end,
                            price_band=price_band)
    size = path.stat().st_size
    err_console.print(t("report.wrote", path=str(path), size=f"{size / 1024:,.0f} KB"), soft_wrap=True)
