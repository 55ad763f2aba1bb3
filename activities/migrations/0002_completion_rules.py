"""The completion rules the plan starts with (editable by the Region afterwards)."""

from django.db import migrations

RULES = [
    # code, Italian, English, minimum attendance %, requires exit assessment
    ("presenza-70", "Almeno il 70% delle ore", "At least 70% of hours", 70, False),
    (
        "lingua-70-verifica",
        "Almeno il 70% delle ore e test di uscita",
        "At least 70% of hours and an exit test",
        70,
        True,
    ),
    ("formazione-80", "Almeno l'80% delle ore", "At least 80% of hours", 80, False),
    ("evento-presenza", "Presenza all'evento", "Attending the event", 0, False),
]


def load(apps, schema_editor):
    CompletionRule = apps.get_model("activities", "CompletionRule")
    for code, name_it, name_en, percent, exit_required in RULES:
        CompletionRule.objects.update_or_create(
            code=code,
            defaults={
                "name_it": name_it,
                "name_en": name_en,
                "min_attendance_percent": percent,
                "requires_exit_assessment": exit_required,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
