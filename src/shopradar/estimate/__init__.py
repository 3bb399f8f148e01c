"""Estimate stage: product snapshots → ``product_daily_sales`` (units and GMV per product and
market-local day, with bounds, channel split, method and quality flags)."""

from shopradar.estimate.run import EstimateSummary, crawl_intervals, estimate

__all__ = ["EstimateSummary", "crawl_intervals", "estimate"]
