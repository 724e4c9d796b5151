"""The 参保证明 as a document: one HTML template, shown in the hall as «预览效果» and rendered to
an A4 PDF for «打印» by the project's WeasyPrint machinery (yibao/core/pdf.py, CJK font embedded);
the 备案凭证 likewise, from its own template and the same stylesheet.

The printed certificate or receipt carries its 证明编号, its 验证码 and a QR code whose link opens
the public 参保证明查验 page with both filled in.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from yibao.certificates.codes import verification_code
from yibao.certificates.models import Certificate
from yibao.certificates.selectors import day_label, paid_period
from yibao.core.pdf import pdf_from_html

TEMPLATE = "certificates/print/certificate.html"
RECEIPT_TEMPLATE = "certificates/print/filing_receipt.html"
STYLESHEET = Path(__file__).resolve().parent / "templates" / "certificates" / "print" / "certificate.css"


def verify_path(number: str, code: str) -> str:
    """The public check page's path with the number and code filled in (the QR code's link)."""
    return reverse("certificates-public:check") + "?" + urlencode({"number": number, "code": code})


def qr_data_uri(link: str) -> str:
    return str(segno.make(link, error="m", micro=False).svg_data_uri(scale=4, border=0))


def document_context(content: dict[str, Any]) -> dict[str, Any]:
    """The document's fields from a content snapshot (issued or, for the preview, not yet)."""
    rows = [
        {**row, "paid_period": paid_period(row.get("paid_from"), row.get("paid_to"))}
        for row in content.get("rows", [])
    ]
    as_of = datetime.date.fromisoformat(content["as_of"]) if content.get("as_of") else None
    return {
        "doc": content,
        "rows": rows,
        "is_person": content.get("kind") == Certificate.Kind.PERSON,
        "as_of": day_label(as_of),
        **_filing_dates(content.get("filing") or {}),
    }


def _filing_dates(filing: dict[str, Any]) -> dict[str, str]:
    """A 备案凭证's dates as printed (2026年3月5日; no 结束日期: 长期有效)."""
    if not filing:
        return {}

    def day(name: str) -> str:
        value = filing.get(name)
        return day_label(datetime.date.fromisoformat(value)) if value else ""

    return {
        "start_on": day("start_date"),
        "end_on": day("end_date") or "长期有效",
        "filed_on": day("filed_on"),
    }


def certificate_context(certificate: Certificate, *, site: str) -> dict[str, Any]:
    """The issued certificate's document: number, 验证码, QR code (link on `site`) and issue date."""
    code = verification_code(certificate)
    link = site.rstrip("/") + verify_path(certificate.number, code)
    return {
        **document_context(certificate.content),
        "number": certificate.number,
        "code": code,
        "qr": qr_data_uri(link),
        "issued_on": timezone.localdate(certificate.issued_at),
    }


def certificate_html(certificate: Certificate, *, site: str) -> str:
    template = RECEIPT_TEMPLATE if certificate.kind == Certificate.Kind.FILING else TEMPLATE
    return render_to_string(template, certificate_context(certificate, site=site))


def certificate_pdf(certificate: Certificate, *, site: str) -> bytes:
    """The issued certificate or receipt as an A4 PDF; `site` is the scheme and host the QR code
    links to."""
    return pdf_from_html(certificate_html(certificate, site=site), stylesheet=STYLESHEET)
