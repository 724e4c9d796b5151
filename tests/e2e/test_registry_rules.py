"""Registration against the core system's unit register, as a person meets it: Henan registers only
USCCs valid in the 医保信息系统 (manual 004), Yunnan only with the 单位联系人号码 held there (manual
001 FAQ 2.2). Nothing typed is lost when the hall refuses."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import fill_unit_step, read_code_from_outbox
from yibao.federation.models import CoreUnit

USCC = "91530112MA6NQ2P807"


def register_core_unit(*, division: str, phone: str = "") -> None:
    now = timezone.now()
    CoreUnit.objects.create(
        uscc=USCC, name="昆明云岭科技有限公司", division_id=division, contact_phone=phone,
        source_updated_at=now, synced_at=now,
    )  # fmt: skip


def test_henan_refuses_a_uscc_unknown_to_the_core_system_until_it_is_there(page: Any, settings: Any) -> None:
    settings.YIBAO_PROFILE = "henan"
    page.goto(page.base_url + "/hall/register/")
    fill_unit_step(page)
    page.get_by_label("省（自治区、直辖市）").select_option(label="河南省")
    page.get_by_label("市（地区、州）").select_option(label="郑州市")
    page.get_by_label("区县").select_option(label="金水区")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".error-summary")).to_contain_text(
        "该统一社会信用代码未在医保信息系统中登记为有效的参保单位，请核实后重新输入，或到医保经办机构办理参保登记"
    )
    screenshot(page, "register-henan-unknown-uscc")
    expect(page.get_by_label("单位名称")).to_have_value("昆明云岭科技有限公司")
    expect(page.get_by_label("统一社会信用代码")).to_have_value(USCC)
    expect(page.get_by_label("区县")).to_have_value("410105")

    register_core_unit(division="410105")  # the core system's feed brings it
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("[aria-current=step]")).to_have_text("经办人信息")


def test_yunnan_asks_for_the_contact_phone_the_core_system_holds(page: Any, settings: Any) -> None:
    settings.YIBAO_PROFILE = "yunnan"
    register_core_unit(division="530112", phone="13900001111")
    page.goto(page.base_url + "/hall/register/")
    fill_unit_step(page)
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("[aria-current=step]")).to_have_text("经办人信息")

    # Filled in another order than the manual's: the code is sent first, the rest typed after.
    page.get_by_label("经办人手机号").fill("13812340000")
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("短信验证码已发送至138****0000，5分钟内有效")).to_be_visible()
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page, "13812340000"))
    page.get_by_label("经办人密码").fill("Efgh12345678")
    page.get_by_label("确认密码").fill("Efgh12345678")
    page.get_by_label("经办人姓名").fill("李娜")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("证件有效起始日期").fill("2020-01-01")
    page.get_by_label("证件有效截止日期").fill("2040-01-01")
    page.get_by_role("button", name="下一步").click()
    message = (
        "单位联系人号码与医保系统存储信息不一致，请携带相关材料到经办大厅修改单位联系人号码后可正常注册!"
    )
    expect(page.locator(".error-summary")).to_contain_text(message)
    screenshot(page, "register-yunnan-contact-mismatch")
    expect(page.get_by_label("经办人姓名")).to_have_value("李娜")
    expect(page.get_by_label("证件有效截止日期")).to_have_value("2040-01-01")

    # The agency corrects the 单位联系人号码 in the core system; its feed brings the new number, and
    # the same code (not spent by the refusal) finishes the registration.
    CoreUnit.objects.filter(uscc=USCC).update(contact_phone="13812340000")
    expect(page.get_by_label("经办人密码")).to_have_value("Efgh12345678")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="恭喜您，注册成功！")).to_be_visible()
