"""Writes of the unit admin's pages and of the agency's reviews: 单位基础信息修改, 营业执照上传 and
its review, 角色认证 and its review. Each checks its rules, runs in one transaction, appends an
audit event and, for decisions, leaves a message in the unit's 我的消息."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yibao.accounts.models import User
from yibao.catalog.models import Institution
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.cache_versions import hall_unit_changed
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_phone
from yibao.core.uploads import CheckedUpload
from yibao.core.validators.contact import validate_mobile
from yibao.federation.models import OutboxEvent
from yibao.federation.outbox import outbox_event_add
from yibao.notices.models import Message
from yibao.notices.services import message_send
from yibao.pki.verification import CertificateIdentity
from yibao.units.error_codes import UnitErrorCode
from yibao.units.models import (
    CreditLevel,
    CreditRule,
    LicenceSubmission,
    Population,
    RoleCertification,
    Unit,
    UnitCertificate,
    UnitRole,
)

NOTHING_CHANGED = "法人手机号和地址均未修改，无需保存"
ADDRESS_REQUIRED = "请输入地址"
LICENCE_PENDING = "营业执照已提交，正在等待医保经办机构审核，请勿重复提交；审核结果将通过【我的消息】通知"
LICENCE_CERTIFIED = "资质认证已通过，无需重复上传；营业执照信息变更请办理单位参保关键信息变更"
REVIEW_NOT_PENDING = "该申请已审核，不能重复审核"
REASON_REQUIRED = "请填写不通过的原因，原因将通知单位"
ROLE_CERTIFIED = "{role}角色已认证，无需重复认证"
ROLE_PENDING = "{role}角色认证申请已提交，正在等待医保经办机构审核，请勿重复提交"
NOT_DESIGNATED = "未在定点医药机构信息中查询到本单位统一社会信用代码，请先在贯标平台完成信息维护"
INSURED_PENDING = "本单位暂无参保记录，已提交医保经办机构审核"
MANUAL_PENDING = "已提交医保经办机构审核"
EDITABLE_BASE_FIELDS = ("legal_rep_mobile", "address")
CERTIFICATE_OTHER_UNIT = "该证书的统一社会信用代码与本单位不一致"
CERTIFICATE_BOUND = "该数字证书已绑定，无需重复绑定"
CERTIFICATE_UNBOUND = "该数字证书已解除绑定"
HELD_EMP_NO_PREFIX = "WT"  # 单位编号 given by the hall at registration; the agency's own start otherwise


# --- 单位注册 -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class UnitRegistration:
    """What 单位注册 (单位信息录入) says about the unit."""

    name: str
    emp_type: str
    division: str  # 医保区划 code
    uscc: str
    address: str
    postcode: str
    legal_rep_name: str
    legal_rep_cert_type: str
    legal_rep_cert_no: str
    legal_rep_mobile: str


# What the national platform is told of a unit (单位网厅注册信息会同步到国家局, Henan manual 004).
FEDERATED_FIELDS = (
    "emp_no", "name", "emp_type", "address", "postcode", "legal_rep_name", "legal_rep_cert_type",
    "legal_rep_cert_no", "legal_rep_mobile", "contact_name", "contact_phone",
)  # fmt: skip


def unit_federation_fields(unit: Unit) -> dict[str, str]:
    return {"uscc": unit.uscc, "admdvs": unit.division_id, **{f: getattr(unit, f) for f in FEDERATED_FIELDS}}


def unit_register_create(
    *, account: User, details: UnitRegistration, held: Unit | None, origin: RequestOrigin
) -> Unit:
    """单位注册: give the unit its admin account. The insured unit the agency holds for the USCC
    (`held`, checked by the caller to match) keeps its record and only fills its gaps; otherwise
    the unit is created with a 单位编号 of the hall's own. A unit without 管理人群 gets the default
    ones. A USCC has one unit account (a constraint): of two racing registrations one gets through."""
    with transaction.atomic():
        if held is not None:
            # The agency's record stands; registration only attaches the account and fills gaps.
            record = held
            record.account = account
            record.emp_type = record.emp_type or details.emp_type
            record.address = record.address or details.address
            record.postcode = record.postcode or details.postcode
            record.legal_rep_mobile = record.legal_rep_mobile or details.legal_rep_mobile
        else:
            record = Unit(
                emp_no=f"{HELD_EMP_NO_PREFIX}{details.uscc}",
                uscc=details.uscc,
                account=account,
                name=details.name,
                emp_type=details.emp_type,
                division_id=details.division,
                address=details.address,
                postcode=details.postcode,
                legal_rep_name=details.legal_rep_name,
                legal_rep_cert_type=details.legal_rep_cert_type,
                legal_rep_cert_no=details.legal_rep_cert_no,
                legal_rep_mobile=details.legal_rep_mobile,
            )
        record.save()
        if not record.populations.exists():
            record.populations.set(Population.objects.filter(is_default=True))
        outbox_event_add(
            kind=OutboxEvent.Kind.UNIT_REGISTERED,
            unit_uscc=record.uscc,
            payload={"account": account.get_username(), **unit_federation_fields(record)},
        )
        audit_event_record(
            actor=account,
            action="unit_registered",
            unit=record,
            target=record,
            after={"account": account.get_username(), "uscc": details.uscc},
            origin=origin,
        )
    return record


def unit_adopt(*, account: User, fields: dict[str, str], origin: RequestOrigin) -> Unit:
    """A unit registered at the national platform, created here (or the insured unit held for its
    USCC given its account) the first time its admin logs in to this hall (Yunnan manual 001 FAQ
    2.1). `fields` are what the national instance answered (`unit_federation_fields`); nothing is
    sent back, the national platform has it already. The caller checks the USCC is not registered
    here with another account."""
    values = {f: str(fields.get(f, "")) for f in FEDERATED_FIELDS}
    with transaction.atomic():
        held = Unit.objects.select_for_update().filter(uscc=fields["uscc"], account__isnull=True).first()
        if held is not None:
            record = held
            record.account = account
            for name, value in values.items():
                if name != "emp_no" and value and not getattr(record, name):
                    setattr(record, name, value)
        else:
            emp_no = values.pop("emp_no") or f"{HELD_EMP_NO_PREFIX}{fields['uscc']}"
            if Unit.objects.filter(emp_no=emp_no).exists():
                emp_no = f"{HELD_EMP_NO_PREFIX}{fields['uscc']}"
            record = Unit(
                **values, emp_no=emp_no, uscc=fields["uscc"], division_id=fields["admdvs"], account=account
            )
        record.save()
        if not record.populations.exists():
            record.populations.set(Population.objects.filter(is_default=True))
        audit_event_record(
            actor=account,
            action="unit_adopted_from_national",
            unit=record,
            target=record,
            after={"account": account.get_username(), "uscc": record.uscc},
            origin=origin,
        )
    return record


def unit_base_info_update(
    *, unit: Unit, actor: User, legal_rep_mobile: str, address: str, origin: RequestOrigin | None = None
) -> Unit:
    """单位基础信息修改: the admin may change only 法人手机号 and 地址."""
    mobile = validate_mobile(legal_rep_mobile, field="legal_rep_mobile")
    address = " ".join(address.split())
    if not address:
        raise ApplicationError(UnitErrorCode.ADDRESS_REQUIRED, ADDRESS_REQUIRED, field="address")
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if locked.legal_rep_mobile == mobile and locked.address == address:
            raise ApplicationError(UnitErrorCode.NOTHING_CHANGED, NOTHING_CHANGED)
        old_mobile = locked.legal_rep_mobile
        before = {"legal_rep_mobile": mask_phone(old_mobile), "address": locked.address}
        locked.legal_rep_mobile = mobile
        locked.address = address
        others = [f.name for f in Unit._meta.get_fields() if f.name not in EDITABLE_BASE_FIELDS]
        locked.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
        locked.save(update_fields=["legal_rep_mobile", "address", "updated_at"])
        hall_unit_changed(locked.pk)
        outbox_event_add(
            kind=OutboxEvent.Kind.UNIT_CHANGED,
            unit_uscc=locked.uscc,
            payload={"changed": {"legal_rep_mobile": mobile, "address": address}},
        )
        audit_event_record(
            actor=actor,
            action="unit_base_info_updated",
            unit=locked,
            target=locked,
            before=before,
            after={"legal_rep_mobile": mask_phone(mobile), "address": address},
            origin=origin,
        )
        if old_mobile != mobile:
            message_send(
                unit=locked,
                category=Message.Category.SYSTEM,
                title="法人手机号已变更",
                body=f"单位法人手机号已由{before['legal_rep_mobile'] or '未登记'}变更为{mask_phone(mobile)}。"
                "找回密码、重置经办人密码的短信验证码将发送至新手机号；如非本单位操作，请立即联系医保经办机构。",
            )
    unit.legal_rep_mobile, unit.address, unit.updated_at = mobile, address, locked.updated_at
    return locked


# Fields an approved 单位参保关键/非关键信息变更 may write (the application keeps before and after).
CHANGEABLE_BY_APPLICATION = frozenset(
    {
        "name", "emp_type", "address", "legal_rep_name", "legal_rep_cert_type", "legal_rep_cert_no",
        "contact_name", "contact_phone", "contact_address", "postcode",
    }
)  # fmt: skip


def unit_record_change(*, unit_id: int, values: dict[str, str]) -> None:
    """Write an approved 信息变更 to the unit's record, inside the approval's transaction (the
    approval writes the case event and the audit row)."""
    unknown = set(values) - CHANGEABLE_BY_APPLICATION
    if unknown:
        raise ValueError(f"not changeable by an application: {sorted(unknown)}")
    Unit.objects.filter(pk=unit_id).update(**values, updated_at=timezone.now())
    hall_unit_changed(unit_id)
    uscc = Unit.objects.filter(pk=unit_id).values_list("uscc", flat=True).get()
    outbox_event_add(kind=OutboxEvent.Kind.UNIT_CHANGED, unit_uscc=uscc, payload={"changed": dict(values)})


# --- 资质认证 -------------------------------------------------------------------------------


def licence_submit_refusal(unit: Unit) -> ApplicationError | None:
    """Why the unit may not upload a licence now (None when it may)."""
    if unit.qualification == Unit.Qualification.PENDING:
        return ApplicationError(UnitErrorCode.LICENCE_PENDING, LICENCE_PENDING)
    if unit.qualification == Unit.Qualification.CERTIFIED:
        return ApplicationError(UnitErrorCode.LICENCE_CERTIFIED, LICENCE_CERTIFIED)
    return None


def licence_submit(
    *, unit: Unit, actor: User, upload: CheckedUpload, origin: RequestOrigin | None = None
) -> LicenceSubmission:
    """营业执照上传 → 提交: store the checked file privately and set the unit 待审核.

    Allowed while 未认证 or 认证失败; refused while 待审核 and after 已认证 (a changed licence
    goes through 单位参保关键信息变更, so a certified unit is never set back by an upload)."""
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        refusal = licence_submit_refusal(locked)
        if refusal is not None:
            raise refusal
        submission = LicenceSubmission(
            unit=locked, content_type=upload.content_type, size=upload.size, submitted_by=actor
        )
        submission.file.save("licence", ContentFile(upload.content), save=False)
        try:
            submission.save()
            before = locked.qualification
            locked.qualification = Unit.Qualification.PENDING
            locked.save(update_fields=["qualification", "updated_at"])
            hall_unit_changed(locked.pk)
            audit_event_record(
                actor=actor,
                action="licence_submitted",
                unit=locked,
                target=submission,
                before={"qualification": before},
                after={
                    "qualification": locked.qualification,
                    "content_type": upload.content_type,
                    "size": upload.size,
                },
                origin=origin,
            )
        except Exception:
            submission.file.storage.delete(submission.file.name)  # the row is rolled back: no orphan
            raise
    unit.qualification = locked.qualification
    return submission


def licence_review(
    *,
    submission: LicenceSubmission,
    approve: bool,
    reason: str,
    reviewer: User,
    origin: RequestOrigin | None = None,
) -> LicenceSubmission:
    """The agency's decision on a licence: 通过 → 已认证; 不通过 (with a reason) → 认证失败."""
    reason = reason.strip()
    if not approve and not reason:
        raise ApplicationError(UnitErrorCode.REASON_REQUIRED, REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = LicenceSubmission.objects.select_for_update().select_related("unit").get(pk=submission.pk)
        if locked.status != LicenceSubmission.Status.PENDING:
            raise ApplicationError(UnitErrorCode.REVIEW_NOT_PENDING, REVIEW_NOT_PENDING)
        unit = Unit.objects.select_for_update().get(pk=locked.unit_id)
        locked.status = LicenceSubmission.Status.APPROVED if approve else LicenceSubmission.Status.REJECTED
        locked.reason = reason
        locked.reviewed_by = reviewer
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "updated_at"])
        before = unit.qualification
        unit.qualification = Unit.Qualification.CERTIFIED if approve else Unit.Qualification.FAILED
        unit.save(update_fields=["qualification", "updated_at"])
        hall_unit_changed(unit.pk)
        audit_event_record(
            actor=reviewer,
            action="licence_reviewed",
            unit=unit,
            target=locked,
            before={"qualification": before},
            after={"qualification": unit.qualification, "reason": reason},
            origin=origin,
        )
        if approve:
            message_send(
                unit=unit,
                category=Message.Category.CERTIFICATION,
                title="资质认证已通过",
                body="您单位提交的营业执照已审核通过，资质认证状态为已认证。",
            )
        else:
            message_send(
                unit=unit,
                category=Message.Category.CERTIFICATION,
                title="资质认证未通过",
                body=f"您单位提交的营业执照未通过审核，原因：{reason}。请在【资质认证】中重新上传。",
            )
    submission.refresh_from_db()
    return submission


