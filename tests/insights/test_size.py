"""Headroom by the analog method: the seed article's figures, scenarios, sensitivity, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from shopradar.errors import ConfigError, DataError, UsageError
from shopradar.insights import size


def test_reproduces_the_article() -> None:
    r = size("US")
    # 3.5T / 8T as stated by the article (43 %); Amazon US 490B x 43 % = 210.7B; / 9B = 23.4x
    assert r.ratio == pytest.approx(0.43)
    assert r.ratio_computed == pytest.approx(3.5 / 8)
    assert r.potential_gmv == Decimal("210700000000.00")
    assert round(r.headroom_multiple) == 23
    assert r.headroom_gmv == Decimal("201700000000.00")
    assert "23.4" in r.summary("en") and "倍" in r.summary("zh")
    sources = r.inputs.column("source").to_pylist()
    assert any("3.5 万亿" in s for s in sources) and any("4900" in s for s in sources)


def test_computed_ratio_uses_the_figures_themselves() -> None:
    r = size("US", computed_ratio=True)
    assert r.ratio == pytest.approx(0.4375)
    assert r.potential_gmv == Decimal("214375000000.00")
    assert r.headroom_multiple == pytest.approx(214.375 / 9)


def test_scenarios_and_sensitivity_are_ordered() -> None:
    r = size("US")
    scen = {row["scenario"]: row for row in r.scenarios.to_pylist()}
    assert scen["low"]["potential_gmv"] < scen["base"]["potential_gmv"] < scen["high"]["potential_gmv"]
    assert scen["base"]["headroom_multiple"] == pytest.approx(r.headroom_multiple)
    # the article's own floor: "at least 10x"
    assert scen["low"]["headroom_multiple"] >= 10
    sens = r.sensitivity.to_pylist()
    up = next(s for s in sens if s["input"] == "target_current" and s["change"] == 0.2)
    down = next(s for s in sens if s["input"] == "target_current" and s["change"] == -0.2)
    assert up["headroom_multiple"] == pytest.approx(r.headroom_multiple / 1.2)
    assert down["headroom_multiple"] == pytest.approx(r.headroom_multiple / 0.8)
    shelf_up = next(s for s in sens if s["input"] == "target_shelf" and s["change"] == 0.1)
    assert shelf_up["potential_gmv"] == (r.potential_gmv * Decimal("1.1")).quantize(Decimal("0.01"))


def test_flags_override_the_file() -> None:
    r = size("US", ratio="50%", shelf_gmv=1000, current_gmv=100)
    assert r.potential_gmv == Decimal("500.00")
    assert r.headroom_multiple == pytest.approx(5.0)
    assert r.ratio_basis == "flag"


def test_market_without_figures_is_a_clear_error() -> None:
    with pytest.raises(ConfigError) as exc:
        size("BR")
    assert "BR" in str(exc.value) and "--shelf-gmv" in str(exc.value)
    # a market with a shelf figure but no current GMV
    with pytest.raises(ConfigError) as exc:
        size("DE")
    assert "--current-gmv" in str(exc.value)
    assert size("DE", current_gmv=1e9).headroom_multiple == pytest.approx(45.9e9 * 0.43 / 1e9)


def test_unknown_reference_and_bad_numbers() -> None:
    with pytest.raises(ConfigError, match="XX"):
        size("US", reference="XX")
    with pytest.raises(UsageError):
        size("US", current_gmv=0)
    with pytest.raises(ConfigError, match="--current-gmv"):
        size("US", current_gmv="lots")


def test_own_figures_file(tmp_path: Path) -> None:
    bad = tmp_path / "fig.yaml"
    bad.write_text("figures:\n  a: {value: 1, currency: USD, kind: content}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="source"):
        size("US", figures=bad)
    bad.write_text("figures: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML"):
        size("US", figures=bad)
    good = tmp_path / "good.yaml"
    good.write_text(
        "figures:\n"
        "  c: {value: 2, currency: EUR, kind: content, source: me}\n"
        "  s: {value: 8, currency: EUR, kind: shelf, source: me}\n"
        "  t: {value: 100, currency: EUR, kind: shelf, source: me}\n"
        "  n: {value: 5, currency: EUR, kind: content, source: me}\n"
        "references: {XY: {content: c, shelf: s}}\n"
        "markets: {FR: {shelf: t, content: n}}\n", encoding="utf-8")
    r = size("FR", reference="XY", figures=good)
    assert r.ratio == pytest.approx(0.25) and r.potential_gmv == Decimal("25.00") and r.headroom_multiple == 5


def test_current_gmv_from_the_warehouse(warehouse, market) -> None:
    c = market.category("c1")
    p = market.product(market.shop(), c)
    market.sell(p, dt.date(2024, 1, 1), 73, units=10, price=100.0)  # 73 days x 1000 = 73,000
    market.write(warehouse)
    r = size("US", wh=warehouse)
    assert r.current.basis == "warehouse" and r.current.annualized
    assert r.current.value == Decimal("365000.00")  # 73,000 x 365 / 73
    assert r.headroom_multiple == pytest.approx(210.7e9 / 365000)
    with pytest.raises(DataError):
        size("GB", wh=warehouse, shelf_gmv=1e9, currency="USD")
