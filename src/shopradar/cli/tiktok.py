"""``shopradar connect tiktok`` and ``shopradar sync tiktok``: the own shop via the Partner API."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer

from shopradar.cli.app import app, h
from shopradar.cli.common import DbOpt, LangOpt, console, err_console, open_warehouse, print_table, use_lang
from shopradar.i18n import t

connect_app = typer.Typer(help=h("tiktok_api.cli.connect_help"), no_args_is_help=True)
sync_app = typer.Typer(help=h("tiktok_api.cli.sync_help"), no_args_is_help=True)
app.add_typer(connect_app, name="connect")
app.add_typer(sync_app, name="sync")

CredOpt = Annotated[Path | None, typer.Option("--credentials", help=h("tiktok_api.cli.opt.credentials"))]
ApiBaseOpt = Annotated[str | None, typer.Option("--api-base", envvar="SHOPRADAR_TIKTOK_API_BASE", show_envvar=False,
                                                help=h("tiktok_api.cli.opt.api_base"))]
AuthBaseOpt = Annotated[str | None, typer.Option("--auth-base", envvar="SHOPRADAR_TIKTOK_AUTH_BASE", show_envvar=False,
                                                 help=h("tiktok_api.cli.opt.auth_base"))]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help=h("tiktok_api.cli.opt.verbose"))]


def _verbose(on: bool) -> None:
    if on:
        from shopradar.sources.tiktok_api.secrets import install_log_redaction

        install_log_redaction()
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def _config(api_base: str | None, auth_base: str | None, qps: float | None = None):
    from shopradar.sources.tiktok_api import ClientConfig

    cfg = ClientConfig(api_base=api_base or "", auth_base=auth_base or "")
    if qps is not None:
        cfg.qps = qps if qps > 0 else None
    return cfg


@connect_app.command("tiktok", help=h("tiktok_api.cli.connect_tiktok_help"))
def connect_tiktok(
    code: Annotated[str | None, typer.Argument(help=h("tiktok_api.cli.arg.code"), show_default=False)] = None,
    market: Annotated[str, typer.Option("--market", "-m", help=h("tiktok_api.cli.opt.market"))] = "US",
    service_id: Annotated[str | None, typer.Option("--service-id", help=h("tiktok_api.cli.opt.service_id"))] = None,
    credentials: CredOpt = None, api_base: ApiBaseOpt = None, auth_base: AuthBaseOpt = None,
    lang: LangOpt = None, verbose: VerboseOpt = False,
) -> None:
    from shopradar.sources.tiktok_api import authorization_url, connect

    use_lang(lang)
    _verbose(verbose)
    state = None
    if code is None:
        url, state = authorization_url(market, service_id, credentials=credentials)
        console.print(t("tiktok_api.cli.open_url", market=market.upper()))
        console.print(url, soft_wrap=True, markup=False, highlight=False)
        code = typer.prompt(t("tiktok_api.cli.paste_code"), prompt_suffix=": ", err=True)
    result = connect(code or "", credentials=credentials, config=_config(api_base, auth_base),
                     expected_state=state)
    console.print(t("tiktok_api.cli.connected", seller=result.seller_name or "-", shops=len(result.shops),
                    path=str(result.credentials_file)))
    if not result.shops:
        return
    print_table(pa.Table.from_pylist([{t("tiktok_api.cli.col.shop_id"): s.id, t("tiktok_api.cli.col.name"): s.name,
                  t("tiktok_api.cli.col.region"): s.region, t("tiktok_api.cli.col.seller_type"): s.seller_type}
                 for s in result.shops]))


@sync_app.command("tiktok", help=h("tiktok_api.cli.sync_tiktok_help"))
def sync_tiktok(
    shop: Annotated[str | None, typer.Option("--shop", help=h("tiktok_api.cli.opt.shop"))] = None,
    since: Annotated[str | None, typer.Option("--since", help=h("tiktok_api.cli.opt.since"))] = None,
    only: Annotated[str | None, typer.Option("--only", help=h("tiktok_api.cli.opt.only"))] = None,
    db: DbOpt = None, credentials: CredOpt = None, api_base: ApiBaseOpt = None, auth_base: AuthBaseOpt = None,
    qps: Annotated[float | None, typer.Option("--qps", help=h("tiktok_api.cli.opt.qps"))] = None,
    page_size: Annotated[int, typer.Option("--page-size", hidden=True, min=1, max=100)] = 50,
    lang: LangOpt = None, verbose: VerboseOpt = False,
) -> None:
    from shopradar.sources.tiktok_api import SyncOptions, sync

    use_lang(lang)
    _verbose(verbose)
    resources = [r.strip() for r in only.split(",") if r.strip()] if only else None

    def progress(step: str, done: int, total: int) -> None:
        err_console.print(f"  {t(step)} {done}/{total}", highlight=False)

    with open_warehouse(db) as wh:
        report = sync(wh, shop, since, resources=resources, credentials=credentials,
                      config=_config(api_base, auth_base, qps), options=SyncOptions(page_size=page_size),
                      progress=progress)
    rows = [{t("tiktok_api.cli.col.resource"): t(f"tiktok_api.step.{k}"), t("tiktok_api.cli.col.rows_in"): c.rows_in,
             t("tiktok_api.cli.col.loaded"): c.loaded, t("tiktok_api.cli.col.duplicates"): c.duplicates,
             t("tiktok_api.cli.col.quarantined"): c.quarantined} for k, c in report.counts.items()]
    title = t("tiktok_api.cli.synced", shops=", ".join(report.shops), run=report.run_id)
    print_table(pa.Table.from_pylist(rows), title=title)
    console.print(t("tiktok_api.cli.calls", requests=report.requests, retries=report.retries,
                    refreshes=report.refreshes))
