"""Trigram indexes for the organisation search on PostgreSQL; nothing on other databases.

The search filters with ``name__icontains``, which PostgreSQL runs as
``UPPER(name::text) LIKE UPPER('%…%')``: a B-tree cannot serve a leading
wildcard, so at 150,000 organisations every search would scan the table. A GIN
index with ``gin_trgm_ops`` on exactly that expression serves it; a second one
serves ``enterprise_number__contains`` (searching by digits). The model state is
unchanged, so SQLite and the migration graph stay portable.
"""

from django.db import migrations

INDEXES = (
    ("registry_org_name_upper_trgm", "(UPPER(name::text)) gin_trgm_ops"),
    ("registry_org_entnum_trgm", "enterprise_number gin_trgm_ops"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON registry_organisation USING gin ({expression})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_alter_organisation_enterprise_number")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
