"""The unit services: every rule and every refusal, and that a refusal changes nothing."""

from __future__ import annotations

import pytest

from yibao.catalog.models import Institution
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import InsuranceFactory, UnitFactory, UserFactory
from yibao.core.uploads import upload_check
from yibao.notices.models import Message
from yibao.units import services
from yibao.units.error_codes import UnitErrorCode
from yibao.units.models import LicenceSubmission, RoleCertification, Unit, UnitRole
from yibao.units.tests.helpers import account_of, designated_institution, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit() -> Unit:
    return UnitFactory.create(roles=[], emp_no="WT5301120001", legal_rep_mobile="13900000001")


@pytest.fixture
def reviewer():
    return UserFactory.create(username="shenhe", is_staff=True)


def checked_png():
    import io

    return upload_check(io.BytesIO(png_bytes()))


def submit(unit: Unit) -> LicenceSubmission:
    return services.licence_submit(unit=unit, actor=account_of(unit), upload=checked_png())


# --- 单位基础信息 ----------------------------------------------------------------------------


def test_base_info_update_changes_two_fields_and_audits_masked(unit) -> None:
    services.unit_base_info_update(
        unit=unit, actor=account_of(unit), legal_rep_mobile="13712345678", address=" 昆明市  五华区 1号 "
    )
    unit.refresh_from_db()
    assert (unit.legal_rep_mobile, unit.address) == ("13712345678", "昆明市 五华区 1号")
    event = AuditEvent.objects.get(action="unit_base_info_updated")
    assert event.before == {"legal_rep_mobile": "139****0001", "address": "云南省昆明市西山区滇池路1号"}
    assert event.after == {"legal_rep_mobile": "137****5678", "address": "昆明市 五华区 1号"}


@pytest.mark.parametrize(
    ("mobile", "address", "code"),
    [
        ("12345", "昆明市", "contact.mobile_invalid"),
        ("", "昆明市", "contact.mobile_required"),
        ("13712345678", "   ", UnitErrorCode.ADDRESS_REQUIRED),
        ("13900000001", "云南省昆明市西山区滇池路1号", UnitErrorCode.NOTHING_CHANGED),
    ],
)
def test_base_info_refusals_change_nothing(unit, mobile, address, code) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.unit_base_info_update(
            unit=unit, actor=account_of(unit), legal_rep_mobile=mobile, address=address
        )
    assert str(caught.value.code).endswith(str(code).split(".")[-1])
    unit.refresh_from_db()
    assert unit.legal_rep_mobile == "13900000001"
    assert not AuditEvent.objects.filter(action="unit_base_info_updated").exists()


# --- 资质认证 -------------------------------------------------------------------------------


def test_licence_submit_stores_privately_with_a_random_name(unit, settings) -> None:
    submission = submit(unit)
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.PENDING
    assert submission.status == LicenceSubmission.Status.PENDING
    assert submission.content_type == "image/png"
    assert submission.file.name.startswith("licences/") and submission.file.name.endswith(".png")
    assert len(submission.file.name) == len("licences/") + 32 + 4
    path = settings.YIBAO_PRIVATE_MEDIA_ROOT / submission.file.name
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(settings.YIBAO_PRIVATE_MEDIA_ROOT) not in str(settings.MEDIA_ROOT)
    assert AuditEvent.objects.filter(action="licence_submitted", unit=unit).count() == 1


def test_licence_resubmission_while_pending_is_refused(unit, settings) -> None:
    submit(unit)
    stored = len(list((settings.YIBAO_PRIVATE_MEDIA_ROOT / "licences").iterdir()))
    with pytest.raises(ApplicationError) as caught:
        submit(unit)
    assert caught.value.code == UnitErrorCode.LICENCE_PENDING
    assert caught.value.message == services.LICENCE_PENDING
    assert LicenceSubmission.objects.count() == 1
    assert len(list((settings.YIBAO_PRIVATE_MEDIA_ROOT / "licences").iterdir())) == stored


def test_licence_upload_after_certified_is_refused(unit) -> None:
    Unit.objects.filter(pk=unit.pk).update(qualification=Unit.Qualification.CERTIFIED)
    unit.refresh_from_db()
    with pytest.raises(ApplicationError) as caught:
        submit(unit)
    assert caught.value.code == UnitErrorCode.LICENCE_CERTIFIED
    assert not LicenceSubmission.objects.exists()


def test_licence_approved_certifies_and_messages(unit, reviewer) -> None:
    submission = services.licence_review(submission=submit(unit), approve=True, reason="", reviewer=reviewer)
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.CERTIFIED
    assert (submission.status, submission.reviewed_by) == (LicenceSubmission.Status.APPROVED, reviewer)
    message = Message.objects.get(unit=unit)
    assert (message.title, message.category) == ("资质认证已通过", Message.Category.CERTIFICATION)
    assert AuditEvent.objects.filter(action="licence_reviewed", actor=reviewer).count() == 1


def test_licence_rejected_needs_a_reason_then_allows_a_retry(unit, reviewer) -> None:
    submission = submit(unit)
    with pytest.raises(ApplicationError) as caught:
        services.licence_review(submission=submission, approve=False, reason="  ", reviewer=reviewer)
    assert caught.value.code == UnitErrorCode.REASON_REQUIRED
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.PENDING
    assert not Message.objects.exists()

    services.licence_review(
        submission=submission, approve=False, reason="照片模糊，无法辨认", reviewer=reviewer
    )
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.FAILED
    message = Message.objects.get(unit=unit)
    assert message.title == "资质认证未通过"
    assert "照片模糊，无法辨认" in message.body
    second = submit(unit)  # 认证失败 may upload again
    assert second.status == LicenceSubmission.Status.PENDING


