"""Synthetic Partner API records in the documented shapes (orders follow the real VN sample's layout)."""

from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tts_server import FakeTikTok, ShopData


def write_credentials(path: Path, fake: FakeTikTok, tokens: dict | None = None, shops: bool = True) -> Path:
    data = {"app_key": fake.app_key, "app_secret": fake.app_secret, "service_id": "svc-1"}
    if tokens:
        data.update({k: tokens[k] for k in ("access_token", "refresh_token")})
        data["access_token_expires_at"] = tokens["access_token_expire_in"]
        data["refresh_token_expires_at"] = tokens["refresh_token_expire_in"]
    if shops:
        data["shops"] = [s.shop for s in fake.shops.values()]
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh)
    return path


def make_order(n: int, create: int, update: int, lines: int = 1, currency: str = "VND",
               status: str = "COMPLETED") -> dict[str, Any]:
    oid = str(580000000000000000 + n)
    items = []
    for k in range(lines):
        price = 100000 + 1000 * ((n + k) % 50)
        disc = 10000 * ((n + k) % 3)
        items.append({
            "id": f"{oid}{k:02d}", "product_id": f"17300000000000{(n + k) % 7:04d}",
            "sku_id": f"1731{(n + k) % 11:012d}",
            "seller_sku": f"SKU-{(n + k) % 11}", "product_name": f"Phụ kiện {(n + k) % 7}", "sku_name": "Trắng",
            "original_price": str(price), "sale_price": str(price - disc), "seller_discount": str(disc),
            "platform_discount": "0", "currency": currency, "display_status": status, "is_gift": False,
            "package_id": "1169" + oid[-10:], "package_status": status, "sku_type": "NORMAL",
        })
    return {
        "id": oid, "status": status, "create_time": create, "update_time": update,
        "paid_time": create + 60, "line_items": items,
        "payment": {"currency": currency, "sub_total": str(sum(int(i["sale_price"]) for i in items)),
                    "shipping_fee": "15000", "total_amount": "0"},
        "recipient_address": {"region_code": "VN", "name": "REDACTED"},
        "fulfillment_type": "FULFILLMENT_BY_SELLER", "is_cod": True,
    }


def fill_orders(shop: ShopData, count: int, start: int, end: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    for n in range(count):
        create = rnd.randrange(start, end)
        update = min(end - 1, create + rnd.randrange(0, 3 * 86400))
        shop.orders.append(make_order(n, create, update, lines=1 + n % 3))


def fill_products(shop: ShopData, count: int, start: int, end: int) -> None:
    for n in range(count):
        t = start + (end - start) * n // max(count, 1)
        pid = f"17300000000000{n:04d}"
        shop.products.append({
            "id": pid, "title": f"Phụ kiện {n}", "status": "ACTIVATE", "create_time": t, "update_time": t + 10,
            "category_chains": [
                {"id": "601450", "parent_id": "0", "local_name": "Điện thoại & Máy tính bảng", "is_leaf": False},
                {"id": "601466", "parent_id": "601450", "local_name": "Phụ kiện điện thoại", "is_leaf": False},
                {"id": f"60148{n % 3}", "parent_id": "601466", "local_name": f"Sạc {n % 3}", "is_leaf": True},
            ],
            "brand": {"id": "7000", "name": "1HORA"},
            "skus": [{"id": f"1731{n:012d}", "seller_sku": f"SKU-{n}", "price": {"amount": "99000", "currency": "VND",
                                                                           "sale_price": "89000"}}],
            "product_attributes": [{"id": "100", "name": "Cổng", "values": [{"id": "1", "name": "USB-C"}]}],
        })


def fill_finance(shop: ShopData, count: int, start: int) -> None:
    for n in range(count):
        sid = f"77{n:08d}"
        shop.statements.append({"id": sid, "statement_time": start + n * 86400, "settlement_amount": "1000000",
                                "currency": "VND", "revenue_amount": "1200000", "fee_amount": "-200000",
                                "adjustment_amount": "0", "shipping_cost_amount": "0", "net_sales_amount": "1200000",
                                "payment_status": "PAID", "payment_id": f"p{n}",
                                "payment_time": start + n * 86400 + 3600})
        shop.transactions[sid] = [{
            "id": f"{sid}{k:03d}", "type": "ORDER", "order_id": str(580000000000000000 + k),
            "order_create_time": start + k, "settlement_amount": "200000", "revenue_amount": "240000",
            "shipping_cost_amount": "0", "fee_tax_amount": "-40000", "adjustment_amount": "0", "reserve_amount": "0",
            "fee_tax_breakdown": {"fee": {"platform_commission_amount": "-20000", "referral_fee_amount": "-10000",
                                          "transaction_fee_amount": "-5000", "affiliate_commission_amount": "-5000"},
                                  "tax": {}},
        } for k in range(5)]


def fill_analytics(shop: ShopData, first: date, days: int) -> None:
    for i in range(days):
        d = (first + timedelta(days=i)).isoformat()
        shop.shop_days[d] = {"start_date": d, "end_date": d, "sales": {
            "gmv": {"amount": str(1000000 + i), "currency": "VND"}, "orders_count": 10 + i, "items_sold": 12 + i,
            "customers_count": 9, "avg_order_value": {"amount": "100000", "currency": "VND"},
            "refunds": {"amount": "0", "currency": "VND"}, "live_gmv": {"amount": "200000", "currency": "VND"},
            "video_gmv": {"amount": "300000", "currency": "VND"},
            "product_card_gmv": {"amount": str(500000 + i), "currency": "VND"}},
            "traffic": {"page_views": 900, "visitors": 400}}
        shop.product_days[d] = [{
            "id": f"17300000000000{k:04d}",
            "total_performance": {"gmv": {"amount": "300000", "currency": "VND"}, "orders": 3, "items_sold": 4,
                                  "product_impressions": 1000, "product_clicks": 50},
            "seller_video_performance": {"gmv": {"amount": "100000", "currency": "VND"}},
            "affiliate_live_performance": {"gmv": {"amount": "50000", "currency": "VND"}},
        } for k in range(3)]
        shop.video_days[d] = [{"id": f"73{i:03d}{k}", "title": "Sạc nhanh 20W", "username": "1hora.vn",
                               "video_post_time": f"{d}T08:00:00Z", "duration": 31, "views": 5000, "likes": 100,
                               "comments": 4, "shares": 2, "gmv": {"amount": "120000", "currency": "VND"},
                               "items_sold": 2, "sku_orders": 2, "product_impressions": 800, "product_clicks": 40,
                               "products": [{"id": "173000000000000000"}]} for k in range(2)]
        shop.lives.append({"_date": d, "id": f"74{i:04d}", "title": "Live sale", "start_time": 0, "end_time": 0,
                           "creator": {"username": "1hora.vn"},
                           "sales_performance": {"gmv": {"amount": "400000", "currency": "VND"}, "items_sold": 5,
                                                 "sku_orders": 4, "customers": 4},
                           "traffic": {"views": 3000, "viewers": 1200},
                           "interaction_performance": {"likes": 300, "comments": 20, "shares": 3}})
    shop.latest_available_date = (first + timedelta(days=days - 1)).isoformat()
