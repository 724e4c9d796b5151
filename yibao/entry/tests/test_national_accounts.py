"""Two instances of the hall: the national one as a separate server with its own database, this
test process as the Yunnan hall. A unit registered on the national hall logs in here with the same
account (Yunnan manual 001 FAQ 2.1); events sent to the national hall arrive once, even when the
national server is killed in the middle of a delivery."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.instances import HallInstance
from yibao.accounts.models import User
from yibao.core.models import AuditEvent
from yibao.entry.tests.test_login import form_errors, operator_login, unit_login
from yibao.federation.delivery import outbox_deliver
from yibao.federation.models import OutboxEvent
from yibao.federation.outbox import outbox_event_add
from yibao.federation.signing import request_headers
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit

SECRET = "federation-secret-for-two-halls-Lm3Qx8Rt5Vw2Yz7Bc4"
ACCOUNT, PASSWORD, USCC = "dwnational01", "Abcd12345678", "91530112MA6NQ2P807"
SEED = f"""
from yibao.core.tests.factories import OperatorFactory, UnitFactory
from yibao.operators.models import Binding
unit = UnitFactory.create(uscc="{USCC}", account__username="{ACCOUNT}", name="昆明国家注册医药有限公司",
                          emp_no="53011200999001")
unit.account.set_password("{PASSWORD}")
unit.account.save()
for mobile in ("13800000001", "13800000002"):
    Binding.objects.create(unit=unit, operator=OperatorFactory.create(mobile=mobile))
