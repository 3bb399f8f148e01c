"""Secrets that never show: not in output, not in logs, not in exceptions.

A :class:`Secret` prints as ``***``; its value is read with :meth:`Secret.reveal` only
where a request needs it. Every secret is also registered with a logging filter on the
HTTP libraries' loggers, which masks it should it ever appear in a log record (httpx
logs full URLs, and the token endpoints carry the app secret in the query).
"""

from __future__ import annotations

import logging
import threading

__all__ = ["MASK", "Secret", "install_log_redaction", "redact"]

MASK = "***"
_known: set[str] = set()
_lock = threading.Lock()


class Secret:
    """A string that refuses to be printed."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = str(value)
        if len(self._value) >= 4:
            with _lock:
                _known.add(self._value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)


def redact(text: str) -> str:
    """``text`` with every known secret replaced by ``***``."""
    with _lock:
        values = sorted(_known, key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return text


class _RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format itself: drop its arguments
            message = str(record.msg)
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, ()
        return True


_FILTER = _RedactFilter()
_LOGGERS = ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy",
            "shopradar", "shopradar.tiktok_api")


def install_log_redaction() -> None:
    """Attach the redacting filter to the loggers that could see a secret (idempotent)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
