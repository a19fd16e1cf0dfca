"""The machinery of an import: per-row results, the report, and the importer base class.

An importer reads each row into field values (``columns.parse``), finds the record it
updates (by code) or starts a new one, sets the values and runs the model's own
``full_clean()`` — field validators, choices, ``clean()`` — without its per-row database
queries (unique and constraint checks, foreign-key existence). Those are done once for the
whole file against the same constraints (``COVERED_CONSTRAINTS``; a test fails when a
model gains a constraint not listed there), and the database constraints stay the last
guard. Writes are bulk inserts and updates with one audit event per created or updated
record, carrying the same fields as ``core.audit.record()``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import REGISTRY_EDITORS
from core import audit, requestid
from core.models import AuditEvent
from core.scoping import scope_of
from core.text import fold
from geo.models import AdministrativeUnit
from registry.io import bulk
from registry.io import columns as cols
from registry.io.reading import Table

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
BATCH = 1000
CHUNK = 5000  # values per "IN (…)" lookup

# Constraints of the models and where the importer enforces each one.
COVERED_CONSTRAINTS = {
    "registry_producer_local_workforce_le_total": "Producer.clean()",
    "registry_producer_unique_tax_code": "ProducerImporter.check_unique",
    "registry_product_unique_code": "ProductImporter.check_unique",
}


@dataclass
class RowResult:
    number: int
    action: str = ""
    key: str = ""
    label: str = ""
    changes: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    obj: Any = None
    before: Any = None  # an unchanged copy of the record being updated
    changed_fields: set[str] = field(default_factory=set)
    bad_fields: set[str] = field(default_factory=set)

    def error(self, header: str, message) -> None:
        self.errors.append((header, str(message)))


@dataclass
class ImportReport:
    kind: str
    file_name: str = ""
    only_valid: bool = False
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False

    def by_action(self, action: str) -> list[RowResult]:
        return [r for r in self.rows if r.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATE, UPDATE, UNCHANGED, ERROR), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """(row, column, message) for every problem, in file order."""
        return [(r.number, col, msg) for r in self.rows for col, msg in r.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or any(r.action == ERROR for r in self.rows)

    @property
    def can_write(self) -> bool:
        counts = self.counts
        return not self.file_errors and (counts[CREATE] + counts[UPDATE]) > 0


def chunks(values: Iterable, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class BaseImporter(ABC):
    kind: str
    model: type[models.Model]
    sheet_title: str
    # headers of the *other* kind: a file holding them was uploaded under the wrong kind
    foreign_headers: tuple[str, ...] = ()
    other_kind_message: Any = ""

    def __init__(self, *, user, file_name: str = ""):
        self.user = user
        self.scope = scope_of(user)
        self.file_name = file_name
        self.columns = self.column_list()
        self.by_field = {c.field: c for c in self.columns}
        self.by_key: dict[str, cols.Column] = {}
        for column in self.columns:
            self.by_key[column.key] = column
            self.by_key.setdefault(fold(column.field), column)
        self.model_fields = {f.name: f for f in self.model._meta.fields}
        self.attname_to_name = {f.attname: f.name for f in self.model._meta.fields}
        # what decides "unchanged": every stored value but the time of the last change
        self.compared = [
            f.attname for f in self.model._meta.concrete_fields if f.name != "updated_at"
        ]
        self.lookups = {
            c.field: cols.choice_lookup(self.model_fields[c.field])
            for c in self.columns
            if c.kind == cols.CHOICE
        }
        self.provinces = self.scope.unit_ids("province", REGISTRY_EDITORS)
        self.districts = self.scope.unit_ids("district", REGISTRY_EDITORS)
        self.communes = self.scope.unit_ids("commune", REGISTRY_EDITORS)

    @staticmethod
    @abstractmethod
    def column_list() -> list[cols.Column]: ...

    # --- the whole file ------------------------------------------------------------------

    def map_headers(self, headers: list[str], report: ImportReport) -> list[cols.Column | None]:
        mapped: list[cols.Column | None] = []
        seen: dict[str, int] = {}
        foreign = {fold(h) for h in self.foreign_headers}
        for index, header in enumerate(headers, start=1):
            key = fold(header)
            if key in foreign:
                report.file_errors.append(self.other_kind_message % {"column": header})
                return []
            column = self.by_key.get(key) if key else None
            if column is None:
                if header:
                    report.warnings.append(
                        _("Column “%(column)s” is not part of the format and was ignored.")
                        % {"column": header}
                    )
                mapped.append(None)
                continue
            if column.field in seen:
                report.file_errors.append(
                    _("Column “%(column)s” appears twice (columns %(first)d and %(second)d).")
                    % {"column": column.header, "first": seen[column.field], "second": index}
                )
            seen[column.field] = index
            mapped.append(None if column.export_only else column)
        if not any(mapped) and not report.file_errors:
            report.file_errors.append(
                _("No column of this file is known: download the template and use its headers.")
            )
        return mapped

    def parse_rows(self, table: Table, mapped) -> list[tuple[RowResult, dict[str, Any]]]:
        present = [(i, c) for i, c in enumerate(mapped) if c is not None]
        parsed = []
        for number, cells in table.rows:
            row = RowResult(number)
            values: dict[str, Any] = {}
            for index, column in present:
                try:
                    values[column.field] = cols.parse(
                        column,
                        cells[index],
                        self.model_fields.get(column.field),
                        self.lookups.get(column.field),
                    )
                except ValidationError as exc:
                    row.bad_fields.add(column.field)
                    for message in exc.messages:
                        row.error(column.header, message)
            parsed.append((row, values))
        return parsed

    def validate(self, table: Table, mapped, report: ImportReport, *, lock: bool) -> None:
        parsed = self.parse_rows(table, mapped)
        self.preload([values for _row, values in parsed], lock=lock)
        for row, values in parsed:
            self.check_row(row, values)
            report.rows.append(row)
        self.check_duplicates([r for r in report.rows if r.obj is not None])
        for row in report.rows:
            self.classify(row)

    # --- one row -------------------------------------------------------------------------

    def header(self, name: str) -> str:
        column = self.by_field.get(name) or self.by_field.get(self.attname_to_name.get(name, ""))
        return column.header if column else ""

    def unit_editable(self, unit: AdministrativeUnit) -> bool:
        """The same test as ``Scope.units_q`` for the registry editors' roles."""
        if self.scope.is_admin:
            return True
        return (
            unit.province_id in self.provinces
            or unit.parent_id in self.districts
            or unit.pk in self.communes
        )

    def assign(self, row: RowResult, obj, values: dict[str, Any], skip: set[str]) -> None:
        for name, value in values.items():
            if name in skip or name in row.bad_fields or name not in self.model_fields:
                continue
            model_field = self.model_fields[name]
            if value in (None, "") and not model_field.blank and model_field.has_default():
                continue  # blank: the default for a new record, unchanged for an existing one
            setattr(obj, name, value)
        obj.name_folded = fold(obj.name)  # as Model.save() does

    def full_clean(self, row: RowResult, obj, exclude: Iterable[str]) -> None:
        try:
            obj.full_clean(
                exclude={*exclude, *row.bad_fields},
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                header = "" if name == NON_FIELD_ERRORS else self.header(name)
                for message in messages:
                    row.error(header, message)

    def classify(self, row: RowResult) -> None:
        if row.errors:
            row.action = ERROR
            return
        obj = row.obj
        if row.before is None:
            row.action = CREATE
            return
        before = row.before
        changed = [a for a in self.compared if getattr(before, a) != getattr(obj, a)]
        if not changed:
            row.action = UNCHANGED
            return
        row.action = UPDATE
        row.changed_fields = {self.attname_to_name[a] for a in changed}
        headers = {self.header(a) for a in changed}
        row.changes = [c.header for c in self.columns if c.header in headers]

    def duplicate_groups(self, rows: list[RowResult], key) -> dict[Any, list[RowResult]]:
        groups: dict[Any, list[RowResult]] = defaultdict(list)
        for row in rows:
            value = key(row)
            if value not in (None, ""):
                groups[value].append(row)
        return {value: group for value, group in groups.items() if len(group) > 1}

    def flag_duplicates(self, rows, key, header: str, message) -> None:
        for value, group in self.duplicate_groups(rows, key).items():
            numbers = ", ".join(str(r.number) for r in group)
            for row in group:
                row.error(header, message % {"value": value, "rows": numbers})

    # --- writing -------------------------------------------------------------------------

    def write(self, report: ImportReport) -> None:
        now = timezone.now()
        created = [r for r in report.rows if r.action == CREATE]
        updated = [r for r in report.rows if r.action == UPDATE]
        self.before_create([r.obj for r in created])
        bulk.insert(self.model, [r.obj for r in created])
        fields: set[str] = {"updated_at"}
        for row in updated:
            row.obj.updated_at = now
            fields |= row.changed_fields
        if updated:
            self.model.objects.bulk_update(
                [r.obj for r in updated], fields=sorted(fields), batch_size=BATCH
            )
        self.write_audit(created, updated)

    def before_create(self, objs: list) -> None:  # noqa: B027 - an optional hook
        """Hook: values the system assigns to new records (producer codes)."""

    def write_audit(self, created: list[RowResult], updated: list[RowResult]) -> None:
        actor = self.user if getattr(self.user, "pk", None) else None
        actor_repr = (actor.get_full_name() or actor.get_username()) if actor else ""
        target_type = ContentType.objects.get_for_model(self.model, for_concrete_model=False)
        reason = _("Imported from the file %(name)s") % {"name": self.file_name or "—"}
        request_id = requestid.get()
        name = self.model._meta.model_name

        def event(action, obj, before, after):
            return AuditEvent(
                actor=actor,
                actor_repr=actor_repr,
                request_id=request_id,
                action=action,
                target_type=target_type,
                target_id=str(obj.pk),
                target_repr=str(obj)[:300],
                unit=obj.audit_unit,
                before=before,
                after=after,
                reason=reason,
            )

        events = [
            event(f"ocop.{name}.created", r.obj, None, audit.snapshot(r.obj)) for r in created
        ]
        for row in updated:
            old, new = audit.diff(audit.snapshot(row.before), audit.snapshot(row.obj))
            events.append(event(f"ocop.{name}.updated", row.obj, old, new))
        bulk.insert(AuditEvent, events)

    # --- per kind ------------------------------------------------------------------------

    @abstractmethod
    def preload(self, values: list[dict[str, Any]], *, lock: bool) -> None: ...

    @abstractmethod
    def check_row(self, row: RowResult, values: dict[str, Any]) -> None: ...

    @abstractmethod
    def check_duplicates(self, rows: list[RowResult]) -> None: ...
