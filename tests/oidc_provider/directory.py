"""The provider's people: read from a JSON file the tests write (so each test adds whom it needs
without restarting the provider), with the claims of a legal-person identity."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from oauth2_provider.oauth2_validators import OAuth2Validator


def directory() -> dict[str, dict[str, str]]:
    path = Path(os.environ["PROVIDER_DIRECTORY"])
    data: dict[str, dict[str, str]] = json.loads(path.read_text()) if path.exists() else {}
    return data


class DirectoryBackend:
    """Username and password from the directory; the Django user is made at the first login."""

    def authenticate(
        self, request: HttpRequest | None, username: str = "", password: str = "", **kwargs: Any
    ) -> User | None:
        person = directory().get(username)
        if person is None or person.get("password") != password:
            return None
        user, _ = User.objects.get_or_create(username=username)
        return user

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id).first()


class LegalPersonValidator(OAuth2Validator):
    """ID tokens carry the legal person's 统一社会信用代码, name and kind (scope profile)."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "uscc": "profile",
        "org_name": "profile",
        "subject_kind": "profile",
    }

    def get_additional_claims(self, request: Any) -> dict[str, str]:
        person = directory().get(request.user.username, {})
        return {key: person[key] for key in ("uscc", "org_name", "subject_kind") if key in person}
