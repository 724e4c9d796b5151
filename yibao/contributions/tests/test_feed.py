"""The contributions feed: validation of every row, all-or-nothing, idempotent month replacement,
the summary kept with it, and the management command."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.utils import timezone

from yibao.contributions.feed import contributions_import
from yibao.contributions.feed_file import read_feed_file
from yibao.contributions.models import Contribution, UnitContributionMonth
from yibao.contributions.periods import period_add, period_of
from yibao.contributions.summaries import contribution_summaries_rebuild
from yibao.contributions.tests.helpers import HEADER, contribution_world, feed_csv, row
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import InsuranceFactory

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Contribution.objects.order_by("unit_id", "person_id", "period").values_list(
            "unit_id",
            "person_id",
            "period",
            "base",
            "unit_amount",
            "personal_amount",
            "arrival",
            "arrival_date",
        )
    )


def test_import_writes_rows_and_the_summary() -> None:
    world = contribution_world(timezone.localdate())
    unit = world.binding.unit
    assert Contribution.objects.filter(unit=unit).count() == 12
    last = UnitContributionMonth.objects.get(unit=unit, period=world.months[-1], psn_type="1101", arrival="0")
    assert (last.persons, last.base_total, last.unit_total) == (1, Decimal("5000.00"), Decimal("400.00"))
    arrived = UnitContributionMonth.objects.get(
        unit=unit, period=world.months[-1], psn_type="1101", arrival="1"
    )
    assert (arrived.persons, arrived.base_total) == (2, Decimal("13000.00"))
    assert UnitContributionMonth.objects.get(unit=unit, period=world.months[0], psn_type="1201").persons == 1


def test_reimporting_a_month_replaces_it_and_never_doubles() -> None:
    world = contribution_world(timezone.localdate())
    unit, month = world.binding.unit, world.months[-1]
    before = snapshot()
    again = [row(unit, p, month, base=f"{5000 + 1000 * i}.00") for i, p in enumerate(world.workers)]
    again.append(row(unit, world.retiree, month, base="4000.00"))
    again[0] = row(unit, world.workers[0], month, base="5000.00", arrival="0")
    for _ in range(2):
        report = contributions_import(rows=read_feed_file(feed_csv(again), name="again.csv"))
        assert (report.ok, report.inserted, report.deleted, report.months) == (True, 4, 4, 1)
    assert snapshot() == before
    # a corrected month: the new file is the month now (one person fewer, a new base)
    corrected = [row(unit, world.workers[0], month, base="5500.00")]
    contributions_import(rows=read_feed_file(feed_csv(corrected), name="fix.csv"))
    in_month = Contribution.objects.filter(unit=unit, period=month)
    assert list(in_month.values_list("person_id", "base")) == [(world.workers[0].pk, Decimal("5500.00"))]
    assert Contribution.objects.filter(unit=unit).count() == 9  # other months untouched
    summary = UnitContributionMonth.objects.filter(unit=unit, period=month)
    assert list(summary.values_list("persons", "base_total", "arrival")) == [(1, Decimal("5500.00"), "1")]


def test_a_feed_with_any_bad_row_writes_nothing_and_names_every_row() -> None:
    world = contribution_world(timezone.localdate())
    unit, person = world.binding.unit, world.workers[0]
    month = world.months[0]
    future = period_add(period_of(timezone.localdate()), 1)
    good = row(unit, person, month, base="8000.00")
    bad_rows = [
        good,
        ["9999999", *good[1:]],  # line 3: unknown unit
        [good[0], "01", "110101199003070011", *good[3:]],  # line 4: unknown person
        [*good[:4], "202413", *good[5:]],  # line 5: no such month
        [*good[:4], str(future), *good[5:]],  # line 6: a future month
        [*good[:5], "-1", "abc", "1.234", *good[8:]],  # line 7: amounts
        [*good[:8], "1", ""],  # line 8: arrived without a date
        good,  # line 9: repeats line 2
        [*good[:5], "1e30", *good[6:]],  # line 10: an amount too large to round
    ]
    before = snapshot()
    report = contributions_import(rows=read_feed_file(feed_csv(bad_rows), name="bad.csv"))
    assert not report.ok and report.inserted == 0
    lines = sorted({(e.line, e.column) for e in report.errors})
    assert lines == [
        (3, "单位编号"), (4, "证件号码"), (5, "费款所属期"), (6, "费款所属期"), (7, "个人缴费"),
        (7, "单位缴费"), (7, "缴费基数"), (8, "到账日期"), (9, "证件号码"), (10, "缴费基数"),
    ]  # fmt: skip
    assert "与第2行重复" in next(str(e) for e in report.errors if e.line == 9)
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action="contributions.import", after__rows=9).exists()


def test_header_must_name_the_agreed_columns() -> None:
    with pytest.raises(ApplicationError, match="缺少列：「到账状态」"):
        read_feed_file(feed_csv([], header=[t for t in HEADER if t != "到账状态"]), name="x.csv")
    with pytest.raises(ApplicationError, match="「备注」不是约定的列名"):
        read_feed_file(feed_csv([], header=[*HEADER, "备注"]), name="x.csv")
    with pytest.raises(ApplicationError, match="UTF-8"):
        read_feed_file("单位编号".encode("gb18030"), name="x.csv")
    with pytest.raises(ApplicationError, match="CSV"):
        read_feed_file(b"", name="x.txt")


def test_xlsx_feed_is_read_like_csv() -> None:
    world = contribution_world(timezone.localdate())
    unit, person = world.binding.unit, world.workers[1]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    values = row(unit, person, world.months[0], base="7777.00")
    sheet.write_row(1, 0, [*values[:4], int(values[4]), 7777, 622.16, 155.54, values[8], values[9]])
    book.close()
    report = contributions_import(rows=read_feed_file(buffer.getvalue(), name="feed.xlsx"))
    assert (report.ok, report.inserted, report.deleted) == (True, 1, 4)  # 3 workers + retiree
    assert Contribution.objects.get(unit=unit, person=person, period=world.months[0]).base == Decimal(
        "7777.00"
    )


def test_command_imports_and_reports(tmp_path: Path) -> None:
    world = contribution_world(timezone.localdate())
    unit = world.binding.unit
    path = tmp_path / "feed.csv"
    path.write_bytes(feed_csv([row(unit, p, world.months[0]) for p in world.workers]))
    out = io.StringIO()
    call_command("import_contributions", str(path), stdout=out)
    call_command("import_contributions", str(path), stdout=out)
    assert out.getvalue().count("导入3条缴费明细") == 2
    assert Contribution.objects.filter(unit=unit, period=world.months[0]).count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(feed_csv([["x", *row(unit, world.workers[0], world.months[0])[1:]]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1处错误"):
        call_command("import_contributions", str(bad), stderr=err)
    assert "第2行 单位编号：单位编号x不存在" in err.getvalue()


def test_full_rebuild_gives_the_same_summary() -> None:
    contribution_world(timezone.localdate())
    InsuranceFactory.create()  # an unrelated insurance changes nothing
    fields = ("unit_id", "period", "insutype", "psn_type", "arrival", "base_total", "persons")
    before = sorted(UnitContributionMonth.objects.values_list(*fields))
    assert contribution_summaries_rebuild() == len(before)
    assert sorted(UnitContributionMonth.objects.values_list(*fields)) == before
