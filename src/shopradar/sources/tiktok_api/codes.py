"""Every Partner API error code mapped to a message a seller can act on.

Codes from the common-errors page (see docs/tiktok-api.md). ``36009004`` is reused for
several problems, so its message text picks the explanation. Unknown codes still give a
one-line message naming the code, the endpoint and TikTok's own text.
"""

from __future__ import annotations

from shopradar.errors import ApiError
from shopradar.sources.tiktok_api.endpoints import scope_for
from shopradar.sources.tiktok_api.secrets import redact

__all__ = ["RATE_LIMIT_CODES", "RETRY_CODES", "TOKEN_EXPIRED_CODES", "api_error"]

TOKEN_EXPIRED_CODES = frozenset({105002})
RATE_LIMIT_CODES = frozenset({36009002})
RETRY_CODES = frozenset({36009003, 36009007})

_BY_CODE = {
    105002: "tiktok_api.err.token_expired",
    105001: "tiktok_api.err.token_invalid",
    105005: "tiktok_api.err.scope",
    106001: "tiktok_api.err.sign",
    106013: "tiktok_api.err.cipher_missing",
    36009002: "tiktok_api.err.rate_limited",
    36009003: "tiktok_api.err.server",
    36009007: "tiktok_api.err.timeout",
    36009009: "tiktok_api.err.path",
    36009033: "tiktok_api.err.ip",
    101000: "tiktok_api.err.wrong_user",
    12052180: "tiktok_api.err.too_many_results",
}


def _clean(message: str) -> str:
    text = " ".join(str(message or "").split())
    return redact(text[:200])


def error_key(code: int, message: str) -> str:
    if code in _BY_CODE:
        return _BY_CODE[code]
    if code == 36009004:
        low = (message or "").lower()
        if "timestamp" in low or "expired request" in low:
            return "tiktok_api.err.clock"
        if "app_key" in low or "app key" in low:
            return "tiktok_api.err.app_key"
        if "token" in low:
            return "tiktok_api.err.token_invalid"
        if "cipher" in low or "identifier" in low:
            return "tiktok_api.err.cipher_unexpected"
        return "tiktok_api.err.bad_request"
    return "tiktok_api.err.other"


def api_error(code: int, message: str, path: str) -> ApiError:
    """The :class:`ApiError` for a response ``code``; ``path`` is the endpoint (no query)."""
    module, scope = scope_for(path)
    return ApiError(error_key(code, message), code=code, endpoint=path, message=_clean(message),
                    scope=scope, module=module)
