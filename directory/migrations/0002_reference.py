from django.db import migrations


def load(apps, schema_editor):
    from directory.reference import load_directory_reference

    load_directory_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
