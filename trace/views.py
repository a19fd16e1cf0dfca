import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.shortcuts import render as django_render
from django.utils.translation import gettext as _

from core.forms import apply_validation_error
from core.pdf import pdf_response
from core.scoping import scope_of
from core.text import fold
from trace import exporting, printing, selectors, services
from trace.choices import BatchStatus, ReportStatus, StampStatus
from trace.forms import (
    BatchFilterForm,
    BatchRequestForm,
    PrintForm,
    ReportFilterForm,
    StampSearchForm,
    requestable_products,
)
from trace.models import STAMP_OFFICIALS
from trace.rules import normalise_serial
from trace.workflows import issue_job_pending

PAGE_SIZE = 50


def _is_official(user) -> bool:
    scope = scope_of(user)
    return scope.is_admin or bool(scope.unit_ids("province", STAMP_OFFICIALS))


def render(request, template, context, **kwargs):
    """Render with what the tabs need (anomalies and reports are for officials)."""
    context = {**context, "show_official_tabs": _is_official(request.user)}
    return django_render(request, template, context, **kwargs)


def _may_request_any(user) -> bool:
    from accounts.choices import Role

    scope = scope_of(user)
    return scope.has_role(Role.PROVINCIAL_OFFICE, Role.PRODUCER)


def _filtered_batches(request):
    form = BatchFilterForm(request.GET or None)
    batches = selectors.batches_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            key = fold(data["q"])
            batches = batches.filter(
                Q(product__name_folded__contains=key)
                | Q(product__producer__name_folded__contains=key)
                | Q(lot__icontains=data["q"].strip())
            )
        if data["status"]:
            batches = batches.filter(status=data["status"])
        if data["since"]:
            batches = batches.filter(created_at__date__gte=data["since"])
        if data["issued_from"]:
            batches = batches.filter(issued_at__date__gte=data["issued_from"])
        if data["product"]:
            batches = batches.filter(product_id=data["product"])
    return form, batches.order_by("-created_at", "-pk")


def batch_list(request):
    form, batches = _filtered_batches(request)
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trace/batch_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "can_request": _may_request_any(request.user),
        },
    )


def batch_export(request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    _form, batches = _filtered_batches(request)
    batches = batches.iterator(chunk_size=2000)
    if fmt == "xlsx":
        return FileResponse(
            exporting.export_xlsx(batches),
            as_attachment=True,
            filename="lo-tem-truy-xuat.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    buffer = io.StringIO()
    exporting.export_csv(batches, buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lo-tem-truy-xuat.csv"'
    return response


def batch_request(request):
    if not _may_request_any(request.user):
        raise PermissionDenied
    form = BatchRequestForm(
        request.POST or None,
        products=requestable_products(request.user),
        initial={"product": request.GET.get("product")},  # from the product's page
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_request(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied:
            form.add_error("product", _("You cannot request stamps for this product."))
        else:
            messages.success(request, _("The request was sent to the provincial OCOP office."))
            return redirect("trace:batch_detail", batch.pk)
    return render(request, "trace/batch_form.html", {"form": form})


def _batch(request, pk):
    return get_object_or_404(selectors.batches_for(request.user), pk=pk)


def batch_detail(request, pk):
    batch = _batch(request, pk)
    counts = dict(
        batch.stamps.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    printable = batch.status == BatchStatus.ISSUED
    return render(
        request,
        "trace/batch_detail.html",
        {
            "batch": batch,
            "print_form": PrintForm(quantity=batch.quantity) if printable else None,
            "active": counts.get(StampStatus.ACTIVE, 0),
            "withdrawn": counts.get(StampStatus.WITHDRAWN, 0),
            "withdrawn_stamps": batch.stamps.filter(status=StampStatus.WITHDRAWN).order_by(
                "-withdrawn_at"
            )[:20],
            "sample": batch.stamps.order_by("pk").first() if printable else None,
            "issue_pending": batch.status in (BatchStatus.APPROVED, BatchStatus.ISSUING)
            and issue_job_pending(batch),
        },
    )


def _issued(request, pk):
    batch = _batch(request, pk)
    if batch.status != BatchStatus.ISSUED:
        raise Http404
    return batch


def batch_labels(request, pk):
    batch = _issued(request, pk)
    form = PrintForm(request.GET, quantity=batch.quantity)
    if not form.is_valid():
        return render(
            request, "trace/batch_print.html", {"batch": batch, "print_form": form}, status=400
        )
    data = form.cleaned_data
    pdf = printing.label_sheet_pdf(
        batch, layout=data["layout"], first=data["first"], last=data["last"]
    )
    name = f"tem-{batch.pk}-{data['first']}-{data['last']}-{data['layout']}.pdf"
    return pdf_response(pdf, name)


def batch_csv(request, pk):
    batch = _issued(request, pk)
    response = StreamingHttpResponse(printing.csv_rows(batch), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="tem-{batch.pk}-{batch.lot}.csv"'
    return response


def stamp_search(request):
    form = StampSearchForm(request.GET or None)
    stamp = None
    searched = False
    if form.is_valid():
        searched = True
        serial = normalise_serial(form.cleaned_data["serial"])
        stamp = selectors.stamps_for(request.user).filter(serial=serial).first()
        if stamp is not None:
            return redirect("trace:stamp_detail", stamp.pk)
    return render(
        request, "trace/stamp_search.html", {"form": form, "searched": searched, "stamp": stamp}
    )


def stamp_detail(request, pk):
    """A stamp's page; withdrawing it is the ``withdraw`` step of ``trace.workflows.STAMP``
    in its "next step" panel, posted to the one ``TransitionView`` (``trace:stamp_withdraw``)."""
    stamp = get_object_or_404(selectors.stamps_for(request.user), pk=pk)
    return render(
        request,
        "trace/stamp_detail.html",
        {"stamp": stamp, "scans": stamp.scans.order_by("-scanned_at")[:50]},
    )


def _require_official(user):
    if not _is_official(user):
        raise PermissionDenied


def anomalies(request):
    _require_official(request.user)
    return render(
        request,
        "trace/anomalies.html",
        {
            "many": selectors.stamps_scanned_many_times(request.user)[:100],
            "far_apart": selectors.scans_far_apart(request.user)[:100],
            "bursts": list(selectors.unknown_code_bursts(request.user)[:100]),
            "thresholds": {
                "many": selectors.MANY_SCANS,
                "hours": selectors.FAR_APART_HOURS,
                "burst": selectors.UNKNOWN_BURST,
                "days": selectors.ANOMALY_DAYS,
            },
        },
    )


def report_list(request):
    _require_official(request.user)
    form = ReportFilterForm(request.GET or None)
    reports = selectors.reports_for(request.user)
    if form.is_valid() and form.cleaned_data["status"]:
        reports = reports.filter(status=form.cleaned_data["status"])
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trace/report_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "handled": ReportStatus.HANDLED,
        },
    )


def report_detail(request, pk):
    """A report and its "next step" panel (``trace.workflows.FAKE_REPORT``): the provincial
    office marks it as handled there, through ``core.workflow.views.TransitionView``."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    return render(request, "trace/report_detail.html", {"r": report})
