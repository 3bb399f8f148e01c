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
