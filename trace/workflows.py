"""The workflows of traceability: a stamp batch, and a report of a suspected fake.

A stamp batch: requested → approved → issuing → issued, rejected, or withdrawn (after
approval or issue).

The request itself is not a step: ``services.batch_request`` creates the batch and logs its
"" → requested row. The provincial OCOP office of the product's province decides (approve,
reject, withdraw); a member of the producer may withdraw its own batch. ``issuing`` and
``issued`` are recorded by the issuing task (``trace.tasks.issue_batch``) as SYSTEM steps.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workflow.definition import PRODUCER, SYSTEM, Transition, Workflow, closing
from trace.choices import BatchStatus as S
from trace.choices import ReportStatus, StampStatus
from trace.models import STAMP_DECIDERS


def _decided(batch, data, actor):
    batch.decided_by = actor if getattr(actor, "pk", None) else None
    batch.decided_at = timezone.now()


def _issued(batch, data, actor):
    batch.issued_at = timezone.now()


def _enqueue_issue(batch, actor):
    """The worker's job that generates the stamps, written with the step (core.jobs: an
    outbox — committed with the approval or not at all)."""
    from core import jobs
    from trace.tasks import issue_batch

    jobs.enqueue(issue_batch, batch.pk, getattr(actor, "pk", None))


def _approve(batch, data, actor):
    _decided(batch, data, actor)
    _enqueue_issue(batch, actor)


def _resume(batch, data, actor):
    _enqueue_issue(batch, actor)


def issue_job_pending(batch) -> bool:
    """Whether a job issuing this batch waits for a worker or runs now."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path="trace.tasks.issue_batch",
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=batch.pk,
    ).exists()


def _not_already_issuing(batch):
    if issue_job_pending(batch):
        return _("The stamps are being issued by the worker; wait for it to finish.")
    return None


STAMP_BATCH = Workflow(
    name="stamp_batch",
    model="trace.StampBatch",
    states=S,
    log_model="trace.StampBatchTransition",
    unit_path="product__producer__current_unit",
    producer_path="product__producer",
    url_name="trace:batch_decide",
    detail_url_name="trace:batch_detail",
    select_related=("product__producer__current_unit",),
    impossible=_("A stamp batch that is “%(from)s” cannot become “%(to)s”."),
    transitions=(
        Transition(
            "approve",
            _("Approve the stamp batch"),
            sources={S.REQUESTED},
            target=S.APPROVED,
            roles=STAMP_DECIDERS,
            apply=_approve,
            help_text=_("The stamps are issued in the background right after the approval."),
        ),
        Transition(
            "reject",
            _("Reject"),
            sources={S.REQUESTED},
            target=S.REJECTED,
            roles=STAMP_DECIDERS,
            reason_required=True,
            style="danger",
            apply=_decided,
        ),
        Transition(
            "start_issuing",
            _("Start issuing the stamps"),
            sources={S.APPROVED},
            target=S.ISSUING,
            roles={SYSTEM},
        ),
        Transition(
            "resume_issuing",
            _("Resume issuing the stamps"),
            sources={S.ISSUING},
            target=S.ISSUING,
            roles=STAMP_DECIDERS,
            precondition=_not_already_issuing,
            apply=_resume,
            style="secondary",
            help_text=_(
                "When the issue stopped (the worker was stopped): it goes on from the stamps "
                "already made, with no serial twice."
            ),
        ),
        Transition(
            "finish_issuing",
            _("Finish issuing the stamps"),
            sources={S.ISSUING},
            target=S.ISSUED,
            roles={SYSTEM},
            apply=_issued,
        ),
        closing(
            "withdraw",
            _("Withdraw the stamp batch"),
            sources={S.APPROVED, S.ISSUED},
            target=S.WITHDRAWN,
            roles=STAMP_DECIDERS | {PRODUCER},
            confirm=_(
                "Every stamp of the batch will answer “withdrawn” to consumers who verify it."
            ),
        ),
    ),
)


# --- one stamp -----------------------------------------------------------------------------
# active → withdrawn: one stamp lost, damaged, misprinted or found on a fake. The provincial
# OCOP office of the product's province, or a member of its producer (as for the batch).
# Stamps are numerous and found by their page (by id, after a search by serial), so the step
# is taken on that page through the one TransitionView; only withdrawn stamps get a log row.


def _stamp_withdrawn(stamp, data, actor):
    stamp.withdrawn_at = timezone.now()


STAMP = Workflow(
    name="stamp",
    model="trace.Stamp",
    states=StampStatus,
    log_model="trace.StampTransition",
    unit_path="batch__product__producer__current_unit",
    producer_path="batch__product__producer",
    url_name="trace:stamp_withdraw",
    detail_url_name="trace:stamp_detail",
    select_related=("batch__product__producer__current_unit",),
    impossible=_("This stamp is already withdrawn."),
    transitions=(
        closing(
            "withdraw",
            _("Withdraw this stamp"),
            sources={StampStatus.ACTIVE},
            target=StampStatus.WITHDRAWN,
            roles=STAMP_DECIDERS | {PRODUCER},
            reason_field="withdrawn_reason",
            reason_label=_("Reason for withdrawal"),
            apply=_stamp_withdrawn,
            confirm=_("Its address will then answer that the stamp was withdrawn."),
        ),
    ),
)


# --- a report of a suspected fake --------------------------------------------------------
# new → handled: the provincial OCOP office of the report's province (the product's, or the
# one the consumer named) says what was done; the reason is kept as the report's
# ``handling_note``. A report with no province is handled by an administrator.


def _handled(report, data, actor):
    report.handled_by = actor if getattr(actor, "pk", None) else None
    report.handled_at = timezone.now()


FAKE_REPORT = Workflow(
    name="fake_report",
    model="trace.FakeReport",
    states=ReportStatus,
    log_model="trace.FakeReportTransition",
    unit_path="province",
    url_name="trace:report_handle",
    detail_url_name="trace:report_detail",
    select_related=("province",),
    impossible=_("This report is already handled."),
    transitions=(
        Transition(
            "handle",
            _("Mark as handled"),
            sources={ReportStatus.NEW},
            target=ReportStatus.HANDLED,
            roles=STAMP_DECIDERS,
            reason_required=True,
            reason_field="handling_note",
            reason_label=_("What was done"),
            apply=_handled,
        ),
    ),
)
