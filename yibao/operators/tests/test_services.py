"""Rules of 单位经办人 management: bind, grant, reset, unbind."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from yibao.accounts.models import SmsMessage, User
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.core.validators.passwords import validate_password_policy
from yibao.notices.models import Message
from yibao.operators import services
from yibao.operators.models import Binding, Grant, Operator
from yibao.units.models import Unit
from yibao.units.selectors import unit_roles_held

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms_sent_at_once")]  # SMS read at once
ORIGIN = RequestOrigin()


def admin(unit: Unit) -> User:
    assert unit.account is not None
    return unit.account


def codes(binding: Binding) -> set[str]:
    return set(binding.grants.values_list("item__code", flat=True))


def test_binding_a_new_mobile_opens_an_operator_with_a_password_sent_by_sms() -> None:
    unit = UnitFactory.create()
    result = services.operator_bind(
        unit=unit,
        actor=admin(unit),
        mobile="13500001111",
        new=services.NewOperator(name="吴敏", cert_type="01", cert_no="110101199003070011"),
        origin=ORIGIN,
    )
    assert result.created
    user = User.objects.get(username="13500001111")
    assert user.kind == User.Kind.OPERATOR and user.must_change_password
    sms = SmsMessage.objects.get(phone="13500001111")
    password = sms.text.split("初始密码：")[1].split("，")[0]
    assert user.check_password(password)
    validate_password_policy(password)
    assert Message.objects.filter(unit=unit, operator=None, title="绑定经办人成功").exists()
    assert AuditEvent.objects.filter(action="operator_bound").exists()


def test_binding_an_existing_operator_needs_no_details_and_keeps_its_password() -> None:
    other = BindingFactory.create()
    unit = UnitFactory.create()
    result = services.operator_bind(
        unit=unit, actor=admin(unit), mobile=other.operator.mobile, new=None, origin=ORIGIN
    )
    assert not result.created
    assert result.binding.operator == other.operator
    assert other.operator.user.check_password("Yibao2026test")
    assert not SmsMessage.objects.exists()
    assert Binding.objects.filter(operator=other.operator, status=Binding.Status.ACTIVE).count() == 2


def test_binding_twice_to_the_same_unit_is_refused() -> None:
    binding = BindingFactory.create()
    with pytest.raises(ApplicationError) as caught:
        services.operator_bind(
            unit=binding.unit,
            actor=admin(binding.unit),
            mobile=binding.operator.mobile,
            new=None,
            origin=ORIGIN,
        )
    assert caught.value.message == "该经办人已绑定本单位，无需重复绑定"


def test_a_new_mobile_needs_the_details() -> None:
    unit = UnitFactory.create()
    with pytest.raises(ApplicationError):
        services.operator_bind(unit=unit, actor=admin(unit), mobile="13500001111", new=None, origin=ORIGIN)
    assert not Operator.objects.filter(mobile="13500001111").exists()


def test_rebinding_an_unbound_operator_reactivates_it_without_old_grants() -> None:
    keep = BindingFactory.create()
    gone = grant(BindingFactory.create(unit=keep.unit), "roster")
    services.operator_unbind(unit=keep.unit, binding_id=gone.pk, actor=admin(keep.unit), origin=ORIGIN)
    result = services.operator_bind(
        unit=keep.unit, actor=admin(keep.unit), mobile=gone.operator.mobile, new=None, origin=ORIGIN
    )
    assert result.binding.pk == gone.pk
    assert result.binding.status == Binding.Status.ACTIVE
    assert codes(result.binding) == set()


def test_the_last_operator_cannot_be_unbound() -> None:
    binding = BindingFactory.create()
    with pytest.raises(ApplicationError) as caught:
        services.operator_unbind(
            unit=binding.unit, binding_id=binding.pk, actor=admin(binding.unit), origin=ORIGIN
        )
    assert "至少存在一名经办人" in caught.value.message
    binding.refresh_from_db()
    assert binding.status == Binding.Status.ACTIVE


def test_unbinding_removes_grants_and_populations() -> None:
    keep = BindingFactory.create()
    gone = grant(BindingFactory.create(unit=keep.unit), "roster", "unit-basic-info")
    services.operator_unbind(unit=keep.unit, binding_id=gone.pk, actor=admin(keep.unit), origin=ORIGIN)
    gone.refresh_from_db()
    assert gone.status == Binding.Status.UNBOUND and gone.unbound_at is not None
    assert codes(gone) == set() and not gone.populations.exists()
    assert Message.objects.filter(operator=gone.operator, title="您与单位的绑定已解除").exists()


def test_another_units_binding_cannot_be_unbound() -> None:
    mine = BindingFactory.create()
    BindingFactory.create(unit=mine.unit)
    theirs = BindingFactory.create()
    BindingFactory.create(unit=theirs.unit)
    with pytest.raises(ApplicationError):
        services.operator_unbind(unit=mine.unit, binding_id=theirs.pk, actor=admin(mine.unit), origin=ORIGIN)
    theirs.refresh_from_db()
    assert theirs.status == Binding.Status.ACTIVE


def set_grants(binding: Binding, items: set[str], populations: set[str] | None = None) -> None:
    services.operator_grants_set(
        unit=binding.unit,
        binding=binding,
        item_codes=items,
        population_codes={"in-service"} if populations is None else populations,
        actor=admin(binding.unit),
        origin=ORIGIN,
    )


def test_grants_are_replaced_and_audited() -> None:
    binding = BindingFactory.create()
    set_grants(binding, {"roster", "unit-basic-info"})
    assert codes(binding) == {"roster", "unit-basic-info"}
    set_grants(binding, {"roster", "employee-enrollment"}, {"in-service", "retired"})
    assert codes(binding) == {"roster", "employee-enrollment"}
    assert set(binding.populations.values_list("code", flat=True)) == {"in-service", "retired"}
    event = AuditEvent.objects.filter(action="operator_grants_set").order_by("-pk").first()
    assert event is not None and event.before["items"] == ["roster", "unit-basic-info"]


def test_full_identity_is_granted_and_taken_back_with_the_grants() -> None:
    binding = BindingFactory.create()
    services.operator_grants_set(
        unit=binding.unit, binding=binding, item_codes={"roster"}, population_codes={"in-service"},
        actor=admin(binding.unit), origin=ORIGIN, full_identity=True,
    )  # fmt: skip
    binding.refresh_from_db()
    assert binding.full_identity is True
    set_grants(binding, {"roster"})
    binding.refresh_from_db()
    assert binding.full_identity is False
    event = AuditEvent.objects.filter(action="operator_grants_set").order_by("-pk").first()
    assert event is not None and (event.before["full_identity"], event.after["full_identity"]) == (
        True,
        False,
    )


def test_unbinding_takes_full_identity_back_too() -> None:
    binding = BindingFactory.create()
    BindingFactory.create(unit=binding.unit)
    Binding.objects.filter(pk=binding.pk).update(full_identity=True)
    services.operator_unbind(
        unit=binding.unit, binding_id=binding.pk, actor=admin(binding.unit), origin=ORIGIN
    )
    binding.refresh_from_db()
    assert (binding.status, binding.full_identity) == (Binding.Status.UNBOUND, False)


def test_an_item_needing_a_role_the_unit_lacks_is_refused() -> None:
    binding = BindingFactory.create()
    assert unit_roles_held(binding.unit) == {"insured"}
    with pytest.raises(ApplicationError) as caught:
        set_grants(binding, {"procurement-system"})
    assert caught.value.message.startswith("本单位未通过招采企业角色认证，不能授权“访问招采系统”")
    assert codes(binding) == set()


def test_a_population_of_another_unit_or_none_at_all_is_refused() -> None:
    binding = BindingFactory.create(unit=UnitFactory.create(populations=["in-service"]))
    with pytest.raises(ApplicationError) as caught:
        set_grants(binding, {"roster"}, {"retired"})
    assert caught.value.message.startswith("所选管理人群不属于本单位")
    with pytest.raises(ApplicationError) as caught:
        set_grants(binding, {"roster"}, set())
    assert caught.value.message == "请至少选择一个管理人群"


def test_national_profile_grants_an_item_to_one_operator_only(settings) -> None:
    settings.YIBAO_PROFILE = "national"
    first = BindingFactory.create()
    first.operator.name = "张三"
    first.operator.save()
    second = BindingFactory.create(unit=first.unit)
    set_grants(first, {"roster"})
    with pytest.raises(ApplicationError) as caught:
        set_grants(second, {"roster", "unit-basic-info"})
    assert caught.value.message.startswith("“职工花名册查询”已授权给经办人张三，一个业务只能授权给一个经办人")
    assert codes(second) == set()
    set_grants(first, set(), set())
    set_grants(second, {"roster"})
    assert codes(second) == {"roster"}


def test_other_profiles_grant_an_item_to_several_operators(settings) -> None:
    settings.YIBAO_PROFILE = "beijing"
    first = BindingFactory.create()
    second = BindingFactory.create(unit=first.unit)
    set_grants(first, {"roster"})
    set_grants(second, {"roster"})
    assert Grant.objects.filter(unit=first.unit, item__code="roster").count() == 2


def test_the_database_refuses_a_second_exclusive_holder() -> None:
    from django.db import IntegrityError, transaction

    first = grant(BindingFactory.create(), "roster")
    Grant.objects.filter(binding=first).update(exclusive=True)
    second = BindingFactory.create(unit=first.unit)
    item = Grant.objects.get(binding=first).item
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(binding=second, unit=first.unit, item=item, exclusive=True)


def test_reset_password_sends_a_new_one_and_forces_a_change() -> None:
    binding = BindingFactory.create()
    services.operator_password_reset(
        unit=binding.unit, binding=binding, actor=admin(binding.unit), origin=ORIGIN
    )
    user = User.objects.get(pk=binding.operator.user_id)
    assert user.must_change_password
    assert not user.check_password("Yibao2026test")
    text = SmsMessage.objects.get(phone=binding.operator.mobile).text
    assert user.check_password(text.split("新密码：")[1].split("，")[0])


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_unbinds_of_the_last_two_operators_leave_one_bound(reference_data) -> None:
    first = BindingFactory.create()
    second = BindingFactory.create(unit=first.unit)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def unbind(binding: Binding) -> None:
        try:
            barrier.wait()
            services.operator_unbind(
                unit=binding.unit, binding_id=binding.pk, actor=admin(binding.unit), origin=ORIGIN
            )
            outcomes.append("unbound")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=unbind, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("unbound") == 1
    assert any("至少存在一名经办人" in outcome for outcome in outcomes)
    assert Binding.objects.filter(unit=first.unit, status=Binding.Status.ACTIVE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_units_opening_the_same_new_mobile_at_once_share_one_operator(reference_data) -> None:
    units = [UnitFactory.create(), UnitFactory.create()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def bind(unit: Unit) -> None:
        try:
            barrier.wait()
            services.operator_bind(
                unit=unit, actor=admin(unit), mobile="13500009999",
                new=services.NewOperator(name="吴敏", cert_type="01", cert_no="110101199003070011"), origin=ORIGIN,
            )  # fmt: skip
            outcomes.append("bound")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=bind, args=(u,)) for u in units]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["bound", "bound"]
    operator = Operator.objects.get(mobile="13500009999")
    assert Binding.objects.filter(operator=operator, status=Binding.Status.ACTIVE).count() == 2
    assert User.objects.filter(username="13500009999").count() == 1


def test_a_code_asked_for_by_another_unit_is_not_accepted(client) -> None:
    from yibao.accounts.models import SmsPurpose
    from yibao.accounts.sms_codes import sms_code_send, sms_code_verify

    first, second = UnitFactory.create(), UnitFactory.create()
    sms_code_send(phone="13500008888", purpose=SmsPurpose.BIND_OPERATOR, context=f"unit:{first.pk}",
                  action=f"{first.name}正在将您绑定为单位经办人")  # fmt: skip
    text = SmsMessage.objects.get(phone="13500008888").text
    assert text.startswith(f"【医保服务平台】{first.name}正在将您绑定为单位经办人，验证码：")
    code = text.split("验证码：")[1][:6]
    with pytest.raises(ApplicationError):
        sms_code_verify(
            phone="13500008888", purpose=SmsPurpose.BIND_OPERATOR, code=code, context=f"unit:{second.pk}"
        )
    sms_code_verify(
        phone="13500008888", purpose=SmsPurpose.BIND_OPERATOR, code=code, context=f"unit:{first.pk}"
    )
