"""The insights commands as a user runs them (real console entry point in a subprocess)."""

from __future__ import annotations

import json


def test_size_reproduces_the_article_in_both_languages(cli) -> None:
    en = cli("size", "--market", "US")
    assert en.returncode == 0, en.stderr
    assert "43%" in en.stdout and "US$210.7B" in en.stdout and "23.4×" in en.stdout
    zh = cli("size", "--market", "US", "--lang", "zh")
    assert zh.returncode == 0 and "增长空间 23.4 倍" in zh.stdout


def test_size_json_and_errors(cli, tmp_path) -> None:
    out = cli("size", "-m", "US", "--format", "json", "--table", "sensitivity")
    rows = json.loads(out.stdout)
    assert len(rows) == 12 and {r["input"] for r in rows} == {"ratio", "target_shelf", "target_current"}
    bad = cli("size", "-m", "BR")
    assert bad.returncode == 2 and "BR" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_margin_command(cli, tmp_path) -> None:
    ok = cli("margin", "-m", "US", "--price", "20", "--cost", "4")
    assert ok.returncode == 0, ok.stderr
    assert "6.82" in ok.stdout
    bad = cli("margin", "-m", "US", "--price", "20", "--set", "nonsense=1")
    assert bad.returncode == 2 and "nonsense" in bad.stderr and "Traceback" not in bad.stderr
    fees = tmp_path / "fees.yaml"
    fees.write_bytes(b"\xff\xfe not yaml")
    bad = cli("margin", "-m", "US", "--price", "20", "--fees", str(fees))
    assert bad.returncode == 2 and "UTF-8" in bad.stderr
