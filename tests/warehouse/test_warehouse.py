from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from shopradar.errors import WarehouseError
from shopradar.warehouse import SCHEMA_VERSION, TABLES, Warehouse


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_warehouse_has_every_declared_table(warehouse: Warehouse) -> None:
    assert set(warehouse.tables()) == {t.name for t in TABLES}
    assert warehouse.count("schema_version") == 1


def test_reopen_does_not_migrate_again(db_path: Path) -> None:
    Warehouse.open(db_path).close()
    with Warehouse.open(db_path) as wh:
        assert wh.count("schema_version") == 1


def test_money_is_decimal_and_columns_are_typed(warehouse: Warehouse) -> None:
    schema = warehouse.table("product_snapshot").schema()
    assert schema["price"].is_decimal()
    assert schema["observed_at"].is_timestamp()
    assert warehouse.table("product_daily_sales").schema()["date"].is_date()


def test_transaction_rolls_back_on_error(warehouse: Warehouse) -> None:
    rows = pa.table({"code": ["US"], "currency": ["USD"]})
    with pytest.raises(RuntimeError), warehouse.transaction():
        warehouse.insert("market", rows)
        assert warehouse.count("market") == 1
        raise RuntimeError("boom")
    assert warehouse.count("market") == 0


def test_insert_fills_missing_columns_and_rejects_unknown(warehouse: Warehouse) -> None:
    warehouse.insert("market", pa.table({"code": ["GB"]}))
    assert warehouse.table("market").to_pyarrow().to_pylist()[0]["currency"] is None
    with pytest.raises(ValueError, match="not in table"):
        warehouse.insert("market", pa.table({"nope": [1]}))


def test_delete_where(warehouse: Warehouse) -> None:
    warehouse.insert("market", pa.table({"code": ["US", "GB", "DE"]}))
    t = warehouse.table("market")
    warehouse.delete_where("market", t.code == "GB")
    assert sorted(warehouse.table("market").code.to_pyarrow().to_pylist()) == ["DE", "US"]


def test_not_a_duckdb_file_is_refused_and_untouched(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("hello, this is not a database\n")
    before = _digest(bogus)
    with pytest.raises(WarehouseError, match="not a shopradar warehouse"):
        Warehouse.open(bogus)
    assert _digest(bogus) == before


def test_newer_schema_is_refused_and_untouched(db_path: Path) -> None:
    Warehouse.open(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 5])
    con.close()
    before = _digest(db_path)
    with pytest.raises(WarehouseError) as info:
        Warehouse.open(db_path)
    assert "newer" in str(info.value)
    assert _digest(db_path) == before


def test_unwritable_or_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist"):
        Warehouse.open(tmp_path / "no" / "such" / "x.duckdb")
    with pytest.raises(WarehouseError, match="folder"):
        Warehouse.open(tmp_path)


def test_env_var_selects_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "env.duckdb"
    monkeypatch.setenv("SHOPRADAR_DB", str(target))
    Warehouse.open().close()
    assert target.exists()


def test_missing_without_create(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="no warehouse"):
        Warehouse.open(tmp_path / "x.duckdb", create=False)
