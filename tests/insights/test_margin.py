"""Landed margin: arithmetic, sources on every figure, overrides, bad input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from shopradar.errors import ConfigError, UsageError
from shopradar.insights import landed_margin, load_fees
from shopradar.insights.datafiles import DATA_DIR


def _amounts(result) -> dict[str, Decimal]:
    return dict(zip(result.lines.column("component").to_pylist(), result.lines.column("amount").to_pylist(),
                    strict=True))


def test_us_local_warehouse_by_hand() -> None:
    r = landed_margin("20", "US", sourcing_cost="4")
    a = _amounts(r)
    # 6 % referral fee, 14 % affiliate on 50 % of units, FBT $3.58, ads 15 %
    assert a["platform_fee:referral_fee"] == Decimal("-1.2000")
    assert a["affiliate_commission"] == Decimal("-1.4000")
    assert a["fulfillment:local_warehouse"] == Decimal("-3.5800")
    assert a["ads"] == Decimal("-3.0000")
    assert r.margin == Decimal("6.8200") == a["margin"]
    assert r.margin_rate == pytest.approx(6.82 / 20)
    assert isinstance(r.margin, Decimal)


def test_cross_border_costs_more_per_unit_than_local() -> None:
    local = landed_margin(15, "US", fulfillment="local_warehouse")
    direct = landed_margin(15, "US", fulfillment="cross_border_direct")
    assert direct.margin < local.margin
    assert local.margin - direct.margin == Decimal("6.00") - Decimal("3.58")


def test_fee_caps_apply() -> None:
    # TH commerce growth fee is capped at THB 199 per item
    a = _amounts(landed_margin(10000, "TH"))
    assert a["platform_fee:commerce_growth_fee"] == Decimal("-199.0000")


def test_overrides_replace_figures_and_are_labelled() -> None:
    r = landed_margin(20, "US", sourcing_cost=4, overrides={"ad_share": "0%", "affiliate_sales_share": 1,
                                                             "platform_fee_rate": 0.08, "fulfillment_fee": "2"})
    a = _amounts(r)
    assert a["ads"] == 0 and a["affiliate_commission"] == Decimal("-2.8000")
    assert a["platform_fee"] == Decimal("-1.6000") and a["fulfillment:local_warehouse"] == Decimal("-2.0000")
    assert r.margin == Decimal("20") - 4 - Decimal("1.6") - Decimal("2.8") - 2


def test_every_shipped_fee_has_a_source_and_a_date_or_is_an_assumption() -> None:
    data = yaml.safe_load((DATA_DIR / "fees.yaml").read_text(encoding="utf-8"))
    seen = 0

    def walk(node, path):
        nonlocal seen
        if isinstance(node, dict) and ("rate" in node or "per_unit" in node or "value" in node):
            seen += 1
            assert node.get("source"), path
            assert node.get("date") or node.get("assumption") is True, path
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}")

    walk(data, "")
    assert seen > 40
    for code in data["markets"]:
        load_fees(code)  # every shipped market validates


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ZZ"):
        landed_margin(10, "ZZ")
    with pytest.raises(UsageError):
        landed_margin(0, "US")
    with pytest.raises(UsageError, match="teleport"):
        landed_margin(10, "US", fulfillment="teleport")
    with pytest.raises(ConfigError, match="discount_share"):
        landed_margin(10, "US", overrides={"discount_share": 0.1})
    with pytest.raises(ConfigError, match="ad_share"):
        landed_margin(10, "US", overrides={"ad_share": 1.5})
    undated = tmp_path / "fees.yaml"
    undated.write_text("markets:\n  US:\n    currency: USD\n    platform_fees:\n      f: {rate: 0.05, source: me}\n",
                       encoding="utf-8")
    with pytest.raises(ConfigError, match="date"):
        landed_margin(10, "US", fees=undated)
