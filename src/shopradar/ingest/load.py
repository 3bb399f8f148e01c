"""One file → the warehouse, in one transaction: stage, de-duplicate, insert, quarantine, record.

Rows are staged per target table in temporary tables, then de-duplicated on the table's
declared key (``Table.key`` in the schema) within the file (first occurrence wins) and
against what the warehouse already holds, and inserted with Ibis. Every input record ends
``loaded``, ``duplicate`` or ``quarantined``; the counts go to ``ingest_run``. A crash or
kill before the commit leaves the warehouse exactly as before the file.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from shopradar.errors import InputError
from shopradar.i18n import t
from shopradar.ingest.normalize import Context, normalize_batch
from shopradar.sources.files.profiles import Profile, SectionSpec
from shopradar.sources.files.readers import LINE, SourceFile
from shopradar.warehouse.core import Warehouse
from shopradar.warehouse.runs import Run, utcnow
from shopradar.warehouse.schema import table_spec
from shopradar.warehouse.staging import append_arrow, drop_temp, fill_nulls

__all__ = ["FileResult", "load_file"]

# tables that describe things (not observations): a later file may complete a row's missing values
DIMENSIONS = frozenset({"category", "shop", "product", "creator", "video", "live"})
_LINEAGE = frozenset({"source", "run_id"})
_Q_COLS = ("run_id", "source", "line", "target_table", "reason_code", "reason", "record", "quarantined_at")


@dataclass
class FileResult:
    """What happened to one file."""

    path: str
    profile: str | None = None
    status: str = "ok"            # ok, partial (some rows quarantined), failed, skipped
    rows_in: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    message: str = ""
    run_id: str | None = None
    tables: dict[str, int] = field(default_factory=dict)   # rows added per table
    filled: dict[str, int] = field(default_factory=dict)   # rows already there whose missing values were filled

    @property
    def balanced(self) -> bool:
        return self.rows_in == self.loaded + self.duplicates + self.quarantined


class _Stage:
    """One target's rows of the file, typed like the target: in memory while small, then in a temp table."""

    SPILL_ROWS = 200_000

    def __init__(self, wh: Warehouse, table: str) -> None:
        self.wh = wh
        self.table = table
        self.spec = table_spec(table)
        self.name = f"_ingest_{table}_{uuid.uuid4().hex[:8]}"
        self.arrow_schema = self.spec.ibis_schema().to_pyarrow().append(pa.field(LINE, pa.int64()))
        self.pending: list[pa.Table] = []
        self.spilled = False
        self.rows = 0
        self.multi = False   # several rows per input record
        self.filled = 0      # existing rows completed (dimension tables)

    def add(self, cols: dict[str, pa.Array], lines: pa.Array) -> None:
        n = len(lines)
        if n == 0:
            return
        arrays = []
        for fld in self.arrow_schema:
            if fld.name == LINE:
                arrays.append(lines)
            elif fld.name in cols:
                arrays.append(pc.cast(cols[fld.name], fld.type))
            else:
                arrays.append(pa.nulls(n, fld.type))
        self.pending.append(pa.Table.from_arrays(arrays, schema=self.arrow_schema))
        self.rows += n
        if sum(t.num_rows for t in self.pending) >= self.SPILL_ROWS:
            self._spill()

    def _spill(self) -> None:
        if not self.spilled:
            self.wh.con.create_table(self.name, schema=ibis.Schema.from_pyarrow(self.arrow_schema), temp=True)
            self.spilled = True
        if self.pending:
            append_arrow(self.wh, self.name, pa.concat_tables(self.pending))
            self.pending = []

    def commit(self) -> tuple[int, int]:
        """Insert the new rows into the target; returns (records loaded, records staged)."""
        if self.rows == 0:
            return 0, 0
        con = self.wh.con
        key = list(self.spec.key)
        if self.spilled:
            self._spill()
            s = con.table(self.name)
            staged_lines = int(s[LINE].nunique().execute()) if self.multi else self.rows
            distinct = int(s.select(*key).distinct().count().execute())
        else:
            arrow = pa.concat_tables(self.pending)
            staged_lines = len(pc.unique(arrow.column(LINE))) if self.multi else self.rows
            distinct = arrow.group_by(key).aggregate([]).num_rows
            s = ibis.memtable(arrow)
        cols = [c.name for c in self.spec.columns]
        dim = self.table in DIMENSIONS and not self.multi
        first = s
        if distinct != self.rows:
            if dim:
                # one row per key: each column's first known value in file order (later rows fill gaps)
                rest = [c for c in cols if c not in key]
                first = s.group_by(key).aggregate(
                    **{c: s[c].first(order_by=s[LINE], where=s[c].notnull()) for c in rest},
                    **{LINE: s[LINE].min()}).select(*cols, LINE)
            else:
                ranked = s.mutate(_rn=ibis.row_number().over(group_by=[s[k] for k in key], order_by=s[LINE]))
                first = ranked.filter(ranked._rn == 0).drop("_rn")
        existing = self.wh.table(self.table).select(*key)
        new = first.anti_join(existing, key)
        if not self.spilled:
            # small: fetch the new rows and insert them (two round trips instead of four)
            fresh = new.select(*cols, LINE).to_pyarrow()
            loaded = len(pc.unique(fresh.column(LINE))) if self.multi else fresh.num_rows
            if fresh.num_rows:
                self.wh.insert(self.table, fresh.drop_columns([LINE]))
        elif self.multi:
            loaded = int(new[LINE].nunique().execute())
            con.insert(self.table, new.select(*cols))
        else:
            before = self.wh.count(self.table)
            con.insert(self.table, new.select(*cols))
            loaded = self.wh.count(self.table) - before
        if dim and loaded < distinct:
            # some keys were already there: complete their missing values, never overwrite known ones
            self.filled = fill_nulls(self.wh, self.table, first, key, [c for c in cols if c not in _LINEAGE])
        return loaded, staged_lines

    def drop(self) -> None:
        if self.spilled:
            drop_temp(self.wh, self.name)


