"""我的信用: each default rule, the level thresholds, admin-edited rules, and the query bound."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from yibao.contributions.credit import contribution_window, month_add, unit_credit
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.units.models import CreditLevel, CreditRule, Unit
from yibao.units.tests.helpers import contribution

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def met(report) -> dict[str, bool]:
    return {item.code: item.met for item in report.items}


def test_month_arithmetic_and_window() -> None:
    assert month_add(202601, -1) == 202512
    assert month_add(202512, 1) == 202601
    assert month_add(202611, -12) == 202511
    assert contribution_window(TODAY) == (202511, 202610)


def test_a_new_unit_scores_base_and_mobile_only() -> None:
    unit = UnitFactory.create(roles=[])
    report = unit_credit(unit, today=TODAY)
    assert met(report) == {
        "base": True,
        "qualified": False,
        "role-certified": False,
        "operator-granted": False,
        "legal-rep-mobile": True,
        "registered-year": False,
        "paid-12-months": False,
        "unpaid": False,
    }
    assert report.score == 65
    assert (report.level.code, report.level_label) == ("C", "C级（一般）")


def test_a_model_unit_reaches_a() -> None:
    unit = UnitFactory.create(qualification=Unit.Qualification.CERTIFIED)  # 参保单位 certified
    Unit.objects.filter(pk=unit.pk).update(created_at=timezone.now() - datetime.timedelta(days=800))
    unit.refresh_from_db()
    grant(BindingFactory.create(unit=unit), "unit-basic-info")
    contribution(unit, 202610)
    contribution(unit, 202601)
    contribution(unit, 202611, arrived=False)  # the current month is outside the window
    report = unit_credit(unit, today=TODAY)
    assert all(met(report)[code] for code in met(report) if code != "unpaid")
    assert not met(report)["unpaid"]
    assert report.score == 100
    assert report.level.code == "A"


def test_unpaid_contribution_deducts_and_clears_the_paid_rule() -> None:
    unit = UnitFactory.create(roles=[], legal_rep_mobile="")
    contribution(unit, 202605)
    contribution(unit, 202606, arrived=False)
    contribution(unit, 202410, arrived=False)  # older than the window: ignored
    report = unit_credit(unit, today=TODAY)
    assert met(report)["unpaid"] is True
    assert met(report)["paid-12-months"] is False
    assert met(report)["legal-rep-mobile"] is False
    assert report.score == 60 - 20
    assert report.level.code == "D"
    assert [i.earned for i in report.items if i.code == "unpaid"] == [-20]


def test_registered_exactly_one_year_ago_counts() -> None:
    unit = UnitFactory.create()
    created = datetime.datetime(2025, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    Unit.objects.filter(pk=unit.pk).update(created_at=created)
    unit.refresh_from_db()
    assert met(unit_credit(unit, today=TODAY))["registered-year"] is True
    assert met(unit_credit(unit, today=TODAY - datetime.timedelta(days=1)))["registered-year"] is False


def test_an_unbound_operator_grant_does_not_count() -> None:
    unit = UnitFactory.create()
    binding = grant(BindingFactory.create(unit=unit), "unit-basic-info")
    assert binding.grants.count() == 1
    assert met(unit_credit(unit, today=TODAY))["operator-granted"] is True
    binding.status = binding.Status.UNBOUND
    binding.save()
    assert met(unit_credit(unit, today=TODAY))["operator-granted"] is False


def test_rules_edited_in_the_admin_apply() -> None:
    unit = UnitFactory.create()
    CreditRule.objects.filter(code="legal-rep-mobile").update(is_active=False)
    CreditRule.objects.filter(code="base").update(points=95)
    CreditLevel.objects.filter(code="A").update(name="诚信")
    report = unit_credit(unit, today=TODAY)
    assert "legal-rep-mobile" not in met(report)
    assert report.score == 95 + 5  # base + 参保单位 certified
    assert report.level_label == "A级（诚信）"


def test_no_level_reached_says_so() -> None:
    unit = UnitFactory.create()
    CreditLevel.objects.all().delete()
    assert unit_credit(unit, today=TODAY).level_label == "暂无评级"


def test_queries_are_bounded(django_assert_max_num_queries) -> None:
    unit = UnitFactory.create()
    with django_assert_max_num_queries(5):  # rules, level, roles, grants, contributions
        unit_credit(unit, today=TODAY)
