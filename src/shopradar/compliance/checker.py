"""Run the rules on texts.

Speed: the rules of one language are combined into one regular expression with a named group per rule,
so a clean listing costs one scan per language. A match can hide another rule's match inside it, so when a
scan finds something the remaining rules are scanned again (combined, cached) until a scan finds nothing;
only the rules that matched are then run alone to collect every span.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shopradar.compliance.context import context_tags
from shopradar.compliance.detect import detect_langs
from shopradar.compliance.model import ALL_MARKETS, LANGS, SEVERITY_RANK, Finding, expand_markets
from shopradar.compliance.normalize import Normalized, normalize
from shopradar.compliance.packs import Rule, RuleSet, load_packs
from shopradar.errors import UsageError

__all__ = ["MAX_PER_RULE", "Checker", "TextItem", "check_text", "check_texts", "get_checker"]

MAX_PER_RULE = 50  # spans listed per rule and text; the rest are counted in Finding.more
_EXCERPT = 40

TextItem = str | tuple[str, str] | tuple[str, str, Any]


@dataclass
class _Plan:
    """Rules that apply for one (language, markets, context) and their combined scanner."""

    rules: tuple[Rule, ...]
    combined: dict[frozenset[int], re.Pattern[str] | None] = field(default_factory=dict)


class Checker:
    """Compiled rules ready to check texts (build once, reuse: :func:`get_checker` caches it)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._by_lang = ruleset.by_lang()
        self._plans: dict[tuple[str, frozenset[str], frozenset[str]], _Plan] = {}
        self._subsets: OrderedDict[tuple[str, frozenset[str], frozenset[str], frozenset[int]],
                                   re.Pattern[str] | None] = OrderedDict()

    # -- planning ---------------------------------------------------------------------------------
    def _plan(self, lang: str, markets: frozenset[str], tags: frozenset[str]) -> _Plan:
        key = (lang, markets, tags)
        plan = self._plans.get(key)
        if plan is None:
            rules = tuple(
                r for r in self._by_lang.get(lang, ())
                if r.markets & markets and not (r.skip_contexts & tags)
            )
            plan = _Plan(rules)
            self._plans[key] = plan
        return plan

    def _scanner(self, key: tuple[str, frozenset[str], frozenset[str]], plan: _Plan,
                 subset: frozenset[int]) -> re.Pattern[str] | None:
        skey = (*key, subset)
        got = self._subsets.get(skey, False)
        if got is not False:
            self._subsets.move_to_end(skey)
            return got  # type: ignore[return-value]
        parts = [f"(?P<r{i}>{plan.rules[i].pattern})" for i in sorted(subset)]
        try:
            pattern: re.Pattern[str] | None = re.compile("|".join(parts))
        except (re.error, RecursionError, OverflowError):
            pattern = None  # e.g. a user pattern with its own named groups: fall back to one rule at a time
        self._subsets[skey] = pattern
        if len(self._subsets) > 2048:
            self._subsets.popitem(last=False)
        return pattern

    def _hits(self, key: tuple[str, frozenset[str], frozenset[str]], plan: _Plan, view: str) -> set[int]:
        remaining = frozenset(range(len(plan.rules)))
        hits: set[int] = set()
        while remaining:
            scanner = self._scanner(key, plan, remaining)
            if scanner is None:
                hits.update(i for i in remaining if plan.rules[i].regex.search(view))
                break
            found = {int(m.lastgroup[1:]) for m in scanner.finditer(view) if m.lastgroup}
            if not found:
                break
            hits |= found
            remaining = remaining - found
        return hits

    # -- checking ---------------------------------------------------------------------------------
    def check(self, text: str, *, text_id: str = "", markets: Iterable[str] | None = None,
              context: Any = None, text_lang: str | None = None) -> list[Finding]:
        """Findings for one text, ordered by position then severity."""
        mkts = _markets(markets)
        if not isinstance(text, str):
            raise UsageError("compliance.not_text", kind=type(text).__name__)
        if not text or text.isspace():
            return []
        norm = normalize(text)
        tags = context_tags(context)
        langs = _langs(text_lang) if text_lang else detect_langs(text, norm.text)
        views = [norm.text]
        if norm.deleet is not None:
            views.append(norm.deleet)
        seen: dict[tuple[str, int, int], Finding] = {}
        counts: dict[str, int] = {}
        for lang in (*langs, "*"):
            key = (lang, mkts, tags)
            plan = self._plan(*key)
            if not plan.rules:
                continue
            for view in views:
                for i in sorted(self._hits(key, plan, view)):
                    rule = plan.rules[i]
                    if not _gates_open(rule, view, tags):
                        continue
                    self._collect(rule, norm, view, text_id, mkts, seen, counts)
        out = sorted(_dedupe(list(seen.values())),
                     key=lambda f: (f.start, SEVERITY_RANK[f.severity], f.rule_id))
        if counts:
            out = [_with_more(f, counts) for f in out]
        return out

    def _collect(self, rule: Rule, norm: Normalized, view: str, text_id: str, mkts: frozenset[str],
                 seen: dict[tuple[str, int, int], Finding], counts: dict[str, int]) -> None:
        excepted = [m.span() for m in rule.exceptions.finditer(view)] if rule.exceptions else []
        listed = sum(1 for k in seen if k[0] == rule.id)
        for m in rule.regex.finditer(view):
            a, b = m.span()
            if any(ea < b and a < eb for ea, eb in excepted):
                continue
            start, end = norm.span(a, b)
            k = (rule.id, start, end)
            if k in seen:
                continue
            if listed >= MAX_PER_RULE:
                counts[rule.id] = counts.get(rule.id, 0) + 1
                continue
            listed += 1
            original = norm.original
            lo, hi = max(0, start - _EXCERPT), min(len(original), end + _EXCERPT)
            excerpt = ("…" if lo else "") + original[lo:hi] + ("…" if hi < len(original) else "")
            seen[k] = Finding(
                text_id=text_id, start=start, end=end, match=original[start:end], rule_id=rule.id,
                family=rule.family, severity=rule.severity,
                markets=tuple(c for c in ALL_MARKETS if c in rule.markets and c in mkts),
                title=rule.title, fix=rule.fix, basis=rule.basis, lang=rule.lang, pack=rule.pack,
                excerpt=" ".join(excerpt.split()),
            )

    def check_many(self, items: Iterable[TextItem], *, markets: Iterable[str] | None = None, context: Any = None,
                   text_lang: str | None = None,
                   progress: Callable[[str, int, int | None], None] | None = None) -> list[Finding]:
        out: list[Finding] = []
        mk = list(markets) if markets is not None else None
        for n, item in enumerate(items, 1):
            text_id, text, ctx = _item(item, n, context)
            out.extend(self.check(text, text_id=text_id, markets=mk, context=ctx, text_lang=text_lang))
            if progress is not None and n % 1000 == 0:
                progress("check", n, None)
        return out


