"""shopradar — open market intelligence for TikTok Shop sellers.

The Python API does everything the CLI does. Names are imported lazily so that
``import shopradar`` stays fast::

    import shopradar
    wh = shopradar.Warehouse.open("shopradar.duckdb")
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it; each stage adds its entry points here.
_API: dict[str, str] = {
    "Warehouse": "shopradar.warehouse",
    "ShopradarError": "shopradar.errors",
    "status": "shopradar.status",
    "run_demo": "shopradar.demo",
    "check_text": "shopradar.compliance",
    "check_texts": "shopradar.compliance",
    "check_file": "shopradar.compliance",
    "check_catalog": "shopradar.compliance",
    "load_packs": "shopradar.compliance",
    "category_risk": "shopradar.compliance",
    "estimate": "shopradar.estimate",
    "EstimateSummary": "shopradar.estimate",
    "SimConfig": "shopradar.sources.simulate",
    "simulate": "shopradar.sources.simulate",
    "simulate_to_parquet": "shopradar.sources.simulate",
    "simulate_preset": "shopradar.sources.simulate",
    "ingest": "shopradar.ingest",
    "list_profiles": "shopradar.ingest",
    "quarantine_rows": "shopradar.ingest",
    "tiktok_authorization_url": "shopradar.sources.tiktok_api",
    "tiktok_connect": "shopradar.sources.tiktok_api",
    "tiktok_sync": "shopradar.sources.tiktok_api",
    "tiktok_sign": "shopradar.sources.tiktok_api",
    "tiktok_verify_webhook": "shopradar.sources.tiktok_api",
    "build_report": "shopradar.report",
    "create_app": "shopradar.web",
    "CubeFilter": "shopradar.cube",
    "build_cube": "shopradar.cube",
    "refresh_cube": "shopradar.cube",
    "market_view": "shopradar.cube",
    "top_view": "shopradar.cube",
    "prices_view": "shopradar.cube",
    "channels_view": "shopradar.cube",
    "own_shop_view": "shopradar.cube",
    "top_creators": "shopradar.cube",
    "size": "shopradar.insights",
    "landed_margin": "shopradar.insights",
    "niche": "shopradar.insights",
    "opportunities": "shopradar.insights",
}


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'shopradar' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


__all__ = sorted(_API)
