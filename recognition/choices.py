from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionLevel(models.TextChoices):
    """Art. 4(1): the province recognises 3★ and 4★, the ministry (MAE) 5★."""

    PROVINCE = "province", _("Province (3★–4★)")
    MINISTRY = "ministry", _("Ministry of Agriculture and Environment (5★)")


class DecisionKind(models.TextChoices):
    RECOGNITION = "recognition", _("Recognition")
    REVOCATION = "revocation", _("Revocation")


class CertificateState(models.TextChoices):
    VALID = "valid", _("Valid")
    RERATING_WINDOW = "rerating_window", _("Valid — re-rating window open")
    EXTENDED = "extended", _("Extended while re-rated (Art. 12.3)")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


# States in which the certificate is in force (the product keeps its stars).
IN_FORCE = frozenset(
    {CertificateState.VALID, CertificateState.RERATING_WINDOW, CertificateState.EXTENDED}
)


class RevocationGround(models.TextChoices):
    """Art. 8(1) of Decision 26/2026/QĐ-TTg, points a) to e) (đ in the text is our e)."""

    UNTRUTHFUL = "a", _("a) Untruthful information or forged dossier")
    CRITERIA = "b", _("b) No longer meets the criteria according to an inspection")
    LAW = (
        "c",
        _("c) Breach of quality, food-safety, environment, intellectual-property or labelling law"),
    )
    MARK_MISUSE = "d", _("d) Misuse of the OCOP mark")
    STOPPED = "e", _("đ) Production of the product stopped")
    OTHER = "f", _("e) Other findings of a competent authority")


# The letter of the ground as printed in the legal text (Vietnamese alphabet: a b c d đ e).
GROUND_LETTER = {"a": "a", "b": "b", "c": "c", "d": "d", "e": "đ", "f": "e"}


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Revoked by decision")
    DISMISSED = "dismissed", _("Dismissed")


MINISTRY_AUTHORITY = "Bộ Nông nghiệp và Môi trường"
