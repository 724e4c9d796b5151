"""婴幼儿备案 through its services: the draft, submission (申请中), the agency's three decisions,
duplicates across hospitals, and the operators who may not file."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from yibao.agency.tests.helpers import reviewer
from yibao.cases import services as case_services
from yibao.cases.models import Application, Status
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.newborns.models import InfantFiling
from yibao.newborns.services import newborn_status_follow
from yibao.newborns.tests.helpers import ITEM, baby, draft, hospital, submitted

pytestmark = pytest.mark.django_db


def decide(application: Application, verdict: str, opinion: str = "") -> None:
    staff = _staff() or reviewer("shenhe-bj", region="110000")
    case_services.application_claim(application=application, reviewer=staff)
    if verdict == "approve":
        case_services.application_approve(application=application, reviewer=staff, opinion=opinion)
    elif verdict == "return":
        case_services.application_return(application=application, reviewer=staff, opinion=opinion)
    else:
        case_services.application_reject(application=application, reviewer=staff, reason=opinion)


def _staff():
    from yibao.accounts.models import User

    return User.objects.filter(username="shenhe-bj").first()


def test_a_draft_keeps_the_values_as_cleaned() -> None:
    binding = hospital()
    application = draft(binding, baby(birth_cert_no="q110000001", guardian_phone="１３９１２３４５６７８"))
    assert application.status == Status.DRAFT
    assert application.payload["birth_cert_no"] == "Q110000001"
    assert application.payload["guardian_phone"] == "13912345678"
    assert not InfantFiling.objects.exists()  # a draft files nothing yet


def test_submitted_the_filing_is_applying_then_filed_on_approval() -> None:
    binding = hospital()
    application = submitted(binding, baby())
    filing = InfantFiling.objects.get()
    assert (filing.status, filing.application_id, filing.name) == ("applying", application.pk, "张小宝")
    assert filing.number == f"YE{timezone.localdate():%Y%m%d}{filing.pk:08d}"
    decide(application, "approve", "材料齐全")
    filing.refresh_from_db()
    assert filing.status == InfantFiling.Status.FILED and filing.filed_at is not None
    application.refresh_from_db()
    assert application.status == Status.APPROVED


def test_returned_corrected_and_resubmitted_then_approved() -> None:
    binding = hospital()
    application = submitted(binding, baby())
    decide(application, "return", "监护人姓名与出生医学证明不一致")
    assert InfantFiling.objects.get().status == InfantFiling.Status.APPLYING
    application = case_services.application_draft_save(
        kind=_kind(), unit=binding.unit, actor=binding.operator.user, payload=baby(guardian_name="张大伟"),
        application=application,
    )  # fmt: skip
    case_services.application_submit(application=application, actor=binding.operator.user)
    assert InfantFiling.objects.get().guardian_name == "张大伟"  # the corrected values
    decide(application, "approve")
    assert InfantFiling.objects.get().status == InfantFiling.Status.FILED


def _kind():
    from yibao.cases.types import application_type

    return application_type(ITEM)


def test_refused_the_filing_is_not_filed_and_the_number_may_be_filed_again() -> None:
    binding = hospital()
    application = submitted(binding, baby())
    decide(application, "reject", "出生医学证明不清晰")
    assert InfantFiling.objects.get().status == InfantFiling.Status.REFUSED
    again = submitted(binding, baby())
    assert again.status == Status.SUBMITTED
    assert InfantFiling.objects.filter(status="applying").count() == 1


def test_the_same_birth_certificate_is_refused_at_another_hospital() -> None:
    first = submitted(hospital(), baby())
    with pytest.raises(ApplicationError) as refused:
        draft(hospital(), baby())
    number = InfantFiling.objects.get(application=first).number
    assert (
        refused.value.message
        == f"该出生医学证明编号已办理婴幼儿备案（备案编号 {number}，申请中），不能重复备案"
    )
    assert refused.value.field == "birth_cert_no"


def test_the_same_id_number_is_refused_under_another_birth_certificate() -> None:
    submitted(hospital(), baby())
    with pytest.raises(ApplicationError, match="该身份证号已办理婴幼儿备案"):
        draft(hospital(), baby(birth_cert_no="Q120000009"))


def test_the_same_birth_certificate_twice_at_one_hospital_goes_on_in_its_draft() -> None:
    binding = hospital()
    first = draft(binding, baby())
    assert draft(binding, baby(guardian_name="张大伟")).pk == first.pk
    submitted(binding, baby())
    with pytest.raises(ApplicationError, match="正在等待医保经办机构审核，审核完成前不能重复申报"):
        draft(binding, baby())


def test_a_submission_racing_another_hospitals_meets_the_database() -> None:
    """Both passed the checks before either was written: the second filing written is refused by
    the database's constraint, as a duplicate."""
    submitted(hospital(), baby())
    second = hospital()
    application = draft(second, baby(birth_cert_no="Q199999999", cert_no=""))
    Application.objects.filter(pk=application.pk).update(
        status=Status.SUBMITTED, payload={**application.payload, "birth_cert_no": "Q110000001"}
    )
    application.refresh_from_db()
    with pytest.raises(ApplicationError, match="该出生医学证明编号或身份证号已办理婴幼儿备案，不能重复备案"):
        newborn_status_follow(application)
    assert InfantFiling.objects.count() == 1


def test_the_birth_date_window_holds_at_filing_not_at_approval() -> None:
    binding = hospital()
    application = submitted(binding, baby(days_old=90))
    later = timezone.localdate() + datetime.timedelta(days=5)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        decide(application, "approve")
    assert InfantFiling.objects.get().status == InfantFiling.Status.FILED


def test_a_baby_born_too_long_ago_is_refused_at_the_birth_date() -> None:
    with pytest.raises(ApplicationError) as refused:
        draft(hospital(), baby(days_old=91))
    assert refused.value.field == "birth_date"


def test_a_unit_not_certified_as_a_medical_institution_cannot_file() -> None:
    binding = grant(BindingFactory.create(unit=UnitFactory.create(roles=["insured"])), ITEM)
    with pytest.raises(ApplicationError, match="单位尚未通过角色认证，不能办理“婴幼儿备案”"):
        draft(binding, baby())
    assert not Application.objects.exists()


def test_an_operator_without_the_grant_cannot_file() -> None:
    binding = hospital()
    other = BindingFactory.create(unit=binding.unit)
    with pytest.raises(ApplicationError, match="您没有“婴幼儿备案”的业务权限"):
        draft(other, baby())
    assert not Application.objects.exists()
