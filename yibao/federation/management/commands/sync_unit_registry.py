"""manage.py sync_unit_registry FILE: the 医保信息系统's register of insured units.

The layout is documented in yibao/federation/README.md. All or nothing: a file with errors lists
each one with its line and changes nothing; a valid file creates and updates units by
统一社会信用代码, and the same file again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yibao.core.errors import ApplicationError
from yibao.core.feed_commands import feed_file_read, feed_report_write
from yibao.federation.registry import read_registry_file, registry_sync


class Command(BaseCommand):
    help = (
        "从医保信息系统导出的 CSV（UTF-8）或 xlsx 文件同步参保单位登记信息；同一文件重复同步不改变任何数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV（UTF-8）或 xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查和统计，不保存")

    def handle(self, *args: Any, **options: Any) -> None:
        data, name = feed_file_read(options["path"])
        try:
            report = registry_sync(
                feed=read_registry_file(data, name=name), source=name, dry_run=options["dry_run"]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        feed_report_write(self, report)
