"""The review page: the side-by-side comparison, materials inline, the timeline, claiming and the
three decisions; every refusal shows the service's message and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.pagecheck import check_page, visible_text
from yibao.agency.tests.helpers import KEY, NEW_ID, key_change_binding, reviewer, submitted_key_change
from yibao.cases import services
from yibao.cases.models import Application, Event, Status
from yibao.core.tests.factories import staff_login
from yibao.notices.models import Message
from yibao.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def shenhe(client: Client) -> Any:
    user = reviewer()
    staff_login(client, user)
    return user


@pytest.fixture
def application() -> Application:
    return submitted_key_change()


def url(application: Application, action: str = "") -> str:
    return f"/agency/applications/{application.pk}/" + (f"{action}/" if action else "")


def snapshot(application: Application) -> tuple[Any, ...]:
    fresh = Application.objects.get(pk=application.pk)
    unit = Unit.objects.get(pk=application.unit_id)
    return (
        fresh.status,
        fresh.reviewer_id,
        fresh.opinion,
        fresh.events.count(),
        unit.name,
        Message.objects.count(),
    )


def errors(soup: Any) -> list[str]:
    return [visible_text(li) for li in soup.select(".error-summary li")]


def test_the_review_page_compares_and_highlights_the_changes(client, shenhe, application, get_page) -> None:
    soup = get_page(url(application))
    assert soup.h1.get_text() == "单位参保关键信息变更"
    rows = {visible_text(tr.th).split(" ")[0]: tr for tr in soup.select(".agency-compare tbody tr")}
    name = rows["单位名称"]
    assert "agency-compare__row--changed" in name["class"]
    assert name.select_one(".agency-tag--changed").get_text() == "变更"
    cells = [visible_text(td) for td in name.select("td")]
    assert cells[0].startswith("昆明测试科技有限公司") and cells[2] == KEY["name"]
    uscc = rows["统一社会信用代码"]
    assert "agency-compare__row--readonly" in uscc["class"]
    assert "只读" in visible_text(uscc) and "不可变更" in visible_text(uscc)
    assert "变更" not in visible_text(rows["医保区划"]).split(" ")[1:2]
    assert rows["单位类型"].select_one(".agency-tag--changed") is None  # 10 → 10: unchanged
    cert = visible_text(rows["法定代表人证件号码"])
    assert NEW_ID not in cert and "1101**********0011" in cert  # masked
    assert not soup.select(".agency-compare__moved")


def test_the_current_record_is_shown_beside_the_submitted_one(client, shenhe, application, get_page) -> None:
    Unit.objects.filter(pk=application.unit_id).update(address="昆明市官渡区9号")  # changed since submission
    soup = get_page(url(application))
    row = next(tr for tr in soup.select(".agency-compare tbody tr") if "单位注册地址" in visible_text(tr.th))
    cells = [visible_text(td) for td in row.select("td")]
    assert cells[0] == "云南省昆明市西山区滇池路1号"
    assert cells[1] == "昆明市官渡区9号 （提交后已变化）"


def test_materials_are_shown_as_images_and_served_privately(client, shenhe, application, get_page) -> None:
    soup = get_page(url(application))
    materials = soup.select(".agency-material")
    assert [visible_text(m.h3) for m in materials] == ["单位参保关键信息变更表", "营业执照"]
    assert soup.select("iframe") == []
    image = materials[0].select_one("img")
    page = materials[1].select_one("img")
    assert image["alt"] == "单位参保关键信息变更表" and page["alt"] == "营业执照 第1页"
    download = materials[1].find("a", string="下载原文件")
    expected = (
        (image["src"], "image/png", "inline"),
        (page["src"], "image/png", None),
        (download["href"], "application/pdf", "attachment"),
    )
    for src, content_type, disposition in expected:
        response = client.get(src)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response.get("Content-Disposition", "").split(";")[0] == (disposition or "")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Security-Policy"] == "sandbox"
        body = response.content if disposition is None else b"".join(response.streaming_content)
        assert body.startswith(b"\x89PNG" if content_type == "image/png" else b"%PDF")
    other = submitted_key_change()
    material_of_other = other.materials.first()
    assert client.get(f"{url(application)}materials/{material_of_other.pk}/").status_code == 404
    assert client.get(f"{url(application)}materials/{material_of_other.pk}/pages/1/").status_code == 404
    image_material = application.materials.get(content_type="image/png")
    assert client.get(f"{url(application)}materials/{image_material.pk}/pages/1/").status_code == 404


def test_the_timeline_lists_every_step(client, shenhe, application, get_page) -> None:
    soup = get_page(url(application))
    actions = [
        visible_text(li.select_one(".agency-timeline__action")) for li in soup.select(".agency-timeline li")
    ]
    assert actions == ["创建", "打印报表", "上传材料", "上传材料", "提交申报"]


def test_claim_then_approve_applies_the_change(client, shenhe, application) -> None:
    soup = check_page(client.get(url(application)))
    assert [b.get_text() for b in soup.select(".agency-decision button, form[action$='claim/'] button")] == [
        "领取"
    ]
    response = client.post(url(application, "claim"))
    assert response.status_code == 302 and response["Location"] == url(application)
    soup = check_page(client.get(url(application)))
    assert "已领取办件" in visible_text(soup.select_one(".messages"))
    assert [b.get_text() for b in soup.select(".agency-decision button")] == ["通过", "不通过", "退回补正"]
    assert soup.select_one("label[for=id_opinion]").get_text() == "审核意见"
    response = client.post(url(application, "decide"), {"decision": "approve", "opinion": "材料齐全"})
    assert response.status_code == 302 and response["Location"] == "/agency/queue/"
    soup = check_page(client.get("/agency/queue/"))
    assert f"办件 {application.number} 审核通过" in visible_text(soup.select_one(".messages"))
    application.refresh_from_db()
    assert (application.status, application.opinion) == (Status.APPROVED, "材料齐全")
    unit = Unit.objects.get(pk=application.unit_id)
    assert (unit.name, unit.legal_rep_cert_no) == (KEY["name"], NEW_ID)


@pytest.mark.parametrize(
    ("decision", "status", "title"),
    [("reject", Status.REJECTED, "单位参保关键信息变更审核不通过"),
     ("return", Status.RETURNED, "单位参保关键信息变更被退回补正")],
)  # fmt: skip
def test_reject_and_return_carry_the_opinion_to_the_unit(
    client, shenhe, application, decision, status, title
) -> None:
    client.post(url(application, "claim"))
    response = client.post(url(application, "decide"), {"decision": decision, "opinion": "营业执照不清晰"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.opinion) == (status, "营业执照不清晰")
    assert Message.objects.filter(unit=application.unit, operator=None, title=title).exists()
    assert Unit.objects.get(pk=application.unit_id).name != KEY["name"]


@pytest.mark.parametrize(
    ("decision", "message"), [("reject", "请填写不通过的原因"), ("return", "请填写需要补正的内容")]
)
def test_reject_or_return_without_a_reason_is_refused(client, shenhe, application, decision, message) -> None:
    client.post(url(application, "claim"))
    before = snapshot(application)
    soup = check_page(client.post(url(application, "decide"), {"decision": decision, "opinion": "  "}))
    assert errors(soup) == [f"审核意见：{message}"]
    assert visible_text(soup.select_one(".field--error .field__error")) == message
    assert snapshot(application) == before


def test_claiming_an_application_claimed_by_another_reviewer_is_refused(client, shenhe, application) -> None:
    other = reviewer("shenhe-km", region="530100", name="审核员乙")
    services.application_claim(application=application, reviewer=other)
    soup = check_page(client.get(url(application)))
    assert "该办件已由审核员审核员乙领取，您不能审核。" in visible_text(soup)
    assert not soup.select(".agency-decision")
    before = snapshot(application)
    soup = check_page(client.post(url(application, "claim")))
    assert errors(soup) == ["该办件已由审核员审核员乙领取"]
    soup = check_page(client.post(url(application, "decide"), {"decision": "approve"}))
    assert errors(soup) == ["请先领取该办件再审核"]
    assert snapshot(application) == before


def test_deciding_without_claiming_is_refused(client, shenhe, application) -> None:
    before = snapshot(application)
    soup = check_page(client.post(url(application, "decide"), {"decision": "approve", "opinion": "可以"}))
    assert errors(soup) == ["请先领取该办件再审核"]
    assert snapshot(application) == before


def test_deciding_a_withdrawn_application_is_refused(client, shenhe) -> None:
    """撤回 takes it back to the unit's 草稿: the agency no longer reaches it at all."""
    binding = key_change_binding()
    application = submitted_key_change(binding)
    services.application_withdraw(application=application, actor=binding.operator.user)
    before = snapshot(application)
    for action, data in (("claim", {}), ("decide", {"decision": "approve"})):
        assert client.post(url(application, action), data).status_code == 404
    assert snapshot(application) == before


def test_approving_twice_is_refused(client, shenhe, application) -> None:
    client.post(url(application, "claim"))
    client.post(url(application, "decide"), {"decision": "approve"})
    before = snapshot(application)
    soup = check_page(client.post(url(application, "decide"), {"decision": "approve"}))
    assert errors(soup) == ["办件当前状态为“审核通过”，不能审核"]
    assert snapshot(application) == before
    assert application.events.filter(action=Event.Action.APPROVED).count() == 1


def test_a_decision_needs_a_known_button(client, shenhe, application) -> None:
    client.post(url(application, "claim"))
    before = snapshot(application)
    soup = check_page(
        client.post(url(application, "decide"), {"decision": "delete", "opinion": "x"}), echoed=("x",)
    )
    assert errors(soup) == ["审核结果：请选择审核结果"]
    assert snapshot(application) == before


def test_claim_and_decide_accept_only_post(client, shenhe, application) -> None:
    assert client.get(url(application, "claim")).status_code == 405
    assert client.get(url(application, "decide")).status_code == 405
