"""The Typer application every command module registers on."""

from __future__ import annotations

import os
import sys

import typer

try:  # Typer >= 0.20 ships its own copy of Click
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older Typer on plain Click
    from click import exceptions as click_exceptions  # type: ignore[no-redef]

__all__ = ["app", "click_exceptions", "h"]

from shopradar.i18n import normalize_lang, set_lang, t


def _lang_from_argv() -> str:
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalize_lang(argv[i + 1])
        if arg.startswith("--lang="):
            return normalize_lang(arg.split("=", 1)[1])
    return normalize_lang(os.environ.get("SHOPRADAR_LANG", "en"))


HELP_LANG = set_lang(_lang_from_argv())


def h(key: str) -> str:
    """Help text in the language asked for on the command line (or $SHOPRADAR_LANG)."""
    return t(key, lang=HELP_LANG)


app = typer.Typer(
    name="shopradar",
    help=h("cli.help"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from shopradar import __version__

        print(f"shopradar {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="shopradar version"),
) -> None:
    """Root of the command tree (keeps sub-commands even when only one exists)."""
