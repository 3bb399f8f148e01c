"""Every real file under ../shared/data loads, and its counts are explained (docs/import.md has the table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopradar.ingest import ingest, quarantine_rows

pytestmark = pytest.mark.shared_data


def _totals(results) -> dict[str, int]:
    assert all(r.balanced for r in results)
    return {k: sum(getattr(r, k) for r in results) for k in ("rows_in", "loaded", "duplicates", "quarantined")}


def test_category_tree(warehouse, shared_data: Path) -> None:
    [res] = ingest(warehouse, [shared_data / "tts-category-tree"])
    assert (res.profile, res.rows_in, res.loaded, res.quarantined) == ("tts-category-tree", 2632, 2632, 0)
    cats = {r["category_id"]: r for r in warehouse.table("category").to_pyarrow().to_pylist()}
    assert cats["600001"]["name_en"] == "Home Supplies" and cats["600001"]["parent_id"] is None
    levels = [r["level"] for r in cats.values()]
    assert (levels.count(1), levels.count(2), levels.count(3)) == (31, 243, 2358)
    child = next(r for r in cats.values() if r["level"] == 3)
    assert cats[child["parent_id"]]["level"] == 2


def test_fastmoss_rank_daily(warehouse, shared_data: Path) -> None:
    # the US and VN lists of the five days 08-18 … 08-22 plus fx.json (the whole folder: docs/import.md)
    ingest(warehouse, [shared_data / "tts-category-tree"])
    root = shared_data / "fastmoss-rank-daily"
    files = [root / f"2026-08-{d}" / f"{m}_{k}.json" for d in (18, 19, 20, 21, 22) for m in ("US", "VN")
             for k in ("daily", "total")]
    results = ingest(warehouse, [*files, root / "2026-08-20" / "_manifest.json", root / "fx.json"])
    by = {p: [r for r in results if r.profile == p] for p in {r.profile for r in results}}
    assert len(by["fastmoss-rank-daily"]) == 10 and len(by["fastmoss-rank-total"]) == 10
    assert [r.status for r in by["fastmoss-manifest"]] == ["skipped"]
    daily = _totals(by["fastmoss-rank-daily"])
    # VN prices such as '29,999 ₫  -  89,999 ₫' are ranges: the low end is kept
    assert daily == {"rows_in": 100, "loaded": 100, "duplicates": 0, "quarantined": 0}
    total = _totals(by["fastmoss-rank-total"])
    # the frozen cumulative list: the same 10 US products in every file, whatever region it is named after
    assert total["rows_in"] == 100 and total["quarantined"] == 0 and total["duplicates"] >= 90
    [fx] = by["fx-rates-usd"]
    assert (fx.loaded, fx.quarantined) == (7, 0)
    rates = {r["currency"]: float(r["usd_per_unit"]) for r in warehouse.table("fx_rate").to_pyarrow().to_pylist()}
    assert rates["VND"] == pytest.approx(1 / 25000) and 0.1 < rates["CNY"] < 0.2
    # the validated counter series of SOURCE.md: 1947394 → 1952581 → 1956189 → 1961554 → 1968262
    snaps = warehouse.table("product_snapshot")
    series = snaps.filter(snaps.product_id == "1729448464509734958").order_by("observed_at").to_pyarrow()
    lows = series.column("sold_lower").to_pylist()
    assert lows[-5:] == [1947394, 1952581, 1956189, 1961554, 1968262]
    assert set(series.column("market").to_pylist()) == {"US"}
    vn = snaps.filter(snaps.market == "VN").to_pyarrow()
    assert set(vn.column("currency").to_pylist()) == {"VND"}
    # English leaf names of the daily lists are found in the category tree (the frozen list's names are Chinese)
    cats = warehouse.table("product").category_id.to_pyarrow().to_pylist()
    assert sum(c is not None for c in cats) > 0.6 * len(cats)
    rs = warehouse.table("reported_sales").to_pyarrow()
    assert rs.num_rows == 100 and min(rs.column("units").to_pylist()) > 0


def test_th_top_products(warehouse, shared_data: Path) -> None:
    [res] = ingest(warehouse, [shared_data / "tts-th-top-products"], market="TH")
    assert (res.profile, res.rows_in, res.loaded, res.quarantined) == ("socialcrawl-top-products", 50, 50, 0)
    rows = warehouse.table("product_snapshot").to_pyarrow().to_pylist()
    assert {r["currency"] for r in rows} == {"THB"}
    assert max(r["sold_lower"] for r in rows) == 2163748
    [no_market] = ingest(warehouse, [shared_data / "tts-th-top-products"])
    assert no_market.status == "failed" and "--market" in no_market.message


def test_de_scraped_products(warehouse, shared_data: Path) -> None:
    # two day folders (Tabcut and FastMoss files); the whole folder's counts are in docs/import.md
    root = shared_data / "tts-de-fastmoss-tabcut" / "product_list"
    results = ingest(warehouse, [root / "20260103", root / "20260208"], market="DE")
    assert all(r.status in ("ok", "partial") for r in results)
    tot = _totals(results)
    products = sum(1 for r in results)
    assert tot["rows_in"] > products and tot["loaded"] >= products
    q = quarantine_rows(warehouse).to_pylist()
    # set aside: only placeholder "top videos" without a video URL (e.g. title '●达人账号', creator 'unknown')
    assert {r["reason_code"] for r in q} <= {"missing"} and all("video_id" in r["reason"] for r in q)
    assert warehouse.count("product_snapshot") == products
    assert warehouse.count("video") + len(q) == tot["rows_in"] - products


def test_olist(warehouse, shared_data: Path) -> None:
    results = {Path(r.path).name: r for r in ingest(warehouse, [shared_data / "olist-sample"])}
    items = results["olist_order_items_dataset.csv"]
    assert (items.rows_in, items.loaded, items.quarantined) == (8365, 8365, 0)
    assert results["olist_orders_dataset.csv"].status == "skipped"
    assert results["olist_customers_dataset.csv"].status == "skipped"
    assert (results["olist_products_dataset.csv"].loaded, results["olist_sellers_dataset.csv"].loaded) == (5460, 1610)
    lines = warehouse.table("order_line").to_pyarrow()
    dates = [d for d in lines.column("order_date").to_pylist() if d is not None]
    assert len(dates) == 8365 and min(dates).isoformat() >= "2016-09-04" and max(dates).isoformat() <= "2018-10-17"
    assert set(lines.column("currency").to_pylist()) == {"BRL"}


def test_partner_api_orders(warehouse, shared_data: Path) -> None:
    results = ingest(warehouse, [shared_data / "tts-api-orders-vn"])
    tot = _totals(results)
    # 7 overlapping files hold 20 order objects, 9 of them unique
    assert tot == {"rows_in": 20, "loaded": 9, "duplicates": 11, "quarantined": 0}
    lines = warehouse.table("order_line").to_pyarrow()
    assert len(set(lines.column("order_id").to_pylist())) == 9
    assert set(lines.column("currency").to_pylist()) == {"VND"}


def test_category_zh_names_fill_the_tree_in_either_order(tmp_path: Path, shared_data: Path) -> None:
    from shopradar.warehouse import Warehouse

    tree = shared_data / "tts-category-tree"
    names = shared_data / "fastmoss-rank-daily" / "category_zh.json"
    got = {}
    for order in ((tree, names), (names, tree)):
        with Warehouse.open(tmp_path / f"{order[0].name}.duckdb") as wh:
            results = ingest(wh, list(order))
            assert all(r.balanced and r.status == "ok" for r in results)
            zh = next(r for r in results if r.profile == "category-zh-names")
            # 62 keys: 3 notes ("_comment" …) are not names; 7 names are written twice, once with a leading
            # space (" Teeth Whitening" and "Teeth Whitening"): trimmed, the second is a duplicate
            assert (zh.rows_in, zh.loaded, zh.duplicates) == (59, 52, 7)
            cats = wh.table("category").to_pyarrow().to_pylist()
            got[order[0].name] = sorted((c["category_id"], c["name_zh"]) for c in cats)
            filled = {c["name_en"]: c["name_zh"] for c in cats if c["name_zh"]}
            assert filled.get("Cat Food") == "猫粮" and len(filled) >= 20
            assert sum(r.filled.get("category", 0) for r in results) == sum(1 for c in cats if c["name_zh"])
    assert got["tts-category-tree"] == got["category_zh.json"]
