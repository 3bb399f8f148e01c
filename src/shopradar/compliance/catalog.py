"""Check the product catalog in the warehouse (``product.title``), each product against its own market."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from shopradar.compliance.checker import get_checker
from shopradar.compliance.model import ALL_MARKETS, Finding, expand_markets
from shopradar.compliance.packs import RuleSet
from shopradar.errors import DataError, UsageError

__all__ = ["CheckReport", "check_catalog"]


@dataclass
class CheckReport:
    """Findings plus the counts that show nothing was skipped silently."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0          # texts checked
    empty: int = 0            # texts that were empty or missing (nothing to check)

    @property
    def blocked(self) -> int:
        return len({f.text_id for f in self.findings if f.severity == "block"})

    @property
    def flagged(self) -> int:
        return len({f.text_id for f in self.findings})


def check_catalog(wh: Any, *, markets: Iterable[str] | None = None, packs: RuleSet | Iterable[str] | None = None,
                  text_lang: str | None = None, limit: int | None = None,
                  progress: Callable[[str, int, int | None], None] | None = None) -> CheckReport:
    """Check every product title in the warehouse (table ``product``) against the rules of its market.

    The category name (table ``category``, when present) is the context, so a ham in "Food > Cured meats" is
    not a medical claim. ``markets`` limits the products checked to those markets.
    """
    import ibis

    try:
        codes = frozenset(expand_markets(list(markets) if markets else None))
    except ValueError as exc:
        raise UsageError("compliance.bad_market", market=exc.args[0], markets=", ".join(ALL_MARKETS)) from None
    if "product" not in wh.tables():
        raise DataError("compliance.no_products")
    product = wh.table("product")
    expr = product.select("product_id", "market", "category_id", "title")
    if "category" in wh.tables():
        cat = wh.table("category").select(cat_id="category_id", category_name="name_en")
        expr = expr.left_join(cat, expr.category_id == cat.cat_id).select(
            "product_id", "market", "title", "category_name")
    else:
        expr = expr.mutate(category_name=ibis.literal(None, type="string"))
    if markets:
        expr = expr.filter(expr.market.upper().isin(sorted(codes)))
    expr = expr.order_by("product_id")
    if limit is not None:
        expr = expr.limit(limit)
    if wh.count("product") == 0:
        raise DataError("compliance.no_products")
    checker = get_checker(packs)
    report = CheckReport()
    for batch in expr.to_pyarrow_batches(chunk_size=50_000):
        for row in batch.to_pylist():
            title = row["title"]
            if title is None or not str(title).strip():
                report.empty += 1
                continue
            mkt = str(row["market"] or "").upper()
            mk = [mkt] if mkt in ALL_MARKETS else None
            report.findings.extend(checker.check(str(title), text_id=str(row["product_id"]), markets=mk,
                                                 context=row["category_name"], text_lang=text_lang))
            report.checked += 1
            if progress is not None and report.checked % 5000 == 0:
                progress("check", report.checked, None)
    return report
