"""Refresh the plans' snapshots after changes of the records their indicators count.

Receivers do no query at save time: they enqueue, with the save (``core.jobs.enqueue``: in
its transaction on the database backend), a task that looks up the record's province and
refreshes its current plans (``tasks.refresh_for_record``; the watched records and their
paths to a province are ``tasks.PROVINCE_OF``). Bulk writes (``bulk_create``, ``update()``)
send no signal: the nightly refresh covers them.
"""

from __future__ import annotations


def record_saved(sender, instance, **kwargs):
    from core import jobs
    from plans.tasks import refresh_for_record

    jobs.enqueue(refresh_for_record, sender._meta.label_lower, instance.pk)


def connect() -> None:
    from django.db.models.signals import post_save

    post_save.connect(
        record_saved, sender="recognition.Certificate", dispatch_uid="plans_certificate"
    )
    post_save.connect(record_saved, sender="market.SalesPoint", dispatch_uid="plans_point")
