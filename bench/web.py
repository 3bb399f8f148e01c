"""Benchmark the web app: server time per page on the demo warehouse and on a 10^6-product market.

    nice python bench/web.py --demo bench/out/web-demo.duckdb            # demo warehouse (built if absent)
    nice python bench/web.py --scale 1000000 --days 365 --repeat 5         # + cube tables of 10^6 products

The app runs in this process under uvicorn on a loopback port; each page is requested once to warm
up, then ``--repeat`` times, and the median wall time of the request (loopback HTTP included) is
printed with the CPU seconds of this process per request and the time of the first (uncached)
request (the opportunities, niche, headroom and compliance answers are cached per selection after
it). ``/api/v1/catalog`` is the baseline (a page that touches no data); each page's ratio to it is
printed too.

The scale warehouse holds what the app reads once the cube is built: markets, the category tree,
10^6 products in 50,000 shops, the cube's product × month rows (every product × 12 months = 1.2×10^7
rows) and category × day rows for 365 days, and ``cube_state``. The daily estimate table itself is
left empty: pages whose period is whole months never read it (``report.views.uses_cube``).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["/api/v1/catalog", "/", "/?market=US", "/?market=US&category={cat}", "/?grain=week",
         "/shops", "/shops?market=US&price_band=10-20", "/prices", "/quality", "/insights", "/compliance",
         "/api/v1/views/top_products?format=csv", "/api/v1/views/categories?format=xlsx"]


def _serve(app):
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread


def measure(db: Path, repeat: int, skip: set[str]) -> list[tuple[str, float, float, float, int]]:
    from shopradar.web import create_app

    t0 = time.perf_counter()
    app = create_app(db)
    startup = time.perf_counter() - t0
    cat = app.state.shopradar.catalog
    top = cat.children(None)
    url, server, thread = _serve(app)
    rows = []
    print(f"app start-up (open warehouse, read catalog): {startup:.2f} s")
    with httpx.Client(base_url=url, timeout=600) as c:
        for page in PAGES:
            path = page.format(cat=top[0] if top else "")
            if any(s in path for s in skip):
                continue
            w0 = time.perf_counter()
            r = c.get(path)
            first = time.perf_counter() - w0
            times, cpu = [], []
            for _ in range(repeat):
                c0, w0 = time.process_time(), time.perf_counter()
                r = c.get(path)
                times.append(time.perf_counter() - w0)
                cpu.append(time.process_time() - c0)
            rows.append((path, first, statistics.median(times), statistics.median(cpu), r.status_code))
    server.should_exit = True
    thread.join(10)
    base = rows[0][2] if rows else 1.0
    print(f"load average (1 min) after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'page':48} {'first s':>8} {'median s':>9} {'cpu s':>7} {'× base':>7} status")
    for path, first, med, cpu, status in rows:
        print(f"{path:48} {first:8.3f} {med:9.3f} {cpu:7.3f} {med / base:7.1f} {status}")
    return rows


def build_demo(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "shopradar", "demo", "--db", str(path)], check=True,
                   stdout=subprocess.DEVNULL)


def build_scale(path: Path, products: int, days: int, seed: int = 1) -> None:
    """Markets, tree, products, shops and the cube tables of a ``products`` × ``days`` market."""
    from shopradar.cube.build import ensure_tables
    from shopradar.warehouse import Warehouse

    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    end = date(2025, 12, 31)
    start = end - timedelta(days=days - 1)
    markets = ["US", "GB"]
    tops, subs, leaves = 10, 5, 4                       # 10 × 5 × 4 = 200 leaf categories
    t0 = time.perf_counter()
    with Warehouse.open(path) as wh, wh.transaction():
        ensure_tables(wh)
        wh.insert("market", pa.table({"code": markets, "name_en": ["United States", "United Kingdom"],
                                      "name_zh": ["美国", "英国"], "currency": ["USD", "GBP"],
                                      "time_zone": ["America/New_York", "Europe/London"], "region": ["NA", "EU"]}))
        cats = []
        leaf_ids = []
        for a in range(tops):
            cats.append((f"c{a}", None, 1))
            for b in range(subs):
                cats.append((f"c{a}.{b}", f"c{a}", 2))
                for c in range(leaves):
                    cats.append((f"c{a}.{b}.{c}", f"c{a}.{b}", 3))
                    leaf_ids.append(f"c{a}.{b}.{c}")
        wh.insert("category", pa.table({"category_id": [c[0] for c in cats], "parent_id": [c[1] for c in cats],
                                        "level": pa.array([c[2] for c in cats], pa.int8()),
                                        "name_en": [f"Category {c[0]}" for c in cats],
                                        "name_zh": [f"类目 {c[0]}" for c in cats]}))
        n_shops = max(10, products // 20)
        shop_ids = np.array([f"S{i:07d}" for i in range(n_shops)], dtype=object)
        shop_market = np.where(np.arange(n_shops) % 3 == 0, "GB", "US")
        wh.insert("shop", pa.table({"shop_id": shop_ids, "market": shop_market,
                                    "name": [f"Shop {i}" for i in range(n_shops)],
                                    "seller_type": np.where(np.arange(n_shops) % 2 == 0, "local", "cross_border")}))
        pid = np.array([f"P{i:08d}" for i in range(products)], dtype=object)
        p_shop = (rng.pareto(1.2, products) * 50).astype(np.int64) % n_shops
        p_leaf = rng.integers(0, len(leaf_ids), products)
        leaf_arr = np.array(leaf_ids, dtype=object)
        p_market = shop_market[p_shop]
        price = np.exp(rng.uniform(np.log(3), np.log(150), products))
        wh.insert("product", pa.table({"product_id": pid, "market": p_market, "shop_id": shop_ids[p_shop],
                                       "category_id": leaf_arr[p_leaf], "title": [f"Product {i}" for i in
                                                                                  range(products)],
                                       "currency": np.where(p_market == "US", "USD", "GBP")}))
        print(f"  reference tables: {time.perf_counter() - t0:.1f} s")
        months = sorted({date(d.year, d.month, 1) for d in (start + timedelta(days=i) for i in range(days))})
        base_units = rng.lognormal(0.0, 1.2, products) * 8
        for m in months:
            season = 2.2 if m.month in (11, 12) else 1.0
            units = base_units * season * rng.uniform(0.6, 1.4, products)
            gmv = units * price
            width = rng.uniform(0.1, 0.6, products)
            mk = pa.array(p_market)
            wh.insert("cube_product_period", pa.table({
                "market": mk, "period": pa.array(["month"] * products), "period_start": pa.array([m] * products),
                "product_id": pa.array(pid), "shop_id": pa.array(shop_ids[p_shop]),
                "category_id": pa.array(leaf_arr[p_leaf]), "currency": pa.array(["USD"] * products),
                "units": units, "units_lower": units * (1 - width / 2), "units_upper": units * (1 + width / 2),
                "gmv_usd": pa.array(np.round(gmv, 4)).cast(pa.decimal128(18, 4), safe=False),
                "gmv_usd_lower": pa.array(np.round(gmv * (1 - width / 2), 4)).cast(pa.decimal128(18, 4), safe=False),
                "gmv_usd_upper": pa.array(np.round(gmv * (1 + width / 2), 4)).cast(pa.decimal128(18, 4), safe=False),
                "units_video": units * 0.3, "units_live": units * 0.15, "units_card": units * 0.55,
                "days_active": pa.array(np.full(products, 28), pa.int32())}))
        print(f"  product × month rows: {time.perf_counter() - t0:.1f} s")
        # category × day rows: every node of the tree, both markets
        nodes = [(c[0], c[2]) for c in cats]
        day_list = [start + timedelta(days=i) for i in range(days)]
        n = len(nodes) * len(day_list) * len(markets)
        node_ids = np.tile(np.repeat(np.array([x[0] for x in nodes], dtype=object), len(day_list)), len(markets))
        node_lvl = np.tile(np.repeat(np.array([x[1] for x in nodes]), len(day_list)), len(markets))
        per_day = pa.array(np.tile(np.tile(np.array(day_list, dtype=object), len(nodes)), len(markets)), pa.date32())
        mk = np.repeat(np.array(markets, dtype=object), len(nodes) * len(day_list))
        scale = np.where(node_lvl == 1, 200.0, np.where(node_lvl == 2, 40.0, 10.0)) * products / 1000
        u = scale * rng.uniform(0.7, 1.3, n)
        g = u * 25
        wh.insert("cube_category_period", pa.table({
            "market": mk, "period": ["day"] * n, "period_start": per_day, "category_id": node_ids,
            "level": pa.array(node_lvl, pa.int8()), "currency": ["USD"] * n, "units": u,
            "units_lower": u * 0.8, "units_upper": u * 1.3,
            "gmv_usd": pa.array(np.round(g, 4)).cast(pa.decimal128(18, 4), safe=False),
            "gmv_usd_lower": pa.array(np.round(g * 0.8, 4)).cast(pa.decimal128(18, 4), safe=False),
            "gmv_usd_upper": pa.array(np.round(g * 1.3, 4)).cast(pa.decimal128(18, 4), safe=False),
            "units_video": u * 0.3, "units_live": u * 0.15, "units_card": u * 0.55}))
        wh.insert("cube_state", pa.table({"market": np.repeat(np.array(markets, dtype=object), days),
                                          "date": pa.array(day_list * len(markets), pa.date32()),
                                          "rows": np.full(days * len(markets), products // len(markets))}))
    print(f"scale warehouse built in {time.perf_counter() - t0:.1f} s: {products:,} products × {days} days "
          f"({products * len(months):,} product-month rows) → {path} ({path.stat().st_size / 1e9:.2f} GB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo", type=Path, default=ROOT / "bench" / "out" / "web-demo.duckdb")
    ap.add_argument("--scale", type=int, default=0, help="products of the scale warehouse (0 = skip)")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scale-db", type=Path, default=None)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    build_demo(args.demo)
    print(f"\n== demo warehouse {args.demo} ==")
    measure(args.demo, args.repeat, skip=set())
    if args.scale:
        db = args.scale_db or ROOT / "bench" / "out" / f"web-scale-{args.scale}x{args.days}.duckdb"
        build_scale(db, args.scale, args.days)
        print(f"\n== scale warehouse {db} ==")
        # compliance checks every title (no cube for it); the estimate-based insights have no daily rows here
        measure(db, args.repeat, skip={"/compliance"})


if __name__ == "__main__":
    main()
