"""The sync over real HTTP against the loopback server: every resource, incrementally, resumable."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from tts_data import fill_analytics, fill_finance, fill_orders, fill_products, make_order

from shopradar.errors import UsageError
from shopradar.sources.tiktok_api import SyncOptions, sync

DAY = 86400


def _lines_expected(fake) -> set[tuple[str, str]]:
    return {(o["id"], li["id"]) for s in fake.shops.values() for o in s.orders for li in o["line_items"]}


def _keys(wh, table: str, *cols: str) -> list[tuple]:
    return [tuple(r[c] for c in cols) for r in wh.table(table).select(*cols).to_pyarrow().to_pylist()]


def test_full_sync_fills_every_table(fake, creds_file, config, warehouse) -> None:
    now = int(time.time())
    shop = next(iter(fake.shops.values()))
    fill_orders(shop, 120, now - 20 * DAY, now - 60)
    fill_products(shop, 12, now - 20 * DAY, now - 60)
    fill_finance(shop, 4, now - 10 * DAY)
    first = date.today() - timedelta(days=6)
    fill_analytics(shop, first, 5)
    report = sync(warehouse, credentials=creds_file, config=config, options=SyncOptions(page_size=20))
    assert report.balanced and report.status == "ok"

    keys = _keys(warehouse, "order_line", "order_id", "line_id")
    assert len(keys) == len(set(keys))
    assert set(keys) == _lines_expected(fake)
    # the client used search + detail, page by page
    assert len(fake.requests_to("/orders/search")) >= 120 // 20
    details = [r for r in fake.requests_to("/order/202309/orders") if "ids" in r.query]
    assert details and all(len(r.query["ids"].split(",")) <= 50 for r in details)

    # own shop marked, products with categories
    shops = warehouse.table("shop").to_pyarrow().to_pylist()
    assert [(s["shop_id"], s["is_own"], s["market"], s["seller_type"]) for s in shops] == [
        ("7495540735365777507", True, "VN", "local")]
    prods = warehouse.table("product").to_pyarrow().to_pylist()
    assert len(prods) == 12 and all(p["category_id"] in {"601480", "601481", "601482"} for p in prods)
    assert all(p["shop_id"] == "7495540735365777507" and p["market"] == "VN" for p in prods)
    cats = {r["category_id"]: r for r in warehouse.table("category").to_pyarrow().to_pylist()}
    assert cats["601466"]["parent_id"] == "601450" and cats["601450"]["parent_id"] is None
    assert cats["601480"]["level"] == 3

    # finance
    assert warehouse.count("finance_statement") == 4
    assert warehouse.count("finance_transaction") == 20
    tx = warehouse.table("finance_transaction").to_pyarrow().to_pylist()[0]
    assert tx["platform_commission"] == Decimal("-20000") and tx["currency"] == "VND"

    # analytics, one row per day
    daily = warehouse.table("own_shop_daily").order_by("date").to_pyarrow().to_pylist()
    assert [d["date"] for d in daily] == [first + timedelta(days=i) for i in range(5)]
    assert daily[0]["gmv"] == Decimal("1000000") and daily[4]["orders"] == 14 and daily[0]["currency"] == "VND"
    assert warehouse.count("own_product_daily") == 15
    pd = warehouse.table("own_product_daily").to_pyarrow().to_pylist()[0]
    assert pd["video_gmv"] == Decimal("100000") and pd["live_gmv"] == Decimal("50000")
    assert warehouse.count("own_video") == 10
    assert warehouse.count("own_live") == 5

    # lineage
    runs = warehouse.table("ingest_run").to_pyarrow().to_pylist()
    assert runs[-1]["kind"] == "sync" and runs[-1]["status"] == "ok"
    assert runs[-1]["rows_in"] == runs[-1]["loaded"] + runs[-1]["duplicates"] + runs[-1]["quarantined"]


def test_second_sync_is_incremental_and_updates_in_place(fake, creds_file, config, warehouse) -> None:
    now = int(time.time())
    shop = next(iter(fake.shops.values()))
    fill_orders(shop, 40, now - 5 * DAY, now - 600)
    sync(warehouse, credentials=creds_file, config=config, resources=["orders"])
    before = len(fake.log)
    # one order changes status, one new order arrives
    changed = shop.orders[3]
    changed["update_time"] = int(time.time()) - 1
    for li in changed["line_items"]:
        li["display_status"] = "CANCELLED"
    shop.orders.append(make_order(999, now - 100, int(time.time()) - 1))
    time.sleep(1.1)
    report = sync(warehouse, credentials=creds_file, config=config, resources=["orders"])
    searches = [r for r in fake.log[before:] if r.path.endswith("/orders/search")]
    # only the recent window was asked for (the last sync's end minus the overlap), not the history again
    assert searches and all(r.body["update_time_ge"] >= now - 3600 for r in searches)
    c = report.counts["orders"]
    assert c.loaded == len(changed["line_items"]) + 1 and c.quarantined == 0
    keys = _keys(warehouse, "order_line", "order_id", "line_id")
    assert len(keys) == len(set(keys)) and set(keys) == _lines_expected(fake)
    st = {r["order_id"]: r["status"] for r in warehouse.table("order_line").to_pyarrow().to_pylist()}
    assert st[changed["id"]] == "CANCELLED"


def test_bad_records_go_to_quarantine(fake, creds_file, config, warehouse) -> None:
    now = int(time.time())
    shop = next(iter(fake.shops.values()))
    fill_orders(shop, 5, now - 2 * DAY, now - 600)
    shop.orders[1]["line_items"][0]["sale_price"] = "12,5O0"
    shop.orders[2]["line_items"] = []
    shop.orders[3]["create_time"] = 99
    report = sync(warehouse, credentials=creds_file, config=config, resources=["orders"])
    c = report.counts["orders"]
    assert c.quarantined == len(shop.orders[1]["line_items"]) + 1 + len(shop.orders[3]["line_items"])
    assert report.balanced
    q = warehouse.table("quarantine").to_pyarrow().to_pylist()
    assert sorted(r["reason_code"] for r in q) == ["bad_money", "bad_time", "no_lines"]
    assert all("REDACTED" not in r["record"] and "recipient_address" not in r["record"] for r in q)
    assert any("12,5O0" in r["reason"] for r in q)
    got = {r[0] for r in _keys(warehouse, "order_line", "order_id")}
    assert got == {shop.orders[i]["id"] for i in (0, 4)}


def test_unknown_shop_and_resource_are_usage_errors(fake, creds_file, config, warehouse) -> None:
    with pytest.raises(UsageError) as e:
        sync(warehouse, shop="nope", credentials=creds_file, config=config)
    assert "7495540735365777507" in str(e.value)
    with pytest.raises(UsageError):
        sync(warehouse, resources=["orderz"], credentials=creds_file, config=config)
    with pytest.raises(UsageError):
        sync(warehouse, since="last tuesday", credentials=creds_file, config=config)
