"""Each component of the opportunity score on small hand-built markets where the right answer is obvious."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from shopradar.errors import ConfigError, DataError, UsageError
from shopradar.insights import opportunities
from shopradar.insights.opportunities import season_score

D0 = dt.date(2024, 1, 1)
DAYS = 200
END = D0 + dt.timedelta(days=DAYS - 1)


def niche(m, cat: str, *, shops: int = 4, per_shop: int = 2, units: float = 5.0, price: float = 15.0,
          video: float = 0.0, shares: list[float] | None = None) -> None:
    """A steady niche: ``shops`` × ``per_shop`` products selling ``units`` a day for DAYS days."""
    if not any(c["category_id"] == cat for c in m.categories):
        m.category(cat)
    for i in range(shops):
        s = m.shop(f"{cat}-s{i}")
        w = shares[i] * shops if shares else 1.0
        for _ in range(per_shop):
            m.sell(m.product(s, cat), D0, DAYS, units=units * w, price=price, video=video)


def rows(wh, **kw) -> dict[str, dict]:
    return {r["category_id"]: r for r in opportunities(wh, **kw).to_pylist()}


def test_demand(warehouse, market) -> None:
    niche(market, "big", units=10)
    niche(market, "small", units=5)
    market.write(warehouse)
    r = rows(warehouse)
    assert r["big"]["gmv_usd_month"] == pytest.approx(2 * r["small"]["gmv_usd_month"])
    assert r["big"]["gmv_usd_month"] == pytest.approx(8 * 10 * 15 * 90 / (90 / 30.4375))
    assert r["big"]["s_demand"] > r["small"]["s_demand"]
    only = rows(warehouse, weights={"demand": 1, "growth": 0, "supply_tightness": 0, "concentration": 0,
                                    "entrant_success": 0, "content_fit": 0, "price_gap": 0, "season": 0,
                                    "compliance": 0})
    assert only["big"]["rank"] == 1 and only["big"]["score"] == 100 and only["small"]["score"] == 0


def test_growth(warehouse, market) -> None:
    niche(market, "flat")
    market.category("rising")
    for i in range(4):
        s = market.shop(f"r{i}")
        for _ in range(2):
            p = market.product(s, "rising")
            market.sell(p, D0, DAYS - 90, units=5, price=15)
            market.sell(p, END - dt.timedelta(days=89), 90, units=10, price=15)
    market.write(warehouse)
    r = rows(warehouse)
    assert r["rising"]["growth"] == pytest.approx(1.0)
    assert r["flat"]["growth"] == pytest.approx(0.0)
    assert r["rising"]["s_growth"] > r["flat"]["s_growth"]


def test_supply_tightness(warehouse, market) -> None:
    niche(market, "crowded", shops=8, per_shop=2, units=2.5)   # same GMV spread over 16 products
    niche(market, "tight", shops=4, per_shop=1, units=10)      # over 4 products
    market.write(warehouse)
    r = rows(warehouse)
    assert r["tight"]["gmv_usd_month"] == pytest.approx(r["crowded"]["gmv_usd_month"])
    assert r["tight"]["gmv_per_product"] == pytest.approx(4 * r["crowded"]["gmv_per_product"])
    assert r["tight"]["s_supply_tightness"] > r["crowded"]["s_supply_tightness"]


def test_concentration(warehouse, market) -> None:
    niche(market, "even", shops=8, per_shop=1)
    niche(market, "locked", shops=8, per_shop=1, shares=[0.86] + [0.02] * 7)
    market.write(warehouse)
    r = rows(warehouse)
    assert r["even"]["hhi_shops"] == pytest.approx(1 / 8)
    assert r["locked"]["hhi_shops"] == pytest.approx(0.86**2 + 7 * 0.02**2)
    assert r["locked"]["s_concentration"] < r["even"]["s_concentration"]
    locked = opportunities(warehouse).to_pylist()
    text = next(x for x in locked if x["category_id"] == "locked")["explanation_en"]
    assert "a few shops dominate" in text


def test_entrant_success(warehouse, market) -> None:
    for cat, entrant_units in (("easy", 10.0), ("hard", 0.2)):
        niche(market, cat)
        s = market.shop(f"{cat}-new")
        for k in range(3):  # entrants first sold 100-102 days before the end
            p = market.product(s, cat)
            market.sell(p, END - dt.timedelta(days=100 + k), 100 + k, units=entrant_units, price=15)
    market.write(warehouse)
    r = rows(warehouse, entrant_threshold=1000)
    # easy: 90 days x 10 x $15 = $13,500 >= $1,000; hard: 90 x 0.2 x 15 = $270 < $1,000
    assert (r["easy"]["entrants"], r["easy"]["entrants_ok"]) == (3, 3)
    assert (r["hard"]["entrants"], r["hard"]["entrants_ok"]) == (3, 0)
    assert r["easy"]["entrant_success"] > r["hard"]["entrant_success"]
    assert r["easy"]["s_entrant_success"] > r["hard"]["s_entrant_success"]
    assert r["easy"]["s_entrant_success"] == 1.0 and "3 of 3 recent entrants" in r["easy"]["explanation_en"]


def test_content_fit(warehouse, market) -> None:
    niche(market, "video", video=0.8)
    niche(market, "search", video=0.1)
    market.write(warehouse)
    r = rows(warehouse)
    assert r["video"]["content_share"] == pytest.approx(0.8)
    assert r["video"]["s_content_fit"] > r["search"]["s_content_fit"]


def test_price_gap(warehouse, market) -> None:
    market.category("cat")
    # band 10–20: 2 products sell half the category's GMV; band 30–50: 8 products sell the other half
    for i in range(2):
        market.sell(market.product(market.shop(f"a{i}"), "cat"), D0, DAYS, units=20, price=15)
    for i in range(8):
        market.sell(market.product(market.shop(f"b{i}"), "cat"), D0, DAYS, units=1.875, price=40)
    market.write(warehouse)
    out = {r["band"]: r for r in opportunities(warehouse, min_products=2).to_pylist()}
    assert out["10–20"]["demand_supply"] == pytest.approx(0.5 / 0.2)
    assert out["30–50"]["demand_supply"] == pytest.approx(0.5 / 0.8)
    assert out["10–20"]["s_price_gap"] > out["30–50"]["s_price_gap"]


def test_season_timing(warehouse, market) -> None:
    market.category("gifts")
    start = dt.date(2022, 1, 1)
    for i in range(4):
        p = market.product(market.shop(f"g{i}"), "gifts")
        d = start
        while d <= dt.date(2023, 9, 30):
            market.sell(p, d, 1, units=30 if d.month == 12 else 3, price=15)
            d += dt.timedelta(days=1)
    market.write(warehouse)
    r = opportunities(warehouse, min_products=1).to_pylist()[0]
    assert r["months_to_peak"] == 3          # the end is in September; the peak is December
    assert r["s_season"] == 1.0
    assert season_score(0) == 0.5 and season_score(3) == 1.0 and season_score(10) == 0.0
    assert season_score(None) is None


def test_compliance_penalty(warehouse, market) -> None:
    market.category("supp", name="Supplements")
    market.category("home", name="Home Supplies")
    niche(market, "supp")
    niche(market, "home")
    market.write(warehouse)
    r = rows(warehouse)
    assert r["supp"]["compliance_risk"] == "high" and r["home"]["compliance_risk"] == "low"
    assert r["supp"]["score"] < r["home"]["score"]
    assert r["supp"]["c_compliance"] < 0 and r["home"]["c_compliance"] == 0
    assert "compliance" in r["supp"]["explanation_en"] and "合规" in r["supp"]["explanation_zh"]


def test_margin_adjusted_demand(warehouse, market) -> None:
    niche(market, "cheap", price=4.0, units=30)     # US$4: the US$3.58 fulfillment eats the margin
    niche(market, "dear", price=40.0, units=3)      # same GMV at US$40
    market.write(warehouse)
    by_gmv = rows(warehouse)
    assert by_gmv["cheap"]["gmv_usd_month"] == pytest.approx(by_gmv["dear"]["gmv_usd_month"])
    r = rows(warehouse, by="margin")
    assert r["cheap"]["margin_rate"] < 0 < r["dear"]["margin_rate"]
    assert r["dear"]["s_demand"] > r["cheap"]["s_demand"]
    assert "margin" in r["dear"]["explanation_en"]


def test_explanations_in_both_languages(warehouse, market) -> None:
    niche(market, "a", units=10)
    niche(market, "b")
    market.write(warehouse)
    for r in opportunities(warehouse).to_pylist():
        assert r["explanation_en"].startswith(f"#{r['rank']} US · ")
        assert r["explanation_zh"].startswith(f"第 {r['rank']} 名")
        assert r["window_end"] == END


def test_bad_input(warehouse, market, tmp_path: Path) -> None:
    with pytest.raises(DataError):
        opportunities(warehouse)                      # no data at all
    niche(market, "a")
    market.write(warehouse)
    with pytest.raises(DataError):
        opportunities(warehouse, market="GB")         # a market with no data
    with pytest.raises(DataError):
        opportunities(warehouse, category="nope")     # a niche with no data
    with pytest.raises(DataError):
        opportunities(warehouse, min_products=50)
    with pytest.raises(UsageError):
        opportunities(warehouse, by="luck")
    bad = tmp_path / "w.yaml"
    bad.write_text("weights: {demand: 1, luck: 2}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="luck"):
        opportunities(warehouse, weights=bad)
    bad.write_text("weights: {demand: -1}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="demand"):
        opportunities(warehouse, weights=bad)
    bad.write_text("demand: lots\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="demand"):
        opportunities(warehouse, weights=bad)
    zero = {k: 0 for k in ("demand", "growth", "supply_tightness", "concentration", "entrant_success",
                           "content_fit", "price_gap", "season")}
    with pytest.raises(ConfigError):
        opportunities(warehouse, weights=zero)


def _row(**over):
    from shopradar.insights.weights import COMPONENTS

    row = {f"s_{c}": 0.2 for c in COMPONENTS} | {f"c_{c}": 1.0 for c in COMPONENTS}
    row.update(gmv_usd_month=50_000.0, growth=0.1, gmv_per_product=5_000.0, gmv_per_shop=9_000.0, cr5=0.3,
               hhi=0.1, entrants_ok=4, entrants=5, content_share=0.5, demand_supply=2.0, months_to_peak=3,
               compliance_risk=None, margin_rate=None, score=80.0, s_compliance=0.0)
    row.update(over)
    return row


def test_explanation_does_not_call_a_concentrated_niche_open() -> None:
    from shopradar.insights.opportunities import explain
    from shopradar.insights.weights import default_weights

    w = default_weights()
    open_niche = _row(s_concentration=0.9, c_concentration=30.0, cr5=0.3)
    locked = _row(s_concentration=0.9, c_concentration=30.0, cr5=1.0)
    assert "not locked" in explain(open_niche, 1, "US · X", w, "en", 1000.0)
    assert "not locked" not in explain(locked, 1, "US · X", w, "en", 1000.0)


def test_explanation_needs_several_entrants_to_praise_their_success() -> None:
    from shopradar.insights.opportunities import explain
    from shopradar.insights.weights import default_weights

    w = default_weights()
    many = _row(s_entrant_success=0.95, c_entrant_success=40.0, entrants=5, entrants_ok=4)
    one = _row(s_entrant_success=0.95, c_entrant_success=40.0, entrants=1, entrants_ok=1)
    assert "4 of 5" in explain(many, 1, "US · X", w, "en", 1000.0)
    assert "1 of 1" not in explain(one, 1, "US · X", w, "en", 1000.0)
