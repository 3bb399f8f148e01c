"""``shopradar simulate``: a simulated market into the warehouse or Parquet files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer

from shopradar.cli.app import app, h
from shopradar.cli.common import DbOpt, LangOpt, console, open_warehouse, print_table, use_lang
from shopradar.errors import UsageError
from shopradar.i18n import t
from shopradar.sources.simulate.config import MAX_START, MIN_START


def _parse_start(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError("simulate.bad_start", start=text, low=str(MIN_START), high=str(MAX_START)) from None


def _parse_markets(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(m.strip().upper() for m in text.split(",") if m.strip())


@app.command("simulate", help=h("simulate.help"))
def simulate_cmd(
    preset: Annotated[str, typer.Option("--preset", help=h("simulate.opt.preset"))] = "demo",
    seed: Annotated[int | None, typer.Option("--seed", help=h("simulate.opt.seed"))] = None,
    markets: Annotated[str | None, typer.Option("--markets", help=h("simulate.opt.markets"))] = None,
    days: Annotated[int | None, typer.Option("--days", help=h("simulate.opt.days"))] = None,
    products: Annotated[int | None, typer.Option("--products", help=h("simulate.opt.products"))] = None,
    shops: Annotated[int | None, typer.Option("--shops", help=h("simulate.opt.shops"))] = None,
    categories: Annotated[int | None, typer.Option("--categories", help=h("simulate.opt.categories"))] = None,
    start: Annotated[str | None, typer.Option("--start", help=h("simulate.opt.start"))] = None,
    crawl_every: Annotated[int | None, typer.Option("--crawl-every", help=h("simulate.opt.crawl_every"))] = None,
    miss_rate: Annotated[float | None, typer.Option("--miss-rate", help=h("simulate.opt.miss_rate"))] = None,
    parquet: Annotated[Path | None, typer.Option("--parquet", help=h("simulate.opt.parquet"))] = None,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from shopradar.sources.simulate import preset as make_preset
    from shopradar.sources.simulate import simulate, simulate_to_parquet

    use_lang(lang)
    market_codes = _parse_markets(markets)
    if market_codes is not None and not market_codes:
        raise UsageError("simulate.no_markets")
    cfg = make_preset(preset, seed=seed, markets=market_codes, days=days, products=products, shops=shops,
                      categories=categories, start=_parse_start(start), crawl_every=crawl_every,
                      miss_rate=miss_rate)
    if shops is None and products is not None and cfg.shops > cfg.products:
        cfg = cfg.with_options(shops=max(1, cfg.products // 5))
    cfg = cfg.validated()  # before anything touches a file
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(step: str, done: int, total: int) -> None:
            key, _, market = step.partition(":")
            if step not in tasks:
                tasks[step] = bar.add_task(t(key, market=market), total=total)
            bar.update(tasks[step], completed=done, total=total)

        if parquet is not None:
            summary = simulate_to_parquet(cfg, parquet, progress=progress)
        else:
            with open_warehouse(db) as wh:
                summary = simulate(wh, cfg, progress=progress)
    rows = pa.table({t("simulate.col.table"): list(summary.rows), t("simulate.col.rows"): list(summary.rows.values())})
    print_table(rows)
    per_market = pa.table({
        t("simulate.col.market"): summary.markets,
        t("simulate.col.gmv"): [round(summary.gmv_usd[m]) for m in summary.markets],
        t("simulate.col.scale"): [summary.scale[m] for m in summary.markets],
        t("simulate.col.full"): [round(summary.gmv_usd[m] * summary.scale[m]) for m in summary.markets],
    })
    print_table(per_market)
    console.print(t("simulate.done", markets=",".join(summary.markets), start=summary.start, end=summary.end,
                    rows=f"{summary.total_rows:,}", seconds=summary.seconds, target=summary.target))
