"""The checker on real texts: evasion, innocent words, context, markets, spans, hostile input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from shopradar.compliance import FAMILIES, category_risk, check_text, check_texts, load_packs
from shopradar.errors import UsageError

EVAL = Path(__file__).resolve().parents[1] / "data" / "compliance" / "eval.csv"


def rules(text: str, **kw) -> set[str]:
    return {f.rule_id for f in check_text(text, **kw)}


def families(text: str, **kw) -> set[str]:
    return {f.family for f in check_text(text, **kw)}


@pytest.mark.parametrize("text", [
    "This serum cures acne",
    "This serum CURES ACNE",
    "This serum ｃｕｒｅｓ ａｃｎｅ",          # full-width
    "This serum c u r e s acne",            # spelled out
    "This serum c.u.r.e.s acne",
    "This serum cur3s acne",                # digits for letters
    "This serum \u0441ures acne",           # Cyrillic 'с'
    "This serum cu\u200bres acne",          # zero-width space
    "This serum cürés acne",                # accents
])
def test_evasion_is_defeated(text: str) -> None:
    assert "EN.MEDICAL.DISEASE" in rules(text)


@pytest.mark.parametrize("text", [
    "Heavy-duty padlock, secure your shed",
    "We procure office supplies in bulk",
    "Treat yourself to this plush robe",
    "Natural dog treats for puppies",
    "UV gel polish, cures in 60 seconds under an LED lamp",
    "Serrano cured ham, 200 g",
    "Lightweight jacket",
    "Mix 1:1 with water",
])
def test_innocent_words_stay_clean(text: str) -> None:
    assert check_text(text) == []


def test_context_decides_cured() -> None:
    text = "Cured and aged the traditional way, ready to slice"
    assert "medical" in families(text)                       # no context: 'cured' reads as a health claim
    assert "medical" in families(text, context="Supplements")
    assert families(text, context="Food > Cured meats") == set()


def test_span_points_at_the_original_text() -> None:
    text = "Ｎｅｗ! This serum c u r e s eczema fast"
    found = [f for f in check_text(text) if f.rule_id == "EN.MEDICAL.DISEASE"]
    assert found and found[0].match == text[found[0].start:found[0].end] == "c u r e s eczema"


def test_markets_filter_country_specific_rules() -> None:
    knife = "Damascus chef knife 8 inch"
    assert "UK.PRODUCT.BLADES" in rules(knife, markets=["GB"])
    assert rules(knife, markets=["US"]) == set()
    found = check_text(knife, markets=["EU", "UK"])
    assert [f.markets for f in found] == [("GB",)]
    with pytest.raises(UsageError):
        check_text(knife, markets=["XX"])


def test_supplement_disclaimer_is_a_gate() -> None:
    claim = "Ashwagandha capsules support a healthy stress response"
    assert "US.SUPP.DISCLAIMER" in rules(claim, markets=["US"])
    with_disclaimer = claim + (". This statement has not been evaluated by the Food and Drug Administration. "
                               "This product is not intended to diagnose, treat, cure, or prevent any disease.")
    assert "US.SUPP.DISCLAIMER" not in rules(with_disclaimer, markets=["US"])
    assert "US.SUPP.DISCLAIMER" not in rules(claim, markets=["JP"])


def test_undisclosed_endorsement_and_disclosure() -> None:
    assert "endorsement" in families("They sent me this for free, use my code ANNA10")
    assert "endorsement" not in families("#ad They sent me this for free, use my code ANNA10")


def test_finding_carries_basis_fix_and_both_languages() -> None:
    f = check_text("Miracle cream, instant results", markets=["US"])[0]
    assert f.severity in ("block", "warn", "info") and f.family in FAMILIES
    assert f.basis and f.basis[0].cite and f.basis[0].url.startswith("http")
    row_en, row_zh = f.row("en"), f.row("zh")
    assert row_en["fix"] != row_zh["fix"] and any("\u4e00" <= c <= "\u9fff" for c in row_zh["title"])


def test_overlapping_findings_of_one_family_are_merged() -> None:
    found = check_text("This balm cures eczema")
    assert [f.rule_id for f in found] == ["EN.MEDICAL.DISEASE"]  # not also the weaker 'cure' word rule


def test_empty_and_non_text() -> None:
    assert check_text("") == [] and check_text("   \n ") == []
    with pytest.raises(UsageError):
        check_text(b"cures acne")  # type: ignore[arg-type]


def test_check_texts_ids_and_contexts() -> None:
    found = check_texts([("a", "cured ham", "food"), ("b", "vape pen"), "fat burner pills"])
    assert {(f.text_id, f.family) for f in found} == {("b", "product"), ("3", "weight_loss")}


def test_ten_megabyte_text_is_checked_and_capped() -> None:
    text = ("Soft cotton tee, breathable. " * 2100 + "This cream cures eczema. ") * 17
    big = text * 10
    assert len(big) > 10_000_000
    found = check_text(big, markets=["US"])
    disease = [f for f in found if f.rule_id == "EN.MEDICAL.DISEASE"]
    assert len(disease) == 50 and disease[-1].more == 17 * 10 - 50


def test_hostile_text_does_not_crash() -> None:
    hostile = "\x00\x01\ufeff\u202e cures acne \U0001F600" + "\u0301" * 1000 + "(" * 5000 + "é" * 10000
    found = check_text(hostile)
    assert any(f.rule_id == "EN.MEDICAL.DISEASE" for f in found)


def test_category_risk() -> None:
    assert category_risk("Health > Supplements", "JP").level == "prohibited"
    assert category_risk("Health > Supplements", "US").level == "high"
    assert category_risk("Kitchen knives", "GB").level == "prohibited"
    assert category_risk("Kitchen knives", "US").level == "medium"
    low = category_risk("Womenswear > Dresses", "US")
    assert low.level == "low" and low.score < category_risk("Vape pens", "US").score == 1.0
    with pytest.raises(UsageError):
        category_risk("Dresses", "EU")  # a group, not one market


def test_every_shipped_rule_compiles_with_both_languages() -> None:
    rs = load_packs()
    assert len(rs.rules) > 100
    langs = {r.lang for r in rs.rules}
    assert {"en", "zh", "es", "pt", "de", "fr", "it", "ja", "*"} <= langs
    for r in rs.rules:
        assert r.title["en"] and r.title["zh"] and r.fix["en"] and r.fix["zh"] and r.basis and r.markets


def test_eval_set_meets_the_goal() -> None:
    """The labeled set (>= 400 texts, 8 languages) must keep precision and recall >= 0.9 overall."""
    with EVAL.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 400 and len({r["lang"] for r in rows}) == 8
    tp = fp = fn = 0
    for r in rows:
        gold = {f for f in r["families"].split(";") if f}
        pred = families(r["text"], markets=[r["market"]] if r["market"] else None, context=r["category"] or None)
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9
