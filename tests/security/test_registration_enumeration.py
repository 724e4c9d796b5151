"""单位注册 cannot be used to list who is registered: the answer «该账号已被使用» / «该统一社会信用代码
已注册» / «该手机号已被注册过» comes only after the captcha, and only so many times per address."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yibao.core.tests.factories import OperatorFactory, UnitFactory
from yibao.entry.registration import ACCOUNT_TAKEN_MESSAGE, TOO_MANY_CHECKS_MESSAGE, USCC_REGISTERED_MESSAGE
from yibao.entry.tests.test_registration import MOBILE, OPERATOR_STEP, UNIT_STEP, errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken() -> Any:
    unit = UnitFactory.create(uscc=UNIT_STEP["uscc"])
    assert unit.account is not None
    return {**UNIT_STEP, "account": unit.account.username}


def test_without_the_captcha_nothing_is_said_about_who_is_registered(
    client: Client, taken: dict[str, str]
) -> None:
    said = errors(client.post(reverse("entry:register"), {**taken, "captcha_1": ""}))
    assert "图形验证码：请输入图形验证码" in said
    assert not any(ACCOUNT_TAKEN_MESSAGE in e or USCC_REGISTERED_MESSAGE in e for e in said)


def test_with_the_captcha_the_manuals_answers_are_given(client: Client, taken: dict[str, str]) -> None:
    said = errors(client.post(reverse("entry:register"), taken))
    assert f"账号：{ACCOUNT_TAKEN_MESSAGE}" in said and f"统一社会信用代码：{USCC_REGISTERED_MESSAGE}" in said


def test_an_address_gets_only_so_many_answers(client: Client, taken: dict[str, str], settings: Any) -> None:
    settings.YIBAO_REGISTER_CHECKS_PER_IP = 3
    for _ in range(3):
        assert f"账号：{ACCOUNT_TAKEN_MESSAGE}" in errors(client.post(reverse("entry:register"), taken))
    said = errors(client.post(reverse("entry:register"), taken))
    assert said == [TOO_MANY_CHECKS_MESSAGE]
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert f"账号：{ACCOUNT_TAKEN_MESSAGE}" in errors(other.post(reverse("entry:register"), taken))


def test_the_operator_step_does_not_say_past_the_budget_whether_a_mobile_is_registered(
    client: Client, settings: Any
) -> None:
    OperatorFactory.create(mobile=MOBILE)
    settings.YIBAO_REGISTER_CHECKS_PER_IP = 2
    assert client.post(reverse("entry:register"), UNIT_STEP).status_code == 302  # one answer
    first = client.post(reverse("entry:register-operator"), OPERATOR_STEP)  # the second
    assert "该手机号已被注册过" in first.content.decode()
    again = client.post(reverse("entry:register-operator"), OPERATOR_STEP).content.decode()
    assert TOO_MANY_CHECKS_MESSAGE in again and "该手机号已被注册过" not in again
