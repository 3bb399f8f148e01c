"""The category tree as the cube uses it: ancestors of every leaf, names, and name look-up.

Products point at a leaf category. The cube rolls a leaf's figures up to every ancestor, so a
category at any level holds the sum of its leaves. A product whose category id is missing from
the ``category`` table is not dropped: its id becomes a top-level node of its own (named after
the id), and a product without a category goes to the node ``unknown``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import ibis
import pyarrow as pa

from shopradar.errors import UsageError
from shopradar.warehouse import Warehouse

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Node:
    category_id: str
    parent_id: str | None
    level: int
    name_en: str
    name_zh: str

    def name(self, lang: str) -> str:
        """The name in ``lang``, falling back to English, then to the id."""
        return (self.name_zh if lang == "zh" and self.name_zh else self.name_en) or self.category_id


@dataclass
class CategoryTree:
    nodes: dict[str, Node] = field(default_factory=dict)

    @classmethod
    def load(cls, wh: Warehouse, extra_ids: list[str] | None = None) -> CategoryTree:
        """Read ``category``; add a top-level node for every id in ``extra_ids`` not in the table."""
        rows = wh.table("category").select("category_id", "parent_id", "level", "name_en", "name_zh").to_pyarrow()
        tree = cls()
        for r in rows.to_pylist():
            cid = r["category_id"]
            if cid is None or cid in tree.nodes:
                continue
            tree.nodes[cid] = Node(cid, r["parent_id"], int(r["level"] or 0), r["name_en"] or cid,
                                   r["name_zh"] or r["name_en"] or cid)
        tree._fix_levels()
        for cid in extra_ids or []:
            key = cid if cid is not None else UNKNOWN
            if key not in tree.nodes:
                tree.nodes[key] = Node(key, None, 1, key, "未知" if key == UNKNOWN else key)
        return tree

    def _fix_levels(self) -> None:
        """Recompute levels from the parent links (a missing parent makes a node top-level)."""
        fixed: dict[str, Node] = {}
        for cid in self.nodes:
            chain = self._chain(cid)
            n = self.nodes[cid]
            parent = n.parent_id if n.parent_id in self.nodes and len(chain) > 1 else None
            fixed[cid] = Node(cid, parent, len(chain), n.name_en, n.name_zh)
        self.nodes = fixed

    def _chain(self, cid: str) -> list[str]:
        """``cid`` and its ancestors, leaf first; stops at a missing parent or a cycle."""
        chain = [cid]
        seen = {cid}
        node = self.nodes.get(cid)
        while node is not None and node.parent_id and node.parent_id in self.nodes and node.parent_id not in seen:
            chain.append(node.parent_id)
            seen.add(node.parent_id)
            node = self.nodes[node.parent_id]
        return chain

    def ancestors(self, cid: str) -> list[str]:
        return self._chain(cid)

    def descendants_at(self, cid: str | None, level: int) -> list[str]:
        """Nodes at ``level`` under ``cid`` (every node at ``level`` when ``cid`` is None)."""
        out = []
        for n in self.nodes.values():
            if n.level != level:
                continue
            if cid is None or cid in self._chain(n.category_id):
                out.append(n.category_id)
        return sorted(out)

    def ancestor_table(self, leaf_ids: list[str | None]) -> pa.Table:
        """Arrow table ``leaf_id, node_id, node_level``: one row per (leaf, ancestor including itself)."""
        leaf, node, level = [], [], []
        for lid in leaf_ids:
            key = lid if lid is not None else UNKNOWN
            for a in self.ancestors(key):
                leaf.append(key)
                node.append(a)
                level.append(self.nodes[a].level)
        return pa.table({"leaf_id": pa.array(leaf, pa.string()), "node_id": pa.array(node, pa.string()),
                         "node_level": pa.array(level, pa.int8())})

    def names(self, lang: str) -> dict[str, str]:
        return {cid: n.name(lang) for cid, n in self.nodes.items()}

    def resolve(self, text: str) -> str:
        """A category id from an id or a name in English or Chinese.

        Exact id, then exact name (case-insensitive), then a unique name containing the text,
        then one close spelling; otherwise :class:`UsageError` with suggestions.
        """
        q = text.strip()
        if q in self.nodes:
            return q
        low = q.casefold()
        exact = sorted({n.category_id for n in self.nodes.values()
                        if low in (n.name_en.casefold(), n.name_zh.casefold(), n.category_id.casefold())})
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise UsageError("cube.category_ambiguous", category=q, matches=self._describe(exact))
        contains = sorted({n.category_id for n in self.nodes.values()
                           if low and (low in n.name_en.casefold() or low in n.name_zh.casefold())})
        if len(contains) == 1:
            return contains[0]
        if len(contains) > 1:
            raise UsageError("cube.category_ambiguous", category=q, matches=self._describe(contains[:8]))
        labels: dict[str, str] = {}
        for n in self.nodes.values():
            labels.setdefault(n.name_en.casefold(), n.category_id)
            labels.setdefault(n.name_zh.casefold(), n.category_id)
        close = difflib.get_close_matches(low, list(labels), n=5, cutoff=0.6)
        ids = list(dict.fromkeys(labels[c] for c in close))
        if len(ids) == 1 and difflib.SequenceMatcher(None, low, close[0]).ratio() >= 0.85:
            return ids[0]
        if ids:
            raise UsageError("cube.unknown_category", category=q, suggestions=self._describe(ids))
        raise UsageError("cube.unknown_category_none", category=q)

    def _describe(self, ids: list[str]) -> str:
        return ", ".join(f"{self.nodes[i].name_en} / {self.nodes[i].name_zh} ({i})" for i in ids)


def product_leaf_ids(wh: Warehouse) -> list[str | None]:
    """Distinct leaf category ids that products point at (null included)."""
    p = wh.table("product")
    return p.select("category_id").distinct().to_pyarrow().column(0).to_pylist()


def ancestors_memtable(tree: CategoryTree, leaf_ids: list[str | None]) -> ibis.Table:
    return ibis.memtable(tree.ancestor_table(leaf_ids))
