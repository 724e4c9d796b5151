"""打印报表: an application rendered as the A4 form the unit prints, stamps and uploads again.

The form is an HTML template rendered by WeasyPrint with a CJK font embedded (Debian
fonts-noto-cjk), so it prints the same on any machine. The new values the unit entered are shown
in full (the legal representative signs for them); values read from the record are masked.
"""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from yibao.cases.models import Application
from yibao.cases.selectors import application_change_rows
from yibao.cases.types import application_type
from yibao.core.masking import mask_phone
from yibao.core.pdf import pdf_from_html
from yibao.core.selectors import division_full_name

TEMPLATE = "cases/print/application_form.html"
STYLESHEET = Path(__file__).resolve().parent / "templates" / "cases" / "print" / "application_form.css"
FOOTER_NOTE = "本表一式两份，加盖单位公章后扫描上传"


def application_form_html(application: Application) -> str:
    kind = application_type(application.type_code)
    unit = application.unit
    operator = application.operator
    return render_to_string(
        TEMPLATE,
        {
            "title": f"{kind.name}申请表",
            "application": application,
            "unit": unit,
            "division": division_full_name(application.division_id) or application.division_id,
            "operator_name": operator.name if operator else "",
            "operator_mobile": mask_phone(operator.mobile) if operator else "",
            "printed_on": timezone.localdate(),
            "rows": application_change_rows(application, reveal_new=True),
            "footer_note": FOOTER_NOTE,
        },
    )


def application_form_pdf(application: Application) -> bytes:
    """The application's printed form as an A4 PDF."""
    return pdf_from_html(application_form_html(application), stylesheet=STYLESHEET)
