"""Step 4: split each product-day's units by channel (short video, LIVE, product card)."""

from __future__ import annotations

import ibis

from shopradar.warehouse import Warehouse


def channel_shares(wh: Warehouse, dy: ibis.Table, scope: ibis.Table | None) -> ibis.Table | None:
    """Per product and day number: shares ``c_video``, ``c_live``, ``c_card`` and ``c_basis``."""
    return None
