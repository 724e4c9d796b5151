"""The login page offers exactly the logins of the active profile (issue 17 item 4): national and
Yunnan password only, Henan password + CA, Beijing password + CA + 统一身份认证."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.pagecheck import check_page
from yibao.core.profiles import PROFILES

LOGINS = {
    "national": ("password",),
    "yunnan": ("password",),
    "henan": ("password", "ca"),
    "beijing": ("password", "ca", "oidc"),
}


def test_each_profile_says_its_logins() -> None:
    assert {code: profile.unit_logins for code, profile in PROFILES.items()} == LOGINS


@pytest.mark.django_db
@pytest.mark.parametrize("profile", sorted(LOGINS))
def test_the_login_page_offers_the_profiles_logins(client: Client, settings: Any, profile: str) -> None:
    settings.YIBAO_PROFILE = profile
    soup = check_page(client.get("/hall/login/"))
    assert soup.find("button", string="登录") is not None  # 单位账号 + 密码, always
    ca = "ca" in LOGINS[profile]
    assert (soup.find("a", string="CA登录") is not None) is ca
    for url in ("/hall/login/ca/", "/hall/register/ca/"):
        assert client.get(url).status_code == (200 if ca else 404)
