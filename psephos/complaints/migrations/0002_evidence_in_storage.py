"""Evidence content moves from a database column to the default storage (issue 16, item 7).

Forward: each file's bytes are written to the storage under ``evidence/<aa>/<sha256>``
and the row keeps only that name; backward: the bytes are read back into the column.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models


def _name(sha256: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256}"


def to_storage(apps, schema_editor):  # type: ignore[no-untyped-def]
    Evidence = apps.get_model("complaints", "Evidence")  # noqa: N806
    for item in Evidence.objects.only("pk", "sha256", "content").iterator(chunk_size=100):
        name = _name(item.sha256)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(bytes(item.content)))
        Evidence.objects.filter(pk=item.pk).update(storage_name=name)


def to_column(apps, schema_editor):  # type: ignore[no-untyped-def]
    Evidence = apps.get_model("complaints", "Evidence")  # noqa: N806
    for item in Evidence.objects.only("pk", "storage_name").iterator(chunk_size=100):
        with default_storage.open(item.storage_name) as handle:
            Evidence.objects.filter(pk=item.pk).update(content=handle.read())


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="storage_name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="evidence",
            name="content",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(to_storage, to_column),
        migrations.RemoveField(model_name="evidence", name="content"),
    ]
