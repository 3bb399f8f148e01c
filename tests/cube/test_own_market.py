"""End to end: a warehouse with a market (estimates + cube) and an own shop selling in its categories.

The own shop ``own1`` sells p7 (Skincare) and p8 (Makeup); its orders come from a Seller Center
import and from the Partner API sync (both land in ``order_line``). Everything goes through the
real console entry point: ``cube build``, ``market --own``, ``market``, ``top shops``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from shopradar.warehouse import Warehouse

from .conftest import END, PRODUCTS, START, fill

OWN = {**PRODUCTS, "p8": ("own1", "c12", 2, Decimal("12.00"), START, END)}


def _orders() -> pa.Table:
    """March: 36 orders of p7 (Seller Center) and 4 of p8 (API), a cancelled one; one order of p7 in April."""
    rows = []
    for i in range(36):
        rows.append((f"sc{i}", "1", "p7", date(2024, 3, 1 + i % 28), "COMPLETED", 1 + i % 3, Decimal("30"),
                     "seller_center.csv"))
    for i in range(4):
        rows.append((f"api{i}", "1", "p8", date(2024, 3, 2 + i), "DELIVERED", 2, Decimal("12"), "tiktok_api"))
    rows.append(("sc-x", "1", "p7", date(2024, 3, 9), "CANCELLED", 5, Decimal("30"), "seller_center.csv"))
    rows.append(("sc-apr", "1", "p7", date(2024, 4, 3), "COMPLETED", 1, Decimal("30"), "seller_center.csv"))
    cols = list(zip(*rows, strict=True))
    qty = list(cols[5])
    return pa.table({
        "order_id": cols[0], "line_id": cols[1], "shop_id": ["own1"] * len(rows), "market": ["US"] * len(rows),
        "product_id": cols[2], "order_date": cols[3], "status": cols[4], "quantity": qty, "unit_price": cols[6],
        "subtotal": [p * q for p, q in zip(cols[6], qty, strict=True)], "refund_amount": [Decimal(0)] * len(rows),
        "currency": ["USD"] * len(rows), "source": cols[7]})


@pytest.fixture(scope="module")
def own_db(tmp_path_factory):
    from .conftest import REPO_CLI

    path = tmp_path_factory.mktemp("own") / "own.duckdb"
    with Warehouse.open(path) as wh:
        fill(wh, OWN)
        wh.insert("order_line", _orders())
    res = REPO_CLI("cube", "build", "--db", str(path))
    assert res.returncode == 0, res.stderr
    return str(path)


def _json(cli, *args: str) -> list[dict]:
    res = cli(*args, "--format", "json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_own_shop_beside_its_categories(cli, own_db) -> None:
    orders = _orders().to_pylist()
    live = [o for o in orders if o["status"] != "CANCELLED"]
    rows = _json(cli, "market", "--own", "--db", own_db, "-m", "US", "-c", "Beauty", "--level", "2",
                 "--from", "2024-03-01", "--to", "2024-03-31")
    by_cat = {r["category_id"]: r for r in rows}
    assert set(by_cat) == {"c11", "c12"}  # p7 in Skincare, p8 in Makeup
    march = [o for o in live if o["order_date"].month == 3]
    for cat, pid in (("c11", "p7"), ("c12", "p8")):
        mine = [o for o in march if o["product_id"] == pid]
        r = by_cat[cat]
        assert r["shop_id"] == "own1" and r["is_own"] is True
        assert Decimal(str(r["gmv_local"])) == sum(o["subtotal"] for o in mine)
        assert r["orders"] == len(mine) and r["units"] == sum(o["quantity"] for o in mine)
        # the market figure is the cube's estimate of the whole category, own products included
        market = _json(cli, "market", "--db", own_db, "-c", cat, "--from", "2024-03-01", "--to", "2024-03-31")[0]
        assert Decimal(str(r["market_gmv"])) == Decimal(str(market["gmv_local"]))
        assert r["share"] == pytest.approx(float(r["gmv_local"]) / float(market["gmv_local"]))
        assert r["share_lower"] <= r["share"] <= r["share_upper"]
    # April: one order of p7 only; growth against March
    apr = _json(cli, "market", "--own", "--db", own_db, "-c", "Skincare", "--from", "2024-04-01")
    assert len(apr) == 1 and apr[0]["orders"] == 1
    assert apr[0]["growth_pop"] == pytest.approx(30 / float(by_cat["c11"]["gmv_local"]) - 1)


def test_market_orders_use_own_units_per_order(cli, own_db) -> None:
    live = [o for o in _orders().to_pylist() if o["status"] != "CANCELLED"]
    upo = sum(o["quantity"] for o in live) / len({o["order_id"] for o in live})
    r = _json(cli, "market", "--db", own_db, "-c", "Skincare", "--from", "2024-03-01", "--to", "2024-03-31")[0]
    assert r["orders_basis"] == "order_line"  # 41 non-cancelled orders ≥ 30
    assert r["orders"] == pytest.approx(r["units"] / upo)
    assert r["aov"] == pytest.approx(float(r["gmv_local"]) / (r["units"] / upo))


def test_top_shops_marks_the_own_shop(cli, own_db) -> None:
    rows = _json(cli, "top", "shops", "--db", own_db, "-c", "Skincare", "--from", "2024-03-01", "--to", "2024-03-31")
    own = [r for r in rows if r["shop_id"] == "own1"]
    assert len(own) == 1 and own[0]["is_own"] is True and own[0]["shop_name"] == "Shop own1"
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)  # every seller of Skincare ranked (fewer than 10)


def test_units_per_order_option(cli, own_db) -> None:
    rows = _json(cli, "market", "--db", own_db, "-c", "Skincare", "--units-per-order", "2")
    assert {(r["orders_basis"], r["units_per_order"]) for r in rows} == {("override", 2.0)}
    assert all(r["orders"] == pytest.approx(r["units"] / 2) for r in rows)
    top = _json(cli, "top", "products", "--db", own_db, "-c", "Skincare", "--units-per-order", "1.5")
    assert top and all(r["orders_basis"] == "override" for r in top)
    res = cli("market", "--db", own_db, "--units-per-order", "0.5")
    assert res.returncode == 2 and "between 1 and 100" in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
