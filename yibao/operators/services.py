"""单位经办人 management by the unit admin: bind (新增经办人), grant (权限管理), reset a password
(重置密码) and unbind (解除绑定). Each write checks its rules, runs in one transaction, appends an
audit event and leaves a message for the unit and the operator.

Opening an operator account and binding it (`operator_open`, `binding_activate`) also serve
单位注册 (`yibao.entry.registration`); the operator's own 邮箱 and 个人地址 are changed here too."""

from __future__ import annotations

import datetime
import secrets
import string
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.accounts.models import SmsPurpose, User
from yibao.accounts.services import user_create, user_password_set
from yibao.accounts.sms_dispatch import sms_dispatch
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.cache_versions import hall_unit_changed, hall_user_changed
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_phone
from yibao.core.profiles import get_profile
from yibao.core.validators.passwords import validate_password_policy
from yibao.federation.models import OutboxEvent
from yibao.federation.outbox import outbox_event_add
from yibao.notices.models import Message
from yibao.notices.services import message_send
from yibao.operators.error_codes import OperatorErrorCode
from yibao.operators.models import Binding, BusinessItem, Grant, Operator
from yibao.units.models import Population, Unit, UnitRole
from yibao.units.selectors import unit_roles_held

BIND_SUCCESS = "绑定经办人成功，请为经办人授权"
ALREADY_BOUND = "该经办人已绑定本单位，无需重复绑定"
LAST_OPERATOR = "单位经办人管理界面下至少存在一名经办人，用于获取短信及处理相关操作，无法解绑"
MOBILE_NOT_OPERATOR = "该手机号已被其他类型的账号使用，无法绑定为经办人"


@dataclass(frozen=True, kw_only=True)
class NewOperator:
    name: str
    cert_type: str
    cert_no: str
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


@dataclass(frozen=True)
class BindResult:
    binding: Binding
    created: bool  # a new operator account was opened


def initial_password_generate() -> str:
    """A random password that satisfies the active profile (all four character classes)."""
    profile = get_profile()
    length = min(max(profile.password_min, 12), profile.password_max)
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits]
    alphabet = "".join(pools)
    while True:
        chars = [secrets.choice(pool) for pool in pools]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password_policy(password)
        except ApplicationError:  # pragma: no cover - every class is present by construction
            continue
        return password


def short_name(name: str) -> str:
    """A unit name short enough for one SMS."""
    return name if len(name) <= 30 else name[:29] + "…"


def _send_password_sms(*, mobile: str, text: str) -> None:
    """Queue the SMS with the password in the transaction that sets it (a secret: its text is
    blanked once sent)."""
    sms_dispatch(phone=mobile, text=text, purpose=SmsPurpose.OPERATOR_PASSWORD, secret=True)


def operator_bind(
    *, unit: Unit, actor: User, mobile: str, new: NewOperator | None, origin: RequestOrigin
) -> BindResult:
    """Bind the operator who owns `mobile` to the unit, opening an operator account when there is
    none (then `new` is required; the initial password goes out by SMS and must be changed)."""
    password = ""
    with transaction.atomic():
        operator = Operator.objects.select_for_update().filter(mobile=mobile).select_related("user").first()
        created = operator is None
        if operator is None:
            if new is None:
                raise ApplicationError(OperatorErrorCode.DETAILS_REQUIRED, "请填写经办人姓名", field="name")
            password = initial_password_generate()
            try:
                with transaction.atomic():  # a savepoint: another request may open the same mobile now
                    operator = operator_open(
                        mobile=mobile,
                        new=new,
                        password_hash=make_password(password),
                        must_change_password=True,
                    )
            except IntegrityError:
                operator = Operator.objects.select_for_update().filter(mobile=mobile).first()
                if operator is None:  # the number is some other kind of account
                    raise ApplicationError(
                        OperatorErrorCode.MOBILE_NOT_OPERATOR, MOBILE_NOT_OPERATOR, field="mobile"
                    ) from None
                created, password = False, ""
        binding = binding_activate(
            unit=unit, operator=operator, actor=actor, origin=origin, new_account=created
        )
        message_send(
            unit=unit,
            category=Message.Category.OPERATOR,
            title="绑定经办人成功",
            body=f"经办人{operator.name}（{mask_phone(mobile)}）已绑定本单位，请在【单位经办人】中为其授权。",
        )
        message_send(
            operator=operator,
            unit=unit,
            category=Message.Category.OPERATOR,
            title="您已被绑定为单位经办人",
            body=f"{unit.name}已将您绑定为单位经办人，单位管理员为您授权后即可办理相应业务。",
        )
        if created:
            _send_password_sms(
                mobile=mobile,
                text=(
                    f"【医保服务平台】{short_name(unit.name)}已将您添加为单位经办人。登录账号为本手机号，初始密码：{password}，"
                    "首次登录后请立即修改密码。"
                ),
            )
    return BindResult(binding=binding, created=created)


