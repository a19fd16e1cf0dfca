"""The audit table refuses raw UPDATE and DELETE in the database itself (PostgreSQL), not
only through the ORM (issue 16, hardening; ADR 0030)."""

import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from core import audit
from core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("core.migrations.0003_audit_append_only_in_database")


@pytest.fixture
def event(personas):
    return audit.record(
        actor=personas.admin, action="ocop.user.activated", target=personas.council, reason="x"
    )


def _raw(sql, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_orm_refuses(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="y")


def test_raw_sql_cannot_delete_or_rewrite_an_event(event):
    if connection.vendor != "postgresql":
        # SQLite (development, demo) keeps no trigger: Django empties test tables with DELETE
        assert "postgresql" in MIGRATION.forwards.__code__.co_consts
        return
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"):
        _raw("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"):
        _raw("UPDATE core_auditevent SET reason = 'rewritten' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_auditevent")
    event.refresh_from_db()
    assert event.reason == "x"
    # appending still works
    audit.record(actor=None, action="ocop.user.created", target=event.actor)
    assert AuditEvent.objects.count() == count + 1
