"""``shopradar check``: compliance findings for a text, a file of texts or the warehouse catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

_COLUMNS = ("text_id", "severity", "rule_id", "family", "start", "end", "match", "excerpt", "markets", "title",
            "fix", "basis", "more")
_TABLE_COLUMNS = ("text_id", "severity", "rule_id", "match", "markets", "title", "fix")


@app.command("check", help=h("compliance.help"))
def check_cmd(
    file: Annotated[Path | None, typer.Argument(help=h("compliance.opt.file"), show_default=False)] = None,
    text: Annotated[str | None, typer.Option("--text", "-t", help=h("compliance.opt.text"))] = None,
    catalog: Annotated[bool, typer.Option("--catalog", help=h("compliance.opt.catalog"))] = False,
    market: Annotated[list[str] | None, typer.Option("--market", "-m", help=h("compliance.opt.market"))] = None,
    text_lang: Annotated[str | None, typer.Option("--text-lang", help=h("compliance.opt.text_lang"))] = None,
    column: Annotated[str | None, typer.Option("--column", "-c", help=h("compliance.opt.column"))] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help=h("compliance.opt.id_column"))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=h("compliance.opt.sheet"))] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help=h("compliance.opt.encoding"))] = None,
    category: Annotated[str | None, typer.Option("--category", help=h("compliance.opt.category"))] = None,
    packs: Annotated[list[Path] | None, typer.Option("--packs", help=h("compliance.opt.packs"))] = None,
    min_severity: Annotated[str, typer.Option("--min-severity", help=h("compliance.opt.min_severity"))] = "info",
    list_rules: Annotated[bool, typer.Option("--list-rules", help=h("compliance.opt.list_rules"))] = False,
    fmt: FormatOpt = "table",
    output: OutputOpt = None,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> int:
    from shopradar.compliance import check_catalog, check_file, get_checker, load_packs
    from shopradar.compliance.catalog import CheckReport
    from shopradar.compliance.model import SEVERITY_RANK

    code = use_lang(lang)
    if min_severity not in SEVERITY_RANK:
        raise UsageError("compliance.bad_severity", severity=min_severity)
    ruleset = load_packs([str(p) for p in packs] if packs else None)
    if list_rules:
        rows = [{"rule_id": r.id, "family": r.family, "severity": r.severity, "lang": r.lang,
                 "markets": ",".join(m for m in _market_order() if m in r.markets), "title": r.title[code],
                 "source": r.source} for r in ruleset.rules]
        emit(_table(rows), fmt, output, title=t("compliance.title.rules", n=len(rows)))
        return 0
    sources = sum(x for x in (file is not None, text is not None, catalog))
    if sources != 1:
        raise UsageError("compliance.need_input")
    markets = list(market) if market else None
    if text is not None:
        if text == "-":
            import sys

            from shopradar.compliance.readers import decode

            text = decode(sys.stdin.buffer.read(), "stdin", encoding)
        if not text.strip():
            raise UsageError("compliance.empty_text")
        checker = get_checker(ruleset)
        report = CheckReport(findings=checker.check(text, text_id="text", markets=markets, context=category,
                                                    text_lang=text_lang), checked=1)
    elif file is not None:
        report = check_file(file, column=column, id_column=id_column, sheet=sheet, encoding=encoding,
                            markets=markets, context=category, text_lang=text_lang, packs=ruleset)
        if report.checked == 0:
            raise UsageError("compliance.no_texts", path=str(file), empty=report.empty)
    else:
        wh = open_warehouse(db, create=False, read_only=True)
        try:
            report = check_catalog(wh, markets=markets, packs=ruleset, text_lang=text_lang)
        finally:
            wh.close()
    limit = SEVERITY_RANK[min_severity]
    findings = [f for f in report.findings if SEVERITY_RANK[f.severity] <= limit]
    rows = [f.row(code) for f in findings]
    if fmt == "table" and output is None:
        rows = [{k: r[k] for k in _TABLE_COLUMNS} for r in rows]
    labels = {k: t(f"compliance.col.{k}") for k in _COLUMNS}
    if rows:
        emit(_table(rows), fmt, output, title=t("compliance.title.findings"), labels=labels)
    elif fmt == "table" and output is None:
        console.print(t("compliance.none"))
    else:
        emit(_empty_table(), fmt, output)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITY_RANK}
    err_console.print(t("compliance.summary", texts=report.checked, empty=report.empty, findings=len(findings),
                        block=counts["block"], warn=counts["warn"], info=counts["info"],
                        flagged=len({f.text_id for f in findings})))
    return 1 if counts["block"] else 0


def _table(rows: list[dict]):
    import pyarrow as pa

    return pa.Table.from_pylist(rows)


def _market_order() -> tuple[str, ...]:
    from shopradar.compliance.model import ALL_MARKETS

    return ALL_MARKETS


def _empty_table():  # an empty table with the finding columns, so exports always have a header
    import pyarrow as pa

    return pa.table({k: pa.array([], type=pa.int64() if k in ("start", "end", "more") else pa.string())
                     for k in _COLUMNS})
