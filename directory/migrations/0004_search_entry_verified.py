"""Search entries carry the service's last verification; on PostgreSQL, trigram indexes serve the search's
substring matches (decision 0009)."""

import logging

from django.db import migrations, models, transaction
from django.db.models import OuterRef, Subquery

log = logging.getLogger(__name__)

TRIGRAM_INDEXES = {
    "directory_searchentry_name_trgm": "name",
    "directory_searchentry_body_trgm": "body",
}


def copy_verification(apps, schema_editor):
    SearchEntry = apps.get_model("directory", "SearchEntry")
    Service = apps.get_model("directory", "Service")
    SearchEntry.objects.update(
        verified_at=Subquery(Service.objects.filter(pk=OuterRef("service_id")).values("last_verified_at")[:1])
    )


def trigram_indexes(apps, schema_editor):
    """GIN trigram indexes let PostgreSQL answer `LIKE '%word%'` without reading every entry. pg_trgm is a
    trusted extension (PostgreSQL 13+), so the database owner may create it; where it cannot be created the
    search still works, by scanning, and the migration says so."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # no privilege or no contrib package: keep going without the indexes
        log.warning("pg_trgm unavailable (%s): directory search will scan instead of using an index", error)
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON directory_searchentry USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_translation_object_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="verified_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(copy_verification, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
