"""Who may talk to the web app: a token when it listens beyond this machine, and a Host check.

On 127.0.0.1 / localhost no token is needed, but the ``Host`` header must name this machine, so
a web page elsewhere cannot reach the app through DNS rebinding. With a token, every request must
carry it: ``Authorization: Bearer <token>``, the ``X-Shopradar-Token`` header, a ``?token=`` in the
URL (which also sets an HttpOnly cookie so the links of the page keep working) or that cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

TOKEN_COOKIE = "shopradar_token"
TOKEN_HEADER = "x-shopradar-token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """``example.com:8000`` → ``example.com``; ``[::1]:8000`` → ``::1``."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def token_from(headers: dict[str, str], query: dict[str, str], cookies: dict[str, str]) -> tuple[str | None, str]:
    """The token a request carries and where it came from."""
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), "header"
    if headers.get(TOKEN_HEADER):
        return headers[TOKEN_HEADER].strip(), "header"
    if query.get("token"):
        return query["token"], "query"
    if cookies.get(TOKEN_COOKIE):
        return cookies[TOKEN_COOKIE], "cookie"
    return None, ""


def token_ok(given: str | None, expected: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))
