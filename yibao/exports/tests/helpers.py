"""An export through the pages, as an operator does it: 导出 (posted), the 导出记录 page with the
job, 下载. Tasks run at once (ImmediateBackend) when the request's transaction commits, which a
test's transaction never does: the commit callbacks are run by hand."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bs4 import BeautifulSoup
from django.test import Client, TestCase

from tests.pagecheck import check_page, visible_text
from yibao.exports.services import SUBMITTED


def export_post(client: Client, url: str, query: dict[str, Any] | None = None) -> BeautifulSoup:
    """导出: the 导出记录 page the operator lands on (after the job ran)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"{url}?{urlencode(query, doseq=True)}" if query else url)
    assert response.status_code == 302, response.status_code
    soup = check_page(client.get(response["Location"]))
    assert SUBMITTED in visible_text(soup)
    return soup


def download_links(soup: BeautifulSoup) -> list[str]:
    return [str(a["href"]) for a in soup.select("a[href$='/download/']")]


def export_file(client: Client, url: str, query: dict[str, Any] | None = None) -> bytes:
    """导出 then 下载 of the newest export: the file's bytes."""
    soup = export_post(client, url, query)
    links = download_links(soup)
    assert links, visible_text(soup)
    response: Any = client.get(links[0])
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)
