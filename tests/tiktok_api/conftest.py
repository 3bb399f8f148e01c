"""Fixtures of the Partner API tests: the loopback server, a connected credentials file, a client config."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tts_data import write_credentials
from tts_server import FakeTikTok

ENV_VARS = ("SHOPRADAR_TIKTOK_CREDENTIALS", "SHOPRADAR_TIKTOK_APP_KEY", "SHOPRADAR_TIKTOK_APP_SECRET",
            "SHOPRADAR_TIKTOK_SERVICE_ID", "SHOPRADAR_TIKTOK_ACCESS_TOKEN", "SHOPRADAR_TIKTOK_REFRESH_TOKEN",
            "SHOPRADAR_TIKTOK_API_BASE", "SHOPRADAR_TIKTOK_AUTH_BASE", "SHOPRADAR_TIKTOK_AUTHORIZE_BASE",
            "SHOPRADAR_TIKTOK_ENDPOINTS")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def fake():
    server = FakeTikTok()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def creds_file(tmp_path: Path, fake: FakeTikTok) -> Path:
    """A credentials file as `connect` leaves it: app, fresh tokens, the fake's shops."""
    if not fake.shops:
        fake.add_shop("7495540735365777507", "1HORA Official", "VN")
    return write_credentials(tmp_path / "cred" / "tiktok.json", fake, fake.issue_tokens())


@pytest.fixture
def config(fake: FakeTikTok):
    from shopradar.sources.tiktok_api import ClientConfig

    return ClientConfig(api_base=fake.url, auth_base=fake.url, timeout=1.0, max_retries=4, backoff_base=0.01,
                        backoff_max=2.0, qps=None)
