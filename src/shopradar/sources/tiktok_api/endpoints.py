"""The Partner API endpoints the sync uses, each with its method, versioned path and scope.

Versions are per endpoint (``/{module}/{YYYYMM}/{resource}``); override one with
``SHOPRADAR_TIKTOK_ENDPOINTS="orders_search=/order/202507/orders/search,..."`` or the
``paths`` argument of :class:`~shopradar.sources.tiktok_api.client.ClientConfig` when TikTok
retires a version.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["ENDPOINTS", "Endpoint", "endpoint", "scope_for"]


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    shop_scoped: bool = True


ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("shops", "GET", "/authorization/202309/shops", shop_scoped=False),
    Endpoint("orders_search", "POST", "/order/202309/orders/search"),
    Endpoint("orders_detail", "GET", "/order/202309/orders"),
    Endpoint("products_search", "POST", "/product/202502/products/search"),
    Endpoint("product_detail", "GET", "/product/202309/products/{product_id}"),
    Endpoint("statements", "GET", "/finance/202309/statements"),
    Endpoint("statement_transactions", "GET", "/finance/202501/statements/{statement_id}/statement_transactions"),
    Endpoint("shop_performance", "GET", "/analytics/202405/shop/performance"),
    Endpoint("product_performance", "GET", "/analytics/202405/shop_products/performance"),
    Endpoint("video_performance", "GET", "/analytics/202405/shop_videos/performance"),
    Endpoint("live_performance", "GET", "/analytics/202509/shop_lives/performance"),
)}

ENV_ENDPOINTS = "SHOPRADAR_TIKTOK_ENDPOINTS"

# OAuth scope a seller must grant for each API module (from captured granted_scopes).
_SCOPES = {
    "order": "seller.order.info",
    "product": "seller.product.basic",
    "finance": "seller.finance.info",
    "analytics": "data.shop_analytics.public.read",
    "authorization": "seller.authorization.info",
}


def _overrides() -> dict[str, str]:
    out: dict[str, str] = {}
    for part in os.environ.get(ENV_ENDPOINTS, "").split(","):
        if "=" in part:
            k, v = part.split("=", 1)
            if v.strip().startswith("/"):
                out[k.strip()] = v.strip()
    return out


def endpoint(name: str, paths: dict[str, str] | None = None, **params: str) -> tuple[str, str, bool]:
    """``(method, path, shop_scoped)`` of a named endpoint, path parameters filled in."""
    ep = ENDPOINTS[name]
    path = (paths or {}).get(name) or _overrides().get(name) or ep.path
    from urllib.parse import quote

    return ep.method, path.format(**{k: quote(str(v), safe="") for k, v in params.items()}), ep.shop_scoped


def scope_for(path: str) -> tuple[str, str]:
    """``(module, scope)`` for an API path, e.g. ``('order', 'seller.order.info')``."""
    module = path.strip("/").split("/", 1)[0]
    return module, _SCOPES.get(module, "?")
