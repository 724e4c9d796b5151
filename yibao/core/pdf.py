"""HTML to PDF with WeasyPrint, shared by every printed document (打印报表, 参保证明).

The stylesheets name one CJK face (Debian fonts-noto-cjk), which WeasyPrint embeds as a subset,
so a document prints the same on any machine. Parsed stylesheets are kept per file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML


@cache
def _stylesheet(path: str) -> CSS:
    return CSS(filename=path)


def pdf_from_html(html: str, *, stylesheet: Path) -> bytes:
    """The HTML page as a PDF, laid out by the stylesheet (its @page rule sets the paper)."""
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[_stylesheet(str(stylesheet))])
    return pdf
