"""The verification of a stamp address: the hot path of the public verification page.

One round trip to the database: a single statement finds the stamp with its batch,
product, producer, commune and the product's latest certificate, counts the visit
(``UPDATE … RETURNING``, so two simultaneous first visits cannot both be "first") and
inserts its scan event, committed together before the page answers (ADR 0024): an
answered verification has its count and its event, or neither. The event's verdict is
computed by the statement from the row it read; the page computes its own from the same
row, and a difference (a bug) is corrected and alerted (``scanlog``).

A few look-ups need more than that statement: an unknown code (the GS1 walk up to the
product), a certificate past its expiry (whether a re-rating extends it), and SQLite,
which has no data-modifying ``WITH``. They count and log in one transaction instead.

Nothing is cached: the certificate's state is computed from the row read by this very
statement, so a revocation or a withdrawal shows the moment it is recorded. Counts are
committed with ``synchronous_commit`` on: a crash of the database server loses no
answered visit.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q, signals
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from geo.models import AdministrativeUnit
from recognition.choices import IN_FORCE, CertificateState
from recognition.models import Certificate, Decision
from registry.models import Producer, Product
from trace import rules, scanlog
from trace.choices import BatchStatus, StampStatus, Verdict
from trace.models import ScanEvent, Stamp, StampBatch


@dataclass(frozen=True)
class Verification:
    """The answer to one look-up of a stamp address."""

    verdict: str
    serial: str
    gtin: str = ""
    lot: str = ""
    stamp: Stamp | None = None
    batch: StampBatch | None = None
    product: Product | None = None
    producer: object | None = None
    certificate: Certificate | None = None
    certificate_state: str = ""
    scan_number: int = 0
    first_scanned_at: dt.datetime | None = None
    province_id: int | None = None
    # every value read for the page but the stamp's own (None when no stamp was found):
    # what a cached rendering of the page may be keyed on
    display_key: tuple | None = None

    @property
    def is_genuine(self) -> bool:
        return self.verdict in (Verdict.GENUINE_FIRST, Verdict.GENUINE_REPEAT)

    @property
    def is_gone(self) -> bool:
        """The stamp was withdrawn: the page answers HTTP 410."""
        return self.verdict == Verdict.WITHDRAWN

    @property
    def verdict_label(self) -> str:
        return Verdict(self.verdict).label


# --- the statement ----------------------------------------------------------------------

# (model, the fields read): the row is cut into model instances with these.
_FIELDS = (
    (Stamp, ("id", "serial", "status", "withdrawn_at", "scan_count", "first_scanned_at")),
    (StampBatch, ("id", "status", "lot", "production_date", "expiry_date", "product_id")),
    (Product, ("id", "name", "gtin", "story", "story_en", "producer_id")),
    (Producer, ("id", "name", "current_unit_id")),
    (AdministrativeUnit, ("id", "full_name", "province_id")),
    (
        Certificate,
        (
            "id",
            "number",
            "stars",
            "issued_on",
            "expires_on",
            "revoked_on",
            "superseded_on",
            "public_code",
            "product_id",
            "revocation_decision_id",
        ),
    ),
    (Decision, ("id", "number")),
)
# in the models' own field order, as ``Model.from_db()`` wants them
_READ = tuple(
    (model, tuple(f.attname for f in model._meta.concrete_fields if f.attname in names))
    for model, names in _FIELDS
)
_ALIASES = ("s", "b", "p", "pr", "u", "c", "rd")
# each column named after its table's alias: ``found.s_id`` in the PostgreSQL statement
_COLUMNS = ", ".join(
    f"{alias}.{column} AS {alias}_{column}"
    for alias, (model, names) in zip(_ALIASES, _READ, strict=True)
    for column in (model._meta.get_field(name).column for name in names)
)
_WIDTH = sum(len(names) for _model, names in _READ)
# where each column is in the row: ``_AT["p_gtin"]``
_AT = {
    f"{alias}_{column}": index
    for index, (alias, column) in enumerate(
        (alias, model._meta.get_field(name).column)
        for alias, (model, names) in zip(_ALIASES, _READ, strict=True)
        for name in names
    )
}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _lookup_sql() -> str:
    """The stamp and everything its page shows, plus

    - ``countable``: this visit counts (an active stamp of an issued batch, read with the
      GTIN and lot it was printed with);
    - ``decided``: the stamp was read with its GTIN and lot, and the statement can tell
      the verdict from the row alone (every case but a certificate past its expiry, which
      a pending re-rating may extend: Art. 12(3), a question for Python)."""
    # table names come from the models, every value is bound
    matches = "(%(gtin)s = '' OR p.gtin = %(gtin)s) AND (%(lot)s = '' OR b.lot = %(lot)s)"
    return f"""
        SELECT {_COLUMNS},
          (s.status = %(active)s AND b.status = %(issued)s AND {matches}) AS countable,
          ({matches} AND (s.status = %(stamp_withdrawn)s OR b.status = %(withdrawn)s
            OR c.id IS NULL OR c.revoked_on <= %(today)s OR c.superseded_on <= %(today)s
            OR %(today)s <= c.expires_on)) AS decided
        FROM {_table(Stamp)} s
        JOIN {_table(StampBatch)} b ON b.id = s.batch_id
        JOIN {_table(Product)} p ON p.id = b.product_id
        JOIN {_table(Producer)} pr ON pr.id = p.producer_id
        JOIN {_table(AdministrativeUnit)} u ON u.id = pr.current_unit_id
        LEFT JOIN {_table(Certificate)} c ON c.id = (
          SELECT c2.id FROM {_table(Certificate)} c2
          WHERE c2.product_id = p.id AND c2.issued_on <= %(today)s
          ORDER BY c2.issued_on DESC, c2.id DESC LIMIT 1)
        LEFT JOIN {_table(Decision)} rd ON rd.id = c.revocation_decision_id
        WHERE s.serial = %(serial)s AND b.status IN (%(issued)s, %(withdrawn)s)"""  # noqa: S608


def _count_sql(where: str) -> str:
    table = _table(Stamp)
    sets = "scan_count = scan_count + 1, last_scanned_at = %(now)s, "
    sets += "first_scanned_at = COALESCE(first_scanned_at, %(now)s)"
    return f"UPDATE {table} SET {sets} {where} RETURNING scan_count, first_scanned_at"  # noqa: S608


def _literal(value: str) -> str:
    """A verdict as an SQL literal (the values are identifiers of ``Verdict``)."""
    if not value.isidentifier():
        raise ValueError(value)
    return f"'{value}'"


def _verdict_sql() -> str:
    """The verdict of a decided row, as ``verify`` tells it in Python (a test compares
    both on every case): withdrawn; no certificate or a superseded one: not recognised;
    revoked; else in force, first or repeated by the visit's number."""
    number = "COALESCE(counted.scan_count, found.s_scan_count + 1)"
    return f"""CASE
          WHEN found.s_status = %(stamp_withdrawn)s OR found.b_status = %(withdrawn)s
            THEN {_literal(Verdict.WITHDRAWN)}
          WHEN found.c_id IS NULL THEN {_literal(Verdict.NOT_RECOGNISED)}
          WHEN found.c_revoked_on <= %(today)s THEN {_literal(Verdict.REVOKED)}
          WHEN found.c_superseded_on <= %(today)s THEN {_literal(Verdict.NOT_RECOGNISED)}
          WHEN {number} <= 1 THEN {_literal(Verdict.GENUINE_FIRST)}
          ELSE {_literal(Verdict.GENUINE_REPEAT)} END"""


