"""The sign-in lockout (django-axes), with one limit per kind of count (ADR 0030).

Failed sign-ins are counted over the last ``AXES_COOLOFF_TIME`` hours three ways, each with
its own limit (``settings.AXES_LOCKOUT_PARAMETERS`` lists them in this order):

* one account from one address — ``AXES_FAILURE_LIMIT`` (5): someone mistyping;
* one account from every address — ``OCOP_ACCOUNT_FAILURE_LIMIT`` (20): an attacker who
  rotates addresses to guess one password;
* one address on every account — ``OCOP_ADDRESS_FAILURE_LIMIT`` (50): an attacker who tries
  a few passwords on each account (a whole office behind one NAT address stays well under).

The address is ``core.clientip.client_ip``'s: behind a trusted proxy the client's.

A locked account is unlocked by the cool-off, by its owner resetting the password by
e-mail (``unlock`` from the reset view), or by an administrator (``services.user_unlock``,
audited). A successful sign-in clears the account's counts but never the address's: an
attacker cannot reset the address count by signing in to an account of their own.
"""

from __future__ import annotations

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def limits() -> tuple[int, int, int]:
    """The limits, in the order of ``AXES_LOCKOUT_PARAMETERS``."""
    return (
        int(settings.AXES_FAILURE_LIMIT),
        int(getattr(settings, "OCOP_ACCOUNT_FAILURE_LIMIT", 20)),
        int(getattr(settings, "OCOP_ADDRESS_FAILURE_LIMIT", 50)),
    )


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter.

    Axes compares one number, ``get_failures``, with one limit, ``AXES_FAILURE_LIMIT``. For
    each parameter this returns its count shifted by the difference of the limits, so that
    the comparison is true exactly when some count reaches its own limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        base = int(settings.AXES_FAILURE_LIMIT)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        return max(
            (count + base - limit for count, limit in zip(counts, limits(), strict=False)),
            default=0,
        )

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful sign-in: the account's failures only, from every address."""
        username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
        return unlock(username) if username else 0


def _recent():
    threshold = timezone.now() - datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return AccessAttempt.objects.filter(attempt_time__gte=threshold)


def status(username: str) -> dict:
    """The account's recent failures: total, from its worst address, and whether locked."""
    per_address, per_account, _address = limits()
    recent = _recent().filter(username=username)
    figures = recent.aggregate(total=Sum("failures_since_start"), worst=Max("failures_since_start"))
    total, worst = figures["total"] or 0, figures["worst"] or 0
    return {
        "failures": total,
        "locked": total >= per_account or worst >= per_address,
        "last": recent.aggregate(last=Max("attempt_time"))["last"],
    }


def unlock(username: str) -> int:
    """Forget the account's failed sign-ins (every address); returns how many records."""
    deleted, _kinds = AccessAttempt.objects.filter(username=username).delete()
    return deleted
