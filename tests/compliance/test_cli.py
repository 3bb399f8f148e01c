"""``shopradar check`` through the real console entry point (a subprocess, as a user runs it).

Each run pays the CLI's start-up, so the cases here are few; readers and errors are also covered through the
Python API in test_readers.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa


def test_text_exit_codes_and_languages(cli) -> None:
    bad = cli("check", "--text", "This miracle serum cures eczema in 3 days", "-f", "json")
    assert bad.returncode == 1, bad.stderr
    rows = json.loads(bad.stdout)
    assert {"EN.MEDICAL.DISEASE", "EN.EFFICACY.MIRACLE"} <= {r["rule_id"] for r in rows}
    assert all(r["basis"] and r["fix"] for r in rows)
    zh = cli("check", "--text", "Elderberry gummies support immune health", "-m", "US", "--lang", "zh", "-f", "json")
    assert zh.returncode == 0, zh.stderr
    assert "免责声明" in json.loads(zh.stdout)[0]["title"] and "已检查 1 条文本" in zh.stderr


def test_csv_file_with_ids_and_output(cli, tmp_path: Path) -> None:
    csv_path = tmp_path / "listings.csv"
    csv_path.write_text("sku;title;price\nA1;Vape pen 5000 puffs;9.99\nA2;;5\nA3;Cotton tee;12\n", encoding="utf-8")
    res = cli("check", str(csv_path), "--id-column", "sku", "-f", "csv", "-o", str(tmp_path / "out.csv"))
    assert res.returncode == 1, res.stderr
    out = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "A1" in out and "A3" not in out and "(1 empty)" in res.stderr


def test_bad_input_gets_one_line_errors(cli, tmp_path: Path) -> None:
    (tmp_path / "latin1.csv").write_bytes("title\nCaf\u00e9 cr\u00e8me\n".encode("latin-1"))
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "mine.yaml").write_text("pack: mine\nlang: en\ntitle: {en: a, zh: b}\nrules:\n  - id: X\n"
                                     "    family: ip\n    patterns: ['(']\n    title: {en: a, zh: b}\n"
                                     "    fix: {en: a, zh: b}\n    basis: [{kind: practice, cite: abc}]\n",
                                     encoding="utf-8")
    cases = [
        ((str(tmp_path / "latin1.csv"),), "line 2"),
        (("--text", "   "), "empty"),
        (("--text", "x", "--packs", str(packs)), "mine.yaml, line 7"),
    ]
    for args, words in cases:
        res = cli("check", *args)
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert words in res.stderr and "Traceback" not in res.stderr, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_catalog_in_the_warehouse(cli, warehouse, db_path: Path) -> None:
    warehouse.insert("product", pa.table({
        "product_id": ["p1", "p2", "p3", "p4"],
        "market": ["GB", "US", "US", "US"],
        "category_id": ["c1", "c1", "c2", "c2"],
        "title": ["Chef knife 8 inch", "Chef knife 8 inch", "Cured and aged the traditional way", None],
    }))
    warehouse.insert("category", pa.table({"category_id": ["c1", "c2"], "level": pa.array([1, 1], pa.int8()),
                                           "name_en": ["Kitchen knives", "Food > Cured meats"]}))
    warehouse.close()
    res = cli("check", "--catalog", "--db", str(db_path), "-f", "json")
    assert res.returncode == 1, res.stderr
    rows = json.loads(res.stdout)
    assert [(r["text_id"], r["rule_id"], r["markets"]) for r in rows] == [("p1", "UK.PRODUCT.BLADES", "GB")]
    assert "checked 3 texts (1 empty)" in res.stderr
