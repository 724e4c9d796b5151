"""manage.py import_contributions FILE: load 缴费明细 from the core system / tax bureau.

The file layout is documented in yibao/contributions/README.md. All or nothing: a file with
errors lists each one with its line and changes nothing; a valid file replaces, for every
(单位编号, 费款所属期) it contains, that month's rows of that unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yibao.contributions.feed import contributions_import
from yibao.contributions.feed_file import read_feed_file
from yibao.core.errors import ApplicationError

SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = "从核心系统（税务）导出的 CSV（UTF-8）或 xlsx 文件导入缴费明细；同一单位同一费款所属期整体替换。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV（UTF-8）或 xlsx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件：{path}") from error
        try:
            report = contributions_import(rows=read_feed_file(data, name=path.name))
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if not report.ok:
            for problem in report.errors[:SHOWN_ERRORS]:
                self.stderr.write(str(problem))
            if len(report.errors) > SHOWN_ERRORS:
                self.stderr.write(f"……另有{len(report.errors) - SHOWN_ERRORS}处错误")
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
