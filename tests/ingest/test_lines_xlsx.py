"""Exact line numbers after malformed CSV rows; XLSX read lazily, column-at-a-time, same rows as the CSV."""

from __future__ import annotations

from pathlib import Path

from shopradar.ingest import ingest, quarantine_rows
from shopradar.warehouse import Warehouse

HEADER = "product_id,market,observed_at,price,sold"


def test_lines_after_malformed_rows_are_exact(warehouse, tmp_path: Path) -> None:
    rows = [
        "1,US,2026-08-20 10:00,$1,5",        # 1
        "2,US,2026-08-20 10:00",             # 2 malformed
        "3,US,not a date,$1,5",              # 3 bad timestamp
        "2,US,2026-08-20 10:00",             # 4 malformed, same text as line 2
        "",                                  # blank: not a row
        "5,US,2026-08-20 10:00,abc,5",       # 5 bad money
        '"6\nsix",US,2026-08-20 10:00,$1,5',  # 6 (a quoted newline inside)
        "7,US,2026-08-20 10:00,$1,5,extra",  # 7 malformed
        "8,US,yesterday,$1,5",               # 8 bad timestamp
    ]
    f = tmp_path / "lines.csv"
    f.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    [res] = ingest(warehouse, [f])
    assert res.balanced and (res.rows_in, res.quarantined) == (8, 6)
    got = {r["line"]: r["reason_code"] for r in quarantine_rows(warehouse).to_pylist()}
    assert got == {2: "wrong_field_count", 3: "bad_timestamp", 4: "wrong_field_count", 5: "bad_money",
                   7: "wrong_field_count", 8: "bad_timestamp"}
    assert set(warehouse.table("product_snapshot").product_id.to_pyarrow().to_pylist()) == {"1", "6 six"}


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if cell is not None:
                ws.write(i, j, cell)
    wb.close()
    return path


def test_xlsx_loads_like_the_same_csv(tmp_path: Path) -> None:
    header = ["product_id", "market", "observed_at", "price", "sold", "rating", "review_count"]
    body: list[list[object]] = []
    for i in range(40):
        body.append([str(9000 + i), "US", f"2026-08-{10 + i % 9:02d} 10:00:00", [12.5, 3.0, 1e20, 0.1][i % 4],
                     ["1.2K sold", 12, "10K+"][i % 3], [4.5, 5, None][i % 3], [10, 2.0, None, True][i % 4]])
    xlsx_rows: list[list[object]] = [header, *body[:20], [None] * 7, *body[20:], [None] * 7, [None] * 7]
    xlsx = _xlsx(tmp_path / "snap.xlsx", xlsx_rows)

    def text(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v) if isinstance(v, float) else str(v)

    csv_rows = [",".join(header)] + [",".join(text(v) for v in r) for r in body[:20]] + [",,,,,,"] + \
        [",".join(text(v) for v in r) for r in body[20:]]
    csv = tmp_path / "snap.csv"
    csv.write_text("\n".join(csv_rows) + "\n", encoding="utf-8")
    out = {}
    for f in (xlsx, csv):
        with Warehouse.open(tmp_path / f"{f.suffix[1:]}.duckdb") as wh:
            [res] = ingest(wh, [f])
            assert res.balanced and res.rows_in == 41   # the empty row in the middle is a row (quarantined)
            q = quarantine_rows(wh).to_pylist()
            snaps = wh.table("product_snapshot").drop("run_id").to_pyarrow().to_pylist()
            out[f.suffix] = (res.loaded, res.quarantined, sorted((r["line"], r["reason_code"]) for r in q),
                             sorted(map(str, snaps)))
    assert out[".xlsx"] == out[".csv"]
    assert (21, "missing") in out[".xlsx"][2]
    assert out[".xlsx"][:2] == (20, 21)   # 1e20 prices and TRUE review counts are set aside

