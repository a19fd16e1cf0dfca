"""Tell people that something waits for them: an in-app notice now, an email soon after.

``notify()`` is called by services inside their transaction; the notices commit with the
change, and the emails are queued (django.tasks) only once the transaction has committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from core.models import Notice


@task()
def send_notice_email(recipients: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def notify(users: Iterable, text: str, url: str = "", email_subject: str | None = None) -> int:
    users = [u for u in {u.pk: u for u in users if u is not None and u.is_active}.values()]
    Notice.objects.bulk_create(Notice(user=u, text=text, url=url) for u in users)
    recipients = sorted({u.email for u in users if u.email})
    if recipients:
        link = f"\n\n{settings.OCOP_SITE_URL.rstrip('/')}{url}" if url else ""
        body = f"{text}{link}"
        subject = email_subject or text[:120]
        transaction.on_commit(
            lambda: send_notice_email.enqueue(recipients=recipients, subject=subject, body=body)
        )
    return len(users)
