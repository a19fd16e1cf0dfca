"""Import of producers and products: every row validated, then all written or none.

``run_import(commit=False)`` is the dry run: it reads the file, validates every row as
the services would (the model's field validators, choices and ``clean()``), checks the
user's scope and the unique values, and reports per row what would happen — create,
update, unchanged — or what is wrong (row, column, message). ``commit=True`` does the same
inside one transaction, with the target rows locked, and writes only when no row has an
error, unless ``only_valid`` asks to write the valid rows and skip the others.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.scoping import scope_of
from registry.io.base import CREATE, ERROR, UNCHANGED, UPDATE, BaseImporter, ImportReport
from registry.io.importers import ProducerImporter, ProductImporter
from registry.io.reading import FileError, read_table

__all__ = ["CREATE", "ERROR", "UNCHANGED", "UPDATE", "ImportReport", "can_import", "run_import"]


def can_import(user) -> bool:
    """Provincial offices, commune officers (their commune) and administrators."""
    scope = scope_of(user)
    return scope.is_admin or scope.has_role(Role.PROVINCIAL_OFFICE, Role.COMMUNE_OFFICER)


IMPORTERS: dict[str, type[BaseImporter]] = {
    "producers": ProducerImporter,
    "products": ProductImporter,
}


def run_import(
    *,
    user,
    path: Path,
    fmt: str,
    kind: str,
    commit: bool = False,
    only_valid: bool = False,
    file_name: str = "",
) -> ImportReport:
    """Validate (``commit=False``) or validate and write (``commit=True``) an import file."""
    if not can_import(user):
        raise PermissionDenied
    importer = IMPORTERS[kind](user=user, file_name=file_name)
    report = ImportReport(kind=kind, file_name=file_name, only_valid=only_valid)
    try:
        table = read_table(Path(path), fmt, importer.sheet_title)
    except FileError as exc:
        report.file_errors.append(str(exc.message))
        return report
    mapped = importer.map_headers(table.headers, report)
    if report.file_errors:
        return report
    if not table.rows:
        report.file_errors.append(_("The file has headers but no data rows."))
        return report
    if not commit:
        importer.validate(table, mapped, report, lock=False)
        return report
    try:
        with transaction.atomic():
            importer.validate(table, mapped, report, lock=True)
            if report.can_write and (only_valid or not report.has_errors):
                importer.write(report)
                report.written = True
    except IntegrityError:
        report.written = False
        report.file_errors.append(
            _(
                "Someone changed the same records at the same time, so nothing was written. "
                "Check the file again."
            )
        )
    return report
