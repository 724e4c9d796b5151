"""Browser tests: Playwright drives Debian's Chromium against a live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM is still used
# synchronously here (fixtures), which is safe in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("YIBAO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The hook sees the whole session's items: mark only the tests of this folder.
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# The live server needs a transactional database, flushed after each test; the
# reference_data fixture (root conftest) loads divisions and code tables again.


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}; run `make test` as root or `apt-get install chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any, reference_data: None) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any, reference_data: None) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def tab_to(page: Any, name: str, *, limit: int = 80) -> None:
    """Press Tab from the top of the page until the link or button named `name` has the focus:
    it is reachable by keyboard."""
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement ? document.activeElement.textContent : ''")
        if name in " ".join(str(focused).split()):
            return
    raise AssertionError(f"{name!r} not reached by Tab")


def export_download(page: Any, title: str, *, keyboard: bool = False) -> Any:
    """After 导出: the 导出记录 page says the job was taken and lists it 已完成 (the tests' task
    backend runs it at once); the page passes the page checks; 下载 gives the file."""
    from playwright.sync_api import expect

    from tests.pagecheck import check_html

    expect(page.get_by_role("heading", name="导出记录", level=1)).to_be_visible()
    expect(page.get_by_text("导出任务已提交，生成完成后可在“导出记录”中下载")).to_be_visible()
    row = page.locator(".export-table tbody tr").first
    expect(row).to_contain_text(title)
    expect(row).to_contain_text("已完成")
    check_html(page.content())
    screenshot(page, f"exports-{title}")
    with page.expect_download() as download_info:
        if keyboard:
            tab_to(page, "下载")
            page.keyboard.press("Enter")
        else:
            row.get_by_role("link", name="下载").click()
    download = download_info.value
    assert download.suggested_filename.startswith(title) and download.suggested_filename.endswith(".xlsx")
    return download
