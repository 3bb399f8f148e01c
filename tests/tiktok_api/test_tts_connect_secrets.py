"""Connecting (OAuth) and keeping secrets secret: file mode, output, logs, exceptions."""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from pathlib import Path

import pytest
from tts_data import fill_orders, write_credentials

from shopradar.errors import ApiError, ConfigError, UsageError
from shopradar.sources.tiktok_api import authorization_url, connect, load_credentials, parse_code, sync

DAY = 86400


def test_authorization_url_per_market() -> None:
    us, state = authorization_url("us", "svc-9")
    assert us.startswith("https://services.us.tiktokshop.com/open/authorize?") and "service_id=svc-9" in us
    assert f"state={state}" in us and len(state) >= 16
    vn, _ = authorization_url("VN", "svc-9", state="abc")
    assert vn == "https://services.tiktokshop.com/open/authorize?service_id=svc-9&state=abc"
    with pytest.raises(UsageError):
        authorization_url("Vietnam", "svc-9")
    with pytest.raises(ConfigError) as e:
        authorization_url("VN")
    assert "SHOPRADAR_TIKTOK_SERVICE_ID" in str(e.value)


def test_parse_code_accepts_code_or_redirect_address() -> None:
    assert parse_code(" abc123 ") == "abc123"
    assert parse_code("https://seller.example/cb?code=xyz&state=s1", "s1") == "xyz"
    with pytest.raises(UsageError):
        parse_code("https://seller.example/cb?code=xyz&state=other", "s1")
    with pytest.raises(UsageError):
        parse_code("https://seller.example/cb?state=s1")
    with pytest.raises(UsageError):
        parse_code("")


def test_connect_stores_tokens_and_ciphers_in_a_private_file(fake, tmp_path: Path, monkeypatch, config) -> None:
    shop = fake.add_shop("7495540735365777507", "1HORA Official", "VN")
    monkeypatch.setenv("SHOPRADAR_TIKTOK_APP_KEY", fake.app_key)
    monkeypatch.setenv("SHOPRADAR_TIKTOK_APP_SECRET", fake.app_secret)
    path = tmp_path / "new" / "tiktok.json"
    result = connect(f"https://cb.example/?code={fake.issue_code()}", credentials=path, config=config)
    assert [s.cipher for s in result.shops] == [shop.shop["cipher"]]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["access_token"] in fake.tokens and data["refresh_token"] in fake.refresh_tokens
    assert data["access_token_expires_at"] > time.time() + 6 * DAY
    assert data["shops"][0]["cipher"] == shop.shop["cipher"]
    with pytest.raises(ApiError):  # the code is single-use
        connect("code-never-issued", credentials=path, config=config)


def test_a_readable_credentials_file_is_refused(fake, tmp_path: Path, cli) -> None:
    fake.add_shop("1", "s", "VN")
    path = write_credentials(tmp_path / "c.json", fake, fake.issue_tokens())
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError) as e:
        load_credentials(path)
    assert "chmod 600" in str(e.value)
    r = cli("sync", "tiktok", "--credentials", str(path), "--db", str(tmp_path / "w.duckdb"),
            "--api-base", fake.url, "--auth-base", fake.url)
    assert r.returncode == 2
    assert f"chmod 600 {path}" in r.stderr and "Traceback" not in r.stderr
    assert fake.app_secret not in r.stderr + r.stdout


def test_broken_credentials_file_does_not_echo_its_content(fake, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b'{"app_key": "k", "app_secret": "very-secret-value" oops}')
    os.close(fd)
    with pytest.raises(ConfigError) as e:
        load_credentials(path)
    assert "very-secret-value" not in str(e.value) and "line 1" in str(e.value)


def _secrets(fake, extra: tuple[str, ...] = ()) -> list[str]:
    return [fake.app_secret, *fake.tokens, *fake.refresh_tokens, *extra]


def test_no_secret_in_output_logs_or_errors_of_a_run(fake, tmp_path: Path, cli, caplog, capsys, config,
                                                     monkeypatch) -> None:
    """A whole connect + sync, with retries, a token refresh and a final failure, leaks nothing."""
    shop = fake.add_shop("7495540735365777507", "1HORA Official", "VN")
    now = int(time.time())
    fill_orders(shop, 30, now - 2 * DAY, now - 60)
    code = fake.issue_code()
    env = {"SHOPRADAR_TIKTOK_APP_KEY": fake.app_key, "SHOPRADAR_TIKTOK_APP_SECRET": fake.app_secret,
           "SHOPRADAR_TIKTOK_SERVICE_ID": "svc-1", "SHOPRADAR_TIKTOK_API_BASE": fake.url,
           "SHOPRADAR_TIKTOK_AUTH_BASE": fake.url, "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    cred = tmp_path / "xdg" / "shopradar" / "tiktok.json"
    outputs = []
    r = cli("connect", "tiktok", "--market", "VN", "--verbose", env=env, input=f"{code}\n")
    outputs.append(r.stdout + r.stderr)
    assert r.returncode == 0, r.stderr
    assert "services.tiktokshop.com/open/authorize?service_id=svc-1" in r.stdout and "1HORA Official" in r.stdout
    assert stat.S_IMODE(cred.stat().st_mode) == 0o600

    fake.retry_after = "0"
    fake.fail("/orders/search", "429")
    fake.fail("/order/202309/orders", "html500")
    fake.fail("/orders/search", "expire")  # forces a refresh mid-sync: new tokens are written back
    r = cli("sync", "tiktok", "--verbose", "--only", "orders", "--qps", "0", "--db", str(tmp_path / "w.duckdb"),
            env=env)
    outputs.append(r.stdout + r.stderr)
    assert r.returncode == 0, r.stderr
    assert "HTTP Request" in r.stderr  # httpx's own log lines went through the redaction filter
    assert "1 token refreshes" in r.stdout
    assert json.loads(cred.read_text())["access_token"] in fake.tokens

    fake.fail("/orders/search", "code", times=99, code=105005, message="scope missing")
    r = cli("sync", "tiktok", "--verbose", "--only", "orders", "--db", str(tmp_path / "w.duckdb"), env=env)
    outputs.append(r.stdout + r.stderr)
    assert r.returncode == 1 and "seller.order.info" in r.stderr

    # in-process too: every logger at DEBUG, the exception's text and repr
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SHOPRADAR_TIKTOK_CREDENTIALS", str(cred))
    from shopradar.warehouse import Warehouse

    with Warehouse.open(tmp_path / "w2.duckdb") as wh, pytest.raises(ApiError) as e:
        sync(wh, resources=["orders"], config=config)
    outputs += [caplog.text, str(e.value), repr(e.value), repr(e.value.params), repr(load_credentials(cred))]
    captured = capsys.readouterr()
    outputs += [captured.out, captured.err]
    with Warehouse.open(tmp_path / "w.duckdb", read_only=True) as wh:
        outputs.append(json.dumps(wh.table("ingest_run").to_pyarrow().to_pylist(), default=str))

    everything = "\n".join(outputs)
    assert "api/v2/token" in everything  # the token calls were logged (with their query masked)
    for secret in _secrets(fake, (code,)):
        assert secret not in everything
