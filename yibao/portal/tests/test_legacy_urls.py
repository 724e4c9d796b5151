"""Every old address redirects to its new one, parameters and query string kept."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import resolve

from yibao.core.tests.factories import UnitFactory
from yibao.portal import legacy_urls

QUERY = "?next=%2Fhall%2F&tab=operator"
SAMPLES = {"int": "7", "slug": "roster", "str": "x"}

# old path (with sample ids) → new path
OLD_TO_NEW = {
    "/login/": "/hall/login/",
    "/login/choose-unit/": "/hall/login/choose-unit/",
    "/logout/": "/hall/logout/",
    "/register/": "/hall/register/",
    "/register/operator/": "/hall/register/operator/",
    "/register/done/": "/hall/register/done/",
    "/password-recovery/": "/hall/password-recovery/",
    "/password-recovery/unit-uscc/": "/hall/password-recovery/unit-uscc/",
    "/password-recovery/unit-account/": "/hall/password-recovery/unit-account/",
    "/password-recovery/operator/": "/hall/password-recovery/operator/",
    "/password-recovery/done/": "/hall/password-recovery/done/",
    "/hall/unit/messages/": "/hall/messages/",
    "/hall/unit/messages/7/": "/hall/messages/7/",
    "/hall/unit/messages/read-all/": "/hall/messages/read-all/",
    "/hall/unit/operators/": "/hall/operators/",
    "/hall/unit/operators/add/": "/hall/operators/add/",
    "/hall/unit/operators/add/confirm/": "/hall/operators/add/confirm/",
    "/hall/unit/operators/7/grants/": "/hall/operators/7/grants/",
    "/hall/unit/operators/7/reset-password/": "/hall/operators/7/reset-password/",
    "/hall/unit/operators/7/unbind/": "/hall/operators/7/unbind/",
    "/hall/services/": "/hall/operators/services/",
    "/hall/services/roster/": "/hall/operators/services/roster/",
    "/hall/population/": "/hall/operators/population/",
    "/hall/enroll/": "/hall/enrollment/enroll/",
    "/hall/enroll/batch/": "/hall/enrollment/enroll/batch/",
    "/hall/enroll/batch/template/": "/hall/enrollment/enroll/batch/template/",
    "/hall/enroll/batch/7/": "/hall/enrollment/enroll/batch/7/",
    "/hall/enroll/batch/7/failures/": "/hall/enrollment/enroll/batch/7/failures/",
    "/hall/enrollment/key-info-change/": "/hall/changes/employee-key-info/",
    "/hall/enrollment/key-info-change/7/": "/hall/changes/employee-key-info/7/",
    "/hall/enrollment/info-change/": "/hall/changes/employee-info/",
    "/hall/enrollment/info-change/7/": "/hall/changes/employee-info/7/",
    "/hall/query/unit/": "/hall/queries/unit/",
    "/hall/query/unit-insurance/": "/hall/queries/unit-insurance/",
    "/hall/query/person/": "/hall/queries/person/",
    "/hall/query/person-insurance/": "/hall/queries/person-insurance/",
    "/hall/query/remote-care-filings/": "/hall/queries/remote-care-filings/",
    "/hall/query/roster/": "/hall/queries/roster/",
    "/hall/query/roster/export/": "/hall/queries/roster/export/",
    "/hall/query/personnel-changes/": "/hall/queries/personnel-changes/",
    # machine API
    "/internal/api/contributions/": "/api/internal/contributions/",
}
# POST-only endpoints: 308, the client repeats its POST with its body
METHOD_KEEPING = {
    "/logout/",
    "/hall/unit/messages/read-all/",
    "/hall/unit/operators/add/confirm/",
    "/hall/population/",
    "/internal/api/contributions/",
}


LEGACY_ROUTES = {str(pattern.pattern) for pattern in legacy_urls.urlpatterns}


def sample_path(route: str) -> str:
    return "/" + re.sub(r"<(\w+):\w+>", lambda m: SAMPLES[m.group(1)], route)


def test_every_old_address_is_walked() -> None:
    assert {sample_path(route) for route in LEGACY_ROUTES} == OLD_TO_NEW.keys()


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW.items())
def test_an_old_address_redirects_to_its_new_one(client: Client, old: str, new: str) -> None:
    if old in METHOD_KEEPING:
        response = client.post(old + QUERY, {"field": "value"})
        assert (response.status_code, response["Location"]) == (308, new + QUERY)
    else:
        response = client.get(old + QUERY)
        assert (response.status_code, response["Location"]) == (301, new + QUERY)
    assert resolve(new).route not in LEGACY_ROUTES  # a current page, not another redirect


@pytest.mark.django_db
def test_a_machine_client_posting_to_the_old_feed_reaches_the_new_one(client: Client, settings) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = "s3cret-token-for-tests"
    response = client.post("/internal/api/contributions/", {}, follow=True)
    assert response.redirect_chain == [("/api/internal/contributions/", 308)]
    assert response.status_code == 401  # the new address asked for the token


@pytest.mark.django_db
def test_an_old_bookmark_leads_through_the_new_login(client: Client) -> None:
    response = client.get("/hall/query/roster/?name=%E7%8E%8B", follow=True)
    assert response.redirect_chain == [
        ("/hall/queries/roster/?name=%E7%8E%8B", 301),
        ("/hall/login/?next=/hall/queries/roster/%3Fname%3D%25E7%258E%258B", 302),
    ]


@pytest.mark.django_db
def test_the_old_logout_still_logs_out(client: Client) -> None:
    account = UnitFactory.create().account
    assert account is not None
    client.force_login(account)
    response = client.post("/logout/", follow=True)
    assert response.redirect_chain == [("/hall/logout/", 308), ("/", 302)]
    assert client.get("/hall/unit/")["Location"].startswith("/hall/login/")
