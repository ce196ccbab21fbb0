"""Enable pgcrypto on PostgreSQL: the fast import computes the IIN's keyed hash in SQL."""

from django.db import migrations


def enable(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto")


class Migration(migrations.Migration):
    dependencies = [("voters", "0001_initial")]
    operations = [migrations.RunPython(enable, migrations.RunPython.noop)]
