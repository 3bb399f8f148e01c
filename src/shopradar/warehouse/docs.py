"""Generate docs/data-model.md and docs/data-model.zh-CN.md from the schema.

Run ``python -m shopradar.warehouse.docs`` after changing ``schema.py``; a test fails when
the committed pages differ from what this produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

from shopradar.warehouse.schema import SCHEMA_VERSION, TABLES

_HEAD = {
    "en": (
        "# Data model\n\n"
        "Generated from `src/shopradar/warehouse/schema.py` by `python -m shopradar.warehouse.docs`; "
        "do not edit by hand. Schema version {version}.\n\n"
        "Conventions: money is `decimal(18,4)` in the row's `currency`; `*_at` columns are UTC "
        "timestamps; `date` columns are market-local dates; key columns (🔑) identify a row and are "
        "what ingest de-duplicates on.\n"
    ),
    "zh": (
        "# 数据模型\n\n"
        "由 `python -m shopradar.warehouse.docs` 根据 `src/shopradar/warehouse/schema.py` 生成,请勿手工编辑。"
        "结构版本 {version}。\n\n"
        "约定:金额为 `decimal(18,4)`,币种见该行的 `currency`;`*_at` 列为 UTC 时间戳;`date` 列为市场本地日期;"
        "键列(🔑)唯一标识一行,导入时据此去重。\n"
    ),
}
_COLS = {"en": ("column", "type", "unit", "key", "meaning"), "zh": ("列", "类型", "单位", "键", "含义")}


def render(lang: str) -> str:
    out = [_HEAD[lang].format(version=SCHEMA_VERSION)]
    for tbl in TABLES:
        out.append(f"\n## `{tbl.name}`\n\n{tbl.en if lang == 'en' else tbl.zh}\n")
        head = _COLS[lang]
        out.append("| " + " | ".join(head) + " |\n|" + "---|" * len(head) + "\n")
        for c in tbl.columns:
            meaning = (c.en if lang == "en" else c.zh).replace("|", "\\|")
            out.append(f"| `{c.name}` | {c.dtype} | {c.unit} | {'🔑' if c.key else ''} | {meaning} |\n")
    return "".join(out)


def paths(root: Path) -> dict[str, Path]:
    return {"en": root / "docs" / "data-model.md", "zh": root / "docs" / "data-model.zh-CN.md"}


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    for lang, path in paths(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(lang), encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
