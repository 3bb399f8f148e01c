"""Load, validate and compile rule packs.

A pack is a YAML file (schema: :class:`~shopradar.compliance.model.PackSpec`). The shipped packs live in
``compliance/packs/``; ``load_packs(extra_dirs)`` adds the user's folders (or files) after them:

* a user pack whose ``pack`` id equals a shipped one replaces that pack as a whole;
* a rule whose ``id`` equals an earlier rule replaces it (``disabled: true`` removes it).

Every error names the file and the line: YAML syntax errors (from PyYAML's marks), schema errors (the line of
the offending key) and invalid regular expressions (the line of the pattern).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from shopradar.compliance.model import ALL_MARKETS, Basis, PackSpec, RuleSpec
from shopradar.compliance.normalize import normalize_pattern
from shopradar.errors import ConfigError

__all__ = ["BUILTIN_DIR", "Rule", "RuleSet", "load_packs"]

BUILTIN_DIR = Path(__file__).parent / "packs"
_MACRO = re.compile(r"@\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CJK_LANGS = {"zh", "ja"}
MAX_PACK_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule."""

    id: str
    family: str
    severity: str
    markets: frozenset[str]
    title: dict[str, str]
    fix: dict[str, str]
    basis: tuple[Basis, ...]
    lang: str
    pack: str
    source: str                       # "file.yaml:line"
    pattern: str                      # the combined, normalized regex source
    regex: re.Pattern[str]
    exceptions: re.Pattern[str] | None
    unless_text: re.Pattern[str] | None
    only_if_text: re.Pattern[str] | None
    skip_contexts: frozenset[str]
    only_contexts: frozenset[str]
    # literals one of which every match contains (for the keyword prefilter); None = always run the regex
    anchors: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class PackInfo:
    id: str
    lang: str
    path: str
    title: dict[str, str]
    rules: int


@dataclass(frozen=True)
class RuleSet:
    """Every rule in force, grouped by the language of its patterns ('*' = any language)."""

    rules: tuple[Rule, ...]
    packs: tuple[PackInfo, ...]

    def by_lang(self) -> dict[str, tuple[Rule, ...]]:
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            out.setdefault(r.lang, []).append(r)
        return {k: tuple(v) for k, v in out.items()}

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


def load_packs(extra_dirs: Iterable[str | Path] | None = None) -> RuleSet:
    """Load the shipped packs plus the user's (folders of ``*.yaml``/``*.yml`` or single files)."""
    extras = tuple(str(Path(p)) for p in (extra_dirs or ()))
    if not extras:
        return _builtin()
    return _load((str(BUILTIN_DIR), *extras))


@cache
def _builtin() -> RuleSet:
    return _load((str(BUILTIN_DIR),))


def _pack_files(location: str, builtin: bool) -> list[Path]:
    path = Path(location)
    if path.is_file():
        return [path]
    if not path.exists():
        raise ConfigError("compliance.packs_missing", path=location)
    files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    files = [f for f in files if not f.name.startswith("_")]
    if not files and not builtin:
        raise ConfigError("compliance.packs_empty", path=location)
    return files


def _load(locations: Sequence[str]) -> RuleSet:
    specs: dict[str, tuple[PackSpec, Path, dict[tuple[Any, ...], int]]] = {}
    for i, location in enumerate(locations):
        for file in _pack_files(location, builtin=(i == 0)):
            spec, lines = _read_pack(file)
            specs[spec.pack] = (spec, file, lines)  # same pack id later: replaces the earlier pack
    rules: dict[str, Rule] = {}
    infos: list[PackInfo] = []
    for spec, file, lines in specs.values():
        count = 0
        for idx, rule_spec in enumerate(spec.rules):
            line = _line(lines, ("rules", idx))
            if rule_spec.disabled:
                rules.pop(rule_spec.id, None)
                continue
            rules.pop(rule_spec.id, None)  # re-insert at the end: a later definition wins
            rules[rule_spec.id] = _compile_rule(spec, rule_spec, idx, file, lines, line)
            count += 1
        infos.append(PackInfo(spec.pack, spec.lang, str(file), spec.title.model_dump(), count))
    return RuleSet(tuple(rules.values()), tuple(infos))


def _read_pack(file: Path) -> tuple[PackSpec, dict[tuple[Any, ...], int]]:
    name = str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ConfigError("compliance.pack_unreadable", file=name, error=exc.strerror or str(exc)) from None
    if len(raw) > MAX_PACK_BYTES:
        raise ConfigError("compliance.pack_too_big", file=name, size=len(raw))
    if b"\x00" in raw:
        raise ConfigError("compliance.pack_binary", file=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("compliance.pack_encoding", file=name, line=line) from None
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError("compliance.pack_yaml", file=name, line=line, problem=problem) from None
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _walk(node, (), lines)
    if not isinstance(data, dict):
        raise ConfigError("compliance.pack_invalid", file=name, line=1, field="(file)",
                          problem="expected a mapping with 'pack', 'lang', 'title' and 'rules'")
    try:
        spec = PackSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(x) for x in loc) or "(file)"
        raise ConfigError("compliance.pack_invalid", file=name, line=_line(lines, loc), field=field,
                          problem=err["msg"]) from None
    return spec, lines


