"""Benchmark: `sync` of own-shop orders from the loopback Partner API into DuckDB.

Prints order lines per second for a full sync (search + detail + upsert, one transaction per
page), against a baseline in the same process that only fetches the same pages over HTTP (no
warehouse writes), so the ratio is the warehouse's share of the cost. Also: a no-change re-sync
and peak RSS.

    python bench/tiktok_sync.py [--orders 2000] [--page-size 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "tiktok_api"))

from tts_data import fill_orders, write_credentials  # noqa: E402
from tts_server import FakeTikTok  # noqa: E402

from shopradar.sources.tiktok_api import Client, ClientConfig, SyncOptions, load_credentials, sync  # noqa: E402
from shopradar.warehouse import Warehouse  # noqa: E402

DAY = 86400


def fetch_only(creds_path: Path, cfg: ClientConfig, cipher: str, page_size: int, start: int, end: int) -> int:
    n = 0
    with Client(load_credentials(creds_path), cfg) as c:
        for page in c.pages("orders_search", items_key="orders", shop_cipher=cipher, page_size=page_size,
                            query={"sort_field": "update_time", "sort_order": "ASC"},
                            body={"update_time_ge": start, "update_time_lt": end}):
            ids = [o["id"] for o in page.items]
            if ids:
                data = c.get("orders_detail", shop_cipher=cipher, query={"ids": ",".join(ids)})
                n += sum(len(o["line_items"]) for o in data["orders"])
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=2000)
    ap.add_argument("--page-size", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    fake = FakeTikTok()
    fake.start()
    shop = fake.add_shop("7495540735365777507", "bench", "VN")
    now = int(time.time())
    fill_orders(shop, a.orders, now - 6 * DAY, now - 60)
    lines = sum(len(o["line_items"]) for o in shop.orders)
    cfg = ClientConfig(api_base=fake.url, auth_base=fake.url, qps=None)
    opts = SyncOptions(page_size=a.page_size, initial_days=7)
    full, again, base = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        cred = write_credentials(Path(tmp) / "c.json", fake, fake.issue_tokens())
        for i in range(a.repeat):
            t0 = time.perf_counter()
            got = fetch_only(cred, cfg, shop.shop["cipher"], a.page_size, now - 7 * DAY, now)
            base.append(time.perf_counter() - t0)
            assert got == lines
            with Warehouse.open(Path(tmp) / f"w{i}.duckdb") as wh:
                t0 = time.perf_counter()
                sync(wh, credentials=cred, config=cfg, resources=["orders"], options=opts)
                full.append(time.perf_counter() - t0)
                assert wh.count("order_line") == lines
                t0 = time.perf_counter()
                r = sync(wh, since=time.strftime("%Y-%m-%d", time.gmtime(now - 7 * DAY)), credentials=cred,
                         config=cfg, resources=["orders"], options=opts)
                again.append(time.perf_counter() - t0)
                assert r.counts["orders"].duplicates == lines
    fake.stop()
    mf, ma, mb = statistics.median(full), statistics.median(again), statistics.median(base)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"orders={a.orders} lines={lines} page_size={a.page_size} repeat={a.repeat}")
    print(f"fetch only (HTTP, no writes): median {mb:.2f} s  {lines / mb:,.0f} lines/s")
    print(f"full sync:                    median {mf:.2f} s  {lines / mf:,.0f} lines/s  ratio {mf / mb:.2f}x fetch")
    print(f"re-sync, nothing changed:     median {ma:.2f} s  {lines / ma:,.0f} lines/s  ratio {ma / mb:.2f}x fetch")
    print(f"peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
