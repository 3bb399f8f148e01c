"""``shopradar serve``: the local web app."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from shopradar.cli.app import app, h
from shopradar.cli.common import DbOpt, LangOpt, console, use_lang
from shopradar.errors import UsageError
from shopradar.i18n import t


@app.command("serve", help=h("web.help"))
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help=h("web.opt.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help=h("web.opt.port"))] = 8000,
    token: Annotated[str | None, typer.Option("--token", envvar="SHOPRADAR_TOKEN", show_envvar=False,
                                              help=h("web.opt.token"))] = None,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    import uvicorn

    from shopradar.web import create_app
    from shopradar.web.security import is_loopback, new_token

    code = use_lang(lang)
    if not 0 <= port < 65536:
        raise UsageError("web.bad_port", port=port)
    if token is None and not is_loopback(host):
        token = new_token()
    sock = _bind(host, port)
    web_app = create_app(db, token=token, lang=code, host=host)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    console.print(t("web.listening", url=url + (f"?token={token}" if token else ""),
                    path=str(web_app.state.shopradar.wh.path)), soft_wrap=True, highlight=False)
    if token:
        console.print(t("web.token_note", token=token), soft_wrap=True, highlight=False)
    config = uvicorn.Config(web_app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
    except (OSError, UnicodeError) as exc:
        raise UsageError("web.port_busy", host=host, port=port, error=getattr(exc, "strerror", None) or str(exc)
                         ) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
