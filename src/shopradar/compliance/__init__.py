"""Compliance checker: will this title, description or script be taken down, or break a law in the market?

Rules are data: YAML rule packs per market and language (``compliance/packs/``, schema in
:mod:`shopradar.compliance.model`); users add or override packs with ``load_packs(extra_dirs)``.

    from shopradar.compliance import check_text
    for f in check_text("This serum cures eczema in 3 days", markets=["US"]):
        print(f.severity, f.rule_id, f.match, f.fix["en"])
"""

from __future__ import annotations

from shopradar.compliance.catalog import CheckReport, check_catalog
from shopradar.compliance.checker import check_text, check_texts, get_checker
from shopradar.compliance.model import ALL_MARKETS, FAMILIES, LANGS, SEVERITIES, Finding
from shopradar.compliance.packs import RuleSet, load_packs
from shopradar.compliance.readers import check_file, read_texts
from shopradar.compliance.risk import CategoryRisk, category_risk

__all__ = [
    "ALL_MARKETS",
    "FAMILIES",
    "LANGS",
    "SEVERITIES",
    "CategoryRisk",
    "CheckReport",
    "Finding",
    "RuleSet",
    "category_risk",
    "check_catalog",
    "check_file",
    "check_text",
    "check_texts",
    "get_checker",
    "load_packs",
    "read_texts",
]
