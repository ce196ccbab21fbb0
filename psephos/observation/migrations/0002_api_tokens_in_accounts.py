"""Observers' API tokens move to ``accounts.ApiToken``, the one bearer token of psephos.

Both tables stored the same thing (a SHA-256 digest, a label, creation and revocation
times), so every observation token is copied as it is and keeps working.
"""

from django.db import migrations


def copy_tokens(apps, schema_editor):  # type: ignore[no-untyped-def]
    Old = apps.get_model("observation", "ApiToken")
    New = apps.get_model("accounts", "ApiToken")
    New.objects.bulk_create(
        New(
            user_id=t.user_id,
            label=t.label,
            digest=t.digest,
            created_at=t.created_at,
            revoked_at=t.revoked_at,
        )
        for t in Old.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_apitoken"),
        ("observation", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_tokens, migrations.RunPython.noop),
        migrations.DeleteModel(name="ApiToken"),
    ]
