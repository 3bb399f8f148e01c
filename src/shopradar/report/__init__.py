"""The HTML report and the views behind it (also served by the web app).

``build_report(wh, path, market=None, category=None, lang="en")`` writes one self-contained HTML
file; :mod:`shopradar.report.views` computes the tables every chart shows; :mod:`.export` writes any
table as CSV, JSON, XLSX or Parquet. Names load lazily so that importing ``.export`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {"Catalog": "filters", "Filters": "filters", "parse_filters": "filters",
          "build_report": "writer", "render_report": "writer"}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'shopradar.report' has no attribute {name!r}")
    return getattr(importlib.import_module(f"shopradar.report.{module}"), name)
