"""The rules of 定点医药机构信息变更 (Yunnan manual 001 §1.3.2), apart from pages and storage.

- **变更内容**: the institution ticks what it changed on the 贯标平台 (and, for its 法人, here).
- **Materials**: the manual's six; 《两定机构变更工作表》 and 《承诺书》 always, the others as the
  ticked items ask (`REQUIRED_BY_ITEM`: a new 法人 shows both identity cards and the licence
  that names the 法人; a new name or address both licences that carry them; …).
- **Synced first**: everything but the 法人 is changed on the 贯标平台 first and reaches the hall by
  the sync. The operator says when the 贯标平台 change was made (贯标平台变更时间); a time later
  than the 贯标平台更新时间 of the record the hall holds means the hall has not received the change
  yet, and the application waits (the manual: 需等待网厅界面信息为变更后的信息再提交).
- **法人** is not synced: it is entered here, and changing it asks for 变更法人信息 (and the other
  way round: 变更法人信息 ticked with the 法人 unchanged changes nothing).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from yibao.cases.types import MaterialSpec

# 变更内容, in the manual's order.
LEGAL_REP = "legrep"
CHANGE_ITEMS: tuple[tuple[str, str], ...] = (
    (LEGAL_REP, "变更法人信息"),
    ("resper", "变更负责人信息"),
    ("uscc", "变更统一社会信用代码"),
    ("licence-no", "变更执业许可证登记号"),
    ("name", "变更机构名称"),
    ("address", "变更机构地址"),
)
CHANGE_ITEM_LABELS = dict(CHANGE_ITEMS)

WORKSHEET, PLEDGE = "worksheet", "pledge"
LEGAL_REP_ID, LICENCE, BUSINESS_LICENCE, RESPER_ID = "legrep-id", "licence", "business-licence", "resper-id"

# Which materials each ticked item asks for, beyond the two that every change takes.
ALWAYS = (WORKSHEET, PLEDGE)
REQUIRED_BY_ITEM: dict[str, frozenset[str]] = {
    LEGAL_REP: frozenset({LEGAL_REP_ID, BUSINESS_LICENCE}),
    "resper": frozenset({RESPER_ID}),
    "uscc": frozenset({BUSINESS_LICENCE}),
    "licence-no": frozenset({LICENCE}),
    "name": frozenset({LICENCE, BUSINESS_LICENCE}),
    "address": frozenset({LICENCE, BUSINESS_LICENCE}),
}

# The fields of the 法人 (not synced, entered here) in the payload.
LEGAL_REP_FIELDS = ("legrep_name", "legrep_cert_type", "legrep_cert_no", "legrep_phone")
CLAIM_FIELD = "plaf_changed_at"
CLAIM_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class MaterialLine:
    """One of the manual's six materials: its code, its name, its 备注, its template page and
    the items that ask for it."""

    code: str
    name: str
    note: str
    template: str = ""


def material_lines(*, licence_name: str, templates: Mapping[str, str]) -> tuple[MaterialLine, ...]:
    """The six lines of the 附件上传 table; `licence_name` is the kind's licence (医疗机构许可证 /
    药品经营许可证), `templates` the URL names of the two generated templates."""
    return (
        MaterialLine(
            WORKSHEET, "《两定机构变更工作表》", "下载模板填写后加盖公章扫描上传", templates[WORKSHEET]
        ),
        MaterialLine(PLEDGE, "《承诺书》", "下载模板填写后加盖公章扫描上传", templates[PLEDGE]),
        MaterialLine(LEGAL_REP_ID, "变更前/后的法人身份证", "复印件加盖公章扫描上传"),
        MaterialLine(LICENCE, licence_name, "正副本复印件加盖公章扫描上传"),
        MaterialLine(BUSINESS_LICENCE, "营业执照/事业单位法人证书", "正副本复印件加盖公章扫描上传"),
        MaterialLine(RESPER_ID, "变更前/后的负责人身份证", "复印件加盖公章扫描上传"),
    )


def items_of(payload: Mapping[str, Any]) -> list[str]:
    """The ticked 变更内容 codes of a payload, in the manual's order (unknown codes dropped)."""
    given = payload.get("change_items") or []
    ticked = {str(code) for code in given} if isinstance(given, list | tuple) else {str(given)}
    return [code for code, _ in CHANGE_ITEMS if code in ticked]


