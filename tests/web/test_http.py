"""The web app over real HTTP on loopback: pages, JSON API, downloads, tokens, and 4xx for bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import httpx
import pytest
from openpyxl import load_workbook

from shopradar.report.sample import HOSTILE


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


@pytest.mark.parametrize("path", ["/", "/shops", "/prices", "/insights", "/compliance", "/quality", "/api"])
def test_pages_render_with_security_headers(http, path) -> None:
    r = http.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script" not in csp      # no script may run on any page
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text


def test_filters_change_the_numbers(http) -> None:
    all_rows = http.get("/api/v1/views/gmv_over_time").json()["rows"]
    us_rows = http.get("/api/v1/views/gmv_over_time", params={"market": "us"}).json()["rows"]
    gb_rows = http.get("/api/v1/views/gmv_over_time", params={"market": "GB"}).json()["rows"]
    total = sum(float(r["gmv_usd"]) for r in all_rows)
    assert total == pytest.approx(sum(float(r["gmv_usd"]) for r in us_rows + gb_rows))
    days = http.get("/api/v1/views/gmv_over_time", params={"grain": "day", "start": "2025-12-01"}).json()
    assert days["filters"] == {"grain": "day", "start": "2025-12-01"} and len(days["rows"]) == 31
    page = http.get("/", params={"market": "US", "category": "beauty", "grain": "week"})
    assert page.status_code == 200 and "Beauty &amp; Personal Care" in page.text and "United States" in page.text


def test_catalog_and_openapi(http) -> None:
    cat = http.get("/api/v1/catalog").json()
    assert [m["code"] for m in cat["markets"]] == ["GB", "US"]
    assert {"beauty", "serum"} <= {c["category_id"] for c in cat["categories"]}
    spec = http.get("/openapi.json").json()
    assert "/api/v1/views/{name}" in spec["paths"] and "/api/v1/catalog" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/v1/views/{name}"]["get"]["parameters"]}
    assert {"market", "category", "start", "end", "price_band", "format"} <= params


def test_downloads_csv_xlsx_keep_hostile_text_as_text(http) -> None:
    csv = http.get("/api/v1/views/top_shops", params={"format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="shopradar-top_shops.csv"' in csv.headers["content-disposition"]
    assert "'=HYPERLINK" in csv.text                                  # formula defused
    xlsx = http.get("/api/v1/views/top_shops", params={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "<script>alert(1)</script>" in names and not any(str(n).startswith("=") for n in names)
    js = http.get("/api/v1/views/top_shops").json()
    assert set(HOSTILE) & {r["name"] for r in js["rows"]}


def test_every_table_downloads(http) -> None:
    names = http.get("/api/v1/catalog").json()["views"]
    for name in names:
        for fmt in ("csv", "xlsx"):
            r = http.get(f"/api/v1/views/{name}", params={"format": fmt})
            assert r.status_code == 200, (name, fmt, r.text[:200])


def test_hostile_text_is_escaped_in_pages(http) -> None:
    html = http.get("/shops").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize("query, status, key", [
    ("market=ZZ", 400, "report.unknown_market"),
    ("market=US%27%20OR%20%271%27=%271", 400, "report.unknown_market"),
    ("category=beauty%27%3B%20DROP%20TABLE%20product%3B--", 400, "report.unknown_category"),
    ("start=yesterday", 400, "report.bad_date"),
    ("start=2025-12-01&end=2025-01-01", 400, "report.bad_period"),
    ("price_band=%3Cscript%3E", 400, "report.unknown_band"),
    ("grain=year", 400, "report.unknown_grain"),
    ("market=%00%01", 400, "report.bad_value"),
    ("market=%ZZ%", 400, "report.unknown_market"),
    ("market=" + "A" * 300, 400, "web.bad_param"),
    ("format=pdf", 400, "web.bad_param"),
    ("%%%&&&===", 200, None),
])
def test_bad_query_strings_are_4xx_with_a_message(http, query, status, key) -> None:
    r = http.get("/api/v1/views/top_shops?" + query)
    assert r.status_code == status, r.text
    if key:
        err = r.json()["error"]
        assert err["code"] == key and err["message"] and "Traceback" not in err["message"]
    page = http.get("/?" + query)
    assert page.status_code in (status, 200) and page.status_code < 500


def test_unknown_view_route_and_method(http) -> None:
    assert http.get("/api/v1/views/secret_table").status_code == 400
    r = http.get("/nowhere", headers={"accept": "text/html"})
    assert r.status_code == 404 and "nothing at /nowhere" in r.text
    assert http.post("/api/v1/catalog").status_code == 405
    zh = http.get("/api/v1/views/top_shops", params={"market": "ZZ", "lang": "zh"}).json()
    assert "未知市场" in zh["error"]["message"]


def test_foreign_host_header_is_refused_without_token(http) -> None:
    r = http.get("/", headers={"host": "attacker.example"})
    assert r.status_code == 400 and "attacker.example" in r.text


def test_token_required_and_checked(live_token) -> None:
    with httpx.Client(base_url=live_token.url, timeout=30) as c:
        missing = c.get("/api/v1/catalog")
        assert missing.status_code == 401 and "token" in missing.json()["error"]["message"]
        wrong = c.get("/api/v1/catalog", headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "web.token_wrong"
        assert c.get("/api/v1/catalog", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/", headers={"x-shopradar-token": "s3cret-token"}).status_code == 200
        first = c.get("/?token=s3cret-token")                     # a browser opening the printed URL
        assert first.status_code == 200 and "shopradar_token" in first.headers.get("set-cookie", "")
        assert c.get("/shops").status_code == 200                 # …keeps working through the cookie
        c.cookies.clear()
        assert c.get("/shops?token=wrong").status_code == 403


def test_cli_serve_beyond_loopback_generates_a_token(web_db) -> None:
    import os

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "300"}
    proc = subprocess.Popen([sys.executable, "-m", "shopradar", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--db", str(web_db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        line = ""
        deadline = time.time() + 60
        while "token=" not in line and time.time() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
        assert "token=" in line, proc.stderr.read() if proc.poll() is not None else line
        url = line.split("at ", 1)[1].split(" ", 1)[0]
        port = int(url.split(":")[2].split("/")[0])
        token = url.split("token=")[1]
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                no = httpx.get(base + "/api/v1/catalog", timeout=5)
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert no.status_code == 401
        ok = httpx.get(base + "/api/v1/catalog", headers={"authorization": f"Bearer {token}"}, timeout=10)
        assert ok.status_code == 200 and json.loads(ok.text)["markets"]
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_serve_errors_are_one_line(cli, web_db, tmp_path) -> None:
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    try:
        res = cli("serve", "--port", str(busy.getsockname()[1]), "--db", str(web_db), timeout=60)
        assert res.returncode == 2 and "cannot listen" in res.stderr and "Traceback" not in res.stderr
    finally:
        busy.close()
    from shopradar.errors import WarehouseError
    from shopradar.web import create_app

    with pytest.raises(WarehouseError, match="no warehouse"):
        create_app(tmp_path / "none.duckdb")