def _record_json(batch: pa.Table, mask: pa.Array) -> list[str]:
    rows = batch.filter(mask)
    keep = [c for c in rows.column_names if c != LINE and not c.startswith("@")]
    out = []
    for rec in rows.select(keep).to_pylist():
        out.append(json.dumps({k: v for k, v in rec.items() if v not in (None, "")}, ensure_ascii=False)[:20000])
    return out


def _target_columns(values: dict[str, pa.Array], mapping: dict[str, str], prof: Profile, run_id: str,
                    table: str, n: int) -> dict[str, pa.Array]:
    spec = table_spec(table)
    declared = {c.name for c in spec.columns}
    cols: dict[str, pa.Array] = {}
    for col, fname in mapping.items():
        if f"{fname}_lower" in values and f"{fname}_text" in values:
            for suffix in ("_text", "_lower", "_upper"):
                cols[f"{col}{suffix}"] = values[f"{fname}{suffix}"]
        else:
            cols[col] = values[fname]
    if "source" in declared and "source" not in cols:
        cols["source"] = pa.repeat(pa.scalar(prof.source, pa.string()), n)
    if "run_id" in declared and "run_id" not in cols:
        cols["run_id"] = pa.repeat(pa.scalar(run_id, pa.string()), n)
    return cols


class _Quarantine:
    def __init__(self, run: Run, source: str) -> None:
        self.run = run
        self.source = source
        self.rows: dict[str, list[Any]] = {c: [] for c in _Q_COLS}
        self.lines: set[tuple[str, int]] = set()

    def add(self, line: int, target: str, code: str, reason: str, record: str) -> None:
        now = utcnow()
        for col, val in zip(_Q_COLS, (self.run.run_id, self.source, line, target, code, reason, record, now),
                            strict=True):
            self.rows[col].append(val)
        self.lines.add((target, line))

    def write(self, wh: Warehouse) -> None:
        if not self.rows["line"]:
            return
        spec = table_spec("quarantine")
        schema = spec.ibis_schema().to_pyarrow()
        table = pa.Table.from_arrays([pa.array(self.rows[f.name], f.type) for f in schema], schema=schema)
        mem = ibis.memtable(table)
        keys = ["source", "line", "target_table", "reason_code", "record"]
        fresh = mem.anti_join(wh.table("quarantine").select(*keys), keys)
        wh.con.insert("quarantine", fresh.select(*[f.name for f in schema]))


def load_file(wh: Warehouse, src: SourceFile, prof: Profile, ctx: Context, *,
              progress: Callable[[str, int, int], None] | None = None, batch_rows: int = 500_000,
              fast: bool = True) -> FileResult:
    """Load one opened file with one profile, all-or-nothing. Caller handles InputError.

    ``fast=False`` runs the general parsers on every cell (the reference the fast path is tested against).
    """
    source = str(src.path)
    run = Run(kind="ingest", source=source, profile=prof.name)
    res = FileResult(path=source, profile=prof.name, run_id=run.run_id)
    quarantine = _Quarantine(run, source)
    stages: dict[str, _Stage] = {}
    with wh.transaction():
        try:
            for i, sec in enumerate(prof.sections):
                try:
                    _load_section(wh, src, prof, sec, ctx, run, quarantine, stages, res, progress, batch_rows, fast)
                except InputError as exc:
                    # a later section may be empty (e.g. a product without top videos)
                    if i == 0 or exc.key != "ingest.header_only":
                        raise
            # reader-level bad rows (wrong field count, bad JSON line)
            primary = prof.sections[0].primary
            for bad in src.bad_rows:
                reason = t(f"ingest.q.{bad.reason_code}", detail=bad.detail)
                quarantine.add(bad.line, primary, bad.reason_code, reason, json.dumps({"raw": bad.text},
                                                                                     ensure_ascii=False))
                res.rows_in += 1
                res.quarantined += 1
            added: dict[str, int] = {}
            for key, stage in stages.items():
                loaded, staged = stage.commit()
                table = stage.table
                added[table] = added.get(table, 0) + loaded
                if stage.filled:
                    res.filled[table] = res.filled.get(table, 0) + stage.filled
                if key.startswith("primary:"):
                    res.loaded += loaded
                    res.duplicates += staged - loaded
            if added.get("category") or added.get("category_name"):
                filled = _fill_category_names(wh)
                if filled:
                    res.filled["category"] = res.filled.get("category", 0) + filled
            res.tables = added
            quarantine.write(wh)
            run.rows_in, run.loaded, run.duplicates, run.quarantined = (res.rows_in, res.loaded, res.duplicates,
                                                                         res.quarantined)
            res.status = "partial" if res.quarantined else "ok"
            run.status = res.status
            res.message = ", ".join([f"{k} +{v}" for k, v in added.items()] +
                                    [t("ingest.filled", table=k, rows=v) for k, v in res.filled.items()])
            run.message = res.message
            run.record(wh)
        finally:
            for stage in stages.values():
                with contextlib.suppress(Exception):
                    stage.drop()
    return res


