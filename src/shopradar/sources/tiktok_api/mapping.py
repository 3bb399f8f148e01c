"""API records → warehouse rows. Pure functions: a record maps to rows, or to a reason it can't.

Every field of the Order object is accounted for in :data:`ORDER_FIELDS` (its column in
``order_line`` or why it is not stored); docs/import.md shows the same table and a test
checks that every field of the real VN sample is listed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ORDER_FIELDS", "Bad", "MarketInfo", "category_rows", "local_date", "market_info", "money",
           "order_lines", "product_row", "shop_row"]

SOURCE = "tiktok_api"
_MAX_MONEY = Decimal("1e14")  # decimal(18,4)

# market → IANA time zone of the shop's dates (used when the warehouse has no `market` row).
MARKET_TZ = {
    "US": "America/Los_Angeles", "GB": "Europe/London", "IE": "Europe/Dublin", "DE": "Europe/Berlin",
    "FR": "Europe/Paris", "IT": "Europe/Rome", "ES": "Europe/Madrid", "MX": "America/Mexico_City",
    "BR": "America/Sao_Paulo", "JP": "Asia/Tokyo", "ID": "Asia/Jakarta", "MY": "Asia/Kuala_Lumpur",
    "PH": "Asia/Manila", "SG": "Asia/Singapore", "TH": "Asia/Bangkok", "VN": "Asia/Ho_Chi_Minh",
}


class Bad(Exception):
    """A record that cannot be mapped: ``code`` (machine) and ``detail`` (which field, what value)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class MarketInfo:
    code: str
    tz: ZoneInfo


def market_info(code: str, tz_name: str | None = None) -> MarketInfo:
    code = (code or "").upper()
    if code == "UK":
        code = "GB"
    name = tz_name or MARKET_TZ.get(code) or "UTC"
    try:
        return MarketInfo(code, ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError):
        return MarketInfo(code, ZoneInfo("UTC"))


def money(value: Any, field: str) -> Decimal | None:
    """A decimal amount from the API's string (or ``{amount, currency}``); None when absent."""
    if isinstance(value, dict):
        value = value.get("amount")
    if value is None or value == "":
        return None
    if isinstance(value, (bool, list, dict)):
        raise Bad("bad_money", f"{field}={_short(value)}")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise Bad("bad_money", f"{field}={_short(value)}") from None
    if not d.is_finite() or abs(d) >= _MAX_MONEY:
        raise Bad("absurd_money", f"{field}={_short(value)}")
    return d.quantize(Decimal("0.0001"))


def count(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Bad("bad_number", f"{field}={_short(value)}")
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise Bad("bad_number", f"{field}={_short(value)}") from None
    if f != f or f < 0 or f > 1e15 or f != int(f):
        raise Bad("bad_number", f"{field}={_short(value)}")
    return int(f)


def unix(value: Any, field: str, *, required: bool = False) -> datetime | None:
    """Naive UTC from Unix seconds; plausible years only."""
    if value is None or value == "" or value == 0:
        if required:
            raise Bad("missing_field", field)
        return None
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise Bad("bad_time", f"{field}={_short(value)}") from None
    if not 946684800 <= n < 4102444800:  # 2000-01-01 .. 2100-01-01
        raise Bad("bad_time", f"{field}={_short(value)}")
    return datetime.fromtimestamp(n, UTC).replace(tzinfo=None)


def local_date(ts: datetime | None, market: MarketInfo) -> date | None:
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC).astimezone(market.tz).date()


def text(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).replace("\x00", "").strip()
    return s or None


def _short(value: Any) -> str:
    s = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return s if len(s) <= 60 else s[:57] + "..."


def redacted(record: dict[str, Any]) -> str:
    """A record as JSON for the quarantine, with buyer personal data removed."""
    clean = {k: v for k, v in record.items() if k not in _PII}
    return json.dumps(clean, ensure_ascii=False, default=str, sort_keys=True)


_PII = frozenset({"recipient_address", "buyer_email", "user_id", "buyer_message", "cpf", "cpf_name"})

