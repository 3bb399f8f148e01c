"""Estimate stage: product snapshots → ``product_daily_sales`` (units and GMV per product and
market-local day, with bounds, channel split, method and quality flags)."""

from shopradar.estimate.run import EstimateSummary, estimate

__all__ = ["EstimateSummary", "estimate"]
