from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from yibao.operators.catalogue import business_catalogue_sync

    business_catalogue_sync(apps.get_model("operators", "FunctionRole"), apps.get_model("operators", "BusinessItem"))


class Migration(migrations.Migration):
    dependencies = [("operators", "0003_business_catalogue_and_grants")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