# --- 角色认证 -------------------------------------------------------------------------------


def _designated(unit: Unit, role: UnitRole) -> bool:
    """Whether the public catalogue lists a designated institution (or pharmacy) with the unit's USCC."""
    kind = Institution.Type.MEDICAL if role == UnitRole.MEDICAL else Institution.Type.PHARMACY
    today = timezone.localdate()
    return (
        Institution.objects.filter(uscc=unit.uscc, fixmedins_type=kind, is_active=True)
        .filter(Q(endtime__isnull=True) | Q(endtime__gte=today))
        .exists()
    )


def _insured_known(unit: Unit) -> bool:
    """An agency-held 单位编号, or insurance records of the unit: through the relation that the
    enrollment app's Insurance declares to Unit, so units does not import the app above it."""
    if not unit.emp_no.upper().startswith(HELD_EMP_NO_PREFIX):
        return True
    return unit.insurances.exists()


def role_certification_refusal(
    certification: RoleCertification | None, role: UnitRole
) -> ApplicationError | None:
    """Why the role may not be requested now (None when it may: never asked, or failed before)."""
    if certification is None:
        return None
    if certification.status == RoleCertification.Status.CERTIFIED:
        return ApplicationError(UnitErrorCode.ROLE_CERTIFIED, ROLE_CERTIFIED.format(role=role.label))
    if certification.status == RoleCertification.Status.PENDING:
        return ApplicationError(UnitErrorCode.ROLE_PENDING, ROLE_PENDING.format(role=role.label))
    return None


