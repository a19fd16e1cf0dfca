"""The certificate in force on a day, as a query: one definition for every surface.

It is the query form of ``rules.certificate_state``: issued on or before the day, not revoked
or superseded by then, and not expired — or expired at most 180 days before while a
re-rating dossier of the product is filed and undecided (Art. 12(3)). A test holds the two
to agreement. The stars a product shows anywhere are those of this certificate (issue 14 §4).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery

from recognition.models import Certificate
from submissions.choices import OPEN_STATUSES, DossierKind, Status
from submissions.models import Dossier
from submissions.rules import ART_12_3_MAX_EXTENSION_DAYS


def in_force_q(day: dt.date) -> Q:
    """Certificates in force on ``day``."""
    pending_rerating = Dossier.objects.filter(
        product=OuterRef("product"),
        kind=DossierKind.RERATING,
        status__in=OPEN_STATUSES - {Status.DRAFT},
    )
    earliest_extended = day - dt.timedelta(days=ART_12_3_MAX_EXTENSION_DAYS)
    extended = Q(expires_on__gte=earliest_extended) & Exists(pending_rerating)
    return (
        Q(issued_on__lte=day)
        & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))
        & (Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))
        & (Q(expires_on__gte=day) | extended)
    )


def certificates_in_force(day: dt.date):
    """Newest first: where two overlap (the day a new one is issued), the new one counts."""
    return Certificate.objects.filter(in_force_q(day)).order_by("-issued_on", "-pk")


def stars_in_force(day: dt.date) -> Subquery:
    """Over a product row: the stars of its certificate in force on ``day``, else NULL."""
    return Subquery(certificates_in_force(day).filter(product=OuterRef("pk")).values("stars")[:1])
