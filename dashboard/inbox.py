"""The work inbox: what waits for the signed-in user, across every module, with its deadline.

Each source answers for the roles that act on it, with one query (so the inbox costs a
constant number of queries whatever the data), through the same ``restrict()`` as the
screens. Items are sorted overdue first, then by deadline, then oldest first. The header's
bell counts the same items (``count()``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.choices import Role
from core import formatting
from core.formatting import number
from core.scoping import CHANGE, VIEW
from evaluation.councils import (
    CouncilMember,
    Evaluation,
    EvaluationStatus,
    MemberRole,
    ScoreSheet,
)
from inspection.choices import InspectionStatus
from inspection.models import CorrectiveAction, Inspection
from programme.choices import IdeaStatus, PlanStatus
from programme.models import BusinessPlan, ProductIdea
from recognition.choices import ProposalStatus
from recognition.models import Certificate, RevocationProposal
from registry.models import Document
from submissions import rules as procedure
from submissions.choices import NEXT_ACTOR, Status
from submissions.models import Dossier, Holiday
from trace.choices import BatchStatus, ReportStatus
from trace.models import FakeReport, StampBatch

LIMIT = 50  # per source: an inbox is for acting on, the lists hold the rest
COMMUNE_WORKING_DAYS = 15  # Art. 6: the commune's check of a dossier
EXPIRY_HORIZON = dt.timedelta(days=90)


@dataclass(frozen=True)
class Item:
    kind: str  # a short label of the module ("Hồ sơ", "Tem" …)
    title: str
    detail: str
    url: str
    due: dt.date | None
    since: dt.datetime | dt.date | None
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - self.today).days


Source = Callable[[object, object, dt.date], Iterable[Item]]


def _dossiers(user, scope, today):
    roles = set(scope.roles)
    statuses = [s for s, role in NEXT_ACTOR.items() if role in roles and role != "council_member"]
    if not statuses:
        return []
    query = Dossier.objects.restrict(user, VIEW).filter(status__in=statuses)
    holidays = Holiday.dates()
    rows = query.select_related("product__producer", "round").order_by("updated_at")[:LIMIT]
    for dossier in rows:
        due = None
        if dossier.status == Status.SUBMITTED and dossier.submitted_on:
            due = procedure.add_working_days(dossier.submitted_on, COMMUNE_WORKING_DAYS, holidays)
        elif dossier.round is not None:
            due = dossier.round.decision_due
        yield Item(
            _("Dossier"),
            dossier.product.name,
            f"{dossier.get_status_display()} · {dossier.product.producer.name}",
            reverse("submissions:dossier_detail", args=[dossier.pk]),
            due,
            dossier.updated_at,
            today,
        )


def _sheets_to_score(user, scope, today):
    if not scope.has_role(Role.COUNCIL_MEMBER, Role.ADVISORY_MEMBER):
        return []
    mine = CouncilMember.objects.filter(user=user, active=True)
    handed_in = ScoreSheet.objects.filter(
        evaluation=OuterRef("pk"),
        member__user=user,
        round_no=OuterRef("round_no"),
        submitted_at__isnull=False,
    )
    evaluations = (
        Evaluation.objects.restrict(user, VIEW)
        .filter(session__council__members__in=mine)
        .exclude(status=EvaluationStatus.FINALISED)
        .exclude(Exists(handed_in))
        .exclude(recusals__member__user=user)
        .select_related("dossier__product", "session")
        .distinct()
        .order_by("session__date", "pk")[:LIMIT]
    )
    for evaluation in evaluations:
        yield Item(
            _("Scoring"),
            evaluation.dossier.product.name,
            _("Council session of %(date)s") % {"date": formatting.day(evaluation.session.date)},
            reverse("evaluation:score_sheet", args=[evaluation.pk]),
            evaluation.session.date,
            evaluation.created_at,
            today,
        )


def _results_to_finalise(user, scope, today):
    """The chair's evaluations whose own sheet is in: the result waits for the chair's
    finalisation (once every member's sheet is in), on the evaluation's page."""
    if not scope.has_role(Role.COUNCIL_MEMBER):
        return []
    chaired = CouncilMember.objects.filter(user=user, active=True, role=MemberRole.CHAIR)
    handed_in = ScoreSheet.objects.filter(
        evaluation=OuterRef("pk"),
        member__user=user,
        round_no=OuterRef("round_no"),
        submitted_at__isnull=False,
    )
    evaluations = (
        Evaluation.objects.restrict(user, VIEW)
        .filter(session__council__members__in=chaired, session__council__active=True)
        .exclude(status=EvaluationStatus.FINALISED)
        .filter(Exists(handed_in))
        .annotate(
            sheets_in=Count(
                "sheets",
                filter=Q(sheets__round_no=F("round_no"), sheets__submitted_at__isnull=False),
                distinct=True,
            )
        )
        .select_related("dossier__product", "session")
        .order_by("session__date", "pk")[:LIMIT]
    )
    for evaluation in evaluations:
        yield Item(
            _("Council result"),
            evaluation.dossier.product.name,
            ngettext(
                "To finalise: %(count)s sheet handed in",
                "To finalise: %(count)s sheets handed in",
                evaluation.sheets_in,
            )
            % {"count": evaluation.sheets_in},
            reverse("evaluation:council_evaluation", args=[evaluation.pk]),
            evaluation.session.date,
            evaluation.created_at,
            today,
        )


def _stamp_requests(user, scope, today):
    if not scope.has_role(Role.PROVINCIAL_OFFICE):
        return []
    batches = (
        StampBatch.objects.restrict(user, CHANGE)
        .filter(status=BatchStatus.REQUESTED)
        .select_related("product")
        .order_by("created_at")[:LIMIT]
    )
    for batch in batches:
        yield Item(
            _("Stamps"),
            batch.product.name,
            _("Stamp request: %(n)s stamps, lot %(lot)s")
            % {"n": number(batch.quantity), "lot": batch.lot},
            reverse("trace:batch_detail", args=[batch.pk]),
            None,
            batch.created_at,
            today,
        )


def _fake_reports(user, scope, today):
    if not scope.has_role(Role.PROVINCIAL_OFFICE, Role.INSPECTOR):
        return []
    reports = (
        FakeReport.objects.restrict(user, VIEW)
        .filter(status=ReportStatus.NEW)
        .order_by("created_at")[:LIMIT]
    )
    for report in reports:
        yield Item(
            _("Suspected fake"),
            report.serial_raw[:40] or _("Report of a fake"),
            report.message[:120],
            reverse("trace:report_list"),
            None,
            report.created_at,
            today,
        )


def _corrective_actions(user, scope, today):
    if not scope.has_role(Role.PRODUCER, Role.INSPECTOR, Role.PROVINCIAL_OFFICE):
        return []
    actions = (
        CorrectiveAction.objects.restrict(user, VIEW)
        .filter(done_on__isnull=True)
        .select_related(
            "violation__finding__inspection__product",
            "violation__finding__inspection__sales_point",
            "violation__finding__inspection__producer",
        )
        .order_by("deadline", "pk")[:LIMIT]
    )
    for action in actions:
        inspection = action.violation.finding.inspection
        yield Item(
            _("Corrective action"),
            action.description[:120],
            str(inspection),
            reverse("inspection:inspection_detail", args=[inspection.pk]),
            action.deadline,
            action.created_at,
            today,
        )


def _inspections(user, scope, today):
    if not scope.has_role(Role.INSPECTOR, Role.PROVINCIAL_OFFICE):
        return []
    inspections = (
        Inspection.objects.restrict(user, CHANGE)
        .filter(status__in=[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS])
        .select_related("product", "sales_point", "producer")  # its name (``__str__``)
        .order_by("date", "pk")[:LIMIT]
    )
    for inspection in inspections:
        yield Item(
            _("Inspection"),
            str(inspection),
            inspection.get_status_display(),
            reverse("inspection:inspection_detail", args=[inspection.pk]),
            inspection.date,
            inspection.created_at,
            today,
        )


def _revocations(user, scope, today):
    if not scope.has_role(Role.PROVINCIAL_OFFICE):
        return []
    proposals = (
        RevocationProposal.objects.restrict(user, CHANGE)
        .filter(status=ProposalStatus.PROPOSED)
        .select_related("certificate")
        .order_by("deadline")[:LIMIT]
    )
    for proposal in proposals:
        yield Item(
            _("Revocation"),
            proposal.certificate.product_name,
            _("Revocation proposed: decide by %(date)s")
            % {"date": formatting.day(proposal.deadline)},
            reverse("recognition:certificate_detail", args=[proposal.certificate_id]),
            proposal.deadline,
            proposal.created_at,
            today,
        )


def _certificates_expiring(user, scope, today):
    if not scope.has_role(Role.PRODUCER, Role.PROVINCIAL_OFFICE, Role.COMMUNE_OFFICER):
        return []
    certificates = (
        Certificate.objects.restrict(user, VIEW)
        .filter(
            revoked_on__isnull=True,
            superseded_by__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=180),
        )
        .order_by("expires_on")[:LIMIT]
    )
    for certificate in certificates:
        opens, closes = procedure.rerating_window(certificate.expires_on)
        yield Item(
            _("Certificate"),
            certificate.product_name,
            _("Expires on %(date)s: file the re-rating between %(opens)s and %(closes)s")
            % {
                "date": formatting.day(certificate.expires_on),
                "opens": formatting.day(opens),
                "closes": formatting.day(closes),
            },
            reverse("recognition:certificate_detail", args=[certificate.pk]),
            closes,
            certificate.issued_on,
            today,
        )


def _documents_expiring(user, scope, today):
    if not scope.has_role(Role.PRODUCER, Role.PROVINCIAL_OFFICE, Role.COMMUNE_OFFICER):
        return []
    documents = (
        Document.objects.restrict(user, VIEW)
        .filter(expires_on__isnull=False, expires_on__lte=today + EXPIRY_HORIZON)
        .select_related("producer")
        .order_by("expires_on")[:LIMIT]
    )
    for document in documents:
        yield Item(
            _("Document"),
            document.title,
            document.producer.name,
            reverse("registry:documents_expiring"),
            document.expires_on,
            document.created_at,
            today,
        )


def _programme(user, scope, today):
    if not scope.has_role(Role.COMMUNE_OFFICER, Role.PROVINCIAL_OFFICE):
        return []
    ideas = (
        ProductIdea.objects.restrict(user, VIEW)
        .filter(status=IdeaStatus.REGISTERED)
        .order_by("created_at")[: LIMIT // 2]
    )
    for idea in ideas:
        yield Item(
            _("Product idea"),
            idea.name,
            idea.get_status_display(),
            reverse("programme:idea_detail", args=[idea.pk]),
            None,
            idea.created_at,
            today,
        )
    plans = (
        BusinessPlan.objects.restrict(user, VIEW)
        .filter(Q(status=PlanStatus.SUBMITTED) | Q(status=PlanStatus.APPRAISED))
        .order_by("created_at")[: LIMIT // 2]
    )
    for plan in plans:
        yield Item(
            _("Business plan"),
            str(plan),
            plan.get_status_display(),
            reverse("programme:plan_detail", args=[plan.pk]),
            None,
            plan.created_at,
            today,
        )


SOURCES: tuple[Source, ...] = (
    _dossiers,
    _sheets_to_score,
    _results_to_finalise,
    _stamp_requests,
    _fake_reports,
    _revocations,
    _corrective_actions,
    _inspections,
    _certificates_expiring,
    _documents_expiring,
    _programme,
)


def _key(item: Item):
    since = item.since
    if isinstance(since, dt.datetime):
        since = since.date()
    return (not item.overdue, item.due or dt.date.max, since or dt.date.min)


def inbox(user, today: dt.date | None = None) -> list[Item]:
    """Everything waiting for ``user``, overdue first, then by deadline, oldest first."""
    if user is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    scope = user.get_scope()
    items = [item for source in SOURCES for item in source(user, scope, today)]
    return sorted(items, key=_key)


def for_request(request) -> list[Item]:
    """The inbox of the request's user, computed once per request (page and header)."""
    if not hasattr(request, "_ocop_inbox"):
        request._ocop_inbox = inbox(request.user)
    return request._ocop_inbox
