"""manage.py load_catalog KIND FILE: load an edition of a catalogue from a CSV or xlsx file.

The layouts of the files are documented in yibao/catalog/README.md. The load is all or nothing:
a file with errors lists each one with its line number and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yibao.catalog.layouts import LAYOUTS
from yibao.catalog.services import catalog_file_load
from yibao.core.errors import ApplicationError


class Command(BaseCommand):
    help = "从 CSV 或 xlsx 文件导入（或更新）公用服务目录：药品、定点医药机构、经办机构、诊疗项目。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(LAYOUTS), help="目录类型")
        parser.add_argument("path", help="CSV（UTF-8 或 GB18030）或 xlsx 文件")
        parser.add_argument(
            "--region",
            help="只替换该医保区划（含下级）的数据，例如 530000；文件中的行也必须属于该区划",
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help="文件中没有的已有记录保持不变（默认停用）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只检查文件并报告变化，不保存")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = catalog_file_load(
                kind=options["kind"],
                path=options["path"],
                actor=None,
                region=options.get("region"),
                deactivate_missing=not options["keep_missing"],
                dry_run=options["dry_run"],
            )
        except ApplicationError as error:
            for line in error.extra.get("errors", []):
                self.stderr.write(line)
            raise CommandError(error.message) from error
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件：{options['path']}") from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.changed_codes and options["verbosity"] > 1:
            self.stdout.write("更新的编码（前50个）：" + "、".join(report.changed_codes))
