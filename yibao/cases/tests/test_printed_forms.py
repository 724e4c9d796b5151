"""What each printed form says: labels, never raw codes or ids; a registration laid out as one; a
batch's persons listed page by page after its form, each page naming the 办件编号 and 批次号."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from yibao.cases import services
from yibao.cases.models import Application
from yibao.cases.printing import application_form_pdf
from yibao.cases.tests.batches import batch_application, person_cert_no, person_name
from yibao.changes.person_types import EMPLOYEE_KEY_INFO_CHANGE
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, grant
from yibao.demo.numbers import make_id_number
from yibao.enrollment.enroll_types import EMPLOYEE_ENROLLMENT
from yibao.enrollment.interruption_types import EMPLOYEE_INTERRUPTION
from yibao.enrollment.models import BatchImport
from yibao.operators.models import Binding

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]
NEW_ID = make_id_number("530102", datetime.date(1992, 4, 9), 7)


def poppler(*command: str, pdf: bytes, tmp_path: Path) -> str:
    """A poppler-utils tool's output on the PDF (pdftotext, pdfinfo, pdffonts)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    done = subprocess.run([*command, str(path), *(["-"] if command[0] == "pdftotext" else [])],  # noqa: S603
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout


def pdf_text(pdf: bytes, tmp_path: Path, *, first: int = 1, last: int = 0) -> str:
    pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
    return poppler("pdftotext", "-layout", *pages, pdf=pdf, tmp_path=tmp_path)


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    found = re.search(r"Pages:\s+(\d+)", poppler("pdfinfo", pdf=pdf, tmp_path=tmp_path))
    assert found is not None
    return int(found.group(1))


def words(text: str) -> str:
    return " ".join(text.split())


def enrollment_payload() -> dict[str, object]:
    start = timezone.localdate().replace(day=1).isoformat()
    return {
        "cert_type": "01", "cert_no": NEW_ID, "name": "赵敏", "gender": "1", "birth_date": "1992-04-09",
        "nation": "01", "nationality": "CHN", "mobile": "13812345678", "address": "昆明市五华区1号",
        "first_work_date": "2014-07-01", "psn_type": "1101", "emp_form": "1",
        "insutypes": ["310", "330", "510"], "start_date": start, "base": "6000",
    }  # fmt: skip


