"""A medium simulated market shared by the shape tests (built once per session, ~2 s)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shopradar.sources.simulate import SimConfig, simulate
from shopradar.warehouse import Warehouse

# Oct 2025 – Jan 2026: covers Black Friday (Nov 28) and Christmas
SHAPE = SimConfig(seed=11, markets=("US",), start=date(2025, 10, 1), days=120, products=2500, shops=500,
                  categories=14)


@pytest.fixture(scope="session")
def shaped(tmp_path_factory: pytest.TempPathFactory):
    path = Path(tmp_path_factory.mktemp("sim")) / "shape.duckdb"
    wh = Warehouse.open(path)
    summary = simulate(wh, SHAPE)
    yield wh, summary
    wh.close()


def query(wh: Warehouse, expr) -> list[dict]:
    return expr.to_pyarrow().to_pylist()
