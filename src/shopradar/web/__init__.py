"""The local web app (FastAPI): ``create_app(db, token=None, lang="en")``."""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from shopradar.web.app import create_app

        return create_app
    raise AttributeError(f"module 'shopradar.web' has no attribute {name!r}")
