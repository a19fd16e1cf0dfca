"""Writes of traceability: stamp batches, their issue, stamp withdrawal, fake reports.

Who may act:
- a member of the producer requests a batch for one of its products — a product whose
  certificate is in force today, or, where the province allows it
  (``ProvinceStampPolicy.allow_under_evaluation``), one with a dossier under evaluation;
- the provincial OCOP office of the product's province approves or rejects the request,
  and may withdraw a batch or a single stamp; the producer may withdraw its own;
- approving a batch enqueues its issue (``trace.tasks.issue_batch``), which generates the
  serials in chunks, each chunk in its own short transaction.
A system administrator may act too. The steps of a batch and of a report of a suspected fake
(and who takes them) are declared in ``trace.workflows`` and taken through
``core.workflow.service.transition``.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, requestid
from core.scoping import scope_of
from core.workflow.service import transition
from recognition.choices import IN_FORCE
from trace import rules
from trace.choices import BatchStatus, StampStatus
from trace.models import (
    STAMP_DECIDERS,
    FakeReport,
    ProvinceStampPolicy,
    Stamp,
    StampBatch,
    StampBatchTransition,
)

ISSUE_CHUNK = 10_000
MAX_COLLISION_ROUNDS = 10
LOCK_RETRIES = 50


# --- who may act ------------------------------------------------------------------------


def _province_id(product) -> int | None:
    return product.producer.current_unit.province_id


def is_member(user, product) -> bool:
    return bool(getattr(user, "pk", None)) and product.producer.members.filter(pk=user.pk).exists()


def decides_for(user, product) -> bool:
    scope = scope_of(user)
    return scope.is_admin or _province_id(product) in scope.unit_ids("province", STAMP_DECIDERS)


def may_request(user, product) -> bool:
    return scope_of(user).is_admin or decides_for(user, product) or is_member(user, product)


# --- eligibility ------------------------------------------------------------------------


def under_evaluation(product) -> bool:
    from submissions.choices import OPEN_STATUSES, Status
    from submissions.models import Dossier

    return Dossier.objects.filter(
        product_id=product.pk, status__in=OPEN_STATUSES - {Status.DRAFT}
    ).exists()


def stamp_eligibility(product, today: dt.date | None = None) -> str:
    """Why ``product`` may get stamps ("recognised", "under_evaluation"), or "" if not."""
    from trace.selectors import current_certificate

    today = today or timezone.localdate()
    certificate = current_certificate(product.pk, today)
    if certificate is not None and certificate.state(today) in IN_FORCE:
        return "recognised"
    policy = ProvinceStampPolicy.objects.filter(province_id=_province_id(product)).first()
    if policy and policy.allow_under_evaluation and under_evaluation(product):
        return "under_evaluation"
    return ""


# --- batches ----------------------------------------------------------------------------


@transaction.atomic
def batch_request(
    *,
    actor,
    product,
    lot: str,
    production_date: dt.date,
    quantity: int,
    expiry_date: dt.date | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> StampBatch:
    if not may_request(actor, product):
        raise PermissionDenied(_("You cannot request stamps for this product."))
    if not stamp_eligibility(product, today):
        raise ValidationError(
            {
                "product": _(
                    "Stamps are issued only for products holding an OCOP certificate in "
                    "force today."
                )
            }
        )
    batch = StampBatch(
        product=product,
        lot=lot.strip(),
        production_date=production_date,
        expiry_date=expiry_date,
        quantity=quantity,
        note=note,
        requested_by=actor,
    )
    batch.full_clean()
    batch.save()
    # The request is not a step of the workflow, but the log starts with it: "" → requested.
    StampBatchTransition.objects.create(
        batch=batch,
        from_status="",
        to_status=batch.status,
        actor=actor if getattr(actor, "pk", None) else None,
        request_id=requestid.get(),
    )
    audit.record(
        actor=actor,
        action="ocop.stamp_batch.requested",
        target=batch,
        after=audit.snapshot(batch, ["product", "lot", "quantity", "production_date"]),
    )
    return batch


def batch_transition(
    *, actor, batch: StampBatch, to_status: str = "", action: str = "", reason: str = ""
) -> StampBatch:
    """Approve, reject or withdraw a batch: a step of the stamp batch workflow
    (``trace.workflows``), named by its action or by the status it leads to. ``transition()``
    checks the role, the reason and the state, logs and audits; approving enqueues the issue
    of the stamps after the commit."""
    return transition(batch, action, to=to_status, actor=actor, reason=reason)


def _retrying(step, *args):
    """Run a short transaction again when the database is busy with another writer
    (SQLite allows one writer at a time; PostgreSQL waits on the row instead)."""
    for attempt in range(LOCK_RETRIES):
        try:
            return step(*args)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    return None


def _start_issue(actor, batch_id: int) -> StampBatch | None:
    """approved → issuing (a SYSTEM step of the workflow, logged and audited)."""
    with transaction.atomic():
        batch = StampBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == BatchStatus.ISSUING:
            return batch  # resumed after an interruption
        if batch.status != BatchStatus.APPROVED:
            return None
        return transition(batch, "start_issuing", actor=actor, system=True)


_INSERT_PG = (
    "INSERT INTO {table} (batch_id, serial, status, withdrawn_reason, scan_count) "
    "SELECT %s, s, %s, '', 0 FROM unnest(%s::text[]) AS s "
    "ON CONFLICT (serial) DO NOTHING"
)


def _insert_serials(batch_id: int, serials: list[str]) -> int:
    """Insert the stamps whose serial is free; returns how many were inserted.

    On PostgreSQL one INSERT … SELECT unnest(array) ON CONFLICT DO NOTHING per chunk (a
    serial being inserted by a concurrent issue waits for it, then counts as taken);
    elsewhere ``bulk_create(ignore_conflicts=True)`` and a count of what is ours."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _INSERT_PG.format(table=Stamp._meta.db_table),
                [batch_id, StampStatus.ACTIVE, serials],
            )
            return cursor.rowcount
    with transaction.atomic():
        Stamp.objects.bulk_create(
            [Stamp(batch_id=batch_id, serial=s) for s in serials],
            ignore_conflicts=True,
            batch_size=ISSUE_CHUNK,
        )
        return Stamp.objects.filter(batch_id=batch_id, serial__in=serials).count()


