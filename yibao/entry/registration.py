"""单位注册: a unit account and its first operator, created together or not at all.

The rows are written by their owners' services, in one transaction: the admin's login by
accounts (`user_create`), the unit by units (`unit_register_create`), the operator's account and
its binding by operators (`operator_open`, `binding_activate`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from yibao.accounts import lockout
from yibao.accounts.authentication import user_lock_key
from yibao.accounts.models import SmsPurpose, User
from yibao.accounts.services import user_create
from yibao.accounts.sms_codes import sms_code_verify
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.entry.error_codes import RegistrationErrorCode
from yibao.entry.national_accounts import uscc_registered_nationally
from yibao.entry.oidc_login import platform_identity_check, platform_identity_link
from yibao.entry.verified_identity import VerifiedSource, VerifiedUnit, certificate_from_reference
from yibao.federation.models import CoreUnit
from yibao.federation.selectors import core_unit_for_uscc, phones_match
from yibao.operators.models import Operator
from yibao.operators.selectors import operator_for_mobile
from yibao.operators.services import NewOperator, binding_activate, operator_open
from yibao.units.models import Unit
from yibao.units.services import UnitRegistration, unit_certificate_bind, unit_register_create

USCC_REGISTERED_MESSAGE = "该统一社会信用代码已注册，请直接登录；如忘记账号或密码，请通过“忘记密码”找回"
USCC_UNKNOWN_MESSAGE = (
    "该统一社会信用代码未在医保信息系统中登记为有效的参保单位，请核实后重新输入，或到医保经办机构办理参保登记"
)
# Yunnan manual 001 FAQ 2.2, word for word.
CONTACT_MISMATCH_MESSAGE = (
    "单位联系人号码与医保系统存储信息不一致，请携带相关材料到经办大厅修改单位联系人号码后可正常注册!"
)
HELD_MISMATCH_MESSAGE = "单位名称或法定代表人信息与医保经办机构登记的信息不一致，请核实后重新输入"
ACCOUNT_TAKEN_MESSAGE = "该账号已被使用，请更换其他账号"
TOO_MANY_CHECKS_MESSAGE = "操作过于频繁，请稍后再试"
OPERATOR_PASSWORD_WRONG_MESSAGE = "经办人密码填写错误"
# Yunnan manual 001 FAQ 2.1: «无需注册，直接用国家注册的账号密码在云南网厅登录即可».
NATIONAL_REGISTERED_MESSAGE = (
    "该统一社会信用代码已在国家医保服务平台注册，无需注册，请直接使用国家平台注册的账号和密码登录"
)
VERIFIED_MISMATCH_MESSAGE = "单位名称或统一社会信用代码与验证的信息不一致，请重新验证后注册"


@dataclass(frozen=True, kw_only=True)
class UnitDetails:
    account: str
    password_hash: str
    name: str
    emp_type: str
    division: str
    uscc: str
    address: str
    postcode: str
    legal_rep_name: str
    legal_rep_cert_type: str
    legal_rep_cert_no: str
    legal_rep_mobile: str

    def registration(self) -> UnitRegistration:
        """What the units' service needs: everything but the admin's login."""
        return UnitRegistration(
            name=self.name,
            emp_type=self.emp_type,
            division=self.division,
            uscc=self.uscc,
            address=self.address,
            postcode=self.postcode,
            legal_rep_name=self.legal_rep_name,
            legal_rep_cert_type=self.legal_rep_cert_type,
            legal_rep_cert_no=self.legal_rep_cert_no,
            legal_rep_mobile=self.legal_rep_mobile,
        )


@dataclass(frozen=True, kw_only=True)
class NewOperatorDetails:
    name: str
    cert_type: str
    cert_no: str
    valid_from: datetime.date
    valid_to: datetime.date
    password_hash: str


@dataclass(frozen=True)
class Registration:
    unit: Unit
    operator: Operator


def account_taken(account: str) -> bool:
    return User.objects.filter(username__iexact=account).exists()


def uscc_registered(uscc: str) -> bool:
    return Unit.objects.filter(uscc=uscc, account__isnull=False).exists()


def uscc_known(uscc: str) -> bool:
    """The 医保信息系统 registers a valid insured unit with this USCC."""
    return CoreUnit.objects.filter(uscc=uscc, is_valid=True).exists()


def contact_matches(uscc: str, mobile: str) -> bool:
    """The mobile is the 单位联系人号码 the 医保信息系统 holds for the USCC (or it holds none)."""
    registered = core_unit_for_uscc(uscc)
    return (
        registered is None or not registered.contact_phone or phones_match(registered.contact_phone, mobile)
    )


def operator_password_confirm(*, operator: Operator, password: str, origin: RequestOrigin) -> None:
    """The existing operator's password, checked under the same lockout as a login."""
    key = user_lock_key(operator.user)
    locked = lockout.account_locked_seconds(key)
    if locked:
        raise ApplicationError(
            RegistrationErrorCode.OPERATOR_LOCKED, lockout.lock_message(locked), field="password"
        )
    lockout.login_failure_record(account_key=key, ip_address=origin.ip_address)
    if not operator.user.check_password(password):
        audit_event_record(actor=operator.user, action="registration_operator_password_failed", origin=origin)
        locked = lockout.account_locked_seconds(key)
        raise ApplicationError(
            RegistrationErrorCode.OPERATOR_LOCKED
            if locked
            else RegistrationErrorCode.OPERATOR_PASSWORD_WRONG,
            lockout.lock_message(locked)
            if locked
            else lockout.failure_message(OPERATOR_PASSWORD_WRONG_MESSAGE, key),
            field="password",
        )
    lockout.login_failures_clear(account_key=key)


