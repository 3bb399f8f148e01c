"""A loopback server that implements the TikTok Shop Partner API's contract, for the tests.

It is written from the research notes (../shared/research/tiktok-shop-api.md), not from the
client: it recomputes every request's signature with its own code, checks the timestamp
window (5 minutes back, 30 seconds ahead), the app key, the access token (expiry, scopes) and
the shop cipher (required on shop endpoints, refused on /authorization), pages results with
a cursor ``page_token`` (base64 with ``+``, ``/`` and ``=``), throttles per token, and
injects faults on demand: 429 with Retry-After, the rate-limit code, 500, timeouts,
truncated and malformed JSON, expired tokens, any error code.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

SCOPES_ALL = frozenset({"seller.order.info", "seller.product.basic", "seller.finance.info",
                        "data.shop_analytics.public.read", "seller.authorization.info"})


def reference_sign(secret: str, path: str, params: dict[str, str], body: bytes) -> str:
    """The documented algorithm, written independently of shopradar's client."""
    keys = sorted(k for k in params if k not in ("sign", "access_token"))
    base = path
    for k in keys:
        base += k + params[k]
    if body:
        base += body.decode("utf-8")
    msg = (secret + base + secret).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()


@dataclass
class Fault:
    match: str
    kind: str
    times: int = 1
    code: int = 0
    message: str = ""


@dataclass
class Logged:
    method: str
    path: str
    query: dict[str, str]
    status: int
    code: int | None
    token: str | None
    body: Any = None


@dataclass
class ShopData:
    shop: dict[str, str]
    orders: list[dict[str, Any]] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    transactions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    shop_days: dict[str, dict[str, Any]] = field(default_factory=dict)
    product_days: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    video_days: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lives: list[dict[str, Any]] = field(default_factory=list)
    latest_available_date: str | None = None


