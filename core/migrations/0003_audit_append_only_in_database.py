"""The audit table is append-only in the database too (issue 16, ADR 0030).

On PostgreSQL a trigger refuses every UPDATE and DELETE of ``core_auditevent`` row by row,
whoever sends it (raw SQL, a shell, another program with the application's role). TRUNCATE
is not a row operation and stays with the table's owner: test databases are emptied with it,
and a production role that is not the owner cannot run it. SQLite (development and demo) is
left as it is: Django empties test tables there with DELETE.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_notice")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
