"""Messages in English and Simplified Chinese.

Every text a person reads comes from the catalogs beside this file: ``en/*.yaml`` and
``zh/*.yaml``, one file per pipeline stage, each a flat mapping ``key: text`` where the
text may hold ``{name}`` placeholders. ``t("warehouse.not_duckdb", path=p)`` renders
one in the current language, which the CLI sets from ``--lang`` or ``SHOPRADAR_LANG``.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGS: tuple[str, ...] = ("en", "zh")
_HERE = Path(__file__).parent
_current: ContextVar[str | None] = ContextVar("shopradar_lang", default=None)


def normalize_lang(lang: str | None) -> str:
    """Map ``zh-CN``, ``zh_Hans``, ``ZH`` … to ``zh`` and anything English to ``en``."""
    if not lang:
        return "en"
    low = lang.strip().lower().replace("_", "-")
    if low.startswith("zh") or low in {"cn", "chinese", "中文"}:
        return "zh"
    return "en"


def set_lang(lang: str | None) -> str:
    """Set the language for this context; returns the normalized code."""
    code = normalize_lang(lang)
    _current.set(code)
    return code


def get_lang() -> str:
    lang = _current.get()
    if lang is None:
        return normalize_lang(os.environ.get("SHOPRADAR_LANG", "en"))
    return lang


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language, merged from every YAML file of its folder."""
    merged: dict[str, str] = {}
    for path in sorted((_HERE / lang).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, text in data.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (second time in {path.name})")
            merged[str(key)] = str(text)
    return merged


def t(key: str, lang: str | None = None, **params: Any) -> str:
    """Render message ``key`` in ``lang`` (default: the current language).

    Falls back to English, then to the key itself, so a missing translation never crashes.
    """
    code = normalize_lang(lang) if lang else get_lang()
    text = catalog(code).get(key) or catalog("en").get(key) or key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text
