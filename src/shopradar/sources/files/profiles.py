"""Import profiles: how one source's columns map to the data model (YAML, no code).

A profile is a YAML file in ``profiles/`` beside this module (built in) or in a user folder
(``$SHOPRADAR_PROFILES``, ``./shopradar-profiles``, or ``--profiles DIR``). Layout::

    name: kalodata-products            # unique; what --profile takes
    title: {en: "...", zh: "..."}
    source: kalodata                   # written to the rows' `source` column
    formats: [csv, xlsx]               # which readers may use it
    sheets: [LIST_PRODUCT]             # XLSX sheets to prefer
    time_zone: market                  # zone of times without offset: market (default), UTC, or IANA
    decimal: ","                       # optional: the decimal mark of ambiguous numbers
    skip: ingest.skip.manifest         # optional: recognized, holds nothing to load (message key)
    detect: {columns: [...], values: {"@rank_type": daily}}
    fields:                            # name: {from: [aliases…], type: …, required, extract, min, max, …}
    targets:                           # table: [field, …] or {column: field}; the first is primary
    sections: [...]                    # JSON only: several record lists per file, each like the above

Header names are compared after trimming, lower-casing and collapsing spaces, so
``"Price  $"`` matches ``price $``. English and Chinese aliases sit side by side in ``from``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shopradar.errors import ConfigError, InputError
from shopradar.sources.files.readers import Section, SourceFile
from shopradar.warehouse.schema import TABLE_BY_NAME

__all__ = ["FIELD_TYPES", "FieldSpec", "Profile", "SectionSpec", "detect_profile", "load_profiles", "norm_name"]

BUILTIN = Path(__file__).parent / "profiles"
ENV_DIR = "SHOPRADAR_PROFILES"
FIELD_TYPES = frozenset({"text", "id", "int", "money", "float", "percent", "counter", "timestamp", "date",
                         "currency", "market", "bool", "category", "const", "json", "local_date"})


def norm_name(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").replace("\u00a0", " ").strip().strip('"').lower().split())


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    sources: tuple[str, ...] = ()
    required: bool = False
    extract: str | None = None
    value: Any = None            # const value / default
    min: float | None = None
    max: float | None = None
    part: str | None = None      # date of a period: start or end
    money: str | None = None     # currency: take it from this money field's symbol
    of: str | None = None        # local_date: the timestamp field
    null_if: tuple[str, ...] = ()  # texts that mean "no value" here (e.g. parent id "0")
    invert: bool = False         # float: store 1/x (rates quoted the other way round)
    offset_days: int = 0         # date: shift by this many days


@dataclass(frozen=True)
class SectionSpec:
    section: Section
    detect_columns: tuple[tuple[str, ...], ...]   # each entry: any of these names
    detect_values: dict[str, str]
    fields: dict[str, FieldSpec]
    targets: tuple[tuple[str, dict[str, str]], ...]   # (table, {column: field}); first = primary

    @property
    def primary(self) -> str:
        return self.targets[0][0]


@dataclass(frozen=True)
class Profile:
    name: str
    title_en: str
    title_zh: str
    source: str
    formats: tuple[str, ...]
    sections: tuple[SectionSpec, ...]
    sheets: tuple[str, ...] = ()
    time_zone: str = "market"
    decimal: str | None = None
    skip: str | None = None
    path: str = ""
    builtin: bool = True
    priority: int = 0
    mapper: str | None = None     # "module:function" for records the YAML cannot express
    extra: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def tables(self) -> list[str]:
        out: list[str] = []
        for sec in self.sections:
            out += [t for t, _ in sec.targets if t not in out]
        return out


def _as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    return (str(value),)


def _field(name: str, raw: Any, where: str) -> FieldSpec:
    if isinstance(raw, str):
        raw = {"from": raw, "type": "text"}
    if not isinstance(raw, dict):
        raise ConfigError("ingest.profile_invalid", path=where, error=f"field {name}: expected a mapping")
    ftype = str(raw.get("type", "text"))
    if ftype not in FIELD_TYPES:
        raise ConfigError("ingest.profile_invalid", path=where,
                          error=f"field {name}: unknown type {ftype!r} (one of {', '.join(sorted(FIELD_TYPES))})")
    try:
        return FieldSpec(name=name, type=ftype, sources=_as_list(raw.get("from")), required=bool(raw.get("required")),
                         extract=raw.get("extract"), value=raw.get("value", raw.get("default")),
                         min=None if raw.get("min") is None else float(raw["min"]),
                         max=None if raw.get("max") is None else float(raw["max"]),
                         part=raw.get("part"), money=raw.get("money"), of=raw.get("of"),
                         null_if=_as_list(raw.get("null_if")), invert=bool(raw.get("invert")),
                         offset_days=int(raw.get("offset_days", 0)))
    except (TypeError, ValueError) as exc:
        raise ConfigError("ingest.profile_invalid", path=where, error=f"field {name}: {exc}") from None


def _section(raw: dict[str, Any], where: str) -> SectionSpec:
    fields = {name: _field(name, spec, where) for name, spec in (raw.get("fields") or {}).items()}
    targets: list[tuple[str, dict[str, str]]] = []
    for table, mapping in (raw.get("targets") or {}).items():
        if table not in TABLE_BY_NAME:
            raise ConfigError("ingest.profile_invalid", path=where, error=f"unknown table {table!r}")
        cols = {str(m): str(m) for m in mapping} if isinstance(mapping, list) else \
            {str(k): str(v) for k, v in (mapping or {}).items()}
        declared = {c.name for c in TABLE_BY_NAME[table].columns}
        for col, fname in cols.items():
            if fname not in fields:
                raise ConfigError("ingest.profile_invalid", path=where, error=f"{table}.{col}: no field {fname!r}")
            expanded = [f"{col}_text", f"{col}_lower", f"{col}_upper"] if fields[fname].type == "counter" else [col]
            missing = [c for c in expanded if c not in declared]
            if missing:
                raise ConfigError("ingest.profile_invalid", path=where,
                                  error=f"table {table} has no column {missing[0]}")
        targets.append((table, cols))
    detect = raw.get("detect") or {}
    return SectionSpec(
        section=Section(path=str(raw.get("path") or ""), explode=raw.get("explode"), items=bool(raw.get("items"))),
        detect_columns=tuple(_as_list(c) for c in (detect.get("columns") or [])),
        detect_values={str(k): str(v) for k, v in (detect.get("values") or {}).items()},
        fields=fields, targets=tuple(targets))


def parse_profile(raw: Any, where: str, builtin: bool) -> Profile:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise ConfigError("ingest.profile_invalid", path=where, error="a profile needs a name")
    title = raw.get("title") or {}
    if isinstance(title, str):
        title = {"en": title, "zh": title}
    sections_raw = raw.get("sections") or [raw]
    sections = tuple(_section(s, where) for s in sections_raw)
    if not raw.get("skip") and not raw.get("mapper") and not any(s.targets for s in sections):
        raise ConfigError("ingest.profile_invalid", path=where, error="no targets")
    return Profile(name=str(raw["name"]), title_en=str(title.get("en", raw["name"])),
                   title_zh=str(title.get("zh", title.get("en", raw["name"]))),
                   source=str(raw.get("source", raw["name"])),
                   formats=_as_list(raw.get("formats")) or ("csv", "tsv", "xlsx", "json", "jsonl", "parquet"),
                   sections=sections, sheets=_as_list(raw.get("sheets")),
                   time_zone=str(raw.get("time_zone", "market")), decimal=raw.get("decimal"),
                   skip=raw.get("skip"), path=where, builtin=builtin, priority=int(raw.get("priority", 0)),
                   mapper=raw.get("mapper"), extra=dict(raw.get("extra") or {}))


def _dirs(extra: list[Path] | None) -> list[tuple[Path, bool]]:
    dirs = [(BUILTIN, True)]
    env = os.environ.get(ENV_DIR)
    if env:
        dirs += [(Path(p), False) for p in env.split(os.pathsep) if p]
    local = Path.cwd() / "shopradar-profiles"
    if local.is_dir():
        dirs.append((local, False))
    dirs += [(p, False) for p in (extra or [])]
    return dirs


@cache
def _read(path: str, mtime: float, builtin: bool) -> Profile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError("ingest.profile_invalid", path=path, error=str(exc).splitlines()[0]) from None
    return parse_profile(raw, path, builtin)


def load_profiles(extra_dirs: list[Path] | None = None) -> list[Profile]:
    """Built-in profiles, then user profiles (a user profile with a built-in's name replaces it)."""
    by_name: dict[str, Profile] = {}
    for folder, builtin in _dirs(extra_dirs):
        if not folder.is_dir():
            if not builtin:
                raise ConfigError("ingest.profile_dir_missing", path=str(folder))
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
            prof = _read(str(path), path.stat().st_mtime, builtin)
            by_name[prof.name] = prof
    return list(by_name.values())


def _resolve(columns: list[str]) -> dict[str, str]:
    return {norm_name(c): c for c in reversed(columns)}


def _section_score(src: SourceFile, prof: Profile, sec: SectionSpec) -> int:
    """How many of the section's aliases the file has; -1 if a detect rule fails."""
    try:
        cols = src.columns(sec.section, list(prof.sheets))
    except InputError:
        raise
    have = _resolve(cols)
    for alts in sec.detect_columns:
        if not any(norm_name(a) in have for a in alts):
            return -1
    for key, want in sec.detect_values.items():
        if str(src.meta.get(key, "")).lower() != want.lower():
            return -1
    score = 0
    for f in sec.fields.values():
        if any(norm_name(s) in have for s in f.sources):
            score += 1
    return score + 100 * len(sec.detect_columns)


def detect_profile(src: SourceFile, profiles: list[Profile]) -> Profile | None:
    """The profile whose detect rules the file meets with the most matching columns."""
    best: tuple[int, int, Profile] | None = None
    for prof in profiles:
        if src.fmt not in prof.formats or not prof.sections[0].detect_columns:
            continue
        score = _section_score(src, prof, prof.sections[0])
        if score < 0:
            continue
        cand = (score, prof.priority, prof)
        if best is None or cand[:2] > best[:2]:
            best = cand
    return best[2] if best else None


def check_profile(src: SourceFile, prof: Profile) -> list[str]:
    """Required columns of a chosen profile that the file lacks (empty list = fits)."""
    if src.fmt not in prof.formats:
        return [f"format {src.fmt}"]
    missing: list[str] = []
    for sec in prof.sections[:1]:
        have = _resolve(src.columns(sec.section, list(prof.sheets)))
        for alts in sec.detect_columns:
            if not any(norm_name(a) in have for a in alts):
                missing.append(" / ".join(alts))
        for f in sec.fields.values():
            if f.required and f.sources and not any(norm_name(s) in have for s in f.sources):
                missing.append(" / ".join(f.sources))
    return missing


def column_map(columns: list[str]) -> dict[str, str]:
    return _resolve(columns)