def _postgresql_sql() -> str:
    """Look-up, count and scan event in one statement, when the row decides the verdict
    (``decided``) and the visit is logged (``log``)."""
    count = _count_sql(
        f"FROM found WHERE {_table(Stamp)}.id = found.s_id "
        "AND found.countable AND found.decided AND %(count)s"
    )
    columns = ", ".join(
        connection.ops.quote_name(ScanEvent._meta.get_field(name).column) for name in _EVENT
    )
    return f"""
        WITH found AS ({_lookup_sql()}),
        counted AS ({count}),
        logged AS (
          INSERT INTO {_table(ScanEvent)} ({columns})
          SELECT %(now)s, found.s_id, found.p_id, found.u_province_id, %(raw)s,
            found.p_gtin, found.b_lot, {_verdict_sql()}, %(region)s, %(ip)s, %(agent)s,
            counted.scan_count IS NOT NULL
          FROM found LEFT JOIN counted ON true
          WHERE found.decided AND %(log)s
          RETURNING id, verdict)
        SELECT found.*, counted.scan_count, counted.first_scanned_at, logged.id, logged.verdict
        FROM found LEFT JOIN counted ON true LEFT JOIN logged ON true"""  # noqa: S608


# the scan event's columns, in the order of the statement's INSERT
_EVENT = (
    "scanned_at",
    "stamp",
    "product",
    "province",
    "serial_raw",
    "gtin",
    "lot",
    "verdict",
    "region",
    "ip_prefix",
    "user_agent",
    "counted",
)


