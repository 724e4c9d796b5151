"""职工参保登记 — 单个人员参保登记 in a browser: a new person and a person the records know."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_key_change_flow import scan, upload
from tests.e2e.test_operators import login_operator
from yibao.cases.models import Application, Status
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, grant
from yibao.demo.numbers import make_id_number
from yibao.enrollment.models import Insurance
from yibao.enrollment.rules import id_facts

NEW_ID = make_id_number("530102", datetime.date(1992, 4, 9), 7)


def open_enrollment(page: Any) -> None:
    page.locator(".service-tile", has_text="职工参保登记").get_by_role("link").click()
    expect(page.get_by_role("heading", name="职工参保登记")).to_be_visible()


def finish(page: Any, tmp_path: Path) -> None:
    """打印报表, upload the stamped form, 保存."""
    workspace = page.url
    page.get_by_role("button", name="打印报表").click()
    page.wait_for_url(re.compile(r"/form/$"))
    page.goto(workspace)
    upload(page, "职工参保登记表", scan(tmp_path, "enroll.png"))
    page.get_by_role("button", name="已打印盖章，继续上传并保存").click()
    expect(page.get_by_text("职工参保登记已提交，请等待医保经办机构审核")).to_be_visible()


def test_a_new_person_is_entered_in_full(page: Any, tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    open_enrollment(page)
    page.get_by_label("证件号码").fill(NEW_ID)
    page.get_by_label("证件号码").press("Enter")
    expect(page.get_by_text("系统中无该人员记录，请填写全部信息")).to_be_visible()
    expect(page.get_by_label("出生日期")).to_have_value("1992-04-09")
    page.get_by_label("姓名").fill("赵敏")
    page.get_by_label("民族").select_option("01")
    page.get_by_label("人员类别").select_option("1101")
    page.get_by_label("用工形式").select_option("1")
    page.get_by_label("月缴费基数").fill("3000")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".error-summary")).to_contain_text("月缴费基数须在4400.00至22000.00元之间")
    page.get_by_label("月缴费基数").fill("6000")
    screenshot(page, "enroll-single-new")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="职工参保登记")).to_be_visible()
    finish(page, tmp_path)
    assert Application.objects.get().status == Status.SUBMITTED


def test_a_known_person_is_prefilled(page: Any, tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    person = PersonFactory.create(name="钱芳")  # worked for this unit before: its own record
    InsuranceFactory.create(person=person, unit=binding.unit, status=Insurance.Status.TERMINATED)
    facts = id_facts("01", person.cert_no)
    assert facts is not None
    type(person).objects.filter(pk=person.pk).update(gender=facts[0], birth_date=facts[1])
    login_operator(page, binding.operator.mobile, binding.unit.name)
    open_enrollment(page)
    page.get_by_label("证件号码").fill(person.cert_no)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("该人员已在系统中登记")).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_value("钱芳")
    expect(page.get_by_label("姓名")).to_be_disabled()
    page.get_by_label("人员类别").select_option("1101")
    page.get_by_label("用工形式").select_option("1")
    page.get_by_label("月缴费基数").fill("6000")
    screenshot(page, "enroll-single-known")
    page.get_by_role("button", name="下一步").click()
    finish(page, tmp_path)
    assert Application.objects.get().payload["name"] == "钱芳"


def test_bad_details_are_refused_at_their_fields_and_kept_for_correction(page: Any) -> None:
    """issue 20 item 3: 手机号码 12345, 姓名 Tom123 and a future 首次参加工作日期 were accepted."""
    binding = grant(BindingFactory.create(), "employee-enrollment")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    open_enrollment(page)
    page.get_by_label("证件号码").fill(NEW_ID)
    page.get_by_label("证件号码").press("Enter")
    expect(page.get_by_label("310 职工基本医疗保险")).to_be_checked()
    expect(page.get_by_label("510 生育保险")).not_to_be_checked()
    expect(page.get_by_label("人员类别").locator("option", has_text="新生儿")).to_have_count(0)
    page.get_by_label("姓名").fill("Tom123")
    page.get_by_label("手机号码").fill("12345")
    future = timezone.localdate() + datetime.timedelta(days=40)
    page.get_by_label("首次参加工作日期").fill(future.isoformat())
    page.get_by_label("民族").select_option("01")
    page.get_by_label("人员类别").select_option("1101")
    page.get_by_label("用工形式").select_option("1")
    page.get_by_label("月缴费基数").fill("6000")
    page.get_by_role("button", name="下一步").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("姓名：姓名不能包含数字")
    expect(summary).to_contain_text("手机号码：请输入正确的手机号码")
    expect(summary).to_contain_text("首次参加工作日期：首次参加工作日期不能晚于今天")
    expect(page.get_by_label("姓名")).to_have_value("Tom123")
    expect(page.get_by_label("月缴费基数")).to_have_value("6000")
    screenshot(page, "enroll-single-refused-fields")
    page.get_by_label("姓名").fill("赵敏")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("首次参加工作日期").fill("2014-07-01")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="职工参保登记")).to_be_visible()
    application = Application.objects.get()
    assert (application.payload["name"], application.payload["insutypes"]) == ("赵敏", ["310"])
