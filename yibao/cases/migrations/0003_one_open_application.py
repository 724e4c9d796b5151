# The one-open-application rule: a key column, filled, then a unique constraint (three steps, so
# that PostgreSQL never alters a table holding rows updated in the same transaction).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_materials'),
        ('core', '0003_load_reference_data'),
        ('operators', '0005_binding_full_identity'),
        ('units', '0008_unit_collection_way'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="open_key",
            field=models.CharField(blank=True, editable=False, max_length=200, null=True, verbose_name="未办结标识"),
        ),
    ]
