from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_validation_error
from core.scoping import CHANGE
from registry import selectors, services
from registry.forms import (
    PRODUCT_PARTS,
    BusinessFigureForm,
    ProducerForm,
    ProductForm,
    ReasonField,
    communes_for,
)
from registry.models import Producer, Product

PAGE_SIZE = 50


def _list(request, filterset, template):
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, template, {"filter": filterset, "page": page, "query": query.urlencode()}
    )


def _errors_as_messages(request, form) -> None:
    """A small form posted from a detail page: its errors go back there as messages."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _can_change(user, obj) -> bool:
    return type(obj).objects.restrict(user, CHANGE).filter(pk=obj.pk).exists()


# --- producers --------------------------------------------------------------------------


def producer_list(request):
    return _list(
        request,
        selectors.producer_filter(user=request.user, params=request.GET),
        "registry/producer_list.html",
    )


def producer_detail(request, pk):
    producer = get_object_or_404(
        Producer.objects.restrict(request.user).select_related(
            "current_unit__province", "unit_recorded__parent", "unit_recorded__province"
        ),
        pk=pk,
    )
    can_change = _can_change(request.user, producer)
    return render(
        request,
        "registry/producer_detail.html",
        {
            "producer": producer,
            "products": producer.products.with_stars().select_related("product_set"),
            "figures": producer.figures.select_related("product").order_by("-year", "product"),
            "can_change": can_change,
            "figure_form": BusinessFigureForm(
                producer=producer, initial={"year": timezone.localdate().year - 1}
            )
            if can_change
            else None,
        },
    )


def producer_create(request):
    if not communes_for(request.user).exists():
        raise PermissionDenied
    form = ProducerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            producer = services.producer_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Producer %(name)s was registered.") % {"name": producer})
            return redirect("registry:producer_detail", pk=producer.pk)
    return render(request, "registry/producer_form.html", {"form": form})


def producer_edit(request, pk):
    producer = get_object_or_404(Producer.objects.restrict(request.user, CHANGE), pk=pk)
    form = ProducerForm(request.POST or None, instance=producer, user=request.user)
    form.fields["reason"] = ReasonField()
    if producer.current_unit not in form.fields["commune"].queryset:
        # a producer editing itself keeps its commune; officials move it within their scope
        form.fields["commune"].queryset = form.fields["commune"].queryset.model.objects.filter(
            pk=producer.current_unit_id
        )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        reason = form.cleaned_data.get("reason", "")
        try:
            services.producer_update(
                actor=request.user, producer=Producer.objects.get(pk=pk), reason=reason, **fields
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("registry:producer_detail", pk=pk)
    return render(request, "registry/producer_form.html", {"form": form, "producer": producer})


@require_POST
def figure_add(request, pk):
    producer = get_object_or_404(Producer.objects.restrict(request.user, CHANGE), pk=pk)
    form = BusinessFigureForm(request.POST, producer=producer)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.figure_save(
                actor=request.user,
                producer=producer,
                year=data["year"],
                product=data["product"],
                **{k: data[k] for k in ("revenue", "profit", "output", "output_unit", "workforce")},
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The figures for %(year)s were saved.") % data)
    else:
        _errors_as_messages(request, form)
    return redirect("registry:producer_detail", pk=pk)


# --- products ---------------------------------------------------------------------------


def product_list(request):
    return _list(
        request,
        selectors.product_filter(user=request.user, params=request.GET),
        "registry/product_list.html",
    )


def product_detail(request, pk):
    product = selectors.product_detail(user=request.user, pk=pk).first()
    if product is None:
        raise Http404
    can_change = _can_change(request.user, product)
    scope = request.user.get_scope()
    return render(
        request,
        "registry/product_detail.html",
        {
            "product": product,
            "can_change": can_change,
            "can_assign_code": scope.has_role("provincial_office"),
            "part_forms": {kind: form() for kind, (_m, form) in PRODUCT_PARTS.items()}
            if can_change
            else {},
            "this_year": timezone.localdate().year,
            "today": timezone.localdate(),
        },
    )


def product_create(request):
    form = ProductForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if not form.fields["producer"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Product %(name)s was registered.") % {"name": product})
            return redirect("registry:product_detail", pk=product.pk)
    return render(request, "registry/product_form.html", {"form": form})


def product_edit(request, pk):
    product = get_object_or_404(Product.objects.restrict(request.user, CHANGE), pk=pk)
    form = ProductForm(request.POST or None, instance=product, user=request.user)
    form.fields["reason"] = ReasonField()
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                actor=request.user,
                product=Product.objects.get(pk=pk),
                reason=form.cleaned_data.get("reason", ""),
                **form.service_fields(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("registry:product_detail", pk=pk)
    return render(request, "registry/product_form.html", {"form": form, "product": product})


@require_POST
def product_part_add(request, pk, kind):
    product = get_object_or_404(Product.objects.restrict(request.user, CHANGE), pk=pk)
    if kind not in PRODUCT_PARTS:
        raise Http404
    _model, form_class = PRODUCT_PARTS[kind]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            services.product_part_add(actor=request.user, product=product, part=form.instance)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Added."))
    else:
        _errors_as_messages(request, form)
    return redirect("registry:product_detail", pk=pk)


@require_POST
def product_part_remove(request, pk, kind, part_pk):
    product = get_object_or_404(Product.objects.restrict(request.user, CHANGE), pk=pk)
    if kind not in PRODUCT_PARTS:
        raise Http404
    model, _form = PRODUCT_PARTS[kind]
    part = get_object_or_404(model, pk=part_pk, product=product)
    services.product_part_remove(actor=request.user, part=part)
    messages.success(request, _("Removed."))
    return redirect("registry:product_detail", pk=pk)


@require_POST
def product_assign_code(request, pk):
    if not request.user.get_scope().has_role("provincial_office"):
        raise PermissionDenied
    product = get_object_or_404(Product.objects.restrict(request.user, CHANGE), pk=pk)
    year = timezone.localdate().year
    product = services.product_assign_code(actor=request.user, product=product, year=year)
    messages.success(request, _("OCOP code %(code)s was assigned.") % {"code": product.code})
    return redirect("registry:product_detail", pk=pk)