def operator_open(
    *, mobile: str, new: NewOperator, password_hash: str, must_change_password: bool
) -> Operator:
    """Open an operator account: its login (the mobile number) and its record. Raises IntegrityError
    when any account already uses the number; the caller, inside its transaction, says why."""
    if User.objects.filter(username=mobile).exists():
        raise IntegrityError("the mobile is taken by another account")
    with transaction.atomic():
        user = user_create(
            username=mobile,
            password_hash=password_hash,
            kind=User.Kind.OPERATOR,
            first_name=new.name[:150],
            must_change_password=must_change_password,
        )
        return Operator.objects.create(
            user=user,
            name=new.name,
            mobile=mobile,
            cert_type=new.cert_type,
            cert_no=new.cert_no,
            cert_valid_from=new.valid_from,
            cert_valid_to=new.valid_to,
        )


def binding_activate(
    *,
    unit: Unit,
    operator: Operator,
    actor: User,
    origin: RequestOrigin,
    new_account: bool,
    from_national: bool = False,
) -> Binding:
    """Bind the operator to the unit: a new binding, or the earlier one made active again (without
    its old grants). Refuses a binding that is active already. `new_account` records whether the
    operator's account was opened for this binding; a binding copied `from_national` is not sent
    back there."""
    with transaction.atomic():
        binding = Binding.objects.select_for_update().filter(unit=unit, operator=operator).first()
        if binding is not None and binding.status == Binding.Status.ACTIVE:
            raise ApplicationError(OperatorErrorCode.ALREADY_BOUND, ALREADY_BOUND, field="mobile")
        if binding is None:
            try:
                with transaction.atomic():
                    binding = Binding.objects.create(unit=unit, operator=operator)
            except IntegrityError:  # the same operator bound to this unit by a concurrent request
                raise ApplicationError(
                    OperatorErrorCode.ALREADY_BOUND, ALREADY_BOUND, field="mobile"
                ) from None
        else:
            binding.status = Binding.Status.ACTIVE
            binding.unbound_at = None
            binding.save(update_fields=["status", "unbound_at", "updated_at"])
        hall_unit_changed(unit.pk)
        hall_user_changed(operator.user_id)
        if not from_national:
            outbox_event_add(
                kind=OutboxEvent.Kind.OPERATOR_BOUND,
                unit_uscc=unit.uscc,
                payload={"mobile": operator.mobile, "name": operator.name},
            )
        audit_event_record(
            actor=actor,
            action="operator_bound",
            unit=unit,
            target=binding,
            after={
                "operator": operator.pk,
                "mobile": mask_phone(operator.mobile),
                "new_account": new_account,
            },
            origin=origin,
        )
    return binding


