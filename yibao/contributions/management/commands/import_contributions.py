"""manage.py import_contributions FILE: load 缴费明细 from the core system / tax bureau.

The file layout is documented in yibao/contributions/README.md. All or nothing: a file with
errors lists each one with its line and changes nothing; a valid file replaces, for every
(单位编号, 费款所属期) it contains, that month's rows of that unit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yibao.contributions.feed import contributions_import
from yibao.contributions.feed_file import read_feed_file
from yibao.core.errors import ApplicationError
from yibao.core.feed_commands import feed_file_read, feed_report_write


class Command(BaseCommand):
    help = "从核心系统（税务）导出的 CSV（UTF-8）或 xlsx 文件导入缴费明细；同一单位同一费款所属期整体替换。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV（UTF-8）或 xlsx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        data, name = feed_file_read(options["path"])
        try:
            report = contributions_import(rows=read_feed_file(data, name=name))
        except ApplicationError as error:
            raise CommandError(error.message) from error
        feed_report_write(self, report)
