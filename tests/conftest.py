"""Shared fixtures: temporary warehouses, the CLI runner, the real data under ../shared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHOPRADAR_SHARED", REPO.parent / "shared"))
SHARED_DATA = SHARED / "data"


@pytest.fixture
def shared_data() -> Path:
    """The real public data files (never copied into the repo); skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not available: {SHARED_DATA} is absent (it sits beside the checkout)")
    return SHARED_DATA


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "shopradar.duckdb"


@pytest.fixture
def warehouse(db_path: Path):
    from shopradar.warehouse import Warehouse

    wh = Warehouse.open(db_path)
    yield wh
    wh.close()


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            input: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a subprocess (as a user would)."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    full_env.pop("SHOPRADAR_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "shopradar", *args], cwd=cwd, env=full_env, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli
