"""The rules of 职工参保登记, row by row and against the records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yibao.core.tests.factories import InsuranceFactory, PersonFactory, UnitFactory
from yibao.demo.numbers import make_id_number
from yibao.enrollment.policies import enrollment_window, limits_for
from yibao.enrollment.rules import (
    EnrollmentRow,
    Limits,
    Problem,
    duplicate_rows,
    parse_base,
    record_problems,
    records_for,
    row_problems,
)

TODAY = datetime.date(2026, 11, 23)
LIMITS = Limits(
    insutypes=frozenset({"310", "330", "510"}),
    base_floor=Decimal("4400.00"),
    base_cap=Decimal("22000.00"),
    earliest_start=datetime.date(2026, 11, 1),
    latest_start=datetime.date(2026, 11, 30),
    today=TODAY,
)


def row(**changes: object) -> EnrollmentRow:
    values: dict[str, object] = {
        "cert_type": "01",
        "cert_no": make_id_number("530102", datetime.date(1990, 5, 17), 3),
        "name": "王芳",
        "nation": "01",
        "psn_type": "1101",
        "emp_form": "1",
        "insutypes": ("310", "510"),
        "start_date": datetime.date(2026, 11, 1),
        "base": Decimal("6000.00"),
    }
    values.update(changes)
    return EnrollmentRow(**values)  # type: ignore[arg-type]


def messages(problems: list[Problem]) -> list[str]:
    return [f"{p.column}：{p.message}" for p in problems]


def test_a_good_row_gets_gender_and_birth_from_the_id() -> None:
    good = row()
    assert row_problems(good, LIMITS) == []
    assert (good.gender, good.birth_date) == ("1", datetime.date(1990, 5, 17))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"cert_no": "530102199005170034"}, "证件号码：身份证号码校验位不正确"),
        ({"gender": "2"}, "性别：性别与身份证号码不一致"),
        ({"birth_date": datetime.date(1990, 5, 18)}, "出生日期：出生日期与身份证号码不一致"),
        ({"insutypes": ()}, "险种：请选择参保险种"),
        ({"insutypes": ("310", "390")}, "险种：险种390不在本统筹区可参保的险种内（310、330、510）"),
        (
            {"start_date": datetime.date(2026, 10, 1)},
            "参保日期：参保日期须在2026-11-01至2026-11-30之间，更早的补缴请到医保经办机构办理",
        ),
        ({"base": Decimal("4399.99")}, "月缴费基数：月缴费基数须在4400.00至22000.00元之间（本地上下限）"),
        ({"base": Decimal("22000.01")}, "月缴费基数：月缴费基数须在4400.00至22000.00元之间（本地上下限）"),
        ({"base": None}, "月缴费基数：请输入正确的月缴费基数，如 6000.00"),
        ({"name": " "}, "姓名：请输入姓名"),
    ],
)
def test_each_rule_names_its_column(changes: dict[str, object], expected: str) -> None:
    assert expected in messages(row_problems(row(**changes), LIMITS))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # issue 20 item 3: what the single form let through
        ({"mobile": "12345"}, "手机号码：请输入正确的手机号码（以1开头的11位数字）"),
        ({"mobile": "23800001234"}, "手机号码：请输入正确的手机号码（以1开头的11位数字）"),
        ({"name": "Tom123"}, "姓名：姓名不能包含数字，请按证件上的姓名填写"),
        (
            {"name": "Tom"},
            "姓名：该证件的姓名应为汉字（少数民族姓名的间隔号请用「·」），请按证件上的姓名填写",
        ),
        (
            {"psn_type": "1401"},
            "人员类别：「新生儿」是城乡居民的人员类别，职工参保登记请选择在职、退休或离休的人员类别",
        ),
        ({"psn_type": "1201"}, "人员类别：未满45周岁，不能登记为「职工退休」，请核对人员类别"),
        (
            {"psn_type": "1300"},
            "人员类别：离休人员须在1949年10月1日前参加革命工作，请核对人员类别和首次参加工作日期",
        ),
        ({"psn_type": ""}, "人员类别：请选择人员类别"),
        ({"emp_form": ""}, "用工形式：请选择用工形式"),
        ({"nation": ""}, "民族：请选择民族"),
        ({"nationality": "China"}, "国籍：国籍请填写三位字母代码，如 CHN"),
        ({"first_work_date": datetime.date(2026, 11, 24)}, "首次参加工作日期：首次参加工作日期不能晚于今天"),
        (
            {"first_work_date": datetime.date(1989, 1, 1)},
            "首次参加工作日期：首次参加工作日期不能早于出生日期",
        ),
        (
            {"first_work_date": datetime.date(2000, 1, 1)},
            "首次参加工作日期：首次参加工作日期时未满16周岁，请核对",
        ),
        # issue 20 item 15: a formula in the 姓名 cell of a batch file
        (
            {"name": '=HYPERLINK("http://x","y")'},
            "姓名：姓名只能由文字组成，间隔号请用「·」，不能包含其他符号，请按证件上的姓名填写",
        ),
        (
            {"name": "+王芳"},
            "姓名：姓名只能由文字组成，间隔号请用「·」，不能包含其他符号，请按证件上的姓名填写",
        ),
        ({"name": "王" * 51}, "姓名：姓名不能超过50个字"),
        ({"address": "路" * 201}, "联系地址：联系地址不能超过200个字"),
    ],
)
def test_the_rules_the_single_form_missed(changes: dict[str, object], expected: str) -> None:
    assert expected in messages(row_problems(row(**changes), LIMITS))


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"name": "阿依古丽•买买提"}, "阿依古丽·买买提"),
        ({"name": " 王  芳 "}, "王芳"),
        (
            {
                "name": "John O'Neil-Smith Jr.",
                "cert_type": "08",
                "cert_no": "E12345678",
                "gender": "1",
                "birth_date": datetime.date(1980, 1, 1),
            },
            "John O'Neil-Smith Jr.",
        ),
        ({"name": "𠮷〇", "mobile": "138 0000 1234"}, "𠮷〇"),
    ],
)
def test_names_of_every_kind_pass_normalised(changes: dict[str, object], name: str) -> None:
    good = row(**changes)
    assert row_problems(good, LIMITS) == []
    assert good.name == name
    assert good.mobile in {"", "13800001234"}


def test_a_bad_id_number_is_the_one_problem_of_its_gender_and_birth() -> None:
    """issue 20 item 9: a wrong check digit said also «请选择性别；请输入出生日期»."""
    bad = row(cert_no="530102199005170034")
    assert messages(row_problems(bad, LIMITS)) == ["证件号码：身份证号码校验位不正确"]
    other = row(cert_type="08", cert_no="E12345678")  # a passport says nothing of them
    assert messages(row_problems(other, LIMITS)) == ["性别：请选择性别", "出生日期：请输入出生日期"]


def test_a_retiree_and_a_foreign_national_without_nation_pass() -> None:
    retiree = row(cert_no=make_id_number("530102", datetime.date(1960, 5, 17), 3), psn_type="1201")
    assert row_problems(retiree, LIMITS) == []
    foreigner = row(cert_type="08", cert_no="E12345678", name="Anna Müller", gender="2", nation="",
                    nationality="deu", birth_date=datetime.date(1985, 3, 1))  # fmt: skip
    assert row_problems(foreigner, LIMITS) == []
    assert foreigner.nationality == "DEU"


def test_a_minor_below_working_age_is_refused() -> None:
    young = row(cert_no=make_id_number("530102", datetime.date(2010, 12, 1), 5))
    assert "出生日期：未满16周岁，不能参加职工基本医疗保险" in messages(row_problems(young, LIMITS))
    sixteen = row(cert_no=make_id_number("530102", datetime.date(2010, 11, 1), 5))
    assert row_problems(sixteen, LIMITS) == []


def test_the_base_accepts_thousands_separators_and_refuses_text() -> None:
    assert parse_base("6,000") == Decimal("6000.00")
    assert parse_base("六千") is None
    assert parse_base("nan") is None


def test_duplicates_name_both_rows() -> None:
    found = duplicate_rows([("01", "A"), ("01", "B"), None, ("01", "A")])
    assert found[0].message == "证件号码与第5行重复"
    assert found[3].message == "证件号码与第2行重复"
    assert 1 not in found


@pytest.mark.django_db
def test_records_are_read_in_sets_and_refusals_found(django_assert_max_num_queries) -> None:
    unit, other = UnitFactory.create(), UnitFactory.create()
    here = InsuranceFactory.create(unit=unit, insutype="310").person
    elsewhere = InsuranceFactory.create(unit=other, insutype="310").person
    dead = PersonFactory.create(survival="2")
    fresh = [make_id_number("530102", datetime.date(1991, 1, 1), n) for n in range(2000)]
    keys = [("01", p.cert_no) for p in (here, elsewhere, dead)] + [("01", n) for n in fresh]
    with CaptureQueriesContext(connection) as queries:
        known = records_for(keys)
    assert len(queries) <= 3 + 1  # ⌈2003 / 900⌉ person queries and one insurance query
    assert messages(record_problems(row(cert_no=here.cert_no), known, unit_id=unit.pk)) == [
        "险种：该人员已在本单位参保（险种310），无需重复登记"
    ]
    assert messages(record_problems(row(cert_no=elsewhere.cert_no), known, unit_id=unit.pk)) == [
        "险种：该人员已在其他单位正常参保（险种310），请先由原单位办理中断参保"
    ]
    assert messages(record_problems(row(cert_no=dead.cert_no), known, unit_id=unit.pk)) == [
        "证件号码：该人员已登记死亡，不能参保"
    ]
    assert record_problems(row(cert_no=fresh[0]), known, unit_id=unit.pk) == []


@pytest.mark.django_db
def test_the_regions_limits_come_from_the_most_specific_policy(settings) -> None:
    from yibao.enrollment.models import RegionPolicy

    limits = limits_for("530112", TODAY)
    assert limits.base_floor == Decimal("4400.00") and "330" in limits.insutypes
    RegionPolicy.objects.create(
        division_id="530100", year=2026, insutypes=["310"], base_floor=5000, base_cap=25000
    )
    assert limits_for("530112", TODAY).insutypes == frozenset({"310"})
    assert enrollment_window(TODAY) == (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
