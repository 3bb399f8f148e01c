"""Number and time normalization: the forms sellers' files use, and fuzzing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopradar.ingest.numbers import parse_number, parse_numbers
from shopradar.ingest.times import parse_dates, parse_timestamps, period_end


@pytest.mark.parametrize(("text", "value"), [
    ("$1.2K", "1200"), ("1.2万", "12000"), ("12,345.6", "12345.6"), ("12.345,6", "12345.6"),
    ("R$ 1.234,56", "1234.56"), ("¥1,200", "1200"), ("1.2M", "1200000"), ("45%", "0.45"),
    ("1 234,56", "1234.56"), ("(12.50)", "-12.5"), ("$16.00 - 17.00", "16"), ("29,999 ₫  -  89,999 ₫", "29999"),
    ("€ 179.58万($ 209.05万)", "1795800"), ("1,2 mil", "1200"), ("Rp43,905", "43905"), ("1,5", "1.5"),
    ("1.234.567,89", "1234567.89"), ("2.0m", "2000000"), ("1.5E+3", "1500"),
])
def test_numbers(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "12abc34", "1,2,3", "1,234,5", "--5", "1.2.3", "5 - 3 - 2"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_blank_and_decimal_hint() -> None:
    assert parse_number("") is None and parse_number("N/A") is None and parse_number("—") is None
    assert parse_number("1,234", decimal=",") == Decimal("1.234")
    assert parse_number("1.234", decimal=",") == Decimal("1234")


def test_currencies_from_symbols_and_codes() -> None:
    res = parse_numbers(pa.array(["R$ 1.234,56", "¥1,200", "114,441 ₫", "12 USD", "RM5.90", "S$1.30", "€3", "7"]))
    assert res.currency.to_pylist() == ["BRL", "CNY", "VND", "USD", "MYR", "SGD", "EUR", None]


def test_timestamps_formats_and_zones() -> None:
    arr = pa.array(["2026-08-20T01:41:32.833Z", "2024-10-03 00:30:27", "2026-01-03T11:28:00+08:00",
                    "08/20/2026 10:15:32 PM", "2026年8月20日 10:00", "1786486324", "1756400399000", "garbage",
                    None, "2026-13-45"])
    values, bad = parse_timestamps(arr, time_zone="America/Los_Angeles")
    got = values.to_pylist()
    assert got[0] == datetime(2026, 8, 20, 1, 41, 32, 833000)
    assert got[1] == datetime(2024, 10, 3, 7, 30, 27)          # PDT = UTC-7
    assert got[2] == datetime(2026, 1, 3, 3, 28)
    assert got[3] == datetime(2026, 8, 21, 5, 15, 32)          # 22:15 PDT
    assert got[4] == datetime(2026, 8, 20, 17, 0)
    assert got[5] == datetime(2026, 8, 11, 22, 12, 4)
    assert got[6] == datetime(2025, 8, 28, 16, 59, 59)
    assert bad.to_pylist() == [False] * 7 + [True, False, True]


def test_day_first_is_decided_per_column() -> None:
    values, _ = parse_timestamps(pa.array(["20/08/2026 10:15", "01/02/2026"]), time_zone="UTC")
    assert [v.date().isoformat() for v in values.to_pylist()] == ["2026-08-20", "2026-02-01"]
    dates, _ = parse_dates(period_end(pa.array(["2026-08-09~2026-09-07"])))
    assert dates.to_pylist()[0].isoformat() == "2026-09-07"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=40))
def test_fuzz_number_cells_never_crash(cells: list[str]) -> None:
    res = parse_numbers(pa.array(cells, pa.string()))
    for value, bad in zip(res.values.to_pylist(), res.bad.to_pylist(), strict=True):
        assert not (value is not None and bad)
        assert value is None or abs(value) < Decimal("1e28")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=40))
def test_fuzz_time_cells_never_crash(cells: list[str]) -> None:
    values, bad = parse_timestamps(pa.array(cells, pa.string()), time_zone="Asia/Shanghai")
    assert len(values) == len(cells) == len(bad)
