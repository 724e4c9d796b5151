"""Fill 单位缴费汇总 from the contribution rows already on record (the table was created empty):
我的信用 and 单位缴费信息查询 read it from now on. The INSERT … SELECT is written out here, as it
stands at this migration, so that later code changes do not alter it."""

from django.db import migrations

SQL = (
    'INSERT INTO "contributions_unitcontributionmonth" (unit_id, period, insutype, psn_type, arrival, '
    "base_total, unit_total, personal_total, persons, arrival_date) "
    "SELECT c.unit_id, c.period, c.insutype, COALESCE(t.psn_type, ''), c.arrival, SUM(c.base), "
    "SUM(c.unit_amount), SUM(c.personal_amount), COUNT(*), MAX(c.arrival_date) "
    'FROM "contributions_contribution" c LEFT JOIN (SELECT person_id, unit_id, insutype, '
    'MAX(psn_type) AS psn_type FROM "enrollment_insurance" GROUP BY person_id, unit_id, insutype) t '
    "ON t.person_id = c.person_id AND t.unit_id = c.unit_id AND t.insutype = c.insutype "
    "GROUP BY c.unit_id, c.period, c.insutype, COALESCE(t.psn_type, ''), c.arrival"
)


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0004_unit_month_summary"),
        ("enrollment", "0007_roster_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            ['DELETE FROM "contributions_unitcontributionmonth"', SQL],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
