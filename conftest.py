"""Shared fixtures for every test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.pagecheck import check_page

# The test OpenID Connect provider (统一身份认证平台) for the hall's OIDC tests.
pytest_plugins = ["tests.oidc_provider.fixtures"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    from yibao.core.selectors import division_tree_clear

    cache.clear()
    division_tree_clear()


@pytest.fixture
def sms_sent_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queued SMS are enqueued when queued instead of when their transaction commits: for tests
    that read the SMS outbox inside the test's transaction, which never commits (the tests of
    the queue itself capture the on-commit callbacks or commit for real)."""
    from types import SimpleNamespace

    from django.db import transaction

    from yibao.accounts import sms_dispatch

    at_once = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, **kwargs: func())
    monkeypatch.setattr(sms_dispatch, "transaction", at_once)


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Transactional tests flush the database after each test, reference data included;
    this puts the code tables, divisions, business catalogue, populations and credit rules back (the
    migrations' loaders, ~0.3 s)."""
    from django.core.cache import cache

    from yibao.core.divisions import division_rows_sync
    from yibao.core.models import CodeItem, CodeTable, Division
    from yibao.core.reference import code_tables_sync
    from yibao.core.selectors import division_tree_clear
    from yibao.enrollment.models import RegionPolicy
    from yibao.enrollment.policies import region_policies_sync
    from yibao.operators.catalogue import business_catalogue_sync
    from yibao.operators.models import BusinessItem, FunctionRole
    from yibao.units.credit_defaults import credit_defaults_sync
    from yibao.units.models import CreditLevel, CreditRule, Population
    from yibao.units.populations import populations_sync

    if not Division.objects.exists():
        code_tables_sync(CodeTable, CodeItem)
        division_rows_sync(Division)
    if not BusinessItem.objects.exists():
        business_catalogue_sync(FunctionRole, BusinessItem)
        populations_sync(Population)
        credit_defaults_sync(CreditRule, CreditLevel)
        region_policies_sync(RegionPolicy, Division)
    cache.clear()
    division_tree_clear()


@pytest.fixture
def get_page(client: Client) -> Callable[..., BeautifulSoup]:
    """GET a URL through the test client and run the page checks on it."""

    def fetch(url: str, *, status: int = 200, **kwargs: Any) -> BeautifulSoup:
        return check_page(client.get(url), status=status, **kwargs)

    return fetch


@pytest.fixture
def staff_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        username="shenhe", password="Shenhe2026x", is_staff=True, kind="staff", first_name="审核员"
    )


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    """pytest-django's admin client (a client of its own), logged in with both factors as the
    staff login requires."""
    from yibao.core.tests.factories import staff_login

    client = Client()
    staff_login(client, admin_user)
    return client
