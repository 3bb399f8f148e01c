"""Creators, videos, LIVEs, channel mix and the own shop, on hand-built rows with obvious answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa
import pytest

from shopradar.cube import CubeFilter, build_cube, channels_view, own_shop_view, top_view

FEB = CubeFilter(category="c11", date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))


@pytest.fixture
def content_wh(small_wh):
    wh = small_wh
    wh.insert("creator", pa.table({"creator_id": ["cr1", "cr2"], "market": ["US", "US"], "handle": ["@one", "@own"],
                                   "followers": [1000, 50], "creator_type": ["affiliate", "shop_account"],
                                   "shop_id": [None, "s2"]}))
    wh.insert("video", pa.table({"video_id": ["v1", "v2"], "market": ["US", "US"], "creator_id": ["cr1", "cr2"],
                                 "product_id": ["p1", "p3"], "shop_id": ["s1", "s2"],
                                 "posted_at": [datetime(2024, 1, 10), datetime(2024, 2, 9)],
                                 "is_affiliate": [True, False]}))
    wh.insert("video_snapshot", pa.table({
        "video_id": ["v1", "v1", "v1", "v2"],
        "observed_at": [datetime(2024, 1, 20, 12), datetime(2024, 2, 5, 12), datetime(2024, 3, 5, 12),
                        datetime(2024, 2, 10, 12)],
        "sold_lower": [50, 150, 300, 40], "sold_upper": [50, 150, 300, 40]}))
    wh.insert("live", pa.table({"live_id": ["l1"], "market": ["US"], "creator_id": ["cr1"], "shop_id": ["s1"],
                                "started_at": [datetime(2024, 2, 12, 20)], "ended_at": [datetime(2024, 2, 12, 22)],
                                "is_affiliate": [True]}))
    wh.insert("live_snapshot", pa.table({"live_id": ["l1", "l1"], "product_id": ["p1", "p1"],
                                         "observed_at": [datetime(2024, 2, 12, 21), datetime(2024, 2, 12, 22)],
                                         "sold_lower": [10, 30], "sold_upper": [10, 30]}))
    # own shop orders in February: 10 orders × 2 units × 30.00, plus one cancelled order
    n = 11
    wh.insert("order_line", pa.table({
        "order_id": [f"o{i}" for i in range(n)], "line_id": ["1"] * n, "shop_id": ["own1"] * n,
        "market": ["US"] * n, "product_id": ["p7"] * n, "order_date": [date(2024, 2, 1 + i) for i in range(n)],
        "status": ["COMPLETED"] * 10 + ["CANCELLED"], "quantity": [2] * n,
        "unit_price": [Decimal("30")] * n, "subtotal": [Decimal("60")] * n, "refund_amount": [Decimal("0")] * n,
        "currency": ["USD"] * n}))
    build_cube(wh)
    return wh


def test_channels_mix_and_creators(content_wh) -> None:
    rows = channels_view(content_wh, FEB).to_pylist()
    assert len(rows) == 1
    r = rows[0]
    assert (r["video_share"], r["live_share"], r["card_share"]) == pytest.approx((0.5, 0.25, 0.25))
    assert float(r["gmv_video"]) == pytest.approx(float(r["gmv_local"]) * 0.5)
    # February: v1 sold 150 − 50 = 100, v2 40 (own account), LIVE l1 30 (affiliate)
    assert (r["videos"], r["lives"], r["creators"]) == (2, 1, 2)
    assert r["affiliate_share"] == pytest.approx((100 + 30) / 170)
    assert r["own_account_share"] == pytest.approx(40 / 170)
    # best video's GMV over the top videos': v1 100 × 20.00 vs v2 40 × 50.00
    assert r["top_video_share"] == pytest.approx(2000 / 4000)
    assert r["creators_per_product"] == pytest.approx(2 / r["products"])
    assert r["creators_per_1k_units"] == pytest.approx(2000 / r["units"])


def test_top_creators(content_wh) -> None:
    rows = top_view(content_wh, "creators", FEB).to_pylist()
    assert [r["creator_id"] for r in rows] == ["cr1", "cr2"]
    assert rows[0]["gmv_local"] == pytest.approx(130 * 20.0)  # 100 video + 30 LIVE units of p1 at 20.00
    assert (rows[0]["videos"], rows[0]["lives"], rows[0]["handle"]) == (1, 1, "@one")
    assert rows[1]["gmv_local"] == pytest.approx(40 * 50.0)
    assert rows[0]["share"] == pytest.approx(2600 / 4600)
    # growth against January: v1 showed 50 sold on 20 January (priced at the window's 20.00); v2 is new
    assert rows[0]["growth"] == pytest.approx(2600 / (50 * 20.0) - 1)
    assert rows[1]["growth"] is None


def test_own_shop_beside_market(content_wh) -> None:
    rows = own_shop_view(content_wh, FEB).to_pylist()
    assert len(rows) == 1
    r = rows[0]
    assert r["shop_id"] == "own1" and r["is_own"] is True
    assert (r["gmv_local"], r["orders"], r["units"]) == (Decimal(600), 10, 20)  # the cancelled order is left out
    assert r["aov"] == pytest.approx(60.0)
    assert r["share"] == pytest.approx(600 / float(r["market_gmv"]))
    assert r["share_lower"] < r["share"] < r["share_upper"]


def test_no_content_means_zero_creators(small_wh) -> None:
    build_cube(small_wh)
    r = channels_view(small_wh, FEB).to_pylist()[0]
    assert r["creators"] == 0 and r["videos"] == 0 and r["top_video_share"] is None
    assert own_shop_view(small_wh, FEB).num_rows == 0


def test_content_days_are_market_local(small_wh) -> None:
    """A LIVE starting 1 March 03:00 UTC is 29 February 22:00 in New York: it counts in February."""
    wh = small_wh
    wh.insert("creator", pa.table({"creator_id": ["cr1"], "market": ["US"], "creator_type": ["affiliate"]}))
    wh.insert("live", pa.table({"live_id": ["l9"], "market": ["US"], "creator_id": ["cr1"], "shop_id": ["s1"],
                                "started_at": [datetime(2024, 3, 1, 3)], "is_affiliate": [True]}))
    wh.insert("live_snapshot", pa.table({"live_id": ["l9"], "product_id": ["p1"],
                                         "observed_at": [datetime(2024, 3, 1, 4)], "sold_lower": [7],
                                         "sold_upper": [7]}))
    wh.insert("video", pa.table({"video_id": ["v9"], "market": ["US"], "creator_id": ["cr1"], "product_id": ["p1"],
                                 "is_affiliate": [True]}))
    # counter 10 seen on 29 Feb local (1 March 02:00 UTC), 25 on 31 March local (1 April 01:00 UTC)
    wh.insert("video_snapshot", pa.table({"video_id": ["v9", "v9"],
                                          "observed_at": [datetime(2024, 3, 1, 2), datetime(2024, 4, 1, 1)],
                                          "sold_lower": [10, 25], "sold_upper": [10, 25]}))
    build_cube(wh)
    feb = channels_view(wh, FEB).to_pylist()[0]
    assert (feb["lives"], feb["videos"]) == (1, 1)
    mar = channels_view(wh, CubeFilter(category="c11", date_from=date(2024, 3, 1),
                                       date_to=date(2024, 3, 31))).to_pylist()[0]
    assert (mar["lives"], mar["videos"]) == (0, 1)
    creators = top_view(wh, "creators", CubeFilter(category="c11", date_from=date(2024, 3, 1),
                                                   date_to=date(2024, 3, 31))).to_pylist()
    assert creators[0]["units"] == pytest.approx(15)  # 25 − 10: the March counter minus February's
