"""The two writes most services make, audited the one way: a record created (its snapshot
after), and a record's fields changed (only what changed, with the reason). A service keeps
its own checks (scope, status, budget) around them and runs them in its transaction."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import models, transaction

from core import audit


@transaction.atomic
def create_audited(model: type[models.Model], *, actor, action: str, target=None, **fields):
    """A new ``model`` with ``fields``, validated, saved and audited as ``action`` (on
    ``target`` when the event belongs to another record: a decision's content line)."""
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    audit.record(
        actor=actor,
        action=action,
        target=obj if target is None else target,
        after=audit.snapshot(obj),
    )
    return obj


@transaction.atomic
def update_audited(
    obj: models.Model,
    fields: dict[str, Any],
    *,
    actor,
    action: str,
    fixed: Collection[str] = (),
    reason: str = "",
    target=None,
):
    """``obj`` with ``fields`` set (none of the ``fixed`` ones: a programming error), validated,
    saved and its changes audited as ``action`` with the reason."""
    before = audit.snapshot(obj)
    for name, value in fields.items():
        if name in fixed:
            raise ValueError(f"{name} cannot be changed here")
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    audit.record_changes(
        actor=actor,
        action=action,
        target=obj if target is None else target,
        before=before,
        after=audit.snapshot(obj),
        reason=reason,
    )
    return obj
