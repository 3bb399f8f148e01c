"""Compliance risk of a category in a market, for the opportunity score and the report."""

from __future__ import annotations

from dataclasses import dataclass

from shopradar.compliance.context import RISK_LEVELS, context_tags, tag_risk
from shopradar.compliance.model import ALL_MARKETS, expand_markets
from shopradar.errors import UsageError

__all__ = ["RISK_SCORES", "CategoryRisk", "category_risk"]

RISK_SCORES: dict[str, float] = {"low": 0.1, "medium": 0.4, "high": 0.7, "prohibited": 1.0}


@dataclass(frozen=True)
class CategoryRisk:
    """How risky selling in a category is, and why.

    ``level``: low < medium < high < prohibited; ``score``: the level as 0.1 / 0.4 / 0.7 / 1.0 (for scores
    that weigh it); ``tags``: the product kinds recognised in the name; ``rules``: ids of rules the category
    name itself breaks ("Vape pens", "Fat burner pills"); ``known``: False when nothing in the name was
    recognised (the level is then the default "low").
    """

    category: str
    market: str
    level: str
    score: float
    tags: tuple[str, ...]
    rules: tuple[str, ...]
    known: bool


def category_risk(category: str, market: str) -> CategoryRisk:
    """Risk level of a category (name in any of the eight languages, path or keywords) in one market."""
    try:
        codes = expand_markets([market])
    except ValueError:
        raise UsageError("compliance.bad_market", market=market,
                         markets=", ".join(ALL_MARKETS)) from None
    if len(codes) != 1:
        raise UsageError("compliance.one_market", market=market)
    code = codes[0]
    tags = tuple(sorted(context_tags(category)))
    level_idx = 0
    for tag in tags:
        level_idx = max(level_idx, RISK_LEVELS.index(tag_risk(tag, code)))
    from shopradar.compliance.checker import check_text

    rules: list[str] = []
    for f in check_text(category, markets=[code]) if category and category.strip() else []:
        rules.append(f.rule_id)
        if f.family == "product":
            level_idx = max(level_idx, 3 if f.severity == "block" else 2)
        elif f.severity == "block":
            level_idx = max(level_idx, 2)
        else:
            level_idx = max(level_idx, 1)
    level = RISK_LEVELS[level_idx]
    return CategoryRisk(category=category, market=code, level=level, score=RISK_SCORES[level], tags=tags,
                        rules=tuple(dict.fromkeys(rules)), known=bool(tags or rules))