def _held_unit_matches(held: Unit, unit: UnitDetails) -> bool:
    """Taking over a unit the agency holds needs its name and legal representative as held."""
    return (held.name.strip(), held.legal_rep_name.strip(), held.legal_rep_cert_no.upper()) == (
        unit.name.strip(),
        unit.legal_rep_name.strip(),
        unit.legal_rep_cert_no.upper(),
    )


def _verified_record(verified: VerifiedUnit, *, unit: Unit, actor: User, origin: RequestOrigin) -> None:
    """What proved the registering unit's identity, kept with the registration: a certificate
    (数字证书注册) is bound to the new unit, so that it logs in by 单位 CA 登录 at once; an identity
    of the 统一身份认证平台 is linked to it, so that it logs in as this unit from now on."""
    audit_event_record(
        actor=actor,
        action="unit_registration_verified",
        unit=unit,
        after={"source": str(verified.source)} | verified.reference,
        origin=origin,
    )
    certificate = certificate_from_reference(verified)
    if certificate is not None:
        unit_certificate_bind(unit=unit, identity=certificate, actor=actor, origin=origin)
    if verified.source is VerifiedSource.OIDC:
        platform_identity_link(
            unit=unit,
            issuer=verified.reference["issuer"],
            subject=verified.reference["subject"],
            actor=actor,
            origin=origin,
        )


def _verified_check(verified: VerifiedUnit, *, unit: UnitDetails) -> None:
    """The unit registers with what was verified; a platform identity is not another unit's."""
    if (verified.uscc, verified.name) != (unit.uscc, unit.name):
        raise ApplicationError(
            RegistrationErrorCode.VERIFIED_MISMATCH, VERIFIED_MISMATCH_MESSAGE, field="uscc"
        )
    if verified.source is VerifiedSource.OIDC:
        try:
            platform_identity_check(
                issuer=verified.reference.get("issuer", ""),
                subject=verified.reference.get("subject", ""),
                unit=None,
                uscc=unit.uscc,
            )
        except ApplicationError as error:
            raise ApplicationError(
                RegistrationErrorCode.VERIFIED_MISMATCH, error.message, field="uscc"
            ) from error


