"""职工中断参保 (少量中断) and 职工参保关键信息变更 in a browser, as the Henan manual describes them."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.e2e.conftest import screenshot
from tests.e2e.test_operators import login_operator
from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, UserFactory, grant
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.rules import id_facts
from yibao.enrollment.tests.test_interruption_batch import row_for
from yibao.enrollment.tests.test_interruption_batch import workbook as batch_file


def scan(tmp_path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (240, 240, 240)).save(out, format="PNG")
    path = tmp_path / "stamped.png"
    path.write_bytes(out.getvalue())
    return path


def print_upload_save(page: Any, material: str, tmp_path: Path) -> None:
    """打印报表 (the PDF opens), back to the workspace, 点击上传 the stamped scan, 保存."""
    workspace = page.url
    page.get_by_role("button", name="打印报表").click()
    page.wait_for_url(re.compile(r"/hall/cases/\d+/form/$"))
    page.goto(workspace)
    expect(page.get_by_text("已于")).to_be_visible()
    page.get_by_label(f"上传{material}").set_input_files(str(scan(tmp_path)))
    page.locator("tr", has_text=material).get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("上传成功")).to_be_visible()
    page.get_by_role("button", name="已打印盖章，继续上传并保存").click()
    expect(page.get_by_text("已提交，请等待医保经办机构审核")).to_be_visible()


def test_a_small_interruption_of_two_persons(page: Any, tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-interruption")
    first = InsuranceFactory.create(unit=binding.unit, person__name="赵一")
    second = InsuranceFactory.create(unit=binding.unit, person__name="钱二")
    kept = InsuranceFactory.create(unit=binding.unit, person__name="孙三")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.goto(page.base_url + "/hall/enrollment/interruption/")
    expect(page.get_by_role("heading", name="职工中断参保")).to_be_visible()

    page.get_by_label("证件号码").fill(second.person.cert_no)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".roster-table__found")).to_contain_text("钱二")
    page.get_by_label("选择 赵一").check()
    page.get_by_label("选择 钱二").check()
    page.get_by_label("中断原因").select_option(label="解除劳动合同")
    page.get_by_label("中断日期").fill(timezone.localdate().isoformat())
    screenshot(page, "interruption-choose")
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="职工中断参保")).to_be_visible()
    expect(page.locator(".change-table")).to_contain_text("赵一（")
    expect(page.locator(".change-table")).to_contain_text("解除劳动合同")
    print_upload_save(page, "职工中断参保申报表", tmp_path)
    screenshot(page, "interruption-submitted")

    application = Application.objects.get(type_code="employee-interruption")
    reviewer = UserFactory.create(is_staff=True, is_superuser=True, username="shenhe-interruption")
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer, opinion="同意")
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED
    paused = Insurance.objects.filter(status=Insurance.Status.PAUSED)
    assert sorted(paused.values_list("person_id", flat=True)) == sorted([first.person_id, second.person_id])
    assert Insurance.objects.get(pk=kept.pk).status == Insurance.Status.ACTIVE
    changes = PersonnelChange.objects.filter(application=application, kind=PersonnelChange.Kind.REMOVE)
    assert sorted(changes.values_list("person_id", flat=True)) == sorted([first.person_id, second.person_id])


def test_a_key_change_of_a_persons_name(page: Any, tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-key-info-change")
    person = InsuranceFactory.create(unit=binding.unit, person__name="王芳").person
    facts = id_facts(person.cert_type, person.cert_no)
    assert facts is not None
    Person.objects.filter(pk=person.pk).update(gender=facts[0], birth_date=facts[1])
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.goto(page.base_url + "/hall/changes/employee-key-info/")
    page.get_by_label("证件号码").fill(person.cert_no)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="人员信息")).to_be_visible()
    page.get_by_label("姓名").fill("王芳芳")
    screenshot(page, "person-key-change-form")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".change-table__changed")).to_contain_text("王芳芳")
    print_upload_save(page, "职工参保关键信息变更表", tmp_path)
    screenshot(page, "person-key-change-submitted")
    application = Application.objects.get(type_code="employee-key-info-change")
    assert application.status == Status.SUBMITTED and application.payload["name"] == "王芳芳"
    assert Person.objects.get(pk=person.pk).name == "王芳"  # waits for review


def test_a_batch_interruption_file_with_a_failure_then_corrected(page: Any, tmp_path: Path) -> None:
    binding = grant(BindingFactory.create(), "employee-interruption")
    persons = [InsuranceFactory.create(unit=binding.unit, person__name=f"批量{n}").person for n in range(4)]
    stranger = PersonFactory.create(name="外单位")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.goto(page.base_url + "/hall/enrollment/interruption/")
    page.get_by_role("link", name="批量文件中断").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="下载模板").click()
    assert template.value.suggested_filename.endswith(".xlsx")

    bad = tmp_path / "中断.xlsx"
    bad.write_bytes(batch_file([row_for(p) for p in persons] + [row_for(stranger)]))
    page.get_by_label("批量导入文件").set_input_files(str(bad))
    page.get_by_role("button", name="批量导入", exact=True).click()
    expect(page.get_by_role("link", name=re.compile("校验失败列表（1）"))).to_be_visible(timeout=20_000)
    page.get_by_role("link", name=re.compile("校验失败列表")).click()
    expect(page.locator("tbody")).to_contain_text("不是本单位正常参保人员")
    expect(page.get_by_role("link", name="下一步")).to_have_count(0)
    screenshot(page, "interruption-batch-failed")
    with page.expect_download() as export:
        page.get_by_role("link", name="导出失败数据").click()
    rows = CalamineWorkbook.from_path(export.value.path()).get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and rows[1][2] == "外单位"

    good = tmp_path / "中断-已修改.xlsx"
    good.write_bytes(batch_file([row_for(p) for p in persons]))
    page.get_by_role("link", name="重新导入").first.click()
    page.get_by_label("批量导入文件").set_input_files(str(good))
    page.get_by_role("button", name="批量导入", exact=True).click()
    expect(page.get_by_role("link", name=re.compile("校验成功列表（4）"))).to_be_visible(timeout=20_000)
    expect(page.locator("tbody")).to_contain_text("批量0")
    page.get_by_role("link", name="下一步").click()
    print_upload_save(page, "职工中断参保申报表（批量）", tmp_path)

    application = Application.objects.get(type_code="employee-interruption-batch", status=Status.SUBMITTED)
    reviewer = UserFactory.create(is_staff=True, is_superuser=True, username="shenhe-interruption-batch")
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer, opinion="同意")
    assert Insurance.objects.filter(unit=binding.unit, status=Insurance.Status.PAUSED).count() == 4
