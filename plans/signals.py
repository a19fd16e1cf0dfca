"""Refresh the plans' snapshots after changes of the records their indicators count.

Receivers do no query at save time: they register an on-commit callback that looks up the
province and enqueues the refresh of its current plans (``snapshots.refresh_after_change``).
Bulk writes (``bulk_create``, ``update()``) send no signal: the nightly refresh covers them.
"""

from __future__ import annotations

from django.db import transaction


def _after_commit(lookup):
    def enqueue():
        from plans.snapshots import refresh_after_change

        province_ids = [pk for pk in lookup() if pk]
        if province_ids:
            refresh_after_change(province_ids=province_ids)

    transaction.on_commit(enqueue)


def certificate_saved(sender, instance, **kwargs):
    pk = instance.pk
    _after_commit(
        lambda: sender.objects.filter(pk=pk).values_list(
            "product__producer__current_unit__province_id", flat=True
        )
    )


def sales_point_saved(sender, instance, **kwargs):
    pk = instance.pk
    _after_commit(
        lambda: sender.objects.filter(pk=pk).values_list("current_unit__province_id", flat=True)
    )


def connect() -> None:
    from django.db.models.signals import post_save

    post_save.connect(
        certificate_saved, sender="recognition.Certificate", dispatch_uid="plans_certificate"
    )
    post_save.connect(sales_point_saved, sender="market.SalesPoint", dispatch_uid="plans_point")
