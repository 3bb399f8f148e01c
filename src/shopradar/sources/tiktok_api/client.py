"""A small Partner API client on httpx.

It signs every request (:func:`~shopradar.sources.tiktok_api.signing.sign`), refreshes the
access token before it expires (and once more when the API says it has), follows
``page_token`` pages, backs off exponentially on rate limits (HTTP 429 and code 36009002,
honouring ``Retry-After``) and retries 5xx answers, timeouts, dropped connections and
truncated or malformed JSON. Errors it cannot recover from become an :class:`ApiError`
whose message tells the seller what to do. Secrets never reach a message or a log line.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from shopradar.errors import ApiError, ConfigError
from shopradar.sources.tiktok_api.codes import RATE_LIMIT_CODES, RETRY_CODES, TOKEN_EXPIRED_CODES, api_error
from shopradar.sources.tiktok_api.credentials import Credentials
from shopradar.sources.tiktok_api.endpoints import endpoint
from shopradar.sources.tiktok_api.secrets import Secret, install_log_redaction
from shopradar.sources.tiktok_api.signing import sign

__all__ = ["DEFAULT_API_BASE", "DEFAULT_AUTH_BASE", "Client", "ClientConfig", "Page"]

log = logging.getLogger("shopradar.tiktok_api")

DEFAULT_API_BASE = "https://open-api.tiktokglobalshop.com"
DEFAULT_AUTH_BASE = "https://auth.tiktok-shops.com"
ENV_API_BASE = "SHOPRADAR_TIKTOK_API_BASE"
ENV_AUTH_BASE = "SHOPRADAR_TIKTOK_AUTH_BASE"


@dataclass
class ClientConfig:
    """Where to connect and how patiently. Bases default to ``$SHOPRADAR_TIKTOK_API_BASE`` /
    ``$SHOPRADAR_TIKTOK_AUTH_BASE``, then TikTok's hosts."""

    api_base: str = ""
    auth_base: str = ""
    timeout: float = 30.0
    max_retries: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 60.0
    refresh_margin: int = 600
    qps: float | None = 5.0
    paths: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.api_base = (self.api_base or os.environ.get(ENV_API_BASE) or DEFAULT_API_BASE).rstrip("/")
        self.auth_base = (self.auth_base or os.environ.get(ENV_AUTH_BASE) or DEFAULT_AUTH_BASE).rstrip("/")


