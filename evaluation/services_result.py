"""A council's result: re-scoring rounds and the finalisation, steps of the evaluation's
workflow (``evaluation.workflows.EVALUATION``) taken through ``core.workflow``.

* **Spread**: when member totals differ by more than the council's limit the result cannot
  be finalised; ``rescore_request`` opens the next round for all or the named members,
  carrying the other members' sheets over. Old sheets are kept, locked.
* **Finalisation** stores the pure engine's result (``evaluation.rules.scoring.evaluate``),
  locks every sheet and moves the dossier on to "scored", in one transaction.

Permissions (the chair, the office running the council), refusals, the log and the audit
(``ocop.evaluation.transitioned``) are the workflow's; these are the calls other code makes.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.workflow.service import transition
from evaluation.councils import CouncilMember, Evaluation
from evaluation.workflows import default_rescore_reason


def rescore_request(
    *,
    actor,
    evaluation: Evaluation,
    members: Iterable[CouncilMember | int] | None = None,
    reason: str = "",
) -> Evaluation:
    """Open the next round: the named members (every expected scorer when ``None``) score
    again from their previous choices; the others' sheets are carried over as submitted."""
    chosen = None
    if members is not None:
        chosen = sorted({m.pk if isinstance(m, CouncilMember) else int(m) for m in members})
    return transition(
        evaluation,
        "rescore",
        actor=actor,
        reason=reason.strip() or default_rescore_reason(evaluation),
        data={"members": chosen},
    )


def evaluation_finalise(
    *, actor, evaluation: Evaluation, rejected_grounds: Iterable[str] = (), reason: str = ""
) -> Evaluation:
    """Compute the council's result, store it, lock every sheet and move the dossier on.
    ``reason`` is the council's conclusion."""
    conclusion = reason.strip()
    return transition(
        evaluation,
        "finalise",
        actor=actor,
        reason=conclusion,
        data={"rejected_grounds": [g for g in rejected_grounds if g], "conclusion": conclusion},
    )
