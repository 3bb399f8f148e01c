from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small hand-built warehouse (with hostile titles and shop names), built once per session."""
    from shopradar.report.sample import fill_sample
    from shopradar.warehouse import Warehouse

    path = tmp_path_factory.mktemp("report") / "sample.duckdb"
    with Warehouse.open(path) as wh:
        fill_sample(wh, products=40, days=120, shops=10)
    return path


@pytest.fixture
def sample_wh(sample_db: Path):
    from shopradar.warehouse import Warehouse

    wh = Warehouse.open(sample_db, create=False, read_only=True)
    yield wh
    wh.close()
