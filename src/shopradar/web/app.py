"""The local web app: the report's views with filters, a JSON API (OpenAPI), CSV/XLSX downloads.

``create_app(db, token=None, lang="en")`` returns a FastAPI application over one warehouse opened
read-only. Pages are rendered on the server with the report's templates and carry no JavaScript
(their Content-Security-Policy forbids scripts), so titles and shop names from the web stay text.
Every bad input is answered with a 4xx and a message, as JSON under ``/api`` and as a page elsewhere.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum, StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopradar.errors import DataError, ShopradarError, UsageError, WarehouseError
from shopradar.i18n import normalize_lang, t
from shopradar.report.export import table_bytes
from shopradar.report.filters import BAND_IDS, GRAINS, Catalog, Filters, parse_filters
from shopradar.report.render import TABLE_NAMES, Ctx, build_sections, compute_any, css, render
from shopradar.report.writer import render_report, selection_labels
from shopradar.warehouse import Warehouse
from shopradar.web.security import (
    TOKEN_COOKIE,
    host_name,
    is_loopback,
    token_from,
    token_ok,
)

PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "overview": ("/", ("overview", "categories", "channels", "concentration")),
    "shops": ("/shops", ("shops", "own_shop")),
    "prices": ("/prices", ("prices", "channels")),
    "insights": ("/insights", ("opportunities", "niche", "headroom")),
    "compliance": ("/compliance", ("compliance",)),
    "quality": ("/quality", ("quality",)),
}
HTML_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

ViewName = Enum("ViewName", {n: n for n in TABLE_NAMES}, type=str)  # type: ignore[misc]


class Fmt(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


Text = Annotated[str | None, Query(max_length=200)]


@dataclass
class Served:
    """The warehouse behind the app, its catalog and a lock (one DuckDB connection, many threads)."""

    wh: Warehouse
    lock: threading.Lock
    catalog: Catalog
    lang: str
    token: str | None
    allowed_hosts: frozenset[str]


class WebError(Exception):
    def __init__(self, status: int, key: str, **params: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.params = status, key, params


def create_app(db: str | os.PathLike[str] | None = None, token: str | None = None, lang: str = "en", *,
               host: str = "127.0.0.1", wh: Warehouse | None = None) -> FastAPI:
    """The web app over the warehouse at ``db`` (opened read-only; it must exist).

    ``token``: when set, every request must carry it (see :mod:`shopradar.web.security`). Without a
    token the app only answers requests whose Host header names this machine (``host`` included).
    """
    warehouse = wh or Warehouse.open(db, create=False, read_only=True)
    allowed = {"localhost", "127.0.0.1", "::1", host_name(host) if ":" not in host else host.strip("[]").lower()}
    state = Served(wh=warehouse, lock=threading.Lock(), catalog=Catalog(warehouse), lang=normalize_lang(lang),
                   token=token, allowed_hosts=frozenset(allowed))
    app = FastAPI(title="shopradar", version=_version(), docs_url=None, redoc_url=None,
                  description=t("web.api.description", lang="en"),
                  openapi_tags=[{"name": "data", "description": t("web.api.tag.data", lang="en")}])
    app.state.shopradar = state

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        lang_ = _req_lang(request, state)
        where = ""
        if state.token is None:
            name = host_name(request.headers.get("host", ""))
            if name not in state.allowed_hosts and not is_loopback(name):
                return _error(request, lang_, 400, "web.bad_host", host=name[:80])
        else:
            given, where = token_from(dict(request.headers), dict(request.query_params), dict(request.cookies))
            if given is None:
                return _error(request, lang_, 401, "web.token_missing")
            if not token_ok(given, state.token):
                return _error(request, lang_, 403, "web.token_wrong")
        try:
            response = await call_next(request)
        except Exception:  # pragma: no cover - handlers below catch what routes raise
            return _error(request, lang_, 500, "web.internal")
        if state.token is not None and where == "query":
            response.set_cookie(TOKEN_COOKIE, state.token, httponly=True, samesite="strict")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if response.media_type == "text/html" or response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = HTML_CSP
            response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(ShopradarError)
    async def on_shopradar(request: Request, exc: ShopradarError) -> Response:
        status = 400 if isinstance(exc, UsageError) else (404 if isinstance(exc, DataError) else
                                                         (503 if isinstance(exc, WarehouseError) else 400))
        return _error(request, _req_lang(request, state), status, exc.key, **exc.params)

    @app.exception_handler(WebError)
    async def on_web(request: Request, exc: WebError) -> Response:
        return _error(request, _req_lang(request, state), exc.status, exc.key, **exc.params)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path"))
        return _error(request, _req_lang(request, state), 400, "web.bad_param", name=where or "?",
                      problem=str(first.get("msg", "invalid"))[:160])

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        key = {404: "web.not_found", 405: "web.bad_method"}.get(exc.status_code, "web.http_error")
        return _error(request, _req_lang(request, state), exc.status_code, key, path=request.url.path[:120],
                      status=exc.status_code)

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        return _error(request, _req_lang(request, state), 500, "web.internal")

    def page(name: str) -> Callable[..., HTMLResponse]:
        def handler(request: Request, market: Text = None, category: Text = None, start: Text = None,
                    end: Text = None, price_band: Text = None, grain: Text = None,
                    lang: Text = None) -> HTMLResponse:
            lang_ = _req_lang(request, state)
            raw = {"market": market, "category": category, "start": start, "end": end, "price_band": price_band,
                   "grain": grain}
            with state.lock:
                f = parse_filters(state.catalog, raw)
                html = _render_page(state, name, f, lang_)
            return HTMLResponse(html)

        handler.__name__ = f"page_{name}"
        handler.__doc__ = t(f"web.page.{name}.doc", lang="en")
        return handler

    for name, (path, _) in PAGES.items():
        app.get(path, response_class=HTMLResponse, include_in_schema=False)(page(name))

    @app.get("/report.html", include_in_schema=False)
    def report_download(request: Request, market: Text = None, category: Text = None, start: Text = None,
                        end: Text = None, price_band: Text = None, lang: Text = None) -> Response:
        lang_ = _req_lang(request, state)
        with state.lock:
            f = parse_filters(state.catalog, {"market": market, "category": category, "start": start, "end": end,
                                              "price_band": price_band})
            if state.catalog.first is None:
                raise DataError("report.no_estimates")
            html = render_report(state.wh, f, lang_, state.catalog)
        return Response(html.encode("utf-8"), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="shopradar-report.html"'})

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request, lang: Text = None) -> HTMLResponse:
        lang_ = _req_lang(request, state)
        spec = app.openapi()
        ops = [{"method": m.upper(), "path": p, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "params": [{"name": q["name"], "description": q.get("description", "")}
                           for q in op.get("parameters", [])]}
               for p, item in spec["paths"].items() for m, op in item.items()]
        html = render("api.html", lang=lang_, tr=_tr(lang_), css=css(), ops=ops, title=t("web.api.title", lang=lang_),
                      nav=_nav(state, "api", Filters(), lang_), switch=_switch(request, lang_))
        return HTMLResponse(html)

    @app.get("/api/v1/catalog", tags=["data"], summary="Markets, category tree, dates and price bands")
    def api_catalog(lang: Text = None) -> dict[str, Any]:
        """What can be filtered on: markets, the category tree (id, parent, level, names), the first and
        last estimated dates, the price bands (USD per unit) and the period grains."""
        cat = state.catalog
        return {
            "markets": [{"code": m, "name_en": cat.market_name(m, "en"), "name_zh": cat.market_name(m, "zh")}
                        for m in cat.markets],
            "categories": [{"category_id": n.category_id, "parent_id": n.parent_id, "level": n.level,
                            "name_en": n.name_en, "name_zh": n.name_zh, "depth": d} for n, d in cat.tree()],
            "first_date": cat.first.isoformat() if cat.first else None,
            "last_date": cat.last.isoformat() if cat.last else None,
            "price_bands": list(BAND_IDS), "grains": list(GRAINS), "views": list(TABLE_NAMES),
        }

    @app.get("/api/v1/views/{name}", tags=["data"], summary="One table of the report, filtered",
             responses={200: {"content": {"text/csv": {}, MEDIA["xlsx"]: {}}}})
    def api_view(request: Request, name: ViewName, market: Text = None, category: Text = None,
                 start: Text = None, end: Text = None, price_band: Text = None, grain: Text = None,
                 format: Fmt = Fmt.json, lang: Text = None) -> Response:
        """The rows behind one chart. Filters: ``market`` (code), ``category`` (id; includes everything
        below it), ``start``/``end`` (YYYY-MM-DD, market-local), ``price_band`` (see the catalog),
        ``grain`` (day, week, month; for gmv_over_time). ``format``: json (default), csv or xlsx.
        Money is in US dollars, as decimal strings in JSON."""
        lang_ = _req_lang(request, state)
        view_name = name.value
        with state.lock:
            f = parse_filters(state.catalog, {"market": market, "category": category, "start": start, "end": end,
                                              "price_band": price_band, "grain": grain})
            table = compute_any(view_name, state.wh, state.catalog, f, lang_)
        body = table_bytes(table, format.value)
        headers = {}
        if format is not Fmt.json:
            headers["Content-Disposition"] = f'attachment; filename="shopradar-{view_name}.{format.value}"'
        if format is Fmt.json:
            import json

            rows = json.loads(body.decode("utf-8"))
            payload = {"view": view_name, "filters": f.as_params(), "columns": table.column_names, "rows": rows}
            return JSONResponse(payload)
        return Response(body, media_type=MEDIA[format.value], headers=headers)

    return app


# -- helpers --------------------------------------------------------------------------------------------------

def _version() -> str:
    from shopradar import __version__

    return __version__


def _tr(lang: str) -> Callable[..., str]:
    def tr(key: str, **params: Any) -> str:
        return t(key, lang=lang, **params)

    return tr


def _req_lang(request: Request, state: Served) -> str:
    raw = request.query_params.get("lang")
    if raw:
        return normalize_lang(raw[:20])
    return state.lang


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def _error(request: Request, lang: str, http_status: int, key: str, /, **params: Any) -> Response:
    message = t(key, lang=lang, **params)
    if _wants_json(request):
        return JSONResponse({"error": {"status": http_status, "code": key, "message": message}},
                            status_code=http_status)
    html = render("error.html", lang=lang, tr=_tr(lang), css=css(), status=http_status, message=message,
                  title=t("web.error.title", lang=lang, status=http_status))
    resp = HTMLResponse(html, status_code=http_status)
    resp.headers["Content-Security-Policy"] = HTML_CSP
    return resp


def _url(path: str, f: Filters, lang: str, default_lang: str) -> str:
    params = f.as_params()
    if lang != default_lang:
        params["lang"] = lang
    return path + ("?" + urlencode(params) if params else "")


def _nav(state: Served, current: str, f: Filters, lang: str) -> list[dict[str, Any]]:
    items = [{"label": t(f"web.page.{n}", lang=lang), "href": _url(p, f, lang, state.lang), "on": n == current,
              "name": n} for n, (p, _) in PAGES.items()]
    items.append({"label": t("web.page.api", lang=lang), "href": _url("/api", Filters(), lang, state.lang),
                  "on": current == "api", "name": "api"})
    return items


def _switch(request: Request, lang: str) -> dict[str, str]:
    other = "zh" if lang == "en" else "en"
    params = dict(request.query_params)
    params.pop("token", None)
    params["lang"] = other
    return {"href": request.url.path + "?" + urlencode(params), "label": "中文" if other == "zh" else "English",
            "lang": other}


def _render_page(state: Served, name: str, f: Filters, lang: str) -> str:
    path, sections = PAGES[name]

    def url(**changes: Any) -> str:
        return _url(path if name != "overview" else "/", f.with_(**changes), lang, state.lang)

    def downloads(view: str, fmt: str) -> str:
        params = f.as_params()
        params["format"] = fmt
        if lang != state.lang:
            params["lang"] = lang
        return f"/api/v1/views/{view}?" + urlencode(params)

    ctx = Ctx(wh=state.wh, catalog=state.catalog, filters=f, lang=lang, mode="app", url=url)
    built = build_sections(ctx, sections)
    cat = state.catalog
    form = {
        "markets": [{"value": m, "label": f"{m} · {cat.market_name(m, lang)}", "on": m == f.market}
                    for m in cat.markets],
        "categories": [{"value": n.category_id, "label": "\u00a0\u00a0\u00a0" * d + n.name(lang),
                        "on": n.category_id == f.category} for n, d in cat.tree()],
        "bands": [{"value": b, "label": f"${b}", "on": b == f.price_band} for b in BAND_IDS],
        "grains": [{"value": g, "label": t(f"web.grain.{g}", lang=lang), "on": g == f.grain} for g in GRAINS],
        "start": f.start.isoformat() if f.start else "", "end": f.end.isoformat() if f.end else "",
        "min": cat.first.isoformat() if cat.first else "", "max": cat.last.isoformat() if cat.last else "",
        "action": path, "lang": lang if lang != state.lang else "",
    }
    report_params = {k: v for k, v in f.as_params().items() if k != "grain"}
    report_params["lang"] = lang
    return render("app.html", lang=lang, tr=_tr(lang), css=css(), sections=built, page=name,
                  title=t(f"web.page.{name}", lang=lang), nav=_nav(state, name, f, lang), form=form,
                  selection=selection_labels(cat, f, lang), downloads=downloads,
                  switch=_switch_for(path, f, lang, state.lang),
                  report_href="/report.html?" + urlencode(report_params),
                  generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))


def _switch_for(path: str, f: Filters, lang: str, default_lang: str) -> dict[str, str]:
    other = "zh" if lang == "en" else "en"
    params = f.as_params()
    params["lang"] = other
    return {"href": path + "?" + urlencode(params), "label": "中文" if other == "zh" else "English", "lang": other}