def _dedupe(found: list[Finding]) -> list[Finding]:
    """Drop a finding that overlaps one of the same family that is at least as severe, at least as long and
    applies to at least the same markets (e.g. 'cures' inside 'cures eczema'; the same word caught by two
    languages' rules)."""
    if len(found) < 2:
        return found
    ranked = sorted(found, key=lambda f: (SEVERITY_RANK[f.severity], -(f.end - f.start), -len(f.markets), f.rule_id))
    kept: list[Finding] = []
    for f in ranked:
        fm = set(f.markets)
        if any(k.family == f.family and k.start < f.end and f.start < k.end and fm <= set(k.markets)
               for k in kept):
            continue
        kept.append(f)
    return kept


def _with_more(f: Finding, counts: dict[str, int]) -> Finding:
    more = counts.get(f.rule_id, 0)
    if not more:
        return f
    from dataclasses import replace

    return replace(f, more=more)


def _gates_open(rule: Rule, view: str, tags: frozenset[str]) -> bool:
    if rule.unless_text is not None and rule.unless_text.search(view):
        return False
    if rule.only_contexts or rule.only_if_text is not None:
        by_ctx = bool(rule.only_contexts & tags)
        by_text = rule.only_if_text is not None and rule.only_if_text.search(view) is not None
        return by_ctx or by_text
    return True


