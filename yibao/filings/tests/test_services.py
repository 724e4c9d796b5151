"""The 备案 rules and steps through the services: every rule refuses with its message and leaves
nothing behind; approval, refusal, change and cancellation write the filing and keep its history."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from yibao.cases import services as case_services
from yibao.cases.models import Application, Status
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import InsuranceFactory, UnitFactory
from yibao.enrollment.models import Insurance
from yibao.enrollment.scope import PersonScope
from yibao.filings.models import Filing
from yibao.filings.rules import add_months
from yibao.filings.selectors import filing_history
from yibao.filings.services import filing_draft_save
from yibao.filings.tests.helpers import (
    CANCEL,
    CHANGE,
    approve,
    draft,
    filed,
    filing_binding,
    filing_values,
    insured,
    referral_values,
    submit,
    upload,
)
from yibao.filings.types import filing_type
from yibao.notices.models import Message

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def refused(call: Any, message: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        call()
    assert message in caught.value.message
    return None


def test_a_referral_is_applying_when_submitted_and_filed_when_approved() -> None:
    binding = filing_binding()
    person = insured(binding)
    application = draft(binding, person, "referral", referral_values())
    assert (
        application.payload["end_date"] == (add_months(TODAY(), 6) - datetime.timedelta(days=1)).isoformat()
    )
    refused(lambda: submit(application, binding.operator.user), "请上传以下必传材料：转诊证明")
    upload(application, "referral-proof", binding.operator.user)
    submit(application, binding.operator.user)
    filing = Filing.objects.get()
    assert (filing.status, filing.kind, filing.person_id, filing.care_division_id) == (
        Filing.Status.APPLYING, "referral", person.pk, "440300",
    )  # fmt: skip
    assert filing.number.startswith("BA")
    approve(application)
    filing.refresh_from_db()
    assert filing.status == Filing.Status.FILED and filing.filed_at is not None
    assert filing.out_hospital == "昆明医科大学第一附属医院"
    assert Message.objects.filter(unit=binding.unit, title="异地转诊备案审核通过").exists()


def test_a_person_of_another_unit_is_not_found_and_nothing_is_saved() -> None:
    binding = filing_binding()
    stranger = insured(filing_binding())
    refused(
        lambda: draft(binding, stranger, "referral", referral_values()), "未查询到该人员在本单位的参保信息"
    )
    assert not Application.objects.exists()


def test_a_person_outside_the_operators_population_is_not_found() -> None:
    binding = filing_binding()
    person = insured(binding, psn_type="1101")
    kind = filing_type("referral", "new")
    retirees_only = PersonScope(unit=binding.unit, psn_types=("1201",))
    refused(
        lambda: filing_draft_save(kind=kind, unit=binding.unit, actor=binding.operator.user, scope=retirees_only,
                                  person_id=person.pk, values=referral_values()),
        "未查询到该人员在本单位的参保信息",
    )  # fmt: skip
    assert not Application.objects.exists()


def test_a_person_whose_insurance_is_paused_is_not_found() -> None:
    binding = filing_binding()
    person = insured(binding)
    Insurance.objects.filter(person=person).update(pause_date=TODAY())
    refused(lambda: draft(binding, person, "referral", referral_values()), "未查询到该人员在本单位的参保信息")


def test_only_a_retired_person_is_filed_as_settled_in_another_place() -> None:
    binding = filing_binding()
    refused(
        lambda: draft(binding, insured(binding, psn_type="1101"), "retiree-relocation", filing_values()),
        "该人员不是退休人员，不能办理异地安置退休人员备案",
    )
    assert draft(binding, insured(binding, psn_type="1201"), "retiree-relocation", filing_values()).pk


def test_only_an_in_service_employee_is_filed_as_posted_elsewhere() -> None:
    binding = filing_binding()
    refused(
        lambda: draft(binding, insured(binding, psn_type="1201"), "posted-worker", filing_values()),
        "该人员不是本单位在职职工，不能办理常驻异地工作人员备案",
    )
    refused(
        lambda: draft(binding, insured(binding, psn_type="1103"), "posted-worker", filing_values()),
        "该人员不是本单位在职职工",
    )
    assert draft(binding, insured(binding, psn_type="1101"), "posted-worker", filing_values()).pk


def test_the_place_of_care_is_never_the_insured_place() -> None:
    binding = filing_binding()  # the unit is in 昆明市西山区 (530112)
    person = insured(binding)
    with pytest.raises(ApplicationError) as caught:
        draft(binding, person, "long-term-residence", filing_values(care_division="530100"))
    assert caught.value.message == "就医地不能为参保地（云南省昆明市），请选择参保地以外的地区"
    assert caught.value.field == "care_division"
    assert draft(binding, person, "long-term-residence", filing_values(care_division="530300")).pk  # 曲靖市


def test_dates_end_not_before_start_within_the_window_start_not_before_insurance() -> None:
    binding = filing_binding()
    person = insured(binding, start=TODAY() - datetime.timedelta(days=30))
    start = TODAY()
    refused(
        lambda: draft(binding, person, "referral",
                      referral_values(end_date=(start - datetime.timedelta(days=1)).isoformat())),
        "结束日期不能早于开始日期",
    )  # fmt: skip
    latest = add_months(start, 6) - datetime.timedelta(days=1)
    refused(
        lambda: draft(binding, person, "referral",
                      referral_values(end_date=(latest + datetime.timedelta(days=1)).isoformat())),
        f"异地转诊备案有效期最长为6个月，结束日期不能晚于{latest:%Y-%m-%d}",
    )  # fmt: skip
    refused(
        lambda: draft(binding, person, "referral",
                      referral_values(start_date=(start - datetime.timedelta(days=31)).isoformat())),
        "开始日期不能早于该人员在本单位的参保日期",
    )  # fmt: skip
    assert not Application.objects.exists()


def test_the_referral_window_comes_from_the_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from yibao.core import profiles

    monkeypatch.setitem(
        profiles.PROFILES, "national", replace(profiles.PROFILES["national"], referral_validity_months=3)
    )
    binding = filing_binding()
    application = draft(binding, insured(binding), "referral", referral_values())
    assert (
        application.payload["end_date"] == (add_months(TODAY(), 3) - datetime.timedelta(days=1)).isoformat()
    )


def test_two_filings_of_one_person_may_not_overlap() -> None:
    binding = filing_binding()
    person = insured(binding)
    filed(binding, person, "referral")
    end = Filing.objects.get().end_date
    assert end is not None
    refused(
        lambda: draft(binding, person, "long-term-residence", filing_values()),
        "该人员已有备案期间重叠的异地转诊备案",
    )
    later = (end + datetime.timedelta(days=1)).isoformat()
    assert draft(binding, person, "referral", referral_values(start_date=later)).pk


def test_a_filing_made_by_the_former_unit_also_counts() -> None:
    former = filing_binding()
    person = insured(former)
    filed(former, person, "referral")
    Insurance.objects.filter(person=person).update(status=Insurance.Status.TERMINATED)
    current = filing_binding()
    InsuranceFactory.create(
        person=person, unit=current.unit, start_date=TODAY() - datetime.timedelta(days=10)
    )
    refused(
        lambda: draft(current, person, "referral", referral_values()),
        "请由原办理单位或到医保经办机构变更或取消原备案",
    )


def test_one_open_application_per_person_whatever_the_filing() -> None:
    binding = filing_binding()
    person = insured(binding)
    first = draft(binding, person, "referral", referral_values())
    again = draft(binding, person, "referral", referral_values(in_hospital="上海瑞金医院"))
    assert again.pk == first.pk and again.payload["in_hospital"] == "上海瑞金医院"
    refused(
        lambda: draft(binding, person, "long-term-residence", filing_values()),
        f"已有一笔尚未提交的异地转诊备案（办件编号 {first.number}）",
    )
    upload(first, "referral-proof", binding.operator.user)
    user = binding.operator.user
    one = case_services.application_submit(application=first, actor=user, submit_key="k-1")
    two = case_services.application_submit(application=first, actor=user, submit_key="k-1")
    assert one.pk == two.pk and Application.objects.count() == 1
    assert Filing.objects.count() == 1
    refused(lambda: draft(binding, person, "referral", referral_values()), "正在等待医保经办机构审核")


def test_a_refused_filing_is_kept_as_refused_a_withdrawn_one_is_gone() -> None:
    binding = filing_binding()
    person = insured(binding)
    application = draft(binding, person, "referral", referral_values())
    upload(application, "referral-proof", binding.operator.user)
    submit(application, binding.operator.user)
    case_services.application_withdraw(application=application, actor=binding.operator.user)
    assert not Filing.objects.exists()
    submit(application, binding.operator.user)
    from yibao.agency.tests.helpers import reviewer

    checker = reviewer("shenhe-no")
    case_services.application_claim(application=application, reviewer=checker)
    case_services.application_reject(application=application, reviewer=checker, reason="转诊证明不清晰")
    filing = Filing.objects.get()
    assert filing.status == Filing.Status.REFUSED and filing.ended_on == TODAY()


def test_approval_checks_the_rules_again() -> None:
    binding = filing_binding()
    person = insured(binding)
    application = draft(binding, person, "referral", referral_values())
    upload(application, "referral-proof", binding.operator.user)
    submit(application, binding.operator.user)
    Insurance.objects.filter(person=person).update(status=Insurance.Status.TERMINATED)  # left meanwhile
    refused(lambda: approve(application), "未查询到该人员在本单位的参保信息")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert Filing.objects.get().status == Filing.Status.APPLYING


def long_term_filed(binding: Any, months_ago: int) -> tuple[Any, Filing]:
    person = insured(binding, start=TODAY() - datetime.timedelta(days=800))
    start = add_months(TODAY(), -months_ago).isoformat()
    filed(binding, person, "long-term-residence", start_date=start)
    return person, Filing.objects.get(person=person)


def test_a_long_term_filing_changes_only_after_six_months() -> None:
    binding = filing_binding()
    person, filing = long_term_filed(binding, 5)
    allowed = add_months(filing.start_date, 6)
    refused(
        lambda: draft(binding, person, "long-term-residence", {"care_division": "440100"}, action=CHANGE,
                      filing_id=filing.pk),
        f"异地长期居住人员备案自开始日期起满6个月后方可变更或取消（{allowed:%Y-%m-%d} 起可办理）",
    )  # fmt: skip
    refused(
        lambda: draft(binding, person, "long-term-residence", {"cancel_reason": "回参保地居住"}, action=CANCEL,
                      filing_id=filing.pk),
        "满6个月后方可变更或取消",
    )  # fmt: skip


def test_a_change_makes_a_new_version_and_keeps_the_old_one() -> None:
    binding = filing_binding()
    person, filing = long_term_filed(binding, 7)
    values = {k: v for k, v in filing_values().items() if k not in ("insutype", "start_date")}
    refused(
        lambda: draft(binding, person, "long-term-residence", values, action=CHANGE, filing_id=filing.pk),
        "您未修改任何信息，无需提交",
    )
    application = draft(binding, person, "long-term-residence", {**values, "care_division": "440100"},
                        action=CHANGE, filing_id=filing.pk)  # fmt: skip
    submit(application, binding.operator.user)  # the new proof is optional
    assert Filing.objects.get(pk=filing.pk).status == Filing.Status.FILED  # until approved
    approve(application)
    old, new = Filing.objects.get(pk=filing.pk), Filing.objects.exclude(pk=filing.pk).get()
    assert (old.status, old.ended_by_id) == (Filing.Status.CHANGED, application.pk)
    assert (new.status, new.care_division_id, new.previous_id) == (Filing.Status.FILED, "440100", old.pk)
    assert new.start_date == old.start_date and new.number != old.number
    assert filing_history(new) == [old, new]


def test_a_cancellation_goes_through_review_and_keeps_the_filing() -> None:
    binding = filing_binding()
    person = insured(binding)
    filed(binding, person, "referral")  # temporary: cancelled at any time
    filing = Filing.objects.get()
    kind = filing_type("referral", CANCEL)
    application = filing_draft_save(
        kind=kind, unit=binding.unit, actor=binding.operator.user, scope=PersonScope(unit=binding.unit),
        person_id=person.pk, filing_id=filing.pk, values={"cancel_reason": "已康复出院"},
    )  # fmt: skip
    submit(application, binding.operator.user)
    approve(application)
    filing.refresh_from_db()
    assert (filing.status, filing.cancel_reason, filing.ended_by_id) == (
        Filing.Status.CANCELLED, "已康复出院", application.pk,
    )  # fmt: skip
    refused(
        lambda: draft(
            binding, person, "referral", {"cancel_reason": "再次"}, action=CANCEL, filing_id=filing.pk
        ),
        "该备案当前状态为“已取消”，不能变更或取消",
    )


def test_a_filing_of_another_unit_cannot_be_changed() -> None:
    owner = filing_binding()
    person = insured(owner)
    filed(owner, person, "referral")
    filing = Filing.objects.get()
    other = filing_binding(unit=UnitFactory.create())
    InsuranceFactory.create(person=person, unit=other.unit, insutype="510")
    refused(
        lambda: draft(other, person, "referral", {"cancel_reason": "x"}, action=CANCEL, filing_id=filing.pk),
        "未查询到该备案信息",
    )


def test_the_commitment_replaces_the_proof_where_the_profile_takes_it() -> None:
    binding = filing_binding()
    person = insured(binding)
    application = draft(binding, person, "long-term-residence", filing_values(commitment="1"))
    submit(application, binding.operator.user)  # no proof asked for
    assert Application.objects.get().status == Status.SUBMITTED


@override_settings(YIBAO_PROFILE="henan")
def test_without_the_commitment_rule_the_proof_is_required() -> None:
    binding = filing_binding()
    person = insured(binding)
    refused(
        lambda: draft(binding, person, "long-term-residence", filing_values(commitment="1")),
        "本地区不实行告知承诺制，请上传证明材料",
    )
    application = draft(binding, person, "long-term-residence", filing_values())
    refused(lambda: submit(application, binding.operator.user), "请上传以下必传材料：异地居住证明")


def test_a_referral_takes_no_commitment() -> None:
    binding = filing_binding()
    person = insured(binding)
    application = draft(binding, person, "referral", referral_values(commitment="1"))
    assert "commitment" not in application.payload  # not a field of the referral
    refused(lambda: submit(application, binding.operator.user), "请上传以下必传材料：转诊证明")


def test_an_agent_gives_name_id_and_phone() -> None:
    binding = filing_binding()
    person = insured(binding)
    refused(
        lambda: draft(binding, person, "referral", referral_values(agent_name="王五")),
        "由他人代办时请填写代办人证件类型",
    )
    application = draft(binding, person, "referral", referral_values(
        agent_name="王五", agent_cert_type="01", agent_cert_no="110101199003070011", agent_phone="13700001111",
        agent_relation="配偶",
    ))  # fmt: skip
    assert application.payload["agent_cert_no"] == "110101199003070011"
