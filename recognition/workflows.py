"""The workflow of a revocation proposal (Art. 8(3)–(4) of Decision 26/2026/QĐ-TTg):
proposed → revoked by decision, or dismissed.

The proposal itself is not a step: ``services.revocation_propose`` creates it. The provincial
OCOP office of the certificate's province closes it: it records the revocation decision
(``services.revocation_decide``, with the decision's number, date and signer; the step is a
SYSTEM step taken by that service in its transaction, never a button of the panel), or
dismisses the proposal with the reason, kept as the proposal's ``dismissal_reason``.
"""

from django.utils.translation import gettext_lazy as _

from core import audit
from core.workflow.definition import SYSTEM, Transition, Workflow, send_back
from recognition.choices import ProposalStatus as S
from recognition.services import RECORDERS


def _decided(proposal, data, actor):
    proposal.decision_id = data["decision"]


def _dismissed(proposal, data, actor):
    """The certificate's history says that the proposal against it was dismissed, as it
    said that it was proposed (read only by whoever may read the proposal:
    ``selectors.may_read_proposal_event``); the reason is already on the proposal."""
    audit.record(
        actor=actor,
        action="ocop.revocation.dismissed",
        target=proposal.certificate,
        after={"proposal": proposal.pk, "status": S.DISMISSED.value},
        reason=proposal.dismissal_reason,
    )


REVOCATION = Workflow(
    name="revocation",
    model="recognition.RevocationProposal",
    states=S,
    log_model="recognition.RevocationProposalTransition",
    unit_path="certificate__product__producer__current_unit",
    url_name="recognition:revocation_step",
    detail_url_name="recognition:revocation_detail",
    select_related=("certificate__product__producer__current_unit",),
    impossible=_("This proposal has already been closed."),
    transitions=(
        Transition(
            "decide",
            _("Record the revocation decision"),
            sources={S.PROPOSED},
            target=S.DECIDED,
            roles={SYSTEM},
            apply=_decided,
        ),
        send_back(
            "dismiss",
            _("Dismiss the proposal"),
            sources={S.PROPOSED},
            target=S.DISMISSED,
            roles=RECORDERS,
            reason_field="dismissal_reason",
            reason_label=_("Reason for dismissal"),
            apply=_dismissed,
            help_text=_("The certificate stays in force; a new finding may be proposed again."),
        ),
    ),
)