def role_certification_request(
    *, unit: Unit, role: UnitRole, actor: User, origin: RequestOrigin | None = None
) -> RoleCertification:
    """角色认证 去认证 → 确定.

    医疗机构/零售药店: decided at once against the designated-institution catalogue.
    参保单位: certified when the unit has insurance records or an agency-held 单位编号, else 待审核.
    招采企业/医药企业: 待审核, decided by agency staff (`role_certification_review`)."""
    role = UnitRole(role)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialises requests of one unit
        certification = RoleCertification.objects.filter(unit=unit, role=role).first()
        refusal = role_certification_refusal(certification, role)
        if refusal is not None:
            raise refusal
        before = certification.status if certification is not None else None
        now = timezone.now()
        status, reason, decided_at = RoleCertification.Status.PENDING, MANUAL_PENDING, None
        if role in (UnitRole.MEDICAL, UnitRole.PHARMACY):
            if _designated(unit, role):
                status, reason, decided_at = RoleCertification.Status.CERTIFIED, "", now
            else:
                status, reason, decided_at = RoleCertification.Status.FAILED, NOT_DESIGNATED, now
        elif role == UnitRole.INSURED:
            if _insured_known(unit):
                status, reason, decided_at = RoleCertification.Status.CERTIFIED, "", now
            else:
                reason = INSURED_PENDING
        if certification is None:
            certification = RoleCertification(unit=unit, role=role)
        certification.status = status
        certification.reason = reason
        certification.decided_at = decided_at
        certification.decided_by = None
        certification.save()
        audit_event_record(
            actor=actor,
            action="role_certification_requested",
            unit=unit,
            target=certification,
            before={"role": role.value, "status": before},
            after={"role": role.value, "status": status, "reason": reason},
            origin=origin,
        )
    return certification


