"""Writes of rounds, dossiers and the working calendar; a dossier moves through
``core.workflow`` (``submissions.workflows.DOSSIER``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, formatting
from core.notifications import notify
from core.workflow.service import transition
from submissions import rules
from submissions.choices import NEXT_ACTOR, DossierKind, RoundLevel, Status
from submissions.models import Dossier, Holiday, Round


@transaction.atomic
def round_create(
    *,
    actor,
    province,
    level,
    year,
    name,
    proposals_due,
    decision_due,
    is_extra=False,
    past_deadline_confirmed=False,
) -> Round:
    """Create a round; one whose proposal deadline has already passed only when the clerk
    has confirmed it (``past_deadline_confirmed``): it could receive no dossier."""
    if (
        proposals_due
        and rules.round_closed(proposals_due, timezone.localdate())
        and not past_deadline_confirmed
    ):
        raise ValidationError(
            {
                "past_deadline_confirmed": _(
                    "Proposals were due on %(date)s, which has passed: no dossier could enter "
                    "this round. Check the date, or confirm to create it anyway."
                )
                % {"date": formatting.day(proposals_due)}
            }
        )
    rnd = Round(
        province=province if level == RoundLevel.PROVINCIAL else None,
        level=level,
        year=year,
        name=name,
        proposals_due=proposals_due,
        decision_due=decision_due,
        is_extra=is_extra,
    )
    rnd.full_clean()
    rnd.save()
    audit.record(actor=actor, action="ocop.round.created", target=rnd, after=audit.snapshot(rnd))
    return rnd


def legal_rounds(*, actor, province, year) -> list[Round]:
    """The two provincial batches of Art. 5 for ``year`` (created once)."""
    made = []
    for batch, proposals, decision in rules.provincial_batches(year):
        name = _("Round %(batch)s/%(year)s — %(province)s") % {
            "batch": batch,
            "year": year,
            "province": province.name,
        }
        existing = Round.objects.filter(province=province, year=year, name=name).first()
        made.append(
            existing
            or round_create(
                actor=actor,
                province=province,
                level=RoundLevel.PROVINCIAL,
                year=year,
                name=name,
                proposals_due=proposals,
                decision_due=decision,
                past_deadline_confirmed=True,  # the law's batches, whatever today is
            )
        )
    return made


def _rerating_message(code: str, dates: dict) -> str:
    """What the clerk reads when a re-rating is refused, and what applies instead."""
    shown = {name: formatting.day(value) for name, value in dates.items()}
    if code == rules.RERATING_NOT_YET_OPEN:
        return _("The re-rating window opens on %(date)s (180 days before expiry).") % {
            "date": shown["opens"]
        }
    if code == rules.RERATING_WINDOW_CLOSED:
        return (
            _(
                "The re-rating window closed on %(closed)s (120 days before expiry). The "
                "certificate stays valid until %(expires)s; after that, the product needs a "
                "first-evaluation dossier."
            )
            % shown
        )
    if "extension_ends" in shown:
        return (
            _(
                "The certificate expired on %(expires)s and its extension under Art. 12(3) "
                "ended on %(extension_ends)s: it can no longer be re-rated. File a "
                "first-evaluation dossier instead."
            )
            % shown
        )
    return (
        _(
            "The certificate expired on %(expires)s: it can no longer be re-rated. File a "
            "first-evaluation dossier instead."
        )
        % shown
    )


@transaction.atomic
def dossier_create(*, actor, product, kind=DossierKind.FIRST, origin="", **fields) -> Dossier:
    """Start a dossier (Form 01). ``origin`` records where it came from: this is the seam for
    starting one from an approved business plan without re-typing."""
    dossier = Dossier(product=product, kind=kind, origin=origin, created_by=actor, **fields)
    dossier.full_clean()
    if kind == DossierKind.RERATING:
        refusal = rules.rerating_refusal(dossier.previous_certificate_expires, timezone.localdate())
        if refusal is not None:
            raise ValidationError({"previous_certificate_expires": _rerating_message(*refusal)})
    dossier.save()
    audit.record(
        actor=actor, action="ocop.dossier.created", target=dossier, after=audit.snapshot(dossier)
    )
    return dossier


def dossier_transition(
    *,
    actor,
    dossier: Dossier,
    to: str = "",
    action: str = "",
    reason: str = "",
    system: bool = False,
    **data,
) -> Dossier:
    """Move a dossier one step of its workflow (``submissions.workflows.DOSSIER``), named by
    its action or by the status it leads to. ``data`` is the step's own data (Form 03, the
    round, a decision's date). ``system`` is for other services (a council's finalisation, a
    decision) that have already checked their own permissions."""
    return transition(dossier, action, to=to, actor=actor, reason=reason, system=system, data=data)


def waiting_users(dossier: Dossier, role: str):
    """Active users who hold ``role`` today for the dossier's commune or province."""
    from accounts.models import Assignment

    commune = dossier.product.producer.current_unit
    today = timezone.localdate()
    user_ids = (
        Assignment.objects.valid_on(today)
        .filter(role=role, unit_id__in=[commune.pk, commune.province_id])
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True)


def notify_step(dossier: Dossier, step) -> None:
    """The effect of every step, after its commit: the producer's members and whoever acts
    next are told (in-app notice; email queued)."""
    to = step.transition.target
    url = reverse("submissions:dossier_detail", args=[dossier.pk])
    text = _("Dossier “%(dossier)s”: %(status)s.") % {
        "dossier": dossier,
        "status": Status(to).label,
    }
    if step.reason:
        text = f"{text} {_('Reason')}: {step.reason}"
    people = list(dossier.product.producer.members.all())
    role = NEXT_ACTOR.get(to)
    if role and role != "producer":
        people += list(waiting_users(dossier, role))
    notify(people, text[:500], url)


def holiday_dates() -> frozenset[dt.date]:
    return Holiday.dates()


# --- the working calendar -------------------------------------------------------------------
def may_edit_calendar(user) -> bool:
    return user.is_authenticated and user.get_scope().has_role("provincial_office")


@transaction.atomic
def calendar_day_set(*, actor, date: dt.date, kind: str, name: str, reason: str) -> Holiday:
    """Add (or change) a day the government announced: an extra day off or a make-up
    working day. Every change is audited with who, when and the announcement."""
    if not may_edit_calendar(actor):
        raise PermissionDenied(_("Only the provincial OCOP office adjusts the working calendar."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Name the day as announced (e.g. “Nghỉ bù Quốc khánh”).")
    if not reason.strip():
        errors["reason"] = _("Say which announcement this comes from.")
    if errors:
        raise ValidationError(errors)
    day = Holiday.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(day, ["name", "kind", "reason"]) if day else None
    day = day or Holiday(date=date)
    day.name, day.kind, day.reason, day.created_by = name.strip(), kind, reason.strip(), actor
    day.full_clean()
    day.save()
    audit.record(
        actor=actor,
        action="ocop.calendar_day.set",
        target=day,
        before=before,
        after=audit.snapshot(day, ["date", "name", "kind", "reason"]),
        reason=reason,
    )
    return day


@transaction.atomic
def calendar_day_remove(*, actor, day: Holiday, reason: str) -> None:
    if not may_edit_calendar(actor):
        raise PermissionDenied(_("Only the provincial OCOP office adjusts the working calendar."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this day is removed.")})
    audit.record(
        actor=actor,
        action="ocop.calendar_day.removed",
        target=day,
        before=audit.snapshot(day, ["date", "name", "kind", "reason"]),
        reason=reason,
    )
    day.delete()
