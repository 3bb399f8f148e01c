"""The report and the app show the seller's own shop beside its categories (issue #9, question 8)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from shopradar.warehouse import Warehouse


@pytest.fixture(scope="module")
def market_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from shopradar.cube import build_cube
    from shopradar.estimate import estimate
    from shopradar.sources.simulate import simulate, simulate_preset

    path = tmp_path_factory.mktemp("own") / "market.duckdb"
    with Warehouse.open(path) as wh:
        simulate(wh, simulate_preset("tiny", seed=3))
        estimate(wh, full=True)
        build_cube(wh)
    return path


def _add_own_shop(path: Path) -> tuple[Decimal, int, str]:
    """An own shop selling 30 orders in the simulated market's busiest leaf category."""
    with Warehouse.open(path) as wh:
        est = wh.table("product_daily_sales")
        prod = wh.table("product")
        j = est.join(prod, est.product_id == prod.product_id)
        leaf = (j.group_by(prod.category_id).aggregate(g=est.gmv_local.sum()).order_by(lambda t: t.g.desc())
                .limit(1).to_pyarrow().column("category_id")[0].as_py())
        last = est.date.max().execute()
        wh.insert("shop", pa.table({"shop_id": ["own-1"], "market": ["US"], "name": ["My Own Shop"],
                                    "is_own": [True]}))
        wh.insert("product", pa.table({"product_id": ["own-p1"], "market": ["US"], "shop_id": ["own-1"],
                                       "category_id": [leaf], "title": ["My product"], "currency": ["USD"]}))
        n = 30
        days = [last - timedelta(days=i % 20) for i in range(n)]
        amounts = [Decimal("19.90") + i for i in range(n)]
        wh.insert("order_line", pa.table({
            "order_id": [f"o{i}" for i in range(n)], "line_id": ["1"] * n, "shop_id": ["own-1"] * n,
            "market": ["US"] * n, "product_id": ["own-p1"] * n, "quantity": [1] * n,
            "subtotal": pa.array(amounts, pa.decimal128(18, 4)), "currency": ["USD"] * n,
            "status": ["COMPLETED"] * n, "order_date": days,
            "created_at": [datetime.combine(d, datetime.min.time()) for d in days]}))
    return sum(amounts, Decimal(0)), n, leaf


def test_report_says_how_to_add_the_own_shop_when_there_is_none(market_db: Path, tmp_path: Path) -> None:
    from shopradar.report import build_report

    with Warehouse.open(market_db, create=False, read_only=True) as wh:
        html = build_report(wh, tmp_path / "r.html", market="US").read_text(encoding="utf-8")
    assert "Your shop beside its categories" in html and "shopradar connect tiktok" in html


def test_report_and_app_show_the_own_shop_beside_its_category(market_db: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from shopradar.cube import CubeFilter, own_shop_view
    from shopradar.report import build_report
    from shopradar.web import create_app

    total, orders, _leaf = _add_own_shop(market_db)
    with Warehouse.open(market_db, create=False, read_only=True) as wh:
        view = own_shop_view(wh, CubeFilter(market="US", period="month"), as_="pandas")
        html = build_report(wh, tmp_path / "r.html", market="US").read_text(encoding="utf-8")
        zh = build_report(wh, tmp_path / "z.html", market="US", lang="zh").read_text(encoding="utf-8")
    assert Decimal(str(view["gmv_local"].sum())) == total
    assert int(view["orders"].sum()) == orders
    assert view["market_gmv"].notna().all() and (view["share"] > 0).all()
    assert "Your GMV" in html and f"{orders} orders" in html
    assert "你的 GMV" in zh
    client = TestClient(create_app(market_db), base_url="http://127.0.0.1")
    page = client.get("/shops", params={"market": "US"})
    assert page.status_code == 200 and "Your shop beside its categories" in page.text
    data = client.get("/api/v1/views/own_shop", params={"market": "US"})
    assert data.status_code == 200, data.text
    assert "own-1" in data.text
