from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from yibao.core.cache_versions import hall_changed
from yibao.core.divisions import SOURCE, division_rows_sync
from yibao.core.models import CodeItem, CodeTable, Division
from yibao.core.reference import DATA_FILE, code_tables_sync
from yibao.core.selectors import division_tree_clear
from yibao.enrollment.models import RegionPolicy
from yibao.enrollment.policies import region_policies_sync
from yibao.operators import catalogue
from yibao.operators.models import BusinessItem, FunctionRole
from yibao.units import populations
from yibao.units.credit_defaults import credit_defaults_sync
from yibao.units.models import CreditLevel, CreditRule, Population


class Command(BaseCommand):
    help = "Load or refresh reference data: national code tables and GB/T 2260 divisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--overwrite-labels",
            action="store_true",
            help="Replace code labels and catalogue items edited in the admin with the data files' values.",
        )

    def handle(self, *args: Any, overwrite_labels: bool = False, **options: Any) -> None:
        with transaction.atomic():
            codes = code_tables_sync(CodeTable, CodeItem, overwrite_labels=overwrite_labels)
            divisions = division_rows_sync(Division)
            items = catalogue.business_catalogue_sync(FunctionRole, BusinessItem, overwrite=overwrite_labels)
            groups = populations.populations_sync(Population)
            credit = credit_defaults_sync(CreditRule, CreditLevel)
            policies = region_policies_sync(RegionPolicy, Division)
            hall_changed()  # the business catalogue the hall frames keep (after the commit)
        division_tree_clear()
        self.stdout.write(
            f"code tables ({DATA_FILE.name}): {codes['created']} created, {codes['updated']} updated"
        )
        self.stdout.write(
            f"divisions ({SOURCE}): {divisions['total']} current, {divisions['created']} created, "
            f"{divisions['updated']} updated, {divisions['deactivated']} deactivated"
        )
        self.stdout.write(
            f"business catalogue ({catalogue.DATA_FILE.name}): {items['created']} created, "
            f"{items['updated']} updated; populations: {groups['created']} created; "
            f"credit rules and levels: {credit['created']} created; "
            f"enrollment policies: {policies['created']} created"
        )
