"""Market cube: market × category (any level) × day/week/month × price band × channel.

Build it with :func:`build_cube` (or :func:`refresh_cube` after new estimates), then ask it
questions with the view functions. Each view takes a :class:`CubeFilter` and returns an Arrow
table (``as_="pandas"`` or ``"polars"`` for those). See docs/cube.md for every figure.
"""

from shopradar.cube.build import CubeReport, build_cube, refresh_cube
from shopradar.cube.channels import channels_view
from shopradar.cube.content import top_creators
from shopradar.cube.filters import CubeFilter, Selection, convert, resolve
from shopradar.cube.market import market_view
from shopradar.cube.own import own_shop_view
from shopradar.cube.prices import prices_view
from shopradar.cube.top import top_view

__all__ = ["CubeFilter", "CubeReport", "Selection", "build_cube", "channels_view", "convert", "market_view",
           "own_shop_view", "prices_view", "refresh_cube", "resolve", "top_creators", "top_view"]
