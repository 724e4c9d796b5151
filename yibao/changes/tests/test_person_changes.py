"""职工参保关键信息变更 / 非关键信息变更 through the application machinery."""

from __future__ import annotations

import io

import pytest

from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.changes.person_types import EMPLOYEE_INFO_CHANGE, EMPLOYEE_KEY_INFO_CHANGE
from yibao.changes.services import info_change_draft_save
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, UserFactory, grant
from yibao.core.uploads import upload_check
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.rules import id_facts
from yibao.enrollment.scope import PersonScope
from yibao.operators.models import Binding
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding() -> Binding:
    return grant(BindingFactory.create(), "employee-key-info-change", "employee-info-change")


@pytest.fixture
def person(binding: Binding) -> Person:
    """A person whose 性别 and 出生日期 agree with the ID number."""
    person = InsuranceFactory.create(unit=binding.unit, emp_form="1").person
    facts = id_facts(person.cert_type, person.cert_no)
    assert facts is not None
    Person.objects.filter(pk=person.pk).update(gender=facts[0], birth_date=facts[1])
    person.refresh_from_db()
    return person


def about(person: Person) -> dict[str, str]:
    return {"person": str(person.pk)}


def key_values(person: Person, **changes: str) -> dict[str, str]:
    return {"name": person.name, "gender": person.gender, "birth_date": person.birth_date.isoformat(),
            "first_work_date": "", **changes}  # fmt: skip


def info_values(person: Person, **changes: str) -> dict[str, str]:
    return {"mobile": person.mobile, "address": person.address, "nation": person.nation, "emp_form": "1",
            **changes}  # fmt: skip


def test_a_non_key_change_applies_at_once_by_default(binding: Binding, person: Person) -> None:
    user = binding.operator.user
    draft = info_change_draft_save(
        kind=EMPLOYEE_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=user, subject=about(person),
        values=info_values(person, mobile="13900001111", emp_form="2"),
    )  # fmt: skip
    assert draft.payload["person"] == str(person.pk)
    application = services.application_submit(application=draft, actor=user)
    assert application.status == Status.APPROVED
    person.refresh_from_db()
    assert person.mobile == "13900001111"
    assert Insurance.objects.get(person=person).emp_form == "2"
    change = PersonnelChange.objects.get()
    assert (change.kind, change.application_id, change.insutypes) == ("change", draft.pk, "310")
    assert change.detail["after"] == {"mobile": "13900001111", "emp_form": "2"}
    assert change.detail["before"]["emp_form"] == "1"


def test_a_non_key_change_waits_for_review_when_configured(
    binding: Binding, person: Person, settings
) -> None:
    settings.YIBAO_PERSON_INFO_AUTO_APPROVE = False
    user = binding.operator.user
    draft = info_change_draft_save(
        kind=EMPLOYEE_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=user, subject=about(person),
        values=info_values(person, address="昆明市五华区1号"),
    )  # fmt: skip
    assert services.application_submit(application=draft, actor=user).status == Status.SUBMITTED
    assert Person.objects.get(pk=person.pk).address == ""


def test_a_key_change_needs_print_scan_and_review(binding: Binding, person: Person) -> None:
    user = binding.operator.user
    draft = info_change_draft_save(
        kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=user, subject=about(person),
        values=key_values(person, name="王芳芳"),
    )  # fmt: skip
    services.application_print_mark(application=draft, actor=user)
    services.material_upload(
        application=draft, code="stamped-form", upload=upload_check(io.BytesIO(png_bytes())),
        original_name="scan.png", actor=user,
    )  # fmt: skip
    submitted = services.application_submit(application=draft, actor=user)
    assert submitted.status == Status.SUBMITTED and submitted.before["name"] == "王芳"
    assert Person.objects.get(pk=person.pk).name == "王芳"
    reviewer = UserFactory.create(is_staff=True, is_superuser=True)
    services.application_claim(application=submitted, reviewer=reviewer)
    services.application_approve(application=submitted, reviewer=reviewer)
    assert Person.objects.get(pk=person.pk).name == "王芳芳"
    change = PersonnelChange.objects.get()
    assert change.detail == {
        "type": "employee-key-info-change", "before": {"name": "王芳"}, "after": {"name": "王芳芳"},
    }  # fmt: skip


