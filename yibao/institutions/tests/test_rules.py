"""The rules of 定点医药机构信息变更 without pages: which materials each 变更内容 asks for, the
法人 against its box, and the 贯标平台变更时间 against the sync."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from zoneinfo import ZoneInfo

import pytest

from yibao.institutions import rules
from yibao.institutions.rules import (
    BUSINESS_LICENCE,
    LEGAL_REP_ID,
    LICENCE,
    PLEDGE,
    RESPER_ID,
    WORKSHEET,
    change_refusals,
    material_lines,
    material_specs,
    required_materials,
)

BEIJING = ZoneInfo("Asia/Shanghai")
LINES = material_lines(licence_name="医疗机构许可证", templates={WORKSHEET: "w", PLEDGE: "p"})
REP = {
    "legrep_name": "张三",
    "legrep_cert_type": "01",
    "legrep_cert_no": "530102198001010015",
    "legrep_phone": "13888001122",
}


@pytest.mark.parametrize(
    ("items", "required"),
    [
        ([], {WORKSHEET, PLEDGE}),
        (["legrep"], {WORKSHEET, PLEDGE, LEGAL_REP_ID, BUSINESS_LICENCE}),
        (["resper"], {WORKSHEET, PLEDGE, RESPER_ID}),
        (["uscc"], {WORKSHEET, PLEDGE, BUSINESS_LICENCE}),
        (["licence-no"], {WORKSHEET, PLEDGE, LICENCE}),
        (["name"], {WORKSHEET, PLEDGE, LICENCE, BUSINESS_LICENCE}),
        (["address"], {WORKSHEET, PLEDGE, LICENCE, BUSINESS_LICENCE}),
        (["legrep", "resper"], {WORKSHEET, PLEDGE, LEGAL_REP_ID, BUSINESS_LICENCE, RESPER_ID}),
    ],
)
def test_each_ticked_item_asks_for_its_materials(items: list[str], required: set[str]) -> None:
    assert required_materials(items) == required
    specs = material_specs(LINES, {"change_items": items})
    assert {s.code for s in specs if s.required} == required


def test_the_table_lists_the_manuals_six_materials_in_order_with_the_two_templates() -> None:
    specs = material_specs(LINES, {"change_items": ["resper"]})
    assert [s.name for s in specs] == [
        "《两定机构变更工作表》", "《承诺书》", "变更前/后的法人身份证", "医疗机构许可证",
        "营业执照/事业单位法人证书", "变更前/后的负责人身份证",
    ]  # fmt: skip
    assert [s.template for s in specs] == ["w", "p", "", "", "", ""]
    assert specs[0].note == "下载模板填写后加盖公章扫描上传（必传）"
    assert specs[4].note == (
        "正副本复印件加盖公章扫描上传（勾选变更法人信息、变更统一社会信用代码、变更机构名称、变更机构地址时必传）"
    )


def test_unknown_item_codes_are_ignored() -> None:
    assert rules.items_of({"change_items": ["name", "nonsense"]}) == ["name"]
    assert required_materials(rules.items_of({"change_items": ["nonsense"]})) == {WORKSHEET, PLEDGE}


def _refusals(payload: Mapping[str, object], *, plaf: datetime.datetime | None) -> list[rules.Refusal]:
    return change_refusals(
        legal_rep_now=REP,
        plaf_updt_time=plaf,
        synced_at=plaf,
        payload=payload,
        now=datetime.datetime(2026, 5, 1, 12, 0, tzinfo=BEIJING),
    )


PLAF = datetime.datetime(2026, 4, 30, 10, 20, 35, tzinfo=BEIJING)


def test_a_change_made_on_the_platform_before_the_last_sync_goes_on() -> None:
    payload = {**REP, "change_items": ["name"], "plaf_changed_at": "2026-04-30 10:20"}
    assert _refusals(payload, plaf=PLAF) == []


def test_a_platform_change_later_than_the_synced_record_waits_for_the_sync() -> None:
    payload = {**REP, "change_items": ["name"], "plaf_changed_at": "2026-04-30 10:21"}
    [refusal] = _refusals(payload, plaf=PLAF)
    assert refusal.field == "plaf_changed_at"
    assert refusal.message.startswith(
        "网厅尚未同步您在贯标平台的变更：网厅中本机构信息的数据同步时间为2026-04-30 10:20:35"
    )
    assert refusal.message.endswith("请等待网厅界面信息为变更后的信息再提交")
    assert _refusals(payload, plaf=None)[0].message == rules.NEVER_SYNCED


def test_a_platform_change_in_the_future_is_refused() -> None:
    payload = {**REP, "change_items": ["name"], "plaf_changed_at": "2026-05-01 12:01"}
    assert [r.message for r in _refusals(payload, plaf=PLAF)] == [rules.CLAIM_IN_FUTURE]


def test_the_legal_rep_and_its_box_go_together() -> None:
    changed = {**REP, "legrep_name": "李四"}
    assert [r.message for r in _refusals({**changed, "change_items": ["name"]}, plaf=PLAF)] == [
        rules.LEGAL_REP_NOT_TICKED
    ]
    assert [r.message for r in _refusals({**REP, "change_items": ["legrep"]}, plaf=PLAF)] == [
        rules.LEGAL_REP_UNCHANGED
    ]
    assert _refusals({**changed, "change_items": ["legrep"]}, plaf=PLAF) == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("2026-04-30 10:20", "2026-04-30 10:20"), ("2026-04-30T10:20", "2026-04-30 10:20"),
     ("2026-04-30 10:20:59", "2026-04-30 10:20"), ("2026/04/30 10:20", "2026-04-30 10:20")],
)  # fmt: skip
def test_the_platform_time_reads_as_typed(typed: str, stored: str) -> None:
    moment = rules.claim_parse(typed)
    assert moment is not None and rules.claim_parse_text(moment) == stored


def test_only_the_legal_rep_needs_no_platform_time() -> None:
    assert not rules.needs_claim(["legrep"])
    assert rules.needs_claim(["legrep", "address"])