_SQL: dict[str, str] = {}


def _sql(name: str) -> str:
    """The statements, built once per process (table names come from the models)."""
    if not _SQL:
        _SQL["lookup"] = _lookup_sql()
        _SQL["count"] = _count_sql("WHERE id = %(id)s")
        _SQL["postgresql"] = _postgresql_sql()
    return _SQL[name]


@contextmanager
def _cursor(db):
    """On PostgreSQL a cursor with server-side binding, so that psycopg prepares the
    statement once per connection (``prepare_threshold`` in settings) instead of having
    it parsed and planned on every visit; elsewhere Django's own cursor. ``db`` is the
    connection (``django.db.connection`` read once per visit: each read of that proxy
    costs a look-up in asgiref's local storage)."""
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            yield cursor
        return
    import psycopg

    db.close_if_health_check_failed()  # as Django's own cursors do
    db.ensure_connection()
    raw = psycopg.Cursor(db.connection)
    wrapped = db.make_debug_cursor(raw) if db.queries_logged else db.make_cursor(raw)
    with wrapped:
        yield wrapped


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# SQLite returns dates and times as text from a raw cursor
_DATE_FIELDS = {
    "production_date",
    "expiry_date",
    "issued_on",
    "expires_on",
    "revoked_on",
    "superseded_on",
}
_DATETIME_FIELDS = {"withdrawn_at", "first_scanned_at"}


def _instance(model, names: tuple, values, alias: str):
    """A ``model`` instance from the values of ``names``, as ``Model.from_db`` makes it
    (the other fields deferred) without the cost of ``Model.__init__``: the hot path
    builds seven per visit. With a receiver of ``pre_init``/``post_init`` for ``model``,
    ``from_db`` itself, so that the receiver runs."""
    if (signals.pre_init.receivers or signals.post_init.receivers) and (
        signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model)
    ):
        return model.from_db(alias, names, list(values))
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding, state.db = False, alias
    instance.__dict__.update(zip(names, values, strict=True))
    return instance


def _instances(row, db) -> list:
    """The row cut into model instances (None for a missing certificate or decision)."""
    out, start = [], 0
    convert = db.vendor != "postgresql"  # SQLite returns dates as text
    alias = db.alias
    for model, names in _READ:
        end = start + len(names)
        if row[start] is None:
            out.append(None)
            start = end
            continue
        values = row[start:end]
        start = end
        if convert:
            values = [
                _as_date(value)
                if name in _DATE_FIELDS
                else _as_datetime(value)
                if name in _DATETIME_FIELDS
                else value
                for name, value in zip(names, values, strict=True)
            ]
        out.append(_instance(model, names, values, alias))
    return out


# the relations the page follows, cached on the instances as ``select_related`` would
_RELATED = {
    name: model._meta.get_field(field)
    for name, model, field in (
        ("unit", Producer, "current_unit"),
        ("producer", Product, "producer"),
        ("product", StampBatch, "product"),
        ("batch", Stamp, "batch"),
        ("certified", Certificate, "product"),
        ("revocation", Certificate, "revocation_decision"),
    )
}


@dataclass(frozen=True)
class _Found:
    row: tuple | None = None  # the look-up's row: None when no stamp has that serial
    counted: tuple | None = None  # (visit number, first visit) when the statement counted
    event: tuple | None = None  # (event id, verdict) when the statement logged the visit