def test_gender_and_birth_date_must_agree_with_the_id_number(binding: Binding, person: Person) -> None:
    facts = id_facts(person.cert_type, person.cert_no)
    assert facts is not None
    wrong = "1" if facts[0] == "2" else "2"
    for changes, field in (({"gender": wrong}, "gender"), ({"birth_date": "1988-03-08"}, "birth_date")):
        with pytest.raises(ApplicationError, match="与身份证号码不一致") as caught:
            info_change_draft_save(
                kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=binding.operator.user,
                subject=about(person), values=key_values(person, **changes),
            )  # fmt: skip
        assert caught.value.field == field
    assert not Application.objects.exists()


def test_a_new_name_follows_the_name_rules_of_enrollment(binding: Binding, person: Person) -> None:
    """One rule set: what 参保登记 refuses as a name, a key change refuses too."""
    for name in ("Tom123", '=HYPERLINK("http://x","y")', "王芳Tom"):  # a 居民身份证 name is Chinese
        with pytest.raises(ApplicationError) as caught:
            info_change_draft_save(
                kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=binding.operator.user,
                subject=about(person), values=key_values(person, name=name),
            )  # fmt: skip
        assert caught.value.field == "name", name
    assert not Application.objects.exists()


def test_nothing_changed_is_refused(binding: Binding, person: Person) -> None:
    with pytest.raises(ApplicationError, match="您未修改任何信息"):
        info_change_draft_save(
            kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=binding.operator.user,
            subject=about(person), values=key_values(person),
        )  # fmt: skip
    assert not Application.objects.exists()


def test_a_person_of_another_unit_or_none_is_refused(binding: Binding) -> None:
    stranger = InsuranceFactory.create().person
    never = PersonFactory.create()
    ended = InsuranceFactory.create(unit=binding.unit, status=Insurance.Status.TERMINATED).person
    for person in (stranger, never, ended):
        with pytest.raises(ApplicationError, match="未查询到该人员在本单位的参保信息"):
            info_change_draft_save(
                kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=binding.operator.user,
                subject=about(person), values=key_values(person, name="改名"),
            )  # fmt: skip
        # the generic service asks the type, which checks the subject against the unit
        with pytest.raises(ApplicationError):
            services.application_draft_save(
                kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
                payload={"person": str(person.pk), **key_values(person, name="改名")},
            )  # fmt: skip
    assert not Application.objects.exists()
    assert Person.objects.get(pk=stranger.pk).name == "王芳"


def test_a_paused_person_may_still_be_changed(binding: Binding) -> None:
    person = InsuranceFactory.create(unit=binding.unit, status=Insurance.Status.PAUSED).person
    draft = info_change_draft_save(
        kind=EMPLOYEE_INFO_CHANGE, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=binding.operator.user, subject=about(person),
        values=info_values(person, mobile="13900002222"),
    )  # fmt: skip
    assert (
        services.application_submit(application=draft, actor=binding.operator.user).status == Status.APPROVED
    )


def test_a_tampered_payload_cannot_change_the_id_number_or_lose_the_person(
    binding: Binding, person: Person
) -> None:
    draft = services.application_draft_save(
        kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
        payload={"person": str(person.pk), "cert_no": "110101199003070011", **key_values(person, name="改")},
    )  # fmt: skip
    assert "cert_no" not in draft.payload  # not editable: dropped, as for the unit's USCC
    with pytest.raises(ApplicationError, match="不可修改"):
        services.application_draft_save(
            kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
            payload={"person": str(person.pk), "psn_no": "1", **key_values(person, name="改")},
        )  # fmt: skip
    with pytest.raises(ApplicationError, match="请先查询办理对象"):
        services.application_draft_save(
            kind=EMPLOYEE_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
            payload=key_values(person, name="改"),
        )  # fmt: skip
    assert Application.objects.count() == 1


def test_approval_refuses_a_person_who_left_the_unit(binding: Binding, person: Person) -> None:
    settings_off = EMPLOYEE_INFO_CHANGE
    draft = info_change_draft_save(
        kind=settings_off, unit=binding.unit, scope=PersonScope(unit=binding.unit), actor=binding.operator.user, subject=about(person),
        values=info_values(person, mobile="13900003333"),
    )  # fmt: skip
    Insurance.objects.filter(person=person).update(status=Insurance.Status.TERMINATED)
    with pytest.raises(ApplicationError, match="未查询到该人员"):
        services.application_submit(application=draft, actor=binding.operator.user)
    assert Person.objects.get(pk=person.pk).mobile != "13900003333"
