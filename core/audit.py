"""``audit.record()``: the one way to write the audit log.

Services call it inside their own ``transaction.atomic`` block, so the audit row is
committed with the change or not at all. Calling it outside a transaction is a bug.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from core import requestid
from core.audit_actions import (  # noqa: F401 - labels live below the models; apps call audit.*
    ACTION_LABELS,
    action_label,
    register_actions,
)
from core.models import AuditEvent


class AuditOutsideTransaction(RuntimeError):
    pass


# Who may read one event of a history, by action code: ``rule(user, event) -> bool``.
# Seeing an object does not mean seeing every event about it (a council member sees another
# member's sheet exists, not its draft choices; a producer sees their certificate, not the
# revocation proposed against it before the decision). Each app registers its rules in
# ``AppConfig.ready()``; an action without a rule is visible to whoever sees the object.
EVENT_RULES: dict[str, Any] = {}


def register_event_rule(actions, rule) -> None:
    for code in [actions] if isinstance(actions, str) else actions:
        EVENT_RULES[code] = rule


def visible_events(user, events) -> list:
    """The events of a history that ``user`` may read (each rule asked once per target)."""
    answers: dict[tuple[str, str], bool] = {}
    shown = []
    for event in events:
        rule = EVENT_RULES.get(event.action)
        if rule is not None:
            key = (event.action, event.target_id)
            if key not in answers:
                answers[key] = bool(rule(user, event))
            if not answers[key]:
                continue
        shown.append(event)
    return shown


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # hasattr(value, "url") raises on an empty file
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` (foreign keys by id), ready for JSON."""
    data = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in {"password"}:
            continue
        data[f.attname] = _jsonable(getattr(obj, f.attname))
    return data


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None):
    """Keep only the keys whose values changed (both sides)."""
    if not before or not after:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    unit=None,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"{action}: audit.record() must run inside a transaction")
    if unit is None and target is not None:
        unit = getattr(target, "audit_unit", None)
    actor_obj = actor if actor is not None and getattr(actor, "pk", None) else None
    event = AuditEvent(
        actor=actor_obj,
        actor_repr=(actor_obj.get_full_name() or actor_obj.get_username()) if actor_obj else "",
        request_id=requestid.get(),
        action=action,
        target_type=(
            ContentType.objects.get_for_model(target, for_concrete_model=False) if target else None
        ),
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        unit=unit,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
    )
    event.save()
    return event


def record_changes(
    *,
    actor,
    action: str,
    target: models.Model,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str = "",
    unit=None,
) -> AuditEvent | None:
    """Audit an update: only the fields that changed, and nothing when nothing changed.

    ``before`` and ``after`` are snapshots (``snapshot()``) taken around the change.
    """
    old, new = diff(before, after)
    if not new:
        return None
    return record(
        actor=actor, action=action, target=target, before=old, after=new, reason=reason, unit=unit
    )
