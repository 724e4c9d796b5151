from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from yibao.core.divisions import division_rows_sync
    from yibao.core.reference import code_tables_sync

    code_tables_sync(apps.get_model("core", "CodeTable"), apps.get_model("core", "CodeItem"))
    division_rows_sync(apps.get_model("core", "Division"))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