def _item(item: TextItem, n: int, context: Any) -> tuple[str, str, Any]:
    if isinstance(item, str):
        return str(n), item, context
    if isinstance(item, tuple) and len(item) == 2:
        return str(item[0]), item[1], context
    if isinstance(item, tuple) and len(item) == 3:
        return str(item[0]), item[1], item[2] if item[2] is not None else context
    raise UsageError("compliance.not_text", kind=type(item).__name__)


_MARKET_CACHE: dict[tuple[str, ...] | None, frozenset[str]] = {}


def _markets(markets: Iterable[str] | None) -> frozenset[str]:
    key = tuple(markets) if markets is not None else None
    got = _MARKET_CACHE.get(key)
    if got is None:
        try:
            got = frozenset(expand_markets(list(key) if key else None))
        except ValueError as exc:
            raise UsageError("compliance.bad_market", market=exc.args[0],
                             markets=", ".join(("ALL", "EU", "SEA", "UK", *ALL_MARKETS))) from None
        _MARKET_CACHE[key] = got
    return got


def _langs(text_lang: str) -> tuple[str, ...]:
    out = []
    for part in text_lang.replace(";", ",").split(","):
        code = part.strip().lower()
        if not code:
            continue
        code = {"zh-cn": "zh", "zh-hans": "zh", "cn": "zh", "jp": "ja", "pt-br": "pt", "es-mx": "es",
                "en-us": "en", "en-gb": "en"}.get(code, code)
        if code not in LANGS:
            raise UsageError("compliance.bad_text_lang", lang=part.strip(), langs=", ".join(LANGS))
        out.append(code)
    return tuple(dict.fromkeys(out))


_CHECKERS: dict[int, Checker] = {}


def get_checker(packs: RuleSet | Iterable[str] | None = None) -> Checker:
    """A checker for a rule set (default: the shipped packs), built once and cached."""
    ruleset = packs if isinstance(packs, RuleSet) else load_packs(packs)
    got = _CHECKERS.get(id(ruleset))
    if got is None or got.ruleset is not ruleset:
        got = Checker(ruleset)
        if len(_CHECKERS) > 16:
            _CHECKERS.clear()
        _CHECKERS[id(ruleset)] = got
    return got


def check_text(text: str, *, markets: Iterable[str] | None = None, context: Any = None,
               text_lang: str | None = None, packs: RuleSet | Iterable[str] | None = None,
               text_id: str = "") -> list[Finding]:
    """Check one title, description or script.

    ``markets``: codes or groups (``["US", "EU"]``; default all); ``context``: the product's category name,
    keywords or tags (``"food"`` makes "cured ham" innocent); ``text_lang``: skip detection (``"de"``);
    ``packs``: a :class:`RuleSet` from :func:`load_packs` or folders of extra packs.
    """
    return get_checker(packs).check(text, text_id=text_id, markets=markets, context=context, text_lang=text_lang)


def check_texts(texts: Iterable[TextItem] | Mapping[str, str], *, markets: Iterable[str] | None = None,
                context: Any = None, text_lang: str | None = None,
                packs: RuleSet | Iterable[str] | None = None,
                progress: Callable[[str, int, int | None], None] | None = None) -> list[Finding]:
    """Check many texts: plain strings (ids are their 1-based positions), ``(id, text)`` or
    ``(id, text, context)`` tuples, or a mapping id → text."""
    items: Iterable[TextItem] = texts.items() if isinstance(texts, Mapping) else texts
    return get_checker(packs).check_many(items, markets=markets, context=context, text_lang=text_lang,
                                         progress=progress)