def role_certification_review(
    *,
    certification: RoleCertification,
    approve: bool,
    reason: str,
    reviewer: User,
    origin: RequestOrigin | None = None,
) -> RoleCertification:
    """The agency's decision on a pending role: 通过 → 已认证; 不通过 (with a reason) → 认证失败."""
    reason = reason.strip()
    if not approve and not reason:
        raise ApplicationError(UnitErrorCode.REASON_REQUIRED, REASON_REQUIRED, field="reason")
    with transaction.atomic():
        locked = RoleCertification.objects.select_for_update().select_related("unit").get(pk=certification.pk)
        if locked.status != RoleCertification.Status.PENDING:
            raise ApplicationError(UnitErrorCode.REVIEW_NOT_PENDING, REVIEW_NOT_PENDING)
        locked.status = RoleCertification.Status.CERTIFIED if approve else RoleCertification.Status.FAILED
        locked.reason = "" if approve else reason
        locked.decided_at = timezone.now()
        locked.decided_by = reviewer
        locked.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
        hall_unit_changed(locked.unit_id)
        audit_event_record(
            actor=reviewer,
            action="role_certification_reviewed",
            unit=locked.unit,
            target=locked,
            before={"role": locked.role, "status": RoleCertification.Status.PENDING.value},
            after={"role": locked.role, "status": locked.status, "reason": reason},
            origin=origin,
        )
        label = locked.get_role_display()
        if approve:
            message_send(
                unit=locked.unit,
                category=Message.Category.CERTIFICATION,
                title=f"{label}角色认证已通过",
                body=f"您单位的{label}角色认证已审核通过，可为经办人授权相应业务。",
            )
        else:
            message_send(
                unit=locked.unit,
                category=Message.Category.CERTIFICATION,
                title=f"{label}角色认证未通过",
                body=f"您单位的{label}角色认证未通过审核，原因：{reason}。可在【角色认证】中重新认证。",
            )
    certification.refresh_from_db()
    return certification


