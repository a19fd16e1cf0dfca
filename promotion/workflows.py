"""The workflow of an MOU or contract: signed → in execution → completed, or cancelled."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import REGISTRY_EDITORS
from core.workflow.definition import PRODUCER, Transition, Workflow, closing
from promotion.choices import ContractStatus as S

# Who moves a contract: those who may change it (``Contract.objects.restrict(user, CHANGE)``,
# that is ``Producer.scope_q(CHANGE)``): the provincial office and the commune officers of
# the producer's commune, and the producer's members.
EDITORS = REGISTRY_EDITORS | {PRODUCER}

CONTRACT = Workflow(
    name="contract",
    model="promotion.Contract",
    states=S,
    log_model="promotion.ContractTransition",
    unit_path="producer__current_unit",
    producer_path="producer",
    url_name="promotion:contract_transition",
    detail_url_name="promotion:contract_detail",
    select_related=("producer__current_unit",),
    impossible=_("An MOU or contract that is “%(from)s” cannot become “%(to)s”."),
    transitions=(
        Transition(
            "start",
            _("Start execution"),
            sources={S.SIGNED},
            target=S.IN_EXECUTION,
            roles=EDITORS,
        ),
        Transition(
            "complete",
            _("Mark as completed"),
            sources={S.IN_EXECUTION},
            target=S.COMPLETED,
            roles=EDITORS,
        ),
        closing(
            "cancel",
            _("Cancel the MOU or contract"),
            sources={S.SIGNED, S.IN_EXECUTION},
            target=S.CANCELLED,
            roles=EDITORS,
            confirm=_("A cancelled MOU or contract cannot be taken up again."),
        ),
    ),
)
