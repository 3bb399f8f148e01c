"""Request signing and webhook verification, exactly as the Partner API documents them.

``sign`` implements "Sign your API request" (partner.tiktokshop.com, docv2 page
sign-your-api-request); ``verify_webhook`` implements the signature check of the
Webhooks overview. Both are locked by the official test vectors in
``tests/tiktok_api/test_signing.py``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

__all__ = ["sign", "verify_webhook", "webhook_signature"]

_UNSIGNED = frozenset({"sign", "access_token"})


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def sign(app_secret: str, path: str, query: Mapping[str, object], body: bytes | str | None = None,
         content_type: str | None = "application/json") -> str:
    """The ``sign`` query parameter of a request: lowercase hex HMAC-SHA256.

    ``query`` holds the *decoded* query values (``sign`` and ``access_token`` are left out);
    ``body`` is the request body exactly as sent (ignored for multipart/form-data).
    """
    items = sorted((str(k), str(v)) for k, v in query.items() if k not in _UNSIGNED and v is not None)
    text = path + "".join(k + v for k, v in items)
    if body and _media_type(content_type) != "multipart/form-data":
        text += body.decode("utf-8") if isinstance(body, bytes) else body
    wrapped = app_secret + text + app_secret
    return hmac.new(app_secret.encode("utf-8"), wrapped.encode("utf-8"), hashlib.sha256).hexdigest()


def webhook_signature(app_key: str, app_secret: str, body: bytes | str) -> str:
    """The signature TikTok puts in a webhook's ``Authorization`` header."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    return hmac.new(app_secret.encode("utf-8"), app_key.encode("utf-8") + raw, hashlib.sha256).hexdigest()


def verify_webhook(app_key: str, app_secret: str, body: bytes | str, signature: str | None) -> bool:
    """True if ``signature`` (the ``Authorization`` header) matches the raw ``body``; constant time."""
    if not signature:
        return False
    expected = webhook_signature(app_key, app_secret, body)
    return hmac.compare_digest(expected, signature.strip().lower())
