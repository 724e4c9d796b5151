"""Regional enrollment policy: loading the starting values, and the limits a unit works under."""

from __future__ import annotations

import calendar
import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from yibao.core.profiles import get_profile
from yibao.enrollment.rules import Limits

DATA_FILE = Path(__file__).resolve().parent / "data" / "region_policies.json"
FALLBACK_INSUTYPES = frozenset({"310", "510"})
# Ticked when the form opens: 职工基本医疗保险, the insurance 职工参保登记 is for. No regional data
# says which of the region's other 险种 (生育保险, 大额医疗费用补助 …) an employee must join, so the
# operator ticks them; the region's policy says which may be ticked.
ENROLLED_BY_DEFAULT = frozenset({"310"})


def region_policies_sync(policy_model: Any, division_model: Any) -> dict[str, int]:
    """Create the data file's policies that do not exist (admin edits stay); historical models."""
    created = 0
    for row in json.loads(DATA_FILE.read_text(encoding="utf-8"))["policies"]:
        if not division_model.objects.filter(code=row["division"]).exists():
            continue
        _, was_created = policy_model.objects.get_or_create(
            division_id=row["division"],
            year=row["year"],
            defaults={
                "insutypes": row["insutypes"],
                "base_floor": Decimal(row["base_floor"]),
                "base_cap": Decimal(row["base_cap"]),
            },
        )
        created += int(was_created)
    return {"created": created}


def enrollment_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 参保日期 the profile allows: this month, or this and the N months before."""
    back = get_profile().enrollment_months_back
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    last = calendar.monthrange(today.year, today.month)[1]
    return datetime.date(year, month, 1), datetime.date(today.year, today.month, last)


def limits_for(division_code: str, today: datetime.date) -> Limits:
    """The most specific policy for the unit's region and this year (county, city, province)."""
    from yibao.enrollment.models import RegionPolicy

    prefixes = [division_code, division_code[:4] + "00", division_code[:2] + "0000"]
    found = {
        p.division_id: p
        for p in RegionPolicy.objects.filter(division_id__in=prefixes, year__lte=today.year).order_by("year")
    }
    policy = next((found[code] for code in prefixes if code in found), None)
    earliest, latest = enrollment_window(today)
    if policy is None:
        raise LookupError(f"no enrollment policy for {division_code}")
    return Limits(
        insutypes=frozenset(policy.insutypes) or FALLBACK_INSUTYPES,
        base_floor=policy.base_floor,
        base_cap=policy.base_cap,
        earliest_start=earliest,
        latest_start=latest,
        today=today,
    )


def interruption_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 中断日期 the profile allows: this month only by default, or this and the N months
    before when the profile sets `interruption_months_back`. Earlier dates are settled at the
    agency's counter (补办), as for 参保日期."""
    back = int(getattr(get_profile(), "interruption_months_back", 0))
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    last = calendar.monthrange(today.year, today.month)[1]
    return datetime.date(year, month, 1), datetime.date(today.year, today.month, last)
