from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_open_keys_fill")]

    operations = [
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(fields=("unit", "open_key"), name="cases_app_one_open"),
        ),
    ]
