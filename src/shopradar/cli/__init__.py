"""The ``shopradar`` command: a thin layer over the Python API.

Each command lives in its own module and registers itself on :data:`app`; importing
them here is what makes them appear. :func:`main` turns every error into one line.
"""

from __future__ import annotations

import os
import sys

import typer

from shopradar.cli import check as _check  # noqa: F401  (registers commands)
from shopradar.cli import demo as _demo  # noqa: F401  (registers commands)
from shopradar.cli import estimate as _estimate  # noqa: F401  (registers commands)
from shopradar.cli import ingest as _ingest  # noqa: F401  (registers commands)
from shopradar.cli import insights as _insights  # noqa: F401
from shopradar.cli import market as _market  # noqa: F401  (registers commands)
from shopradar.cli import report as _report  # noqa: F401  (registers commands)
from shopradar.cli import serve as _serve  # noqa: F401  (registers commands)
from shopradar.cli import simulate as _simulate  # noqa: F401  (registers commands)
from shopradar.cli import status as _status  # noqa: F401  (registers commands)
from shopradar.cli import tiktok as _tiktok  # noqa: F401  (registers connect/sync tiktok)
from shopradar.cli.app import app
from shopradar.cli.app import click_exceptions as cx
from shopradar.errors import ShopradarError
from shopradar.i18n import t

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script: one-line errors, exit codes 0/1/2."""
    from shopradar.cli.common import err_console

    try:
        result = app(args=argv, standalone_mode=False, prog_name="shopradar")
    except ShopradarError as exc:
        err_console.print(f"[bold red]{t('cli.error')}:[/] {_escape(str(exc))}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except cx.NoArgsIsHelpError:
        # Typer has printed the help already.
        sys.exit(0)
    except cx.UsageError as exc:
        cmd = exc.ctx.command_path.removeprefix("shopradar").strip() if exc.ctx else ""
        hint = t("cli.usage_hint", command=cmd).replace("  ", " ")
        err_console.print(f"[bold red]{t('cli.error')}:[/] {_escape(exc.format_message())} ({hint})",
                          soft_wrap=True)
        sys.exit(2)
    except typer.Abort:
        err_console.print(t("cli.interrupted"))
        sys.exit(130)
    except KeyboardInterrupt:
        err_console.print(t("cli.interrupted"))
        sys.exit(130)
    except cx.ClickException as exc:
        err_console.print(f"[bold red]{t('cli.error')}:[/] {_escape(exc.format_message())}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if os.environ.get("SHOPRADAR_DEBUG"):
            raise
        err_console.print(t("cli.internal_error", error=_escape(f"{type(exc).__name__}: {exc}".splitlines()[0])),
                          soft_wrap=True)
        sys.exit(70)
    if isinstance(result, int) and result:
        sys.exit(result)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
