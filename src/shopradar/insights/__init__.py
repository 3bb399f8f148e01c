"""insights stage: opportunities, niche depth, market headroom (size) and landed margin.

    from shopradar.insights import size, landed_margin, niche, opportunities
"""

from __future__ import annotations

from shopradar.insights.margin import MarginResult, landed_margin, load_fees
from shopradar.insights.niche import niche
from shopradar.insights.size import SizeResult, current_gmv_from_warehouse, size

__all__ = ["MarginResult", "SizeResult", "current_gmv_from_warehouse", "landed_margin", "load_fees", "niche",
           "size"]