def _walk(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            lines[(*path, k)] = key.start_mark.line + 1
            _walk(value, (*path, k), lines)
            lines[(*path, k)] = key.start_mark.line + 1 if not isinstance(value, yaml.ScalarNode) \
                else value.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


def _line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int:
    for n in range(len(loc), -1, -1):
        got = lines.get(tuple(loc[:n]))
        if got is not None:
            return got
    return 1


def _expand(fragment: str, spec: PackSpec, file: Path, line: int) -> str:
    def sub(m: re.Match[str]) -> str:
        items = spec.lists.get(m.group(1))
        if items is None:
            raise ConfigError("compliance.pack_list", file=str(file), line=line, name=m.group(1))
        return "(?:" + "|".join(normalize_pattern(i) for i in sorted(items, key=len, reverse=True)) + ")"

    return _MACRO.sub(sub, fragment)


def _term(term: str) -> str:
    """A literal phrase: escaped, with flexible separators between its words."""
    words = normalize_pattern(term).split()
    return r"[\s\-_/.&+]*".join(re.escape(w) for w in words)


def _compile(source: str, file: Path, line: int, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise ConfigError("compliance.pack_regex", file=str(file), line=line, error=str(exc)) from None
    except (RecursionError, OverflowError, ValueError) as exc:
        raise ConfigError("compliance.pack_regex", file=str(file), line=line, error=type(exc).__name__) from None


def _alternation(items: list[str], spec: PackSpec, rule_idx: int, key: str, file: Path,
                 lines: dict[tuple[Any, ...], int]) -> str | None:
    parts = []
    for j, item in enumerate(items):
        line = _line(lines, ("rules", rule_idx, key, j))
        frag = _expand(normalize_pattern(item), spec, file, line) if key != "terms" else _term(item)
        _compile(frag, file, line)  # report the exact line of a broken pattern
        parts.append(frag)
    if not parts:
        return None
    return "|".join(f"(?:{p})" for p in parts)


def _compile_rule(spec: PackSpec, r: RuleSpec, idx: int, file: Path, lines: dict[tuple[Any, ...], int],
                  line: int) -> Rule:
    pats = [x for x in (_alternation(r.patterns, spec, idx, "patterns", file, lines),
                        _alternation(r.terms, spec, idx, "terms", file, lines)) if x]
    body = "|".join(pats)
    source = f"(?:{body})" if spec.lang in _CJK_LANGS else rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])"
    regex = _compile(source, file, line)
    if regex.match(""):
        raise ConfigError("compliance.pack_regex", file=str(file), line=line,
                          error="the pattern matches empty text")

    def opt(key: str, items: list[str]) -> re.Pattern[str] | None:
        alt = _alternation(items, spec, idx, key, file, lines)
        return _compile(alt, file, line) if alt else None

    markets = frozenset(r.markets if r.markets is not None else spec.markets) & frozenset(ALL_MARKETS)
    assert r.title is not None and r.fix is not None
    anchors = required_literals(source, min_len=2 if spec.lang in _CJK_LANGS else 3)
    return Rule(
        id=r.id, family=r.family, severity=r.severity, markets=markets,
        title=r.title.model_dump(), fix=r.fix.model_dump(), basis=tuple(r.basis), lang=spec.lang,
        pack=spec.pack, source=f"{file.name}:{line}", pattern=source, regex=regex,
        exceptions=opt("exceptions", r.exceptions), unless_text=opt("unless_text", r.unless_text),
        only_if_text=opt("only_if_text", r.only_if_text),
        skip_contexts=frozenset(r.skip_contexts), only_contexts=frozenset(r.only_contexts), anchors=anchors,
    )


def required_literals(source: str, min_len: int = 3) -> frozenset[str] | None:
    """Literals one of which every match of ``source`` must contain, or None when there is no such set.

    Read from the regex parse tree: a run of literal characters in a mandatory position, or the union of
    such literals over the branches of an alternation; the set whose shortest literal is longest wins.
    """
    try:
        from re import _constants as C  # type: ignore[attr-defined]
        from re import _parser as P  # type: ignore[attr-defined]

        tree = P.parse(source)
    except Exception:
        return None
    got = _required(list(tree), C, min_len)
    return frozenset(got) if got else None


def _required(items: list[Any], C: Any, min_len: int) -> set[str] | None:
    cands: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            cands.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero width: the literal run stays contiguous in the text
        flush()
        found: set[str] | None = None
        if op is C.SUBPATTERN:
            found = _required(list(av[-1]), C, min_len)
        elif op is C.BRANCH:
            sets = [_required(list(b), C, min_len) for b in av[1]]
            found = None if any(x is None for x in sets) else set().union(*sets)  # type: ignore[arg-type]
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = av
            found = _required(list(sub), C, min_len) if lo >= 1 else None
        elif op is getattr(C, "ATOMIC_GROUP", None):
            found = _required(list(av), C, min_len)
        if found:
            cands.append(found)
    flush()
    good = [c for c in cands if c and min(len(x) for x in c) >= min_len]
    if not good:
        return None
    return max(good, key=lambda c: (min(len(x) for x in c), -len(c)))
