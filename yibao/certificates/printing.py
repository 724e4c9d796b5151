"""The 参保证明 as a document: one HTML template, shown in the hall as «预览效果» and rendered to
an A4 PDF for «打印» by the project's WeasyPrint machinery (yibao/core/pdf.py, CJK font embedded).

The printed certificate carries its 证明编号, its 验证码 and a QR code whose link opens the public
参保证明查验 page with both filled in.
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
from yibao.certificates.selectors import paid_period
from yibao.core.pdf import pdf_from_html

TEMPLATE = "certificates/print/certificate.html"
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
        "as_of": f"{as_of.year}年{as_of.month}月{as_of.day}日" if as_of else "",
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
    return render_to_string(TEMPLATE, certificate_context(certificate, site=site))


def certificate_pdf(certificate: Certificate, *, site: str) -> bytes:
    """The issued certificate as an A4 PDF; `site` is the scheme and host the QR code links to."""
    return pdf_from_html(certificate_html(certificate, site=site), stylesheet=STYLESHEET)
