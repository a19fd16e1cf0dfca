"""Room on each page of the stamp table for its counters' updates (PostgreSQL only).

Every verification rewrites its stamp's row (the visit count). With free space left on
the page and no indexed column changed, PostgreSQL updates the row in place ("HOT"):
none of the table's three indexes is touched and they do not grow with each scan.
"""

from django.db import migrations

TABLE = "trace_stamp"


def set_fillfactor(apps, schema_editor, value=90):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {int(value)})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("trace", "0002_scanlog_lighter")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
