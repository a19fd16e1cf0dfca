"""Pure rules of the OCOP procedure (Decision 26/2026/QĐ-TTg): deadlines and batches.

No database here; holidays are passed in. Table-driven and property tests in tests/.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection

# Decision 26/2026/QĐ-TTg took effect on 22 May 2026 (Art. 11); dossiers filed before then
# finish under the old rules within 60 days, 30 for re-rating (Art. 12(2)).
NEW_RULES_FROM = dt.date(2026, 5, 22)
COMMUNE_CHECK_WORKING_DAYS = 15
RERATING_WINDOW_OPENS_DAYS = 180
RERATING_WINDOW_CLOSES_DAYS = 120
RERATING_DECISION_DAYS = 45
TRANSITION_DAYS = 60
TRANSITION_RERATING_DAYS = 30
ART_12_3_MAX_EXTENSION_DAYS = 180
CERTIFICATE_MONTHS = 36
REVOCATION_DAYS = 15


class WorkCalendar(frozenset):
    """The days off (public holidays and the days the government gives off) as a set, which
    also knows the make-up working days (a Saturday worked in exchange for a day off)."""

    workdays: frozenset

    def __new__(cls, days_off: Collection[dt.date] = (), workdays: Collection[dt.date] = ()):
        calendar_ = super().__new__(cls, days_off)
        calendar_.workdays = frozenset(workdays)
        return calendar_


def is_working_day(day: dt.date, holidays: Collection[dt.date] = ()) -> bool:
    """Monday to Friday unless a day off; a make-up working day (``holidays.workdays``) too."""
    if day in getattr(holidays, "workdays", ()):
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: Collection[dt.date] = ()) -> dt.date:
    """The date ``days`` working days after ``start`` (the day of receipt does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Collection[dt.date] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later; the month's last day where it has none."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def period_end(start: dt.date, *, months: int = 0, days: int = 0) -> dt.date:
    """The last day of a period counted from ``start`` as the Civil Code 2015 counts it.

    Art. 147: the day of the event is not counted, the period runs from the next day.
    Art. 148: a period in days ends at the end of its last day; a period in months ends at
    the end of the corresponding day of the last month, or of that month's last day where it
    has no corresponding day. So 36 months from 15 Jun 2026 end on 15 Jun 2029, one month
    from 31 Jan 2027 on 28 Feb 2027, and 15 days from 1 Mar on 16 Mar. Every period of the
    procedure is counted here (ADR 0012). The extension of Art. 148(5) to the next working
    day is not applied: the procedure states validity and deadlines as calendar dates.
    """
    if months < 0 or days < 0 or (months and days):
        raise ValueError("a period is a positive number of months or of days")
    if months:
        return add_months(start, months)
    return start + dt.timedelta(days=days)


def certificate_expiry(issued: dt.date) -> dt.date:
    """A certificate is valid for 36 months from its issue: through the corresponding day."""
    return period_end(issued, months=CERTIFICATE_MONTHS)


def rerating_window(expires: dt.date) -> tuple[dt.date, dt.date]:
    """(opens, closes): file no earlier than 180 and no later than 120 days before expiry."""
    return (
        expires - dt.timedelta(days=RERATING_WINDOW_OPENS_DAYS),
        expires - dt.timedelta(days=RERATING_WINDOW_CLOSES_DAYS),
    )


# Why a re-rating dossier is refused (``rerating_refusal``).
RERATING_NOT_YET_OPEN = "not_yet_open"
RERATING_WINDOW_CLOSED = "window_closed"
RERATING_EXPIRED = "expired"


def rerating_transition_applies(expires: dt.date) -> bool:
    """Whether the certificate falls under the transition of Art. 12(3).

    Art. 12(3) of Decision 26/2026/QĐ-TTg: "Những sản phẩm thuộc đối tượng đánh giá, phân
    hạng lại, nhưng thời gian nộp hồ sơ không đáp ứng được thời hạn theo quy định tại điểm a
    khoản 6 Điều 7 Quyết định này, thì giấy chứng nhận tiếp tục có hiệu lực đến ngày có kết
    quả xử lý của cơ quan có thẩm quyền, nhưng không quá 180 ngày tính từ ngày hết thời hạn."

    The window of Art. 7(6)(a) "could not be met" when it had already closed on the day the
    Decision took effect (22 May 2026, Art. 11): its last day is before that day. The
    certificate must still have been in force that day, since the article lets it *continue*
    in force ("tiếp tục có hiệu lực"), as Art. 12(1) keeps earlier certificates until their
    expiry; one that had expired before then has nothing to continue. A certificate whose
    window was still open, even for a day, on 22 May 2026 could meet it and is not covered.
    """
    closes = expires - dt.timedelta(days=RERATING_WINDOW_CLOSES_DAYS)
    return closes < NEW_RULES_FROM <= expires


def rerating_refusal(expires: dt.date, today: dt.date) -> tuple[str, dict[str, dt.date]] | None:
    """Why a re-rating dossier for a certificate expiring on ``expires`` cannot be filed on
    ``today``, or None when it can: ``(code, dates)`` with the dates the message needs.

    Art. 7(6)(a): filed no earlier than 180 and no later than 120 days before expiry, both
    days included. Before the window: ``not_yet_open`` (``opens``). After it, while the
    certificate is still valid: ``window_closed`` (``closed``, ``expires``) — the certificate
    stays valid until its expiry, after which a first evaluation applies. After expiry:
    ``expired`` (``expires``). Except under the transition of Art. 12(3)
    (``rerating_transition_applies``): there the certificate stays in force until the
    re-rating is decided, at most 180 days past its expiry, so a late re-rating is received
    up to that last day (``extension_ends``) and refused as ``expired`` after it.
    """
    opens, closes = rerating_window(expires)
    if today < opens:
        return RERATING_NOT_YET_OPEN, {"opens": opens}
    if today <= closes:
        return None
    if rerating_transition_applies(expires):
        extension_ends = period_end(expires, days=ART_12_3_MAX_EXTENSION_DAYS)
        if today <= extension_ends:
            return None
        return RERATING_EXPIRED, {"expires": expires, "extension_ends": extension_ends}
    if today <= expires:
        return RERATING_WINDOW_CLOSED, {"closed": closes, "expires": expires}
    return RERATING_EXPIRED, {"expires": expires}


def rerating_pending_on(
    day: dt.date,
    *,
    status: str,
    submitted_on: dt.date | None,
    decided_on: dt.date | None,
    open_statuses: Collection[str],
    draft: str = "draft",
) -> bool:
    """Whether a re-rating dossier is filed and not yet decided on ``day`` (Art. 12(3):
    "đến ngày có kết quả xử lý của cơ quan có thẩm quyền").

    Filed: out of draft, on or before ``day`` (a dossier with no filing date on record and
    an open status counts as filed). Not decided: still open today, or decided (recognised
    or not) after ``day``; on the day of the result it is decided. A withdrawn dossier, and
    a closed one with no decision date, is pending on no day (the record keeps no date for
    them). The query form is ``recognition.in_force.pending_rerating``.
    """
    if status == draft:
        return False
    if submitted_on is not None and submitted_on > day:
        return False
    if status in open_statuses:
        return True
    return decided_on is not None and decided_on > day


def follows_old_rules(filed_on: dt.date | None) -> bool:
    return filed_on is not None and filed_on < NEW_RULES_FROM


def transition_deadline(rerating: bool) -> dt.date:
    """Art. 12(2): old-rule dossiers finish within 60 days (30 for re-rating) of 22 May 2026."""
    return period_end(
        NEW_RULES_FROM, days=TRANSITION_RERATING_DAYS if rerating else TRANSITION_DAYS
    )


def provincial_batches(year: int) -> list[tuple[str, dt.date, dt.date]]:
    """Art. 6: (batch, proposals received by, decided before) — at least twice a year."""
    return [
        ("1", dt.date(year, 4, 30), dt.date(year, 6, 30)),
        ("2", dt.date(year, 10, 30), dt.date(year, 12, 30)),
    ]


def central_batches(year: int) -> list[tuple[str, dt.date, dt.date]]:
    """Art. 7: the ministry's batches, decided before 30 Sep and 30 Mar (next year)."""
    return [
        ("1", dt.date(year, 7, 30), dt.date(year, 9, 30)),
        ("2", dt.date(year + 1, 1, 30), dt.date(year + 1, 3, 30)),
    ]


def revocation_deadline(found_on: dt.date) -> dt.date:
    """Art. 8: revoke within 15 days of the finding."""
    return period_end(found_on, days=REVOCATION_DAYS)


def round_closed(proposals_due: dt.date, on: dt.date) -> bool:
    """Whether a round stopped receiving proposals before ``on`` (its last day counts)."""
    return on > proposals_due
