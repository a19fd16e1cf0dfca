"""The workflow of a stamp batch: requested → approved → issuing → issued, rejected, or
withdrawn (after approval or issue).

The request itself is not a step: ``services.batch_request`` creates the batch and logs its
"" → requested row. The provincial OCOP office of the product's province decides (approve,
reject, withdraw); a member of the producer may withdraw its own batch. ``issuing`` and
``issued`` are recorded by the issuing task (``trace.tasks.issue_batch``) as SYSTEM steps.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workflow.definition import PRODUCER, SYSTEM, Transition, Workflow
from trace.choices import BatchStatus as S
from trace.models import STAMP_DECIDERS


def _decided(batch, data, actor):
    batch.decided_by = actor if getattr(actor, "pk", None) else None
    batch.decided_at = timezone.now()


def _issued(batch, data, actor):
    batch.issued_at = timezone.now()


def _enqueue_issue(batch, step):
    """After the commit of an approval: the worker generates the stamps."""
    from trace.tasks import issue_batch

    issue_batch.enqueue(batch.pk, getattr(step.actor, "pk", None))


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
            apply=_decided,
            effects=(_enqueue_issue,),
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
            "finish_issuing",
            _("Finish issuing the stamps"),
            sources={S.ISSUING},
            target=S.ISSUED,
            roles={SYSTEM},
            apply=_issued,
        ),
        Transition(
            "withdraw",
            _("Withdraw the stamp batch"),
            sources={S.APPROVED, S.ISSUED},
            target=S.WITHDRAWN,
            roles=STAMP_DECIDERS | {PRODUCER},
            reason_required=True,
            style="danger",
            confirm=_(
                "Every stamp of the batch will answer “withdrawn” to consumers who verify it."
            ),
        ),
    ),
)
