from __future__ import annotations

from pathlib import Path


def test_status_on_missing_warehouse_is_one_line(cli, tmp_path: Path) -> None:
    res = cli("status", "--db", str(tmp_path / "none.duckdb"))
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0
    assert "Traceback" not in res.stderr and "no warehouse" in res.stderr


def test_unknown_option_exit_2(cli) -> None:
    res = cli("status", "--bogus")
    assert res.returncode == 2 and "--bogus" in res.stderr and "Traceback" not in res.stderr


def test_chinese_error(cli, tmp_path: Path) -> None:
    res = cli("status", "--db", str(tmp_path / "none.duckdb"), "--lang", "zh")
    assert "没有数据仓库" in res.stderr


def test_narrow_terminal_names_the_columns_it_leaves_out() -> None:
    import pyarrow as pa

    from shopradar.cli.common import _fit_columns

    table = pa.table({f"column_{i}": [1234.5 * i] for i in range(12)})
    kept, hidden = _fit_columns(table, {}, 80)
    assert 0 < kept.num_columns < 12 and hidden == table.column_names[kept.num_columns:]
    wide, none = _fit_columns(table, {}, 400)
    assert wide.num_columns == 12 and none == []
