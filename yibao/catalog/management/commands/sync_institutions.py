"""manage.py sync_institutions FILE: 定点医疗机构 and 定点零售药店 from the 贯标平台.

The layout is documented in yibao/catalog/README.md. All or nothing: a file with errors lists
each one with its line and changes nothing; a valid file creates and updates institutions by
定点医药机构编号, and the same file again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yibao.catalog.sync import institutions_sync
from yibao.catalog.sync_format import read_sync_file
from yibao.core.errors import ApplicationError
from yibao.core.feed_commands import feed_file_read, feed_report_write


class Command(BaseCommand):
    help = "从贯标平台导出的 CSV（UTF-8）或 xlsx 文件同步定点医疗机构和定点零售药店；同一文件重复同步不改变任何数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV（UTF-8）或 xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查和统计，不保存")

    def handle(self, *args: Any, **options: Any) -> None:
        data, name = feed_file_read(options["path"])
        try:
            report = institutions_sync(
                feed=read_sync_file(data, name=name), source=name, dry_run=options["dry_run"]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        feed_report_write(self, report)
        if options["verbosity"] >= 2 and report.changed_codes:
            self.stdout.write("更新：" + "、".join(report.changed_codes))
