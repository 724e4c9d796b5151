"""打印报表: the application's form as an A4 PDF with an embedded CJK font."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from yibao.cases import services
from yibao.cases.models import Application
from yibao.cases.printing import FOOTER_NOTE, application_form_pdf
from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
from yibao.core.tests.factories import BindingFactory, grant

pytestmark = pytest.mark.django_db
NEW_ID = "110101199003070011"
KEY = {
    "name": "昆明新名称科技有限公司", "emp_type": "10", "address": "昆明市盘龙区2号",
    "legal_rep_name": "王强", "legal_rep_cert_type": "01", "legal_rep_cert_no": NEW_ID,
}  # fmt: skip
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture
def application() -> Application:
    binding = grant(BindingFactory.create(), "unit-key-info-change")
    return services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user, payload=KEY
    )


def _run(*command: str | Path) -> str:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout


@needs_poppler
def test_the_form_shows_the_application_with_the_changes_marked(application: Application, tmp_path) -> None:
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(application_form_pdf(application))
    text = _run("pdftotext", "-layout", pdf, "-")
    assert "单位参保关键信息变更表" in text  # named as the stamped material the unit uploads
    assert f"办件编号：{application.number}" in text
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert f"单位名称 {application.unit.name} 昆明新名称科技有限公司 变更" in lines
    assert "单位类型 企业 企业" in lines  # a code shown as its label, unchanged: not marked
    assert "医保区划 云南省昆明市西山区 云南省昆明市西山区" in lines
    # the old legal-rep ID (read from the record) is masked; the new one the unit entered is not
    old_id = application.unit.legal_rep_cert_no
    assert f"法定代表人证件号码 {old_id[:4]}{'*' * 10}{old_id[-4:]} {NEW_ID} 变更" in lines
    assert application.operator is not None
    assert f"{application.operator.mobile[:3]}****{application.operator.mobile[-4:]}" in text
    assert application.operator.mobile not in text
    for words in ("申请单位（盖章）", "法定代表人（签字）", "年 月 日", FOOTER_NOTE):
        assert words in " ".join(text.split())


@needs_poppler
def test_the_form_embeds_a_cjk_font_and_is_one_a4_page(application: Application, tmp_path) -> None:
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(application_form_pdf(application))
    fonts = _run("pdffonts", pdf).splitlines()[2:]
    assert fonts, "no fonts in the PDF"
    assert all(" yes yes " in row for row in fonts)  # embedded, subset
    assert any("CJK-SC" in row for row in fonts)
    info = " ".join(_run("pdfinfo", pdf).split())
    assert "Pages: 1" in info
    assert "(A4)" in info