@dataclass
class Page:
    items: list[dict[str, Any]]
    next_page_token: str | None
    page_token: str | None
    data: dict[str, Any]


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Client:
    """Signed calls to the Partner API for one app and one seller authorization."""

    def __init__(self, creds: Credentials, config: ClientConfig | None = None, *,
                 on_tokens: Callable[[Credentials], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 transport: httpx.BaseTransport | None = None) -> None:
        install_log_redaction()
        creds.require_app()
        self.creds = creds
        self.config = config or ClientConfig()
        self.on_tokens = on_tokens
        self._sleep = sleep
        self._clock = clock
        self._last_call = 0.0
        self._lock = threading.Lock()
        self.stats: dict[str, int] = {"requests": 0, "retries": 0, "rate_limited": 0, "refreshes": 0}
        self._http = httpx.Client(timeout=httpx.Timeout(self.config.timeout), transport=transport,
                                  follow_redirects=False, headers={"user-agent": "shopradar"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- tokens ---------------------------------------------------------------------------
    def _secret(self) -> str:
        assert self.creds.app_secret is not None
        return self.creds.app_secret.reveal()

    def _store_tokens(self, data: dict[str, Any]) -> None:
        try:
            access, refresh = str(data["access_token"]), str(data["refresh_token"])
        except (KeyError, TypeError):
            raise ApiError("tiktok_api.err.bad_token_response") from None
        c = self.creds
        c.access_token, c.refresh_token = Secret(access), Secret(refresh)
        c.access_token_expires_at = _as_int(data.get("access_token_expire_in"))
        c.refresh_token_expires_at = _as_int(data.get("refresh_token_expire_in"))
        c.seller_name = str(data.get("seller_name") or c.seller_name)
        c.seller_base_region = str(data.get("seller_base_region") or c.seller_base_region)
        if isinstance(data.get("granted_scopes"), list):
            c.granted_scopes = [str(s) for s in data["granted_scopes"]]
        if self.on_tokens:
            self.on_tokens(c)

    def get_token(self, auth_code: str) -> None:
        """Exchange an authorization code for tokens (stored on ``creds``, then ``on_tokens``)."""
        query = {"app_key": self.creds.app_key, "app_secret": self._secret(), "auth_code": auth_code,
                 "grant_type": "authorized_code"}
        Secret(auth_code)  # registered, so it is masked if it ever reached a log line
        data = self._call_unsigned("/api/v2/token/get", query)
        self._store_tokens(data)

    def refresh(self) -> None:
        """Trade the refresh token for a new pair; asks the seller to reconnect when it has expired."""
        c = self.creds
        now = self._clock()
        if not c.refresh_token or (c.refresh_token_expires_at and c.refresh_token_expires_at <= now):
            raise ApiError("tiktok_api.err.reconnect")
        query = {"app_key": c.app_key, "app_secret": self._secret(), "refresh_token": c.refresh_token.reveal(),
                 "grant_type": "refresh_token"}
        try:
            data = self._call_unsigned("/api/v2/token/refresh", query)
        except ApiError as exc:
            if exc.key in ("tiktok_api.gave_up",):
                raise
            raise ApiError("tiktok_api.err.reconnect") from None
        self.stats["refreshes"] += 1
        log.info("access token refreshed")
        self._store_tokens(data)

    def _ensure_token(self) -> str:
        c = self.creds
        exp = c.access_token_expires_at
        if not c.access_token or (exp is not None and exp - self._clock() < self.config.refresh_margin):
            if c.refresh_token:
                self.refresh()
            elif not c.access_token:
                raise ConfigError("tiktok_api.not_connected")
        assert c.access_token is not None
        return c.access_token.reveal()

    # -- calls ------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, query: dict[str, Any] | None = None, body: Any = None,
             shop_cipher: str | None = None) -> dict[str, Any]:
        """One signed API call; returns the envelope's ``data`` (``{}`` when null)."""
        refreshed = False
        attempt = 0
        while True:
            token = self._ensure_token()
            q = {k: str(v) for k, v in (query or {}).items() if v is not None}
            q["app_key"] = self.creds.app_key
            q["timestamp"] = str(int(self._clock()))
            if shop_cipher:
                q["shop_cipher"] = shop_cipher
            raw = b"" if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
            q["sign"] = sign(self._secret(), path, q, raw, "application/json")
            headers = {"content-type": "application/json", "x-tts-access-token": token}
            try:
                return self._once(method, self.config.api_base + path, path, q, raw, headers)
            except _TokenExpired:
                if refreshed or not self.creds.refresh_token:
                    raise ApiError("tiktok_api.err.token_expired", endpoint=path) from None
                refreshed = True
                self.refresh()
            except _Retry as r:
                attempt += 1
                self._backoff(path, r, attempt)

    def _call_unsigned(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        attempt = 0
        while True:
            try:
                return self._once("GET", self.config.auth_base + path, path, query, b"", {})
            except _TokenExpired:
                raise ApiError("tiktok_api.err.reconnect") from None
            except _Retry as r:
                attempt += 1
                self._backoff(path, r, attempt)

    def _backoff(self, path: str, r: _Retry, attempt: int) -> None:
        if attempt > self.config.max_retries:
            from shopradar.i18n import t

            raise ApiError("tiktok_api.gave_up", endpoint=path, attempts=attempt,
                           reason=t(f"tiktok_api.reason.{r.reason}")) from None
        self.stats["retries"] += 1
        if r.reason == "rate_limited":
            self.stats["rate_limited"] += 1
        delay = min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))
        delay *= 0.5 + random.random() / 2  # jitter
        if r.retry_after is not None:
            delay = max(delay, min(r.retry_after, self.config.backoff_max))
        log.info("retrying %s after %s (attempt %d, waiting %.2fs)", path, r.reason, attempt, delay)
        self._sleep(delay)

    def _pace(self) -> None:
        qps = self.config.qps
        if not qps:
            return
        with self._lock:
            wait = self._last_call + 1.0 / qps - time.monotonic()
            if wait > 0:
                self._sleep(wait)
            self._last_call = time.monotonic()

    def _once(self, method: str, url: str, path: str, query: dict[str, str], raw: bytes,
              headers: dict[str, str]) -> dict[str, Any]:
        self._pace()
        self.stats["requests"] += 1
        try:
            resp = self._http.request(method, url, params=query, content=raw or None, headers=headers)
        except httpx.TimeoutException:
            raise _Retry("timeout") from None
        except httpx.UnsupportedProtocol:
            raise ConfigError("tiktok_api.bad_base", base=url[: len(url) - len(path)]) from None
        except httpx.TransportError:  # refused, reset, truncated body …
            raise _Retry("network") from None
        except httpx.InvalidURL:
            raise ConfigError("tiktok_api.bad_base", base=url[: len(url) - len(path)]) from None
        status = resp.status_code
        retry_after = _retry_after(resp.headers.get("retry-after"), self._clock())
        try:
            payload = resp.json()
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("code"), int):
            if status == 429:
                raise _Retry("rate_limited", retry_after)
            if status >= 500 or status == 408:
                raise _Retry("server", retry_after)
            if 200 <= status < 300:
                raise _Retry("malformed")
            raise ApiError("tiktok_api.err.http", status=status, endpoint=path)
        code = int(payload["code"])
        message = str(payload.get("message") or "")
        if code == 0 and status < 400:
            data = payload.get("data")
            return data if isinstance(data, dict) else {}
        if code in TOKEN_EXPIRED_CODES:
            raise _TokenExpired()
        if status == 429 or code in RATE_LIMIT_CODES:
            raise _Retry("rate_limited", retry_after)
        if status >= 500 or code in RETRY_CODES:
            raise _Retry("server", retry_after)
        raise api_error(code, message, path)

    def pages(self, name: str, *, items_key: str, query: dict[str, Any] | None = None, body: Any = None,
              shop_cipher: str | None = None, page_size: int = 50, page_token: str | None = None,
              **path_params: str) -> Iterator[Page]:
        """Every page of a list endpoint, starting at ``page_token`` (None = first page)."""
        method, path, _ = endpoint(name, self.config.paths, **path_params)
        token = page_token
        seen: set[str] = set()
        while True:
            q = {**(query or {}), "page_size": page_size}
            if token:
                q["page_token"] = token
            data = self.call(method, path, query=q, body=body, shop_cipher=shop_cipher)
            items = data.get(items_key)
            if items is None:
                items = []
            if not isinstance(items, list):
                raise ApiError("tiktok_api.err.shape", endpoint=path, field=items_key)
            nxt = data.get("next_page_token") or None
            yield Page(items=[i for i in items if isinstance(i, dict)], next_page_token=nxt, page_token=token,
                       data=data)
            if not nxt:
                return
            if nxt in seen:
                raise ApiError("tiktok_api.err.page_loop", endpoint=path)
            seen.add(nxt)
            token = str(nxt)

    def get(self, name: str, *, query: dict[str, Any] | None = None, body: Any = None,
            shop_cipher: str | None = None, **path_params: str) -> dict[str, Any]:
        """One call to a named endpoint (see :mod:`~shopradar.sources.tiktok_api.endpoints`)."""
        method, path, _ = endpoint(name, self.config.paths, **path_params)
        return self.call(method, path, query=query, body=body, shop_cipher=shop_cipher)


class _TokenExpired(Exception):
    pass


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def utc_from_unix(value: Any) -> datetime | None:
    """Naive-UTC datetime of a Unix-seconds value (None when absent or not a number)."""
    n = _as_int(value)
    if n is None or n <= 0:
        return None
    return datetime.fromtimestamp(n, UTC).replace(tzinfo=None)
