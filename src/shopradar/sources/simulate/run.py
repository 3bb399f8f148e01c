"""Run the simulator into the warehouse (one transaction) or to Parquet files (streamed)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from shopradar.errors import UsageError
from shopradar.progress import ProgressFn
from shopradar.sources.simulate import statics
from shopradar.sources.simulate.config import SimConfig
from shopradar.sources.simulate.engine import SOURCE, market_context, simulate_block
from shopradar.sources.simulate.markets import MARKETS
from shopradar.sources.simulate.world import build_market
from shopradar.warehouse import Warehouse
from shopradar.warehouse.runs import Run, new_run_id
from shopradar.warehouse.schema import table_spec

# tables the simulator writes, in the order a sink receives them
TABLES = ("market", "category", "fx_rate", "shop", "product", "creator", "truth_daily_sales", "product_snapshot",
          "video", "video_snapshot", "live", "live_snapshot")


@dataclass
class SimSummary:
    """What a run produced. ``gmv_usd`` is the simulated (sample) GMV per market over the
    period; multiply by ``scale`` for the full market it stands for."""

    run_id: str
    markets: list[str]
    start: date
    end: date
    rows: dict[str, int] = field(default_factory=dict)
    gmv_usd: dict[str, float] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    target: str = ""

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


Write = Callable[[str, pa.Table], None]


def _generate(cfg: SimConfig, write: Write, run_id: str, progress: ProgressFn | None) -> SimSummary:
    t0 = time.perf_counter()
    summary = SimSummary(run_id=run_id, markets=list(cfg.markets), start=cfg.start, end=cfg.end)
    rows = summary.rows

    def put(name: str, table: pa.Table | None) -> None:
        if table is None or table.num_rows == 0:
            return
        write(name, table)
        rows[name] = rows.get(name, 0) + table.num_rows

    put("market", statics.market_table(cfg))
    put("category", statics.category_table())
    put("fx_rate", statics.fx_table(cfg))
    for mi, code in enumerate(cfg.markets):
        market = MARKETS[code]
        world = build_market(cfg, market, mi)
        ctx = market_context(cfg, world, _scoped(progress, code))
        ctx.ids = statics.product_ids(world)
        put("shop", statics.shop_table(cfg, world, run_id))
        put("product", statics.product_table(cfg, world, ctx.ids, run_id))
        put("creator", statics.creator_table(cfg, world, run_id))
        chunks = _chunks(world.blocks, cfg.chunk_products)
        done = 0
        for chunk in chunks:
            parts: dict[str, list[pa.Table]] = {}
            for blk in chunk:
                for name, tbl in simulate_block(cfg, ctx, blk, run_id).items():
                    if tbl is not None and tbl.num_rows:
                        parts.setdefault(name, []).append(tbl)
                done += blk[2] - blk[1]
            for name in TABLES:
                if name in parts:
                    put(name, pa.concat_tables(parts[name], promote_options="permissive"))
            if progress:
                progress(f"simulate.step.sales:{code}", done, world.n_products)
        summary.gmv_usd[code] = ctx.gmv_usd
        summary.scale[code] = market.full_products / cfg.products
    summary.seconds = time.perf_counter() - t0
    return summary


def _scoped(progress: ProgressFn | None, code: str) -> ProgressFn | None:
    if progress is None:
        return None

    def inner(step: str, done: int, total: int) -> None:
        progress(f"{step}:{code}", done, total)

    return inner


def _chunks(blocks: list[tuple[int, int, int]], size: int) -> list[list[tuple[int, int, int]]]:
    out: list[list[tuple[int, int, int]]] = []
    cur: list[tuple[int, int, int]] = []
    n = 0
    for blk in blocks:
        cur.append(blk)
        n += blk[2] - blk[1]
        if n >= size:
            out.append(cur)
            cur, n = [], 0
    if cur:
        out.append(cur)
    return out


def simulate(wh: Warehouse, config: SimConfig, progress: ProgressFn | None = None) -> SimSummary:
    """Simulate ``config`` into the warehouse, all or nothing.

    Earlier simulated rows of the same markets (source ``simulator``) are replaced; other
    sources' rows are never touched. A failure leaves the warehouse as it was.
    """
    cfg = config.validated()
    run = Run(kind="simulate", source=cfg.describe(), profile=cfg.preset)
    with wh.transaction():
        _clear(wh, cfg)
        summary = _generate(cfg, lambda name, tbl: wh.insert(name, tbl), run.run_id, progress)
        run.rows_in = run.loaded = summary.total_rows
        run.message = "; ".join(f"{m}: GMV US${v:,.0f} (×{summary.scale[m]:,.0f} at full scale)"
                                for m, v in summary.gmv_usd.items())
        run.record(wh)
    summary.target = str(wh.path)
    return summary


def _clear(wh: Warehouse, cfg: SimConfig) -> None:
    markets = list(cfg.markets)
    currencies = sorted({MARKETS[m].currency for m in markets})
    t = wh.table("market")
    wh.delete_where("market", t.code.isin(markets))
    t = wh.table("category")
    wh.delete_where("category", t.source == SOURCE)
    t = wh.table("fx_rate")
    wh.delete_where("fx_rate", (t.source == SOURCE) & t.currency.isin(currencies))
    for name in ("shop", "product", "creator", "video", "live", "product_snapshot"):
        t = wh.table(name)
        wh.delete_where(name, (t.source == SOURCE) & t.market.isin(markets))
    t = wh.table("truth_daily_sales")
    wh.delete_where("truth_daily_sales", t.market.isin(markets))
    for name, col in (("video_snapshot", "video_id"), ("live_snapshot", "live_id")):
        t = wh.table(name)
        cond = None
        for m in markets:
            c = t[col].startswith(f"sim-{m}-")
            cond = c if cond is None else cond | c
        wh.delete_where(name, (t.source == SOURCE) & cond)


def simulate_to_parquet(config: SimConfig, out_dir: str | os.PathLike[str],
                        progress: ProgressFn | None = None) -> SimSummary:
    """Simulate ``config`` into ``out_dir/<table>.parquet``, streaming chunk by chunk.

    Memory stays bounded by the chunk size. Files are written in a temporary folder
    beside ``out_dir`` and moved in place at the end, so a failed run leaves no partial files.
    """
    cfg = config.validated()
    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise UsageError("simulate.parquet_not_dir", path=str(out))
    parent = out.parent if str(out.parent) else Path.cwd()
    if not parent.is_dir():
        raise UsageError("simulate.no_folder", path=str(out), folder=str(parent))
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise UsageError("simulate.not_writable", path=str(out))
    run_id = new_run_id("simulate")
    tmp = parent / f".{out.name}.{run_id}.tmp"
    tmp.mkdir()
    writers: dict[str, pq.ParquetWriter] = {}

    def write(name: str, table: pa.Table) -> None:
        schema = table_spec(name).ibis_schema().to_pyarrow()
        cols = [table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(table.num_rows, f.type)
                for f in schema]
        tbl = pa.Table.from_arrays(cols, schema=schema)
        if name not in writers:
            writers[name] = pq.ParquetWriter(tmp / f"{name}.parquet", schema, compression="zstd")
        writers[name].write_table(tbl, row_group_size=1 << 20)

    try:
        summary = _generate(cfg, write, run_id, progress)
        for w in writers.values():
            w.close()
        writers.clear()
        out.mkdir(exist_ok=True)
        for f in tmp.iterdir():
            os.replace(f, out / f.name)
    finally:
        for w in writers.values():
            w.close()
        shutil.rmtree(tmp, ignore_errors=True)
    summary.target = str(out)
    return summary
