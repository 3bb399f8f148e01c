"""``shopradar opportunities | niche | size | margin``: thin commands over :mod:`shopradar.insights`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

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
    open_warehouse,
    print_table,
    use_lang,
)
from shopradar.errors import UsageError
from shopradar.i18n import t

StartOpt = Annotated[str | None, typer.Option("--start", help=h("insights.opt.start"))]
EndOpt = Annotated[str | None, typer.Option("--end", help=h("insights.opt.end"))]
SourceOpt = Annotated[str, typer.Option("--source", help=h("insights.opt.source"))]


def _date(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError("insights.cli.bad_date", flag=flag, value=value) from None


def _money(value: object, currency: str) -> str:
    from shopradar.insights.size import _money as money

    return money(value, currency)  # type: ignore[arg-type]


def _labels(columns: list[str]) -> dict[str, str]:
    """Column headers in the current language (``insights.col.<name>``; the name itself when absent)."""
    out = {}
    for c in columns:
        key = f"insights.col.{c}"
        text = t(key)
        out[c] = c if text == key else text
    return out


def _split(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [p.strip() for p in value.replace("→", ",").replace(">", ",").split(",") if p.strip()]


@app.command("size", help=h("insights.size.help"))
def size_cmd(
    market: Annotated[str, typer.Option("--market", "-m", help=h("insights.size.opt.market"))],
    reference: Annotated[str, typer.Option("--reference", help=h("insights.size.opt.reference"))] = "CN",
    figures: Annotated[Path | None, typer.Option("--figures", help=h("insights.size.opt.figures"))] = None,
    shelf_gmv: Annotated[str | None, typer.Option("--shelf-gmv", help=h("insights.size.opt.shelf"))] = None,
    current_gmv: Annotated[str | None, typer.Option("--current-gmv", help=h("insights.size.opt.current"))] = None,
    ratio: Annotated[str | None, typer.Option("--ratio", help=h("insights.size.opt.ratio"))] = None,
    computed_ratio: Annotated[bool, typer.Option("--computed-ratio", help=h("insights.size.opt.computed"))] = False,
    from_warehouse: Annotated[bool, typer.Option("--from-warehouse", help=h("insights.size.opt.warehouse"))] = False,
    currency: Annotated[str | None, typer.Option("--currency", help=h("insights.size.opt.currency"))] = None,
    part: Annotated[str, typer.Option("--table", help=h("insights.size.opt.table"))] = "scenarios",
    db: DbOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
) -> None:
    from shopradar.insights import size

    code = use_lang(lang)
    if part not in ("scenarios", "inputs", "sensitivity"):
        raise UsageError("insights.cli.bad_part", value=part)
    wh = open_warehouse(db, create=False, read_only=True) if from_warehouse else None
    try:
        res = size(market, reference, current_gmv=current_gmv, shelf_gmv=shelf_gmv, ratio=ratio, figures=figures,
                   computed_ratio=computed_ratio, wh=wh, currency=currency)
    finally:
        if wh is not None:
            wh.close()
    if fmt != "table" or output is not None:
        emit(getattr(res, part), fmt, output)
        return
    console.print(res.summary(code))
    inputs = [{"input": r["input"],
               "value": f"{float(r['value']):.2%}" if r["input"] == "ratio" else _money(r["value"], r["currency"]),
               "year": "" if r["year"] is None else str(r["year"]), "source": r["source"]}
              for r in res.inputs.to_pylist()]
    print_table(pa.Table.from_pylist(inputs), title=t("insights.size.title.inputs"))
    scen = [{"scenario": r["scenario"], "ratio": f"{r['ratio']:.1%}",
             "potential": _money(r["potential_gmv"], r["currency"]), "multiple": f"{r['headroom_multiple']:.1f}×",
             "reason": r[f"reason_{code}"]} for r in res.scenarios.to_pylist()]
    print_table(pa.Table.from_pylist(scen), title=t("insights.size.title.scenarios"))
    sens = [{"input": r["input"], "change": f"{r['change']:+.0%}", "potential": _money(r["potential_gmv"],
                                                                                      r["currency"]),
             "multiple": f"{r['headroom_multiple']:.1f}×"} for r in res.sensitivity.to_pylist()]
    print_table(pa.Table.from_pylist(sens), title=t("insights.size.title.sensitivity"))
    for note in res.notes:
        console.print(f"• {note}", soft_wrap=True)


@app.command("margin", help=h("insights.margin.help"))
def margin_cmd(
    market: Annotated[str, typer.Option("--market", "-m", help=h("insights.margin.opt.market"))],
    price: Annotated[str | None, typer.Option("--price", help=h("insights.margin.opt.price"))] = None,
    cost: Annotated[str | None, typer.Option("--cost", help=h("insights.margin.opt.cost"))] = None,
    fulfillment: Annotated[str, typer.Option("--fulfillment", help=h("insights.margin.opt.fulfillment"))
                           ] = "local_warehouse",
    sets: Annotated[list[str] | None, typer.Option("--set", help=h("insights.margin.opt.set"))] = None,
    fees: Annotated[Path | None, typer.Option("--fees", help=h("insights.margin.opt.fees"))] = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help=h("insights.margin.opt.category"))
                        ] = None,
    db: DbOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
) -> None:
    from shopradar.insights import landed_margin
    from shopradar.insights.margin import niche_price, parse_overrides

    code = use_lang(lang)
    if price is None and category is None:
        raise UsageError("insights.cli.need_price")
    if price is None:
        with open_warehouse(db, create=False, read_only=True) as wh:
            price = str(niche_price(wh, market, category))
        console.print(t("insights.margin.niche_price", category=category, price=price))
    res = landed_margin(price, market, sourcing_cost=cost, fulfillment=fulfillment, overrides=parse_overrides(sets),
                        fees=fees)
    if fmt != "table" or output is not None:
        emit(res.lines, fmt, output)
        return
    console.print(res.summary(code))
    print_table(res.lines)


@app.command("niche", help=h("insights.niche.help"))
def niche_cmd(
    market: Annotated[str, typer.Option("--market", "-m", help=h("insights.size.opt.market"))],
    category: Annotated[str | None, typer.Option("--category", "-c", help=h("insights.niche.opt.category"))] = None,
    path: Annotated[str | None, typer.Option("--path", "-p", help=h("insights.niche.opt.path"))] = None,
    days: Annotated[int, typer.Option("--days", help=h("insights.niche.opt.days"))] = 90,
    start: StartOpt = None, end: EndOpt = None,
    min_products: Annotated[int, typer.Option("--min-products", help=h("insights.niche.opt.min_products"))] = 5,
    min_shops: Annotated[int, typer.Option("--min-shops", help=h("insights.niche.opt.min_shops"))] = 3,
    broad_share: Annotated[float, typer.Option("--broad-share", help=h("insights.niche.opt.broad"))] = 0.2,
    source: SourceOpt = "estimate",
    db: DbOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
) -> None:
    from shopradar.insights import niche

    use_lang(lang)
    if days < 1:
        raise UsageError("insights.cli.bad_days", days=days)
    with open_warehouse(db, create=False, read_only=True) as wh:
        table = niche(wh, market, category, _split(path), start=_date(start, "--start"), end=_date(end, "--end"),
                      days=days, min_products=min_products, min_shops=min_shops, broad_share=broad_share,
                      source=source)
    if fmt != "table" or output is not None:
        emit(table, fmt, output)
        return
    rows = table.to_pylist()
    first = rows[0]
    shown = table.select(["level", "path", "gmv_usd", "units", "active_products", "active_shops",
                          "gmv_per_product", "share_of_category", "thin", "matched_level", "broad"])
    print_table(shown, labels=_labels(shown.column_names), title=t("insights.niche.title", market=first["market"],
                               category=first["category_name"] or first["category"] or "*",
                               start=str(first["start"]), end=str(first["end"])))
    thin = [r for r in rows if r["thin"]]
    if thin:
        console.print(t("insights.niche.thin_note", count=len(thin), products=min_products, shops=min_shops),
                      soft_wrap=True)
    broad = [r["path"] for r in rows if r["broad"]]
    if broad:
        console.print(t("insights.niche.broad_note", paths="; ".join(broad[:8])), soft_wrap=True)


@app.command("opportunities", help=h("insights.opp.help"))
def opportunities_cmd(
    market: Annotated[str | None, typer.Option("--market", "-m", help=h("insights.size.opt.market"))] = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help=h("insights.niche.opt.category"))] = None,
    level: Annotated[int | None, typer.Option("--level", help=h("insights.opp.opt.level"))] = None,
    path: Annotated[str | None, typer.Option("--path", "-p", help=h("insights.opp.opt.path"))] = None,
    weights: Annotated[Path | None, typer.Option("--weights", help=h("insights.opp.opt.weights"))] = None,
    by: Annotated[str, typer.Option("--by", help=h("insights.opp.opt.by"))] = "gmv",
    window: Annotated[int, typer.Option("--window", help=h("insights.opp.opt.window"))] = 90,
    min_products: Annotated[int, typer.Option("--min-products", help=h("insights.opp.opt.min_products"))] = 3,
    threshold: Annotated[float, typer.Option("--entrant-threshold", help=h("insights.opp.opt.threshold"))] = 1000.0,
    fees: Annotated[Path | None, typer.Option("--fees", help=h("insights.margin.opt.fees"))] = None,
    limit: Annotated[int, typer.Option("--top", "-n", help=h("insights.opp.opt.limit"))] = 20,
    end: Annotated[str | None, typer.Option("--end", help=h("insights.opp.opt.end"))] = None,
    source: SourceOpt = "estimate",
    db: DbOpt = None, lang: LangOpt = None, fmt: FormatOpt = "table", output: OutputOpt = None,
) -> None:
    from shopradar.insights import opportunities

    code = use_lang(lang)
    if limit < 1:
        raise UsageError("insights.cli.bad_days", days=limit)
    with open_warehouse(db, create=False, read_only=True) as wh:
        table = opportunities(wh, market, category, weights, level=level, path=_split(path),
                              end=_date(end, "--end"), window_days=window, by=by, min_products=min_products,
                              entrant_threshold=threshold, source=source, fees=fees, limit=limit)
    if fmt != "table" or output is not None:
        emit(table, fmt, output)
        return
    rows = table.to_pylist()
    shown = [{"#": r["rank"], "market": r["market"],
              "category": r["category_name_zh" if code == "zh" else "category_name"], "band": r["band"],
              "score": round(r["score"], 1),
              **{c: None if r[f"s_{c}"] is None else round(r[f"s_{c}"], 2) for c in _COMPONENTS}}
             for r in rows]
    print_table(pa.Table.from_pylist(shown), title=t("insights.opp.title", start=str(rows[0]["window_start"]),
                                                      end=str(rows[0]["window_end"])),
                labels=_labels(list(shown[0])))
    console.print(t("insights.opp.reasons"))
    for r in rows[:10]:
        console.print(f"  {r[f'explanation_{code}']}", soft_wrap=True, highlight=False)


_COMPONENTS = ("demand", "growth", "supply_tightness", "concentration", "entrant_success", "content_fit",
               "price_gap", "season", "compliance")
