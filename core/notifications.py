"""Tell people that something waits for them: an in-app notice now, an email soon after.

``notify()`` is called by services inside their transaction; the notices commit with the
change, and so does the e-mail's task (core.jobs.enqueue: an outbox). A send that fails
because the mail server is down or refuses for now is tried again with a backoff.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from core import jobs
from core.models import Notice

logger = logging.getLogger("ocop.mail")


def _transient(exc: Exception) -> bool:
    """Failures worth another try later: the server is down or unreachable, or answers
    "try later" (4xx). A refusal (5xx, refused recipients) is final."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, smtplib.SMTPException):  # refused recipients or sender, bad data
        return False
    return isinstance(exc, OSError)  # connection refused, timeout, name not resolved


@task()
def send_notice_email(recipients: list[str], subject: str, body: str, attempt: int = 1) -> int:
    try:
        return send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False
        )
    except Exception as exc:
        if _transient(exc) and jobs.retry_later(
            send_notice_email, attempt, recipients=recipients, subject=subject, body=body
        ):
            logger.warning(
                "mail to %d recipients failed (%s); attempt %d", len(recipients), exc, attempt
            )
            return 0
        raise


def notify(users: Iterable, text: str, url: str = "", email_subject: str | None = None) -> int:
    users = [u for u in {u.pk: u for u in users if u is not None and u.is_active}.values()]
    Notice.objects.bulk_create(Notice(user=u, text=text, url=url) for u in users)
    recipients = sorted({u.email for u in users if u.email})
    if recipients:
        link = f"\n\n{settings.OCOP_SITE_URL.rstrip('/')}{url}" if url else ""
        body = f"{text}{link}"
        subject = email_subject or text[:120]
        jobs.enqueue(send_notice_email, recipients=recipients, subject=subject, body=body)
    return len(users)
