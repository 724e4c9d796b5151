"""Every form that sets a password runs the whole validator list (profile, common, like-account)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from yibao.entry.tests.test_registration import UNIT_STEP, errors
from yibao.units.models import Unit

pytestmark = pytest.mark.django_db


def field_errors(client: Client, data: dict[str, str]) -> list[str]:
    return errors(client.post(reverse("entry:register"), data))  # the page echoes what was typed


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Password123", "该密码过于常见，容易被他人猜中，请设置其他密码"),
        (UNIT_STEP["account"] + "Z1", "密码不能与账号、手机号或证件号码相同或相近，请设置其他密码"),
    ],
)
def test_registration_refuses_a_common_password_or_one_like_the_account(
    client: Client, password: str, message: str
) -> None:
    data = {**UNIT_STEP, "password": password, "password_confirm": password}
    assert f"密码：{message}" in field_errors(client, data)
    assert Unit.objects.count() == 0
