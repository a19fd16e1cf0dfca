"""``transition(obj, action, actor=…, reason=…)``: the one way an object changes state.

The row is locked, the step is found from the current state, the actor's roles for the
object are checked (its scope through ``restrict()``, the roles granted for its commune or
province, membership of its producer), the guards are asked, the fields set, the object
saved, the step logged and audited — in one transaction; effects run after the commit.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit, requestid
from core.scoping import VIEW, scope_of
from core.workflow.definition import PRODUCER, SYSTEM, Step, Transition, Workflow, for_model


def _resolve(obj, path: str):
    for name in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def acting_roles(wf: Workflow, user, obj) -> frozenset[str]:
    """The roles in which ``user`` may act on ``obj``: the roles granted for its unit, those
    the workflow's ``object_roles`` gives (a seat on a council), and PRODUCER for a member of
    its producer — only when the object is in the user's scope."""
    scope = scope_of(user)
    if scope.user_id is None:
        return frozenset()
    model = type(obj)
    if not model.objects.restrict(user, VIEW).filter(pk=obj.pk).exists():
        return frozenset()
    if scope.is_admin:
        roles = {r for t in wf.transitions for r in t.roles}
    else:
        roles = set(scope.roles_at(_resolve(obj, wf.unit_path)))
    # PRODUCER is membership of the object's own producer only: neither the administrator
    # nor a "producer" role assignment at the same commune (another producer) makes it.
    roles -= {SYSTEM, PRODUCER}
    if wf.object_roles is not None:
        roles |= set(wf.object_roles(user, obj)) - {SYSTEM, PRODUCER}
    if wf.producer_path:
        producer = _resolve(obj, wf.producer_path)
        if producer is not None and producer.members.filter(pk=scope.user_id).exists():
            roles.add(PRODUCER)
    return frozenset(roles)


def allowed(user, obj, wf: Workflow | None = None) -> list[Transition]:
    """The steps ``user`` may take on ``obj`` now, in declaration order (the buttons)."""
    wf = wf or for_model(obj)
    steps = [t for t in wf.from_state(wf.state(obj)) if t.offered]
    if not steps:
        return []
    roles = acting_roles(wf, user, obj)
    return [
        t for t in steps if t.roles & roles and (t.precondition is None or not t.precondition(obj))
    ]


def _refusal(message) -> ValidationError:
    return message if isinstance(message, ValidationError) else ValidationError(message)


def transition(
    obj,
    action: str = "",
    *,
    actor,
    reason: str = "",
    to: str = "",
    system: bool = False,
    data: dict[str, Any] | None = None,
    wf: Workflow | None = None,
):
    """Take the step ``action`` (or the one leading to ``to``) on ``obj``.

    ``system`` is for services that have checked their own permission (a council's
    finalisation, a recorded decision): they may take SYSTEM steps, and no role is asked.
    Returns the object as saved; raises ValidationError (with the refusal) or PermissionDenied.
    """
    wf = wf or for_model(obj)
    data = dict(data or {})
    reason = (reason or "").strip()
    with transaction.atomic():
        manager = type(obj)._default_manager
        qs = manager.select_for_update(of=("self",))
        if wf.select_related:
            qs = qs.select_related(*wf.select_related)
        obj = qs.get(pk=obj.pk)
        source = wf.state(obj)
        step = wf.find(source, action=action, to=to)
        if step is None:
            target = to or action
            raise ValidationError(
                (wf.impossible or _("“%(from)s” cannot become “%(to)s”."))
                % {"from": wf.state_label(source), "to": wf.state_label(target)}
            )
        if not system:
            if not step.offered:
                raise PermissionDenied(_("This step is recorded by the system, not by hand."))
            if not (step.roles & acting_roles(wf, actor, obj)):
                raise PermissionDenied(_("Your role cannot make this step."))
        if step.reason_required and not reason:
            raise ValidationError({"reason": _("Give the reason for this step.")})
        if step.precondition is not None and (refusal := step.precondition(obj)):
            raise _refusal(refusal)
        for guard in step.guards:
            refusal = guard(obj, data)
            if refusal:
                raise _refusal(refusal)
        if step.reason_field:
            setattr(obj, step.reason_field, reason)
        if step.apply is not None:
            step.apply(obj, data, actor)
        setattr(obj, wf.field, step.target)
        obj.full_clean()
        obj.save()
        wf.get_log_model().objects.create(
            **{wf.get_log_model().workflow_fk: obj},
            action=step.action,
            from_status=source,
            to_status=step.target,
            actor=actor if getattr(actor, "pk", None) else None,
            reason=reason,
            request_id=requestid.get(),
        )
        audit.record(
            actor=actor,
            action=wf.audit_action,
            target=obj,
            before={wf.field: source},
            after={wf.field: step.target, "action": step.action, **data},
            reason=reason,
        )
        done = Step(wf, step, source, actor, reason, data)
        for effect in (*step.effects, *wf.effects):
            transaction.on_commit(partial(effect, obj, done))
    return obj


def backfill_actions(name: str):
    """A data migration's function: name the action of the steps logged before the workflow
    was declared, from their (from, to) — one step per pair, so the name is certain."""

    def run(apps, schema_editor):
        from core.workflow.definition import get

        wf = get(name)
        log = apps.get_model(wf.log_model)
        for t in wf.transitions:
            log.objects.filter(action="", from_status__in=t.sources, to_status=t.target).update(
                action=t.action
            )

    return run
