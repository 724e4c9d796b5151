"""The 贯标平台 institution feed: its columns and reading a file (CSV UTF-8 or xlsx) or JSON rows
into text cells with the line each came from. `sync.py` checks and applies them.

One feed carries 定点医疗机构 and 定点零售药店 alike (the code's H or P tells them apart). A file
is headed by the Chinese titles of `SYNC_COLUMNS` (the labels of the institution form in manual
001) or their national field names; JSON rows are keyed by the national field names. The layout is
documented in README.md («Sync from the 贯标平台»); a test keeps the two in step.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from yibao.catalog.error_codes import CatalogErrorCode
from yibao.catalog.layouts import (
    SERVICE_TYPES,
    CellError,
    Column,
    ParseContext,
    choice,
    date,
    division,
    flag,
    header_key,
    hosp_level,
    long_text,
    pattern,
    text,
    uscc,
    with_labels,
)
from yibao.catalog.models import INSTITUTION_CODE, Institution
from yibao.core.errors import ApplicationError
from yibao.core.spreadsheets.archive import FileRefused
from yibao.core.spreadsheets.cells import feed_cell_text, feed_timestamp
from yibao.core.spreadsheets.feeds import feed_lines
from yibao.core.validators._text import to_halfwidth

# --- cell checks only the feed has ---------------------------------------------------------------


def timestamp(value: str, ctx: ParseContext) -> datetime.datetime:
    """The 贯标平台's update time (`feed_timestamp`)."""
    try:
        return feed_timestamp(value)
    except ValueError as error:
        raise CellError(str(error)) from None


def count(value: str, ctx: ParseContext) -> int:
    key = to_halfwidth(value).strip()
    if not re.fullmatch(r"\d{1,5}", key):
        raise CellError(f"“{value}”应为0至99999的整数")
    return int(key)


def cert_type(value: str, ctx: ParseContext) -> str:
    key = to_halfwidth(value).strip()
    for code, label in ctx.cert_types.items():
        if key in (code, label):
            return code
    raise CellError(f"“{value}”不是有效的证件类型（代码表 psn_cert_type 的代码或名称，如 01）")


def institution_type(value: str, ctx: ParseContext) -> str:
    return choice(with_labels(Institution.Type.choices), "1（定点医疗机构）或 2（定点零售药店）")(value, ctx)


def _choices(options: Any, description: str) -> Any:
    return choice(with_labels(options), description)


# --- the columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncColumn:
    """A column of the feed: its national field name (the JSON key), the file header and the
    attribute of `Institution` it fills."""

    key: str
    column: Column
    pharmacy_only: bool = False

    @property
    def attr(self) -> str:
        return self.column.attr

    @property
    def title(self) -> str:
        return self.column.header


def _c(key: str, attr: str, title: str, parse: Any, *, required: bool = False, aliases: tuple[str, ...] = (),
       note: str = "", pharmacy_only: bool = False) -> SyncColumn:  # fmt: skip
    return SyncColumn(
        key, Column(attr, title, parse, required=required, aliases=(key, *aliases), note=note), pharmacy_only
    )