def operator_unbind(*, unit: Unit, binding_id: int, actor: User, origin: RequestOrigin) -> Binding:
    """End the binding: grants and populations go, the operator's sessions for this unit end
    (the current unit is re-checked on every request). The last operator stays bound."""
    with transaction.atomic():
        # Lock the unit row so that concurrent unbinds of its operators run one after another.
        Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True).get()
        binding = (
            Binding.objects.select_for_update()
            .filter(pk=binding_id, unit=unit, status=Binding.Status.ACTIVE)
            .select_related("operator")
            .first()
        )
        if binding is None:
            raise ApplicationError(OperatorErrorCode.NOT_FOUND, "该经办人已解绑或不存在")
        if Binding.objects.filter(unit=unit, status=Binding.Status.ACTIVE).count() <= 1:
            raise ApplicationError(OperatorErrorCode.LAST_OPERATOR, LAST_OPERATOR)
        items = sorted(Grant.objects.filter(binding=binding).values_list("item__code", flat=True))
        Grant.objects.filter(binding=binding).delete()
        binding.populations.clear()
        full_identity = binding.full_identity
        binding.status = Binding.Status.UNBOUND
        binding.unbound_at = timezone.now()
        binding.full_identity = False  # a later re-binding starts without it, like the grants
        binding.save(update_fields=["status", "unbound_at", "full_identity", "updated_at"])
        hall_unit_changed(unit.pk)
        hall_user_changed(binding.operator.user_id)
        outbox_event_add(
            kind=OutboxEvent.Kind.OPERATOR_UNBOUND,
            unit_uscc=unit.uscc,
            payload={"mobile": binding.operator.mobile},
        )
        audit_event_record(
            actor=actor,
            action="operator_unbound",
            unit=unit,
            target=binding,
            before={"status": "active", "grants": items, "full_identity": full_identity},
            after={"status": "unbound", "full_identity": False},
            origin=origin,
        )
        message_send(
            unit=unit,
            category=Message.Category.OPERATOR,
            title="解绑经办人成功",
            body=f"经办人{binding.operator.name}（{mask_phone(binding.operator.mobile)}）已与本单位解除绑定。",
        )
        message_send(
            operator=binding.operator,
            unit=unit,
            category=Message.Category.OPERATOR,
            title="您与单位的绑定已解除",
            body=f"{unit.name}已解除与您的经办业务关系，您将无法再为该单位办理业务。",
        )
    return binding


def operator_grants_set(
    *,
    unit: Unit,
    binding: Binding,
    item_codes: set[str],
    population_codes: set[str],
    actor: User,
    origin: RequestOrigin,
    full_identity: bool = False,
) -> None:
    """Replace the operator's grants in this unit (权限管理 → 确定): items, 管理人群 and whether
    queries and exports show ID numbers and phones in full."""
    items = {i.code: i for i in BusinessItem.objects.filter(code__in=item_codes, is_active=True)}
    unknown = item_codes - set(items)
    if unknown:
        raise ApplicationError(OperatorErrorCode.UNKNOWN_ITEM, "所选业务不存在或已停用，请刷新页面后重新选择")
    roles = unit_roles_held(unit)
    for item in sorted(items.values(), key=lambda i: i.sort_order):
        if item.required_role and item.required_role not in roles:
            raise ApplicationError(
                OperatorErrorCode.ROLE_MISSING,
                f"本单位未通过{UnitRole(item.required_role).label}角色认证，"
                f"不能授权“{item.name}”，请先在【角色认证】中完成认证",
                field="items",
            )
    populations = {p.code: p for p in unit.populations.filter(code__in=population_codes)}
    if set(populations) != population_codes:
        raise ApplicationError(
            OperatorErrorCode.UNKNOWN_POPULATION,
            "所选管理人群不属于本单位，请刷新页面后重新选择",
            field="populations",
        )
    if items and not populations and unit.populations.exists():
        raise ApplicationError(
            OperatorErrorCode.POPULATION_REQUIRED, "请至少选择一个管理人群", field="populations"
        )
    exclusive = get_profile().exclusive_grants
    try:
        with transaction.atomic():
            Unit.objects.select_for_update().filter(pk=unit.pk).values_list("pk", flat=True).get()
            locked = (
                Binding.objects.select_for_update()
                .filter(pk=binding.pk, status=Binding.Status.ACTIVE)
                .first()
            )
            if locked is None or locked.unit_id != unit.pk:
                raise ApplicationError(OperatorErrorCode.NOT_FOUND, "该经办人已解绑或不存在")
            current = {g.item.code: g for g in Grant.objects.filter(binding=binding).select_related("item")}
            added = [items[c] for c in sorted(set(items) - set(current), key=lambda c: items[c].sort_order)]
            if exclusive:
                _refuse_held_elsewhere(unit=unit, binding=binding, items=added)
            Grant.objects.filter(binding=binding, item__code__in=set(current) - set(items)).delete()
            Grant.objects.bulk_create(
                [Grant(binding=binding, unit=unit, item=item, exclusive=exclusive) for item in added]
            )
            before_populations = sorted(binding.populations.values_list("code", flat=True))
            binding.populations.set(populations.values())
            Binding.objects.filter(pk=binding.pk).update(full_identity=full_identity)
            hall_unit_changed(unit.pk)
            audit_event_record(
                actor=actor,
                action="operator_grants_set",
                unit=unit,
                target=binding,
                before={
                    "items": sorted(current),
                    "populations": before_populations,
                    "full_identity": locked.full_identity,
                },
                after={
                    "items": sorted(items),
                    "populations": sorted(populations),
                    "full_identity": full_identity,
                },
                origin=origin,
            )
            message_send(
                operator=binding.operator,
                unit=unit,
                category=Message.Category.OPERATOR,
                title="您的业务权限已更新",
                body=f"{unit.name}已更新您的业务权限，当前可办理{len(items)}项业务。",
            )
    except IntegrityError as exc:
        # Two admins (or two tabs) granted the same exclusive item at once: one grant stands.
        _refuse_held_elsewhere(unit=unit, binding=binding, items=list(items.values()))
        raise ApplicationError(OperatorErrorCode.HELD_ELSEWHERE, "授权未保存，请刷新页面后重试") from exc


