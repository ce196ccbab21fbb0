"""The database cache's table (settings.CACHES, ADR 0015), created where a cache uses one.

``createcachetable`` makes the table of every ``DatabaseCache`` in the settings and
skips the others (the test suite's cache is in memory): no deployment step to forget.
"""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def _create(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_rate_count")]

    operations = [migrations.RunPython(_create, migrations.RunPython.noop, elidable=False)]
