"""The one grant check: binding, item, grant and the unit's role, in the order the hall explains."""

from __future__ import annotations

import pytest

from yibao.accounts.models import User
from yibao.core.tests.factories import BindingFactory, UnitFactory, UserFactory, grant
from yibao.operators.grants import GrantRefusal, binding_active, grant_decide, items_in_force
from yibao.operators.models import Binding, BusinessItem, Grant
from yibao.units.models import RoleCertification

pytestmark = pytest.mark.django_db

ITEM = "roster"  # 职工花名册查询, needs the 参保单位 role


def decide(binding: Binding, code: str = ITEM) -> GrantRefusal | None:
    return grant_decide(user=binding.operator.user, unit_id=binding.unit_id, item_code=code).refusal


def test_a_granted_item_of_a_certified_unit_is_allowed_in_one_query(django_assert_num_queries) -> None:
    binding = grant(BindingFactory.create(), ITEM)
    user = binding.operator.user
    with django_assert_num_queries(1):
        decision = grant_decide(user=user, unit_id=binding.unit_id, item_code=ITEM)
        assert decision.allowed
        assert decision.binding is not None and decision.binding.unit.division is not None
        assert decision.item is not None and decision.item.code == ITEM
    assert items_in_force(user=user, unit_id=binding.unit_id) == {ITEM}


def test_each_missing_condition_is_named() -> None:
    binding = grant(BindingFactory.create(), ITEM)
    assert decide(binding, "no-such-item") is GrantRefusal.UNKNOWN_ITEM
    assert decide(binding, "unit-certificate") is GrantRefusal.NOT_GRANTED

    RoleCertification.objects.filter(unit=binding.unit).update(status=RoleCertification.Status.PENDING)
    assert decide(binding) is GrantRefusal.ROLE_MISSING
    assert decide(binding, "unit-certificate") is GrantRefusal.ROLE_MISSING  # not grantable away
    assert items_in_force(user=binding.operator.user, unit_id=binding.unit_id) == set()

    RoleCertification.objects.filter(unit=binding.unit).update(status=RoleCertification.Status.CERTIFIED)
    BusinessItem.objects.filter(code=ITEM).update(is_active=False)
    assert decide(binding) is GrantRefusal.UNKNOWN_ITEM

    BusinessItem.objects.filter(code=ITEM).update(is_active=True)
    Binding.objects.filter(pk=binding.pk).update(status=Binding.Status.UNBOUND)
    assert decide(binding) is GrantRefusal.NOT_BOUND
    assert binding_active(user=binding.operator.user, unit_id=binding.unit_id) is None


def test_an_item_without_a_role_needs_only_the_grant() -> None:
    binding = grant(BindingFactory.create(unit=UnitFactory.create(roles=[])), "case-records", ITEM)
    assert decide(binding, "case-records") is None
    assert decide(binding) is GrantRefusal.ROLE_MISSING
    assert items_in_force(user=binding.operator.user, unit_id=binding.unit_id) == {"case-records"}


def test_another_units_grant_and_other_users_count_for_nothing() -> None:
    binding = grant(BindingFactory.create(), ITEM)
    other_unit = BindingFactory.create(operator=binding.operator)
    assert decide(other_unit) is GrantRefusal.NOT_GRANTED
    assert Grant.objects.filter(binding=other_unit).count() == 0
    for stranger in (UserFactory.create(kind=User.Kind.UNIT), UserFactory.create(is_staff=True)):
        decision = grant_decide(user=stranger, unit_id=binding.unit_id, item_code=ITEM)
        assert decision.refusal is GrantRefusal.NOT_BOUND
        assert items_in_force(user=stranger, unit_id=binding.unit_id) == set()
