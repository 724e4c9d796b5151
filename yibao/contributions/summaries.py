"""单位缴费汇总: `UnitContributionMonth` rows made from the detail rows by the database itself.

One ``INSERT … SELECT … GROUP BY`` per call: the detail rows of the chosen units (and months)
grouped by month, 险种, 人员类别 and 到账状态. The 人员类别 of a detail row is the person's
Insurance.psn_type in that unit for that 险种 (the highest code when there are several rows, as
after a re-enrolment); "" when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from yibao.contributions.models import Contribution, UnitContributionMonth
from yibao.enrollment.models import Insurance

_COLUMNS = (
    "unit_id, period, insutype, psn_type, arrival, base_total, unit_total, personal_total, persons, "
    "arrival_date"
)


def _insert_sql(where: str, insurance_where: str) -> str:
    detail = Contribution._meta.db_table
    summary = UnitContributionMonth._meta.db_table
    insurance = Insurance._meta.db_table
    return (
        f'INSERT INTO "{summary}" ({_COLUMNS}) '  # noqa: S608 - table names from the models
        "SELECT c.unit_id, c.period, c.insutype, COALESCE(t.psn_type, ''), c.arrival, SUM(c.base), "
        "SUM(c.unit_amount), SUM(c.personal_amount), COUNT(*), MAX(c.arrival_date) "
        f'FROM "{detail}" c LEFT JOIN (SELECT person_id, unit_id, insutype, MAX(psn_type) AS psn_type '
        f'FROM "{insurance}" WHERE {insurance_where} GROUP BY person_id, unit_id, insutype) t '
        "ON t.person_id = c.person_id AND t.unit_id = c.unit_id AND t.insutype = c.insutype "
        f"WHERE {where} "
        "GROUP BY c.unit_id, c.period, c.insutype, COALESCE(t.psn_type, ''), c.arrival"
    )


def unit_months_summarise(*, unit_id: int, periods: Iterable[int]) -> int:
    """Make the summary of these months of one unit again (call inside the import's transaction)."""
    months = sorted(set(periods))
    if not months:
        return 0
    UnitContributionMonth.objects.filter(unit_id=unit_id, period__in=months).delete()
    marks = ", ".join(["%s"] * len(months))
    sql = _insert_sql(f"c.unit_id = %s AND c.period IN ({marks})", "unit_id = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, unit_id, *months])
        return int(cursor.rowcount)


def contribution_summaries_rebuild() -> int:
    """The whole summary table again from the detail rows (after a bulk load such as the demo)."""
    UnitContributionMonth.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql("1 = 1", "1 = 1"))
        return int(cursor.rowcount)
