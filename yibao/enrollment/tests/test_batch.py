"""批量参保登记: validation of a file's rows in sets, and the application to the records."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_id_number
from yibao.core.spreadsheets.cells import Problem
from yibao.core.tests.factories import InsuranceFactory, PersonFactory, UnitFactory
from yibao.demo.numbers import make_id_number, numbered_name
from yibao.enrollment import batch
from yibao.enrollment.batch import batch_apply, batch_validate, psn_no_for
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.rules import EnrollmentRow
from yibao.enrollment.sheets import SheetRow

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
START = datetime.date(2026, 11, 1)


def cert(n: int) -> str:
    return make_id_number("530102", datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000), n % 1000)


def enrollment_row(cert_no: str, **changes: Any) -> EnrollmentRow:
    values: dict[str, Any] = {
        "cert_type": "01",
        "cert_no": cert_no,
        "name": "李明",
        "nation": "01",
        "insutypes": ("310", "510"),
        "start_date": START,
        "base": Decimal("6000.00"),
        "psn_type": "1101",
        "emp_form": "1",
    }
    values.update(changes)
    return EnrollmentRow(**values)


def sheet_row(number: int, cert_no: str, **changes: Any) -> SheetRow:
    return SheetRow(row=number, data=enrollment_row(cert_no, **changes), cells=())


def messages(row: SheetRow) -> list[str]:
    return [f"{p.column}：{p.message}" for p in row.problems]


def test_validation_splits_the_rows_and_says_why() -> None:
    unit, other = UnitFactory.create(), UnitFactory.create()
    here = InsuranceFactory.create(unit=unit, insutype="310").person
    elsewhere = InsuranceFactory.create(unit=other, insutype="510").person
    dead = PersonFactory.create(survival="2")
    rows = [
        sheet_row(2, cert(1)),
        sheet_row(3, cert(2), base=Decimal("100.00")),
        sheet_row(4, cert(3)),
        sheet_row(5, here.cert_no, name=here.name),
        sheet_row(6, elsewhere.cert_no, name=elsewhere.name),
        sheet_row(7, dead.cert_no, name=dead.name),
        sheet_row(9, cert(3)),  # row 8 was blank in the file
        sheet_row(10, cert(4)),
        sheet_row(11, PersonFactory.create().cert_no, name="张冒名"),
    ]
    rows[7].problems.append(
        Problem("证件号码", "证件号码被Excel转换为数字（科学计数法），请将该列设置为文本格式后重新填写")
    )

    result = batch_validate(unit=unit, rows=rows, today=TODAY)

    assert [r.row for r in result.passed] == [2]
    assert not result.ok
    by_row = {r.row: messages(r) for r in result.failed}
    assert by_row[3] == ["月缴费基数：月缴费基数须在4400.00至22000.00元之间（本地上下限）"]
    assert by_row[4] == ["证件号码：证件号码与第9行重复"]
    assert by_row[9] == ["证件号码：证件号码与第4行重复"]
    assert by_row[5] == ["险种：该人员已在本单位参保（险种310），无需重复登记"]
    assert by_row[6] == ["险种：该人员已在其他单位正常参保（险种510），请先由原单位办理中断参保"]
    assert by_row[7] == ["证件号码：该人员已登记死亡，不能参保"]
    # a known person is confirmed by name only; nothing else of the record is told
    assert "姓名：姓名与该证件号码在医保系统登记的姓名不一致，请核对后重新填写" in by_row[11]
    # the parsing problem speaks for its column; the rules do not add a second message to it
    assert by_row[10] == [
        "证件号码：证件号码被Excel转换为数字（科学计数法），请将该列设置为文本格式后重新填写"
    ]


def test_validation_reads_the_records_in_sets(django_assert_max_num_queries: Any) -> None:
    unit = UnitFactory.create()
    known = InsuranceFactory.create(unit=UnitFactory.create(), insutype="310").person
    rows = [sheet_row(n + 2, cert(n)) for n in range(5_000)]
    rows.append(sheet_row(5_002, known.cert_no))
    # one policy query, ⌈5001 / 900⌉ = 6 person queries, one insurance query and one for the
    # unit's pending applications (none)
    with django_assert_max_num_queries(9):
        result = batch_validate(unit=unit, rows=rows, today=TODAY)
    assert len(result.passed) == 5_000
    assert [r.row for r in result.failed] == [5_002]


def test_apply_writes_persons_insurances_and_changes() -> None:
    from yibao.cases.models import Application

    unit = UnitFactory.create()
    returning = PersonFactory.create()
    InsuranceFactory.create(
        person=returning, unit=UnitFactory.create(), insutype="310", status=Insurance.Status.TERMINATED,
        first_insured_ym=201507,
    )  # fmt: skip
    rows = [enrollment_row(cert(n), name=numbered_name("员工", n)) for n in range(30)]
    rows.append(enrollment_row(returning.cert_no, name=returning.name, insutypes=("310",)))
    persons_before = Person.objects.count()

    assert batch_apply(unit=unit, rows=rows, effective_date=START) == 31

    assert Person.objects.count() == persons_before + 30
    new = Person.objects.get(cert_no=cert(7))
    assert new.psn_no == psn_no_for("530112", new.pk) == f"530112{new.pk:012d}"
    assert (new.name, new.gender, new.nationality, new.survival) == ("员工七", "1", "CHN", "1")
    insured = Insurance.objects.filter(unit=unit, status=Insurance.Status.ACTIVE)
    assert insured.count() == 30 * 2 + 1
    first = insured.get(person=new, insutype="510")
    assert (first.start_date, first.first_insured_ym, first.base, first.psn_type) == (
        START, 202611, Decimal("6000.00"), "1101",
    )  # fmt: skip
    assert insured.get(person=returning).first_insured_ym == 201507  # keeps the first month on record
    changes = PersonnelChange.objects.filter(unit=unit)
    assert changes.count() == 31
    change = changes.get(person=new)
    assert (change.kind, change.insutypes, change.effective_date, change.application_id) == (
        "add", "310,510", START, None,
    )  # fmt: skip
    assert change.detail["source"] == "batch"
    assert Application.objects.count() == 0


def test_apply_refuses_a_person_enrolled_elsewhere_since_validation() -> None:
    unit = UnitFactory.create()
    taken = InsuranceFactory.create(unit=UnitFactory.create(), insutype="310").person
    rows = [enrollment_row(cert(n)) for n in range(5)] + [enrollment_row(taken.cert_no, name=taken.name)]
    before = (Person.objects.count(), Insurance.objects.count(), PersonnelChange.objects.count())

    with pytest.raises(ApplicationError) as refused:
        batch_apply(unit=unit, rows=rows, effective_date=START)

    assert refused.value.message == (
        "本批次中有1人现在不能参保登记，未做任何修改。请退回补正，由单位重新导入校验后再提交："
        f"王芳（{mask_id_number(taken.cert_no)}）险种：该人员已在其他单位正常参保（险种310），请先由原单位办理中断参保"
    )
    assert (Person.objects.count(), Insurance.objects.count(), PersonnelChange.objects.count()) == before


def test_the_unique_index_is_the_last_guard_and_everything_is_rolled_back(monkeypatch: Any) -> None:
    unit = UnitFactory.create()
    taken = InsuranceFactory.create(unit=UnitFactory.create(), insutype="310").person
    rows = [enrollment_row(cert(n)) for n in range(5)] + [enrollment_row(taken.cert_no)]
    before = (Person.objects.count(), Insurance.objects.count(), PersonnelChange.objects.count())
    # As if another worker enrolled the person between the re-check and the write.
    monkeypatch.setattr(batch, "record_problems", lambda *args, **kwargs: [])

    with pytest.raises(ApplicationError) as refused:
        batch_apply(unit=unit, rows=rows, effective_date=START)

    assert refused.value.message.startswith("登记时发现本批次中有人员已在其他单位正常参保或已被登记")
    assert (Person.objects.count(), Insurance.objects.count(), PersonnelChange.objects.count()) == before


def test_apply_refuses_duplicates_and_empty_batches() -> None:
    unit = UnitFactory.create()
    with pytest.raises(ApplicationError, match="同一证件号码在本批次中出现多次"):
        batch_apply(unit=unit, rows=[enrollment_row(cert(1)), enrollment_row(cert(1))], effective_date=START)
    with pytest.raises(ApplicationError, match="没有可登记的人员"):
        batch_apply(unit=unit, rows=[], effective_date=START)


def test_a_batch_row_is_held_to_the_rules_of_the_single_form() -> None:
    """issue 20 items 3, 9 and 15: a formula as 姓名, a short mobile, a resident's 人员类别 and a
    future first work date passed; a wrong check digit also said «请选择性别；请输入出生日期»."""
    unit = UnitFactory.create()
    rows = [
        sheet_row(2, cert(1), name='=HYPERLINK("http://x","y")'),
        sheet_row(3, cert(2), mobile="12345", psn_type="1401"),
        sheet_row(4, cert(3), first_work_date=TODAY + datetime.timedelta(days=1)),
        sheet_row(5, cert(4)[:17] + ("0" if cert(4)[17] != "0" else "1")),
        sheet_row(6, cert(5), emp_form=""),
    ]
    result = batch_validate(unit=unit, rows=rows, today=TODAY)
    assert result.passed == []
    by_row = {r.row: messages(r) for r in result.failed}
    assert by_row[2] == ["姓名：姓名只能由文字组成，间隔号请用「·」，不能包含其他符号，请按证件上的姓名填写"]
    assert by_row[3] == [
        "手机号码：请输入正确的手机号码（以1开头的11位数字）",
        "人员类别：「新生儿」是城乡居民的人员类别，职工参保登记请选择在职、退休或离休的人员类别",
    ]
    assert by_row[4] == ["首次参加工作日期：首次参加工作日期不能晚于今天"]
    assert by_row[5] == ["证件号码：身份证号码校验位不正确"]
    assert by_row[6] == ["用工形式：请选择用工形式"]


def test_the_reviewers_refusal_counts_persons_not_person_times_insurance_type() -> None:
    """Seven persons enrolled elsewhere in 310 and 510 are 7 persons (not «等14人»), and the
    reviewer is told what to do: return it to the unit, which re-imports."""
    unit, elsewhere = UnitFactory.create(), UnitFactory.create()
    taken = [PersonFactory.create(name=f"职工{n}") for n in range(7)]
    for person in taken:
        for insutype in ("310", "510"):
            InsuranceFactory.create(person=person, unit=elsewhere, insutype=insutype)
    rows = [enrollment_row(p.cert_no, name=p.name, insutypes=("310", "510")) for p in taken]

    with pytest.raises(ApplicationError) as refused:
        batch_apply(unit=unit, rows=rows, effective_date=START)

    message = refused.value.message
    assert message.startswith(
        "本批次中有7人现在不能参保登记，未做任何修改。请退回补正，由单位重新导入校验后再提交：职工0（"
    )
    assert message.count("职工") == 5 and message.endswith("等")
    assert "请先由原单位办理中断参保" in message and taken[0].cert_no not in message