"""


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallInstance]:
    instance = HallInstance(
        tmp_path_factory.mktemp("halls"), profile="national", env={"YIBAO_FEDERATION_SECRET": SECRET}
    ).prepare()
    instance.shell(SEED)
    instance.start()
    yield instance
    instance.kill()


@pytest.fixture
def yunnan(settings: Any, national: HallInstance) -> HallInstance:
    settings.YIBAO_PROFILE = "yunnan"
    settings.YIBAO_NATIONAL_URL = national.url
    settings.YIBAO_FEDERATION_SECRET = SECRET
    settings.YIBAO_FEDERATION_SOURCE = "yunnan"
    return national


@pytest.mark.django_db
def test_a_national_account_logs_in_here_and_from_then_on_locally(
    client: Client, yunnan: HallInstance
) -> None:
    response = unit_login(client, ACCOUNT, PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/hall/unit/"), form_errors(response)
    unit = Unit.objects.get(uscc=USCC)
    assert (unit.account.username, unit.name, unit.emp_no) == (
        ACCOUNT,
        "昆明国家注册医药有限公司",
        "53011200999001",
    )
    assert unit.account.check_password(PASSWORD)  # this hall's own hash of what was typed here
    mobiles = set(
        Binding.objects.filter(unit=unit, status="active").values_list("operator__mobile", flat=True)
    )
    assert mobiles == {"13800000001", "13800000002"}
    assert not Operator.objects.get(mobile="13800000001").user.has_usable_password()
    assert AuditEvent.objects.filter(action="unit_adopted_from_national", unit=unit).exists()
    assert OutboxEvent.objects.count() == 0  # nothing echoed back to the national hall
    verified = yunnan.query(
        "select count(*) from core_auditevent where action = 'federation_account_verified'"
    )
    assert verified[0][0] >= 1

    yunnan.kill()  # logins are local now: the national hall is not asked again
    try:
        client.logout()
        response = unit_login(client, ACCOUNT, PASSWORD)
        assert response["Location"] == "/hall/unit/", form_errors(response)
    finally:
        yunnan.start()


@pytest.mark.django_db
def test_a_national_operator_logs_in_here_and_brings_its_unit(client: Client, yunnan: HallInstance) -> None:
    # Beijing manual 002 FAQ 6: an operator of another hall logs in once and is 同步至地方网厅.
    response = operator_login(client, "13800000001", "Yibao2026test")
    assert response.status_code == 302, form_errors(response)
    operator = Operator.objects.get(mobile="13800000001")
    assert operator.user.check_password("Yibao2026test")
    unit = Unit.objects.get(uscc=USCC)
    assert Binding.objects.filter(unit=unit, operator=operator, status="active").exists()
    assert not unit.account.has_usable_password()  # the admin's password stays the admin's
    # The unit admin's first login here asks the national hall, and brings the admin's password.
    client.logout()
    response = unit_login(client, ACCOUNT, PASSWORD)
    assert response["Location"] == "/hall/unit/", form_errors(response)
    unit.account.refresh_from_db()
    assert unit.account.check_password(PASSWORD)
    # An operator copied with the unit (no password here) brings its password the same way.
    client.logout()
    assert not Operator.objects.filter(mobile="13800000002").exists()  # not brought by an operator
    assert operator_login(client, "13800000002", "Yibao2026test").status_code == 302
    assert Operator.objects.get(mobile="13800000002").user.check_password("Yibao2026test")


@pytest.mark.django_db
def test_a_local_account_of_the_same_name_is_not_taken_over(client: Client, yunnan: HallInstance) -> None:
    from django.contrib.auth.hashers import make_password

    from yibao.core.tests.factories import UnitFactory

    other = UnitFactory.create(account__username=ACCOUNT)  # another unit's account, same name
    assert other.account is not None
    User.objects.filter(pk=other.account.pk).update(password=make_password(None))
    assert form_errors(unit_login(client, ACCOUNT, PASSWORD)) == [
        "该账号与本平台已有账号重名，请联系医保经办机构处理"
    ]
    other.account.refresh_from_db()
    assert not other.account.has_usable_password()


@pytest.mark.django_db
def test_a_wrong_password_creates_nothing_and_counts_there_and_here(
    client: Client, yunnan: HallInstance
) -> None:
    errors = form_errors(unit_login(client, ACCOUNT, "Wrong1234567"))
    assert errors and "账号或密码错误" in errors[0]
    assert not Unit.objects.filter(uscc=USCC).exists() and not User.objects.filter(username=ACCOUNT).exists()
    assert AuditEvent.objects.filter(action="login_failed").count() == 1
    failed = yunnan.query("select count(*) from core_auditevent where action = 'login_failed'")
    assert failed[0][0] >= 1


@pytest.mark.django_db
def test_a_national_hall_that_is_down_is_said_so(client: Client, yunnan: HallInstance, settings: Any) -> None:
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"
    assert form_errors(unit_login(client, ACCOUNT, PASSWORD)) == [
        "暂时无法连接国家医保服务平台核验该账号，请稍后再试"
    ]
    assert not Unit.objects.filter(uscc=USCC).exists()


@pytest.mark.django_db
def test_another_secret_is_neither_answered_nor_believed(
    client: Client, yunnan: HallInstance, settings: Any
) -> None:
    settings.YIBAO_FEDERATION_SECRET = "another-secret-nobody-shares-Lm3Qx8Rt5Vw2Yz7Bc4Nd9"
    assert form_errors(unit_login(client, ACCOUNT, PASSWORD)) == [
        "暂时无法连接国家医保服务平台核验该账号，请稍后再试"
    ]
    assert not Unit.objects.filter(uscc=USCC).exists()
    # A forged call straight to the national hall is refused there and audited.
    body = json.dumps({"identifier": ACCOUNT, "password": PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310 - 127.0.0.1
        f"{yunnan.url}/api/internal/federation/verify-account/",
        data=body,
        headers=request_headers(body, path="/api/internal/federation/verify-account/"),
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - 127.0.0.1
    assert refused.value.code == 401
    audited = yunnan.query(
        "select count(*) from core_auditevent where action = 'federation_signature_refused'"
    )
    assert audited[0][0] >= 1


@pytest.mark.django_db
def test_a_unit_registered_here_keeps_its_own_account(client: Client, yunnan: HallInstance) -> None:
    from yibao.core.tests.factories import UnitFactory

    UnitFactory.create(uscc=USCC, account__username="dwyunnan0001")
    assert form_errors(unit_login(client, ACCOUNT, PASSWORD)) == [
        "该单位已在本平台注册，请使用本平台的单位账号登录"
    ]


@pytest.mark.django_db
def test_killed_mid_delivery_every_event_arrives_once(yunnan: HallInstance, settings: Any) -> None:
    settings.YIBAO_FEDERATION_BATCH = 50
    usccs = [f"9153011200000{n:04d}X"[:18] for n in range(30)]
    with transaction.atomic():
        for n in range(300):
            outbox_event_add(kind=OutboxEvent.Kind.UNIT_CHANGED, unit_uscc=usccs[n % 30], payload={"n": n})
    first = outbox_deliver(max_rounds=2)
    assert first.delivered == 100
    yunnan.kill()
    down = outbox_deliver()
    assert down.delivered == 0 and down.retried == 50
    assert not OutboxEvent.objects.filter(delivered_at__isnull=False, attempts__gt=0).exists()
    yunnan.start()
    OutboxEvent.objects.update(next_attempt_at=timezone.now())  # the back-off has passed
    # As if the answer to one batch had been lost: its events go again.
    OutboxEvent.objects.filter(
        pk__in=list(OutboxEvent.objects.order_by("id").values_list("pk", flat=True)[50:100])
    ).update(delivered_at=None)
    rest = outbox_deliver()
    assert rest.delivered == 250
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    keys = [str(k).replace("-", "") for k in OutboxEvent.objects.values_list("key", flat=True)]
    stored = yunnan.query(
        "select replace(key, '-', ''), count(*) from federation_receivedevent "
        "where unit_uscc like '9153011200000%' group by key"
    )
    assert len(stored) == 300 and {count for _, count in stored} == {1}
    assert {key for key, _ in stored} == set(keys)
    # In order per unit: the national hall holds each unit's events in the order they were made.
    for uscc in usccs[:3]:
        made = [e.payload["n"] for e in OutboxEvent.objects.filter(unit_uscc=uscc).order_by("id")]
        got = yunnan.query(
            "select payload from federation_receivedevent where unit_uscc = ? order by id", uscc
        )
        assert [json.loads(p)["n"] for (p,) in got] == made


@pytest.mark.django_db
def test_a_unit_registered_at_the_national_hall_does_not_register_again(
    client: Client, yunnan: HallInstance, settings: Any
) -> None:
    from yibao.entry.tests.test_registration import UNIT_STEP, errors

    assert UNIT_STEP["uscc"] == USCC  # the national hall's unit
    assert errors(client.post("/hall/register/", UNIT_STEP)) == [
        "统一社会信用代码：该统一社会信用代码已在国家医保服务平台注册，无需注册，请直接使用国家平台注册的账号和密码登录"
    ]
    # While the national hall cannot be asked, registration goes on (the outbox tells it later).
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"
    assert client.post("/hall/register/", UNIT_STEP).status_code == 302
