"""The insights commands as a user runs them (real console entry point in a subprocess)."""

from __future__ import annotations

import json


def test_size_reproduces_the_article_in_both_languages(cli) -> None:
    en = cli("size", "--market", "US")
    assert en.returncode == 0, en.stderr
    assert "43%" in en.stdout and "US$210.7B" in en.stdout and "23.4×" in en.stdout
    zh = cli("size", "--market", "US", "--lang", "zh")
    assert zh.returncode == 0 and "增长空间 23.4 倍" in zh.stdout


def test_size_json_and_errors(cli, tmp_path) -> None:
    out = cli("size", "-m", "US", "--format", "json", "--table", "sensitivity")
    rows = json.loads(out.stdout)
    assert len(rows) == 12 and {r["input"] for r in rows} == {"ratio", "target_shelf", "target_current"}
    bad = cli("size", "-m", "BR")
    assert bad.returncode == 2 and "BR" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_margin_command(cli, tmp_path) -> None:
    ok = cli("margin", "-m", "US", "--price", "20", "--cost", "4")
    assert ok.returncode == 0, ok.stderr
    assert "6.82" in ok.stdout
    bad = cli("margin", "-m", "US", "--price", "20", "--set", "nonsense=1")
    assert bad.returncode == 2 and "nonsense" in bad.stderr and "Traceback" not in bad.stderr
    fees = tmp_path / "fees.yaml"
    fees.write_bytes(b"\xff\xfe not yaml")
    bad = cli("margin", "-m", "US", "--price", "20", "--fees", str(fees))
    assert bad.returncode == 2 and "UTF-8" in bad.stderr


def test_opportunities_and_niche_commands(cli, db_path, warehouse, market) -> None:
    import datetime as dt

    market.category("home", name="Home Supplies")
    for i in range(5):
        s = market.shop(f"s{i}")
        for tier in ("budget", "premium"):
            p = market.product(s, "home", price_tier=tier, use_scenario="daily")
            market.sell(p, dt.date(2024, 1, 1), 120, units=5, price=15 if tier == "budget" else 45, video=0.6)
    market.write(warehouse)
    warehouse.close()
    out = cli("opportunities", "--db", str(db_path), "-m", "US")
    assert out.returncode == 0, out.stderr
    assert "#1 US · Home Supplies" in out.stdout
    zh = cli("opportunities", "--db", str(db_path), "--lang", "zh", "--format", "json")
    rows = json.loads(zh.stdout)
    assert [r["rank"] for r in rows] == [1, 2] and rows[0]["explanation_zh"].startswith("第 1 名")
    bad = cli("opportunities", "--db", str(db_path), "--weights", str(db_path.parent / "none.yaml"))
    assert bad.returncode == 2 and "none.yaml" in bad.stderr
    niche = cli("niche", "--db", str(db_path), "-m", "US", "-c", "home", "--path", "price_tier,use_scenario")
    assert niche.returncode == 0, niche.stderr
    assert "price_tier=premium" in niche.stdout
    margin = cli("margin", "--db", str(db_path), "-m", "US", "-c", "home")
    assert margin.returncode == 0 and "30.00" in margin.stdout  # median of 15 and 45
