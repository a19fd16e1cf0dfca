"""The certificate in force on a day, as a query: the one definition for every surface.

"Is this certificate in force on day D" and "does this product hold N stars on day D" are
asked by the product pages and lists (``Product.objects.with_stars``), the public catalogue
and open data, the API, the verification pages, the dashboards, the plans' indicators and
statistics. They all read the answer here (``Certificate.objects.in_force(day)``,
``Certificate.objects.counting(day)``), and this is the query form of the pure rule
``recognition.rules.certificate_state`` (``Certificate.state(day)``):

- issued on or before the day;
- not revoked by then (Art. 8: from the day of the revocation decision);
- not superseded by then (a newer certificate of the product, from its issue);
- not expired (valid through ``expires_on``: 36 months, Civil Code Art. 147–148), or past
  its expiry but extended under Art. 12(3) of Decision 26/2026/QĐ-TTg:

    "3. Những sản phẩm thuộc đối tượng đánh giá, phân hạng lại, nhưng thời gian nộp hồ sơ
    không đáp ứng được thời hạn theo quy định tại điểm a khoản 6 Điều 7 Quyết định này, thì
    giấy chứng nhận tiếp tục có hiệu lực đến ngày có kết quả xử lý của cơ quan có thẩm quyền,
    nhưng không quá 180 ngày tính từ ngày hết thời hạn."

  where Art. 7(6)(a) reads: "Thời gian nộp hồ sơ không sớm hơn 180 ngày và không muộn hơn
  120 ngày tính đến ngày hết thời hạn của giấy chứng nhận." — so the extension needs a
  certificate the transition covers (its window closed before 22 May 2026 while it was still
  valid: ``submissions.rules.rerating_transition_applies``), a re-rating dossier of the
  product filed and not decided on that day (``submissions.rules.rerating_pending_on``), and
  a day at most 180 days past the expiry (``recognition.rules.extension_end``).

Where two certificates of a product are in force on the same day, the newest (issue date,
then id) is the one that counts: its stars are the product's (``counting``). A property test
(``recognition/tests/test_in_force_agreement.py``) holds query and rule to agreement.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, Subquery

from submissions.choices import OPEN_STATUSES, DossierKind, Status
from submissions.models import Dossier
from submissions.rules import (
    ART_12_3_MAX_EXTENSION_DAYS,
    NEW_RULES_FROM,
    RERATING_WINDOW_CLOSES_DAYS,
)

# ``rerating_transition_applies(expires)``: closes < NEW_RULES_FROM <= expires, where
# closes = expires - 120 days; i.e. NEW_RULES_FROM <= expires < NEW_RULES_FROM + 120 days.
TRANSITION_EXPIRES_FROM = NEW_RULES_FROM
TRANSITION_EXPIRES_BEFORE = NEW_RULES_FROM + dt.timedelta(days=RERATING_WINDOW_CLOSES_DAYS)


def pending_rerating(day: dt.date, product=None):
    """Re-rating dossiers filed and not decided on ``day`` (``rerating_pending_on``), of
    ``product`` (an id, or an ``OuterRef``) when given."""
    dossiers = Dossier.objects.filter(kind=DossierKind.RERATING).exclude(status=Status.DRAFT)
    if product is not None:
        dossiers = dossiers.filter(product=product)
    return dossiers.filter(Q(submitted_on__isnull=True) | Q(submitted_on__lte=day)).filter(
        Q(status__in=OPEN_STATUSES) | Q(decided_on__gt=day)
    )


def _standing_q(day: dt.date, p: str = "") -> Q:
    """Issued by ``day``, and neither revoked nor superseded by then."""
    return (
        Q(**{f"{p}issued_on__lte": day})
        & (Q(**{f"{p}revoked_on__isnull": True}) | Q(**{f"{p}revoked_on__gt": day}))
        & (Q(**{f"{p}superseded_on__isnull": True}) | Q(**{f"{p}superseded_on__gt": day}))
    )


def extended_q(day: dt.date, prefix: str = "") -> Q:
    """Past the expiry and extended on ``day`` (``rules.extended_under_art_12_3``)."""
    p = prefix
    earliest_extended = day - dt.timedelta(days=ART_12_3_MAX_EXTENSION_DAYS)
    return (
        Q(**{f"{p}expires_on__lt": day, f"{p}expires_on__gte": earliest_extended})
        & Q(**{f"{p}expires_on__gte": TRANSITION_EXPIRES_FROM})
        & Q(**{f"{p}expires_on__lt": TRANSITION_EXPIRES_BEFORE})
        & Exists(pending_rerating(day, OuterRef(f"{p}product")))
    )


def in_force_q(day: dt.date, prefix: str = "") -> Q:
    """Certificates (at ``prefix``, e.g. ``"certificates__"``) in force on ``day``: the
    states of ``recognition.choices.IN_FORCE``."""
    p = prefix
    return _standing_q(day, p) & (Q(**{f"{p}expires_on__gte": day}) | extended_q(day, p))


def expired_q(day: dt.date) -> Q:
    """Certificates whose state on ``day`` is ``expired``: past the expiry, not extended,
    neither revoked nor superseded."""
    return _standing_q(day) & Q(expires_on__lt=day) & ~extended_q(day)


def certificates_in_force(day: dt.date):
    """Newest first: where two overlap (the day a new one is issued), the new one counts."""
    # the model by name: recognition.models builds its queryset methods on this module
    certificates = apps.get_model("recognition", "Certificate")
    return certificates.objects.filter(in_force_q(day)).order_by("-issued_on", "-pk")


def counting_q(day: dt.date) -> Q:
    """Certificates that count for their product on ``day``: in force, and the product's
    newest in force — one per product, the one whose stars the product shows."""
    newest = certificates_in_force(day).filter(product=OuterRef("product")).values("pk")[:1]
    return in_force_q(day) & Q(pk=Subquery(newest))


def stars_in_force(day: dt.date) -> Subquery:
    """Over a product row: the stars of its certificate in force on ``day``, else NULL."""
    return Subquery(certificates_in_force(day).filter(product=OuterRef("pk")).values("stars")[:1])
