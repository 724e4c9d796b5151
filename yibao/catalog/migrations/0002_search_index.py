# The name-search index of the catalogues (see yibao/catalog/search.py):
# PostgreSQL - extension pg_trgm and a GIN (gin_trgm_ops) index on search_key of each table;
# SQLite     - an FTS5 trigram table per catalogue table, with triggers that keep it in sync.

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from yibao.catalog.search import search_index_install, search_index_remove


def install(apps, schema_editor):
    search_index_install(schema_editor)


def remove(apps, schema_editor):
    search_index_remove(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        # A no-op on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(install, remove),
    ]