def _find(db, serial: str, gtin: str, lot: str, today, now, *, count: bool, visit) -> _Found:
    """On PostgreSQL the one statement: the look-up, and when the row decides the verdict
    the count and the scan event. Elsewhere the look-up alone."""
    params = {
        "serial": serial,
        "gtin": gtin,
        "lot": lot,
        "today": today,
        "now": now,
        "count": count,
        "active": StampStatus.ACTIVE.value,
        "stamp_withdrawn": StampStatus.WITHDRAWN.value,
        "issued": BatchStatus.ISSUED.value,
        "withdrawn": BatchStatus.WITHDRAWN.value,
    }
    with _cursor(db) as cursor:
        if db.vendor != "postgresql":
            cursor.execute(_sql("lookup"), params)
            return _Found(row=cursor.fetchone())
        params.update(
            log=visit is not None,
            raw=visit.serial_raw if visit else "",
            region=visit.region if visit else "",
            ip=visit.ip_prefix if visit else "",
            agent=visit.user_agent if visit else "",
        )
        cursor.execute(_sql("postgresql"), params)
        row = cursor.fetchone()
    if row is None:
        return _Found()
    number, first, event_id, verdict = row[_WIDTH + 2 : _WIDTH + 6]
    return _Found(
        row=row,
        counted=(number, first) if number is not None else None,
        event=(event_id, verdict) if event_id is not None else None,
    )