SYNC_COLUMNS: tuple[SyncColumn, ...] = (
    _c("fixmedins_code", "code", "定点医药机构编号", pattern(INSTITUTION_CODE), required=True,
       aliases=("医疗机构编号", "药店编号", "机构编码"), note="H（医疗机构）或 P（零售药店）加 11 位数字"),
    _c("fixmedins_name", "name", "定点医药机构名称", text(200), required=True,
       aliases=("医疗机构名称", "药店名称", "机构名称")),
    _c("fixmedins_type", "fixmedins_type", "定点医药机构类型", institution_type,
       note="1 定点医疗机构、2 定点零售药店（名称或代码）；空白按编号判断，填写时须与编号一致"),
    _c("medins_abbr", "abbr", "医疗机构简称", text(100), aliases=("简称",)),
    _c("medins_type", "service_type", "医疗服务机构类型", choice(SERVICE_TYPES, "医疗服务机构类型的名称或代码"),
       note="见下方代码"),
    _c("uscc", "uscc", "统一社会信用代码", uscc, note="18 位，校验位须正确"),
    _c("admdvs", "insu_division_id", "医保区划", division, note="6 位区划代码"),
    _c("fix_blng_admdvs", "division_id", "定点所属行政区划", division, required=True,
       aliases=("定点归属医保区划",), note="6 位区划代码，须为系统中有效的区划"),
    _c("medins_prac_lic_regno", "reg_code", "注册登记代码", text(50), aliases=("执业许可证登记号",)),
    _c("lic_issue_date", "lic_issue_date", "经营许可证发证日期", date, note="日期，如 2024-01-01"),
    _c("medins_prac_lic_expy", "lic_expiry_date", "经营许可证有效截止日期", date,
       note="不早于发证日期"),
    _c("addr", "address", "地址", text(200)),
    _c("tel", "tel", "联系电话", text(30), note="公开显示"),
    _c("hosp_lv", "hosp_lv", "医院等级", hosp_level, aliases=("医药机构等级",),
       note="代码表 hosp_lv 的代码或名称（02 或 三级甲等）"),
    _c("lmtpric_hosp_lv", "lmtpric_hosp_lv", "限价医院等级",
       _choices(Institution.PriceLevel.choices, "一级/二级/三级（或 1/2/3）")),
    _c("dedc_hosp_lv", "dedc_hosp_lv", "起付线(报销)等级",
       _choices(Institution.DeductibleLevel.choices, "一级及以下/二级/三级（或 1/2/3）"),
       aliases=("起付线等级",)),
    _c("out_fixmedins_type", "out_fixmedins_type", "异地医药机构类型",
       _choices(Institution.OutType.choices, "省内异地医药机构/跨省异地医药机构/省内及跨省异地医药机构（或 1/2/3）")),
    _c("fix_onln_open_flag", "fix_onln_open_flag", "定点联网开通标志", flag,
       note="是/否 或 1/0（正常联网为是）"),
    _c("out_onln_open_type", "out_onln_open_type", "异地联网开通标志",
       _choices(Institution.OutOnline.choices, "非异地定点/省内异地定点/跨省异地定点/省内及跨省异地定点（或 0-3）")),
    _c("nat_plaf_code", "nat_plaf_code", "国家异地平台机构编号", text(30)),
    _c("prov_plaf_code", "prov_plaf_code", "省内异地平台机构编号", text(30)),
    _c("hi_resper_name", "hi_resper_name", "医保办负责人姓名", text(50),
       aliases=("医院负责人姓名", "经办负责人姓名")),
    _c("hi_resper_cert_type", "hi_resper_cert_type", "医保办负责人证件类型", cert_type,
       aliases=("医院负责人证件类型",), note="代码表 psn_cert_type；与证件号码同填或同空"),
    _c("hi_resper_certno", "hi_resper_certno", "医保办负责人证件号码", text(50),
       aliases=("医院负责人证件号码",), note="按证件类型校验（居民身份证校验位等）"),
    _c("hi_resper_tel", "hi_resper_tel", "医保办负责人联系电话", text(20),
       aliases=("医院负责人联系电话", "经办负责人联系电话"), note="页面上打码显示"),
    _c("begntime", "begntime", "开始日期", date, aliases=("定点开始日期",)),
    _c("endtime", "endtime", "结束日期", date, aliases=("定点结束日期",), note="空白为长期；不早于开始日期"),
    _c("mutu_recog_flag", "mutual_recog_flag", "省市互认标志",
       _choices(Institution.MutualRecognition.choices, "是/否（或 1/0）")),
    _c("drug_biz_lic_no", "drug_biz_lic_no", "药品经营许可证编号", text(50), pharmacy_only=True),
    _c("brch_flag", "brch_flag", "分店标志", flag, pharmacy_only=True, note="是/否 或 1/0"),
    _c("phac_chan_type", "phac_chan_type", "连锁类型",
       _choices(Institution.ChainType.choices, "非连锁/直营连锁/加盟连锁（或 0/1/2）"), pharmacy_only=True),
    _c("phar_psncnt", "phar_psncnt", "药师人数", count, pharmacy_only=True),
    _c("memo", "memo", "备注", long_text(500)),
    _c("vali_flag", "is_active", "有效标志", flag, note="1 有效、0 无效（不再是定点机构，公众查询不再列出）；空白为有效"),
    _c("updt_time", "plaf_updt_time", "贯标平台更新时间", timestamp, required=True,
       note="该记录在贯标平台最后修改的时间，如 2026-05-01 10:20:30；不得早于已同步的时间"),
)  # fmt: skip
BY_KEY = {c.key: c for c in SYNC_COLUMNS}
_BY_HEADER = {header_key(name): c for c in SYNC_COLUMNS for name in c.column.names}


