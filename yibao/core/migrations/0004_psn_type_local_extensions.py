from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    """Add the codes the data file gained since 0003 (人员类别 1160/1260/1360/1460/1560 地方扩展);
    labels edited in the admin are kept."""
    from yibao.core.reference import code_tables_sync

    code_tables_sync(apps.get_model("core", "CodeTable"), apps.get_model("core", "CodeItem"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_load_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
