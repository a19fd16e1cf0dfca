"""The change history in words (issue 19): each audit event as who, when (local time), what
(the action's label; for a workflow step its verb), the changed fields with their labels and
old → new values as people read them, and why. Codes and raw keys only for administrators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from core import audit, formatting
from core.scoping import scope_of

# Keys of an event's before/after that are bookkeeping, never a change a person made.
HIDDEN = {"id", "created_at", "updated_at", "action"}

# Events written on an object about one of its parts (a finding recorded on an inspection):
# action → the model whose fields the payload holds ("app_label.Model"), so that its keys
# read with that model's labels and choices, not the object's.
PAYLOAD_MODELS: dict[str, str] = {}


def register_payload_models(mapping: dict[str, str]) -> None:
    """Declared by an app in ``ready()``, beside its action labels."""
    PAYLOAD_MODELS.update(mapping)


def _payload_model(model, event):
    from django.apps import apps

    label = PAYLOAD_MODELS.get(event.action)
    return apps.get_model(label) if label else model


@dataclass
class Change:
    label: str
    before: str | None
    after: str
    raw_key: bool = False  # a key without a field (administrators): shown as a code


@dataclass
class Entry:
    event: Any
    what: str
    changes: list[Change] = field(default_factory=list)
    raw: bool = False  # whether codes and raw keys are shown (administrators)


def _field(model, name: str):
    try:
        field = model._meta.get_field(name.removesuffix("_id"))
    except Exception:  # noqa: BLE001 - a key that is not a field (counts, lists)
        return None
    # a key named like a reverse relation ("stamps": a count) is not one of the object's fields
    return None if field.auto_created and not field.concrete else field


def _boolean(value) -> str:
    return _("yes") if value else _("no")


def _value(model_field, value, related: dict) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if model_field is not None and getattr(model_field, "choices", None):
        labels = dict(model_field.flatchoices)
        if value in labels:
            return str(labels[value])
    if isinstance(model_field, models.ForeignKey):
        return related.get((model_field.related_model, str(value)), str(value))
    if isinstance(model_field, models.ManyToManyField) and isinstance(value, list):
        return ", ".join(related.get((model_field.related_model, str(v)), str(v)) for v in value)
    if isinstance(value, bool) or isinstance(model_field, models.BooleanField):
        return _boolean(value)
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return formatting.moment(moment)
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        if day is not None:
            return formatting.day(day)
    if isinstance(value, dt.date):
        return formatting.day(value)
    if model_field is not None and (
        model_field.name == "year" or model_field.name.endswith("_year")
    ):
        return str(value)  # a year, never grouped (2026, not 2.026)
    if isinstance(model_field, (models.DecimalField, models.IntegerField, models.FloatField)):
        try:
            return formatting.number(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _related(model, events) -> dict:
    """The names of the objects foreign keys (and many-to-many lists) point to, one query
    per related model."""
    wanted: dict[type, set[str]] = {}
    for event in events:
        payload = _payload_model(model, event)
        for side in (event.before or {}, event.after or {}):
            if not isinstance(side, dict):
                continue
            for key, value in side.items():
                f = _field(payload, key)
                if isinstance(f, models.ForeignKey) and value not in (None, ""):
                    wanted.setdefault(f.related_model, set()).add(str(value))
                elif isinstance(f, models.ManyToManyField) and isinstance(value, list):
                    wanted.setdefault(f.related_model, set()).update(str(v) for v in value)
    names = {}
    for related_model, pks in wanted.items():
        try:
            for obj in related_model._default_manager.filter(pk__in=pks):
                names[(related_model, str(obj.pk))] = str(obj)
        except (ValueError, TypeError):
            continue
    return names


def _what(event) -> str:
    after = event.after if isinstance(event.after, dict) else {}
    if event.action.endswith(".transitioned") and after.get("action"):
        from core.workflow.definition import registered

        name = event.action.split(".")[1]
        for wf in registered():
            if wf.name == name:
                try:
                    return str(wf.action(after["action"]).label)
                except KeyError:
                    break
    return str(audit.action_label(event.action))


def entries(user, model, events) -> list[Entry]:
    """The events of one object's history, in words for ``user``."""
    raw = scope_of(user).is_admin
    events = list(events)
    related = _related(model, events)
    shown = []
    for event in events:
        before = event.before if isinstance(event.before, dict) else {}
        after = event.after if isinstance(event.after, dict) else {}
        changes = []
        payload = _payload_model(model, event)
        for key in list(dict.fromkeys([*after, *before])):
            if key in HIDDEN and not raw:
                continue
            f = _field(payload, key)
            # a field without a translated label is bookkeeping (created_by …)
            if not raw and (f is None or not isinstance(f.verbose_name, Promise)):
                continue
            label = str(f.verbose_name) if f is not None else key
            old = _value(f, before.get(key), related) if key in before else None
            new = _value(f, after.get(key), related) if key in after else "—"
            if old == new or (old is None and new == "—"):  # unchanged, or created empty
                continue
            if f is None:
                changes.append(Change(key, old, new, raw_key=True))
            else:
                changes.append(Change(label[:1].upper() + label[1:], old, new))
        shown.append(Entry(event=event, what=_what(event), changes=changes, raw=raw))
    return shown