class ApiFail(Exception):
    def __init__(self, code: int, message: str, status: int = 200, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.headers = code, message, status, headers or {}


class FakeTikTok:
    """State and rules of the fake API; ``start()`` serves it on 127.0.0.1 in a thread."""

    def __init__(self, app_key: str = "fakeappkey01", app_secret: str | None = None) -> None:
        self.app_key = app_key
        self.app_secret = app_secret or "sec-" + secrets.token_hex(12)
        self.access_ttl = 7 * 86400
        self.refresh_ttl = 365 * 86400
        self.shops: dict[str, ShopData] = {}  # by cipher
        self.auth_codes: dict[str, frozenset[str]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.log: list[Logged] = []
        self.max_per_second: int | None = None
        self.retry_after = "1"
        self.delay = 0.0
        self.timeout_sleep = 3.0
        self.slim_search = True
        self.max_page_size = 100
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.RLock()
        self._local = threading.local()
        self._httpd: ThreadingHTTPServer | None = None

    # -- setup ---------------------------------------------------------------------------
    def add_shop(self, shop_id: str, name: str, region: str, seller_type: str = "LOCAL") -> ShopData:
        cipher = "ROW_" + base64.b64encode(secrets.token_bytes(18)).decode().replace("=", "")
        data = ShopData({"id": shop_id, "name": name, "region": region, "seller_type": seller_type,
                         "cipher": cipher, "code": "VN" + shop_id[-6:]})
        self.shops[cipher] = data
        return data

    def issue_code(self, scopes: frozenset[str] = SCOPES_ALL) -> str:
        code = "code-" + secrets.token_urlsafe(16)
        self.auth_codes[code] = scopes
        return code

    def issue_tokens(self, scopes: frozenset[str] = SCOPES_ALL, access_ttl: int | None = None) -> dict[str, Any]:
        now = int(time.time())
        access, refresh = "act." + secrets.token_urlsafe(24), "rft." + secrets.token_urlsafe(24)
        ttl = self.access_ttl if access_ttl is None else access_ttl
        self.tokens[access] = {"expires": now + ttl, "scopes": scopes}
        self.refresh_tokens[refresh] = {"expires": now + self.refresh_ttl, "scopes": scopes}
        return {"access_token": access, "access_token_expire_in": now + ttl, "refresh_token": refresh,
                "refresh_token_expire_in": now + self.refresh_ttl, "open_id": "open-1", "seller_name": "Fake Seller",
                "seller_base_region": "VN", "user_type": 0, "granted_scopes": sorted(scopes)}

    def expire_all_access_tokens(self) -> None:
        for info in self.tokens.values():
            info["expires"] = int(time.time()) - 1

    def fail(self, match: str, kind: str, times: int = 1, code: int = 0, message: str = "") -> None:
        with self._lock:
            self.faults.append(Fault(match, kind, times, code, message))

    def requests_to(self, fragment: str) -> list[Logged]:
        return [r for r in list(self.log) if fragment in r.path]

    # -- serving ---------------------------------------------------------------------------
    def start(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                server._handle(self, "GET")

            def do_POST(self) -> None:
                server._handle(self, "POST")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.times > 0 and f.match in path:
                    f.times -= 1
                    return f
        return None

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        split = urlsplit(h.path)
        path = unquote(split.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        query = dict(pairs)
        length = int(h.headers.get("content-length") or 0)
        body = h.rfile.read(length) if length else b""
        self._local.body = body
        token = h.headers.get("x-tts-access-token")
        if self.delay:
            time.sleep(self.delay)
        fault = self._take_fault(path)
        if fault and fault.kind == "timeout":
            time.sleep(self.timeout_sleep)
            self._log(method, path, query, 0, None, token)
            h.close_connection = True
            return
        if fault and fault.kind == "truncated":
            payload = json.dumps({"code": 0, "message": "Success", "data": {"orders": [{"id": "1"}] * 50}}).encode()
            h.send_response(200)
            h.send_header("content-type", "application/json")
            h.send_header("content-length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload[: len(payload) // 2])
            h.wfile.flush()
            h.close_connection = True
            self._log(method, path, query, 200, None, token)
            return
        if fault and fault.kind == "malformed":
            self._send(h, 200, b'{"code":0,"message":"Success","data":{"orders":[{"id":"1",}', {})
            self._log(method, path, query, 200, None, token)
            return
        if fault and fault.kind == "html500":
            self._send(h, 500, b"<html><body>Internal Server Error</body></html>", {}, "text/html")
            self._log(method, path, query, 500, None, token)
            return
        try:
            if len(pairs) != len(query):
                raise ApiFail(36009004, "duplicate query parameter")
            if fault and fault.kind == "429":
                raise ApiFail(36009002, "Too many requests", 429, {"Retry-After": self.retry_after})
            if fault and fault.kind == "code":
                raise ApiFail(fault.code, fault.message or "injected", 200)
            if fault and fault.kind == "expire":
                with self._lock:
                    if token in self.tokens:
                        self.tokens[token]["expires"] = int(time.time()) - 1
            if path.startswith("/api/v2/token/"):
                data = self._token_endpoint(path, query)
            else:
                self._check_signed(path, query, body, token)
                data = self._route(method, path, query, body, token)
            payload = {"code": 0, "message": "Success", "request_id": secrets.token_hex(8), "data": data}
            self._send(h, 200, json.dumps(payload).encode(), {})
            self._log(method, path, query, 200, 0, token)
        except ApiFail as e:
            payload = {"code": e.code, "message": e.message, "request_id": secrets.token_hex(8), "data": None}
            self._send(h, e.status, json.dumps(payload).encode(), e.headers)
            self._log(method, path, query, e.status, e.code, token)

    def _log(self, method: str, path: str, query: dict[str, str], status: int, code: int | None,
             token: str | None) -> None:
        body = getattr(self._local, "body", b"")
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        with self._lock:
            self.log.append(Logged(method, path, query, status, code, token, parsed))

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, payload: bytes, headers: dict[str, str],
              ctype: str = "application/json") -> None:
        h.send_response(status)
        h.send_header("content-type", ctype)
        h.send_header("content-length", str(len(payload)))
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(payload)

    # -- rules -------------------------------------------------------------------------------
    def _token_endpoint(self, path: str, q: dict[str, str]) -> dict[str, Any]:
        if q.get("app_key") != self.app_key or q.get("app_secret") != self.app_secret:
            raise ApiFail(36009004, "invalid app_key or app_secret")
        with self._lock:
            if path == "/api/v2/token/get":
                if q.get("grant_type") != "authorized_code":
                    raise ApiFail(36009004, "invalid grant_type")
                scopes = self.auth_codes.pop(q.get("auth_code", ""), None)
                if scopes is None:
                    raise ApiFail(36004009, "auth_code is invalid or used")
                return self.issue_tokens(scopes)
            if path == "/api/v2/token/refresh":
                if q.get("grant_type") != "refresh_token":
                    raise ApiFail(36009004, "invalid grant_type")
                info = self.refresh_tokens.pop(q.get("refresh_token", ""), None)
                if info is None or info["expires"] <= time.time():
                    raise ApiFail(105003, "refresh_token is invalid or expired")
                return self.issue_tokens(info["scopes"])
        raise ApiFail(36009009, "invalid path", 404)

    def _check_signed(self, path: str, q: dict[str, str], body: bytes, token: str | None) -> None:
        if q.get("app_key") != self.app_key:
            raise ApiFail(36009004, "invalid app_key")
        try:
            ts = int(q.get("timestamp", ""))
        except ValueError:
            raise ApiFail(36009004, "timestamp is required") from None
        now = time.time()
        if not (now - 300 <= ts <= now + 30):
            raise ApiFail(36009004, "Invalid timestamp: request expired")
        if "access_token" in q:
            raise ApiFail(36009004, "access_token must be sent in the x-tts-access-token header")
        if q.get("sign") != reference_sign(self.app_secret, path, q, body):
            raise ApiFail(106001, "Invalid credentials: signature is invalid")
        info = self.tokens.get(token or "")
        if info is None:
            raise ApiFail(105001, "access token is invalid")
        if info["expires"] <= now:
            raise ApiFail(105002, "access token is expired")
        if self.max_per_second:
            with self._lock:
                hits = self._hits.setdefault(token or "", deque())
                while hits and hits[0] < now - 1:
                    hits.popleft()
                if len(hits) >= self.max_per_second:
                    raise ApiFail(36009002, "Too many requests", 429, {"Retry-After": self.retry_after})
                hits.append(now)
        module = path.strip("/").split("/")[0]
        need = {"order": "seller.order.info", "product": "seller.product.basic",
                "finance": "seller.finance.info",
                "analytics": "data.shop_analytics.public.read",
                "authorization": "seller.authorization.info"}.get(module)
        if need and need not in info["scopes"]:
            raise ApiFail(105005, f"access denied: scope {need} is not authorized")

    def _shop(self, q: dict[str, str]) -> ShopData:
        cipher = q.get("shop_cipher")
        if not cipher:
            raise ApiFail(106013, "shop_cipher is required")
        if cipher not in self.shops:
            raise ApiFail(101000, "shop_cipher does not match the token")
        return self.shops[cipher]

    @staticmethod
    def _json(body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiFail(36009004, "body is not JSON") from None
        if not isinstance(data, dict):
            raise ApiFail(36009004, "body is not an object")
        return data

    def _page(self, items: list[dict[str, Any]], q: dict[str, str], key: Any, fp: str) -> tuple[list[Any], str]:
        """Cursor pagination over ``items`` sorted by ``key``; tokens are bound to the query (fp)."""
        try:
            size = int(q.get("page_size", ""))
        except ValueError:
            raise ApiFail(36009004, "page_size is required") from None
        if not 1 <= size <= self.max_page_size:
            raise ApiFail(36009004, "page_size out of range")
        items = sorted(items, key=key)
        tok = q.get("page_token")
        if tok:
            try:
                raw = json.loads(base64.b64decode(tok.encode(), validate=True)[2:])
            except ValueError:
                raise ApiFail(36009004, "invalid page_token") from None
            if raw.get("fp") != fp:
                raise ApiFail(36009004, "page_token does not belong to this query")
            after = tuple(raw["after"])
            items = [i for i in items if tuple(key(i)) > after]
        page, rest = items[:size], items[size:]
        nxt = ""
        if rest:
            blob = b"\xfb\xff" + json.dumps({"fp": fp, "after": list(key(page[-1]))}).encode()
            nxt = base64.b64encode(blob).decode()
        return page, nxt

    def _route(self, method: str, path: str, q: dict[str, str], body: bytes, token: str | None) -> dict[str, Any]:
        parts = path.strip("/").split("/")
        if path == "/authorization/202309/shops" and method == "GET":
            if "shop_cipher" in q:
                raise ApiFail(36009004, "Unexpected identifier: shop_cipher")
            return {"shops": [copy.deepcopy(s.shop) for s in self.shops.values()]}
        if path == "/order/202309/orders/search" and method == "POST":
            shop = self._shop(q)
            f = self._json(body)
            if q.get("sort_field", "update_time") != "update_time":
                raise ApiFail(36009004, "unsupported sort_field")
            with self._lock:
                items = [o for o in shop.orders
                         if f.get("update_time_ge", 0) <= o["update_time"] < f.get("update_time_lt", 2**62)]
                page, nxt = self._page(items, q, lambda o: (o["update_time"], o["id"]),
                                       f"o{f.get('update_time_ge')}-{f.get('update_time_lt')}")
                page = copy.deepcopy(page)
            if self.slim_search:
                page = [{k: o[k] for k in ("id", "status", "create_time", "update_time")} for o in page]
            return {"orders": page, "next_page_token": nxt, "total_count": len(items)}
        if path == "/order/202309/orders" and method == "GET":
            shop = self._shop(q)
            ids = [i for i in q.get("ids", "").split(",") if i]
            if not ids or len(ids) > 50:
                raise ApiFail(36009004, "ids must hold 1 to 50 order ids")
            with self._lock:
                by_id = {o["id"]: o for o in shop.orders}
                return {"orders": [copy.deepcopy(by_id[i]) for i in ids if i in by_id]}
        if path == "/product/202502/products/search" and method == "POST":
            shop = self._shop(q)
            f = self._json(body)
            items = [p for p in shop.products
                     if f.get("update_time_ge", 0) <= p["update_time"] <= f.get("update_time_le", 2**62)]
            page, nxt = self._page(items, q, lambda p: (p["update_time"], p["id"]),
                                   f"p{f.get('update_time_ge')}-{f.get('update_time_le')}")
            summary = [{k: p[k] for k in ("id", "title", "status", "create_time", "update_time", "skus")} for p in page]
            return {"products": copy.deepcopy(summary), "next_page_token": nxt, "total_count": len(items)}
        if parts[:3] == ["product", "202309", "products"] and len(parts) == 4 and method == "GET":
            shop = self._shop(q)
            for p in shop.products:
                if p["id"] == parts[3]:
                    return copy.deepcopy(p)
            raise ApiFail(12052048, "product not found")
        if path == "/finance/202309/statements" and method == "GET":
            shop = self._shop(q)
            if q.get("sort_field") != "statement_time":
                raise ApiFail(36009004, "sort_field is required")
            lo, hi = int(q.get("statement_time_ge", 0)), int(q.get("statement_time_lt", 2**62))
            items = [s for s in shop.statements if lo <= s["statement_time"] < hi]
            page, nxt = self._page(items, q, lambda s: (s["statement_time"], s["id"]), f"s{lo}-{hi}")
            return {"statements": copy.deepcopy(page), "next_page_token": nxt}
        if parts[:3] == ["finance", "202501", "statements"] and parts[4:] == ["statement_transactions"]:
            shop = self._shop(q)
            if not q.get("sort_field"):
                raise ApiFail(36009004, "sort_field is required")
            txs = shop.transactions.get(parts[3], [])
            page, nxt = self._page(txs, q, lambda t: (t.get("order_create_time", 0), t["id"]), f"t{parts[3]}")
            return {"id": parts[3], "transactions": copy.deepcopy(page), "next_page_token": nxt,
                    "total_count": len(txs)}
        if parts[0] == "analytics":
            shop = self._shop(q)
            try:
                lo, hi = date.fromisoformat(q["start_date_ge"]), date.fromisoformat(q["end_date_lt"])
            except (KeyError, ValueError):
                raise ApiFail(36009004, "start_date_ge and end_date_lt are required (YYYY-MM-DD)") from None
            days = [(lo + timedelta(days=i)).isoformat() for i in range((hi - lo).days)]
            if path == "/analytics/202405/shop/performance":
                ivs = [shop.shop_days[d] for d in days if d in shop.shop_days]
                return {"latest_available_date": shop.latest_available_date,
                        "performance": {"intervals": copy.deepcopy(ivs)}}
            if path == "/analytics/202405/shop_products/performance":
                items = [p for d in days for p in shop.product_days.get(d, [])]
                page, nxt = self._page(items, q, lambda p: (p["id"],), f"ap{lo}{hi}")
                return {"products": copy.deepcopy(page), "next_page_token": nxt, "latest_available_date":
                        shop.latest_available_date}
            if path == "/analytics/202405/shop_videos/performance":
                items = [v for d in days for v in shop.video_days.get(d, [])]
                page, nxt = self._page(items, q, lambda v: (v["id"],), f"av{lo}{hi}")
                return {"videos": copy.deepcopy(page), "next_page_token": nxt, "total_count": len(items)}
            if path == "/analytics/202509/shop_lives/performance":
                items = [s for s in shop.lives if s["_date"] in days]
                page, nxt = self._page(items, q, lambda s: (s["id"],), f"al{lo}{hi}")
                return {"live_stream_sessions": [{k: v for k, v in s.items() if k != "_date"} for s in page],
                        "next_page_token": nxt}
        raise ApiFail(36009009, "Invalid path", 404)
