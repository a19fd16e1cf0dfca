"""Pure rules of recognition: a certificate's state on a day, public codes, levels.

No database here. The state is a function of dates and flags only, so the certificate
page, the reminders, the reports and the public verification all agree, on any day.
"""

from __future__ import annotations

import datetime as dt
import secrets

from recognition.choices import CertificateState, DecisionLevel
from submissions import rules as procedure

# Letters and digits that cannot be confused when read aloud or typed from a print:
# no 0/O, 1/I/L, nor U (read as V). 30 symbols: Luhn mod N needs an even N.
PUBLIC_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PUBLIC_RANDOM_LENGTH = 19  # 19 symbols of a 30-letter alphabet: about 93 bits
PUBLIC_CODE_LENGTH = PUBLIC_RANDOM_LENGTH + 1  # plus one check symbol

REMINDER_DAYS_BEFORE_EXPIRY = 30

STARS_BY_LEVEL = {
    DecisionLevel.PROVINCE: frozenset({3, 4}),
    DecisionLevel.MINISTRY: frozenset({5}),
}


def level_for_stars(stars: int) -> str:
    """Art. 4(1) and 8(2): who recognises — and revokes — a certificate of ``stars``."""
    if stars == 5:
        return DecisionLevel.MINISTRY
    if stars in (3, 4):
        return DecisionLevel.PROVINCE
    raise ValueError("only 3★ to 5★ products are recognised")


def certificate_state(
    *,
    issued_on: dt.date,
    expires_on: dt.date,
    today: dt.date,
    revoked_on: dt.date | None = None,
    superseded_on: dt.date | None = None,
    rerating_pending: bool = False,
) -> CertificateState:
    """The state of a certificate on ``today``.

    - revoked from the day of the revocation decision (Art. 8), whatever else holds;
    - superseded from the day a newer certificate of the same product was issued;
    - valid up to and including ``expires_on``, with the re-rating window open from 180 to
      120 days before expiry, both days included (Art. 7(6)(a));
    - after expiry, extended while a re-rating dossier is pending, for at most 180 days,
      when the certificate falls under the transition of Art. 12(3)
      (``extended_under_art_12_3``); otherwise expired.

    A day before ``issued_on`` is reported as valid: the state of a decision not yet
    signed is not a question the software asks.
    """
    if revoked_on is not None and today >= revoked_on:
        return CertificateState.REVOKED
    if superseded_on is not None and today >= superseded_on:
        return CertificateState.SUPERSEDED
    if today <= expires_on:
        opens, closes = procedure.rerating_window(expires_on)
        if opens <= today <= closes:
            return CertificateState.RERATING_WINDOW
        return CertificateState.VALID
    if extended_under_art_12_3(
        expires_on=expires_on, today=today, rerating_pending=rerating_pending
    ):
        return CertificateState.EXTENDED
    return CertificateState.EXPIRED


def extended_under_art_12_3(*, expires_on: dt.date, today: dt.date, rerating_pending: bool) -> bool:
    """Whether a certificate past its expiry is still in force on ``today`` (Art. 12(3)).

    Art. 12(3) of Decision 26/2026/QĐ-TTg: "Những sản phẩm thuộc đối tượng đánh giá, phân
    hạng lại, nhưng thời gian nộp hồ sơ không đáp ứng được thời hạn theo quy định tại điểm a
    khoản 6 Điều 7 Quyết định này, thì giấy chứng nhận tiếp tục có hiệu lực đến ngày có kết
    quả xử lý của cơ quan có thẩm quyền, nhưng không quá 180 ngày tính từ ngày hết thời hạn."

    Art. 7(6)(a): "Thời gian nộp hồ sơ không sớm hơn 180 ngày và không muộn hơn 120 ngày
    tính đến ngày hết thời hạn của giấy chứng nhận."

    So three conditions, all of them: the certificate is one the transition covers (its
    Art. 7(6)(a) window had closed before the Decision took effect, and it was in force that
    day: ``submissions.rules.rerating_transition_applies``); a re-rating dossier of the
    product is filed and not yet decided on ``today`` ("đến ngày có kết quả xử lý":
    ``submissions.rules.rerating_pending_on``); and ``today`` is at most 180 days past the
    expiry ("không quá 180 ngày tính từ ngày hết thời hạn": ``extension_end``). A
    certificate outside the transition gets no extension: a re-rating filed in its window is
    decided within 45 days (Art. 7(6)), and the law extends nothing else.

    The query form is ``recognition.in_force.in_force_q``; a property test holds the two to
    agreement.
    """
    return (
        rerating_pending
        and expires_on < today <= extension_end(expires_on)
        and procedure.rerating_transition_applies(expires_on)
    )


def extension_end(expires_on: dt.date) -> dt.date:
    """Art. 12(3): the last day a certificate can stay in force while it is re-rated."""
    return procedure.period_end(expires_on, days=procedure.ART_12_3_MAX_EXTENSION_DAYS)


def expiry_reminder_due(expires_on: dt.date, today: dt.date) -> bool:
    """The certificate expires within the next 30 days (today included)."""
    return 0 <= (expires_on - today).days <= REMINDER_DAYS_BEFORE_EXPIRY


# --- public codes -----------------------------------------------------------------------


def _check_symbol(body: str) -> str:
    """Luhn mod N over the alphabet: catches any single wrong symbol and most swaps."""
    n = len(PUBLIC_ALPHABET)
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * PUBLIC_ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return PUBLIC_ALPHABET[(n - total % n) % n]


def new_public_code() -> str:
    """A random, unguessable code (never a primary key), with a check symbol at the end."""
    body = "".join(secrets.choice(PUBLIC_ALPHABET) for _ in range(PUBLIC_RANDOM_LENGTH))
    return body + _check_symbol(body)


def normalise_public_code(text: str) -> str:
    """What a person typed or a scanner read: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in text.upper() if ch not in " -")


def public_code_is_wellformed(code: str) -> bool:
    """Length, alphabet and check symbol: reject typos before touching the database."""
    if len(code) != PUBLIC_CODE_LENGTH or any(ch not in PUBLIC_ALPHABET for ch in code):
        return False
    return _check_symbol(code[:-1]) == code[-1]
