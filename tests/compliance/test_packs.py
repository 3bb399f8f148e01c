"""Rule packs are data: users add and override them; a broken pack names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopradar.compliance import check_text, load_packs
from shopradar.errors import ConfigError

GOOD = """\
pack: my.shop
lang: en
markets: [US]
title: {en: "My shop's words", zh: "我店的用语"}
rules:
  - id: MY.NO_BOGO
    family: price
    severity: block
    title: {en: "No BOGO wording", zh: "不要用买一送一"}
    fix: {en: "Say the real price.", zh: "写明真实价格。"}
    basis: [{kind: practice, cite: "Our brand guideline"}]
    terms: ["buy one get one"]
"""


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return tmp_path


def test_user_pack_adds_a_rule(tmp_path: Path) -> None:
    rs = load_packs([write(tmp_path, GOOD)])
    found = check_text("Buy-one get ONE free today", markets=["US"], packs=rs)
    assert "MY.NO_BOGO" in {f.rule_id for f in found}
    assert "MY.NO_BOGO" not in {f.rule_id for f in check_text("Buy one get one free", markets=["GB"], packs=rs)}


def test_user_pack_overrides_and_disables_shipped_rules(tmp_path: Path) -> None:
    text = "Sexy see-through lingerie set"
    assert "EN.SEXUAL.WORDING" in {f.rule_id for f in check_text(text)}
    override = """\
pack: my.overrides
lang: en
title: {en: "Overrides", zh: "覆盖"}
rules:
  - id: EN.SEXUAL.WORDING
    disabled: true
    family: sexual
  - id: EN.IP.COUNTERFEIT
    family: ip
    severity: info
    title: {en: "Dupe wording (we allow it in-house)", zh: "平替用语(内部允许)"}
    fix: {en: "Consider another word.", zh: "考虑换个说法。"}
    basis: [{kind: practice, cite: "House rule"}]
    patterns: ['dupes?']
"""
    rs = load_packs([write(tmp_path, override)])
    assert "EN.SEXUAL.WORDING" not in {f.rule_id for f in check_text(text, packs=rs)}
    dupe = [f for f in check_text("Dyson dupe hair dryer", packs=rs, text_lang="en")
            if f.rule_id == "EN.IP.COUNTERFEIT"]
    assert [f.severity for f in dupe] == ["info"]
    # the shipped packs are untouched for everyone else
    assert "EN.SEXUAL.WORDING" in {f.rule_id for f in check_text(text)}


@pytest.mark.parametrize(("text", "line", "words"), [
    (GOOD.replace("    severity: block\n", "    severity: block\n  bad: [unclosed\n"), 9, "YAML"),
    (GOOD.replace('terms: ["buy one get one"]', "patterns: ['ok', '(unclosed']"), 12, "regular expression"),
    (GOOD.replace("family: price", "family: pricing"), 7, "family"),
    (GOOD.replace('    fix: {en: "Say the real price.", zh: "写明真实价格。"}\n', ""), 6, "fix"),
    (GOOD.replace("markets: [US]", "markets: [US, ATLANTIS]"), 3, "ATLANTIS"),
    (GOOD.replace('terms: ["buy one get one"]', "patterns: ['@{nolist} x']"), 12, "nolist"),
    (GOOD.replace('terms: ["buy one get one"]', "patterns: ['x?']"), 6, "empty"),
])
def test_broken_pack_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    folder = write(tmp_path, text, "broken.yaml")
    with pytest.raises(ConfigError) as err:
        load_packs([folder])
    msg = str(err.value)
    assert "broken.yaml" in msg and f"line {line}" in msg and words in msg
    assert "\n" not in msg


def test_binary_and_bad_encoding_packs(tmp_path: Path) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"pack: x\x00\x01\x02")
    with pytest.raises(ConfigError, match=r"bin\.yaml"):
        load_packs([tmp_path / "bin.yaml"])
    (tmp_path / "latin1.yaml").write_bytes(GOOD.replace("My shop", "Caf\u00e9").encode("latin-1", "replace"))
    with pytest.raises(ConfigError, match=r"latin1\.yaml.*line 4"):
        load_packs([tmp_path / "latin1.yaml"])


def test_missing_or_empty_pack_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_packs([tmp_path / "nope"])
    with pytest.raises(ConfigError, match="no rule packs"):
        load_packs([tmp_path])
