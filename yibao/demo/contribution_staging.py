"""Demo contributions made by the database itself: the load fills two temporary tables (one row
per contributing person, one row per month) and runs one ``INSERT … SELECT`` per slice of persons.
"""

from __future__ import annotations

from yibao.core.bulk import BulkWriter, qn

SOURCE_TABLE = "demo_contribution_source"
MONTH_TABLE = "demo_contribution_month"
SOURCE_COLUMNS = (
    "person_id", "unit_id", "first_ym", "last_ym", "late", "base", "unit_amount", "personal_amount",
    "base_prev", "unit_amount_prev", "personal_amount_prev", "maternity", "maternity_amount",
    "maternity_amount_prev",
)  # fmt: skip
MONTH_COLUMNS = ("ym", "current_year", "is_last", "arrival_date")

_CREATE_SQL = {
    "sqlite": [
        f"CREATE TEMP TABLE {SOURCE_TABLE} (person_id INTEGER PRIMARY KEY, unit_id integer NOT NULL, "
        "first_ym integer NOT NULL, last_ym integer NOT NULL, late integer NOT NULL, "
        "base numeric, unit_amount numeric, personal_amount numeric, "
        "base_prev numeric, unit_amount_prev numeric, personal_amount_prev numeric, "
        "maternity integer NOT NULL, maternity_amount numeric, maternity_amount_prev numeric)",
        f"CREATE TEMP TABLE {MONTH_TABLE} (ym INTEGER PRIMARY KEY, current_year integer NOT NULL, "
        "is_last integer NOT NULL, arrival_date text NOT NULL)",
    ],
    "postgresql": [
        f"CREATE TEMP TABLE {SOURCE_TABLE} (person_id bigint PRIMARY KEY, unit_id bigint NOT NULL, "
        "first_ym integer NOT NULL, last_ym integer NOT NULL, late smallint NOT NULL, "
        "base numeric(12, 2), unit_amount numeric(12, 2), personal_amount numeric(12, 2), "
        "base_prev numeric(12, 2), unit_amount_prev numeric(12, 2), "
        "personal_amount_prev numeric(12, 2), maternity smallint NOT NULL, "
        "maternity_amount numeric(12, 2), maternity_amount_prev numeric(12, 2)) ON COMMIT DROP",
        f"CREATE TEMP TABLE {MONTH_TABLE} (ym integer PRIMARY KEY, current_year smallint NOT NULL, "
        "is_last smallint NOT NULL, arrival_date date NOT NULL) ON COMMIT DROP",
    ],
}


def staging_tables_create(writer: BulkWriter) -> None:
    """The two temporary tables, empty (any left from an earlier load in this session go first)."""
    staging_tables_drop(writer)
    for sql in _CREATE_SQL[writer.vendor]:
        writer.execute(sql)


def staging_tables_drop(writer: BulkWriter) -> None:
    for table in (SOURCE_TABLE, MONTH_TABLE):
        writer.execute(f"DROP TABLE IF EXISTS {qn(table)}")


def contributions_insert_sql(table: str) -> str:
    """The contribution rows of the persons whose ids are between the two parameters: 职工基本医疗
    保险 (310) of every contributing person and 生育保险 (510) of those who carry it (the unit's
    part only), made in the order of the unique index (person, month, 险种)."""
    current = "m.current_year = 1"
    return (
        f"INSERT INTO {qn(table)} (unit_id, person_id, insutype, period, base, unit_amount, "  # noqa: S608
        "personal_amount, arrival, arrival_date) "
        "SELECT s.unit_id, s.person_id, i.insutype, m.ym, "
        f"CASE WHEN {current} THEN s.base ELSE s.base_prev END, "
        f"CASE WHEN i.insutype = '510' THEN (CASE WHEN {current} THEN s.maternity_amount "
        "ELSE s.maternity_amount_prev END) "
        f"WHEN {current} THEN s.unit_amount ELSE s.unit_amount_prev END, "
        f"CASE WHEN i.insutype = '510' THEN 0 WHEN {current} THEN s.personal_amount "
        "ELSE s.personal_amount_prev END, "
        "CASE WHEN m.is_last = 1 AND s.late = 1 THEN '0' ELSE '1' END, "
        "CASE WHEN m.is_last = 1 AND s.late = 1 THEN NULL ELSE m.arrival_date END "
        f"FROM {SOURCE_TABLE} s CROSS JOIN {MONTH_TABLE} m "
        "CROSS JOIN (SELECT '310' AS insutype UNION ALL SELECT '510') i "
        "WHERE m.ym BETWEEN s.first_ym AND s.last_ym AND s.person_id BETWEEN %s AND %s "
        "AND (i.insutype = '310' OR s.maternity = 1)"
    )
