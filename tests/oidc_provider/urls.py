from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from oauth2_provider.utils import jwk_from_pem


def jwks(request: HttpRequest) -> JsonResponse:
    """The provider's key set; with PROVIDER_PUBLISHED another key is published under the
    signing key's id (what an impostor's tokens look like to the hall)."""
    signing = jwk_from_pem(getattr(settings, "OIDC_SIGNING_KEY"))  # noqa: B009 - this project's own settings
    published_pem = getattr(settings, "OIDC_PUBLISHED_KEY")  # noqa: B009
    published = jwk_from_pem(published_pem) if published_pem else signing
    key = {"alg": "RS256", "use": "sig", "kid": signing.thumbprint(), **json.loads(published.export_public())}
    return JsonResponse({"keys": [key]})


urlpatterns = [
    path("accounts/login/", LoginView.as_view(template_name="oidc_provider/login.html"), name="login"),
    path("o/.well-known/jwks.json", jwks),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
