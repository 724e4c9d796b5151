"""The file layouts of the catalogue loads: which columns each kind of file has and how each
cell is checked. `README.md` in this app documents the same layouts for administrators, and a
test keeps the two in step.

Headers follow the national catalogues (医保药品分类与代码, 定点医药机构 FIXMEDINS_B, 医疗服务项目);
each column also accepts the national field name (fixmedins_code …) and a few common variants.
Column order is free, extra columns are ignored, a trailing «*» on a header is ignored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from yibao.catalog.models import (
    DRUG_CODE,
    INSTITUTION_CODE,
    SERVICE_ITEM_CODE,
    Agency,
    CatalogEntry,
    Drug,
    Institution,
    PaymentClass,
    ServiceItem,
)
from yibao.core.errors import ApplicationError
from yibao.core.spreadsheets.cells import feed_header_key
from yibao.core.validators._text import normalise_code, to_halfwidth
from yibao.core.validators.uscc import validate_uscc


class CellError(ValueError):
    """A cell that does not pass its check; the message says what is wrong, in Chinese."""


@dataclass
class ParseContext:
    """Lookups the checks need, loaded once per file."""

    divisions: set[str]
    hosp_levels: dict[str, str]  # code -> label
    cert_types: dict[str, str] = field(default_factory=dict)  # psn_cert_type code -> label


Parser = Callable[[str, ParseContext], Any]


@dataclass(frozen=True)
class Column:
    attr: str
    header: str
    parse: Parser
    required: bool = True
    aliases: tuple[str, ...] = ()
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Layout:
    kind: str
    label: str
    model: type[CatalogEntry]
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    # Values every row of this kind gets, and the part of the table a file of this kind replaces.
    fixed: dict[str, Any] = field(default_factory=dict)
    region_attr: str | None = "division_id"

    @property
    def key_headers(self) -> str:
        by_attr = {column.attr: column.header for column in self.columns}
        return "、".join(by_attr[attr] for attr in self.key)


# --- cell checks -------------------------------------------------------------------------------


def text(max_length: int) -> Parser:
    def parse(value: str, ctx: ParseContext) -> str:
        value = " ".join(value.split())
        if len(value) > max_length:
            raise CellError(f"不能超过{max_length}个字符（现有{len(value)}个）")
        return value

    return parse


def long_text(max_length: int = 2000) -> Parser:
    def parse(value: str, ctx: ParseContext) -> str:
        value = value.strip()
        if len(value) > max_length:
            raise CellError(f"不能超过{max_length}个字符")
        return value

    return parse


def pattern(validator: Any) -> Parser:
    regex = re.compile(validator.regex.pattern)

    def parse(value: str, ctx: ParseContext) -> str:
        code = normalise_code(value)
        if not regex.match(code):
            raise CellError(f"“{value}”格式不正确，{validator.message}")
        return code

    return parse


def choice(options: dict[str, str], description: str) -> Parser:
    """Accepts a code or its label (e.g. 01 or 甲类 or 甲)."""

    def parse(value: str, ctx: ParseContext) -> str:
        key = to_halfwidth(value).strip()
        if key in options:
            return options[key]
        raise CellError(f"“{value}”无效，应为{description}")

    return parse


def division(value: str, ctx: ParseContext) -> str:
    code = to_halfwidth(value).strip()
    if not re.fullmatch(r"\d{6}", code):
        raise CellError(f"“{value}”格式不正确，应为6位医保区划代码")
    if code not in ctx.divisions:
        raise CellError(f"“{code}”不是有效的医保区划代码")
    return code


def hosp_level(value: str, ctx: ParseContext) -> str:
    key = to_halfwidth(value).strip()
    if key in ctx.hosp_levels:
        return key
    for code, label in ctx.hosp_levels.items():
        if key == label:
            return code
    raise CellError(f"“{value}”不是有效的医院等级（如 02 或 三级甲等）")


def uscc(value: str, ctx: ParseContext) -> str:
    try:
        return validate_uscc(value)
    except ApplicationError as error:
        # The message names the field already («统一社会信用代码校验位不正确»); the row adds it too.
        raise CellError(error.message.removeprefix("统一社会信用代码").removeprefix("请输入")) from error


def money(value: str, ctx: ParseContext) -> Decimal | None:
    text_value = to_halfwidth(value).strip().replace(",", "")
    try:
        amount = Decimal(text_value)
    except InvalidOperation as error:
        raise CellError(f"“{value}”不是有效的金额") from error
    if amount < 0 or amount >= Decimal("1e10"):
        raise CellError(f"“{value}”超出范围")
    return amount.quantize(Decimal("0.01"))


_TRUE = {"1", "是", "y", "yes", "true", "已开通", "开通"}
_FALSE = {"0", "否", "n", "no", "false", "未开通"}


def flag(value: str, ctx: ParseContext) -> bool:
    key = to_halfwidth(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"“{value}”无效，应为 是/否（或 1/0）")


def date(value: str, ctx: ParseContext) -> datetime.date:
    key = to_halfwidth(value).strip()[:10]
    if len(key) == 10 and key[4] == "-":  # the common 2024-01-01, without strptime's cost
        try:
            return datetime.date.fromisoformat(key)
        except ValueError:
            pass
    for form in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(key, form).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise CellError(f"“{value}”不是有效的日期（如 2024-01-01）")


def with_labels(choices: Any, *shorthands: tuple[str, str]) -> dict[str, str]:
    options = {str(value): str(value) for value, _ in choices}
    options |= {str(label): str(value) for value, label in choices}
    options |= dict(shorthands)
    return options


DRUG_CATEGORIES = with_labels(Drug.Category.choices, ("甲", "01"), ("乙", "02"), ("1", "01"), ("2", "02"))
PAYMENT_CLASSES = with_labels(
    PaymentClass.choices, ("甲", "01"), ("乙", "02"), ("丙", "03"), ("1", "01"), ("2", "02"), ("3", "03")
)
SERVICE_TYPES = with_labels(Institution.ServiceType.choices)


# --- layouts -----------------------------------------------------------------------------------

DRUGS = Layout(
    kind="drugs",
    label="医保药品目录",
    model=Drug,
    key=("code",),
    region_attr=None,
    columns=(
        Column("code", "医保药品代码", pattern(DRUG_CODE), aliases=("药品代码", "med_list_codg")),
        Column("name", "注册名称", text(200), aliases=("药品名称", "reg_name")),
        Column("dosage_form", "剂型", text(40), aliases=("注册剂型", "dosform_name")),
        Column("spec", "规格", text(100), required=False, aliases=("注册规格", "reg_spec")),
        Column(
            "manufacturer",
            "生产企业",
            text(200),
            required=False,
            aliases=("药品企业", "生产企业名称", "prodentp_name"),
        ),
        Column("approval_no", "批准文号", text(60), required=False, aliases=("aprvno",)),
        Column(
            "category",
            "甲乙类",
            choice(DRUG_CATEGORIES, "甲类/乙类（或 01/02）"),
            aliases=("医保类别", "chrgitm_lv"),
            note="甲类、乙类，或代码 01、02",
        ),
        Column(
            "payment_limit",
            "限定支付范围",
            long_text(),
            required=False,
            aliases=("支付限制", "备注", "lmt_used_flag_memo"),
        ),
    ),
)


def _institution_columns(level_header: str, person_header: str) -> tuple[Column, ...]:
    return (
        Column("code", "定点医药机构编号", pattern(INSTITUTION_CODE), aliases=("机构编码", "fixmedins_code")),
        Column("name", "定点医药机构名称", text(200), aliases=("机构名称", "fixmedins_name")),
        Column("uscc", "统一社会信用代码", uscc, required=False, aliases=("uscc",)),
        Column(
            "division_id",
            "定点归属医保区划",
            division,
            aliases=("医保区划", "所属区域", "fix_blng_admdvs"),
            note="6位区划代码，须为系统中有效的医保区划",
        ),
        Column(
            "service_type",
            "医疗服务机构类型",
            choice(SERVICE_TYPES, "医疗服务机构类型的名称或代码"),
            required=False,
            aliases=("机构类型", "medins_type"),
            note="名称或代码，见下表",
        ),
        Column(
            "hosp_lv",
            level_header,
            hosp_level,
            required=False,
            aliases=("医院等级", "医药机构等级", "hosp_lv"),
            note="代码表 hosp_lv 的代码或名称（02 或 三级甲等）",
        ),
        Column("address", "地址", text(200), required=False, aliases=("机构地址", "addr")),
        Column("tel", "联系电话", text(30), required=False, aliases=("tel",)),
        Column(
            "hi_resper_name",
            person_header,
            text(50),
            required=False,
            aliases=("医保办负责人姓名", "经办负责人姓名", "hi_resper_name"),
        ),
        Column(
            "hi_resper_tel",
            "医保办负责人联系电话",
            text(20),
            required=False,
            aliases=("经办负责人联系电话", "hi_resper_tel"),
        ),
        Column(
            "fix_onln_open_flag",
            "定点联网开通标志",
            flag,
            required=False,
            aliases=("联网开通", "fix_onln_open_flag"),
            note="是/否 或 1/0；空白为否",
        ),
        Column("begntime", "定点开始日期", date, required=False, aliases=("开始日期", "begntime")),
        Column("endtime", "定点结束日期", date, required=False, aliases=("结束日期", "endtime")),
        Column("memo", "备注", long_text(500), required=False, aliases=("memo",)),
    )


INSTITUTIONS = Layout(
    kind="institutions",
    label="定点医疗机构",
    model=Institution,
    key=("code",),
    columns=_institution_columns("医院等级", "医保办负责人姓名"),
    fixed={"fixmedins_type": Institution.Type.MEDICAL},
)

PHARMACIES = Layout(
    kind="pharmacies",
    label="定点零售药店",
    model=Institution,
    key=("code",),
    columns=_institution_columns("医药机构等级", "经办负责人姓名"),
    fixed={"fixmedins_type": Institution.Type.PHARMACY},
)

AGENCIES = Layout(
    kind="agencies",
    label="经办机构",
    model=Agency,
    key=("code",),
    columns=(
        Column("code", "经办机构编码", text(20), aliases=("机构编码", "optins_no")),
        Column("name", "经办机构名称", text(200), aliases=("机构名称",)),
        Column("division_id", "医保区划", division, aliases=("所属区域", "admdvs")),
        Column("address", "地址", text(200), aliases=("办公地址", "addr")),
        Column("phone", "咨询电话", text(60), required=False, aliases=("联系电话", "tel")),
        Column("office_hours", "办公时间", text(200), required=False, aliases=("工作时间",)),
        Column("postcode", "邮政编码", text(6), required=False, aliases=("poscode",)),
    ),
)

SERVICE_ITEMS = Layout(
    kind="service-items",
    label="医保服务设施和诊疗项目",
    model=ServiceItem,
    key=("division_id", "code"),
    columns=(
        Column("code", "项目编码", pattern(SERVICE_ITEM_CODE), aliases=("医疗服务项目编码", "med_list_codg")),
        Column("division_id", "医保区划", division, aliases=("所属区域", "admdvs")),
        Column(
            "payment_class",
            "医保类别",
            choice(PAYMENT_CLASSES, "甲类/乙类/丙类（或 01/02/03）"),
            aliases=("收费项目等级", "chrgitm_lv"),
            note="甲类、乙类、丙类，或代码 01、02、03",
        ),
        Column("category", "类别", text(60), aliases=("项目类别",)),
        Column("name", "名称", text(200), aliases=("项目名称",)),
        Column("description", "说明", long_text(), required=False, aliases=("项目内涵",)),
        Column("exclusions", "除外内容", long_text(), required=False),
        Column("unit", "计价单位", text(40), required=False),
        Column(
            "price", "价格", money, required=False, aliases=("价格（元）", "价格(元)"), note="元，两位小数"
        ),
    ),
)

LAYOUTS: dict[str, Layout] = {
    layout.kind: layout for layout in (DRUGS, INSTITUTIONS, PHARMACIES, AGENCIES, SERVICE_ITEMS)
}


header_key = feed_header_key  # headers compared without spaces, a trailing «*» and with ASCII brackets