def unit_register(
    *,
    unit: UnitDetails,
    mobile: str,
    new_operator: NewOperatorDetails | None,
    existing_password: str | None,
    sms_code: str,
    origin: RequestOrigin,
    verified: VerifiedUnit | None = None,
) -> Registration:
    """Create the unit admin account, the unit (or attach to the insured unit held for the USCC),
    the operator (or reuse the one that owns the mobile) and their binding.

    The SMS code to `mobile` is checked first, so that only the owner of the phone learns whether
    an existing operator's password is right (and wrong ones count towards that user's lockout);
    it is spent only with the rows it allows, so a wrong password or a taken account does not cost
    a new code (and the 60-second wait for one)."""
    sms_code_verify(phone=mobile, purpose=SmsPurpose.REGISTER, code=sms_code, consume=False)
    if verified is not None:
        _verified_check(verified, unit=unit)
    if account_taken(unit.account):
        raise ApplicationError(RegistrationErrorCode.ACCOUNT_TAKEN, ACCOUNT_TAKEN_MESSAGE, field="account")
    if uscc_registered(unit.uscc):
        raise ApplicationError(RegistrationErrorCode.USCC_REGISTERED, USCC_REGISTERED_MESSAGE, field="uscc")
    if uscc_registered_nationally(unit.uscc):
        raise ApplicationError(
            RegistrationErrorCode.NATIONAL_REGISTERED, NATIONAL_REGISTERED_MESSAGE, field="uscc"
        )
    profile = get_profile()
    if profile.require_known_uscc and not uscc_known(unit.uscc):
        raise ApplicationError(RegistrationErrorCode.USCC_UNKNOWN, USCC_UNKNOWN_MESSAGE, field="uscc")
    if profile.registry_contact_match and not contact_matches(unit.uscc, mobile):
        raise ApplicationError(
            RegistrationErrorCode.CONTACT_MISMATCH, CONTACT_MISMATCH_MESSAGE, field="mobile"
        )
    held = Unit.objects.filter(uscc=unit.uscc, account__isnull=True).order_by("pk").first()
    if held is not None and not _held_unit_matches(held, unit):
        raise ApplicationError(RegistrationErrorCode.HELD_MISMATCH, HELD_MISMATCH_MESSAGE, field="uscc")
    operator = operator_for_mobile(mobile)
    if operator is not None:
        operator_password_confirm(operator=operator, password=existing_password or "", origin=origin)
    if operator is None and new_operator is None:
        raise ApplicationError(RegistrationErrorCode.MOBILE_TAKEN, "请填写经办人信息", field="name")
    try:
        with transaction.atomic():
            sms_code_verify(phone=mobile, purpose=SmsPurpose.REGISTER, code=sms_code)
            admin = user_create(username=unit.account, password_hash=unit.password_hash, kind=User.Kind.UNIT)
            record = unit_register_create(
                account=admin, details=unit.registration(), held=held, origin=origin
            )
            opened = operator is None
            if operator is None:
                assert new_operator is not None  # noqa: S101 - checked above
                operator = operator_open(
                    mobile=mobile,
                    new=NewOperator(
                        name=new_operator.name,
                        cert_type=new_operator.cert_type,
                        cert_no=new_operator.cert_no,
                        valid_from=new_operator.valid_from,
                        valid_to=new_operator.valid_to,
                    ),
                    password_hash=new_operator.password_hash,
                    must_change_password=False,  # the registrant chose it
                )
            binding_activate(unit=record, operator=operator, actor=admin, origin=origin, new_account=opened)
            if verified is not None:
                _verified_record(verified, unit=record, actor=admin, origin=origin)
    except IntegrityError as exc:
        # Two registrations raced: the constraints let exactly one through.
        if uscc_registered(unit.uscc):
            raise ApplicationError(
                RegistrationErrorCode.USCC_REGISTERED, USCC_REGISTERED_MESSAGE, field="uscc"
            ) from exc
        if account_taken(unit.account):
            raise ApplicationError(
                RegistrationErrorCode.ACCOUNT_TAKEN, ACCOUNT_TAKEN_MESSAGE, field="account"
            ) from exc
        raise ApplicationError(
            RegistrationErrorCode.MOBILE_TAKEN, "该手机号已被注册，请重新提交", field="mobile"
        ) from exc
    return Registration(unit=record, operator=operator)
