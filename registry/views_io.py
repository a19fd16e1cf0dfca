"""Import (upload → dry run → confirm) and export of the registry lists.

The uploaded file is kept between the dry run and the confirmation in the storage every
server shares (``core.staging``), under a random token that only the uploader's session
knows (``SESSION_KEY``); the confirmation, on any server, claims the file, validates it
again against the database as it is then, and writes in one transaction. Files are deleted
once imported, and any left over after ``MAX_AGE``.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import staging
from core.formatting import number
from registry import selectors
from registry.io import FORMATS, KINDS, exporting
from registry.io.forms import ImportForm
from registry.io.importing import CREATE, ERROR, UNCHANGED, UPDATE, can_import, run_import

SESSION_KEY = "registry_imports"
MAX_AGE = 24 * 3600
MAX_PENDING = 5
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 1000
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_STEMS = {"producers": "chu-the", "products": "san-pham"}
LIST_URLS = {"producers": "registry:producer_list", "products": "registry:product_list"}


def _require_importer(request) -> None:
    if not can_import(request.user):
        raise PermissionDenied


def _store(request, upload, kind: str, fmt: str) -> str:
    staging.sweep(MAX_AGE)
    token = secrets.token_urlsafe(24)
    staging.save(_name(token, fmt), upload)
    entries = dict(request.session.get(SESSION_KEY, {}))
    entries[token] = {"kind": kind, "fmt": fmt, "name": Path(upload.name).name[:200]}
    while len(entries) > MAX_PENDING:
        oldest = next(iter(entries))
        _delete(oldest, entries.pop(oldest))
    request.session[SESSION_KEY] = entries
    return token


def _name(token: str, fmt: str) -> str:
    return f"{token}.{fmt}"


def _delete(token: str, entry: dict) -> None:
    staging.delete(_name(token, entry["fmt"]))


def _pending(request, token: str):
    if not TOKEN.match(token or ""):
        return None
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry.get("fmt") not in FORMATS or entry.get("kind") not in KINDS:
        return None
    name = _name(token, entry["fmt"])
    return (entry, name) if staging.exists(name) else None


def _discard(request, token: str) -> None:
    entries = dict(request.session.get(SESSION_KEY, {}))
    entry = entries.pop(token, None)
    if entry:
        _delete(token, entry)
    request.session[SESSION_KEY] = entries


def _preview(request, report, token: str | None, kind: str):
    labels = {
        CREATE: _("New"),
        UPDATE: _("Update"),
        UNCHANGED: _("Unchanged"),
        ERROR: _("Error"),
    }
    changes = [r for r in report.rows if r.action in (CREATE, UPDATE) or r.warnings]
    errors = report.errors
    counts = report.counts
    context = {
        "report": report,
        "token": token,
        "counts": counts,
        "labels": labels,
        "valid_rows": counts[CREATE] + counts[UPDATE],
        "error_rows": counts[ERROR],
        "errors": errors[:PREVIEW_ERRORS],
        "more_errors": max(0, len(errors) - PREVIEW_ERRORS),
        "changes": changes[:PREVIEW_ROWS],
        "more_changes": max(0, len(changes) - PREVIEW_ROWS),
        "form": ImportForm(initial={"kind": kind}),
        "list_url": LIST_URLS[kind],
    }
    return render(request, "registry/io/preview.html", context)


def import_start(request):
    """The upload form; a POSTed file is stored and checked (the dry run)."""
    _require_importer(request)
    kind = request.GET.get("kind")
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": kind if kind in KINDS else "products"},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        token = _store(request, upload, kind, form.fmt)
        _entry, name = _pending(request, token)
        with staging.local_copy(name) as path:
            report = run_import(
                user=request.user, path=path, fmt=form.fmt, kind=kind, file_name=upload.name
            )
        if report.file_errors or not report.can_write:
            _discard(request, token)
            token = None
        return _preview(request, report, token, kind)
    return render(request, "registry/io/import.html", {"form": form})


@require_POST
def import_confirm(request):
    """Validate the stored file again and write it in one transaction."""
    _require_importer(request)
    token = request.POST.get("token", "")
    pending = _pending(request, token)
    report = None
    if pending is not None:
        entry, name = pending
        with staging.claimed(name) as still_there:  # one confirmation at a time, any server
            if still_there:
                with staging.local_copy(name) as path:
                    report = run_import(
                        user=request.user,
                        path=path,
                        fmt=entry["fmt"],
                        kind=entry["kind"],
                        commit=True,
                        only_valid=request.POST.get("only_valid") == "1",
                        file_name=entry["name"],
                    )
                if report.written:  # gone with the import's commit; kept if nothing was written
                    staging.delete(name)
    if report is None:
        messages.error(
            request, _("This import is no longer available: upload the file again, please.")
        )
        return redirect("registry:import")
    if not report.written:
        return _preview(request, report, token, entry["kind"])
    _discard(request, token)
    counts = report.counts
    messages.success(
        request,
        _(
            "Import of %(file)s done: %(created)s created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % {
            "file": entry["name"],
            "created": number(counts[CREATE]),
            "updated": number(counts[UPDATE]),
            "unchanged": number(counts[UNCHANGED]),
        },
    )
    if counts[ERROR]:
        messages.warning(
            request,
            _("%(count)s rows with errors were skipped.") % {"count": number(counts[ERROR])},
        )
    return redirect(LIST_URLS[entry["kind"]])


def import_template(request):
    """The blank file to fill in: ``?kind=producers|products&format=xlsx|csv``."""
    kind = request.GET.get("kind", "products")
    fmt = request.GET.get("format", "xlsx")
    if kind not in KINDS or fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown kind or format."))
    name = f"mau-nhap-{FILE_STEMS[kind]}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exporting.template_csv(kind), content_type=CSV)
    else:
        buffer = io.BytesIO()
        exporting.template_xlsx(kind, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export(request, kind: str):
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown kind or format."))
    if kind == "producers":
        qs = selectors.producer_filter(user=request.user, params=request.GET).qs
    else:
        qs = selectors.product_filter(user=request.user, params=request.GET).qs
    name = f"{FILE_STEMS[kind]}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "xlsx":
        return FileResponse(
            exporting.export_xlsx(kind, qs), as_attachment=True, filename=name, content_type=XLSX
        )
    response = StreamingHttpResponse(exporting.export_csv(kind, qs), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def producer_export(request):
    """The producer list as filtered (``?format=xlsx|csv`` and the list's filters)."""
    return _export(request, "producers")


def product_export(request):
    """The product list as filtered (``?format=xlsx|csv`` and the list's filters)."""
    return _export(request, "products")
