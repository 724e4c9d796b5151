"""What people type into a batch file's cells: normalised text, dates, codes, and the guard against
formulas on the way back out."""

from __future__ import annotations

import datetime

import pytest

from yibao.core.spreadsheets.cells import (
    Lookups,
    Problem,
    cell_text,
    code_cell,
    date_cell,
    neutralise,
    parse_date,
    problems_text,
)
from yibao.core.spreadsheets.layout import Column

KIND = Column("kind", "类别", kind="code", choices=(("01", "甲类"), ("02", "乙类"), ("A9", "丙 类")))
KINDS = Column("kinds", "类别", kind="codes", choices=(("310", "职工基本医疗保险"), ("510", "生育保险")))
DAY = Column("day", "日期", kind="date")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("  王芳 ", "王芳"),
        ("　王  芳\t", "王 芳"),  # the ideographic space, a run of spaces, a tab
        ("ＡＢＣ１２３，", "ABC123,"),
        ("'=SUM(1)", "=SUM(1)"),  # an exported cell, neutralised, reads as written
        ("'abc", "'abc"),  # an apostrophe before anything else stays
        (None, ""),
        (6000.0, "6000"),
        (6000.5, "6000.5"),
        (12, "12"),
        (datetime.datetime.combine(datetime.date(2026, 11, 1), datetime.time(8, 30)), "2026-11-01"),
        (datetime.date(2026, 11, 1), "2026-11-01"),
        (True, "True"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("value", "guarded"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-王芳", "'-王芳"), ("@SUM(1)", "'@SUM(1)"), ("\tx", "'\tx")],
)
def test_neutralise_guards_what_a_spreadsheet_would_take_for_a_formula(value: str, guarded: str) -> None:
    assert neutralise(value) == guarded
    assert neutralise("王芳 = 1") == "王芳 = 1"


@pytest.mark.parametrize("value", ["=1+1", "+86", "-王芳", "@SUM(1)"])
def test_a_neutralised_cell_reads_back_as_written(value: str) -> None:
    assert cell_text(neutralise(value)) == value


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-01", datetime.date(2026, 11, 1)),
        ("2026-1-5", datetime.date(2026, 1, 5)),
        ("2026/11/01", datetime.date(2026, 11, 1)),
        ("20261101", datetime.date(2026, 11, 1)),
        ("2026-02-30", None),
        ("2026年11月", None),
        ("2015.7", None),
        ("", None),
    ],
)
def test_parse_date(text: str, day: datetime.date | None) -> None:
    assert parse_date(text) == day


def test_a_date_cell_takes_a_real_date_or_names_the_text() -> None:
    problems: list[Problem] = []
    assert date_cell(
        DAY, datetime.datetime.combine(datetime.date(2026, 11, 1), datetime.time()), "2026-11-01", problems
    ) == datetime.date(2026, 11, 1)
    assert date_cell(DAY, "20261101", "20261101", problems) == datetime.date(2026, 11, 1)
    assert date_cell(DAY, "下个月", "下个月", problems) is None
    assert problems == [
        Problem("日期", "日期「下个月」不是日期，请填写如 2026-11-01、2026/11/01 或 20261101")
    ]


def test_lookups_find_a_code_by_code_name_or_both() -> None:
    lookups = Lookups()
    assert [lookups.code(KIND, text) for text in ("01", "甲类", "01 甲类", "01甲类", "02 乙类")] == [
        "01", "01", "01", "01", "02",
    ]  # fmt: skip
    assert lookups.code(KIND, "1") == "01"  # Excel dropped the leading 0
    assert lookups.code(KIND, "a9") == "A9"
    assert lookups.code(KIND, "丙类") == "A9"  # spaces do not count
    assert lookups.code(KIND, "02 另一个名称") == "02"  # «代码 名称» with another name
    assert lookups.code(KIND, "戊类") is None
    assert lookups.memo["kind"]["戊类"] is None  # remembered


def test_lookups_split_several_codes_in_one_cell() -> None:
    lookups = Lookups()
    assert lookups.codes(KINDS, "310,510") == (("310", "510"), ())
    assert lookups.codes(KINDS, "310，510、310") == (("310", "510"), ())
    assert lookups.codes(KINDS, "310 职工基本医疗保险") == (("310",), ())
    assert lookups.codes(KINDS, "310,999") == (("310",), ("999",))


def test_a_code_cell_names_a_value_not_in_the_list() -> None:
    problems: list[Problem] = []
    assert code_cell(KIND, "甲类", Lookups(), problems) == "01"
    assert code_cell(KIND, "X", Lookups(), problems) == ""
    assert problems == [Problem("类别", "「X」不是有效的类别，请从下拉列表中选择")]


def test_problems_text_joins_column_and_message() -> None:
    problems = [Problem("日期", "不是日期"), Problem("类别", "不在列表中")]
    assert problems_text(problems) == "日期：不是日期；类别：不在列表中"
    assert problems_text([]) == ""


def test_a_feed_cell_is_read_as_written_with_the_callers_choices() -> None:
    from yibao.core.spreadsheets.cells import feed_cell_text

    noon = datetime.datetime(2026, 12, 4, 12, 30)  # noqa: DTZ001 - a spreadsheet cell has no zone
    midnight = datetime.datetime(2026, 12, 4)  # noqa: DTZ001
    assert [feed_cell_text(v) for v in (None, True, False, 6000.0, 0.5, midnight, noon, " A1 ")] == [
        "", "1", "0", "6000", "0.5", "2026-12-04", "2026-12-04 12:30:00", "A1",
    ]  # fmt: skip
    assert feed_cell_text(noon, keep_time=False) == "2026-12-04"
    assert feed_cell_text(True, booleans=("是", "否")) == "是"
    assert feed_cell_text("１２３") == "１２３"  # a machine's file is not normalised
