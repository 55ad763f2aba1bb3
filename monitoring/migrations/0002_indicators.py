"""The indicator definitions and age bands of `monitoring/data/indicators.json`."""

from django.db import migrations


def load(apps, schema_editor):
    from monitoring.reference import load_indicators

    load_indicators(apps)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