# Every field of the 202309 Order object: the order_line column it fills, or why it is not stored.
ORDER_FIELDS: dict[str, str] = {
    "id": "order_id",
    "status": "status (when the line has no display_status)",
    "create_time": "created_at (UTC) and order_date (market-local)",
    "update_time": "updated_at (UTC); drives incremental sync",
    "paid_time": "paid_at (UTC)",
    "cancel_reason": "cancel_reason (when the line has none)",
    "cancellation_initiator": "not stored: who cancelled (buyer/seller/system); cancel_reason keeps the reason",
    "cancel_time": "not stored: cancellation time (status and updated_at record the change)",
    "cancel_order_sla_time": "not stored: fulfilment deadline",
    "collection_due_time": "not stored: fulfilment deadline",
    "collection_time": "not stored: logistics time",
    "delivery_time": "not stored: logistics time",
    "rts_time": "not stored: ready-to-ship time",
    "rts_sla_time": "not stored: fulfilment deadline",
    "shipping_due_time": "not stored: fulfilment deadline",
    "tts_sla_time": "not stored: fulfilment deadline",
    "recommended_shipping_time": "not stored: fulfilment hint",
    "fulfillment_priority_level": "not stored: fulfilment hint",
    "commerce_platform": "not stored: always TIKTOK_SHOP for these orders",
    "order_type": "not stored: NORMAL / PRE_ORDER …",
    "is_sample_order": "not stored (sample orders keep status and amounts as given)",
    "is_replacement_order": "not stored",
    "is_exchange_order": "not stored",
    "is_on_hold_order": "not stored",
    "is_cod": "not stored: payment method",
    "payment_method_name": "not stored: payment method",
    "buyer_message": "not stored: buyer's free text (personal data)",
    "buyer_email": "not stored: personal data",
    "user_id": "not stored: buyer id (personal data)",
    "has_updated_recipient_address": "not stored",
    "delivery_option_id": "not stored: logistics",
    "delivery_option_name": "not stored: logistics",
    "delivery_type": "not stored: logistics",
    "fulfillment_type": "not stored: FULFILLMENT_BY_SELLER / _BY_TIKTOK (shop.fulfillment describes the shop)",
    "shipping_type": "not stored: logistics",
    "shipping_provider": "not stored: logistics",
    "shipping_provider_id": "not stored: logistics",
    "tracking_number": "not stored: logistics",
    "warehouse_id": "not stored: logistics",
    "split_or_combine_tag": "not stored: logistics",
    "packages": "not stored: logistics",
    "packages[].id": "not stored: logistics",
    "payment": "order totals; see payment.*",
    "payment.currency": "currency (when the line has none)",
    "payment.sub_total": "not stored: equals the sum of the lines' subtotal",
    "payment.total_amount": "not stored: sub_total + shipping_fee + tax",
    "payment.original_total_product_price": "not stored: equals the sum of the lines' unit_price",
    "payment.seller_discount": "not stored: equals the sum of the lines' seller_discount",
    "payment.platform_discount": "not stored: equals the sum of the lines' platform_discount",
    "payment.shipping_fee": "shipping_fee of the order's first line (0 on the other lines, so sums stay right)",
    "payment.original_shipping_fee": "not stored: shipping before discounts",
    "payment.shipping_fee_seller_discount": "not stored: shipping discount",
    "payment.shipping_fee_platform_discount": "not stored: shipping discount",
    "payment.shipping_fee_cofunded_discount": "not stored: shipping discount",
    "payment.tax": "not stored: tax",
    "payment.product_tax": "not stored: tax",
    "payment.shipping_fee_tax": "not stored: tax",
    "payment.retail_delivery_fee": "not stored: fee",
    "payment.buyer_service_fee": "not stored: fee",
    "payment.small_order_fee": "not stored: fee",
    "payment.handling_fee": "not stored: fee",
    "recipient_address": "personal data, not stored except region_code",
    "recipient_address.region_code": "market (when the shop's region is unknown)",
    "recipient_address.district_info": "not stored: buyer location",
    "recipient_address.district_info[].address_level": "not stored: buyer location",
    "recipient_address.district_info[].address_level_name": "not stored: buyer location",
    "recipient_address.district_info[].address_name": "not stored: buyer location",
    "recipient_address.district_info[].iso_code": "not stored: buyer location",
    **{f"recipient_address.{k}": "not stored: personal data" for k in (
        "address_detail", "address_line1", "address_line2", "address_line3", "address_line4", "first_name",
        "first_name_local_script", "last_name", "last_name_local_script", "full_address", "name",
        "phone_number", "postal_code")},
    "line_items": "one order_line row per element (the API gives one element per unit)",
    "line_items[].id": "line_id",
    "line_items[].product_id": "product_id",
    "line_items[].product_name": "product_name",
    "line_items[].sku_id": "sku_id",
    "line_items[].seller_sku": "seller_sku",
    "line_items[].sku_name": "not stored: variant name (sku_id identifies it)",
    "line_items[].sku_image": "not stored: image URL",
    "line_items[].sku_type": "not stored: NORMAL / PRE_ORDER",
    "line_items[].original_price": "unit_price",
    "line_items[].sale_price": "subtotal (quantity is 1)",
    "line_items[].seller_discount": "seller_discount",
    "line_items[].platform_discount": "platform_discount",
    "line_items[].currency": "currency",
    "line_items[].display_status": "status",
    "line_items[].cancel_reason": "cancel_reason",
    "line_items[].cancel_user": "not stored: who cancelled",
    "line_items[].is_gift": "not stored (a gift line has sale_price 0)",
    "line_items[].package_id": "not stored: logistics",
    "line_items[].package_status": "not stored: logistics",
    "line_items[].shipping_provider_id": "not stored: logistics",
    "line_items[].shipping_provider_name": "not stored: logistics",
    "line_items[].tracking_number": "not stored: logistics",
    "line_items[].rts_time": "not stored: ready-to-ship time",
    "line_items[].item_tax": "not stored: tax",
    "line_items[].combined_listing_skus": "not stored",
    "(none)": "quantity = 1 per line; channel = 'unknown' and creator_id = null (the Order API does not "
              "say); refund_amount = null (returns come from the Return API, not synced); source = "
              "'tiktok_api'; run_id = the sync run",
}


