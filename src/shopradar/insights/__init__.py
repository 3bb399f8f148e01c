"""insights stage: opportunities, niche depth, market headroom (size) and landed margin.

    from shopradar.insights import opportunities, niche, size, landed_margin
"""

from __future__ import annotations

from shopradar.insights.margin import MarginResult, landed_margin, load_fees
from shopradar.insights.niche import niche
from shopradar.insights.opportunities import opportunities
from shopradar.insights.size import SizeResult, current_gmv_from_warehouse, size
from shopradar.insights.weights import COMPONENTS, default_weights, load_weights

__all__ = ["COMPONENTS", "MarginResult", "SizeResult", "current_gmv_from_warehouse", "default_weights",
           "landed_margin", "load_fees", "load_weights", "niche", "opportunities", "size"]
