"""``build_report``: one self-contained HTML file with every section, in English or Chinese."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shopradar.errors import DataError, UsageError
from shopradar.i18n import normalize_lang, t
from shopradar.report.filters import Catalog, Filters, parse_filters
from shopradar.report.render import SECTIONS, Ctx, build_sections, css, render
from shopradar.warehouse import Warehouse


def selection_labels(catalog: Catalog, f: Filters, lang: str) -> list[tuple[str, str]]:
    """(label, value) pairs describing a selection, for page headers."""
    def tr(key: str, **p: Any) -> str:
        return t(key, lang=lang, **p)

    first = f.start or catalog.first
    last = f.end or catalog.last
    cat = catalog.categories.get(f.category) if f.category else None
    return [
        (tr("report.sel.market"), catalog.market_name(f.market, lang) if f.market else tr("report.all_markets")),
        (tr("report.sel.category"), cat.name(lang) if cat else tr("report.all_categories")),
        (tr("report.sel.period"), f"{first.isoformat() if first else '–'} – {last.isoformat() if last else '–'}"),
        (tr("report.sel.price_band"), f"${f.price_band}" if f.price_band else tr("report.all_bands")),
        (tr("report.sel.currency"), "USD"),
    ]


def render_report(wh: Warehouse, f: Filters, lang: str = "en", catalog: Catalog | None = None) -> str:
    """The report's HTML for an open warehouse and a validated selection."""
    from shopradar import __version__

    lang = normalize_lang(lang)
    catalog = catalog or Catalog(wh)
    ctx = Ctx(wh=wh, catalog=catalog, filters=f, lang=lang, mode="report")
    sections = build_sections(ctx, SECTIONS)
    data = {"filters": f.as_params(), "lang": lang,
            "tables": {name: _jsonable(tbl.to_pylist()) for name, tbl in ctx.cache.items()}}
    now = datetime.now(UTC).replace(tzinfo=None)
    return render("report.html", lang=lang, title=t("report.title", lang=lang), version=__version__,
                  css=css(), sections=sections, selection=selection_labels(catalog, f, lang),
                  generated=t("report.generated", lang=lang, at=now.strftime("%Y-%m-%d %H:%M UTC")),
                  tr=ctx.tr, data=data)


def _jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from decimal import Decimal

    out = []
    for r in rows:
        out.append({k: (str(v) if isinstance(v, Decimal) else (round(v, 6) if isinstance(v, float) else v))
                    for k, v in r.items()})
    return out


def build_report(wh: Warehouse, path: str | os.PathLike[str], market: str | None = None,
                 category: str | None = None, lang: str = "en", *, start: str | None = None,
                 end: str | None = None, price_band: str | None = None) -> Path:
    """Write the HTML report for a selection to ``path``; returns the path written.

    Filter values are validated against the warehouse (unknown market or category → UsageError).
    Raises DataError when the warehouse holds no sales estimates at all.
    """
    catalog = Catalog(wh)
    f = parse_filters(catalog, {"market": market, "category": category, "start": start, "end": end,
                                "price_band": price_band})
    if catalog.first is None:
        raise DataError("report.no_estimates")
    out = Path(path)
    if out.is_dir():
        raise UsageError("report.out_is_dir", path=str(out))
    if not out.parent.exists():
        raise UsageError("report.no_folder", path=str(out), folder=str(out.parent))
    html = render_report(wh, f, lang, catalog)
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError("report.cannot_write", path=str(out), error=exc.strerror or str(exc)) from None
    return out
