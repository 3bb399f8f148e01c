"""The filters every view takes (market, category subtree, period, price band) and their validation.

Filter values come from people and URLs. :func:`parse_filters` checks each one against what the
warehouse holds and raises :class:`~shopradar.errors.UsageError` with a message key on anything
else, so the web app answers 400 with a message and the CLI prints one line. Values only ever reach
the engine as Ibis literals (parameters), never as SQL text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from shopradar.cube.categories import Node
from shopradar.errors import UsageError
from shopradar.warehouse import Warehouse

GRAINS: tuple[str, ...] = ("day", "week", "month")

# Price bands in US dollars per unit: (id, lower inclusive, upper exclusive or None).
PRICE_BANDS: tuple[tuple[str, Decimal, Decimal | None], ...] = (
    ("0-5", Decimal(0), Decimal(5)),
    ("5-10", Decimal(5), Decimal(10)),
    ("10-20", Decimal(10), Decimal(20)),
    ("20-50", Decimal(20), Decimal(50)),
    ("50-100", Decimal(50), Decimal(100)),
    ("100+", Decimal(100), None),
)
BAND_IDS: tuple[str, ...] = tuple(b[0] for b in PRICE_BANDS)
_MAX_TEXT = 200


@dataclass(frozen=True)
class Filters:
    """A validated selection. ``None`` means "all"."""

    market: str | None = None
    category: str | None = None
    start: date | None = None
    end: date | None = None
    price_band: str | None = None
    grain: str = "month"

    def as_params(self) -> dict[str, str]:
        """Non-empty filters as query-string values."""
        out: dict[str, str] = {}
        for key, value in asdict(self).items():
            if value is None or (key == "grain" and value == "month"):
                continue
            out[key] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)


CategoryNode = Node  # one category-node type for the cube and the report


class Catalog:
    """What the warehouse offers to filter on: markets, the category tree, the date range."""

    def __init__(self, wh: Warehouse) -> None:
        mk = wh.table("market")
        self.market_names: dict[str, tuple[str, str]] = {
            r["code"]: (r["name_en"] or r["code"], r["name_zh"] or r["name_en"] or r["code"])
            for r in mk.select("code", "name_en", "name_zh").to_pyarrow().to_pylist()
        }
        tables = set(wh.tables())
        self.has_cube = "cube_state" in tables and wh.count("cube_state") > 0
        sales = wh.table("cube_state") if self.has_cube else wh.table("product_daily_sales")
        sm = sales.select("market").distinct().to_pyarrow().column("market").to_pylist()
        pm = wh.table("product").select("market").distinct().to_pyarrow().column("market").to_pylist()
        self.markets: list[str] = sorted({m for m in [*sm, *pm, *self.market_names] if m})
        cat = wh.table("category").select("category_id", "parent_id", "level", "name_en", "name_zh")
        self.categories: dict[str, CategoryNode] = {}
        for r in cat.to_pyarrow().to_pylist():
            if r["category_id"]:
                self.categories[r["category_id"]] = CategoryNode(
                    r["category_id"], r["parent_id"], int(r["level"] or 1), r["name_en"] or "", r["name_zh"] or "")
        span = sales.aggregate(first=sales.date.min(), last=sales.date.max()).to_pyarrow().to_pylist()[0]
        self.first: date | None = span["first"]
        self.last: date | None = span["last"]
        self._children: dict[str | None, list[str]] = {}
        for node in self.categories.values():
            parent = node.parent_id if node.parent_id in self.categories else None
            self._children.setdefault(parent, []).append(node.category_id)
        for kids in self._children.values():
            kids.sort(key=lambda c: (self.categories[c].name_en.lower(), c))

    def market_name(self, code: str, lang: str) -> str:
        names = self.market_names.get(code)
        if not names:
            return code
        return names[1] if lang == "zh" else names[0]

    def children(self, category: str | None) -> list[str]:
        return list(self._children.get(category, []))

    def subtree(self, category: str) -> list[str]:
        """``category`` and every category below it."""
        out, stack, seen = [], [category], set()
        while stack:
            cid = stack.pop()
            if cid in seen:
                continue
            seen.add(cid)
            out.append(cid)
            stack.extend(self._children.get(cid, []))
        return out

    def path(self, category: str) -> list[str]:
        """From the top level down to ``category``."""
        out, seen = [], set()
        cur: str | None = category
        while cur and cur in self.categories and cur not in seen:
            seen.add(cur)
            out.append(cur)
            cur = self.categories[cur].parent_id
        return out[::-1]

    def tree(self) -> list[tuple[CategoryNode, int]]:
        """Depth-first (node, depth) list for a tree-shaped picker."""
        out: list[tuple[CategoryNode, int]] = []

        def walk(parent: str | None, depth: int) -> None:
            for cid in self.children(parent):
                out.append((self.categories[cid], depth))
                if depth < 8:
                    walk(cid, depth + 1)

        walk(None, 0)
        return out


def _text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if text == "":
        return None
    if len(text) > _MAX_TEXT or any(ord(ch) < 32 for ch in text):
        raise UsageError("report.bad_value", name=name, value=_show(text))
    return text


def _show(value: str) -> str:
    clean = "".join(ch if ch.isprintable() else "?" for ch in value)
    return clean if len(clean) <= 60 else clean[:57] + "…"


def _date(name: str, value: Any) -> date | None:
    text = _text(name, value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError("report.bad_date", name=name, value=_show(text)) from None


def parse_filters(catalog: Catalog, raw: Mapping[str, Any]) -> Filters:
    """Validate raw filter values (strings from a URL or the command line) against ``catalog``."""
    market = _text("market", raw.get("market"))
    if market is not None:
        market = market.upper()
        if market not in catalog.markets:
            raise UsageError("report.unknown_market", value=_show(market),
                              choices=", ".join(catalog.markets) or "–")
    category = _text("category", raw.get("category"))
    if category is not None and category not in catalog.categories:
        raise UsageError("report.unknown_category", value=_show(category))
    start, end = _date("start", raw.get("start")), _date("end", raw.get("end"))
    if start and end and start > end:
        raise UsageError("report.bad_period", start=start.isoformat(), end=end.isoformat())
    band = _text("price_band", raw.get("price_band"))
    if band is not None and band not in BAND_IDS:
        raise UsageError("report.unknown_band", value=_show(band), choices=", ".join(BAND_IDS))
    grain = _text("grain", raw.get("grain")) or "month"
    if grain not in GRAINS:
        raise UsageError("report.unknown_grain", value=_show(grain), choices=", ".join(GRAINS))
    return Filters(market=market, category=category, start=start, end=end, price_band=band, grain=grain)
