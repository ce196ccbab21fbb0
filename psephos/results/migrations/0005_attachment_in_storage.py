"""Protocol attachments move from a database column to the default storage (issue 21).

Forward: each file's bytes are written to the storage under ``protocols/<aa>/<sha256>``
and the row keeps only that name; backward: the bytes are read back into the column.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models


def _name(sha256: str) -> str:
    return f"protocols/{sha256[:2]}/{sha256}"


def to_storage(apps, schema_editor):  # type: ignore[no-untyped-def]
    Attachment = apps.get_model("results", "ProtocolAttachment")  # noqa: N806
    for item in Attachment.objects.only("pk", "sha256", "data").iterator(chunk_size=100):
        name = _name(item.sha256)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(bytes(item.data)))
        Attachment.objects.filter(pk=item.pk).update(storage_name=name)


def to_column(apps, schema_editor):  # type: ignore[no-untyped-def]
    Attachment = apps.get_model("results", "ProtocolAttachment")  # noqa: N806
    for item in Attachment.objects.only("pk", "storage_name").iterator(chunk_size=100):
        with default_storage.open(item.storage_name) as handle:
            Attachment.objects.filter(pk=item.pk).update(data=handle.read())


class Migration(migrations.Migration):
    dependencies = [("results", "0004_version_source_imported")]

    operations = [
        migrations.AddField(
            model_name="protocolattachment",
            name="storage_name",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="protocolattachment",
            name="data",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(to_storage, to_column),
        migrations.RemoveField(model_name="protocolattachment", name="data"),
    ]