def _insert_chunk(batch_id: int, count: int, generate) -> int:
    """Insert ``count`` new stamps; serials taken by another stamp (of any batch, also one
    being issued at the same moment) are regenerated. Returns how many were inserted."""
    inserted = 0
    wanted = count
    for _round in range(MAX_COLLISION_ROUNDS):
        ours = _retrying(_insert_serials, batch_id, generate(wanted))
        inserted += ours
        wanted -= ours
        if wanted == 0:
            return inserted
    raise RuntimeError("could not find free serials; is the random generator broken?")


def batch_issue(*, actor, batch_id: int, generate=rules.new_serials) -> StampBatch | None:
    """Generate the stamps of an approved batch (the body of the ``issue_batch`` task).

    Each chunk is its own short transaction, so a large batch does not hold locks for
    long; an interrupted issue resumes where it stopped. Serials are checked for
    uniqueness by the database (unique index), never by a read before the write.
    """
    batch = _retrying(_start_issue, actor, batch_id)
    if batch is None:
        return None
    done = _retrying(Stamp.objects.filter(batch_id=batch_id).count)
    while done < batch.quantity:
        done += _insert_chunk(batch_id, min(ISSUE_CHUNK, batch.quantity - done), generate)
    return _retrying(_finish_issue, actor, batch_id, done)


def _finish_issue(actor, batch_id: int, done: int) -> StampBatch:
    """issuing → issued (a SYSTEM step; the audit row says how many stamps were made)."""
    batch = StampBatch.objects.get(pk=batch_id)
    return transition(batch, "finish_issuing", actor=actor, system=True, data={"stamps": done})


# --- stamps -----------------------------------------------------------------------------


def stamp_withdraw(*, actor, stamp: Stamp, reason: str) -> Stamp:
    """Withdraw one stamp (lost, damaged, misprinted, found on a fake…): the ``withdraw``
    step of ``trace.workflows.STAMP``, which checks the role, asks the reason, logs it and
    audits it (``ocop.stamp.transitioned``)."""
    return transition(stamp, "withdraw", actor=actor, reason=reason)


# --- reports of suspected fakes ---------------------------------------------------------


def _province_by_region(region: str):
    from geo.models import AdministrativeUnit

    return AdministrativeUnit.objects.current().provinces().search(region).first()


@transaction.atomic
def fake_report_create(
    *,
    serial_raw: str,
    message: str,
    place: str = "",
    contact: str = "",
    gtin: str | None = None,
    lot: str | None = None,
    region: str = "",
    actor=None,
) -> FakeReport:
    """Record a consumer's report from the public page (anonymous: ``actor`` None).

    The stamp and product are found from the code as in ``verify`` (without counting a
    visit); the report goes to the province of the product, else to the province named
    by the coarse region, else only to administrators.
    """
    from trace.selectors import verify

    found = verify(serial=serial_raw, gtin=gtin, lot=lot, count=False)
    province_id = found.province_id
    if province_id is None:
        province = _province_by_region(region)
        province_id = province.pk if province else None
    report = FakeReport(
        stamp=found.stamp,
        serial_raw=(serial_raw or "")[:64],
        product=found.product,
        message=(message or "").strip(),
        place=(place or "").strip(),
        contact=(contact or "").strip(),
        province_id=province_id,
    )
    report.full_clean()
    report.save()
    audit.record(
        actor=actor,
        action="ocop.fake_report.created",
        target=report,
        after={"serial": report.serial_raw, "product": report.product_id},
    )
    return report


def fake_report_handle(*, actor, report: FakeReport, note: str) -> FakeReport:
    """Mark a report as handled, saying what was done: the "handle" step of the report's
    workflow (``trace.workflows.FAKE_REPORT``); ``transition()`` checks the role (the
    provincial office of the report's province), the note, the state, logs and audits."""
    return transition(report, "handle", actor=actor, reason=note)