def _refuse_held_elsewhere(*, unit: Unit, binding: Binding, items: list[BusinessItem]) -> None:
    if not items:
        return
    held = (
        Grant.objects.filter(unit=unit, item__in=items, binding__status=Binding.Status.ACTIVE)
        .exclude(binding=binding)
        .select_related("item", "binding__operator")
        .order_by("item__sort_order")
        .first()
    )
    if held is not None:
        raise ApplicationError(
            OperatorErrorCode.HELD_ELSEWHERE,
            f"“{held.item.name}”已授权给经办人{held.binding.operator.name}，一个业务只能授权给一个经办人。"
            "如需重新授权给其他经办人，请先取消当前授权的经办人权限，再重新授权",
            field="items",
        )


def unit_verification_phone(unit: Unit) -> str:
    """The phone that confirms the unit admin's sensitive actions: the legal representative's."""
    return unit.legal_rep_mobile


def operator_password_reset(*, unit: Unit, binding: Binding, actor: User, origin: RequestOrigin) -> None:
    """A new random password, sent to the operator by SMS; it must be changed at next login.
    Every session of the operator ends (the session hash follows the password)."""
    password = initial_password_generate()
    with transaction.atomic():
        locked = (
            Binding.objects.select_for_update()
            .filter(pk=binding.pk, unit=unit, status=Binding.Status.ACTIVE)
            .select_related("operator__user")
            .first()
        )
        if locked is None:
            raise ApplicationError(OperatorErrorCode.NOT_FOUND, "该经办人已解绑或不存在")
        user = locked.operator.user
        user_password_set(user=user, password_hash=make_password(password), must_change_password=True)
        audit_event_record(
            actor=actor, action="operator_password_reset", unit=unit, target=user, origin=origin
        )
        message_send(
            operator=locked.operator,
            unit=unit,
            category=Message.Category.OPERATOR,
            title="您的登录密码已被重置",
            body=f"{unit.name}的单位管理员重置了您的登录密码，新密码已通过短信发送，登录后请立即修改。",
        )
        _send_password_sms(
            mobile=locked.operator.mobile,
            text=(
                f"【医保服务平台】{short_name(unit.name)}已为您重置经办人登录密码，新密码：{password}，"
                "请登录后立即修改密码。"
            ),
        )


def populations_available(unit: Unit) -> list[Population]:
    return list(unit.populations.order_by("sort_order", "code"))


# --- 个人中心 → 账户管理: the operator's own details ----------------------------------------------


def operator_email_change(*, operator: Operator, email: str, origin: RequestOrigin) -> None:
    before = operator.email
    with transaction.atomic():
        operator.email = email
        operator.save(update_fields=["email", "updated_at"])
        hall_user_changed(operator.user_id)
        audit_event_record(
            actor=operator.user, action="operator_email_changed", target=operator,
            before={"email": before}, after={"email": email}, origin=origin,
        )  # fmt: skip


def operator_address_change(*, operator: Operator, address: str, origin: RequestOrigin) -> None:
    before = operator.address
    with transaction.atomic():
        operator.address = address
        operator.save(update_fields=["address", "updated_at"])
        hall_user_changed(operator.user_id)
        audit_event_record(
            actor=operator.user, action="operator_address_changed", target=operator,
            before={"address": before}, after={"address": address}, origin=origin,
        )  # fmt: skip
