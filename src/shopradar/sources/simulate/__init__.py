"""The market simulator: ground truth and what an outside observer would see.

>>> from shopradar.sources.simulate import preset, simulate
>>> summary = simulate(wh, preset("demo", seed=7))          # doctest: +SKIP
"""

from shopradar.sources.simulate.config import PRESETS, SimConfig, preset
from shopradar.sources.simulate.markets import MARKETS, Market
from shopradar.sources.simulate.run import SimSummary, simulate, simulate_to_parquet

simulate_preset = preset

__all__ = ["MARKETS", "PRESETS", "Market", "SimConfig", "SimSummary", "preset", "simulate", "simulate_preset",
           "simulate_to_parquet"]
