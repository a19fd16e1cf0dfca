from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.generic import DetailScreen, ListScreen, create_and_edit
from core.scoping import CHANGE
from registry import selectors, services
from registry.forms import (
    PRODUCT_PARTS,
    BusinessFigureForm,
    ProducerEditForm,
    ProducerForm,
    ProductEditForm,
    ProductForm,
    communes_for,
)
from registry.models import Producer, Product


def _errors_as_messages(request, form) -> None:
    """A small form posted from a detail page: its errors go back there as messages."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


# --- producers --------------------------------------------------------------------------


def _producer_extra(request, producer):
    return {
        "products": producer.products.with_stars().select_related("product_set"),
        "figures": producer.figures.select_related("product").order_by("-year", "product"),
    }


producer_list = ListScreen.as_view(
    template_name="registry/producer_list.html", filterset=selectors.producer_filter
)
producer_detail = DetailScreen.as_view(
    template_name="registry/producer_detail.html",
    model=Producer,
    select_related=("current_unit__province", "unit_recorded__parent", "unit_recorded__province"),
    context_name="producer",
    extra=_producer_extra,
    actions=lambda request, producer: {
        "figure_form": BusinessFigureForm(
            producer=producer, initial={"year": timezone.localdate().year - 1}
        )
    },
)
producer_create, producer_edit = create_and_edit(
    model=Producer,
    context_name="producer",
    template_name="registry/producer_form.html",
    form_class=ProducerForm,
    allowed=lambda user: communes_for(user).exists(),
    edit_options={"form_class": ProducerEditForm},
    create=services.producer_create,
    update=services.producer_update,
    success="registry:producer_detail",
    created=lambda producer: _("Producer %(name)s was registered.") % {"name": producer},
)


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


def _product_extra(request, product):
    return {
        "can_assign_code": request.user.get_scope().has_role("provincial_office"),
        "this_year": timezone.localdate().year,
        "today": timezone.localdate(),
    }


product_list = ListScreen.as_view(
    template_name="registry/product_list.html", filterset=selectors.product_filter
)
product_detail = DetailScreen.as_view(
    template_name="registry/product_detail.html",
    model=Product,
    lookup=lambda user, _action: selectors.product_detail(user=user),
    context_name="product",
    extra=_product_extra,
    actions=lambda request, product: {
        "part_forms": {kind: form() for kind, (_m, form) in PRODUCT_PARTS.items()}
    },
)
product_create, product_edit = create_and_edit(
    model=Product,
    context_name="product",
    template_name="registry/product_form.html",
    form_class=ProductForm,
    allowed=lambda user: Producer.objects.restrict(user, CHANGE).exists(),
    create_options={"form_kwargs": lambda request, _obj: {"initial": request.GET.dict()}},
    edit_options={"form_class": ProductEditForm},
    create=services.product_create,
    update=services.product_update,
    success="registry:product_detail",
    created=lambda product: _("Product %(name)s was registered.") % {"name": product},
)


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
