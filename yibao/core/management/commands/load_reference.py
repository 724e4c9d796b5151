from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from yibao.core.divisions import SOURCE, division_rows_sync
from yibao.core.models import CodeItem, CodeTable, Division
from yibao.core.reference import DATA_FILE, code_tables_sync
from yibao.core.selectors import division_tree_clear


class Command(BaseCommand):
    help = "Load or refresh reference data: national code tables and GB/T 2260 divisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--overwrite-labels",
            action="store_true",
            help="Replace code labels edited in the admin with the data file's labels.",
        )

    def handle(self, *args: Any, overwrite_labels: bool = False, **options: Any) -> None:
        with transaction.atomic():
            codes = code_tables_sync(CodeTable, CodeItem, overwrite_labels=overwrite_labels)
            divisions = division_rows_sync(Division)
        division_tree_clear()
        self.stdout.write(
            f"code tables ({DATA_FILE.name}): {codes['created']} created, {codes['updated']} updated"
        )
        self.stdout.write(
            f"divisions ({SOURCE}): {divisions['total']} current, {divisions['created']} created, "
            f"{divisions['updated']} updated, {divisions['deactivated']} deactivated"
        )
