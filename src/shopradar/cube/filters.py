"""The typed filter every cube view takes, and its resolution against a warehouse."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pyarrow as pa

from shopradar.cube.categories import UNKNOWN, CategoryTree, product_leaf_ids
from shopradar.cube.periods import check_period, end_of, start_of
from shopradar.errors import DataError, UsageError
from shopradar.i18n import get_lang, normalize_lang
from shopradar.warehouse import Warehouse

As = Literal["arrow", "pandas", "polars"]


@dataclass(frozen=True)
class CubeFilter:
    """What to look at.

    * ``market``: a market code (``US``); None = every market in the cube.
    * ``category``: a category id or name (en or zh, fuzzy); None = the whole market.
    * ``level``: the category level of the rows. Default: the category itself when one is given,
      else level 1. A level deeper than the category breaks it down into its sub-categories.
    * ``period``: ``day``, ``week`` (ISO, Monday start) or ``month``.
    * ``date_from`` / ``date_to``: market-local dates; snapped outward to whole periods.
    * ``price_band``: a fixed price band label (see :mod:`shopradar.cube.bands`); None = all.
    """

    market: str | None = None
    category: str | None = None
    level: int | None = None
    period: str = "month"
    date_from: date | None = None
    date_to: date | None = None
    price_band: str | None = None


@dataclass
class Selection:
    """A filter resolved against the warehouse: concrete markets, category nodes and dates."""

    markets: list[str]
    nodes: list[str]
    tree: CategoryTree
    period: str
    start: date  # first period start
    end: date  # last date of the last period
    lang: str
    currencies: dict[str, str] = field(default_factory=dict)
    price_band: str | None = None

    def name(self, cid: str) -> str:
        n = self.tree.nodes.get(cid)
        return n.name(self.lang) if n else cid

    def leaves(self) -> dict[str, list[str]]:
        """Leaf ids (as products carry them) under each selected node."""
        out: dict[str, list[str]] = {n: [] for n in self.nodes}
        for cid in self.tree.nodes:
            chain = self.tree.ancestors(cid)
            for n in self.nodes:
                if n in chain:
                    out[n].append(cid)
        return out


def _markets(wh: Warehouse) -> dict[str, str]:
    st = wh.table("cube_state")
    have = st.select("market").distinct().to_pyarrow().column(0).to_pylist()
    m = wh.table("market").select("code", "currency").to_pyarrow().to_pylist()
    cur = {r["code"]: r["currency"] for r in m}
    return {code: cur.get(code) or "" for code in sorted(have)}


def resolve(wh: Warehouse, f: CubeFilter | None = None, lang: str | None = None) -> Selection:
    """Check a filter and resolve names, levels and dates; raise a one-line UsageError on bad input."""
    f = f or CubeFilter()
    period = check_period(f.period)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise UsageError("cube.from_after_to", date_from=f.date_from.isoformat(), date_to=f.date_to.isoformat())
    if f.level is not None and not 1 <= f.level <= 9:
        raise UsageError("cube.bad_level", level=f.level)
    if "cube_state" not in wh.con.list_tables() or wh.count("cube_state") == 0:
        raise DataError("cube.not_built")
    known = _markets(wh)
    if f.market is None:
        markets = list(known)
    else:
        code = f.market.strip().upper()
        if code not in known:
            all_codes = wh.table("market").select("code").to_pyarrow().column(0).to_pylist()
            close = difflib.get_close_matches(code, list(known), n=3, cutoff=0.3) or list(known)
            key = "cube.market_no_data" if code in all_codes else "cube.unknown_market"
            raise UsageError(key, market=f.market, markets=", ".join(close))
        markets = [code]
    tree = CategoryTree.load(wh, extra_ids=[*product_leaf_ids(wh), UNKNOWN])
    if f.category:
        node = tree.resolve(f.category)
        lvl = f.level or tree.nodes[node].level
        if lvl < tree.nodes[node].level:
            raise UsageError("cube.level_above", level=lvl, category=tree.nodes[node].name_en,
                             category_level=tree.nodes[node].level)
        nodes = [node] if lvl == tree.nodes[node].level else tree.descendants_at(node, lvl)
    else:
        nodes = tree.descendants_at(None, f.level or 1)
    if not nodes:
        raise UsageError("cube.no_such_level", level=f.level)
    st = wh.table("cube_state")
    st = st.filter(st.market.isin(markets))
    span = st.aggregate(first=st.date.min(), last=st.date.max()).to_pyarrow().to_pylist()[0]
    first, last = span["first"], span["last"]
    d0 = f.date_from or first
    d1 = f.date_to or last
    band = None
    if f.price_band:
        from shopradar.cube.bands import check_band

        band = check_band(f.price_band)
    return Selection(markets=markets, nodes=nodes, tree=tree, period=period, start=start_of(d0, period),
                     end=end_of(d1, period), lang=normalize_lang(lang) if lang else get_lang(),
                     currencies={m: known[m] for m in markets}, price_band=band)


def convert(table: pa.Table, as_: As = "arrow") -> Any:
    """Return ``table`` as Arrow (default), pandas or polars."""
    if as_ == "arrow":
        return table
    if as_ == "pandas":
        return table.to_pandas()
    if as_ == "polars":
        import polars as pl

        return pl.from_arrow(table)
    raise UsageError("cube.bad_as", as_=as_)