@dataclass(frozen=True)
class SyncRow:
    """One row as text, by national field name (only the columns the feed has); `line` is its line
    in the file (header = 1) or its position in the JSON list (from 1)."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class SyncFeed:
    """The rows of one file or request, and the columns it has (a column it lacks is left alone)."""

    keys: tuple[str, ...]
    rows: list[SyncRow]
    json: bool = False

    def where(self, line: int) -> str:
        return f"第{line}条" if self.json else f"第{line}行"


def refused(message: str) -> ApplicationError:
    return ApplicationError(CatalogErrorCode.FILE_REFUSED, message)


def cell_text(value: Any) -> str:
    return feed_cell_text(value)


def _header(cells: list[str]) -> list[str | None]:
    """The key of each column (None for an empty trailing one); refuses unknown, repeated and
    missing required columns, naming them all at once."""
    titles = [cell.strip().lstrip("\ufeff") for cell in cells]
    while titles and titles[-1] == "":
        titles.pop()
    problems = []
    keys: list[str | None] = []
    for index, title in enumerate(titles, start=1):
        column = _BY_HEADER.get(header_key(title))
        if column is None:
            problems.append(f"第{index}列“{title or '空'}”不是约定的列名")
        elif column.key in keys:
            problems.append(f"列“{title}”出现了两次")
        keys.append(column.key if column else None)
    missing = [c.title for c in SYNC_COLUMNS if c.column.required and c.key not in keys]
    if missing:
        problems.append("缺少列：" + "、".join(f"“{t}”" for t in missing))
    if problems:
        raise refused("表头与约定格式不一致：" + "；".join(problems))
    return keys


def _feed(lines: Iterable[tuple[int, list[Any]]]) -> SyncFeed:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        raise refused("文件中没有数据")
    keys = _header([cell_text(v) for v in first[1]])
    rows = []
    for line, values in iterator:
        cells = [cell_text(v) for v in values]
        if not any(cells):
            continue
        rows.append(
            SyncRow(line, {key: cells[i] if i < len(cells) else "" for i, key in enumerate(keys) if key})
        )
    if not rows:
        raise refused("文件中只有表头，没有数据行")
    return SyncFeed(tuple(k for k in keys if k), rows)


def read_sync_file(data: bytes, *, name: str) -> SyncFeed:
    """The rows of a feed file; `name` decides the format by its extension (.csv or .xlsx)."""
    try:
        return _feed(feed_lines(data, name=name, again="同步"))
    except FileRefused as refusal:
        raise refused(str(refusal)) from None


def rows_from_json(items: Any) -> SyncFeed:
    """JSON rows: a non-empty list of objects keyed by the national field names, every one with
    the same keys (the feed's columns)."""
    if not isinstance(items, list) or not items:
        raise refused("rows 应为非空的数组")
    keys: tuple[str, ...] | None = None
    rows = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise refused(f"第{index}条：应为对象")
        unknown = sorted(set(item) - set(BY_KEY))
        if unknown:
            raise refused(f"第{index}条：未约定的字段 {', '.join(unknown)}")
        if keys is None:
            keys = tuple(c.key for c in SYNC_COLUMNS if c.key in item)
            missing = [c.key for c in SYNC_COLUMNS if c.column.required and c.key not in item]
            if missing:
                raise refused(f"第{index}条：缺少字段 {', '.join(missing)}")
        elif set(item) != set(keys):
            raise refused(f"第{index}条：字段与第1条不一致（每条数据应有相同的字段）")
        values = {key: item[key] for key in keys}
        if any(isinstance(v, dict | list) for v in values.values()):
            raise refused(f"第{index}条：字段值应为文字、数字或 null")
        rows.append(SyncRow(index, {key: cell_text(v) for key, v in values.items()}))
    return SyncFeed(keys or (), rows, json=True)
