"""A real server on a loopback port, a sample warehouse, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from shopradar.report.sample import fill_sample
    from shopradar.warehouse import Warehouse

    path = tmp_path_factory.mktemp("web") / "sample.duckdb"
    with Warehouse.open(path) as wh:
        fill_sample(wh, products=40, days=120, shops=10)
    return path


@dataclass
class Live:
    url: str
    port: int
    token: str | None


def serve(app, host: str = "127.0.0.1") -> tuple[Live, callable]:
    """Run ``app`` with uvicorn in a thread on a free port; returns (live, stop)."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    assert server.started, "server did not start"

    def stop() -> None:
        server.should_exit = True
        thread.join(10)
        sock.close()

    return Live(f"http://127.0.0.1:{port}", port, app.state.shopradar.token), stop


@pytest.fixture(scope="session")
def live(web_db: Path) -> Iterator[Live]:
    from shopradar.web import create_app

    srv, stop = serve(create_app(web_db, lang="en"))
    yield srv
    stop()


@pytest.fixture(scope="session")
def live_token(web_db: Path) -> Iterator[Live]:
    from shopradar.web import create_app

    srv, stop = serve(create_app(web_db, token="s3cret-token", lang="en"))
    yield srv
    stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but Debian's chromium is not installed (scripts/setup-tests.sh installs it)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
