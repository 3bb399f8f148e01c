"""Read CSV, TSV, XLSX, JSON, JSON Lines and Parquet files into Arrow tables of text.

Every reader yields batches of ``pa.Table`` whose columns are strings (the cell as written)
plus ``_line`` (1 = first data row). Normalization happens later, vectorized. A file that is
not what it claims (empty, header only, binary, truncated, undecodable) raises
:class:`~shopradar.errors.InputError` naming the file; rows that cannot be split into
fields come back as :class:`BadRow` so they can be quarantined, never dropped.

Encodings: UTF-8 (with or without BOM), UTF-16 (BOM), GB18030/GBK (Chinese Excel exports),
and as a last resort Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shopradar.errors import InputError

__all__ = ["FORMATS", "BadRow", "SourceFile", "detect_format", "open_source", "sniff_encoding"]

FORMATS: dict[str, str] = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet",
}
LINE = "_line"
_SAMPLE = 1 << 20
_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d{2})[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


@dataclass
class BadRow:
    """A row the reader could not split into fields (kept for quarantine)."""

    line: int
    text: str
    reason_code: str
    detail: str


@dataclass
class Section:
    """Where records sit inside a JSON document (ignored for tabular files)."""

    path: str = ""           # dot path to a list (or object) of records; "" = the document
    explode: str | None = None  # list field inside each record: one row per element
    items: bool = False      # the path holds an object: one row per key (columns key, value)


def detect_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt:
        return fmt
    head = _head(path, 8)
    if head.startswith(b"PK"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _head(path: Path, n: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def sniff_encoding(sample: bytes, path: Path) -> str:
    """The encoding of a text file from its first bytes; InputError for binary data."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        # UTF-16 without BOM: every other byte NUL in ASCII text
        even, odd = sample[0::2], sample[1::2]
        if len(sample) >= 4 and odd.count(0) > 0.4 * len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if len(sample) >= 4 and even.count(0) > 0.4 * len(even) and odd.count(0) == 0:
            return "utf-16-be"
        raise InputError("ingest.binary", path=str(path))
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(sample, final=False)
            return enc
        except UnicodeDecodeError:
            continue
    return "cp1252"


