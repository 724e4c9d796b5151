"""Builders shared by the contributions tests and the browser test."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from yibao.contributions.feed import contributions_import
from yibao.contributions.feed_file import COLUMNS, read_feed_file
from yibao.contributions.periods import period_add, period_of
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, UnitFactory, grant
from yibao.enrollment.models import Person
from yibao.operators.models import Binding
from yibao.units.models import Unit

ITEMS = ("unit-contributions", "person-contributions")
HEADER = [c.title for c in COLUMNS]


def feed_csv(rows: Iterable[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([str(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def row(unit: Unit, person: Person, period: int, *, base: str = "6000.00", arrival: str = "1") -> list[str]:
    """A feed row: 单位 8 %, 个人 2 % of the base, arrived on the 15th of the next month."""
    amount = float(base)
    arrived = period_add(period, 1)
    day = f"{arrived // 100}-{arrived % 100:02d}-15" if arrival != "0" else ""
    return [
        unit.emp_no, person.cert_type, person.cert_no, "310", str(period), base, f"{amount * 0.08:.2f}",
        f"{amount * 0.02:.2f}", arrival, day,
    ]  # fmt: skip


def import_rows(rows: Iterable[Sequence[object]]) -> None:
    report = contributions_import(rows=read_feed_file(feed_csv(rows), name="feed.csv"))
    assert report.ok, report.errors


@dataclass
class World:
    binding: Binding  # granted both items, working in 在职职工
    workers: list[Person]  # 在职 (1101) of unit A, bases 5000, 6000, 7000 …
    retiree: Person  # 退休 (1201) of unit A
    stranger: Person  # of another unit
    months: list[int]  # the last three months before this one, oldest first


def contribution_world(today: datetime.date, *, workers: int = 3) -> World:
    binding = grant(BindingFactory.create(), *ITEMS, populations=("in-service",))
    unit = binding.unit
    staff = [InsuranceFactory.create(unit=unit, psn_type="1101").person for _ in range(workers)]
    retiree = InsuranceFactory.create(unit=unit, psn_type="1201").person
    other = UnitFactory.create()
    stranger = InsuranceFactory.create(unit=other).person
    current = period_of(today)
    months = [period_add(current, -3), period_add(current, -2), period_add(current, -1)]
    rows = []
    for month in months:
        for index, person in enumerate(staff):
            rows.append(row(unit, person, month, base=f"{5000 + 1000 * index}.00"))
        rows.append(row(unit, retiree, month, base="4000.00"))
        rows.append(row(other, stranger, month, base="9000.00"))
    # the last month of the first worker has not arrived yet
    rows[-(workers + 2)] = row(unit, staff[0], months[-1], base="5000.00", arrival="0")
    import_rows(rows)
    return World(binding, staff, retiree, stranger, months)
