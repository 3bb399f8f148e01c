"""Connecting a seller: the authorization link, the code exchange and the list of shops."""

from __future__ import annotations

import os
import secrets as _random
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from shopradar.errors import ConfigError, UsageError
from shopradar.sources.tiktok_api.client import Client, ClientConfig
from shopradar.sources.tiktok_api.credentials import (
    ENV_SERVICE_ID,
    AuthorizedShop,
    Credentials,
    load_credentials,
    save_credentials,
)

__all__ = ["ConnectResult", "authorization_url", "connect", "fetch_shops", "parse_code"]

ENV_AUTHORIZE_BASE = "SHOPRADAR_TIKTOK_AUTHORIZE_BASE"
_AUTHORIZE_HOSTS = {"US": "https://services.us.tiktokshop.com", "ROW": "https://services.tiktokshop.com"}


@dataclass
class ConnectResult:
    shops: list[AuthorizedShop]
    seller_name: str
    granted_scopes: list[str]
    credentials_file: Path


def authorization_url(market: str, service_id: str | None = None, *, state: str | None = None,
                      credentials: str | os.PathLike[str] | None = None) -> tuple[str, str]:
    """``(url, state)``: the link the seller opens to authorize the app for ``market``.

    The US has its own host; every other market uses the global one. ``service_id`` comes
    from Partner Center (argument, ``$SHOPRADAR_TIKTOK_SERVICE_ID`` or the credentials file).
    """
    code = (market or "").strip().upper()
    if code == "UK":
        code = "GB"
    if len(code) != 2 or not code.isalpha():
        raise UsageError("tiktok_api.bad_market", market=market)
    if not service_id:
        service_id = load_credentials(credentials).service_id
    if not service_id:
        raise ConfigError("tiktok_api.no_service_id", env=ENV_SERVICE_ID)
    state = state or _random.token_urlsafe(16)
    base = os.environ.get(ENV_AUTHORIZE_BASE) or _AUTHORIZE_HOSTS["US" if code == "US" else "ROW"]
    return f"{base.rstrip('/')}/open/authorize?{urlencode({'service_id': service_id, 'state': state})}", state


def parse_code(text: str, expected_state: str | None = None) -> str:
    """The authorization code from what the seller pasted: the code itself or the whole redirect URL."""
    text = (text or "").strip()
    if not text:
        raise UsageError("tiktok_api.no_code")
    if "://" in text or text.startswith("?") or "code=" in text:
        query = parse_qs(urlparse(text).query if "://" in text else text.lstrip("?"))
        codes = query.get("code") or []
        if not codes or not codes[0].strip():
            raise UsageError("tiktok_api.no_code")
        states = query.get("state") or []
        if expected_state and states and states[0] != expected_state:
            raise UsageError("tiktok_api.bad_state")
        return codes[0].strip()
    if any(c.isspace() for c in text) or len(text) > 512:
        raise UsageError("tiktok_api.no_code")
    return text


def fetch_shops(client: Client) -> list[AuthorizedShop]:
    """The shops this authorization covers (``GET /authorization/202309/shops``)."""
    data = client.get("shops")
    shops = []
    for raw in data.get("shops") or []:
        if isinstance(raw, dict) and raw.get("cipher") and raw.get("id"):
            shops.append(AuthorizedShop(id=str(raw["id"]), name=str(raw.get("name") or ""),
                                        region=str(raw.get("region") or "").upper(), cipher=str(raw["cipher"]),
                                        seller_type=str(raw.get("seller_type") or ""), code=str(raw.get("code") or "")))
    return shops


def connect(code: str, *, credentials: str | os.PathLike[str] | None = None,
            config: ClientConfig | None = None, expected_state: str | None = None) -> ConnectResult:
    """Exchange the authorization ``code`` for tokens, list the shops, save both (file mode 0600)."""
    creds: Credentials = load_credentials(credentials)
    creds.require_app()
    auth_code = parse_code(code, expected_state)
    target = credentials or creds.path
    # tokens are saved the moment they arrive: the code is single-use
    with Client(creds, config, on_tokens=lambda c: save_credentials(c, target)) as client:
        client.get_token(auth_code)
        shops = fetch_shops(client)
    creds.shops = shops
    path = save_credentials(creds, target)
    return ConnectResult(shops=shops, seller_name=creds.seller_name, granted_scopes=list(creds.granted_scopes),
                         credentials_file=path)
