"""The 2022 minimum wage and MCI live in the rule profile: drop the rows 0002 seeded.

The table keeps only versions recorded later, each overriding the profile from its day.
The rows are matched on kind, day and amount, so a version someone recorded stays.
"""

from decimal import Decimal

from django.db import migrations

SEEDED = [
    ("minimum_wage", "2019-01-01", "42500"),
    ("minimum_wage", "2022-01-01", "60000"),
    ("minimum_wage", "2023-01-01", "70000"),
    ("mci", "2022-01-01", "3063"),
]


def drop_seeded(apps, schema_editor):
    ReferenceValue = apps.get_model("finance", "ReferenceValue")
    for kind, valid_from, amount in SEEDED:
        ReferenceValue.objects.filter(
            kind=kind, valid_from=valid_from, amount=Decimal(amount)
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0005_audits")]

    operations = [migrations.RunPython(drop_seeded, migrations.RunPython.noop)]
