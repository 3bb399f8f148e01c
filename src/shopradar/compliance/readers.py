"""Read texts to check from files: CSV/TSV, XLSX, JSON/JSON Lines, or plain text.

Every problem is one clear error naming the file (and line or byte where it applies): a missing file, binary
data, text that is not valid in the encoding, a missing column. Empty cells are counted, not dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from shopradar.errors import InputError

if TYPE_CHECKING:
    from shopradar.compliance.catalog import CheckReport

__all__ = ["TEXT_COLUMNS", "TextBatch", "check_file", "decode", "read_texts"]

MAX_FILE_BYTES = 512 * 1024 * 1024
TEXT_COLUMNS = ("text", "title", "product_title", "product title", "product_name", "product name", "name",
                "description", "script", "caption", "content", "标题", "商品标题", "商品名称", "商品名", "描述",
                "文案", "脚本", "titulo", "título", "titel", "titre", "titolo", "タイトル", "商品名", "説明")


@dataclass
class TextBatch:
    """Texts read from one source: (id, text) pairs, plus how many were empty."""

    items: list[tuple[str, str]] = field(default_factory=list)
    empty: int = 0
    column: str | None = None
    whole_text: bool = False  # plain text: one text, findings located by line


def decode(raw: bytes, source: str, encoding: str | None = None) -> str:
    """Bytes → text: UTF-8 (with or without BOM), UTF-16 with a BOM, or the encoding asked for."""
    if encoding:
        try:
            return raw.decode(encoding)
        except LookupError:
            raise InputError("compliance.bad_encoding_name", encoding=encoding) from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError("compliance.input_encoding", path=source, line=line, offset=exc.start,
                             encoding=encoding) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError("compliance.input_encoding", path=source, line=0, offset=exc.start,
                             encoding="utf-16") from None
    head = raw[:8192]
    if b"\x00" in head:
        raise InputError("compliance.input_binary", path=source, offset=head.index(b"\x00"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("compliance.input_encoding", path=source, line=line, offset=exc.start,
                         encoding="utf-8") from None


def read_texts(path: str | Path, *, column: str | None = None, id_column: str | None = None,
               sheet: str | None = None, encoding: str | None = None) -> TextBatch:
    """Texts from a file; the format is taken from the extension (anything unknown is plain text)."""
    p = Path(path)
    if not p.exists():
        raise InputError("compliance.input_missing", path=str(p))
    if p.is_dir():
        raise InputError("compliance.input_is_dir", path=str(p))
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError("compliance.input_too_big", path=str(p), size=size, limit=MAX_FILE_BYTES)
    ext = p.suffix.lower()
    if ext in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        return _read_sheet(p, column, id_column, sheet)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError("compliance.input_unreadable", path=str(p), error=exc.strerror or str(exc)) from None
    text = decode(raw, str(p), encoding)
    if ext in (".csv", ".tsv"):
        return _read_csv(text, p, column, id_column, "\t" if ext == ".tsv" else None)
    if ext in (".json", ".jsonl", ".ndjson"):
        return _read_json(text, p, column, id_column, lines=ext != ".json")
    batch = TextBatch(whole_text=True)
    if text.strip():
        batch.items.append((p.name, text))
    else:
        batch.empty = 1
    return batch


def _pick_column(header: list[str], column: str | None, source: str) -> int:
    names = [str(h).strip() for h in header]
    low = [n.lower() for n in names]
    if column:
        if column.strip().lower() in low:
            return low.index(column.strip().lower())
        raise InputError("compliance.no_column", column=column, path=source, columns=", ".join(names) or "-")
    for cand in TEXT_COLUMNS:
        if cand in low:
            return low.index(cand)
    raise InputError("compliance.need_column", path=source, columns=", ".join(names) or "-")


def _id_index(header: list[str], id_column: str | None, source: str) -> int | None:
    if not id_column:
        return None
    low = [str(h).strip().lower() for h in header]
    if id_column.strip().lower() not in low:
        raise InputError("compliance.no_column", column=id_column, path=source, columns=", ".join(header))
    return low.index(id_column.strip().lower())


def _read_csv(text: str, p: Path, column: str | None, id_column: str | None, delimiter: str | None) -> TextBatch:
    if delimiter is None:
        sample = text[:65536]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("compliance.input_empty", path=str(p)) from None
    except csv.Error as exc:
        raise InputError("compliance.input_csv", path=str(p), line=1, error=str(exc)) from None
    col = _pick_column(header, column, str(p))
    idc = _id_index(header, id_column, str(p))
    batch = TextBatch(column=header[col].strip())
    try:
        for row in reader:
            line = reader.line_num
            value = row[col] if col < len(row) else ""
            if not value.strip():
                batch.empty += 1
                continue
            rid = row[idc] if idc is not None and idc < len(row) and row[idc] else f"{p.name}:{line}"
            batch.items.append((rid, value))
    except csv.Error as exc:
        raise InputError("compliance.input_csv", path=str(p), line=reader.line_num, error=str(exc)) from None
    return batch


def _read_json(text: str, p: Path, column: str | None, id_column: str | None, lines: bool) -> TextBatch:
    records: list[tuple[int, object]] = []
    if lines:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError("compliance.input_json", path=str(p), line=n, error=exc.msg) from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError("compliance.input_json", path=str(p), line=exc.lineno, error=exc.msg) from None
        if isinstance(data, dict):
            for key in ("items", "data", "records", "products", "texts"):
                if isinstance(data.get(key), list):
                    data = data[key]
                    break
            else:
                data = [data]
        if not isinstance(data, list):
            raise InputError("compliance.input_json", path=str(p), line=1, error="expected a list of texts or objects")
        records = list(enumerate(data, 1))
    batch = TextBatch()
    col_name: str | None = None
    for n, rec in records:
        rid = f"{p.name}:{n}"
        if isinstance(rec, str):
            value = rec
        elif isinstance(rec, dict):
            if col_name is None:
                col_name = list(rec)[_pick_column(list(rec), column, str(p))] if rec else None
                batch.column = col_name
            value = rec.get(col_name) if col_name else None
            if id_column and rec.get(id_column) is not None:
                rid = str(rec[id_column])
        elif rec is None:
            value = None
        else:
            raise InputError("compliance.input_json", path=str(p), line=n,
                             error=f"item {n} is a {type(rec).__name__}, not a text or an object")
        if value is None or not str(value).strip():
            batch.empty += 1
            continue
        batch.items.append((rid, str(value)))
    return batch


def _read_sheet(p: Path, column: str | None, id_column: str | None, sheet: str | None) -> TextBatch:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(p))
        names = wb.sheet_names
        if sheet is not None and sheet not in names:
            raise InputError("compliance.no_sheet", sheet=sheet, path=str(p), sheets=", ".join(names))
        rows = wb.get_sheet_by_name(sheet or names[0]).to_python(skip_empty_area=False)
    except InputError:
        raise
    except Exception as exc:  # calamine raises its own types for broken files
        raise InputError("compliance.input_sheet", path=str(p), error=str(exc).splitlines()[0][:200]) from None
    it: Iterator[list[object]] = iter(rows)
    try:
        header = [str(h) for h in next(it)]
    except StopIteration:
        raise InputError("compliance.input_empty", path=str(p)) from None
    col = _pick_column(header, column, str(p))
    idc = _id_index(header, id_column, str(p))
    batch = TextBatch(column=header[col])
    sheet_name = sheet or names[0]
    for n, row in enumerate(it, 2):
        value = row[col] if col < len(row) else None
        if value is None or not str(value).strip():
            batch.empty += 1
            continue
        rid = str(row[idc]) if idc is not None and idc < len(row) and row[idc] not in (None, "") \
            else f"{sheet_name}!{n}"
        batch.items.append((rid, str(value)))
    return batch


def check_file(path: str | Path, *, column: str | None = None, id_column: str | None = None,
               sheet: str | None = None, encoding: str | None = None, markets: list[str] | None = None,
               context: object = None, text_lang: str | None = None,
               packs: object = None) -> CheckReport:
    """Read a file (see :func:`read_texts`) and check every text; plain-text findings carry ``file:line`` ids."""
    from dataclasses import replace

    from shopradar.compliance.catalog import CheckReport
    from shopradar.compliance.checker import get_checker

    batch = read_texts(path, column=column, id_column=id_column, sheet=sheet, encoding=encoding)
    checker = get_checker(packs)  # type: ignore[arg-type]
    report = CheckReport(empty=batch.empty)
    for rid, text in batch.items:
        found = checker.check(text, text_id=rid, markets=markets, context=context, text_lang=text_lang)
        if batch.whole_text:
            found = [replace(f, text_id=f"{rid}:{text.count(chr(10), 0, f.start) + 1}") for f in found]
        report.findings.extend(found)
        report.checked += 1
    return report
