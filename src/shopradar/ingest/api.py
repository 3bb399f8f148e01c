"""The ingest API: files and folders in, counts out. The CLI is a thin layer over this."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ibis
import pyarrow as pa

from shopradar.errors import ConfigError, InputError, ShopradarError, UsageError
from shopradar.i18n import get_lang, t
from shopradar.ingest.load import FileResult, load_file
from shopradar.ingest.markets import MARKETS, market_codes
from shopradar.ingest.normalize import Context
from shopradar.progress import ProgressFn
from shopradar.sources.files.profiles import Profile, check_profile, detect_profile, load_profiles
from shopradar.sources.files.readers import FORMATS, open_source
from shopradar.warehouse.core import Warehouse
from shopradar.warehouse.runs import Run

__all__ = ["FileResult", "ProfileInfo", "expand_paths", "ingest", "list_profiles", "quarantine_rows"]


@dataclass(frozen=True)
class ProfileInfo:
    name: str
    title: str
    source: str
    formats: tuple[str, ...]
    tables: tuple[str, ...]
    builtin: bool
    path: str


def list_profiles(extra_dirs: list[Path] | None = None, lang: str | None = None) -> list[ProfileInfo]:
    """Every profile (built-in and user), with what it loads."""
    lang = lang or get_lang()
    return [ProfileInfo(p.name, p.title(lang), p.source, p.formats, tuple(p.tables), p.builtin, p.path)
            for p in sorted(load_profiles(extra_dirs), key=lambda p: p.name)]


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; folders walked (sorted) for data files, skipping hidden ones."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if f.is_file() and f.suffix.lower() in FORMATS and f.suffix.lower() != ".txt" and \
                        not any(part.startswith(".") for part in rel):
                    out.append(f)
        else:
            out.append(p)
    return out


def _categories(wh: Warehouse) -> dict[str, str]:
    tbl = wh.table("category")
    data = tbl.select("category_id", "name_en", "name_zh", "level").order_by(ibis.desc("level")).to_pyarrow()
    lookup: dict[str, str] = {}
    for row in data.to_pylist():
        cid = row["category_id"]
        lookup.setdefault(str(cid).lower(), cid)
        for name in (row["name_en"], row["name_zh"]):
            if name:
                lookup.setdefault(str(name).strip().lower(), cid)
    return lookup


def _failed(wh: Warehouse, path: Path, profile: str | None, exc: ShopradarError) -> FileResult:
    run = Run(kind="ingest", source=str(path), profile=profile, status="failed", message=str(exc))
    try:
        with wh.transaction():
            run.record(wh)
    except Exception:
        pass
    return FileResult(path=str(path), profile=profile, status="failed", message=str(exc), run_id=run.run_id)


def ingest(wh: Warehouse, paths: Iterable[str | os.PathLike[str]], profile: str | None = None,
           market: str | None = None, progress: ProgressFn | None = None, *,
           profile_dirs: list[Path] | None = None, batch_rows: int = 500_000,
           fast: bool = True) -> list[FileResult]:
    """Load files (and folders of files) into the warehouse; one result per file.

    A file that cannot be read, or fits no profile, gets a ``failed`` result with a one-line
    message naming it, and the rest of the batch still loads. Each file is loaded in its own
    transaction. Raises :class:`UsageError` only for bad arguments (unknown profile or market).
    ``fast=False`` evaluates every cell with the general parsers (slow; the fast path's reference).
    """
    profiles = load_profiles(profile_dirs)
    by_name = {p.name: p for p in profiles}
    if profile is not None and profile not in by_name:
        raise UsageError("ingest.unknown_profile", profile=profile, profiles=", ".join(sorted(by_name)))
    if market is not None:
        market = market.strip().upper()
        market = "GB" if market == "UK" else market
        if market not in MARKETS:
            raise UsageError("ingest.unknown_market", market=market, markets=", ".join(market_codes()))
    files = expand_paths(paths)
    if not files:
        raise UsageError("ingest.no_files")
    ctx = Context(market=market, categories=_categories(wh))
    results: list[FileResult] = []
    for path in files:
        chosen: Profile | None = None
        try:
            src = open_source(path)
            if profile is not None:
                chosen = by_name[profile]
                missing = check_profile(src, chosen)
                if missing:
                    raise InputError("ingest.wrong_profile", path=str(path), profile=profile,
                                     missing=", ".join(missing[:5]))
            else:
                chosen = detect_profile(src, profiles)
                if chosen is None:
                    raise InputError("ingest.no_profile", path=str(path),
                                     columns=", ".join(src.columns()[:8]))
            if chosen.skip:
                results.append(FileResult(path=str(path), profile=chosen.name, status="skipped",
                                          message=t(chosen.skip)))
                continue
            _check_market(src, chosen, ctx, path)
            if chosen.mapper:
                from shopradar.ingest.mapped import load_mapped

                res = load_mapped(wh, src, chosen, ctx, market)
            else:
                res = load_file(wh, src, chosen, ctx, progress=progress, batch_rows=batch_rows, fast=fast)
            results.append(res)
            if any(tbl == "category" for tbl in res.tables):
                ctx.categories = _categories(wh)
        except (InputError, ConfigError) as exc:
            results.append(_failed(wh, path, chosen.name if chosen else None, exc))
    return results


def _check_market(src: object, prof: Profile, ctx: Context, path: Path) -> None:
    """A profile that writes market-specific rows needs a market: from the file or --market."""
    if ctx.market:
        return
    for sec in prof.sections:
        has_market_field = any(f.type == "market" and (f.sources or f.value) for f in sec.fields.values())
        needs = any("market" in m.values() or "market" in m for _, m in sec.targets)
        if needs and not has_market_field:
            raise InputError("ingest.needs_market", path=str(path))


def quarantine_rows(wh: Warehouse, *, source: str | None = None, run_id: str | None = None,
                    reason_code: str | None = None, limit: int | None = None) -> pa.Table:
    """Rows set aside, newest first; filter by source file (substring), run or reason code."""
    q = wh.table("quarantine")
    if source:
        q = q.filter(q.source.contains(source))
    if run_id:
        q = q.filter(q.run_id == run_id)
    if reason_code:
        q = q.filter(q.reason_code == reason_code)
    q = q.order_by([ibis.desc("quarantined_at"), "source", "line"])
    if limit:
        q = q.limit(limit)
    return q.to_pyarrow()
