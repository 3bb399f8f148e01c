"""Listing context: which kind of product a text is about, and how risky a category is.

The context tells rules apart that depend on the product: "cured ham" in a food listing is a recipe, the
same "cured" in a supplement listing is a disease claim. A context is a category name or keywords in any of
the eight languages ("Food & Beverages > Cured meats", "保健食品", "suplementos") or a tag from
``contexts.yaml`` ("food", "supplement", …). Rules name tags in ``skip_contexts`` / ``only_contexts``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shopradar.compliance.normalize import normalize, normalize_pattern

__all__ = ["CONTEXTS_FILE", "RISK_LEVELS", "context_tags", "tag_risk"]

CONTEXTS_FILE = Path(__file__).parent / "contexts.yaml"
RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high", "prohibited")


@dataclass(frozen=True)
class _Tag:
    name: str
    regex: re.Pattern[str] | None
    risk: dict[str, str]


@cache
def _tags() -> dict[str, _Tag]:
    data = yaml.safe_load(CONTEXTS_FILE.read_text(encoding="utf-8"))
    out: dict[str, _Tag] = {}
    for name, spec in data["tags"].items():
        words = spec.get("keywords") or []
        cjk = [w for w in words if not w.isascii()]
        latin = [w for w in words if w.isascii()]
        alts = []
        if latin:
            alts.append(r"(?<![a-z0-9])(?:" + "|".join(normalize_pattern(w) for w in latin) + r")(?![a-z0-9])")
        if cjk:
            alts.append("(?:" + "|".join(normalize_pattern(w) for w in cjk) + ")")
        regex = re.compile("|".join(alts)) if alts else None
        out[name] = _Tag(name, regex, {str(k).upper(): str(v) for k, v in (spec.get("risk") or {}).items()})
    return out


def known_tags() -> tuple[str, ...]:
    return tuple(_tags())


def context_tags(context: Any) -> frozenset[str]:
    """Tags for a context: None, a string, several strings, or a mapping with 'category'/'tags'."""
    if context is None:
        return frozenset()
    if isinstance(context, Mapping):
        parts: list[str] = []
        for key in ("tags", "category", "category_name", "keywords"):
            value = context.get(key)
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, Iterable):
                parts.extend(str(v) for v in value)
        return _from_strings(tuple(parts))
    if isinstance(context, str):
        return _from_strings((context,))
    if isinstance(context, Iterable):
        return _from_strings(tuple(str(c) for c in context))
    return frozenset()


@cache
def _from_strings(parts: tuple[str, ...]) -> frozenset[str]:
    tags = _tags()
    found: set[str] = set()
    for part in parts:
        low = part.strip().lower()
        if low in tags:
            found.add(low)
            continue
        view = normalize(part).text
        for name, tag in tags.items():
            if tag.regex is not None and tag.regex.search(view):
                found.add(name)
    return frozenset(found)


def tag_risk(tag: str, market: str) -> str:
    """The category risk of one context tag in one market (``low`` when the tag carries none)."""
    t = _tags().get(tag)
    if t is None:
        return "low"
    return t.risk.get(market.upper(), t.risk.get("DEFAULT", "low"))
