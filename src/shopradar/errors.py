"""One exception hierarchy, with messages a seller understands (in en and zh).

Every error the pipeline raises on purpose is a :class:`ShopradarError`. It carries a
message key from :mod:`shopradar.i18n` and its parameters, so the same error renders in
English or Chinese. The CLI prints ``str(error)`` on one line and exits with
``error.exit_code``; it never shows a traceback for these.
"""

from __future__ import annotations

from typing import Any

from shopradar.i18n import t


class ShopradarError(Exception):
    """Base of every error shopradar raises on purpose."""

    exit_code: int = 1

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class UsageError(ShopradarError):
    """An option or argument is invalid (exit code 2)."""

    exit_code = 2


class InputError(ShopradarError):
    """An input file or text cannot be read as what it claims to be (exit code 2)."""

    exit_code = 2


class WarehouseError(ShopradarError):
    """The warehouse file cannot be opened, created or migrated (exit code 2)."""

    exit_code = 2


class DataError(ShopradarError):
    """The warehouse holds no data, or not the data a step needs (exit code 1)."""

    exit_code = 1


class ConfigError(ShopradarError):
    """A configuration, rule pack, profile or weights file is invalid (exit code 2)."""

    exit_code = 2


class ApiError(ShopradarError):
    """A remote API call failed in a way the seller must act on (exit code 1)."""

    exit_code = 1
