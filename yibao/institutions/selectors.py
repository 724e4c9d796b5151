"""Reads of the institution areas: the unit's 信息变更 applications for 待审核业务查询 and
已审核业务查询 (Yunnan manual 001 §1.4)."""

from __future__ import annotations

from django.db.models import QuerySet

from yibao.cases.models import Application, Status
from yibao.cases.selectors import TAB_PENDING, TAB_REVIEWED, application_records
from yibao.institutions.areas import Area
from yibao.units.models import Unit

PENDING, REVIEWED = "pending", "reviewed"
QUERY_TITLES = {PENDING: "待审核业务查询", REVIEWED: "已审核业务查询"}


def institution_applications(*, unit: Unit, area: Area, query: str) -> QuerySet[Application]:
    """The unit's applications of the area's 信息变更: 待审核 (submitted, not decided yet) or 已审核
    (通过, 不通过 or 退回补正, with the reviewer's opinion), newest first."""
    tab = TAB_PENDING if query == PENDING else TAB_REVIEWED
    return application_records(unit=unit, tab=tab, type_code=area.item_code).select_related("operator")


def decision_reason(application: Application) -> str:
    """What the operator reads in the 审核意见 column: the reason of 不通过, what to correct after
    退回补正, the opinion (if any) of 通过."""
    if application.status in (Status.REJECTED, Status.RETURNED):
        return application.opinion
    return application.opinion or ""
