"""An observer organisation's name in Kazakh and Russian beside the English ``name``.

The simulated organisations already in a database get their two names (the
simulation writes them from now on); any other keeps empty forms, which pages fill
by the fallback order of ``core.i18n``.
"""

from django.db import migrations, models

# English name → (Kazakh, Russian), as psephos.observation.services.simulation writes them.
KNOWN = {
    "OSCE/ODIHR Election Observation Mission": (
        "ЕҚЫҰ/ДИАҚБ сайлауды бақылау жөніндегі миссиясы",
        "Миссия БДИПЧ ОБСЕ по наблюдению за выборами",
    ),
    "Citizen quick-count network": (
        "Дауыстарды параллель санаудың азаматтық желісі",
        "Гражданская сеть параллельного подсчёта голосов",
    ),
}


def fill_known(apps, schema_editor):
    Organisation = apps.get_model("observation", "Organisation")
    for name, (kk, ru) in KNOWN.items():
        Organisation.objects.filter(name=name, name_kk="", name_ru="").update(
            name_kk=kk, name_ru=ru
        )


class Migration(migrations.Migration):
    dependencies = [
        ("observation", "0005_accreditation_decision"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_kk",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="organisation",
            name="name_ru",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(fill_known, migrations.RunPython.noop),
    ]
