"""Reading the YAML data files of the insights stage (shipped defaults or a user's own copy)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from shopradar.errors import ConfigError

DATA_DIR = Path(__file__).parent / "data"


def load_yaml(path: str | Path | None, default_name: str) -> tuple[dict[str, Any], str]:
    """Load ``path`` (or the shipped ``data/<default_name>``); return the mapping and the path read.

    Raises :class:`ConfigError` with a one-line message when the file is missing, unreadable or not a
    YAML mapping.
    """
    file = Path(path) if path is not None else DATA_DIR / default_name
    if not file.is_file():
        raise ConfigError("insights.file_missing", path=str(file))
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError("insights.file_not_utf8", path=str(file)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError("insights.file_bad_yaml", path=str(file), line=line) from None
    if not isinstance(data, dict):
        raise ConfigError("insights.file_not_mapping", path=str(file))
    return data, str(file)


def to_decimal(value: Any, *, what: str, where: str) -> Decimal:
    """A finite number as Decimal, or a one-line :class:`ConfigError` naming ``what`` and ``where``."""
    if isinstance(value, bool) or value is None:
        raise ConfigError("insights.not_a_number", what=what, where=where, value=repr(value))
    try:
        dec = Decimal(str(value).strip().replace("_", ""))
    except (InvalidOperation, ValueError):
        raise ConfigError("insights.not_a_number", what=what, where=where, value=repr(value)) from None
    if not dec.is_finite():
        raise ConfigError("insights.not_a_number", what=what, where=where, value=repr(value))
    return dec


def to_rate(value: Any, *, what: str, where: str, upper: float = 1.0) -> float:
    """A share between 0 and ``upper`` (accepts ``0.06`` or ``"6%"``)."""
    text = str(value).strip() if isinstance(value, str) else value
    pct = isinstance(text, str) and text.endswith("%")
    dec = to_decimal(text[:-1] if pct else text, what=what, where=where)
    rate = float(dec / 100 if pct else dec)
    if rate < 0 or rate > upper:
        raise ConfigError("insights.rate_out_of_range", what=what, where=where, value=repr(value), upper=upper)
    return rate
