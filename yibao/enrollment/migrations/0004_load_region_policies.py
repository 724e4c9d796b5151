from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from yibao.enrollment.policies import region_policies_sync

    region_policies_sync(apps.get_model("enrollment", "RegionPolicy"), apps.get_model("core", "Division"))


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0003_policies_and_changes"), ("core", "0003_load_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
