"""Reads of recognition that several views, reports and tasks share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.scoping import CHANGE
from recognition.choices import IN_FORCE, CertificateState, DecisionLevel
from recognition.models import Certificate, Decision, RevocationProposal
from recognition.services import STATUS_FOR_LEVEL, recorder_provinces
from registry.models import Product
from submissions.choices import DossierKind, Status
from submissions.models import Dossier
from submissions.rules import rerating_refusal, rerating_transition_applies

CERTIFICATE_RELATED = (
    "decision",
    "revocation_decision",
    "product__product_set",
    "product__producer__current_unit__province",
)


def certificates_for(user):
    return Certificate.objects.restrict(user).select_related(*CERTIFICATE_RELATED)


def decisions_for(user):
    return Decision.objects.restrict(user).select_related("province")


def proposals_for(user):
    return RevocationProposal.objects.restrict(user).select_related(
        "certificate__product__producer__current_unit", "decision"
    )


def pending_rerating(product_ids: Iterable[int], day: dt.date | None = None) -> set[int]:
    """Products with a re-rating dossier filed and not decided on ``day`` (Art. 12(3);
    ``recognition.in_force.pending_rerating``), in one query."""
    from recognition.in_force import pending_rerating as pending

    day = day or timezone.localdate()
    return set(
        pending(day).filter(product_id__in=list(product_ids)).values_list("product_id", flat=True)
    )


def with_states(certificates, today: dt.date | None = None) -> list[tuple[Certificate, str]]:
    """Each certificate with its state today, without a query per certificate. The state
    and its label are also set on the certificate (``current_state``, ``current_state_label``)
    for templates."""
    today = today or timezone.localdate()
    certificates = list(certificates)
    pending = pending_rerating(
        {
            c.product_id
            for c in certificates
            if c.expires_on < today <= c.extension_end and rerating_transition_applies(c.expires_on)
        },
        today,
    )
    rows = []
    for c in certificates:
        c.current_state = c.state(today, rerating_pending=c.product_id in pending)
        c.current_state_label = CertificateState(c.current_state).label
        rows.append((c, c.current_state))
    return rows


def eligible_dossiers(user, level: str):
    """Dossiers a decision of ``level`` may list: ``scored`` (province) or ``central``
    (ministry), of the provinces whose decisions ``user`` records."""
    if level not in DecisionLevel.values:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(
            status=STATUS_FOR_LEVEL[level],
            product__producer__current_unit__province__in=recorder_provinces(user),
        )
        .select_related("product__producer__current_unit", "product__product_set", "round")
        .order_by("product__producer__current_unit__name", "product__name")
    )


def may_read_proposal_event(user, event) -> bool:
    """A history event about a revocation proposal (on its certificate's history) is read
    only by whoever may read that proposal on its own page (not the producer before the
    decision): see ``RevocationProposal.scope_q``."""
    proposal_id = (event.after or {}).get("proposal")
    proposals = RevocationProposal.objects.restrict(user)
    if proposal_id is not None:
        return proposals.filter(pk=proposal_id).exists()
    return proposals.filter(certificate_id=event.target_id).exists()


def rerating_url(user, certificate: Certificate, state: str, today: dt.date | None = None):
    """The dossier form pre-filled for re-rating ``certificate`` (product, kind, the
    certificate's number and expiry), or None: only for a user who may file a dossier for the
    product, while the certificate may be re-rated (``submissions.rules.rerating_refusal``:
    its window of Art. 7(6)(a), or the late filing of Art. 12(3)), neither revoked nor
    superseded, and while the product has no dossier in progress."""
    if state in (CertificateState.REVOKED, CertificateState.SUPERSEDED):
        return None
    if rerating_refusal(certificate.expires_on, today or timezone.localdate()) is not None:
        return None
    product_id = certificate.product_id
    if not Product.objects.restrict(user, CHANGE).filter(pk=product_id).exists():
        return None
    closed = (Status.RECOGNISED, Status.NOT_RECOGNISED, Status.WITHDRAWN)
    if Dossier.objects.filter(product_id=product_id).exclude(status__in=closed).exists():
        return None
    query = {
        "product": product_id,
        "kind": DossierKind.RERATING,
        "previous_certificate_number": certificate.number,
        "previous_certificate_expires": certificate.expires_on.isoformat(),
    }
    return f"{reverse('submissions:dossier_create')}?{urlencode(query)}"


def new_dossier_url(user, product: Product, today: dt.date | None = None):
    """The dossier form for ``product``, pre-filled with the kind the rules give, or None.

    One rule with the certificate page: while a certificate may be re-rated, the re-rating
    dossier (``rerating_url``); while one is in force and not yet due, none; with no
    certificate in force (never recognised, or expired past late filing), a first
    evaluation. Only for a user who may file for the product, and while it has no dossier
    in progress."""
    today = today or timezone.localdate()
    certificate = (
        Certificate.objects.filter(product=product)
        .exclude(revoked_on__isnull=False)
        .exclude(superseded_on__isnull=False)
        .order_by("-expires_on", "-pk")
        .first()
    )
    if certificate is not None:
        state = certificate.state(today)
        url = rerating_url(user, certificate, state, today)
        if url is not None or state in IN_FORCE:
            return url
    if not Product.objects.restrict(user, CHANGE).filter(pk=product.pk).exists():
        return None
    closed = (Status.RECOGNISED, Status.NOT_RECOGNISED, Status.WITHDRAWN)
    if Dossier.objects.filter(product=product).exclude(status__in=closed).exists():
        return None
    query = {"product": product.pk, "kind": DossierKind.FIRST}
    return f"{reverse('submissions:dossier_create')}?{urlencode(query)}"
