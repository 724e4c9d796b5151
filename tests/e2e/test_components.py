"""Shared form components in a real browser: password strength, errors, region picker."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_password_strength_follows_typing(page: Any) -> None:
    page.goto(page.base_url + "/_dev/components/")
    password = page.get_by_label("密码")
    meter = page.locator("[data-module=password-strength]")
    expect(meter).to_contain_text("未填写")
    for typed, label in [("abc", "弱"), ("abcdefgh", "弱"), ("abcdefg1", "中"), ("Abcdefg12!", "强")]:
        password.fill(typed)
        expect(meter).to_contain_text(f"密码强度 {label}")


def test_the_javascript_meter_agrees_with_the_server_rule(page: Any) -> None:
    from yibao.core.validators.passwords import password_strength

    samples = [
        "",
        "a",
        "abcdefgh",
        "ABCDEFGH1",
        "abcDEF12",
        "abcDEF123!",
        "1234567890",
        "密码Abc123456",
        "a b c 1 2 3",
    ]
    page.goto(page.base_url + "/_dev/components/")
    scores = page.evaluate(
        "async (samples) => { const m = await import('/static/js/password-strength.js');"
        " return samples.map((s) => m.strength(s)); }",
        samples,
    )
    assert scores == [password_strength(s).score for s in samples]


def test_errors_are_shown_in_chinese_and_input_survives(page: Any) -> None:
    page.goto(page.base_url + "/_dev/components/")
    page.get_by_label("统一社会信用代码").fill("91350200776049653B")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("邮政编码").fill("650000")
    page.get_by_label("账号").fill("dw2026001")
    page.get_by_label("密码").fill("Qz7kWm2pLr5")
    page.get_by_label("省（自治区、直辖市）").select_option(label="北京市")
    page.get_by_label("市（地区、州）").select_option(label="市辖区")
    page.get_by_label("区县").select_option(label="海淀区")
    page.get_by_role("button", name="提交校验").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("统一社会信用代码：统一社会信用代码校验位不正确")
    expect(page.get_by_label("账号")).to_have_value("dw2026001")
    expect(page.get_by_label("区县")).to_have_value("110108")
    screenshot(page, "components-errors")

    page.get_by_label("统一社会信用代码").fill("91350200776049653A")
    page.get_by_label("密码").fill("Qz7kWm2pLr5")
    page.get_by_role("button", name="提交校验").click()
    expect(page.get_by_role("heading", name="校验通过")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("1101**********002X")
    expect(page.locator(".summary")).to_contain_text("北京市海淀区（110108）")