def order_lines(order: dict[str, Any], shop_id: str, market: MarketInfo, run_id: str) -> list[dict[str, Any]]:
    """The ``order_line`` rows of one order; raises :class:`Bad` when the order can't be used."""
    order_id = text(order.get("id"))
    if not order_id:
        raise Bad("missing_field", "id")
    created = unix(order.get("create_time"), "create_time", required=True)
    updated = unix(order.get("update_time"), "update_time") or created
    paid = unix(order.get("paid_time"), "paid_time")
    payment = order.get("payment") if isinstance(order.get("payment"), dict) else {}
    items = order.get("line_items")
    if not isinstance(items, list) or not items:
        raise Bad("no_lines", "line_items")
    region = market.code or text((order.get("recipient_address") or {}).get("region_code")) or ""
    shipping = money(payment.get("shipping_fee"), "payment.shipping_fee")
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, li in enumerate(sorted((i for i in items if isinstance(i, dict)), key=lambda i: str(i.get("id")))):
        line_id = text(li.get("id"))
        if not line_id:
            raise Bad("missing_field", f"line_items[{n}].id")
        if line_id in seen:
            raise Bad("duplicate_line", f"line_items[].id={line_id}")
        seen.add(line_id)
        rows.append({
            "order_id": order_id, "line_id": line_id, "shop_id": shop_id, "market": region,
            "product_id": text(li.get("product_id")), "sku_id": text(li.get("sku_id")),
            "seller_sku": text(li.get("seller_sku")), "product_name": text(li.get("product_name")),
            "created_at": created, "paid_at": paid, "order_date": local_date(created, market),
            "status": text(li.get("display_status")) or text(order.get("status")),
            "quantity": 1,
            "unit_price": money(li.get("original_price"), f"line_items[{n}].original_price"),
            "platform_discount": money(li.get("platform_discount"), f"line_items[{n}].platform_discount"),
            "seller_discount": money(li.get("seller_discount"), f"line_items[{n}].seller_discount"),
            "subtotal": money(li.get("sale_price"), f"line_items[{n}].sale_price"),
            "shipping_fee": shipping if n == 0 else (Decimal("0.0000") if shipping is not None else None),
            "refund_amount": None,
            "currency": text(li.get("currency")) or text(payment.get("currency")),
            "channel": "unknown", "creator_id": None,
            "cancel_reason": text(li.get("cancel_reason")) or text(order.get("cancel_reason")),
            "updated_at": updated, "source": SOURCE, "run_id": run_id,
        })
    if len(rows) != len(items):
        raise Bad("bad_line", "line_items[] holds a non-object")
    return rows


