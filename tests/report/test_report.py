"""The HTML report: self-contained, small, both languages, hostile text inert, clear errors."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from shopradar.errors import DataError, UsageError
from shopradar.report import build_report
from shopradar.report.fmt import json_for_script
from shopradar.report.sample import HOSTILE


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.urls: list[str] = []
        self.handlers: list[str] = []
        self.texts: list[str] = []
        self.data_json = ""
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
            self._in_data = a.get("id") == "shopradar-data"
        for k, v in attrs:
            if k.startswith("on"):
                self.handlers.append(f"{tag}.{k}")
            if k in ("src", "href") and v and not v.startswith("#"):
                self.urls.append(v)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_json += data
        else:
            self.texts.append(data)


def _scan(html: str) -> _Scan:
    s = _Scan()
    s.feed(html)
    return s


@pytest.fixture(scope="module")
def reports(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from shopradar.warehouse import Warehouse

    out = tmp_path_factory.mktemp("reports")
    with Warehouse.open(sample_db, create=False, read_only=True) as wh:
        return {lang: build_report(wh, out / f"r-{lang}.html", lang=lang).read_text("utf-8") for lang in ("en", "zh")}


def test_self_contained_and_small(reports) -> None:
    for html in reports.values():
        s = _scan(html)
        assert s.urls == []                                  # no link, image or script to fetch
        assert [sc.get("type") for sc in s.scripts] == ["application/json"]  # no executable script at all
        assert "default-src 'none'" in html                  # and the CSP forbids any
        assert len(html.encode("utf-8")) < 400_000
        for section in ("overview", "categories", "shops", "prices", "channels", "concentration",
                        "opportunities", "niche", "headroom", "compliance", "quality"):
            assert f'data-section="{section}"' in html
        assert html.count('class="chart chart-time') == 2   # wide + narrow drawing of GMV over time


def test_languages(reports) -> None:
    assert "Market overview" in reports["en"] and "How to read this" in reports["en"]
    assert "市场概览" in reports["zh"] and "如何解读" in reports["zh"] and 'lang="zh-CN"' in reports["zh"]
    assert "Market overview" not in reports["zh"]


def test_hostile_text_is_inert(reports) -> None:
    for html in reports.values():
        s = _scan(html)
        assert s.handlers == []                               # no onerror=… attribute was created
        assert "<script>alert" not in html and "<img src=x" not in html
        text = "".join(s.texts)
        assert "<script>alert(1)</script>" in text           # …but the title is shown, as text
        assert '"><img src=x onerror=alert(1)>' in text
        data = json.loads(s.data_json)                        # embedded data parses back exactly
        names = {r["name"] for r in data["tables"]["top_shops"]}
        assert set(HOSTILE) & names


def test_json_for_script_escapes() -> None:
    raw = {"t": "</script><script>alert(1)</script>&\u2028\u2029"}
    out = str(json_for_script(raw))
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == raw


def test_filters_and_errors(sample_db: Path, tmp_path: Path) -> None:
    from shopradar.warehouse import Warehouse

    with Warehouse.open(sample_db, create=False, read_only=True) as wh:
        p = build_report(wh, tmp_path / "us.html", market="US", category="beauty", lang="zh")
        html = p.read_text("utf-8")
        assert "美国" in html and "美妆个护" in html
        with pytest.raises(UsageError, match="unknown market"):
            build_report(wh, tmp_path / "x.html", market="<script>")
        with pytest.raises(UsageError):
            build_report(wh, tmp_path, market="US")         # a folder, not a file
        with pytest.raises(UsageError):
            build_report(wh, tmp_path / "no" / "such" / "r.html")
        assert not (tmp_path / "x.html").exists()
    with Warehouse.open(tmp_path / "empty.duckdb") as empty, pytest.raises(DataError):
        build_report(empty, tmp_path / "e.html")


def test_cli_report(cli, sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    res = cli("report", "-o", str(out), "--db", str(sample_db), "--market", "gb", "--lang", "zh")
    assert res.returncode == 0, res.stderr
    assert out.exists() and "英国" in out.read_text("utf-8") and "KB" in res.stderr
    bad = cli("report", "-o", str(out), "--db", str(sample_db), "--category", "'; DROP TABLE x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert re.search(r"unknown category", bad.stderr) and bad.stderr.strip().count("\n") == 0
