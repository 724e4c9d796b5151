"""我的信用: a unit's credit score from the active rules (CreditRule) and its level (CreditLevel).
The rules and levels are units' (yibao.units.models); the facts come from contributions,
operators' grants and the unit's certifications, so the computation lives here.

Each rule names one condition from a fixed set; the facts behind them are gathered lazily with
at most one query each, so a report costs two queries plus one per fact the rules need.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from yibao.contributions.models import Contribution, UnitContributionMonth
from yibao.operators.models import Binding, Grant
from yibao.units.models import CreditCondition, CreditLevel, CreditRule, RoleCertification, Unit

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class CreditItem:
    """One rule as it applies to the unit."""

    code: str
    name: str
    description: str
    points: int
    met: bool

    @property
    def earned(self) -> int:
        return self.points if self.met else 0


@dataclass(frozen=True)
class CreditReport:
    score: int
    level: CreditLevel | None
    items: list[CreditItem]

    @property
    def level_label(self) -> str:
        return f"{self.level.code}级（{self.level.name}）" if self.level else "暂无评级"


def month_add(period: int, months: int) -> int:
    """YYYYMM plus (or minus) a number of months."""
    index = (period // 100) * 12 + (period % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def contribution_window(today: datetime.date) -> tuple[int, int]:
    """The 12 whole months before the current one, as inclusive YYYYMM bounds."""
    current = today.year * 100 + today.month
    return month_add(current, -WINDOW_MONTHS), month_add(current, -1)


class _Facts:
    """The facts about one unit, each read from the database at most once."""

    def __init__(self, unit: Unit, today: datetime.date) -> None:
        self.unit = unit
        self.today = today
        self._cache: dict[str, bool] = {}
        self._contributions: tuple[int, int] | None = None

    def holds(self, condition: str) -> bool:
        if condition not in self._cache:
            check = self._checks().get(condition)
            self._cache[condition] = bool(check and check())
        return self._cache[condition]

    def _checks(self) -> dict[str, Callable[[], bool]]:
        return {
            CreditCondition.BASE: lambda: True,
            CreditCondition.QUALIFIED: lambda: self.unit.qualification == Unit.Qualification.CERTIFIED,
            CreditCondition.ROLE_CERTIFIED: self._role_certified,
            CreditCondition.OPERATOR_GRANTED: self._operator_granted,
            CreditCondition.LEGAL_REP_MOBILE: lambda: bool(self.unit.legal_rep_mobile),
            CreditCondition.REGISTERED_YEAR: self._registered_year,
            CreditCondition.PAID_12_MONTHS: self._all_arrived,
            CreditCondition.UNPAID: lambda: self._contribution_counts()[1] > 0,
        }

    def _role_certified(self) -> bool:
        return RoleCertification.objects.filter(
            unit=self.unit, status=RoleCertification.Status.CERTIFIED
        ).exists()

    def _operator_granted(self) -> bool:
        return Grant.objects.filter(binding__unit=self.unit, binding__status=Binding.Status.ACTIVE).exists()

    def _registered_year(self) -> bool:
        registered = timezone.localdate(self.unit.created_at)
        try:
            anniversary = registered.replace(year=registered.year + 1)
        except ValueError:  # 29 February
            anniversary = registered.replace(year=registered.year + 1, day=28)
        return self.today >= anniversary

    def _all_arrived(self) -> bool:
        total, unpaid = self._contribution_counts()
        return total > 0 and unpaid == 0

    def _contribution_counts(self) -> tuple[int, int]:
        """(all, not arrived) contribution rows of the unit in the window; one query on the
        monthly summary the contribution feed keeps (a large unit has 600,000 detail rows)."""
        if self._contributions is None:
            first, last = contribution_window(self.today)
            counts = UnitContributionMonth.objects.filter(
                unit=self.unit, period__gte=first, period__lte=last
            ).aggregate(
                total=Sum("persons"), unpaid=Sum("persons", filter=~Q(arrival=Contribution.Arrival.ARRIVED))
            )
            self._contributions = (counts["total"] or 0, counts["unpaid"] or 0)
        return self._contributions


def unit_credit(unit: Unit, *, today: datetime.date | None = None) -> CreditReport:
    """The unit's credit: score, level, and every active rule with whether it is met."""
    facts = _Facts(unit, today or timezone.localdate())
    items = [
        CreditItem(
            code=rule.code,
            name=rule.name,
            description=rule.description,
            points=rule.points,
            met=facts.holds(rule.condition),
        )
        for rule in CreditRule.objects.filter(is_active=True).order_by("sort_order", "code")
    ]
    score = sum(item.earned for item in items)
    level = CreditLevel.objects.filter(min_score__lte=score).order_by("-min_score").first()
    return CreditReport(score=score, level=level, items=items)
