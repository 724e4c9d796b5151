"""Reads of the operator's side: the records query, change rows, the timeline and 我的待办件."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.cases.selectors import (
    TAB_PENDING,
    TAB_REVIEWED,
    application_change_rows,
    application_events,
    application_records,
    display_value,
    operator_todos,
    withdraw_refusal,
)
from yibao.cases.tests.test_records import (
    ITEMS,
    KEY,
    NEW_ID,
    RETURN_OPINION,
    drafts,
    key_change_returned,
    make_reviewer,
    non_key_submitted,
)
from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
from yibao.core.tests.factories import BindingFactory, grant
from yibao.operators.models import Binding

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding() -> Binding:
    return grant(BindingFactory.create(), *ITEMS)


def test_records_by_tab_type_status_and_dates(binding: Binding, settings: Any) -> None:
    returned = key_change_returned(binding, make_reviewer())
    submitted = non_key_submitted(binding, settings)
    drafts(binding, 2, days_ago=400)
    unit = binding.unit
    assert list(application_records(unit=unit, tab=TAB_PENDING)) == [submitted]
    assert list(application_records(unit=unit, tab=TAB_REVIEWED)) == [returned]
    assert list(application_records(unit=unit, type_code="unit-key-info-change")) == [returned]
    assert application_records(unit=unit, status=Status.DRAFT).count() == 2
    today = timezone.localdate()
    recent = application_records(unit=unit, start=today - datetime.timedelta(days=1), end=today)
    assert list(recent) == [submitted, returned]  # newest first
    old = application_records(unit=unit, end=today - datetime.timedelta(days=399))
    assert old.count() == 2  # drafts by their creation date


def test_the_submission_date_decides_for_submitted_ones(binding: Binding, settings: Any) -> None:
    submitted = non_key_submitted(binding, settings)
    last_year = timezone.now() - datetime.timedelta(days=400)
    Application.objects.filter(pk=submitted.pk).update(created_at=last_year)  # drafted long ago
    today = timezone.localdate()
    assert list(application_records(unit=binding.unit, start=today, end=today)) == [submitted]


def test_change_rows_label_codes_and_mask_numbers(binding: Binding) -> None:
    application = key_change_returned(binding, make_reviewer())
    rows = {row.name: row for row in application_change_rows(application)}
    assert list(rows) == [
        "uscc", "division", "name", "emp_type", "address", "legal_rep_name", "legal_rep_cert_type",
        "legal_rep_cert_no",
    ]  # fmt: skip
    assert (rows["division"].before, rows["division"].changed) == ("云南省昆明市西山区", False)
    assert (rows["emp_type"].after, rows["emp_type"].changed) == ("企业", False)
    assert rows["legal_rep_cert_type"].after == "居民身份证(户口簿)"
    assert rows["legal_rep_cert_no"].after == "1101**********0011" and rows["legal_rep_cert_no"].changed
    assert "*" in rows["legal_rep_cert_no"].before
    printed = {row.name: row for row in application_change_rows(application, reveal_new=True)}
    assert printed["legal_rep_cert_no"].after == NEW_ID
    assert "*" in printed["legal_rep_cert_no"].before  # the old number stays masked


def test_display_value_masks_mobiles_but_not_landlines() -> None:
    assert display_value("contact_phone", "13912345678") == "139****5678"
    assert display_value("contact_phone", "0871-63123456") == "0871-63123456"
    assert display_value("contact_phone", "13912345678", reveal=True) == "13912345678"
    assert display_value("postcode", "") == ""
    # issue 20 item 3: a mobile of the wrong length was shown whole
    assert display_value("mobile", "138123456789") == "138*****6789"
    assert display_value("legal_rep_mobile", "1381234") == "*******"


def test_the_timeline_names_operators_never_their_mobile(binding: Binding) -> None:
    application = key_change_returned(binding, make_reviewer())
    rows = application_events(application)
    assert [row.label for row in rows][-2:] == ["领取审核", "退回补正"]
    assert {row.actor for row in rows} == {binding.operator.name, "审核员甲"}
    assert rows[-1].note == RETURN_OPINION


def test_withdraw_refusal(binding: Binding, settings: Any) -> None:
    application = non_key_submitted(binding, settings)
    assert withdraw_refusal(application) == ""
    application.reviewer = make_reviewer()
    assert withdraw_refusal(application) == "医保经办机构已开始审核该办件，不能撤回"
    application.status = Status.APPROVED
    assert withdraw_refusal(application) == "办件当前状态为“审核通过”，不能撤回"


def test_todos_are_the_returned_applications_the_operator_may_open(binding: Binding, settings: Any) -> None:
    returned = key_change_returned(binding, make_reviewer())
    non_key_submitted(binding, settings)  # waiting: not a todo
    todos = operator_todos(unit=binding.unit, user=binding.operator.user)
    assert todos == [
        {
            "title": "单位参保关键信息变更 被退回补正",
            "url": reverse("cases:detail", args=[returned.pk]),
            "date": Application.objects.get(pk=returned.pk).decided_at,
            "number": returned.number,
        }
    ]
    # a colleague holding only the non-key item may not open it; one with 办件记录查询 may
    only_non_key = grant(BindingFactory.create(unit=binding.unit), "unit-info-change")
    assert operator_todos(unit=binding.unit, user=only_non_key.operator.user) == []
    records = grant(BindingFactory.create(unit=binding.unit), "case-records")
    assert len(operator_todos(unit=binding.unit, user=records.operator.user)) == 1
    # another unit sees none of them
    other = grant(BindingFactory.create(), *ITEMS)
    assert operator_todos(unit=other.unit, user=other.operator.user) == []
    assert operator_todos(unit=binding.unit, user=other.operator.user) == []


def test_todos_list_the_drafts_not_yet_submitted(binding: Binding, settings: Any) -> None:
    """A draft is waiting for the unit too (未提交): it is a todo until submitted or deleted."""
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user, payload=KEY
    )
    withdrawn = non_key_submitted(binding, settings)
    services.application_withdraw(application=withdrawn, actor=user)
    todos = operator_todos(unit=binding.unit, user=user)
    assert [(t["title"], t["number"]) for t in todos] == [
        ("单位参保非关键信息变更 未提交", withdrawn.number),
        ("单位参保关键信息变更 未提交", draft.number),
    ]
    assert todos[0]["url"] == reverse("cases:detail", args=[withdrawn.pk])
    services.application_delete(application=draft, actor=user)
    services.application_submit(application=withdrawn, actor=user)
    assert operator_todos(unit=binding.unit, user=user) == []
