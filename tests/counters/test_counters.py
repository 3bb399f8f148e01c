from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopradar.counters import STYLES, CounterBounds, parse_counter, render_counter, try_parse_counter
from shopradar.errors import InputError

CASES = {
    "1234 sold": (1234, 1234),
    "1,234 sold": (1234, 1234),
    "1.2K sold": (1200, 1299),
    "12.3K": (12300, 12399),
    "10K+": (10000, None),
    "1.2M": (1_200_000, 1_299_999),
    "1.2万": (12000, 12999),
    "已售1.2万+": (12000, None),
    "1,2 mil vendidos": (1200, 1299),
    "1.2k vendidos": (1200, 1299),
    "1,2 Tsd.": (1200, 1299),
    "1,2RB terjual": (1200, 1299),
    "Đã bán 3,4tr": (3_400_000, 3_499_999),
    "1.234 vendidos": (1234, 1234),
    "1 234 vendus": (1234, 1234),
    "已售1234件": (1234, 1234),
    "3.4亿": (340_000_000, 349_999_999),
}


@pytest.mark.parametrize("text,bounds", CASES.items())
def test_known_forms(text: str, bounds: tuple[int, int | None]) -> None:
    assert parse_counter(text) == CounterBounds(*bounds)


def test_round_to_nearest_option() -> None:
    assert parse_counter("1.2K", rounding="round") == CounterBounds(1150, 1249)


@pytest.mark.parametrize("bad", ["sold out", "", "abc", "-5 sold", None, -1, 1.5, float("nan")])
def test_bad_counters_raise_clean_error(bad: object) -> None:
    with pytest.raises(InputError):
        parse_counter(bad)
    assert try_parse_counter(bad) is None


@pytest.mark.parametrize("style", sorted(STYLES))
@given(count=st.integers(min_value=0, max_value=5_000_000_000))
def test_render_then_parse_contains_truth(style: str, count: int) -> None:
    shown = render_counter(count, style)
    bounds = parse_counter(shown)
    assert count in bounds, (shown, bounds)
    if STYLES[style].plus_from is None or count < STYLES[style].plus_from:
        assert bounds.upper is not None
        # truncation keeps the interval tight: at most 1% of the value (or exact)
        assert bounds.upper - bounds.lower <= max(0, count // 100 + 1) * 10


def test_rendering_examples() -> None:
    assert render_counter(1299) == "1.2K sold"
    assert render_counter(25_000, "en_plus") == "20K+ sold"
    assert render_counter(12_345, "zh") == "已售 1.2万"
    assert render_counter(1299, "de") == "1,2 Tsd. verkauft"