# --- 我的信用 settings (Django admin) --------------------------------------------------------


def credit_setting_save(*, setting: CreditRule | CreditLevel, actor: User) -> CreditRule | CreditLevel:
    """Save a credit rule or level edited in the admin, checked and audited."""
    with transaction.atomic():
        created = setting.pk is None
        setting.full_clean()
        setting.save()
        audit_event_record(
            actor=actor,
            action=f"{setting._meta.model_name}_{'created' if created else 'changed'}",
            target=setting,
            after={field.name: field.value_to_string(setting) for field in setting._meta.concrete_fields},
        )
    return setting


# --- 数字证书 -------------------------------------------------------------------------------


def _certificate_facts(certificate: UnitCertificate) -> dict[str, str]:
    return {
        "subject": certificate.subject,
        "issuer": certificate.issuer,
        "serial": certificate.serial,
        "fingerprint": certificate.fingerprint,
    }


def unit_certificate_bind(
    *, unit: Unit, identity: CertificateIdentity, actor: User | None, origin: RequestOrigin | None = None
) -> UnitCertificate:
    """Bind a verified certificate to the unit (绑定新证书; also 数字证书注册 and the demo): it must
    name this unit's 统一社会信用代码 and not be bound already. `actor` None: the system."""
    if identity.uscc != unit.uscc:
        raise ApplicationError(UnitErrorCode.CERTIFICATE_OTHER_UNIT, CERTIFICATE_OTHER_UNIT)
    try:
        with transaction.atomic():
            if UnitCertificate.objects.filter(
                fingerprint=identity.fingerprint, unbound_at__isnull=True
            ).exists():
                raise ApplicationError(UnitErrorCode.CERTIFICATE_BOUND, CERTIFICATE_BOUND)
            certificate = UnitCertificate.objects.create(
                unit=unit,
                subject=identity.subject,
                issuer=identity.issuer,
                serial=identity.serial,
                fingerprint=identity.fingerprint,
                not_before=identity.not_before,
                not_after=identity.not_after,
                bound_at=timezone.now(),
                bound_by=actor,
            )
            audit_event_record(
                actor=actor,
                action="ca_certificate_bound",
                unit=unit,
                target=certificate,
                after=_certificate_facts(certificate),
                origin=origin,
            )
    except IntegrityError as exc:  # two binds of one certificate raced: one won
        raise ApplicationError(UnitErrorCode.CERTIFICATE_BOUND, CERTIFICATE_BOUND) from exc
    return certificate


@transaction.atomic
def unit_certificate_unbind(
    *, unit: Unit, certificate_id: int, actor: User | None, origin: RequestOrigin | None = None
) -> UnitCertificate:
    """解除绑定: the certificate no longer logs in; its row stays as history."""
    certificate = UnitCertificate.objects.select_for_update().filter(pk=certificate_id, unit=unit).first()
    if certificate is None or certificate.unbound_at is not None:
        raise ApplicationError(UnitErrorCode.CERTIFICATE_UNBOUND, CERTIFICATE_UNBOUND)
    certificate.unbound_at = timezone.now()
    certificate.unbound_by = actor
    certificate.save(update_fields=["unbound_at", "unbound_by"])
    audit_event_record(
        actor=actor,
        action="ca_certificate_unbound",
        unit=unit,
        target=certificate,
        before=_certificate_facts(certificate),
        origin=origin,
    )
    return certificate