def _count(db, stamp_id: int, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Count a visit of the stamp: (its number, the first visit)."""
    with _cursor(db) as cursor:
        cursor.execute(_sql("count"), {"id": stamp_id, "now": now})
        number, first = cursor.fetchone()
    return number, _as_datetime(first)


# --- the verdict ------------------------------------------------------------------------


def current_certificate(product_id: int, today: dt.date) -> Certificate | None:
    """The product's latest certificate issued by ``today`` (whatever its state)."""
    return (
        Certificate.objects.filter(product_id=product_id, issued_on__lte=today)
        .select_related("decision", "revocation_decision")
        .order_by("-issued_on", "-pk")
        .first()
    )


def recognition(
    certificate: Certificate | None, today: dt.date, rerating_pending: bool | None = None
) -> tuple[str, str]:
    """(the certificate's state today, the verdict it gives a genuine stamp: '' when the
    certificate is in force). ``rerating_pending`` None: asked of the database when it
    matters (a certificate past its expiry)."""
    if certificate is None:
        return "", Verdict.NOT_RECOGNISED
    state = certificate.state(today, rerating_pending=rerating_pending)
    if state in IN_FORCE:
        return state, ""
    if state == CertificateState.REVOKED:
        return state, Verdict.REVOKED
    if state == CertificateState.EXPIRED:
        return state, Verdict.EXPIRED
    return state, Verdict.NOT_RECOGNISED


def _walk_up(serial: str, gtin: str, lot: str, today: dt.date) -> Verification:
    """Like a GS1 resolver: an unknown serial of a known GTIN still shows the product —
    only a product the province has published (recognised once, or stamped)."""
    published = Q(certificates__isnull=False) | Q(stamp_batches__status=BatchStatus.ISSUED)
    product = (
        Product.objects.select_related("producer__current_unit")
        .filter(published, gtin=gtin)
        .distinct()
        .first()
        if gtin
        else None
    )
    if product is None:
        return Verification(verdict=Verdict.UNKNOWN, serial=serial, gtin=gtin, lot=lot)
    certificate = current_certificate(product.pk, today)
    state, _ = recognition(certificate, today)
    return Verification(
        verdict=Verdict.UNKNOWN_SERIAL_KNOWN_GTIN,
        serial=serial,
        gtin=gtin,
        lot=lot,
        product=product,
        producer=product.producer,
        certificate=certificate,
        certificate_state=state,
        province_id=product.producer.current_unit.province_id,
    )


def _verification(
    db, row, serial: str, today: dt.date, counted, rerating_pending: bool | None = None
) -> Verification:
    """What the row of a stamp tells, its visit counted (``counted``) or not."""
    stamp, batch, product, producer, unit, certificate, revocation = _instances(row, db)
    _RELATED["unit"].set_cached_value(producer, unit)
    _RELATED["producer"].set_cached_value(product, producer)
    _RELATED["product"].set_cached_value(batch, product)
    stamp.batch_id = batch.pk  # not read by the statement: known from the batch (first:
    _RELATED["batch"].set_cached_value(stamp, batch)  # setting the id clears the cache)
    if certificate is not None:
        _RELATED["certified"].set_cached_value(certificate, product)
        _RELATED["revocation"].set_cached_value(certificate, revocation)
    common = {
        "serial": serial,
        "gtin": product.gtin,
        "lot": batch.lot,
        "stamp": stamp,
        "batch": batch,
        "product": product,
        "producer": producer,
        "province_id": unit.province_id,
        "display_key": tuple(row[len(_READ[0][1]) : _WIDTH]),
    }
    if stamp.status == StampStatus.WITHDRAWN or batch.status == BatchStatus.WITHDRAWN:
        return Verification(
            verdict=Verdict.WITHDRAWN,
            scan_number=stamp.scan_count,
            first_scanned_at=stamp.first_scanned_at,
            **common,
        )
    state, verdict = recognition(certificate, today, rerating_pending)
    if counted:
        number, first = counted[0], _as_datetime(counted[1])
        stamp.scan_count, stamp.first_scanned_at = number, first
    else:  # a visit not counted (a robot's) reads as the next visit would
        number, first = stamp.scan_count + 1, stamp.first_scanned_at
    if not verdict:
        verdict = Verdict.GENUINE_FIRST if number <= 1 else Verdict.GENUINE_REPEAT
    return Verification(
        verdict=verdict,
        certificate=certificate,
        certificate_state=state,
        scan_number=number,
        first_scanned_at=first,
        **common,
    )


def _check(event: tuple, result: Verification) -> None:
    """The statement's verdict must be the page's: else the event is corrected, counted
    and alerted (``scanlog``) — a bug in ``_verdict_sql``."""
    event_id, logged = event
    if logged == result.verdict:
        return
    ScanEvent.objects.filter(pk=event_id).update(verdict=result.verdict)
    scanlog.alert(
        "verdict_corrected",
        f"scan event {event_id}: the statement logged {logged!r}, the page said "
        f"{result.verdict!r}; corrected",
    )


def verify(
    *,
    serial: str,
    gtin: str | None = None,
    lot: str | None = None,
    today: dt.date | None = None,
    count: bool = True,
    visit: scanlog.Visit | None = None,
) -> Verification:
    """Verify a stamp from its address (serial, and the GTIN and lot of a Digital Link).

    A look-up that counts or comes with a ``visit`` is logged (a scan event; without a
    visit, one with no network nor browser); it counts (``count``) when the stamp is
    known, active and read with its GTIN and lot. Count and event are committed together
    before this returns. ``count=False`` without a visit only reads (the report form
    finds its stamp so). A visit not counted gets the verdict and number the next
    counted visit would get. A serial that does not match the GTIN or lot it came with is
    treated as unknown.
    """
    today = today or timezone.localdate()
    if visit is None and count:
        visit = scanlog.Visit.of(serial_raw=serial)
    serial = rules.normalise_serial(serial)
    gtin13 = rules.normalise_gtin(gtin)
    lot = lot or ""  # the URL path is already decoded
    now = timezone.now()
    db = connections[DEFAULT_DB_ALIAS]  # the connection, read once per visit
    found = _Found()
    # a code that cannot be a stamp's is not looked up (nor are its bytes sent anywhere)
    if rules.serial_is_wellformed(serial) and (not lot or rules.lot_is_valid(lot)):
        found = _find(db, serial, gtin13, lot, today, now, count=count, visit=visit)
    row = found.row
    if row is not None and (
        (gtin13 and gtin13 != row[_AT["p_gtin"]]) or (lot and lot != row[_AT["b_lot"]])
    ):
        row = None
    if found.event is not None:  # counted and logged by the statement itself
        result = _verification(db, row, serial, today, found.counted, rerating_pending=False)
        _check(found.event, result)
        return result
    if visit is None:  # a read: nothing written
        if row is None:
            return _walk_up(serial, gtin13, lot, today)
        return _verification(db, row, serial, today, None)
    counts = count and row is not None and row[_WIDTH]
    with transaction.atomic() if counts else nullcontext():
        counted = _count(db, row[0], now) if counts else None
        if row is None:
            result = _walk_up(serial, gtin13, lot, today)
        else:
            result = _verification(db, row, serial, today, counted)
        scanlog.event(result, visit, counted=counted is not None, now=now).save()
    return result
