"""The keyed IIN value moves from bytea/blob to UUID (docs/adr/0007-iin-key-uuid.md).

The 16 bytes are unchanged: PostgreSQL reads them as a uuid, SQLite stores them as
Django's UUIDField does (32 lower-case hex digits).
"""

from django.db import migrations, models

BINARY, UUID = models.BinaryField(max_length=16), models.UUIDField()
for _field in (BINARY, UUID):
    _field.set_attributes_from_name("iin_hash")


def _sqlite_retype(apps, schema_editor, old, new):
    """Rebuild SQLite's table with the column's new type; return the model."""
    Voter = apps.get_model("voters", "Voter")
    schema_editor.alter_field(Voter, old, new)
    return Voter


def to_uuid(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE voters_voter ALTER COLUMN iin_hash TYPE uuid"
            " USING encode(iin_hash, 'hex')::uuid"
        )
        return
    _sqlite_retype(apps, schema_editor, BINARY, UUID)
    schema_editor.execute(
        "UPDATE voters_voter SET iin_hash = lower(hex(iin_hash)) WHERE typeof(iin_hash) = 'blob'"
    )


def to_bytes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE voters_voter ALTER COLUMN iin_hash TYPE bytea"
            " USING decode(replace(iin_hash::text, '-', ''), 'hex')"
        )
        return
    Voter = _sqlite_retype(apps, schema_editor, UUID, BINARY)
    for pk, value in Voter.objects.values_list("pk", "iin_hash"):  # SQLite 3.40 has no unhex()
        Voter.objects.filter(pk=pk).update(iin_hash=bytes.fromhex(str(value)))


class Migration(migrations.Migration):

    dependencies = [
        ('voters', '0006_iin_index_order'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(to_uuid, to_bytes)],
            state_operations=[
                migrations.AlterField(
                    model_name='voter',
                    name='iin_hash',
                    field=models.UUIDField(),
                ),
            ],
        ),
    ]
