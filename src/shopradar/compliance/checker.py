"""Run the rules on texts.

Speed: the rules of one language are combined into one regular expression with a named group per rule,
so a clean listing costs one scan per language. A match can hide another rule's match inside it, so when a
scan finds something the remaining rules are scanned again (combined, cached) until a scan finds nothing;
only the rules that matched are then run alone to collect every span.
"""

from __future__ import annotations

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
    """Rules that apply for one (language, markets, context)."""

    rules: tuple[Rule, ...]
    always: tuple[int, ...] = ()          # rule indexes without anchors: their regex always runs
    index: dict[int, int] = field(default_factory=dict)  # global rule number -> index in rules


class Checker:
    """Compiled rules ready to check texts (build once, reuse: :func:`get_checker` caches it).

    Speed: every rule has anchors, literals one of which each of its matches must contain (read from its
    regex, see :func:`~shopradar.compliance.packs.required_literals`). One Aho–Corasick pass over the
    normalized text finds which anchors occur; only those rules (and the few without anchors) run their
    regular expression.
    """

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._by_lang = ruleset.by_lang()
        self._plans: dict[tuple[str, frozenset[str], frozenset[str]], _Plan] = {}
        self._number = {id(r): n for n, r in enumerate(ruleset.rules)}
        self._automaton = _build_automaton(ruleset.rules)

    # -- planning ---------------------------------------------------------------------------------
    def _plan(self, lang: str, markets: frozenset[str], tags: frozenset[str]) -> _Plan:
        key = (lang, markets, tags)
        plan = self._plans.get(key)
        if plan is None:
            rules = tuple(
                r for r in self._by_lang.get(lang, ())
                if r.markets & markets and not (r.skip_contexts & tags)
            )
            plan = _Plan(rules, tuple(i for i, r in enumerate(rules) if r.anchors is None),
                         {self._number[id(r)]: i for i, r in enumerate(rules)})
            self._plans[key] = plan
        return plan

    def _anchored(self, views: list[str]) -> set[int]:
        """Numbers of the rules one of whose anchors occurs in a view."""
        found: set[int] = set()
        if self._automaton is None:
            return found
        for view in views:
            for _end, numbers in self._automaton.iter(view):
                found.update(numbers)
        return found

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
        excused: dict[str, list[tuple[int, int]]] = {}
        anchored = self._anchored(views)
        for lang in (*langs, "*"):
            plan = self._plan(lang, mkts, tags)
            if not plan.rules:
                continue
            if self._automaton is None:
                todo = list(range(len(plan.rules)))
            else:
                todo = sorted({*plan.always, *(plan.index[n] for n in anchored if n in plan.index)})
            for i in todo:
                rule = plan.rules[i]
                for view in views:
                    if rule.regex.search(view) is None or not _gates_open(rule, view, tags):
                        continue
                    self._collect(rule, norm, view, text_id, mkts, seen, counts, excused)
        found = list(seen.values())
        if excused:
            # a rule that knows a phrase is innocent ("replica map", "verres à whisky") clears the same
            # family's matches from other languages' rules on that phrase
            found = [f for f in found
                     if not any(a < f.end and f.start < b for a, b in excused.get(f.family, ()))]
        out = sorted(_dedupe(found),
                     key=lambda f: (f.start, SEVERITY_RANK[f.severity], f.rule_id))
        if counts:
            out = [_with_more(f, counts) for f in out]
        return out

    def _collect(self, rule: Rule, norm: Normalized, view: str, text_id: str, mkts: frozenset[str],
                 seen: dict[tuple[str, int, int], Finding], counts: dict[str, int],
                 excused: dict[str, list[tuple[int, int]]]) -> None:
        excepted = [m.span() for m in rule.exceptions.finditer(view)] if rule.exceptions else []
        listed = sum(1 for k in seen if k[0] == rule.id)
        for m in rule.regex.finditer(view):
            a, b = m.span()
            if any(ea < b and a < eb for ea, eb in excepted):
                excused.setdefault(rule.family, []).append(norm.span(a, b))
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


def _build_automaton(rules: tuple[Rule, ...]) -> Any:
    """An Aho–Corasick automaton: anchor literal -> numbers of the rules it stands for (None without
    pyahocorasick, in which case every rule runs its regex)."""
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - the dependency is declared; keep working without it
        return None
    owners: dict[str, list[int]] = {}
    for n, r in enumerate(rules):
        for a in r.anchors or ():
            owners.setdefault(a, []).append(n)
    if not owners:
        return None
    auto = ahocorasick.Automaton()
    for literal, numbers in owners.items():
        auto.add_word(literal, tuple(numbers))
    auto.make_automaton()
    return auto


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
