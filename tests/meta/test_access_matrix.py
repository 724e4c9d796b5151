"""Who reaches which hall page: every hall route × every kind of actor, with the expected status,
and denied writes leave the data as it was.

Actors: anonymous, the admin of unit A, the admin of unit B, an operator of A holding the
«职工花名册查询» grant, an operator of A without grants, an operator of B, and agency staff.
Object routes name unit A's objects (its second operator's binding, its message …).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.meta.test_urls import current_routes
from yibao.cases.models import Application, Material
from yibao.cases.services import application_draft_save
from yibao.certificates.models import Certificate
from yibao.certificates.services import certificate_issue
from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
from yibao.core.audit import RequestOrigin
from yibao.core.guards import GUARD_ATTRIBUTE, Guard
from yibao.core.storage import private_storage
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, UserFactory, grant, staff_login
from yibao.core.uploads import upload_check
from yibao.enrollment.models import Insurance, Person
from yibao.exports.models import ExportJob
from yibao.notices.models import Message
from yibao.notices.services import message_send
from yibao.operators.models import Binding, Grant
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.pki.verification import CertificateIdentity
from yibao.units.models import LicenceSubmission, RoleCertification, Unit, UnitCertificate
from yibao.units.services import licence_submit, unit_certificate_bind
from yibao.units.tests.helpers import png_bytes

ACTORS = ("anon", "admin_a", "admin_b", "op_granted", "op_plain", "op_b", "staff")
REDIRECT, OK, DENIED, NOT_FOUND, NOT_ALLOWED = 302, 200, 403, 404, 405
# Another kind of account: a hall page saying which account the page needs (issue 20 item 17).
WRONG_KIND = 403


@dataclass(frozen=True)
class World:
    a1: Binding  # operator of A with the roster grant
    a2: Binding  # operator of A without grants (the object in URLs)
    b1: Binding
    staff: Any
    unit_message: int
    operator_message: int
    licence: int
    application: int
    person: int
    unit_certificate: int  # issued to unit A
    person_certificate: int  # issued for unit A's person
    ca_certificate: int  # a CA certificate bound to unit A (数字证书)
    export_job: int  # a finished 职工花名册 export of the granted operator of A


@dataclass(frozen=True)
class Row:
    name: str
    args: Callable[[World], list[Any]] = lambda w: []
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, int] = field(default_factory=dict)
    profile: str | None = None  # the policy profile the row needs (pages only some halls offer)


def unit_admin_page(*, b: int = OK) -> dict[str, int]:
    return {"anon": REDIRECT, "admin_a": OK, "admin_b": b, "op_granted": WRONG_KIND, "op_plain": WRONG_KIND,
            "op_b": WRONG_KIND, "staff": WRONG_KIND}  # fmt: skip


def unit_admin_post(*, a: int = REDIRECT, b: int = REDIRECT) -> dict[str, int]:
    return {**unit_admin_page(b=b), "admin_a": a}


def operator_page(*, op_status: int = OK) -> dict[str, int]:
    return {"anon": REDIRECT, "admin_a": WRONG_KIND, "admin_b": WRONG_KIND, "op_granted": op_status,
            "op_plain": op_status, "op_b": op_status, "staff": WRONG_KIND}  # fmt: skip


A2 = lambda w: [w.a2.pk]  # noqa: E731 - short table entries
APP = lambda w: [w.application]  # noqa: E731
PSN = lambda w: [w.person]  # noqa: E731
CA = lambda w: [w.ca_certificate]  # noqa: E731
EXPORT = lambda w: ["roster", w.export_job]  # noqa: E731

ROWS: list[Row] = [
    # the steps of the login: 选择单位 (an operator's; the others are sent on) and logout
    Row(
        "entry:choose-unit",
        expect={**operator_page(), "admin_a": REDIRECT, "admin_b": REDIRECT, "staff": REDIRECT},
    ),
    Row("entry:logout", method="post", expect=dict.fromkeys(ACTORS, REDIRECT)),
    # 单位管理 (unit admin)
    Row("entry:unit-home", expect=unit_admin_page()),
    Row("operators:list", expect=unit_admin_page()),
    Row("operators:add", expect=unit_admin_page()),
    Row("operators:add-confirm", method="post", data={"confirm": "1"}, expect=unit_admin_post()),
    Row("operators:grants", A2, expect=unit_admin_page(b=NOT_FOUND)),
    Row(
        "operators:grants",
        A2,
        "post",
        {"items": ["roster"], "populations": ["in-service"]},
        # national profile: the roster item is held by the first operator, so A sees the refusal
        expect=unit_admin_post(a=OK, b=NOT_FOUND),
    ),
    Row("operators:reset-password", A2, expect=unit_admin_page(b=NOT_FOUND)),
    Row(
        "operators:reset-password",
        A2,
        "post",
        {"captcha_0": "x", "captcha_1": "PASSED", "sms_code": "000000"},
        expect=unit_admin_post(a=OK, b=NOT_FOUND),
    ),
    Row("operators:unbind", A2, expect=unit_admin_page(b=NOT_FOUND)),
    Row("operators:unbind", A2, "post", {"confirm": "1"}, expect=unit_admin_post(b=NOT_FOUND)),
    Row("units:info", expect=unit_admin_page()),
    Row(
        "units:info",
        method="post",
        data={"legal_rep_mobile": "13912340000", "address": "新地址1号"},
        expect=unit_admin_post(a=OK, b=OK),
    ),
    Row("units:info-confirm", method="post", data={"confirm": "1"}, expect=unit_admin_post()),
    Row("units:populations", expect=unit_admin_page()),
    Row("units:qualification", expect=unit_admin_page()),
    # (unit A's licence waits for review, so A is sent back to 资质认证 with the reason)
    Row("units:qualification-upload", expect=unit_admin_page() | {"admin_a": REDIRECT}),
    Row("units:qualification-upload", method="post", expect=unit_admin_post(a=REDIRECT, b=OK)),
    Row("units:qualification-licence", lambda w: [w.licence], expect=unit_admin_page(b=NOT_FOUND)),
    Row("units:roles", expect=unit_admin_page()),
    Row("units:role-certify", lambda w: ["procurement"], expect=unit_admin_page()),
    Row("units:role-certify", lambda w: ["procurement"], "post", {"confirm": "1"}, expect=unit_admin_post()),
    Row(
        "units:role-certify",
        lambda w: ["no-such-role"],
        expect=unit_admin_page(b=NOT_FOUND) | {"admin_a": NOT_FOUND},
    ),
    # 数字证书 (profiles with CA login)
    Row("units:certificates", expect=unit_admin_page(), profile="beijing"),
    Row("units:certificates", method="post", expect=unit_admin_post(a=OK, b=OK), profile="beijing"),
    Row("units:certificate-unbind", CA, expect=unit_admin_page(b=NOT_FOUND), profile="beijing"),
    Row(
        "units:certificate-unbind",
        CA,
        "post",
        {"confirm": "1"},
        expect=unit_admin_post(b=NOT_FOUND),
        profile="beijing",
    ),
    # 我的消息 of the unit admin
    Row("entry:unit-messages", expect=unit_admin_page()),
    Row("entry:unit-message", lambda w: [w.unit_message], expect=unit_admin_page(b=NOT_FOUND)),
    Row(
        "entry:unit-message",
        lambda w: [w.operator_message],
        expect=unit_admin_page(b=NOT_FOUND) | {"admin_a": NOT_FOUND},
    ),
    Row("entry:unit-messages-read-all", method="post", expect=unit_admin_post()),
    # 系统通知 of an operator
    Row("entry:notifications", expect=operator_page()),
    Row(
        "entry:notification",
        lambda w: [w.operator_message],
        expect={**operator_page(op_status=NOT_FOUND), "op_plain": OK},
    ),
    Row("entry:notification", lambda w: [w.unit_message], expect=operator_page(op_status=NOT_FOUND)),
    Row("entry:notifications-read-all", method="post", expect=operator_page(op_status=REDIRECT)),
    # an application of unit A (the granted operator's draft 单位参保关键信息变更)
    Row("changes:unit-info-change", expect=operator_page(op_status=DENIED)),
    Row("changes:unit-key-info-change", expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row("cases:edit", APP, expect={**operator_page(op_status=NOT_FOUND), "op_granted": OK}),
    Row("cases:print", APP, "post", expect={**operator_page(op_status=NOT_FOUND), "op_granted": REDIRECT}),
    Row("cases:form-pdf", APP, expect={**operator_page(op_status=NOT_FOUND), "op_granted": OK}),
    Row("cases:submit", APP, "post", expect={**operator_page(op_status=NOT_FOUND), "op_granted": REDIRECT}),
    Row(
        "cases:material-upload",
        APP,
        "post",
        {"code": "licence"},
        expect={**operator_page(op_status=NOT_FOUND), "op_granted": REDIRECT},
    ),
    Row("cases:material", lambda w: [w.application, 1], expect=operator_page(op_status=NOT_FOUND)),
    Row(
        "cases:material-remove",
        lambda w: [w.application, 1],
        "post",
        expect=operator_page(op_status=NOT_FOUND),
    ),
    Row("enrollment:enroll", expect=operator_page(op_status=DENIED)),
    Row("enrollment:enroll-batch", expect=operator_page(op_status=DENIED)),
    Row("enrollment:enroll-batch", method="post", expect=operator_page(op_status=DENIED)),
    Row("enrollment:enroll-batch-template", expect=operator_page(op_status=DENIED)),
    Row("enrollment:enroll-batch-detail", lambda w: [1], expect=operator_page(op_status=DENIED)),
    Row("enrollment:enroll-batch-failures", lambda w: [1], expect=operator_page(op_status=DENIED)),
    # 职工中断参保 and 职工参保信息变更 (nobody holds these grants; PSN names unit A's person)
    Row("enrollment:interruption", expect=operator_page(op_status=DENIED)),
    Row("enrollment:interruption-batch", expect=operator_page(op_status=DENIED)),
    Row("enrollment:interruption-batch", method="post", expect=operator_page(op_status=DENIED)),
    Row("enrollment:interruption-batch-template", expect=operator_page(op_status=DENIED)),
    Row("enrollment:interruption-batch-detail", lambda w: [1], expect=operator_page(op_status=DENIED)),
    Row("enrollment:interruption-batch-failures", lambda w: [1], expect=operator_page(op_status=DENIED)),
    Row(
        "enrollment:interruption",
        method="post",
        data={"action": "next"},
        expect=operator_page(op_status=DENIED),
    ),
    Row("changes:employee-key-info-change", expect=operator_page(op_status=DENIED)),
    Row("changes:employee-key-info-change-person", PSN, expect=operator_page(op_status=DENIED)),
    Row("changes:employee-info-change", expect=operator_page(op_status=DENIED)),
    Row("changes:employee-info-change-person", PSN, "post", expect=operator_page(op_status=DENIED)),
    # 婴幼儿备案 and 访问招采系统: items of roles unit A is not certified for (nobody holds them)
    Row("newborns:filing", expect=operator_page(op_status=DENIED)),
    Row("newborns:filing", method="post", data={"name": "张小宝"}, expect=operator_page(op_status=DENIED)),
    Row("procurement:handoff", expect=operator_page(op_status=DENIED)),
    Row("procurement:go", method="post", expect=operator_page(op_status=DENIED)),
    # 异地就医备案: the four filings (nobody holds their grants); 变更备案 / 取消备案 name any id
    *(
        row
        for slug in ("retiree-relocation", "long-term-residence", "posted-worker", "referral")
        for row in (
            Row(f"filings:{slug}", expect=operator_page(op_status=DENIED)),
            Row(
                f"filings:{slug}",
                method="post",
                data={"cert_no": "x"},
                expect=operator_page(op_status=DENIED),
            ),
            Row(f"filings:{slug}-person", PSN, "post", expect=operator_page(op_status=DENIED)),
            Row(f"filings:{slug}-change", PSN, "post", expect=operator_page(op_status=DENIED)),
            Row(f"filings:{slug}-cancel", PSN, "post", expect=operator_page(op_status=DENIED)),
            # 打印备案凭证 and its PDF, behind the same grant
            Row(f"certificates:filing-{slug}-print", PSN, "post", expect=operator_page(op_status=DENIED)),
            Row(
                f"certificates:filing-{slug}-pdf",
                lambda w: [w.person_certificate],
                expect=operator_page(op_status=DENIED),
            ),
        )
    ),
    # 医疗机构服务 / 零售药店服务: unit A holds neither role, nobody the items
    *(
        Row(f"institutions:{area}-{page}", expect=operator_page(op_status=DENIED))
        for area in ("medical", "pharmacy")
        for page in ("home", "change", "pending", "reviewed", "worksheet", "pledge")
    ),
    *(
        Row(
            f"institutions:{area}-change",
            method="post",
            data={"legrep_name": "x"},
            expect=operator_page(op_status=DENIED),
        )
        for area in ("medical", "pharmacy")
    ),
    # 办件记录查询 (nobody holds its grant; the granted operator may open its own type's application)
    Row("cases:list", expect=operator_page(op_status=DENIED)),
    Row("cases:detail", APP, expect={**operator_page(op_status=NOT_FOUND), "op_granted": OK}),
    Row(
        "cases:withdraw",
        APP,
        "post",
        {"confirm": "1"},
        expect={**operator_page(op_status=NOT_FOUND), "op_granted": REDIRECT},
    ),
    Row(
        "cases:delete",
        APP,
        "post",
        {"confirm": "1"},
        expect={**operator_page(op_status=NOT_FOUND), "op_granted": REDIRECT},
    ),
    # 查询服务 (the granted operator holds only 职工花名册查询)
    Row("queries:unit-basic-info", expect=operator_page(op_status=DENIED)),
    Row("queries:unit-insurance-info", expect=operator_page(op_status=DENIED)),
    Row("queries:person-basic-info", expect=operator_page(op_status=DENIED)),
    Row(
        "queries:person-basic-info",
        method="post",
        data={"cert_type": "01", "cert_no": "x"},
        expect=operator_page(op_status=DENIED),
    ),
    Row("queries:person-insurance-info", expect=operator_page(op_status=DENIED)),
    Row(
        "queries:person-insurance-info",
        method="post",
        data={"cert_type": "01", "cert_no": "x"},
        expect=operator_page(op_status=DENIED),
    ),
    Row("queries:remote-care-filings", expect=operator_page(op_status=DENIED)),
    Row("queries:remote-care-filings", method="post", expect=operator_page(op_status=DENIED)),
    Row("queries:remote-care-filings-export", expect=operator_page(op_status=DENIED)),
    Row("queries:remote-care-filings-export", method="post", expect=operator_page(op_status=DENIED)),
    Row("queries:roster", expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row(
        "queries:roster",
        method="post",
        data={"name": "王芳"},
        expect={**operator_page(op_status=DENIED), "op_granted": REDIRECT},
    ),
    # a plain visit goes back to the query; the posted 导出 lands on 导出记录
    Row("queries:roster-export", expect={**operator_page(op_status=DENIED), "op_granted": REDIRECT}),
    Row(
        "queries:roster-export",
        method="post",
        expect={**operator_page(op_status=DENIED), "op_granted": REDIRECT},
    ),
    # 导出记录 and 下载, under the grant of the query that exported (EXPORT names A's operator's job)
    Row("exports:list", lambda w: ["roster"], expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row("exports:list", lambda w: ["no-such-item"], expect=operator_page(op_status=NOT_FOUND)),
    Row("exports:list", lambda w: ["unit-contributions"], expect=operator_page(op_status=DENIED)),
    Row("exports:download", EXPORT, expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row("queries:personnel-changes", expect=operator_page(op_status=DENIED)),
    # 单位缴费信息查询 / 个人缴费信息查询 (nobody holds these grants; granted paths in yibao/contributions/tests)
    Row("contributions:unit", expect=operator_page(op_status=DENIED)),
    Row("contributions:unit-export", expect=operator_page(op_status=DENIED)),
    Row("contributions:unit-export", method="post", expect=operator_page(op_status=DENIED)),
    Row("contributions:person", expect=operator_page(op_status=DENIED)),
    Row("contributions:person", method="post", data={"cert_no": "x"}, expect=operator_page(op_status=DENIED)),
    # 单位参保证明打印 / 个人参保证明打印 (the granted operator holds both items; PSN names unit A's person)
    Row("certificates:unit", expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row("certificates:unit-preview", expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row(
        "certificates:unit-print",
        method="post",
        expect={**operator_page(op_status=DENIED), "op_granted": REDIRECT},
    ),
    Row(
        "certificates:unit-pdf",
        lambda w: [w.unit_certificate],
        expect={**operator_page(op_status=DENIED), "op_granted": OK},
    ),
    Row(
        "certificates:unit-pdf",
        lambda w: [w.person_certificate],
        expect=operator_page(op_status=DENIED) | {"op_granted": NOT_FOUND},
    ),
    Row("certificates:person-search", expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row(
        "certificates:person-search",
        method="post",
        data={"cert_type": "01", "cert_no": "x"},
        expect={**operator_page(op_status=DENIED), "op_granted": OK},
    ),
    Row("certificates:person", PSN, expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row("certificates:person-preview", PSN, expect={**operator_page(op_status=DENIED), "op_granted": OK}),
    Row(
        "certificates:person-print",
        PSN,
        "post",
        expect={**operator_page(op_status=DENIED), "op_granted": REDIRECT},
    ),
    Row(
        "certificates:person-pdf",
        lambda w: [w.person_certificate],
        expect={**operator_page(op_status=DENIED), "op_granted": OK},
    ),
    # the operator's hall
    Row("entry:operator-home", expect=operator_page()),
    Row("operators:services", expect=operator_page()),
    Row(
        "operators:item",
        lambda w: ["roster"],
        expect={**operator_page(op_status=DENIED), "op_granted": REDIRECT},  # to queries:roster
    ),
    Row("operators:item", lambda w: ["no-such-item"], expect=operator_page(op_status=NOT_FOUND)),
    Row(
        "operators:population-switch",
        method="post",
        data={"population": "in-service"},
        expect=operator_page(op_status=REDIRECT),
    ),
    Row("entry:switch-unit", method="post", data={"unit": "0"}, expect=operator_page(op_status=REDIRECT)),
    # 个人中心 (operators, with or without a chosen unit)
    Row("entry:account", expect=operator_page()),
    Row("entry:account-password", expect=operator_page()),
    Row("entry:account-email", expect=operator_page()),
    Row("entry:account-address", expect=operator_page()),
    Row(
        "entry:account-confirm",
        method="post",
        data={"confirm": "1"},
        expect=operator_page(op_status=REDIRECT),
    ),
]


@pytest.fixture
def world() -> World:
    a1 = grant(BindingFactory.create(), "roster", "unit-key-info-change")
    a2 = BindingFactory.create(unit=a1.unit)
    b1 = BindingFactory.create()
    staff = UserFactory.create(is_staff=True, username="shenhe-matrix")
    unit_message = message_send(unit=a1.unit, title="单位消息").pk
    operator_message = message_send(operator=a2.operator, unit=a1.unit, title="经办人消息").pk
    assert a1.unit.account is not None
    licence = licence_submit(
        unit=a1.unit, actor=a1.unit.account, upload=upload_check(io.BytesIO(png_bytes()))
    ).pk
    application = application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=a1.unit, actor=a1.operator.user,
        payload={"name": "新名称有限公司", "emp_type": "10", "address": "新地址", "legal_rep_name": "王强",
                 "legal_rep_cert_type": "01", "legal_rep_cert_no": "110101199003070011"},
    ).pk  # fmt: skip
    person = InsuranceFactory.create(unit=a1.unit).person_id
    grant(a1, "unit-certificate", "person-certificate")
    unit_certificate = certificate_issue(
        unit=a1.unit, person=None, actor=a1.operator.user, origin=RequestOrigin()
    ).pk
    person_certificate = certificate_issue(
        unit=a1.unit, person=Person.objects.get(pk=person), actor=a1.operator.user, origin=RequestOrigin()
    ).pk
    ca_certificate = unit_certificate_bind(
        unit=a1.unit,
        identity=CertificateIdentity(
            unit_name=a1.unit.name, uscc=a1.unit.uscc, serial="1A2B", subject=f"CN={a1.unit.name}",
            issuer="CN=演示CA", not_before=timezone.now(), not_after=timezone.now(), fingerprint="AB" * 32,
        ),
        actor=a1.unit.account,
    ).pk  # fmt: skip
    export_job = ExportJob.objects.create(
        unit=a1.unit, created_by=a1.operator.user, kind="roster", status=ExportJob.Status.DONE,
        psn_types=a1.populations.values_list("psn_types", flat=True).first(),
        download_name="职工花名册.xlsx", file_name=private_storage().save("exports/matrix.xlsx", ContentFile(b"x")),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    ).pk  # fmt: skip
    return World(a1, a2, b1, staff, unit_message, operator_message, licence, application, person,
                 unit_certificate, person_certificate, ca_certificate, export_job)  # fmt: skip


def login(client: Client, world: World, actor: str) -> None:
    users = {
        "admin_a": world.a1.unit.account,
        "admin_b": world.b1.unit.account,
        "op_granted": world.a1.operator.user,
        "op_plain": world.a2.operator.user,
        "op_b": world.b1.operator.user,
        "staff": world.staff,
    }
    if actor == "anon":
        return
    if actor == "staff":
        staff_login(client, users[actor])
    else:
        client.force_login(users[actor])
    units = {"op_granted": world.a1.unit, "op_plain": world.a2.unit, "op_b": world.b1.unit}
    if actor in units:
        session = client.session
        session[CURRENT_UNIT_KEY] = units[actor].pk
        session.save()


def snapshot(world: World) -> tuple[Any, ...]:
    bindings = tuple(Binding.objects.order_by("pk").values_list("pk", "status"))
    grants = tuple(Grant.objects.order_by("pk").values_list("binding_id", "item__code"))
    user = world.a2.operator.user
    user.refresh_from_db()
    units = tuple(
        Unit.objects.order_by("pk").values_list("pk", "legal_rep_mobile", "address", "qualification")
    )
    roles = tuple(RoleCertification.objects.order_by("pk").values_list("unit_id", "role", "status"))
    read = tuple(Message.objects.order_by("pk").values_list("pk", "read_at"))
    licences = LicenceSubmission.objects.count()
    applications = tuple(Application.objects.order_by("pk").values_list("pk", "status", "printed_at"))
    materials = Material.objects.count()
    insurances = tuple(Insurance.objects.order_by("pk").values_list("pk", "status"))
    certificates = Certificate.objects.count()
    bound = tuple(UnitCertificate.objects.order_by("pk").values_list("pk", "unbound_at"))
    exports = ExportJob.objects.count()
    return (bindings, grants, user.password, user.must_change_password, units, roles, read, licences,
            applications, materials, insurances, certificates, bound, exports)  # fmt: skip


def test_every_hall_route_is_in_the_matrix() -> None:
    import re

    from django.urls import resolve

    samples = {"int": "1", "slug": "roster", "str": "x"}
    covered = {row.name for row in ROWS}
    missing = []
    for route, view in current_routes():
        # the public ways into the hall (login, registration, recovery) are open to every actor
        if route.startswith("hall/") and getattr(view, GUARD_ATTRIBUTE) != Guard.PUBLIC:
            path = re.sub(r"<(\w+):\w+>", lambda m: samples[m.group(1)], route)
            name = resolve("/" + path).view_name
            if name not in covered:
                missing.append(name)
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method}-{r.name}")
def test_access_matrix(row: Row, world: World, settings: Any) -> None:
    if row.profile:
        settings.YIBAO_PROFILE = row.profile
    url = reverse(row.name, args=row.args(world))
    for actor in ACTORS:
        client = Client()
        login(client, world, actor)
        before = snapshot(world)
        response = getattr(client, row.method)(url, row.data)
        assert (actor, response.status_code) == (actor, row.expect[actor]), url
        if response.status_code in {DENIED, NOT_FOUND} or (actor == "anon"):
            assert snapshot(world) == before, (actor, url)
        if actor == "anon":
            assert response["Location"].startswith(reverse("entry:login"))


@pytest.mark.django_db
def test_a_binding_of_another_unit_is_not_found_in_every_admin_route(client: Client, world: World) -> None:
    login(client, world, "admin_b")
    for name in ("operators:grants", "operators:reset-password", "operators:unbind"):
        url = reverse(name, args=[world.a2.pk])
        assert client.get(url).status_code == NOT_FOUND
        assert client.post(url, {"confirm": "1", "items": ["roster"]}).status_code == NOT_FOUND
    assert snapshot(world)[0] == tuple(Binding.objects.order_by("pk").values_list("pk", "status"))
    assert Binding.objects.get(pk=world.a2.pk).status == Binding.Status.ACTIVE


@pytest.mark.django_db
def test_an_unbound_operator_loses_the_unit_at_its_next_request(world: World) -> None:
    from yibao.core.audit import RequestOrigin
    from yibao.operators.services import operator_unbind
    from yibao.operators.tests.test_services import admin

    client = Client()
    login(client, world, "op_granted")
    assert client.get(reverse("queries:roster")).status_code == OK
    operator_unbind(
        unit=world.a1.unit, binding_id=world.a1.pk, actor=admin(world.a1.unit), origin=RequestOrigin()
    )
    response = client.get(reverse("queries:roster"))
    assert response.status_code == REDIRECT and response["Location"] == reverse("entry:choose-unit")


@pytest.mark.django_db
def test_the_certificate_pages_exist_only_where_the_profile_offers_ca_login(world: World) -> None:
    client = Client()
    login(client, world, "admin_a")
    assert client.get(reverse("units:certificates")).status_code == NOT_FOUND  # national
    assert (
        client.get(reverse("units:certificate-unbind", args=[world.ca_certificate])).status_code == NOT_FOUND
    )
    assert "数字证书" not in client.get(reverse("entry:unit-home")).content.decode()
