"""Writes of login accounts: passwords are stored as given (hashed by the caller) and a recovery
lifts the lockouts."""

import pytest
from django.contrib.auth.hashers import make_password

from yibao.accounts import lockout
from yibao.accounts.authentication import user_lock_key
from yibao.accounts.models import LoginFailure, User
from yibao.accounts.services import user_create, user_password_change, user_password_recover
from yibao.core.audit import RequestOrigin
from yibao.core.models import AuditEvent

ORIGIN = RequestOrigin(ip_address="10.0.0.9")


@pytest.mark.django_db
def test_user_create_stores_the_hash_it_is_given() -> None:
    user = user_create(
        username="13900001111", password_hash=make_password("Yibao2026test"), kind=User.Kind.OPERATOR,
        first_name="吴敏", must_change_password=True,
    )  # fmt: skip
    user.refresh_from_db()
    assert user.check_password("Yibao2026test")
    assert (user.kind, user.first_name, user.must_change_password) == ("operator", "吴敏", True)


@pytest.mark.django_db
def test_a_changed_password_no_longer_must_change_and_is_audited() -> None:
    user = user_create(username="dw20261123", password_hash=make_password("x"), kind=User.Kind.UNIT,
                       must_change_password=True)  # fmt: skip
    user_password_change(user=user, password_hash=make_password("Changed12345"), origin=ORIGIN)
    user.refresh_from_db()
    assert user.check_password("Changed12345") and not user.must_change_password
    assert (
        AuditEvent.objects.filter(action="password_changed", actor=user, object_id=str(user.pk)).count() == 1
    )


@pytest.mark.django_db
def test_a_recovery_lifts_both_lockouts() -> None:
    user = user_create(username="dw20261123", password_hash=make_password("x"), kind=User.Kind.UNIT)
    for key in ("typed:recovery", user_lock_key(user), "typed:other"):
        lockout.login_failure_record(account_key=key, ip_address=ORIGIN.ip_address)
    user_password_recover(user=user, password_hash=make_password("Newpass12345"), lock_key="typed:recovery",
                          origin=ORIGIN)  # fmt: skip
    user.refresh_from_db()
    assert user.check_password("Newpass12345")
    assert list(LoginFailure.objects.values_list("account_key", flat=True)) == ["typed:other"]
    assert AuditEvent.objects.filter(action="password_recovered", actor=user).count() == 1
