"""What a certificate says: figures per 险种, scoping to the unit and population, the agency."""

from __future__ import annotations

import datetime

import pytest

from yibao.catalog.models import Agency
from yibao.certificates.selectors import (
    issuing_agency_name,
    person_certificate_content,
    person_for_certificate,
    unit_certificate_content,
)
from yibao.certificates.tests.helpers import months, paid
from yibao.core.tests.factories import InsuranceFactory, UnitFactory
from yibao.enrollment.models import Insurance

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 5)


def test_unit_rows_count_distinct_paid_months_per_insutype() -> None:
    unit = UnitFactory.create()
    first = InsuranceFactory.create(unit=unit, start_date=datetime.date(2023, 7, 1))
    second = InsuranceFactory.create(unit=unit, start_date=datetime.date(2024, 1, 1))
    maternity = InsuranceFactory.create(unit=unit, insutype="510", status=Insurance.Status.PAUSED)
    paid(first, *months(202307, 12))
    paid(second, *months(202401, 6))  # the same months as the first person's last six
    paid(second, 202407, arrived=False)  # not arrived: not counted
    paid(maternity, 202401, 202402)
    other = InsuranceFactory.create(insutype="310")
    paid(other, *months(202201, 30))  # another unit's months never count

    content = unit_certificate_content(unit, today=TODAY)
    rows = {row["insutype"]: row for row in content["rows"]}
    assert rows["310"] == {
        "insutype": "310",
        "insutype_label": "职工基本医疗保险",
        "status": "参保缴费",
        "first_ym": "2023年07月",
        "persons": 2,
        "months": 12,
        "paid_from": 202307,
        "paid_to": 202406,
    }
    assert (rows["510"]["status"], rows["510"]["persons"], rows["510"]["months"]) == ("暂停缴费", 0, 2)
    assert (content["period_from"], content["period_to"]) == ("2023年07月", "2024年06月")
    assert content["holder_name"] == unit.name and content["as_of"] == "2026-03-05"


def test_a_unit_with_only_terminated_relations_says_so() -> None:
    unit = UnitFactory.create()
    InsuranceFactory.create(unit=unit, status=Insurance.Status.TERMINATED)
    (row,) = unit_certificate_content(unit, today=TODAY)["rows"]
    assert (row["status"], row["persons"], row["months"]) == ("终止参保", 0, 0)


def test_person_rows_count_only_this_units_months_and_mask_the_id_number() -> None:
    insurance = InsuranceFactory.create(first_insured_ym=201905, psn_type="1101")
    paid(insurance, *months(202401, 10))
    earlier = InsuranceFactory.create(
        person=insurance.person, insutype="310", status=Insurance.Status.TERMINATED
    )
    paid(earlier, *months(201905, 20))  # at another unit
    content = person_certificate_content(insurance.unit, insurance.person, today=TODAY)
    (row,) = content["rows"]
    assert (row["status"], row["psn_type"], row["first_ym"], row["months"]) == (
        "正常参保",
        "职工在职",
        "2019年05月",
        10,
    )
    assert content["person"]["cert_no"] != insurance.person.cert_no
    assert content["person"]["cert_no"].startswith(insurance.person.cert_no[:4])
    assert "*" in content["person"]["cert_no"]


def test_a_person_is_found_by_type_and_number_only_in_the_unit_and_population() -> None:
    insurance = InsuranceFactory.create(psn_type="1101")
    person, unit = insurance.person, insurance.unit
    find = lambda **kw: person_for_certificate(unit=unit, **kw)  # noqa: E731
    assert find(cert_type="01", cert_no=person.cert_no.lower(), psn_types=None) == person
    assert find(cert_type="01", cert_no=person.cert_no, psn_types=("1101", "1102")) == person
    assert find(cert_type="01", cert_no=person.cert_no, psn_types=("1201",)) is None
    assert find(cert_type="17", cert_no=person.cert_no, psn_types=None) is None
    assert (
        person_for_certificate(
            unit=UnitFactory.create(), cert_type="01", cert_no=person.cert_no, psn_types=None
        )
        is None
    )


def test_the_agency_is_the_nearest_in_the_catalogue_else_named_after_the_division() -> None:
    unit = UnitFactory.create(division_id="530112")
    assert issuing_agency_name(unit) == "云南省昆明市西山区医疗保障经办机构"
    Agency.objects.create(
        code="53000001", name="云南省医疗保障事业管理中心", division_id="530000", address="昆明"
    )
    assert issuing_agency_name(unit) == "云南省医疗保障事业管理中心"
    Agency.objects.create(
        code="53010001", name="昆明市医疗保障事业管理中心", division_id="530100", address="昆明"
    )
    assert issuing_agency_name(unit) == "昆明市医疗保障事业管理中心"
    Agency.objects.create(
        code="53011201", name="西山区医疗保障服务中心", division_id="530112", is_active=False, address="昆明"
    )
    assert issuing_agency_name(unit) == "昆明市医疗保障事业管理中心"
