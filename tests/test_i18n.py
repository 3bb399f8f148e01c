"""Everything a person reads exists in English and Simplified Chinese."""

from __future__ import annotations

import re

from shopradar.i18n import catalog, t


def test_catalogs_have_the_same_keys() -> None:
    en, zh = catalog("en"), catalog("zh")
    assert set(en) - set(zh) == set(), "keys missing in zh"
    assert set(zh) - set(en) == set(), "keys missing in en"


def test_placeholders_match() -> None:
    en, zh = catalog("en"), catalog("zh")
    for key, text in en.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", zh[key])), key


def test_zh_texts_are_chinese() -> None:
    zh = catalog("zh")
    untranslated = [k for k, v in zh.items() if len(v) > 12 and not re.search(r"[\u4e00-\u9fff]", v)]
    assert untranslated == []


def test_render_and_fallback() -> None:
    assert "数据仓库" in t("warehouse.missing", lang="zh-CN", path="x")
    assert t("no.such.key") == "no.such.key"