def _file_date(path: Path) -> str | None:
    for part in (path.name, *(p.name for p in path.parents[:3])):
        m = _DATE_IN_NAME.search(part)
        if m:
            return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return None


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _column_text(values: tuple[Any, ...]) -> pa.Array:
    """One spreadsheet column as text, like :func:`_cell_text` on every cell, but column-at-a-time
    when the column holds one type (text, numbers, booleans)."""
    try:
        arr = pa.array(values, from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pa.array([_cell_text(v) for v in values], pa.string())
    if pa.types.is_string(arr.type) or pa.types.is_null(arr.type):
        return arr.cast(pa.string())
    if pa.types.is_integer(arr.type):
        return arr.cast(pa.string())
    if pa.types.is_boolean(arr.type):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_floating(arr.type):
        whole = pc.and_(pc.equal(pc.floor(arr), arr), pc.less(pc.abs(arr), 1e15))
        as_int = pc.cast(pc.cast(pc.if_else(whole, arr, 0.0), pa.int64()), pa.string())
        # other values as Python writes them (repr), once per distinct value
        uniq = pc.unique(pc.filter(arr, pc.invert(pc.fill_null(whole, True))))
        texts = pa.array([_cell_text(v) for v in uniq.to_pylist()], pa.string())
        other = pc.take(texts, pc.index_in(arr, value_set=uniq))
        return pc.if_else(pc.fill_null(whole, False), as_int, other)
    return pa.array([_cell_text(v) for v in values], pa.string())


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = (raw or "").strip().lstrip("\ufeff").strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


@dataclass
class SourceFile:
    """An opened input file: its columns (per section) and its rows in batches."""

    path: Path
    fmt: str
    meta: dict[str, str] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)
    _doc: Any = None
    _sheets: list[str] | None = None
    encoding: str | None = None

    # -- columns ---------------------------------------------------------------------
    def columns(self, section: Section | None = None, sheet: list[str] | None = None) -> list[str]:
        if self.fmt in ("json", "jsonl"):
            names: dict[str, None] = {}
            for rec in self._records(section or Section(), limit=50):
                names.update(dict.fromkeys(rec))
            names.pop(LINE, None)
            return [*names, *self.meta]
        if self.fmt == "xlsx":
            return [*self._xlsx_sheet(sheet)[1], *self.meta]
        if self.fmt == "parquet":
            import pyarrow.parquet as pq

            try:
                return [*pq.ParquetFile(self.path).schema_arrow.names, *self.meta]
            except Exception as exc:  # pyarrow raises several types for damaged files
                raise InputError("ingest.unreadable", path=str(self.path), fmt="Parquet", error=_line1(exc)) from None
        return [*self._csv_header(), *self.meta]

    # -- batches ---------------------------------------------------------------------
    def batches(self, section: Section | None = None, sheet: list[str] | None = None,
                batch_rows: int = 500_000) -> Iterator[pa.Table]:
        if self.fmt in ("json", "jsonl"):
            yield from self._json_batches(section or Section(), batch_rows)
        elif self.fmt == "xlsx":
            yield from self._xlsx_batches(sheet, batch_rows)
        elif self.fmt == "parquet":
            yield from self._parquet_batches(batch_rows)
        else:
            yield from self._csv_batches(batch_rows)

    def _with_meta(self, table: pa.Table, start: int, lines: Any = None) -> pa.Table:
        n = table.num_rows
        table = table.append_column(LINE, pa.array(np.arange(start, start + n, dtype=np.int64) if lines is None
                                                   else lines, pa.int64()))
        for key, value in self.meta.items():
            if key not in table.column_names:
                table = table.append_column(key, pa.repeat(pa.scalar(value, pa.string()), n))
        return table

    # -- CSV / TSV ---------------------------------------------------------------------
    def _encoding(self) -> str:
        if self.encoding is None:
            sample = _head(self.path, _SAMPLE)
            if not sample.strip(b" \r\n\t\xef\xbb\xbf"):
                raise InputError("ingest.empty_file", path=str(self.path))
            self.encoding = sniff_encoding(sample, self.path)
        return self.encoding

    def _text_sample(self) -> str:
        enc = self._encoding()
        raw = _head(self.path, _SAMPLE)
        return codecs.getincrementaldecoder(enc)(errors="replace").decode(raw, final=False)

    def _delimiter(self, first_line: str) -> str:
        if self.fmt == "tsv":
            return "\t"
        counts = {d: first_line.count(d) for d in (",", "\t", ";", "|")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","

    def _csv_header(self) -> list[str]:
        text = self._text_sample().lstrip("\ufeff")
        first = text.split("\n", 1)[0]
        delim = self._delimiter(first)
        try:
            header = next(csv.reader(io.StringIO(text), delimiter=delim))
        except (StopIteration, csv.Error):
            raise InputError("ingest.empty_file", path=str(self.path)) from None
        if not any(h.strip() for h in header):
            raise InputError("ingest.empty_file", path=str(self.path))
        return _unique(header)

    def _csv_batches(self, batch_rows: int) -> Iterator[pa.Table]:
        import pyarrow.csv as pacsv

        names = self._csv_header()
        delim = self._delimiter(self._text_sample().lstrip("\ufeff").split("\n", 1)[0])
        enc = self._encoding()
        bad: list[BadRow] = []
        expected = len(names)

        def on_invalid(row: Any) -> str:
            fields = row.actual_columns
            bad.append(BadRow(line=int(row.number) - 1 if row.number and row.number > 0 else -1,
                              text=str(row.text)[:2000], reason_code="wrong_field_count",
                              detail=f"{fields}/{expected}"))
            return "skip"

        read = pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=enc.replace("-sig", ""),
                                 block_size=1 << 24, use_threads=True)
        parse = pacsv.ParseOptions(delimiter=delim, newlines_in_values=True, invalid_row_handler=on_invalid)
        conv = pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                                    quoted_strings_can_be_null=False)
        got = 0
        # data-row numbers of the malformed rows, found by a second (Python csv) pass once the parser
        # reports one: the good rows after a skipped row keep their own numbers
        malformed: list[tuple[int, int]] | None = None

        def numbered(table: pa.Table) -> pa.Table:
            nonlocal malformed
            if bad and malformed is None:
                malformed = self._malformed_rows(delim, expected) or []
            if not malformed or len(malformed) < len(bad):   # none, or the two parsers disagree: plain numbering
                return self._with_meta(table, got + 1)
            good = np.arange(got + 1, got + 1 + table.num_rows, dtype=np.int64)
            pos = np.array([m[0] for m in malformed], dtype=np.int64)
            good_before = pos - np.arange(1, len(pos) + 1)     # good rows before the j-th malformed row
            return self._with_meta(table, 0, lines=good + np.searchsorted(good_before, good, side="left"))

        try:
            reader = pacsv.open_csv(self.path, read_options=read, parse_options=parse, convert_options=conv)
            pending: list[pa.RecordBatch] = []
            pending_rows = 0
            for batch in reader:
                if batch.num_rows == 0:
                    continue
                pending.append(batch)
                pending_rows += batch.num_rows
                if pending_rows >= batch_rows:
                    table = pa.Table.from_batches(pending)
                    yield numbered(table)
                    got += table.num_rows
                    pending, pending_rows = [], 0
            if pending:
                table = pa.Table.from_batches(pending)
                yield numbered(table)
                got += table.num_rows
        except pa.ArrowInvalid as exc:
            msg = _line1(exc)
            if "UTF8" in msg or "utf-8" in msg.lower() or "decode" in msg.lower():
                raise InputError("ingest.bad_encoding", path=str(self.path), encoding=enc) from None
            raise InputError("ingest.unreadable", path=str(self.path), fmt="CSV", error=msg) from None
        except UnicodeDecodeError:
            raise InputError("ingest.bad_encoding", path=str(self.path), encoding=enc) from None
        if bad and malformed is None:
            malformed = self._malformed_rows(delim, expected) or []
        if malformed and len(malformed) == len(bad) and \
                all(f"{m[1]}/{expected}" == b.detail for m, b in zip(malformed, bad, strict=True)):
            for m, b in zip(malformed, bad, strict=True):
                b.line = m[0]
        elif any(b.line < 0 for b in bad):
            self._locate(bad)
        self.bad_rows.extend(bad)
        if got == 0 and not bad:
            raise InputError("ingest.header_only", path=str(self.path))

    def _malformed_rows(self, delim: str, expected: int) -> list[tuple[int, int]] | None:
        """(data-row number, field count) of every row whose field count is not ``expected``; blank lines
        are not rows (as for the Arrow reader). None when Python's csv module cannot read the file."""
        out: list[tuple[int, int]] = []
        csv.field_size_limit(1 << 30)
        try:
            with self.path.open(encoding=self._encoding(), errors="replace", newline="") as fh:
                reader = csv.reader(fh, delimiter=delim)
                next(reader, None)   # the header
                row_no = 0
                for row in reader:
                    if not row:
                        continue
                    row_no += 1
                    if len(row) != expected:
                        out.append((row_no, len(row)))
        except (csv.Error, OSError):
            return None
        return out

    def _locate(self, bad: list[BadRow]) -> None:
        """Line numbers of malformed rows (the threaded CSV parser does not know them): find their text."""
        wanted = {b.text.rstrip("\r\n"): b for b in bad if b.line < 0}
        with self.path.open(encoding=self._encoding(), errors="replace", newline="") as fh:
            for i, line in enumerate(fh):
                hit = wanted.pop(line.rstrip("\r\n").lstrip("\ufeff"), None)
                if hit is not None:
                    hit.line = i  # physical line i+1 = data row i (the header is line 1)
                if not wanted:
                    break

    # -- XLSX -----------------------------------------------------------------------------
    def _xlsx_sheet(self, sheet: list[str] | None) -> tuple[Any, list[str], int]:
        """The sheet to read (the first of the preferred ones holding data), its header and where it is.

        Rows are read lazily (``iter_rows``): only the first rows are looked at here.
        """
        cache_key = tuple(sheet or ())
        cached = getattr(self, "_xlsx_cache", None)
        if cached and cached[0] == cache_key:
            return cached[1]
        try:
            from python_calamine import CalamineWorkbook

            sheets: dict[str, tuple[Any, list[list[Any]]]] = self.__dict__.setdefault("_xlsx_sheets", {})
            if "" not in sheets:
                sheets[""] = (CalamineWorkbook.from_path(str(self.path)), [])
            wb = sheets[""][0]
            names = list(wb.sheet_names)
            order = [n for n in (sheet or []) if n in names] + names
            chosen, head = None, []
            for name in order:
                if name not in sheets:   # each sheet parsed once, whichever profiles look at it
                    ws = wb.get_sheet_by_name(name)
                    sheets[name] = (ws, list(itertools.islice(ws.iter_rows(), 20)))
                ws, head = sheets[name]
                if any(any(c not in (None, "") for c in r) for r in head):
                    chosen = ws
                    break
        except InputError:
            raise
        except Exception as exc:  # calamine raises its own error types for damaged workbooks
            raise InputError("ingest.unreadable", path=str(self.path), fmt="XLSX", error=_line1(exc)) from None
        if chosen is None:
            raise InputError("ingest.empty_file", path=str(self.path))
        # header: the first row (of the first 20) that fills at least half of the widest row
        width = max(sum(1 for c in r if c not in (None, "")) for r in head)
        hdr = next(i for i, r in enumerate(head) if sum(1 for c in r if c not in (None, "")) * 2 >= width)
        header = _unique([_cell_text(c) or "" for c in head[hdr]])
        result = (chosen, header, hdr + 1)
        self._xlsx_cache = (cache_key, result)
        return result

    def _xlsx_batches(self, sheet: list[str] | None, batch_rows: int) -> Iterator[pa.Table]:
        """Data rows in batches, read lazily; empty rows count (they are quarantined) except at the end."""
        ws, header, skip = self._xlsx_sheet(sheet)
        width = len(header)
        start = 0
        held: list[list[Any]] = []      # empty rows at the end of a chunk: kept only if data follows
        try:
            rows = itertools.islice(ws.iter_rows(), skip, None)
            while True:
                chunk = list(itertools.islice(rows, batch_rows))
                if not chunk:
                    break
                # the last row holding a value (the sheet's trailing empty rows are not rows)
                last = len(chunk) - 1
                while last >= 0 and all(c is None or c == "" for c in chunk[last]):
                    last -= 1
                if last < 0:
                    held += chunk
                    continue
                chunk, tail = held + chunk[:last + 1], chunk[last + 1:]
                held = tail
                yield from self._xlsx_table(header, width, chunk, start)
                start += len(chunk)
        except InputError:
            raise
        except Exception as exc:  # a damaged sheet found while reading its rows
            raise InputError("ingest.unreadable", path=str(self.path), fmt="XLSX", error=_line1(exc)) from None
        if start == 0:
            raise InputError("ingest.header_only", path=str(self.path))

    def _xlsx_table(self, header: list[str], width: int, chunk: list[list[Any]], start: int) -> Iterator[pa.Table]:
        lengths = set(map(len, chunk))
        extra = [] if max(lengths) <= width else \
            [i for i, r in enumerate(chunk) if len(r) > width and any(c not in (None, "") for c in r[width:])]
        for i in extra:
            self.bad_rows.append(BadRow(start + i + 1, json.dumps([_cell_text(c) for c in chunk[i]],
                                                                   ensure_ascii=False)[:2000],
                                        "wrong_field_count", f"{len(chunk[i])}/{width}"))
        if lengths != {width}:
            chunk = [(list(r) + [None] * width)[:width] for r in chunk]
        cols = [_column_text(col) for col in zip(*chunk, strict=True)] if chunk else []
        table = pa.Table.from_arrays(cols, names=header)
        if extra:
            bad = set(extra)
            keep = pa.array([i not in bad for i in range(len(chunk))])
            lines = pa.array(range(start + 1, start + 1 + len(chunk)), pa.int64()).filter(keep)
            table = table.filter(keep)
            table = self._with_meta(table, 0).set_column(len(header), LINE, lines)
            yield table
        else:
            yield self._with_meta(table, start + 1)

    # -- Parquet ---------------------------------------------------------------------------
    def _parquet_batches(self, batch_rows: int) -> Iterator[pa.Table]:
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(self.path)
            line = 1
            total = 0
            for batch in pf.iter_batches(batch_size=batch_rows):
                cols = []
                for col in batch.columns:
                    cols.append(_as_text(col))
                table = pa.Table.from_arrays(cols, names=_unique(batch.schema.names))
                yield self._with_meta(table, line)
                line += table.num_rows
                total += table.num_rows
        except InputError:
            raise
        except Exception as exc:  # damaged or truncated parquet
            raise InputError("ingest.unreadable", path=str(self.path), fmt="Parquet", error=_line1(exc)) from None
        if total == 0:
            raise InputError("ingest.header_only", path=str(self.path))

    # -- JSON ---------------------------------------------------------------------------------
    def _load_json(self) -> Any:
        if self._doc is not None:
            return self._doc
        raw = self.path.read_bytes()
        if not raw.strip(b" \r\n\t\xef\xbb\xbf"):
            raise InputError("ingest.empty_file", path=str(self.path))
        enc = sniff_encoding(raw[:_SAMPLE], self.path)
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            raise InputError("ingest.bad_encoding", path=str(self.path), encoding=enc) from None
        text = text.lstrip("\ufeff")
        if self.fmt == "jsonl":
            docs: list[Any] = []
            for i, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    docs.append((i, json.loads(line)))
                except (json.JSONDecodeError, RecursionError) as exc:
                    self.bad_rows.append(BadRow(i, line[:2000], "bad_json", _line1(exc)))
            if not docs and not self.bad_rows:
                raise InputError("ingest.empty_file", path=str(self.path))
            self._doc = docs
            return docs
        try:
            doc = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InputError("ingest.bad_json", path=str(self.path), error=_line1(exc)) from None
        self._doc = doc
        if isinstance(doc, dict):
            for key, value in doc.items():
                if isinstance(value, (str, int, float, bool)) and not isinstance(value, bool):
                    self.meta.setdefault(f"@{key}", str(value))
        return doc

    def _records(self, section: Section, limit: int | None = None) -> Iterator[dict[str, str | None]]:
        doc = self._load_json()
        if self.fmt == "jsonl":
            items: list[tuple[int, Any]] = list(doc)
        else:
            node = _get_path(doc, section.path) if section.path else doc
            if node is None:
                return
            if section.items and isinstance(node, dict):
                items = [(i, {"key": k, "value": v}) for i, (k, v) in enumerate(node.items(), start=1)
                         if not str(k).startswith("_")]
            elif isinstance(node, list):
                items = list(enumerate(node, start=1))
            else:
                items = [(1, node)]
        count = 0
        for line, rec in items:
            if not isinstance(rec, dict):
                rec = {"value": rec}
            flat = _flatten(rec)
            if section.explode:
                children = rec.get(section.explode)
                if isinstance(children, list) and children:
                    for child in children:
                        row = dict(flat)
                        row.update({f"{section.explode}.{k}": v for k, v in
                                    _flatten(child if isinstance(child, dict) else {"value": child}).items()})
                        row[LINE] = str(line)
                        yield row
                        count += 1
                    continue
            flat[LINE] = str(line)
            yield flat
            count += 1
            if limit and count >= limit:
                return

    def _json_batches(self, section: Section, batch_rows: int) -> Iterator[pa.Table]:
        rows = list(self._records(section))
        if not rows:
            if self.bad_rows:
                return
            raise InputError("ingest.header_only", path=str(self.path))
        names: dict[str, None] = {}
        for r in rows:
            names.update(dict.fromkeys(r))
        names.pop(LINE, None)
        for start in range(0, len(rows), batch_rows):
            chunk = rows[start:start + batch_rows]
            cols = {n: pa.array([r.get(n) for r in chunk], pa.string()) for n in names}
            table = pa.table(cols) if cols else pa.table({"_empty": pa.nulls(len(chunk), pa.string())})
            lines = pa.array([int(r[LINE]) for r in chunk], pa.int64())
            table = self._with_meta(table, 0)
            table = table.set_column(table.column_names.index(LINE), LINE, lines)
            yield table


