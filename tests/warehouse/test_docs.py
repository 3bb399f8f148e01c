from __future__ import annotations

from pathlib import Path

from shopradar.warehouse import TABLES
from shopradar.warehouse.docs import paths, render


def test_data_model_docs_are_current(repo_root: Path) -> None:
    for lang, path in paths(repo_root).items():
        assert path.read_text(encoding="utf-8") == render(lang), (
            f"{path.name} is stale: run `python -m shopradar.warehouse.docs`")


def test_every_column_is_described_in_both_languages() -> None:
    for tbl in TABLES:
        assert tbl.en and tbl.zh
        for col in tbl.columns:
            assert col.en.strip() and col.zh.strip(), f"{tbl.name}.{col.name}"
