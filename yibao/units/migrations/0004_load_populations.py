from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from yibao.units.populations import populations_sync

    populations_sync(apps.get_model("units", "Population"))


class Migration(migrations.Migration):
    dependencies = [("units", "0003_roles_and_populations")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
