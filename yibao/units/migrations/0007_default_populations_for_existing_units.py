from typing import Any

from django.db import migrations


def assign(apps: Any, schema_editor: Any) -> None:
    """Units that existed before 管理人群 came get the default populations."""
    Unit = apps.get_model("units", "Unit")
    Population = apps.get_model("units", "Population")
    defaults = list(Population.objects.filter(is_default=True))
    through = Unit.populations.through
    bare = Unit.objects.filter(populations__isnull=True).values_list("pk", flat=True)
    through.objects.bulk_create(
        [through(unit_id=unit_id, population_id=p.pk) for unit_id in bare.iterator() for p in defaults],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("units", "0006_unit_contact_fields")]
    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
