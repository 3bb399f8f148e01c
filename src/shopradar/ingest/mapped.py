"""Files whose records another stage already knows how to map (profile ``mapper: module:function``).

Used for Partner API order objects saved as JSON: the TikTok API stage's
``order_lines(order, shop_id, market, run_id)`` maps one order to ``order_line`` rows or raises
its ``Bad`` (→ quarantine). Counting is per input record (order), as everywhere in ingest.
"""

from __future__ import annotations

import contextlib
import importlib
import json

import pyarrow as pa

from shopradar.errors import InputError
from shopradar.i18n import t
from shopradar.ingest.load import FileResult, _Quarantine, _Stage
from shopradar.ingest.normalize import Context
from shopradar.sources.files.profiles import Profile
from shopradar.sources.files.readers import SourceFile
from shopradar.warehouse.core import Warehouse
from shopradar.warehouse.runs import Run
from shopradar.warehouse.schema import table_spec

__all__ = ["load_mapped"]


def load_mapped(wh: Warehouse, src: SourceFile, prof: Profile, ctx: Context, market: str | None) -> FileResult:
    module_name, _, func_name = str(prof.mapper).partition(":")
    try:
        module = importlib.import_module(module_name)
        mapper = getattr(module, func_name)
        market_info = module.market_info
        bad_type = module.Bad
    except (ImportError, AttributeError):
        raise InputError("ingest.mapper_missing", path=str(src.path), mapper=str(prof.mapper)) from None
    doc = src._load_json()
    records = [r for _, r in doc] if src.fmt == "jsonl" else (doc if isinstance(doc, list) else [doc])
    source = str(src.path)
    run = Run(kind="ingest", source=source, profile=prof.name)
    res = FileResult(path=source, profile=prof.name, run_id=run.run_id)
    quarantine = _Quarantine(run, source)
    spec = table_spec("order_line")
    with wh.transaction():
        stage = _Stage(wh, "order_line")
        stage.multi = True
        try:
            rows: list[dict] = []
            lines: list[int] = []
            for i, rec in enumerate(records, start=1):
                res.rows_in += 1
                try:
                    if not isinstance(rec, dict):
                        raise bad_type("not_an_object", type(rec).__name__)
                    region = market or str(((rec.get("recipient_address") or {}).get("region_code")) or "")
                    out = mapper(rec, None, market_info(region), run.run_id)
                except bad_type as exc:
                    quarantine.add(i, "order_line", f"mapping_{exc.code}", t("ingest.q.mapping", detail=exc.detail),
                                   json.dumps(rec, ensure_ascii=False, default=str)[:20000])
                    res.quarantined += 1
                    continue
                for row in out:
                    rows.append(row)
                    lines.append(i)
            if rows:
                schema = spec.ibis_schema().to_pyarrow()
                cols = {f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema}
                stage.add(cols, pa.array(lines, pa.int64()))
            loaded, staged = stage.commit()
            res.loaded, res.duplicates = loaded, staged - loaded
            res.tables = {"order_line": loaded}
            quarantine.write(wh)
            res.status = "partial" if res.quarantined else "ok"
            run.rows_in, run.loaded, run.duplicates, run.quarantined = (res.rows_in, res.loaded, res.duplicates,
                                                                         res.quarantined)
            run.status = res.status
            res.message = run.message = f"order_line +{loaded}"
            run.record(wh)
        finally:
            with contextlib.suppress(Exception):
                stage.drop()
    return res