def _fill_category_names(wh: Warehouse) -> int:
    """category.name_zh from the category_name translations (same English name, any case and outer spaces)."""
    names = wh.table("category_name")
    folded = names.select(name_en=names.name_en.strip().lower(), name_zh=names.name_zh)
    one = folded.filter(folded.name_zh.notnull()).group_by("name_en").aggregate(name_zh=folded.name_zh.min())
    return fill_nulls(wh, "category", one, ["name_en"], ["name_zh"], fold=True)


def _join_table(src: SourceFile, join: dict[str, str]) -> pa.Table | None:
    """The sibling file named by the profile's ``join``, one row per key (first wins)."""
    from shopradar.sources.files.readers import open_source

    other = src.path.parent / join["file"]
    if not other.is_file():
        return None
    table = pa.concat_tables(list(open_source(other).batches()))
    keep = [c for c in table.column_names if c != LINE and not c.startswith("@")]
    table = table.select(keep)
    seen: set[str] = set()
    mask = []
    for key in table.column(join["key"]).to_pylist():
        mask.append(key not in seen)
        seen.add(key)
    return table.filter(pa.array(mask))


def _load_section(wh: Warehouse, src: SourceFile, prof: Profile, sec: SectionSpec, ctx: Context, run: Run,
                  quarantine: _Quarantine, stages: dict[str, _Stage], res: FileResult,
                  progress: Callable[[str, int, int], None] | None, batch_rows: int, fast: bool) -> None:
    primary = sec.primary
    multi = bool(sec.section.explode)
    join = prof.extra.get("join")
    right = _join_table(src, join) if join else None
    for batch in src.batches(sec.section, list(prof.sheets), batch_rows=batch_rows):
        n = batch.num_rows
        if n == 0:
            continue
        if right is not None and join["key"] in batch.column_names:
            batch = batch.join(right, keys=join["key"], join_type="left outer", right_suffix="__joined")
            batch = batch.sort_by(LINE)
        lines = batch.column(LINE).combine_chunks()
        norm = normalize_batch(batch, prof, sec, ctx, fast=fast)
        bad = pc.is_valid(norm.reason_code)
        if multi:
            # all-or-nothing per input record: one bad child sets the whole record aside
            bad_lines = pc.unique(pc.filter(lines, bad))
            bad = pc.is_in(lines, value_set=bad_lines)
            res.rows_in += len(pc.unique(lines))
        else:
            res.rows_in += n
        if pc.any(bad).as_py():
            idx = pc.indices_nonzero(bad).to_pylist()
            records = _record_json(batch, bad)
            codes = norm.reason_code.to_pylist()
            texts = norm.reason.to_pylist()
            line_list = lines.to_pylist()
            seen: set[int] = set()
            for i, rec in zip(idx, records, strict=True):
                line = line_list[i]
                code = codes[i] or "sibling_rejected"
                text = texts[i] or t("ingest.q.sibling_rejected")
                quarantine.add(line, primary, code, text, rec)
                if not multi or line not in seen:
                    seen.add(line)
                    res.quarantined += 1
        good = pc.invert(bad)
        values = {k: pc.filter(v, good) for k, v in norm.values.items()}
        good_lines = pc.filter(lines, good)
        m = len(good_lines)
        for i, (table, mapping) in enumerate(sec.targets):
            key_name = f"primary:{id(sec)}:{table}" if i == 0 else f"secondary:{table}"
            if key_name not in stages:
                stages[key_name] = _Stage(wh, table)
                stages[key_name].multi = multi and i == 0
            cols = _target_columns(values, mapping, prof, run.run_id, table, m)
            if i == 0:
                stages[key_name].add(cols, good_lines)
                continue
            # secondary tables: only rows whose key is complete
            keep = None
            for k in table_spec(table).key:
                ok = pc.is_valid(cols[k]) if k in cols else pa.array([False] * m)
                keep = ok if keep is None else pc.and_(keep, ok)
            if keep is None:
                continue
            stages[key_name].add({k: pc.filter(v, keep) for k, v in cols.items()}, pc.filter(good_lines, keep))
        if progress:
            progress(src.path.name, res.rows_in, 0)
