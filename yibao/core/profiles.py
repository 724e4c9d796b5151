"""Regional policy profiles (DESIGN §6).

The four halls in the manuals differ in rules, not in code. Each rule that differs reads the
active profile, chosen by the YIBAO_PROFILE setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class CharClass(StrEnum):
    DIGIT = "digit"
    LETTER = "letter"
    LOWER = "lower"
    UPPER = "upper"


CHAR_CLASS_LABELS = {
    CharClass.DIGIT: "数字",
    CharClass.LETTER: "字母",
    CharClass.LOWER: "小写字母",
    CharClass.UPPER: "大写字母",
}


@dataclass(frozen=True, kw_only=True)
class PolicyProfile:
    code: str
    label: str
    password_min: int
    password_max: int
    password_classes: tuple[CharClass, ...]
    password_hint: str
    account_min: int
    account_max: int
    account_hint: str
    lockout_attempts: int
    lockout_minutes: int
    ca_login: bool
    uscc_login: bool
    # 统一身份认证平台登录 (OpenID Connect): Beijing offers it beside password and CA (manual 002 §二).
    oidc_login: bool = False
    # The name of that platform on the button «…登录» and in its messages.
    oidc_platform: str = "统一身份认证平台"
    # One login box «单位账号/经办人账号» for both kinds of account (Beijing 002 §三 screenshot):
    # a mobile number is an operator's account, anything else a unit's.
    combined_login: bool = False
    # Registration only for USCCs the 医保信息系统 registers as valid insured units (Henan manual
    # 004: «在新医保信息系统中存在有效的18位统一社会信用代码»); the register is federation.CoreUnit.
    require_known_uscc: bool = False
    # Registration only when the registering 经办人's mobile is the 单位联系人号码 the 医保信息系统
    # holds for the USCC, where it holds one (Yunnan manual 001 FAQ 2.2).
    registry_contact_match: bool = False
    # A business item may be granted to only one operator of a unit (national manual 003 §1.2.1.4.2).
    exclusive_grants: bool = False
    # 职工参保登记: how many months before the current one the 参保日期 may lie (0 = this month only).
    enrollment_months_back: int = 0
    # 异地就医备案 (facts §4.3; 医保发〔2022〕22号): whether a long-term filing (安置退休, 长期居住,
    # 常驻异地工作) may rest on the person's 告知承诺书 instead of proof documents; how many months
    # a long-term filing stands before it may be changed or cancelled; how long a 转诊 filing is
    # valid from its start.
    filing_commitment: bool = False
    filing_change_months: int = 6
    referral_validity_months: int = 6

    @property
    def unit_logins(self) -> tuple[str, ...]:
        """How a unit logs in under this profile, in the login page's order: 单位账号 + 密码
        always, 单位 CA 登录 and 统一身份认证平台登录 where the hall offers them (README table)."""
        return ("password",) + (("ca",) if self.ca_login else ()) + (("oidc",) if self.oidc_login else ())


PROFILES: dict[str, PolicyProfile] = {
    # National hall, manual 003: «请输入8-16位字符密码, 必须由数字、字母组成»; 账号不支持中文.
    "national": PolicyProfile(
        code="national",
        label="国家医保服务平台",
        password_min=8,
        password_max=16,
        password_classes=(CharClass.DIGIT, CharClass.LETTER),
        password_hint="请输入8-16位字符密码，必须由数字、字母组成",
        account_min=4,
        account_max=30,
        account_hint="不支持中文、各单位自行设定、仅供登录使用",
        lockout_attempts=5,
        lockout_minutes=10,
        ca_login=False,
        uscc_login=True,
        exclusive_grants=True,
        filing_commitment=True,
    ),
    # Beijing, manual 002: password «必须由8-16位数字、大写、小写字母组成» (修改密码); the unit
    # account «注册时填写的 8-20 位由数字、字母组成的字符串» (FAQ 2); one login box
    # «单位账号/经办人账号» (§三); 5 failures lock for 10 minutes (FAQ 7).
    "beijing": PolicyProfile(
        code="beijing",
        label="北京市医疗保障局公共服务平台",
        password_min=8,
        password_max=16,
        password_classes=(CharClass.DIGIT, CharClass.UPPER, CharClass.LOWER),
        password_hint="必须由8-16位数字、大写、小写字母组成",
        account_min=8,
        account_max=20,
        account_hint="8-20位，由数字、字母组成，注册后不可更改",
        lockout_attempts=5,
        lockout_minutes=10,
        ca_login=True,
        uscc_login=False,
        oidc_login=True,
        oidc_platform="北京市统一身份认证平台",
        combined_login=True,
    ),
    # Yunnan, manual 000: «请输入8-16位字符密码，必须由数字、字母组成»; 单位账号 + 密码 only
    # (001 FAQ 2.1: log in with the USCC at the national hall to learn the account, then use the
    # account here); the account itself follows the national hall (001 FAQ 2.1).
    "yunnan": PolicyProfile(
        code="yunnan",
        label="云南省医疗保障公共服务平台",
        password_min=8,
        password_max=16,
        password_classes=(CharClass.DIGIT, CharClass.LETTER),
        password_hint="请输入8-16位字符密码，必须由数字、字母组成",
        account_min=4,
        account_max=30,
        account_hint="不支持中文、各单位自行设定、仅供登录使用",
        lockout_attempts=5,
        lockout_minutes=10,
        ca_login=False,
        uscc_login=False,
        registry_contact_match=True,
    ),
    # Henan, manual 004: 账号 «请输入8-20位字符, 含数字, 可自定义», 由字母和数字组成;
    # 密码 «请输入8-20位字符, 含数字».
    "henan": PolicyProfile(
        code="henan",
        label="河南省医疗保障公共服务平台",
        password_min=8,
        password_max=20,
        password_classes=(CharClass.DIGIT,),
        password_hint="请输入8-20位字符，含数字",
        account_min=8,
        account_max=20,
        account_hint="请输入8-20位字符，由字母和数字组成，可自定义",
        lockout_attempts=5,
        lockout_minutes=10,
        ca_login=True,
        uscc_login=False,
        require_known_uscc=True,
    ),
}


def get_profile(code: str | None = None) -> PolicyProfile:
    """The profile named by `code`, or the active one from settings."""
    key: str = code or str(getattr(settings, "YIBAO_PROFILE", "national"))
    try:
        return PROFILES[key]
    except KeyError as exc:
        raise ImproperlyConfigured(
            f"YIBAO_PROFILE={key!r} is unknown; choose one of {', '.join(PROFILES)}"
        ) from exc
