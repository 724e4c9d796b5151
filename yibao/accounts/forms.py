from __future__ import annotations

from captcha.fields import CaptchaField


def captcha_field() -> CaptchaField:
    return CaptchaField(
        label="图形验证码",
        error_messages={"invalid": "图形验证码不正确，请重新输入", "required": "请输入图形验证码"},
    )