def required_materials(items: list[str]) -> set[str]:
    """The codes of the materials the ticked items make required."""
    required = set(ALWAYS)
    for item in items:
        required |= REQUIRED_BY_ITEM.get(item, frozenset())
    return required


def when_required(code: str) -> str:
    """«变更法人信息、变更机构名称时必传», or «必传» for the two every change takes."""
    if code in ALWAYS:
        return "必传"
    labels = [CHANGE_ITEM_LABELS[item] for item, codes in REQUIRED_BY_ITEM.items() if code in codes]
    return "勾选" + "、".join(labels) + "时必传"


def material_specs(lines: tuple[MaterialLine, ...], payload: Mapping[str, Any]) -> tuple[MaterialSpec, ...]:
    """The materials as the application with this payload asks for them: all six listed, the
    required ones marked; each 备注 says when it is required."""
    required = required_materials(items_of(payload))
    return tuple(
        MaterialSpec(
            code=line.code,
            name=line.name,
            required=line.code in required,
            note=f"{line.note}（{when_required(line.code)}）",
            template=line.template,
        )
        for line in lines
    )


def claim_parse(text: str) -> datetime.datetime | None:
    """贯标平台变更时间 as typed (2026-05-01 10:20, a T between, seconds allowed), in Beijing
    time; None when it does not read as one."""
    text = text.strip().replace("T", " ")
    for pattern in (CLAIM_FORMAT, "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            parsed = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007 - made aware below
        except ValueError:
            continue
        return timezone.make_aware(parsed.replace(second=0))
    return None


def local_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


NOT_SYNCED_YET = (
    "网厅尚未同步您在贯标平台的变更：网厅中本机构信息的数据同步时间为{synced}（贯标平台更新时间{plaf}），"
    "早于您填写的贯标平台变更时间{claim}。请等待网厅界面信息为变更后的信息再提交"
)
NEVER_SYNCED = "网厅尚未收到本机构在贯标平台的信息，请等待数据同步后再提交"
CLAIM_IN_FUTURE = "贯标平台变更时间不能晚于当前时间"
LEGAL_REP_NOT_TICKED = "您修改了法人信息，请在变更内容中勾选“变更法人信息”"
LEGAL_REP_UNCHANGED = "您勾选了“变更法人信息”，但法人信息未修改，请修改法人信息或取消勾选"


@dataclass(frozen=True)
class Refusal:
    field: str | None
    message: str


def change_refusals(
    *,
    legal_rep_now: Mapping[str, str],
    plaf_updt_time: datetime.datetime | None,
    synced_at: datetime.datetime | None,
    payload: Mapping[str, Any],
    now: datetime.datetime,
) -> list[Refusal]:
    """Why a change with this payload may not go on, given the institution as the hall holds it:
    the 法人 against the 变更法人信息 box, and the 贯标平台变更时间 against the sync."""
    refusals = []
    items = items_of(payload)
    legal_rep_changed = any(
        str(payload.get(name, "")).strip() != str(legal_rep_now.get(name, "")).strip()
        for name in LEGAL_REP_FIELDS
    )
    if legal_rep_changed and LEGAL_REP not in items:
        refusals.append(Refusal("change_items", LEGAL_REP_NOT_TICKED))
    if LEGAL_REP in items and not legal_rep_changed:
        refusals.append(Refusal("legrep_name", LEGAL_REP_UNCHANGED))
    claim = claim_parse(str(payload.get(CLAIM_FIELD) or ""))
    if claim is not None:
        if claim > now:
            refusals.append(Refusal(CLAIM_FIELD, CLAIM_IN_FUTURE))
        elif plaf_updt_time is None:
            refusals.append(Refusal(CLAIM_FIELD, NEVER_SYNCED))
        elif claim > plaf_updt_time.replace(second=0, microsecond=0):
            refusals.append(
                Refusal(
                    CLAIM_FIELD,
                    NOT_SYNCED_YET.format(
                        synced=local_text(synced_at) or "—",
                        plaf=local_text(plaf_updt_time),
                        claim=claim_parse_text(claim),
                    ),
                )
            )
    return refusals


def claim_parse_text(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(CLAIM_FORMAT)


def needs_claim(items: list[str]) -> bool:
    """Every item but the 法人 is changed on the 贯标平台 first: its time is asked."""
    return any(item != LEGAL_REP for item in items)
