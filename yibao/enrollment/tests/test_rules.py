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
)


def row(**changes: object) -> EnrollmentRow:
    values: dict[str, object] = {
        "cert_type": "01",
        "cert_no": make_id_number("530102", datetime.date(1990, 5, 17), 3),
        "name": "王芳",
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
