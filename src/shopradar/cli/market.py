"""``shopradar market``, ``top``, ``prices``, ``channels`` and ``cube build|refresh``: the market cube."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import pyarrow as pa
import typer

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
    use_lang,
)
from shopradar.errors import UsageError
from shopradar.i18n import t

MarketOpt = Annotated[str | None, typer.Option("--market", "-m", help=h("cube.opt.market"))]
CategoryOpt = Annotated[str | None, typer.Option("--category", "-c", help=h("cube.opt.category"))]
LevelOpt = Annotated[int | None, typer.Option("--level", "-l", help=h("cube.opt.level"))]
PeriodOpt = Annotated[str, typer.Option("--period", "-p", help=h("cube.opt.period"))]
FromOpt = Annotated[str | None, typer.Option("--from", help=h("cube.opt.from"))]
ToOpt = Annotated[str | None, typer.Option("--to", help=h("cube.opt.to"))]
BandOpt = Annotated[str | None, typer.Option("--band", help=h("cube.opt.band"))]
AllOpt = Annotated[bool, typer.Option("--all", help=h("cube.opt.all"))]
UpoOpt = Annotated[float | None, typer.Option("--units-per-order", help=h("cube.opt.units_per_order"))]

cube_app = typer.Typer(help=h("cube.help"), no_args_is_help=True)
app.add_typer(cube_app, name="cube")

# columns shown in the terminal (files get every column)
_SHOW = {
    "market": ["market", "category", "period_start", "gmv_local", "gmv_usd", "units", "aov", "growth_pop",
               "growth_yoy", "seasonality", "shops", "products", "new_products_share", "cr5_shops", "hhi_shops",
               "acceleration"],
    "own": ["shop_name", "category", "period_start", "gmv_local", "orders", "aov", "share", "market_gmv",
            "market_aov", "growth_pop", "market_growth_pop"],
    "shops": ["category", "rank", "shop_name", "is_own", "gmv_local", "gmv_usd", "share", "units", "aov",
              "avg_price", "video_share", "live_share", "card_share", "products", "growth"],
    "products": ["category", "rank", "title", "shop_name", "gmv_local", "share", "units", "avg_price",
                 "video_share", "live_share", "card_share", "growth", "acceleration"],
    "creators": ["category", "rank", "handle", "creator_type", "followers", "gmv_local", "share", "units",
                 "videos", "lives", "products", "growth"],
    "prices": ["category", "band", "price_min", "price_max", "gmv_local", "gmv_share", "units", "products",
               "product_share", "gmv_per_product", "demand_supply"],
    "channels": ["category", "period_start", "video_share", "live_share", "card_share", "affiliate_share",
                 "own_account_share", "creators", "videos", "lives", "creators_per_product",
                 "creators_per_1k_units", "top_video_share"],
}


def _date(value: str | None) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError("cube.bad_date", value=value) from None


def _filter(market: str | None, category: str | None, level: int | None, period: str, from_: str | None,
            to: str | None, band: str | None = None) -> Any:
    from shopradar.cube import CubeFilter
    from shopradar.cube.periods import check_period

    f = CubeFilter(market=market, category=category, level=level, period=check_period(period),
                   date_from=_date(from_), date_to=_date(to), price_band=band)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise UsageError("cube.from_after_to", date_from=f.date_from.isoformat(), date_to=f.date_to.isoformat())
    return f


def _out(table: pa.Table, view: str, fmt: str, output: Path | None, title: str, show_all: bool, f: Any) -> None:
    if table.num_rows == 0:
        msg = t("cube.no_data", market=f.market or "*", start=f.date_from or "…", end=f.date_to or "…")
        if fmt == "table" and output is None:
            console.print(msg)
            return
        err_console.print(msg)
    if fmt == "table" and output is None and not show_all:
        cols = [c for c in _SHOW[view] if c in table.column_names]
        table = table.select(cols)
    emit(table, fmt, output, title=title)


@app.command("market", help=h("cube.market.help"))
def market_cmd(market: MarketOpt = None, category: CategoryOpt = None, level: LevelOpt = None,
               period: PeriodOpt = "month", from_: FromOpt = None, to: ToOpt = None,
               own: Annotated[bool, typer.Option("--own", help=h("cube.opt.own"))] = False,
               units_per_order: UpoOpt = None, show_all: AllOpt = False, fmt: FormatOpt = "table",
               output: OutputOpt = None,
               db: DbOpt = None, lang: LangOpt = None) -> None:
    code = use_lang(lang)
    from shopradar.cube.orders import check_units_per_order

    upo = check_units_per_order(units_per_order)
    f = _filter(market, category, level, period, from_, to)
    with open_warehouse(db, create=False, read_only=True) as wh:
        if own:
            from shopradar.cube.own import own_shop_view

            table = own_shop_view(wh, f, lang=code, units_per_order=upo)
            _out(table, "own", fmt, output, t("cube.title.own"), show_all, f)
            return
        from shopradar.cube import market_view

        table = market_view(wh, f, lang=code, units_per_order=upo)
    _out(table, "market", fmt, output, t("cube.title.market", period=f.period), show_all, f)


@app.command("top", help=h("cube.top.help"))
def top_cmd(what: Annotated[str, typer.Argument(help="shops | products | creators")],
            market: MarketOpt = None, category: CategoryOpt = None, level: LevelOpt = None,
            period: PeriodOpt = "month", from_: FromOpt = None, to: ToOpt = None, band: BandOpt = None,
            n: Annotated[int, typer.Option("--top", "-n", help=h("cube.opt.top"))] = 10,
            units_per_order: UpoOpt = None, show_all: AllOpt = False, fmt: FormatOpt = "table",
            output: OutputOpt = None,
            db: DbOpt = None, lang: LangOpt = None) -> None:
    code = use_lang(lang)
    from shopradar.cube.orders import check_units_per_order
    from shopradar.cube.top import check_entity, top_view

    what = check_entity(what)
    upo = check_units_per_order(units_per_order)
    f = _filter(market, category, level, period, from_, to, band)
    with open_warehouse(db, create=False, read_only=True) as wh:
        table = top_view(wh, what, f, n=n, lang=code, **({} if what == "creators" else {"units_per_order": upo}))
    _out(table, what, fmt, output, t("cube.title.top", what=what), show_all, f)


@app.command("prices", help=h("cube.prices.help"))
def prices_cmd(market: MarketOpt = None, category: CategoryOpt = None, level: LevelOpt = None,
               period: PeriodOpt = "month", from_: FromOpt = None, to: ToOpt = None, band: BandOpt = None,
               bands: Annotated[str, typer.Option("--bands", help=h("cube.opt.bands"))] = "fixed",
               show_all: AllOpt = False, fmt: FormatOpt = "table", output: OutputOpt = None,
               db: DbOpt = None, lang: LangOpt = None) -> None:
    code = use_lang(lang)
    from shopradar.cube.bands import check_mode
    from shopradar.cube.prices import prices_view

    mode = check_mode(bands)
    f = _filter(market, category, level, period, from_, to, band)
    with open_warehouse(db, create=False, read_only=True) as wh:
        table = prices_view(wh, f, mode=mode, lang=code)
    _out(table, "prices", fmt, output, t("cube.title.prices", mode=mode), show_all, f)


@app.command("channels", help=h("cube.channels.help"))
def channels_cmd(market: MarketOpt = None, category: CategoryOpt = None, level: LevelOpt = None,
                 period: PeriodOpt = "month", from_: FromOpt = None, to: ToOpt = None,
                 show_all: AllOpt = False, fmt: FormatOpt = "table", output: OutputOpt = None,
                 db: DbOpt = None, lang: LangOpt = None) -> None:
    code = use_lang(lang)
    from shopradar.cube.channels import channels_view

    f = _filter(market, category, level, period, from_, to)
    with open_warehouse(db, create=False, read_only=True) as wh:
        table = channels_view(wh, f, lang=code)
    _out(table, "channels", fmt, output, t("cube.title.channels"), show_all, f)


def _report(rep: Any) -> None:
    console.print(t("cube.built", mode=rep.mode, days=rep.days_added, changed=rep.days_changed,
                    removed=rep.days_removed, products=rep.product_rows, categories=rep.category_rows,
                    seconds=f"{rep.seconds:.1f}"))


@cube_app.command("build", help=h("cube.build.help"))
def cube_build_cmd(db: DbOpt = None, lang: LangOpt = None) -> None:
    use_lang(lang)
    from shopradar.cube import build_cube

    with open_warehouse(db, create=False) as wh:
        _report(build_cube(wh))


@cube_app.command("refresh", help=h("cube.refresh.help"))
def cube_refresh_cmd(db: DbOpt = None, lang: LangOpt = None) -> None:
    use_lang(lang)
    from shopradar.cube import refresh_cube

    with open_warehouse(db, create=False) as wh:
        _report(refresh_cube(wh))