def _as_text(col: pa.Array) -> pa.Array:
    if pa.types.is_string(col.type):
        return col
    if pa.types.is_large_string(col.type):
        return col.cast(pa.string())
    if pa.types.is_floating(col.type):
        return pa.array([_cell_text(v) for v in col.to_pylist()], pa.string())
    try:
        return col.cast(pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array([_cell_text(v) for v in col.to_pylist()], pa.string())


def _get_path(doc: Any, path: str) -> Any:
    node = doc
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def _flatten(rec: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in rec.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            out[name] = _cell_text(value)
            if all(not isinstance(v, (dict, list)) for v in value):
                for i, v in enumerate(value[:10]):
                    out[f"{name}[{i}]"] = _cell_text(v)
                if value:
                    out[f"{name}[-1]"] = _cell_text(value[-1])
        else:
            out[name] = _cell_text(value)
    return out


def _line1(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def open_source(path: Path, fmt: str | None = None) -> SourceFile:
    """Open ``path`` (format from its extension or content). Raises InputError when unreadable."""
    if not path.exists():
        raise InputError("ingest.missing", path=str(path))
    if path.is_dir():
        raise InputError("ingest.is_dir", path=str(path))
    if path.stat().st_size == 0:
        raise InputError("ingest.empty_file", path=str(path))
    fmt = fmt or detect_format(path)
    src = SourceFile(path=path, fmt=fmt)
    src.meta["@file"] = path.name
    day = _file_date(path)
    if day:
        src.meta["@file_date"] = day
    if fmt == "xlsx" and not _head(path, 4).startswith(b"PK"):
        if _head(path, 8).startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError("ingest.old_xls", path=str(path))
        raise InputError("ingest.unreadable", path=str(path), fmt="XLSX", error="not a zip container")
    if fmt == "parquet" and not _head(path, 4).startswith(b"PAR1"):
        raise InputError("ingest.unreadable", path=str(path), fmt="Parquet", error="no PAR1 magic")
    if fmt in ("json", "jsonl"):
        src._load_json()
    return src
