"""A sync that dies half-way (SIGKILL, or an API that gives up) resumes without duplicates or gaps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tts_data import fill_orders

from shopradar.errors import ApiError
from shopradar.sources.tiktok_api import SyncOptions, sync
from shopradar.warehouse import Warehouse

DAY = 86400


def _expected(fake) -> set[tuple[str, str]]:
    return {(o["id"], li["id"]) for s in fake.shops.values() for o in s.orders for li in o["line_items"]}


def _lines(db: Path) -> list[tuple[str, str]]:
    with Warehouse.open(db, read_only=True) as wh:
        return [(r["order_id"], r["line_id"]) for r in
                wh.table("order_line").select("order_id", "line_id").to_pyarrow().to_pylist()]


def _state(db: Path) -> list[dict]:
    with Warehouse.open(db, read_only=True) as wh:
        return wh.table("sync_state").to_pyarrow().to_pylist()


@pytest.mark.slow
def test_sigkill_mid_sync_resumes_without_duplicates_or_gaps(fake, creds_file, tmp_path: Path) -> None:
    shop = next(iter(fake.shops.values()))
    now = int(time.time())
    fill_orders(shop, 240, now - 6 * DAY, now - 60)
    fake.delay = 0.004
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "SHOPRADAR_TIKTOK_API_BASE": fake.url, "SHOPRADAR_TIKTOK_AUTH_BASE": fake.url,
           "COLUMNS": "200"}
    args = [sys.executable, "-m", "shopradar", "sync", "tiktok", "--only", "orders", "--page-size", "10",
            "--qps", "0", "--credentials", str(creds_file), "--db", str(db)]
    starts: list[int] = []
    for kill_after in (6, 7):
        before = len(fake.log)
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if len([r for r in fake.log[before:] if r.path == "/order/202309/orders"]) >= kill_after:
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the sync finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        starts.append(before)
        got = _lines(db)
        assert len(got) == len(set(got)), "duplicates after a kill"
        assert 0 < len(got) < len(_expected(fake))
        st = [s for s in _state(db) if s["resource"] == "orders"]
        assert len(st) == 1 and st[0]["window_start"] is not None  # a window was in progress

    # the second run continued the first one's window instead of starting over
    first_run = [r for r in fake.log[starts[0]:starts[1]] if r.path.endswith("/orders/search")]
    second_run = [r for r in fake.log[starts[1]:] if r.path.endswith("/orders/search")]
    assert "page_token" in second_run[0].query or \
        second_run[0].body["update_time_ge"] > first_run[0].body["update_time_ge"]

    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    got = _lines(db)
    assert len(got) == len(set(got))
    assert set(got) == _expected(fake)
    st = [s for s in _state(db) if s["resource"] == "orders"]
    assert st[0]["window_start"] is None and st[0]["page_token"] is None and st[0]["synced_until"] is not None


def test_api_failure_mid_sync_keeps_committed_pages_and_resumes(fake, creds_file, config, warehouse) -> None:
    shop = next(iter(fake.shops.values()))
    now = int(time.time())
    fill_orders(shop, 80, now - 3 * DAY, now - 60)
    opts = SyncOptions(page_size=10)
    # let a few pages through, then the API fails for good
    real_call = fake._route

    def flaky(method, path, q, body, token):
        if path.endswith("/orders/search") and "page_token" in q and len(fake.requests_to("/orders/search")) > 3:
            from tts_server import ApiFail

            raise ApiFail(36009003, "internal error", 500)
        return real_call(method, path, q, body, token)

    fake._route = flaky  # the server, not the client, misbehaves
    with pytest.raises(ApiError) as e:
        sync(warehouse, credentials=creds_file, config=config, resources=["orders"], options=opts)
    assert e.value.key == "tiktok_api.gave_up"
    partial = [(r["order_id"], r["line_id"]) for r in warehouse.table("order_line").to_pyarrow().to_pylist()]
    assert 0 < len(partial) < len(_expected(fake)) and len(partial) == len(set(partial))
    runs = warehouse.table("ingest_run").to_pyarrow().to_pylist()
    assert runs[-1]["status"] == "failed" and "resumes" in runs[-1]["message"]

    fake._route = real_call
    sync(warehouse, credentials=creds_file, config=config, resources=["orders"], options=opts)
    full = [(r["order_id"], r["line_id"]) for r in warehouse.table("order_line").to_pyarrow().to_pylist()]
    assert len(full) == len(set(full)) and set(full) == _expected(fake)