def product_row(product: dict[str, Any], shop_id: str, market: MarketInfo, run_id: str) -> dict[str, Any]:
    """The ``product`` row of one product (Get Product detail, or a search record)."""
    pid = text(product.get("id"))
    if not pid:
        raise Bad("missing_field", "id")
    chain = [c for c in product.get("category_chains") or [] if isinstance(c, dict)]
    leaf = next((c for c in chain if c.get("is_leaf")), chain[-1] if chain else None)
    created = unix(product.get("create_time"), "create_time")
    currency = None
    for sku in product.get("skus") or []:
        if isinstance(sku, dict):
            price = sku.get("price") or {}
            currency = text(price.get("currency")) or text((sku.get("list_price") or {}).get("currency"))
            if currency:
                break
    attrs: dict[str, Any] = {}
    for a in product.get("product_attributes") or []:
        if isinstance(a, dict) and a.get("name"):
            vals = [text(v.get("name")) for v in a.get("values") or [] if isinstance(v, dict)]
            attrs[str(a["name"])] = ", ".join(v for v in vals if v)
    brand = product.get("brand") if isinstance(product.get("brand"), dict) else {}
    return {
        "product_id": pid, "market": market.code, "shop_id": shop_id,
        "category_id": text(leaf.get("id")) if leaf else None, "title": text(product.get("title")),
        "brand": text(brand.get("name")), "price_tier": None,
        "attributes": json.dumps(attrs, ensure_ascii=False, sort_keys=True) if attrs else None,
        "launch_date": local_date(created, market), "currency": currency, "source": SOURCE, "run_id": run_id,
    }


def category_rows(product: dict[str, Any]) -> list[dict[str, Any]]:
    """The category chain of a product as ``category`` rows (the API gives local-language names)."""
    rows = []
    chain = [c for c in product.get("category_chains") or [] if isinstance(c, dict) and text(c.get("id"))]
    for level, c in enumerate(chain, start=1):
        parent = text(c.get("parent_id"))
        rows.append({"category_id": text(c.get("id")), "parent_id": None if parent in (None, "0") else parent,
                     "level": level, "name_en": text(c.get("local_name")), "name_zh": None, "source": SOURCE})
    return rows


def shop_row(shop_id: str, name: str, market: str, seller_type: str, first_seen: date | None,
             run_id: str) -> dict[str, Any]:
    kind = {"LOCAL": "local", "CROSS_BORDER": "cross_border"}.get((seller_type or "").upper())
    return {"shop_id": shop_id, "market": market, "name": name or None, "seller_type": kind,
            "fulfillment": None, "brand_type": None, "is_own": True, "first_seen": first_seen,
            "source": SOURCE, "run_id": run_id}


