"""The ledger head keeps the last event's time, so that the next event is never stamped
earlier (``rules.chain.event_time``); an existing ledger's head takes its last event's."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def head_at_fill(apps: Any, schema_editor: Any) -> None:
    head_model = apps.get_model("ledger", "LedgerHead")
    event_model = apps.get_model("ledger", "Event")
    for head in head_model.objects.all():
        head.at = event_model.objects.filter(seq=head.seq).values_list("at", flat=True).first()
        head.save(update_fields=["at"])


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_merklenode_signedtreehead")]

    operations = [
        migrations.AddField(
            model_name="ledgerhead", name="at", field=models.DateTimeField(null=True)
        ),
        migrations.RunPython(head_at_fill, migrations.RunPython.noop),
    ]
