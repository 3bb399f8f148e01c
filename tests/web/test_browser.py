"""Debian's Chromium opens the report and the running app, clicks through the filters, checks that the
charts render, that nothing hostile runs and that the console stays clean; screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class Watch:
    """Console errors, page errors and dialogs (an alert() from hostile text would be one)."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def assert_clean(self) -> None:
        assert self.errors == [] and self.dialogs == []


def _new_page(browser, viewport):
    ctx = browser.new_context(viewport=viewport, device_scale_factor=1, accept_downloads=True)
    page = ctx.new_page()
    return ctx, page, Watch(page)


def _assert_charts(page, phone: bool) -> None:
    chart = page.locator("svg.chart-narrow" if phone else "svg.chart-wide").first
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    d = chart.locator("path.line").get_attribute("d")
    assert d and d.count("L") >= 2
    assert chart.locator("polygon.band").count() == 1 and chart.locator("circle.peak").count() == 1
    widths = page.eval_on_selector_all(".bars .fill", "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and max(widths) > 50
    # nothing sticks out sideways: the page fits the screen width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture(scope="module")
def report_files(web_db: Path, tmp_path_factory) -> dict[str, Path]:
    from shopradar.report import build_report
    from shopradar.warehouse import Warehouse

    out = tmp_path_factory.mktemp("browser")
    with Warehouse.open(web_db, create=False, read_only=True) as wh:
        return {lang: build_report(wh, out / f"report-{lang}.html", lang=lang) for lang in ("en", "zh")}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_report_opens_offline_and_renders(browser, report_files, artifacts, lang, device) -> None:
    ctx, page, watch = _new_page(browser, DESKTOP if device == "desktop" else PHONE)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report_files[lang].as_uri())
    _assert_charts(page, phone=device == "phone")
    from shopradar.report.render import SECTIONS

    assert page.locator("section.card").count() == len(SECTIONS)  # every section, none lost
    shop_text = page.locator("#shops").inner_text()
    assert "<script>alert(1)</script>" in shop_text            # hostile name shown as text…
    assert page.locator("#shops img").count() == 0            # …and never became an element
    page.locator("#categories details.drill summary").first.click()   # offline drill-down opens
    assert page.locator("#categories details.drill[open] .bar-row").count() >= 1
    assert requests == [report_files[lang].as_uri()]          # nothing else was fetched
    page.screenshot(path=str(artifacts / f"report-{lang}-{device}.png"), full_page=True)
    watch.assert_clean()
    ctx.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_app_click_through_filters(browser, live, artifacts, device) -> None:
    phone = device == "phone"
    ctx, page, watch = _new_page(browser, PHONE if phone else DESKTOP)
    page.goto(live.url + "/")
    _assert_charts(page, phone)
    page.screenshot(path=str(artifacts / f"app-overview-{device}.png"), full_page=True)
    before = page.locator("#overview .tile .v").first.inner_text()

    page.select_option("#f-market", "US")
    page.select_option("#f-category", "beauty")
    page.select_option("#f-grain", "week")
    with page.expect_navigation():
        page.click("#f-apply")
    assert "market=US" in page.url and "category=beauty" in page.url and "grain=week" in page.url
    _assert_charts(page, phone)
    assert page.locator("#overview .tile .v").first.inner_text() != before
    assert page.locator("#categories .crumbs").inner_text().endswith("Beauty & Personal Care")

    # drill down by clicking a category bar
    link = page.locator("#categories .bar-row .lab a").first
    name = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert "category=" in page.url and name in page.locator("#categories .crumbs").inner_text()

    # price band and period
    page.select_option("#f-band", "10-20")
    page.fill("#f-start", "2025-10-01")
    with page.expect_navigation():
        page.click("#f-apply")
    assert "price_band=10-20" in page.url and "start=2025-10-01" in page.url

    # other pages keep the filters
    with page.expect_navigation():
        page.click("nav.toc a[data-nav=shops]")
    assert "price_band=10-20" in page.url and page.locator("#shops").is_visible()

    # en/zh switch
    with page.expect_navigation():
        page.click("#lang-switch")
    assert "lang=zh" in page.url and "头部店铺与商品" in page.locator("#shops h2").inner_text()

    # reset, then a CSV download from a section
    with page.expect_navigation():
        page.click("#f-reset")
    with page.expect_download() as dl:
        page.click("#shops a[data-download='top_shops.csv']")
    text = Path(dl.value.path()).read_text("utf-8")
    assert text.startswith('"shop_id"') and "<script>alert(1)</script>" in text
    page.screenshot(path=str(artifacts / f"app-shops-zh-{device}.png"), full_page=True)
    watch.assert_clean()
    ctx.close()


def test_app_pages_and_hostile_text(browser, live, artifacts) -> None:
    ctx, page, watch = _new_page(browser, DESKTOP)
    for path in ("/shops", "/prices", "/insights", "/compliance", "/quality", "/api"):
        page.goto(live.url + path)
        assert page.locator("main").is_visible()
    page.goto(live.url + "/shops")
    assert page.locator("#shops table.products tbody tr").count() > 0
    assert page.locator("#shops img").count() == 0
    page.goto(live.url + "/prices")
    page.screenshot(path=str(artifacts / "app-prices-desktop.png"), full_page=True)
    watch.assert_clean()
    # an unknown filter value gives a readable error page, not a crash
    resp = page.goto(live.url + "/?market=%3Cscript%3Ealert(1)%3C/script%3E")
    assert resp.status == 400
    assert "unknown market" in page.locator("#error-message").inner_text()
    page.screenshot(path=str(artifacts / "app-error.png"))
    assert watch.dialogs == []
    ctx.close()