# -- analytics and finance -------------------------------------------------------------------
def _get(d: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(part)
    return d


def _first(d: Any, *paths: str) -> Any:
    for p in paths:
        v = _get(d, p)
        if v is not None:
            return v
    return None


def _currency(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, dict) and text(v.get("currency")):
            return text(v.get("currency"))
    return None


def _msum(*values: Decimal | None) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0.0000")) if present else None


def iso_date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        raise Bad("bad_date", f"{field}={_short(value)}") from None


def shop_daily_rows(data: dict[str, Any], shop_id: str, market: MarketInfo, run_id: str,
                    synced_at: datetime) -> list[dict[str, Any]]:
    """``own_shop_daily`` rows from a shop performance answer with granularity 1D."""
    rows = []
    for iv in _get(data, "performance.intervals") or []:
        if not isinstance(iv, dict):
            raise Bad("bad_interval", "performance.intervals[]")
        day = iso_date(iv.get("start_date"), "start_date")
        s = iv.get("sales") if isinstance(iv.get("sales"), dict) else iv
        tr = iv.get("traffic") if isinstance(iv.get("traffic"), dict) else iv
        gmv_raw = s.get("gmv")
        rows.append({
            "shop_id": shop_id, "date": day, "market": market.code,
            "currency": _currency(gmv_raw, s.get("avg_order_value")),
            "gmv": money(gmv_raw, "gmv"), "orders": count(_first(s, "orders_count", "orders"), "orders"),
            "items_sold": count(_first(s, "items_sold", "units_sold"), "items_sold"),
            "customers": count(_first(s, "customers_count", "buyers"), "customers"),
            "avg_order_value": money(s.get("avg_order_value"), "avg_order_value"),
            "refunds": money(s.get("refunds"), "refunds"),
            "live_gmv": money(s.get("live_gmv"), "live_gmv"), "video_gmv": money(s.get("video_gmv"), "video_gmv"),
            "product_card_gmv": money(s.get("product_card_gmv"), "product_card_gmv"),
            "page_views": count(_first(tr, "page_views", "product_page_views"), "page_views"),
            "visitors": count(_first(tr, "visitors", "unique_visitors"), "visitors"),
            "synced_at": synced_at, "source": SOURCE, "run_id": run_id,
        })
    return rows


def product_daily_row(p: dict[str, Any], day: date, shop_id: str, market: MarketInfo, run_id: str,
                      synced_at: datetime) -> dict[str, Any]:
    pid = text(p.get("id"))
    if not pid:
        raise Bad("missing_field", "products[].id")
    tot = p.get("total_performance") if isinstance(p.get("total_performance"), dict) else {}
    sl, sv = _get(p, "seller_live_performance.gmv"), _get(p, "seller_video_performance.gmv")
    al, av = _get(p, "affiliate_live_performance.gmv"), _get(p, "affiliate_video_performance.gmv")
    sl_, sv_, al_, av_ = (money(v, f) for v, f in ((sl, "seller_live_performance.gmv"),
                                                   (sv, "seller_video_performance.gmv"),
                                                   (al, "affiliate_live_performance.gmv"),
                                                   (av, "affiliate_video_performance.gmv")))
    return {
        "shop_id": shop_id, "product_id": pid, "date": day, "market": market.code,
        "currency": _currency(tot.get("gmv"), sl, sv, al, av),
        "gmv": money(tot.get("gmv"), "total_performance.gmv"),
        "orders": count(tot.get("orders"), "total_performance.orders"),
        "items_sold": count(tot.get("items_sold"), "total_performance.items_sold"),
        "impressions": count(tot.get("product_impressions"), "total_performance.product_impressions"),
        "clicks": count(tot.get("product_clicks"), "total_performance.product_clicks"),
        "live_gmv": _msum(sl_, al_), "video_gmv": _msum(sv_, av_), "affiliate_gmv": _msum(al_, av_),
        "synced_at": synced_at, "source": SOURCE, "run_id": run_id,
    }


def _time(value: Any, field: str) -> datetime | None:
    if isinstance(value, str) and not value.strip().isdigit():
        try:
            dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise Bad("bad_time", f"{field}={_short(value)}") from None
        return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt
    return unix(value, field)


def video_row(v: dict[str, Any], day: date, shop_id: str, market: MarketInfo, run_id: str,
              synced_at: datetime) -> dict[str, Any]:
    vid = text(v.get("id"))
    if not vid:
        raise Bad("missing_field", "videos[].id")
    products = [text(p.get("id")) for p in v.get("products") or [] if isinstance(p, dict)]
    return {
        "shop_id": shop_id, "video_id": vid, "date": day, "market": market.code,
        "title": text(v.get("title")), "username": text(v.get("username")),
        "posted_at": _time(v.get("video_post_time"), "video_post_time"),
        "duration_s": count(v.get("duration"), "duration"),
        "views": count(v.get("views"), "views"), "likes": count(v.get("likes"), "likes"),
        "comments": count(v.get("comments"), "comments"), "shares": count(v.get("shares"), "shares"),
        "currency": _currency(v.get("gmv")), "gmv": money(v.get("gmv"), "gmv"),
        "items_sold": count(v.get("items_sold"), "items_sold"), "sku_orders": count(v.get("sku_orders"), "sku_orders"),
        "impressions": count(v.get("product_impressions"), "product_impressions"),
        "clicks": count(v.get("product_clicks"), "product_clicks"),
        "product_ids": ",".join(p for p in products if p) or None,
        "synced_at": synced_at, "source": SOURCE, "run_id": run_id,
    }


def live_row(s: dict[str, Any], shop_id: str, market: MarketInfo, run_id: str, synced_at: datetime) -> dict[str, Any]:
    lid = text(s.get("id"))
    if not lid:
        raise Bad("missing_field", "live_stream_sessions[].id")
    started = _time(s.get("start_time"), "start_time")
    sales = s.get("sales_performance") if isinstance(s.get("sales_performance"), dict) else {}
    traffic = s.get("traffic") if isinstance(s.get("traffic"), dict) else {}
    inter = s.get("interaction_performance") if isinstance(s.get("interaction_performance"), dict) else {}
    creator = s.get("creator")
    username = text(creator.get("username") or creator.get("nickname")) if isinstance(creator, dict) else text(creator)
    return {
        "shop_id": shop_id, "live_id": lid, "date": local_date(started, market), "market": market.code,
        "title": text(s.get("title")), "username": username, "started_at": started,
        "ended_at": _time(s.get("end_time"), "end_time"), "currency": _currency(sales.get("gmv")),
        "gmv": money(sales.get("gmv"), "sales_performance.gmv"),
        "items_sold": count(sales.get("items_sold"), "sales_performance.items_sold"),
        "sku_orders": count(sales.get("sku_orders"), "sales_performance.sku_orders"),
        "customers": count(sales.get("customers"), "sales_performance.customers"),
        "views": count(traffic.get("views"), "traffic.views"),
        "viewers": count(traffic.get("viewers"), "traffic.viewers"),
        "likes": count(inter.get("likes"), "interaction_performance.likes"),
        "comments": count(inter.get("comments"), "interaction_performance.comments"),
        "shares": count(inter.get("shares"), "interaction_performance.shares"),
        "synced_at": synced_at, "source": SOURCE, "run_id": run_id,
    }


def statement_row(s: dict[str, Any], shop_id: str, market: MarketInfo, run_id: str,
                  synced_at: datetime) -> dict[str, Any]:
    sid = text(s.get("id"))
    if not sid:
        raise Bad("missing_field", "statements[].id")
    at = unix(s.get("statement_time"), "statement_time", required=True)
    row = {"statement_id": sid, "shop_id": shop_id, "market": market.code, "statement_at": at,
           "statement_date": local_date(at, market), "currency": text(s.get("currency")),
           "payment_status": text(s.get("payment_status")), "payment_id": text(s.get("payment_id")),
           "paid_at": unix(s.get("payment_time"), "payment_time"),
           "synced_at": synced_at, "source": SOURCE, "run_id": run_id}
    for f in ("settlement_amount", "revenue_amount", "fee_amount", "adjustment_amount", "shipping_cost_amount",
              "net_sales_amount"):
        row[f] = money(s.get(f), f)
    return row


def transaction_row(tx: dict[str, Any], statement_id: str, currency: str | None, shop_id: str, run_id: str,
                    synced_at: datetime) -> dict[str, Any]:
    tid = text(tx.get("id"))
    if not tid:
        raise Bad("missing_field", "transactions[].id")
    fee = _get(tx, "fee_tax_breakdown.fee") or {}
    breakdown = {k: v for k, v in tx.items() if k.endswith("_breakdown")}
    row = {"transaction_id": tid, "statement_id": statement_id, "shop_id": shop_id, "type": text(tx.get("type")),
           "order_id": text(tx.get("order_id")),
           "order_created_at": unix(tx.get("order_create_time"), "order_create_time"),
           "currency": text(tx.get("currency")) or currency,
           "platform_commission": money(fee.get("platform_commission_amount"), "platform_commission_amount"),
           "referral_fee": money(fee.get("referral_fee_amount"), "referral_fee_amount"),
           "transaction_fee": money(fee.get("transaction_fee_amount"), "transaction_fee_amount"),
           "affiliate_commission": money(fee.get("affiliate_commission_amount"), "affiliate_commission_amount"),
           "breakdown": json.dumps(breakdown, ensure_ascii=False, sort_keys=True) if breakdown else None,
           "synced_at": synced_at, "source": SOURCE, "run_id": run_id}
    for f in ("settlement_amount", "revenue_amount", "shipping_cost_amount", "fee_tax_amount", "adjustment_amount",
              "reserve_amount"):
        row[f] = money(tx.get(f), f)
    return row
