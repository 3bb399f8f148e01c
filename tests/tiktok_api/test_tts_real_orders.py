"""The real VN order sample (../shared/data/tts-api-orders-vn), served by the loopback API and synced."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopradar.sources.tiktok_api import SyncOptions, sync
from shopradar.sources.tiktok_api.mapping import ORDER_FIELDS

pytestmark = pytest.mark.shared_data
REPO = Path(__file__).resolve().parents[2]
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _files(shared_data: Path) -> list[Path]:
    folder = shared_data / "tts-api-orders-vn"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return sorted(folder.glob("orders*.json"))


def _latest(files: list[Path]) -> dict[str, dict]:
    """Newest version of each order across snapshot files (by update_time, then file order)."""
    out: dict[str, dict] = {}
    for f in files:
        for o in json.loads(f.read_text(encoding="utf-8")):
            if o["id"] not in out or o["update_time"] >= out[o["id"]]["update_time"]:
                out[o["id"]] = o
    return out


def _paths(value, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            p = f"{prefix}.{k}" if prefix else k
            found.add(p)
            found |= _paths(v, p)
    elif isinstance(value, list):
        for v in value:
            found |= _paths(v, prefix + "[]")
    return found


def test_every_field_of_the_sample_is_accounted_for(shared_data: Path) -> None:
    fields = set()
    for o in _latest(_files(shared_data)).values():
        fields |= _paths(o)
    assert fields, "no fields read"
    missing = sorted(f for f in fields if f not in ORDER_FIELDS)
    assert missing == []
    doc = (REPO / "docs" / "import.md").read_text(encoding="utf-8")
    section = doc.split("## TikTok Shop Partner API orders", 1)[1]
    undocumented = sorted(f for f in fields if f"`{f}`" not in section)
    assert undocumented == []


def test_real_orders_sync_into_order_line(shared_data: Path, fake, creds_file, config, warehouse) -> None:
    files = _files(shared_data)
    shop = next(iter(fake.shops.values()))
    early = [f for f in files if f.name <= "orders_20250903_123153.json"]
    shop.orders = list(_latest(early).values())
    fake.slim_search = True
    opts = SyncOptions(window_days=30)
    sync(warehouse, since="2025-08-01", credentials=creds_file, config=config, resources=["orders"], options=opts)
    rows = {r["order_id"]: r for r in warehouse.table("order_line").to_pyarrow().to_pylist()}
    assert rows["580192618811786899"]["status"] == "AWAITING_SHIPMENT"

    latest = _latest(files)
    shop.orders = list(latest.values())
    report = sync(warehouse, since="2025-08-01", credentials=creds_file, config=config, resources=["orders"],
                  options=opts)
    assert report.balanced and report.counts["orders"].quarantined == 0
    lines = warehouse.table("order_line").to_pyarrow().to_pylist()
    keys = [(r["order_id"], r["line_id"]) for r in lines]
    assert len(keys) == len(set(keys)) == sum(len(o["line_items"]) for o in latest.values())
    assert report.counts["orders"].duplicates > 0  # unchanged orders were recognised, not rewritten

    by_order = {r["order_id"]: r for r in lines}
    for oid, o in latest.items():
        r, li = by_order[oid], o["line_items"][0]
        created = datetime.fromtimestamp(o["create_time"], UTC)
        assert r["line_id"] == li["id"] and r["product_id"] == li["product_id"] and r["sku_id"] == li["sku_id"]
        assert r["seller_sku"] == li["seller_sku"] and r["product_name"] == li["product_name"]
        assert r["created_at"] == created.replace(tzinfo=None)
        assert r["order_date"] == created.astimezone(VN).date()
        assert r["updated_at"] == datetime.fromtimestamp(o["update_time"], UTC).replace(tzinfo=None)
        assert r["paid_at"] == (datetime.fromtimestamp(o["paid_time"], UTC).replace(tzinfo=None)
                                if o.get("paid_time") else None)
        assert r["status"] == li["display_status"] and r["quantity"] == 1
        assert r["unit_price"] == Decimal(li["original_price"]) and r["subtotal"] == Decimal(li["sale_price"])
        assert r["seller_discount"] == Decimal(li["seller_discount"])
        assert r["platform_discount"] == Decimal(li["platform_discount"])
        assert r["shipping_fee"] == Decimal(o["payment"]["shipping_fee"])
        assert r["currency"] == "VND" and r["market"] == "VN" and r["shop_id"] == shop.shop["id"]
        assert r["cancel_reason"] == (li.get("cancel_reason") or o.get("cancel_reason") or None)
        assert r["channel"] == "unknown" and r["source"] == "tiktok_api"
    # the order created at 17:09 UTC belongs to the next Vietnamese day
    assert by_order["580192618811786899"]["order_date"].isoformat() == "2025-08-31"
    assert by_order["580192618811786899"]["status"] == "CANCELLED"
    # amounts add up to the order totals the API reports
    for oid, o in latest.items():
        assert sum(r["subtotal"] for r in lines if r["order_id"] == oid) == Decimal(o["payment"]["sub_total"])
    own = warehouse.table("shop").to_pyarrow().to_pylist()
    assert [(s["is_own"], s["market"]) for s in own] == [(True, "VN")]
