"""Progress reporting shared by long steps: the API takes a callback, the CLI draws Rich bars."""

from __future__ import annotations

from typing import Protocol


class ProgressFn(Protocol):
    def __call__(self, step: str, done: int, total: int) -> None:
        """``step`` names the work (a message key or short text); ``done`` of ``total`` units."""


def no_progress(step: str, done: int, total: int) -> None:
    """The default callback: report nothing."""
