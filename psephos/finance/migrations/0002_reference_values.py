"""The minimum wage and MCI versions of kazakhstan-rules.md §9 (amounts in KZT)."""

from decimal import Decimal

from django.db import migrations

VALUES = [
    ("minimum_wage", "2019-01-01", "42500", "kazakhstan-rules.md §9: before 2022"),
    ("minimum_wage", "2022-01-01", "60000", "[P] fn50; gov.kz (VERIFIED)"),
    ("minimum_wage", "2023-01-01", "70000", "DERIVED from time.kz 27.01.2023"),
    ("mci", "2022-01-01", "3063", "pricom.kz; paryz.kz"),
]


def seed(apps, schema_editor):
    ReferenceValue = apps.get_model("finance", "ReferenceValue")
    for kind, valid_from, amount, source in VALUES:
        ReferenceValue.objects.get_or_create(
            kind=kind,
            valid_from=valid_from,
            defaults={"amount": Decimal(amount), "source": source},
        )


def unseed(apps, schema_editor):
    ReferenceValue = apps.get_model("finance", "ReferenceValue")
    for kind, valid_from, _amount, _source in VALUES:
        ReferenceValue.objects.filter(kind=kind, valid_from=valid_from).delete()


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
