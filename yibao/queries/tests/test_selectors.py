"""Rules of the query selectors: the unit's 参保状态 of a 险种 and how a 变动 reads."""

from __future__ import annotations

import datetime

import pytest

from yibao.core.tests.factories import InsuranceFactory
from yibao.enrollment.models import PersonnelChange
from yibao.queries.selectors import (
    UNIT_ACTIVE,
    UNIT_PAUSED,
    UNIT_TERMINATED,
    change_detail_text,
    unit_insurance_status,
)


@pytest.mark.parametrize(
    ("active", "paused", "expected"),
    [(3, 1, UNIT_ACTIVE), (1, 0, UNIT_ACTIVE), (0, 2, UNIT_PAUSED), (0, 0, UNIT_TERMINATED)],
)
def test_unit_insurance_status(active: int, paused: int, expected: str) -> None:
    assert unit_insurance_status(active=active, paused=paused) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "detail", "text"),
    [
        ("remove", {"reason": "01", "reason_label": "解除劳动关系"}, "中断原因：解除劳动关系"),
        ("remove", {}, ""),
        (
            "add",
            {"psn_type": "1101", "base": "6000.00", "start_date": "2025-01-01", "source": "batch"},
            "人员类别：职工在职；缴费基数：6000.00；参保日期：2025-01-01",
        ),
        (
            "change",
            {
                "before": {"name": "甲", "cert_no": "530103198803070011"},
                "after": {"name": "乙", "cert_no": "53010319880307002X"},
            },
            "姓名：甲 → 乙；证件号码：5301**********0011 → 5301**********002X",
        ),
        ("change", {"before": {}, "after": {"address": "新地址"}}, "联系地址：空 → 新地址"),
    ],
)
def test_change_detail_text(kind: str, detail: dict[str, object], text: str) -> None:
    person = InsuranceFactory.create().person
    change = PersonnelChange(
        unit_id=1, person=person, kind=kind, effective_date=datetime.date(2025, 1, 1), detail=detail
    )
    assert change_detail_text(change) == text