def test_a_registration_reads_like_one_with_labels_for_every_code(tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    application = services.application_draft_save(
        kind=EMPLOYEE_ENROLLMENT, unit=binding.unit, actor=binding.operator.user, payload=enrollment_payload()
    )
    text = words(pdf_text(application_form_pdf(application), tmp_path))
    for shown in ("人员类别 职工在职", "用工形式 合同制", "性别 男", "民族 汉族", "国籍 中国",
                  "证件类型 居民身份证(户口簿)", "险种 职工基本医疗保险、大额医疗费用补助、生育保险"):  # fmt: skip
        assert shown in text, shown
    assert f"证件号码 {NEW_ID}" in text  # what the unit itself entered, for its signature
    for raw in ("1101", "['310'", "310", "CHN"):
        assert raw not in text, raw
    # a registration has nothing before it: no 变更前 / 变更后 columns, no «变更» marks
    assert "变更前" not in text and "变更后" not in text and "变更" not in text
    assert text.startswith("职工参保登记表 ")  # named as the stamped material the unit uploads


def test_a_person_change_prints_the_labels_of_gender_and_nation(tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-key-info-change")
    person = PersonFactory.create(gender="1", nation="01")
    InsuranceFactory.create(person=person, unit=binding.unit, insutype="310")
    application = services.application_draft_save(
        kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
        payload={"person": str(person.pk), "gender": "2", "name": person.name,
                 "birth_date": person.birth_date.isoformat(), "first_work_date": ""},
    )  # fmt: skip
    lines = {words(line) for line in pdf_text(application_form_pdf(application), tmp_path).splitlines()}
    assert "性别 男 女 变更" in lines


def test_an_interruption_names_its_persons_and_reason(tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-interruption")
    persons = [PersonFactory.create(name=name) for name in ("钱多多", "孙小美")]
    for person in persons:
        InsuranceFactory.create(person=person, unit=binding.unit, insutype="310")
    application = services.application_draft_save(
        kind=EMPLOYEE_INTERRUPTION, unit=binding.unit, actor=binding.operator.user,
        payload={"interrupted_persons": ",".join(str(p.pk) for p in persons), "interruption_reason": "01",
                 "pause_date": timezone.localdate().isoformat()},
    )  # fmt: skip
    text = words(pdf_text(application_form_pdf(application), tmp_path))
    masked = [f"{p.cert_no[:4]}{'*' * 10}{p.cert_no[-4:]}" for p in persons]
    assert f"中断人员 钱多多（{masked[0]}）、孙小美（{masked[1]}）（共2人）" in text
    assert "中断原因 解除劳动合同" in text
    assert "变更前" not in text
    assert text.startswith("职工中断参保申报表 ")


@pytest.fixture
def binding() -> Binding:
    return grant(BindingFactory.create(), "employee-enrollment")


def test_a_batch_form_names_its_batch_and_lists_every_person_page_by_page(
    binding: Binding, tmp_path: Path
) -> None:
    application = batch_application(binding, 130, name="十一月新员工.xlsx")
    batch = BatchImport.objects.get(application=application)
    pdf = application_form_pdf(application)
    pages = pdf_pages(pdf, tmp_path)
    form = words(pdf_text(pdf, tmp_path, last=1))
    assert f"批次号 {batch.number}（十一月新员工.xlsx）" in form
    assert "登记人数 130" in form
    assert re.search(r"批量导入 \d", form) is None  # never the import's internal id
    assert f"人员名单：共 130 人，见后附《职工参保登记表（批量）人员名单》，共 {pages - 1} 页" in form
    assert pages >= 3  # the form, then the list over several pages
    seen: list[tuple[str, str]] = []
    for page in range(2, pages + 1):
        text = pdf_text(pdf, tmp_path, first=page, last=page)
        flat = words(text)
        assert f"办件编号：{application.number}" in flat and f"批次号：{batch.number}" in flat
        assert re.search(rf"第 ?{page - 1} ?页 ?共 ?{pages - 1} ?页", flat), flat[:200]
        seen += re.findall(r"^\s*(\d+)\s+(\S+)\s", text, flags=re.MULTILINE)
    assert [int(row) for row, _ in seen] == list(range(2, 132))  # every file row, once, in order
    assert [name for _, name in seen] == [person_name(n) for n in range(130)]
    rows = words(pdf_text(pdf, tmp_path, first=2, last=2))
    assert f"2 {person_name(0)} 居民身份证(户口簿) {person_cert_no(0)} 男 职工在职 合同制" in rows
    assert "职工基本医疗保险、大额医疗费用" in rows and "补助、生育保险" in rows and "1101" not in rows


def test_the_list_pages_embed_the_one_pdf_font(binding: Binding, tmp_path: Path) -> None:
    fonts = poppler("pdffonts", pdf=application_form_pdf(batch_application(binding, 5)), tmp_path=tmp_path)
    rows = fonts.splitlines()[2:]
    assert rows and all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), (
        fonts
    )  # embedded, subset, ToUnicode
    assert all("CJK" in row for row in rows), fonts


def test_a_batch_of_another_application_is_not_printed_with_this_one(
    binding: Binding, tmp_path: Path
) -> None:
    first = batch_application(binding, 3)
    other = batch_application(grant(BindingFactory.create(), "employee-enrollment"), 4)
    assert Application.objects.count() == 2
    text = words(pdf_text(application_form_pdf(first), tmp_path, first=2))
    assert person_name(0) in text and person_name(3) not in text
    assert other.number not in text
