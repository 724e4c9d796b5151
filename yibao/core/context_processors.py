from django.conf import settings
from django.http import HttpRequest

from yibao.core.profiles import get_profile


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "site_name": settings.YIBAO_SITE_NAME,
        "policy_profile": get_profile(),
        "dev_affordances": settings.YIBAO_DEV_AFFORDANCES,
    }
