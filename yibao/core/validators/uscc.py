"""统一社会信用代码 (Unified Social Credit Code, GB 32100-2015).

Layout (18 characters from the 31-character set 0-9 A-H J-N P Q R T U W X Y):

* 1     登记管理部门代码 (registration authority: 1-9, A, N, Y)
* 2     机构类别代码 (entity category; allowed values depend on the authority)
* 3-8   登记管理机关行政区划码 (six digits, GB/T 2260)
* 9-17  主体标识码 (organisation code, GB 11714)
* 18    校验码: MOD 31 with weights 3^(i-1) mod 31

The check digit is computed by python-stdnum (`stdnum.cn.uscc.calc_check_digit`). Its
`validate()` is not used because it requires positions 1-8 to be digits, which refuses the
authorities A, N and Y that the standard defines; the structure checks are done here.

Some codes issued in the real world fail the check digit; the setting `YIBAO_USCC_ALLOWLIST`
lists codes that are accepted anyway (only the check-digit test is waived for them).
"""

from __future__ import annotations

from django.conf import settings
from stdnum.cn import uscc as stdnum_uscc

from yibao.core.errors import ApplicationError
from yibao.core.validators._text import normalise_code
from yibao.core.validators.error_codes import UsccErrorCode
from yibao.core.validators.form_adapters import as_django_validator

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18

# Registration authority -> allowed entity categories. Authorities mapped to None are known,
# but their category lists are not verified here, so any character of the set is accepted.
AUTHORITY_CATEGORIES: dict[str, str | None] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 编办管理的群众团体, 其他
    "2": None,  # 外交
    "3": None,  # 司法行政
    "4": None,  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": None,  # 旅游
    "7": None,  # 宗教
    "8": None,  # 工会
    "9": "123",  # 工商/市场监管: 企业, 个体工商户, 农民专业合作社
    "A": None,  # 中央军委改革和编制办公室
    "N": None,  # 农业
    "Y": "1",  # 其他
}

DEFAULT_ALLOWLIST: tuple[str, ...] = ("91350203M0001QAY9B",)

MESSAGES: dict[UsccErrorCode, str] = {
    UsccErrorCode.REQUIRED: "请输入统一社会信用代码",
    UsccErrorCode.LENGTH: "统一社会信用代码应为18位",
    UsccErrorCode.CHARACTERS: "统一社会信用代码含有无效字符（不使用I、O、S、V、Z）",
    UsccErrorCode.AUTHORITY_CATEGORY: "统一社会信用代码的登记管理部门代码或机构类别代码不正确",
    UsccErrorCode.REGION: "统一社会信用代码的第3-8位应为行政区划码（6位数字）",
    UsccErrorCode.CHECK_DIGIT: "统一社会信用代码校验位不正确",
}


def _fail(code: UsccErrorCode, field: str | None) -> ApplicationError:
    return ApplicationError(code, MESSAGES[code], field=field)


def uscc_allowlist() -> frozenset[str]:
    """The codes accepted despite a wrong check digit (setting YIBAO_USCC_ALLOWLIST)."""
    codes = getattr(settings, "YIBAO_USCC_ALLOWLIST", DEFAULT_ALLOWLIST)
    return frozenset(normalise_code(code) for code in codes)


def validate_uscc(value: str, *, field: str | None = None) -> str:
    """Check a 统一社会信用代码 and return it normalised (ASCII, stripped, upper case).

    Raises ApplicationError with a UsccErrorCode; the checks run in this order: empty,
    length, character set, authority/category, region digits, check digit.
    """
    code = normalise_code(value or "")
    if not code:
        raise _fail(UsccErrorCode.REQUIRED, field)
    if len(code) != LENGTH:
        raise _fail(UsccErrorCode.LENGTH, field)
    if any(char not in ALPHABET for char in code):
        raise _fail(UsccErrorCode.CHARACTERS, field)
    authority, category = code[0], code[1]
    if authority not in AUTHORITY_CATEGORIES:
        raise _fail(UsccErrorCode.AUTHORITY_CATEGORY, field)
    categories = AUTHORITY_CATEGORIES[authority]
    if categories is not None and category not in categories:
        raise _fail(UsccErrorCode.AUTHORITY_CATEGORY, field)
    if not code[2:8].isascii() or not code[2:8].isdigit():
        raise _fail(UsccErrorCode.REGION, field)
    if stdnum_uscc.calc_check_digit(code[:17]) != code[17] and code not in uscc_allowlist():
        raise _fail(UsccErrorCode.CHECK_DIGIT, field)
    return code


uscc_django_validator = as_django_validator(validate_uscc)
