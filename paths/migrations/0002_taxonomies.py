from django.db import migrations


def load(apps, schema_editor):
    from paths.taxonomies import GOAL_AREAS, SERVICE_TYPES

    GoalArea = apps.get_model("paths", "GoalArea")
    ServiceType = apps.get_model("paths", "ServiceType")
    for position, (code, name_it, name_en) in enumerate(GOAL_AREAS):
        GoalArea.objects.update_or_create(
            code=code, defaults={"name_it": name_it, "name_en": name_en, "position": position}
        )
    for position, (code, name_it, name_en, indicator, action) in enumerate(SERVICE_TYPES):
        ServiceType.objects.update_or_create(
            code=code,
            defaults={
                "name_it": name_it,
                "name_en": name_en,
                "position": position,
                "indicator_code": indicator,
                "default_action": action,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("paths", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
