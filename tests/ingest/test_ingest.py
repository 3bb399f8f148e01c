"""ingest end to end on small files: balance, quarantine, idempotence, bad files, formats, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopradar.errors import InputError
from shopradar.ingest import ingest, list_profiles, quarantine_rows
from shopradar.sources.files.readers import open_source

HEADER = "product_id,market,observed_at,price,currency,sold,rating\n"
ROWS = [
    "1001,US,2026-08-20 10:00:00,$12.50,,1.2K sold,4.5",
    "1002,US,2026-08-20 10:00:00,\"1,234.00\",USD,10K+,4.9",
    "1001,US,2026-08-20 10:00:00,$12.50,,1.2K sold,4.5",      # duplicate within the file
    "1003,US,not a date,5,USD,12,4",                            # bad timestamp
    "1004,US,2026-08-20 10:00:00,-3,USD,12,4",                  # negative price
    "1005,XX,2026-08-20 10:00:00,3,USD,12,4",                   # unknown market
    ",US,2026-08-20 10:00:00,3,USD,12,4",                       # missing id
    "1006,US,2026-08-20 10:00:00,abc,USD,12,4",                 # bad money
    "1007,US,2026-08-20 10:00:00,3,USD,12",                     # wrong field count
    "1008,BR,2026-08-20 10:00:00,\"R$ 1.234,56\",,\"1,2 mil vendidos\",5",
]


def _csv(path: Path, rows: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes((HEADER + "\n".join(rows) + "\n").encode(encoding))
    return path


def _snapshot(wh) -> dict[str, list]:
    out = {}
    for name in ("product_snapshot", "product", "shop", "quarantine", "order_line"):
        tbl = wh.table(name).drop("run_id") if "run_id" in wh.table(name).columns else wh.table(name)
        if name == "quarantine":
            tbl = tbl.drop("quarantined_at")
        out[name] = sorted(map(str, tbl.to_pyarrow().to_pylist()))
    return out


def test_counts_balance_and_reasons(warehouse, tmp_path: Path) -> None:
    f = _csv(tmp_path / "snap.csv", ROWS)
    [res] = ingest(warehouse, [f])
    assert res.profile == "generic-snapshots"
    assert (res.rows_in, res.loaded, res.duplicates, res.quarantined) == (10, 3, 1, 6)
    assert res.balanced and res.status == "partial"
    run = warehouse.table("ingest_run").to_pyarrow().to_pylist()[-1]
    assert (run["rows_in"], run["loaded"], run["duplicates"], run["quarantined"]) == (10, 3, 1, 6)
    q = quarantine_rows(warehouse).to_pylist()
    codes = {r["line"]: r["reason_code"] for r in q}
    assert codes == {4: "bad_timestamp", 5: "out_of_range", 6: "bad_market", 7: "missing", 8: "bad_money",
                     9: "wrong_field_count"}
    assert all(r["source"] == str(f) for r in q)
    assert "not a date" in next(r["reason"] for r in q if r["line"] == 4)
    snap = {r["product_id"]: r for r in warehouse.table("product_snapshot").to_pyarrow().to_pylist()}
    assert str(snap["1001"]["price"]) == "12.5000" and snap["1001"]["currency"] == "USD"
    assert (snap["1001"]["sold_lower"], snap["1001"]["sold_upper"]) == (1200, 1299)
    assert (snap["1002"]["sold_lower"], snap["1002"]["sold_upper"]) == (10000, None)
    assert str(snap["1008"]["price"]) == "1234.5600" and snap["1008"]["currency"] == "BRL"
    assert snap["1008"]["observed_at"].hour == 13  # 10:00 in São Paulo = 13:00 UTC


def test_same_file_twice_changes_nothing(warehouse, tmp_path: Path) -> None:
    f = _csv(tmp_path / "snap.csv", ROWS)
    ingest(warehouse, [f])
    before = _snapshot(warehouse)
    [again] = ingest(warehouse, [f])
    assert again.loaded == 0 and again.duplicates == 4 and again.quarantined == 6 and again.balanced
    assert _snapshot(warehouse) == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_encodings(warehouse, tmp_path: Path, encoding: str) -> None:
    rows = ["2001,US,2026-08-20 10:00:00,¥1200,,已售 1.2万,4.8"]
    header = "product_id,market,observed_at,price,currency,sold,rating,title\n"
    body = header + rows[0] + ",保温杯 大容量\n"
    f = tmp_path / f"cn_{encoding}.csv"
    f.write_bytes(body.encode(encoding))
    [res] = ingest(warehouse, [f])
    assert (res.status, res.loaded) == ("ok", 1), res.message
    row = warehouse.table("product").to_pyarrow().to_pylist()[0]
    assert row["title"] == "保温杯 大容量"
    snap = warehouse.table("product_snapshot").to_pyarrow().to_pylist()[0]
    assert (snap["sold_lower"], snap["currency"]) == (12000, "CNY")


@pytest.mark.parametrize(("name", "content", "key"), [
    ("empty.csv", b"", "ingest.empty_file"),
    ("header.csv", HEADER.encode(), "ingest.header_only"),
    ("binary.csv", bytes(range(256)) * 4, "ingest.binary"),
    ("broken.xlsx", b"PK\x03\x04garbage-not-a-zip", "ingest.unreadable"),
    ("broken.json", b'{"a": [1, 2', "ingest.bad_json"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "ingest.old_xls"),
])
def test_bad_files_fail_alone(warehouse, tmp_path: Path, name: str, content: bytes, key: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = _csv(tmp_path / "good.csv", ROWS[:2])
    results = ingest(warehouse, [bad, good])
    assert results[0].status == "failed" and name in results[0].message
    assert "\n" not in results[0].message
    with pytest.raises(InputError) as err:
        src = open_source(bad)
        list(src.batches())
    assert err.value.key == key
    assert results[1].loaded == 2
    runs = warehouse.table("ingest_run").to_pyarrow().to_pylist()
    assert [r["status"] for r in runs] == ["failed", "ok"]


def test_wrong_profile_is_a_file_error(warehouse, tmp_path: Path) -> None:
    f = _csv(tmp_path / "snap.csv", ROWS[:2])
    [res] = ingest(warehouse, [f], profile="seller-center-orders")
    assert res.status == "failed" and "seller-center-orders" in res.message and "Order ID" in res.message


def test_truncated_xlsx_and_real_xlsx(warehouse, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "kalodata.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("LIST_PRODUCT")
    header = ["Date Range", "Product Name", "Category", "Price($)", "Launch Date", "Product Rating", "Item Sold",
              "Revenue($)", "Live Revenue($)", "Video Revenue($)", "Product Card Revenue", "TikTokUrl"]
    ws.write_row(0, 0, header)
    ws.write_row(1, 0, ["2026-08-09~2026-09-07", "Yoga mat", "Sports & Outdoor", 19.99, "2025-03-01", 4.7, 1520,
                        "$30.4K", 10000, 15000, 5400, "https://shop.tiktok.com/view/product/1729448464509734958"])
    ws.write_row(2, 0, ["2026-08-09~2026-09-07", "Bad", "x", 5, "2025-03-01", 4.7, 10, 50, 1, 1, 1, "no id here"])
    wb.close()
    [res] = ingest(warehouse, [path])
    assert res.profile == "kalodata-products" and (res.loaded, res.quarantined) == (1, 1)
    rs = warehouse.table("reported_sales").to_pyarrow().to_pylist()[0]
    assert (rs["units"], str(rs["gmv"]), rs["period_end"].isoformat()) == (1520, "30400.0000", "2026-09-07")
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    [cut] = ingest(warehouse, [truncated])
    assert cut.status == "failed" and "cut.xlsx" in cut.message


def test_jsonl_and_parquet(warehouse, tmp_path: Path) -> None:
    jl = tmp_path / "snaps.jsonl"
    jl.write_text('{"product_id": "3001", "market": "GB", "observed_at": "2026-08-20T10:00:00Z", "price": "£5"}\n'
                  '{broken\n'
                  '{"product_id": "3002", "market": "GB", "observed_at": "2026-08-20T10:00:00Z", "price": "£6"}\n')
    pqf = tmp_path / "snaps.parquet"
    pq.write_table(pa.table({"product_id": ["4001", "4002"], "market": ["JP", "JP"],
                             "observed_at": ["2026-08-20 10:00", "2026-08-20 11:00"], "price": [1200.0, 1300.0]}), pqf)
    res = ingest(warehouse, [jl, pqf])
    assert [(r.rows_in, r.loaded, r.quarantined) for r in res] == [(3, 2, 1), (2, 2, 0)]
    prices = {r["product_id"]: (str(r["price"]), r["currency"])
              for r in warehouse.table("product_snapshot").to_pyarrow().to_pylist()}
    assert prices["3001"] == ("5.0000", "GBP") and prices["4001"] == ("1200.0000", "JPY")


def test_seller_center_orders_chinese_headers(warehouse, tmp_path: Path) -> None:
    f = tmp_path / "订单.csv"
    f.write_text("订单号,订单状态,SKU编号,卖家SKU,商品名称,数量,SKU折后小计,创建时间,市场\n"
                 "5001,已完成,9001,A-1,水杯,2,\"¥39.80\",2026/08/20 10:00,US\n"
                 "5001,已完成,9002,A-2,杯盖,1,¥5,2026/08/20 10:00,US\n", encoding="gb18030")
    [res] = ingest(warehouse, [f])
    assert res.profile == "seller-center-orders" and res.loaded == 2
    rows = warehouse.table("order_line").to_pyarrow().to_pylist()
    assert {r["line_id"] for r in rows} == {"9001", "9002"}
    assert rows[0]["order_date"].isoformat() == "2026-08-20" and rows[0]["created_at"].hour == 17


def test_user_profile_yaml(warehouse, tmp_path: Path) -> None:
    pdir = tmp_path / "profiles"
    pdir.mkdir()
    (pdir / "mine.yaml").write_text(
        "name: my-crawler\nsource: mycrawler\ndetect: {columns: [sku, seen]}\n"
        "fields:\n  product_id: {from: sku, type: id, required: true}\n  market: {type: market, value: MX}\n"
        "  observed_at: {from: seen, type: timestamp, required: true}\n  price: {from: precio, type: money}\n"
        "  currency: {type: currency, money: price}\n"
        "targets:\n  product_snapshot: [product_id, market, observed_at, price, currency]\n", encoding="utf-8")
    f = tmp_path / "crawl.csv"
    f.write_text("sku,seen,precio\n77,2026-08-20 09:00,$199.00\n", encoding="utf-8")
    [res] = ingest(warehouse, [f], profile_dirs=[pdir])
    assert (res.profile, res.loaded) == ("my-crawler", 1)
    snap = warehouse.table("product_snapshot").to_pyarrow().to_pylist()[0]
    assert (snap["currency"], snap["source"]) == ("MXN", "mycrawler")   # "$" in Mexico is the peso
    assert "my-crawler" in [p.name for p in list_profiles([pdir])]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), ext=st.sampled_from([".csv", ".json", ".jsonl", ".xlsx", ".parquet", ".tsv"]))
def test_fuzz_random_bytes_only_clean_errors(tmp_path: Path, data: bytes, ext: str) -> None:
    f = tmp_path / f"fuzz{ext}"
    f.write_bytes(data)
    try:
        src = open_source(f)
        src.columns()
        for _ in src.batches():
            pass
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12), st.text(max_size=12)), min_size=1,
                      max_size=8))
def test_fuzz_cells_balance(tmp_path_factory, cells: list[tuple[str, str, str]]) -> None:
    from shopradar.warehouse import Warehouse

    d = tmp_path_factory.mktemp("fz")
    f = d / "cells.jsonl"
    f.write_text("\n".join(json.dumps({"product_id": a, "observed_at": b, "price": c, "market": "US"})
                           for a, b, c in cells) + "\n", encoding="utf-8")
    with Warehouse.open(d / "w.duckdb") as wh:
        [res] = ingest(wh, [f])
        assert res.status in ("ok", "partial") and res.balanced and res.rows_in == len(cells)
        assert wh.count("product_snapshot") == res.loaded


def test_cli_ingest_profiles_quarantine(cli, tmp_path: Path) -> None:
    f = _csv(tmp_path / "snap.csv", ROWS)
    db = tmp_path / "w.duckdb"
    out = cli("ingest", str(f), "--db", str(db))
    assert out.returncode == 0, out.stderr
    assert "10 rows in = 3 loaded + 1 duplicates + 6 quarantined" in out.stdout.replace("\n", " ")
    prof = cli("profiles", "--lang", "zh")
    assert prof.returncode == 0 and "kalodata-products" in prof.stdout and "卖家中心" in prof.stdout
    csv_out = tmp_path / "q.csv"
    q = cli("quarantine", "--db", str(db), "--format", "csv", "-o", str(csv_out))
    assert q.returncode == 0, q.stderr
    assert csv_out.read_text(encoding="utf-8").count("snap.csv") == 6
    bad = cli("ingest", str(tmp_path / "nope.csv"), "--db", str(db))
    assert bad.returncode == 1 and "nope.csv: no such file" in bad.stderr and "Traceback" not in bad.stderr
    unknown = cli("ingest", str(f), "--db", str(db), "--profile", "nosuch")
    assert unknown.returncode == 2 and "nosuch" in unknown.stderr
