"""``sync``: the seller's own shop from the Partner API into the warehouse, incrementally.

Orders (search + detail) and products go by update time, finance statements by statement
time, analytics by market-local day. Each page (or day) is written in one transaction
together with its progress in ``sync_state``, so a sync killed at any moment resumes where
the last committed page ended: rows are upserted on their keys, so a page fetched twice
adds no duplicate, and a window is marked done only with its last page, so nothing is
skipped. Every record either lands in its table, is an unchanged duplicate, or goes to
``quarantine`` with the reason.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa

from shopradar.errors import ApiError, ShopradarError, UsageError
from shopradar.i18n import t
from shopradar.progress import ProgressFn, no_progress
from shopradar.sources.tiktok_api import mapping as m
from shopradar.sources.tiktok_api.client import Client, ClientConfig, Page
from shopradar.sources.tiktok_api.credentials import AuthorizedShop, Credentials, load_credentials, save_credentials
from shopradar.sources.tiktok_api.endpoints import endpoint
from shopradar.sources.tiktok_api.oauth import fetch_shops
from shopradar.warehouse import Warehouse, table_spec
from shopradar.warehouse.runs import Run, utcnow

__all__ = ["RESOURCES", "SyncReport", "sync"]

log = logging.getLogger("shopradar.tiktok_api")

RESOURCES = ("orders", "products", "finance", "analytics")
SOURCE = m.SOURCE
OWN_TABLES = ("order_line", "shop", "product", "category", "own_shop_daily", "own_product_daily", "own_video",
              "own_live", "finance_statement", "finance_transaction", "sync_state", "quarantine", "ingest_run")
DAY = 86400


@dataclass
class Counts:
    rows_in: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"rows_in": self.rows_in, "loaded": self.loaded, "duplicates": self.duplicates,
                "quarantined": self.quarantined}


@dataclass
class SyncReport:
    run_id: str
    shops: list[str]
    counts: dict[str, Counts]
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    refreshes: int = 0
    status: str = "ok"

    @property
    def balanced(self) -> bool:
        return all(c.rows_in == c.loaded + c.duplicates + c.quarantined for c in self.counts.values())


@dataclass
class SyncOptions:
    """Tunables of a sync; the defaults suit a real shop."""

    page_size: int = 50
    window_days: int = 7
    initial_days: int = 90
    order_overlap_s: int = 600
    finance_overlap_days: int = 7
    analytics_lookback_days: int = 3
    analytics_initial_days: int = 30


@dataclass
class _Ctx:
    wh: Warehouse
    client: Client
    shop: AuthorizedShop
    market: m.MarketInfo
    run: Run
    counts: dict[str, Counts]
    since: datetime | None
    now: int
    opts: SyncOptions
    progress: ProgressFn
    synced_at: datetime = field(default_factory=utcnow)

    def count(self, resource: str) -> Counts:
        return self.counts.setdefault(resource, Counts())


# -- warehouse helpers -------------------------------------------------------------------------
def _ensure_tables(wh: Warehouse) -> None:
    """Tables this stage writes, created if the file predates them (same schema as migration 1)."""
    existing = set(wh.con.list_tables())
    for name in OWN_TABLES:
        if name not in existing:
            wh.con.create_table(name, schema=table_spec(name).ibis_schema())


def _arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=table_spec(name).ibis_schema().to_pyarrow())


def _upsert(wh: Warehouse, name: str, rows: list[dict[str, Any]], key: str) -> None:
    if not rows:
        return
    tbl = wh.table(name)
    ids = sorted({r[key] for r in rows})
    wh.delete_where(name, tbl[key].isin(ids))
    wh.insert(name, _arrow(name, rows))


def _state(wh: Warehouse, shop_id: str, resource: str) -> dict[str, Any] | None:
    s = wh.table("sync_state")
    rows = s.filter((s.source == SOURCE) & (s.shop_id == shop_id) & (s.resource == resource)).to_pyarrow().to_pylist()
    return rows[-1] if rows else None


def _put_state(ctx: _Ctx, resource: str, **fields: Any) -> None:
    s = ctx.wh.table("sync_state")
    ctx.wh.delete_where("sync_state", (s.source == SOURCE) & (s.shop_id == ctx.shop.id) & (s.resource == resource))
    row = {"source": SOURCE, "shop_id": ctx.shop.id, "resource": resource, "synced_until": None,
           "window_start": None, "window_end": None, "page_token": None, "last_date": None,
           "updated_at": utcnow(), "run_id": ctx.run.run_id, **fields}
    ctx.wh.insert("sync_state", _arrow("sync_state", [row]))


def _quarantine(ctx: _Ctx, target: str, path: str, line: int, bad: m.Bad, record: dict[str, Any]) -> None:
    ctx.wh.insert("quarantine", _arrow("quarantine", [{
        "run_id": ctx.run.run_id, "source": f"{SOURCE}:{path}", "line": line, "target_table": target,
        "reason_code": bad.code, "reason": t(f"tiktok_api.bad.{bad.code}", detail=bad.detail),
        "record": m.redacted(record), "quarantined_at": utcnow(),
    }]))


def _ts(value: datetime) -> int:
    return int(value.replace(tzinfo=UTC).timestamp())


def _dt(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)


# -- windows by time -----------------------------------------------------------------------------
def _windowed(ctx: _Ctx, resource: str, overlap_s: int,
              pages: Callable[[int, int, str | None], Iterator[Page]],
              write: Callable[[Page], None]) -> None:
    """Walk ``[start, now)`` in windows; each page is written with its progress, atomically."""
    st = _state(ctx.wh, ctx.shop.id, resource)
    end_all = ctx.now
    window = ctx.opts.window_days * DAY
    done_until = st["synced_until"] if st else None
    token: str | None = None
    if ctx.since is None and st and st["window_start"] is not None and st["window_end"] is not None:
        ws, we, token = _ts(st["window_start"]), _ts(st["window_end"]), st["page_token"]
        log.info("%s: resuming window %s..%s", resource, ws, we)
    else:
        if ctx.since is not None:
            ws = _ts(ctx.since)
        elif done_until is not None:
            ws = _ts(done_until) - overlap_s
        else:
            ws = end_all - ctx.opts.initial_days * DAY
        we = min(ws + window, end_all)
    total = max(1, (end_all - ws + window - 1) // window)
    done = 0
    while ws < end_all or token:
        resumed = token is not None
        try:
            for page in pages(ws, we, token):
                last = not page.next_page_token
                with ctx.wh.transaction():
                    write(page)
                    if last:
                        _put_state(ctx, resource, synced_until=_dt(we))
                    else:
                        _put_state(ctx, resource, synced_until=done_until, window_start=_dt(ws),
                                   window_end=_dt(we), page_token=page.next_page_token)
        except ApiError as exc:
            if not resumed:
                raise
            log.info("%s: saved page token refused (%s); restarting the window", resource, exc.key)
            token = None
            continue
        done_until = _dt(we)
        done += 1
        ctx.progress(f"tiktok_api.step.{resource}", done, total)
        ws, we, token = we, min(we + window, end_all), None


# -- orders --------------------------------------------------------------------------------------
def _sync_orders(ctx: _Ctx) -> None:
    c = ctx.count("orders")
    _, detail_path, _ = endpoint("orders_detail", ctx.client.config.paths)

    def pages(ws: int, we: int, token: str | None) -> Iterator[Page]:
        return ctx.client.pages("orders_search", items_key="orders", shop_cipher=ctx.shop.cipher,
                                query={"sort_field": "update_time", "sort_order": "ASC"},
                                body={"update_time_ge": ws, "update_time_lt": we},
                                page_size=min(ctx.opts.page_size, 50), page_token=token)

    def write(page: Page) -> None:
        found = [o for o in page.items if m.text(o.get("id"))]
        ids = list(dict.fromkeys(str(o["id"]) for o in found))
        details: dict[str, dict[str, Any]] = {}
        if ids:
            data = ctx.client.call("GET", detail_path, query={"ids": ",".join(ids)}, shop_cipher=ctx.shop.cipher)
            for o in data.get("orders") or []:
                if isinstance(o, dict) and m.text(o.get("id")):
                    details[str(o["id"])] = o
        ol = ctx.wh.table("order_line")
        existing: dict[str, datetime] = {}
        if ids:
            prev = ol.filter(ol.order_id.isin(ids)).group_by("order_id").aggregate(u=ol.updated_at.max())
            existing = {r["order_id"]: r["u"] for r in prev.to_pyarrow().to_pylist()}
        rows: list[dict[str, Any]] = []
        for n, raw in enumerate(page.items, start=1):
            order = details.get(str(raw.get("id")), raw)
            try:
                lines = m.order_lines(order, ctx.shop.id, ctx.market, ctx.run.run_id)
            except m.Bad as bad:
                k = len(order.get("line_items") or []) if isinstance(order.get("line_items"), list) else 1
                c.rows_in += max(k, 1)
                c.quarantined += max(k, 1)
                _quarantine(ctx, "order_line", detail_path, n, bad, order)
                continue
            c.rows_in += len(lines)
            if existing.get(lines[0]["order_id"]) == lines[0]["updated_at"]:
                c.duplicates += len(lines)
                continue
            c.loaded += len(lines)
            rows.extend(lines)
        _upsert(ctx.wh, "order_line", rows, "order_id")

    _windowed(ctx, "orders", ctx.opts.order_overlap_s, pages, write)


# -- products ------------------------------------------------------------------------------------
def _sync_products(ctx: _Ctx) -> None:
    c = ctx.count("products")
    _, search_path, _ = endpoint("products_search", ctx.client.config.paths)

    def pages(ws: int, we: int, token: str | None) -> Iterator[Page]:
        return ctx.client.pages("products_search", items_key="products", shop_cipher=ctx.shop.cipher,
                                body={"status": "ALL", "update_time_ge": ws, "update_time_le": we - 1},
                                page_size=min(ctx.opts.page_size, 100), page_token=token)

    def write(page: Page) -> None:
        rows, cats = [], {}
        for n, raw in enumerate(page.items, start=1):
            c.rows_in += 1
            try:
                pid = m.text(raw.get("id"))
                if not pid:
                    raise m.Bad("missing_field", "id")
                detail = ctx.client.get("product_detail", shop_cipher=ctx.shop.cipher, product_id=pid) or raw
                detail = {**raw, **detail}
                rows.append(m.product_row(detail, ctx.shop.id, ctx.market, ctx.run.run_id))
                for cat in m.category_rows(detail):
                    cats[cat["category_id"]] = cat
            except m.Bad as bad:
                c.quarantined += 1
                _quarantine(ctx, "product", search_path, n, bad, raw)
                continue
            c.loaded += 1
        _upsert(ctx.wh, "product", rows, "product_id")
        if cats:
            ct = ctx.wh.table("category")
            have = {r["category_id"] for r in ct.filter(ct.category_id.isin(list(cats))).select("category_id")
                    .to_pyarrow().to_pylist()}
            new = [v for k, v in cats.items() if k not in have]
            if new:
                ctx.wh.insert("category", _arrow("category", new))

    _windowed(ctx, "products", ctx.opts.order_overlap_s, pages, write)


# -- finance -------------------------------------------------------------------------------------
def _sync_finance(ctx: _Ctx) -> None:
    c = ctx.count("finance")
    _, st_path, _ = endpoint("statements", ctx.client.config.paths)

    def pages(ws: int, we: int, token: str | None) -> Iterator[Page]:
        return ctx.client.pages("statements", items_key="statements", shop_cipher=ctx.shop.cipher,
                                query={"statement_time_ge": ws, "statement_time_lt": we,
                                       "sort_field": "statement_time", "sort_order": "ASC"},
                                page_size=min(ctx.opts.page_size, 100), page_token=token)

    def write(page: Page) -> None:
        statements, txs = [], []
        for n, raw in enumerate(page.items, start=1):
            c.rows_in += 1
            try:
                srow = m.statement_row(raw, ctx.shop.id, ctx.market, ctx.run.run_id, ctx.synced_at)
            except m.Bad as bad:
                c.quarantined += 1
                _quarantine(ctx, "finance_statement", st_path, n, bad, raw)
                continue
            c.loaded += 1
            statements.append(srow)
            sid = srow["statement_id"]
            _, tx_path, _ = endpoint("statement_transactions", ctx.client.config.paths, statement_id=sid)
            for tp in ctx.client.pages("statement_transactions", items_key="transactions",
                                       shop_cipher=ctx.shop.cipher, statement_id=sid,
                                       query={"sort_field": "order_create_time", "sort_order": "ASC"},
                                       page_size=min(ctx.opts.page_size, 100)):
                for k, tx in enumerate(tp.items, start=1):
                    c.rows_in += 1
                    try:
                        txs.append(m.transaction_row(tx, sid, srow["currency"], ctx.shop.id, ctx.run.run_id,
                                                     ctx.synced_at))
                        c.loaded += 1
                    except m.Bad as bad:
                        c.quarantined += 1
                        _quarantine(ctx, "finance_transaction", tx_path, k, bad, tx)
        if statements:
            ids = [s["statement_id"] for s in statements]
            ft = ctx.wh.table("finance_transaction")
            ctx.wh.delete_where("finance_transaction", ft.statement_id.isin(ids))
            _upsert(ctx.wh, "finance_statement", statements, "statement_id")
            if txs:
                ctx.wh.insert("finance_transaction", _arrow("finance_transaction", txs))

    _windowed(ctx, "finance", ctx.opts.finance_overlap_days * DAY, pages, write)


# -- analytics -----------------------------------------------------------------------------------
def _sync_analytics(ctx: _Ctx) -> None:
    c = ctx.count("analytics")
    today = m.local_date(_dt(ctx.now), ctx.market) or date.today()
    st = _state(ctx.wh, ctx.shop.id, "analytics")
    if ctx.since is not None:
        start = m.local_date(ctx.since, ctx.market) or today
    elif st and st["last_date"] is not None:
        start = st["last_date"] - timedelta(days=ctx.opts.analytics_lookback_days - 1)
    else:
        start = today - timedelta(days=ctx.opts.analytics_initial_days)
    if start >= today:
        return
    cipher = ctx.shop.cipher
    base = {"currency": "LOCAL"}
    _, shop_path, _ = endpoint("shop_performance", ctx.client.config.paths)
    shop_data = ctx.client.get("shop_performance", shop_cipher=cipher,
                               query={**base, "start_date_ge": start.isoformat(), "end_date_lt": today.isoformat(),
                                      "granularity": "1D"})
    latest = shop_data.get("latest_available_date")
    end = today
    if latest:
        with contextlib.suppress(ValueError):
            end = min(today, date.fromisoformat(str(latest)[:10]) + timedelta(days=1))
    try:
        shop_rows = {r["date"]: r for r in m.shop_daily_rows(shop_data, ctx.shop.id, ctx.market, ctx.run.run_id,
                                                            ctx.synced_at)}
    except m.Bad as bad:
        shop_rows = {}
        c.rows_in += 1
        c.quarantined += 1
        with ctx.wh.transaction():
            _quarantine(ctx, "own_shop_daily", shop_path, 1, bad, shop_data)
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    for i, day in enumerate(days, start=1):
        q = {**base, "start_date_ge": day.isoformat(), "end_date_lt": (day + timedelta(days=1)).isoformat()}
        bad_rows: list[tuple[str, str, int, m.Bad, dict[str, Any]]] = []
        prows, vrows, lrows = [], [], []
        for name, key, target, fn, out in (
            ("product_performance", "products", "own_product_daily",
             lambda r, day=day: m.product_daily_row(r, day, ctx.shop.id, ctx.market, ctx.run.run_id,
                                                 ctx.synced_at), prows),
            ("video_performance", "videos", "own_video",
             lambda r, day=day: m.video_row(r, day, ctx.shop.id, ctx.market, ctx.run.run_id, ctx.synced_at), vrows),
            ("live_performance", "live_stream_sessions", "own_live",
             lambda r: m.live_row(r, ctx.shop.id, ctx.market, ctx.run.run_id, ctx.synced_at), lrows),
        ):
            _, path, _ = endpoint(name, ctx.client.config.paths)
            for page in ctx.client.pages(name, items_key=key, shop_cipher=cipher, query=q,
                                         page_size=min(ctx.opts.page_size, 100)):
                for n, rec in enumerate(page.items, start=1):
                    c.rows_in += 1
                    try:
                        out.append(fn(rec))
                        c.loaded += 1
                    except m.Bad as bad:
                        c.quarantined += 1
                        bad_rows.append((target, path, n, bad, rec))
        with ctx.wh.transaction():
            if day in shop_rows:
                c.rows_in += 1
                c.loaded += 1
                sd = ctx.wh.table("own_shop_daily")
                ctx.wh.delete_where("own_shop_daily", (sd.shop_id == ctx.shop.id) & (sd.date == day))
                ctx.wh.insert("own_shop_daily", _arrow("own_shop_daily", [shop_rows[day]]))
            for name, rows in (("own_product_daily", prows), ("own_video", vrows)):
                tb = ctx.wh.table(name)
                ctx.wh.delete_where(name, (tb.shop_id == ctx.shop.id) & (tb.date == day))
                if rows:
                    ctx.wh.insert(name, _arrow(name, rows))
            _upsert(ctx.wh, "own_live", lrows, "live_id")
            for target, path, n, bad, rec in bad_rows:
                _quarantine(ctx, target, path, n, bad, rec)
            _put_state(ctx, "analytics", last_date=day)
        ctx.progress("tiktok_api.step.analytics", i, len(days))


_SYNCERS: dict[str, Callable[[_Ctx], None]] = {
    "orders": _sync_orders, "products": _sync_products, "finance": _sync_finance, "analytics": _sync_analytics,
}


# -- entry point -----------------------------------------------------------------------------------
def _market_of(wh: Warehouse, region: str) -> m.MarketInfo:
    code = (region or "").upper()
    mk = wh.table("market")
    rows = mk.filter(mk.code == code).select("time_zone").limit(1).to_pyarrow().to_pylist()
    return m.market_info(code, rows[0]["time_zone"] if rows and rows[0]["time_zone"] else None)


def _pick_shops(creds: Credentials, shop: str | None) -> list[AuthorizedShop]:
    if not shop:
        return list(creds.shops)
    want = shop.strip().lower()
    hits = [s for s in creds.shops if want in (s.id.lower(), s.name.lower(), s.code.lower(), s.cipher.lower())]
    if not hits:
        known = ", ".join(f"{s.id} ({s.name})" for s in creds.shops) or "-"
        raise UsageError("tiktok_api.unknown_shop", shop=shop, known=known)
    return hits


def _parse_since(since: str | date | datetime | None) -> datetime | None:
    if since is None or since == "":
        return None
    if isinstance(since, datetime):
        return since.astimezone(UTC).replace(tzinfo=None) if since.tzinfo else since
    if isinstance(since, date):
        return datetime(since.year, since.month, since.day)
    try:
        return _parse_since(date.fromisoformat(str(since).strip()))
    except ValueError:
        raise UsageError("tiktok_api.bad_since", since=since) from None


def sync(wh: Warehouse, shop: str | None = None, since: str | date | datetime | None = None, *,
         resources: tuple[str, ...] | list[str] | None = None, credentials: str | os.PathLike[str] | None = None,
         config: ClientConfig | None = None, options: SyncOptions | None = None,
         progress: ProgressFn | None = None, clock: Callable[[], float] = time.time) -> SyncReport:
    """Sync the own shop(s) into ``wh``; resumes a previous sync that did not finish.

    ``shop`` picks one authorized shop (id, name, code or cipher); ``since`` (``YYYY-MM-DD``,
    UTC) re-fetches from that day instead of continuing where the last sync stopped;
    ``resources`` is any of ``orders, products, finance, analytics`` (default: all).
    """
    chosen = list(resources or RESOURCES)
    unknown = [r for r in chosen if r not in RESOURCES]
    if unknown:
        raise UsageError("tiktok_api.bad_resource", resource=", ".join(unknown), known=", ".join(RESOURCES))
    since_dt = _parse_since(since)
    opts = options or SyncOptions()
    creds = load_credentials(credentials)
    creds.require_tokens()
    target = credentials or creds.path

    def persist(c: Credentials) -> None:
        save_credentials(c, target)

    progress = progress or no_progress
    counts: dict[str, Counts] = {}
    with Client(creds, config, on_tokens=persist, clock=clock) as client:
        if not creds.shops:
            creds.shops = fetch_shops(client)
            persist(creds)
        shops = _pick_shops(creds, shop)
        if not shops:
            raise UsageError("tiktok_api.no_shops")
        run = Run("sync", source=f"{SOURCE}:" + ",".join(s.id for s in shops), profile="tiktok_api")
        report = SyncReport(run_id=run.run_id, shops=[s.id for s in shops], counts=counts)
        _ensure_tables(wh)
        try:
            for s in shops:
                market = _market_of(wh, s.region)
                ctx = _Ctx(wh=wh, client=client, shop=s, market=market, run=run, counts=counts, since=since_dt,
                           now=int(clock()), opts=opts, progress=progress)
                _write_shop(ctx)
                for res in RESOURCES:
                    if res in chosen:
                        _SYNCERS[res](ctx)
        except BaseException as exc:
            _finish(wh, run, counts, "failed", exc)
            report.status = "failed"
            raise
        finally:
            report.requests = client.stats["requests"]
            report.retries = client.stats["retries"]
            report.rate_limited = client.stats["rate_limited"]
            report.refreshes = client.stats["refreshes"]
        _finish(wh, run, counts, "ok", None)
    return report


def _write_shop(ctx: _Ctx) -> None:
    """The own shop in ``shop`` with ``is_own = true`` (keeping what other sources know of it)."""
    sh = ctx.wh.table("shop")
    prev = sh.filter(sh.shop_id == ctx.shop.id).to_pyarrow().to_pylist()
    row = m.shop_row(ctx.shop.id, ctx.shop.name, ctx.market.code, ctx.shop.seller_type,
                     m.local_date(_dt(ctx.now), ctx.market), ctx.run.run_id)
    if prev:
        old = prev[0]
        row = {**row, **{k: v for k, v in old.items() if v is not None and k not in ("is_own", "source", "run_id")}}
        row["is_own"] = True
    with ctx.wh.transaction():
        ctx.wh.delete_where("shop", sh.shop_id == ctx.shop.id)
        ctx.wh.insert("shop", _arrow("shop", [row]))


def _finish(wh: Warehouse, run: Run, counts: dict[str, Counts], status: str, exc: BaseException | None) -> None:
    total = Counts()
    for c in counts.values():
        total.rows_in += c.rows_in
        total.loaded += c.loaded
        total.duplicates += c.duplicates
        total.quarantined += c.quarantined
    run.rows_in, run.loaded, run.duplicates, run.quarantined = (total.rows_in, total.loaded, total.duplicates,
                                                               total.quarantined)
    run.status = status
    if exc is None:
        run.message = "; ".join(f"{k}: {c.loaded}/{c.rows_in}" for k, c in counts.items())
    elif isinstance(exc, ShopradarError):
        run.message = exc.message("en")
    else:
        run.message = type(exc).__name__
    try:
        with wh.transaction():
            run.record(wh)
    except Exception:  # the run row is lineage: never mask the error that ended the sync
        log.warning("could not record the sync run")

