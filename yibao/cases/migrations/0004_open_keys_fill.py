from django.db import migrations


def open_keys_fill(apps, schema_editor):
    """Give each matter's newest open application its key; older duplicates (made before the
    constraint existed) keep none, so the constraint can be added and they stay as they were."""
    from yibao.cases.types import application_type

    Application = apps.get_model("cases", "Application")
    seen = set()
    rows = Application.objects.filter(status__in=["draft", "returned", "submitted"]).order_by("-created_at", "-id")
    for application in rows.iterator():
        try:
            kind = application_type(application.type_code)
        except KeyError:
            continue
        if application.status not in kind.open_statuses:
            continue
        key = (application.unit_id, kind.open_key(application.payload))
        if key in seen:
            continue
        seen.add(key)
        Application.objects.filter(pk=application.pk).update(open_key=key[1])


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_one_open_application")]

    operations = [migrations.RunPython(open_keys_fill, migrations.RunPython.noop)]