def test_licence_decided_twice_is_refused(unit, reviewer) -> None:
    submission = submit(unit)
    services.licence_review(submission=submission, approve=True, reason="", reviewer=reviewer)
    with pytest.raises(ApplicationError) as caught:
        services.licence_review(submission=submission, approve=False, reason="重复", reviewer=reviewer)
    assert caught.value.code == UnitErrorCode.REVIEW_NOT_PENDING
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.CERTIFIED
    assert Message.objects.count() == 1


# --- 角色认证 -------------------------------------------------------------------------------


def request(unit: Unit, role: UnitRole) -> RoleCertification:
    return services.role_certification_request(unit=unit, role=role, actor=account_of(unit))


@pytest.mark.parametrize(("role", "kind"), [(UnitRole.MEDICAL, "1"), (UnitRole.PHARMACY, "2")])
def test_designated_institution_certifies_at_once(unit, role, kind) -> None:
    designated_institution(unit, kind=kind, code=("H" if kind == "1" else "P") + "53011200001")
    certification = request(unit, role)
    assert certification.status == RoleCertification.Status.CERTIFIED
    assert certification.decided_at is not None
    assert AuditEvent.objects.filter(action="role_certification_requested", unit=unit).count() == 1


def test_no_designated_institution_fails_with_the_reason_and_may_be_retried(unit) -> None:
    designated_institution(unit, kind=Institution.Type.PHARMACY, code="P53011200001")  # wrong kind
    other = UnitFactory.create()
    designated_institution(other, code="H53011200009")  # another unit's USCC
    certification = request(unit, UnitRole.MEDICAL)
    assert certification.status == RoleCertification.Status.FAILED
    assert certification.reason == services.NOT_DESIGNATED

    designated_institution(unit, code="H53011200002")
    retried = request(unit, UnitRole.MEDICAL)
    assert (retried.pk, retried.status) == (certification.pk, RoleCertification.Status.CERTIFIED)
    assert retried.reason == ""


def test_an_inactive_or_expired_institution_does_not_count(unit) -> None:
    import datetime

    institution = designated_institution(unit)
    institution.endtime = datetime.date(2020, 1, 1)
    institution.save()
    assert request(unit, UnitRole.MEDICAL).status == RoleCertification.Status.FAILED


def test_insured_role_pending_without_records(unit) -> None:
    certification = request(unit, UnitRole.INSURED)
    assert certification.status == RoleCertification.Status.PENDING
    assert certification.reason == services.INSURED_PENDING


def test_insured_role_certified_with_insurance_records(unit) -> None:
    InsuranceFactory.create(unit=unit)
    assert request(unit, UnitRole.INSURED).status == RoleCertification.Status.CERTIFIED


def test_insured_role_certified_with_an_agency_held_unit_number() -> None:
    unit = UnitFactory.create(roles=[], emp_no="53011200000123")
    assert request(unit, UnitRole.INSURED).status == RoleCertification.Status.CERTIFIED


@pytest.mark.parametrize("role", [UnitRole.PROCUREMENT, UnitRole.PHARMA])
def test_procurement_and_pharma_wait_for_staff(unit, role) -> None:
    assert request(unit, role).status == RoleCertification.Status.PENDING


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (RoleCertification.Status.CERTIFIED, UnitErrorCode.ROLE_CERTIFIED),
        (RoleCertification.Status.PENDING, UnitErrorCode.ROLE_PENDING),
    ],
)
def test_certified_or_pending_roles_cannot_be_requested_again(unit, status, code) -> None:
    RoleCertification.objects.create(unit=unit, role=UnitRole.MEDICAL, status=status)
    designated_institution(unit)
    with pytest.raises(ApplicationError) as caught:
        request(unit, UnitRole.MEDICAL)
    assert caught.value.code == code
    assert "医疗机构" in caught.value.message
    assert RoleCertification.objects.get(unit=unit).status == status
    assert not AuditEvent.objects.filter(action="role_certification_requested").exists()


def test_staff_review_of_a_role(unit, reviewer) -> None:
    certification = request(unit, UnitRole.PROCUREMENT)
    with pytest.raises(ApplicationError) as caught:
        services.role_certification_review(
            certification=certification, approve=False, reason="", reviewer=reviewer
        )
    assert caught.value.code == UnitErrorCode.REASON_REQUIRED
    services.role_certification_review(
        certification=certification, approve=True, reason="", reviewer=reviewer
    )
    certification.refresh_from_db()
    assert (certification.status, certification.decided_by) == (RoleCertification.Status.CERTIFIED, reviewer)
    assert Message.objects.get(unit=unit).title == "招采企业角色认证已通过"
    with pytest.raises(ApplicationError) as caught:
        services.role_certification_review(
            certification=certification, approve=False, reason="x", reviewer=reviewer
        )
    assert caught.value.code == UnitErrorCode.REVIEW_NOT_PENDING


def test_staff_rejection_of_a_role_tells_the_unit_why(unit, reviewer) -> None:
    certification = request(unit, UnitRole.PHARMA)
    services.role_certification_review(
        certification=certification, approve=False, reason="未提供药品生产许可证", reviewer=reviewer
    )
    certification.refresh_from_db()
    assert (certification.status, certification.reason) == (
        RoleCertification.Status.FAILED,
        "未提供药品生产许可证",
    )
    message = Message.objects.get(unit=unit)
    assert message.title == "医药企业角色认证未通过"
    assert "未提供药品生产许可证" in message.body
