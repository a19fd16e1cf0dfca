"""Evidence documents and product images: lists, upload, edit, delete, scoped downloads.

Every object is looked up through ``restrict()``: viewing and downloading need the "view"
scope of the producer, uploading, editing and deleting its "change" scope; anything outside
is a 404. Files are streamed by these views as attachments, never from a public media URL.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.forms import ReasonForm
from core.generic import DetailScreen, FormScreen, ListScreen
from core.scoping import CHANGE, VIEW
from core.widgets import DateInput
from registry import documents as docs
from registry.models import Document, Producer, Product, ProductImage
from registry.models.documents import EXPIRY_WARNING_DAYS

DATE_WIDGET = DateInput()


# --- Forms ----------------------------------------------------------------------------


class DocumentForm(forms.ModelForm):
    """The description of a document; the file itself is added by the upload form."""

    class Meta:
        model = Document
        fields = ["doc_type", "title", "number", "issuer", "issued_on", "expires_on", "product"]
        widgets = {"issued_on": DATE_WIDGET, "expires_on": DATE_WIDGET}

    def __init__(self, *args, producer: Producer, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.producer = producer
        self.fields["product"].queryset = producer.products.order_by("name", "pk")
        self.fields["product"].empty_label = format_lazy(
            "— {} —", gettext_lazy("The producer as a whole")
        )


class DocumentUploadForm(DocumentForm):
    file = forms.FileField(label=capfirst(Document._meta.get_field("file").verbose_name))
    field_order = ["file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = docs.ACCEPT_ATTRIBUTE
        self.fields["file"].help_text = _(
            "PDF, JPEG, PNG or WebP, at most %(limit)s MB. The same file is kept only once."
        ) % {"limit": docs.max_upload_bytes() // (1024 * 1024)}
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Leave empty to use the file name.")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if not data.get("title") and upload is not None:
            stem = docs.download_name(upload.name.rsplit(".", 1)[0], "")
            data["title"] = stem[: Document._meta.get_field("title").max_length]
        return data


class DocumentEditForm(DocumentForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=500, widget=forms.TextInput()
    )

    def service_fields(self) -> dict:
        names = [*DocumentForm.Meta.fields, "reason"]
        return {name: self.cleaned_data[name] for name in names}


class ProductImageForm(forms.Form):
    file = forms.FileField(label=capfirst(ProductImage._meta.get_field("image").verbose_name))
    caption = forms.CharField(
        label=capfirst(ProductImage._meta.get_field("caption").verbose_name),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = docs.IMAGE_ACCEPT_ATTRIBUTE
        self.fields["file"].help_text = _("JPEG, PNG or WebP, at most %(limit)s MB.") % {
            "limit": docs.max_upload_bytes() // (1024 * 1024)
        }


# --- Helpers --------------------------------------------------------------------------


def _producer(request, pk, action=VIEW) -> Producer:
    return get_object_or_404(
        Producer.objects.restrict(request.user, action).select_related("current_unit__province"),
        pk=pk,
    )


def _documents(user, action=VIEW):
    return Document.objects.restrict(user, action)


def _document(request, pk, action=VIEW) -> Document:
    return get_object_or_404(
        _documents(request.user, action).select_related(
            "producer__current_unit__province", "product"
        ),
        pk=pk,
    )


def _can_change(user, producer: Producer) -> bool:
    return Producer.objects.restrict(user, CHANGE).filter(pk=producer.pk).exists()


def _with_expiry(documents, today: datetime.date | None = None):
    today = today or timezone.localdate()
    rows = list(documents)
    for document in rows:
        document.expiry = docs.expiry_of(document, today)
    return rows


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _add_errors(form, exc: ValidationError, default_field: str = "file") -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(default_field, exc)


def _duplicate_of(exc: ValidationError) -> int | None:
    for error in getattr(exc, "error_dict", {}).get("file", []):
        if error.code == "duplicate":
            return error.params["pk"]
    return None


def _harden(response):
    """Files are served to be saved or shown, never run as a page of this site."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _open(field_file):
    if not field_file or not field_file.name:
        raise Http404
    try:
        return field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc


# --- Documents ------------------------------------------------------------------------


def document_list(request, pk):
    """A producer's documents; with ``?product=`` those of one product (and its pictures).

    Asked by htmx (the panel on producer and product pages), it answers the panel body only.
    """
    producer = _producer(request, pk)
    product = None
    if request.GET.get("product", "").isdigit():
        product = get_object_or_404(producer.products.all(), pk=int(request.GET["product"]))
    documents = producer.documents.select_related("product").order_by(
        "doc_type", "-issued_on", "-pk"
    )
    if product is not None:
        documents = documents.filter(product=product)
    context = {
        "producer": producer,
        "product": product,
        "documents": _with_expiry(documents),
        "can_change": _can_change(request.user, producer),
        "warning_days": EXPIRY_WARNING_DAYS,
    }
    if product is not None:
        context["images"] = list(product.images.all())
    if request.headers.get("HX-Request"):
        back = (
            reverse("registry:product_detail", args=[product.pk])
            if product is not None
            else reverse("registry:producer_detail", args=[producer.pk])
        )
        context["next"] = back
        return render(request, "registry/documents/_panel_body.html", context)
    context["next"] = request.get_full_path()
    return render(request, "registry/documents/list.html", context)


document_detail = DetailScreen.as_view(
    template_name="registry/documents/detail.html",
    model=Document,  # its "change" scope is its producer's
    select_related=("producer__current_unit__province", "product"),
    context_name="document",
    extra=lambda request, document: {"expiry": docs.expiry_of(document)},
)


def document_upload(request, pk):
    producer = _producer(request, pk, CHANGE)
    initial = {}
    wanted = request.GET.get("product", "")
    if wanted.isdigit() and producer.products.filter(pk=int(wanted)).exists():
        initial["product"] = int(wanted)
    is_post = request.method == "POST"
    form = DocumentUploadForm(
        request.POST if is_post else None,
        request.FILES if is_post else None,
        producer=producer,
        initial=initial,
    )
    duplicate = None
    if is_post and form.is_valid():
        data = form.cleaned_data
        try:
            document = docs.document_upload(
                actor=request.user,
                producer=producer,
                product=data["product"],
                file=data["file"],
                doc_type=data["doc_type"],
                title=data["title"],
                number=data["number"],
                issuer=data["issuer"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            duplicate = Document.objects.filter(pk=_duplicate_of(exc)).first()
        else:
            messages.success(
                request, _("The document “%(title)s” was saved.") % {"title": document}
            )
            return redirect(
                _next_url(request, reverse("registry:document_list", args=[producer.pk]))
            )
    context = {
        "form": form,
        "producer": producer,
        "duplicate": duplicate,
        "next": _next_url(request, ""),
    }
    return render(request, "registry/documents/upload.html", context)


document_edit = FormScreen.as_view(
    template_name="registry/documents/edit.html",
    form_class=DocumentEditForm,
    form_takes_user=False,
    model=Document,
    select_related=("producer__current_unit__province", "product"),
    context_name="document",
    form_kwargs=lambda request, document: {"producer": document.producer},
    extra=lambda request, document: {"producer": document.producer},
    fresh_related=("producer",),
    save=lambda actor, document, fields: docs.document_update(
        actor=actor, document=document, **fields
    ),
    success="registry:document_detail",
    message=gettext_lazy("The document was updated."),
)


def document_delete(request, pk):
    document = _document(request, pk, CHANGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        producer_pk = document.producer_id
        try:
            docs.document_delete(
                actor=request.user, document=document, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc, default_field=None)
        else:
            messages.success(request, _("The document was deleted."))
            return redirect("registry:document_list", pk=producer_pk)
    return render(request, "registry/documents/delete.html", {"form": form, "document": document})


def document_download(request, pk):
    document = _document(request, pk)
    response = FileResponse(
        _open(document.file),
        as_attachment=True,
        filename=docs.download_name(document.title, docs.file_extension(document.file.name)),
        content_type=document.content_type or docs.content_type_for(document.file.name),
    )
    return _harden(response)


def _expiring_status(params) -> str:
    status = params.get("status", "")
    return status if status in ("expired", "soon") else ""


def _expiring(*, user, params):
    """Documents in the user's scope that expired or expire within 90 days, soonest first."""
    today = timezone.localdate()
    documents = (
        _documents(user)
        .filter(expires_on__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS))
        .select_related("producer__current_unit__province", "product")
        .order_by("expires_on", "pk")
    )
    status = _expiring_status(params)
    if status == "expired":
        return documents.expired(today)
    return documents.expiring(today=today) if status == "soon" else documents


documents_expiring = ListScreen.as_view(
    template_name="registry/documents/expiring.html",
    rows=_expiring,
    page_rows=_with_expiry,
    extra=lambda request: {
        "status": _expiring_status(request.GET),
        "warning_days": EXPIRY_WARNING_DAYS,
    },
)


# --- Product images -------------------------------------------------------------------


def product_image_add(request, pk):
    product = get_object_or_404(
        Product.objects.restrict(request.user, CHANGE).select_related("producer"), pk=pk
    )
    is_post = request.method == "POST"
    form = ProductImageForm(request.POST if is_post else None, request.FILES if is_post else None)
    if is_post and form.is_valid():
        try:
            docs.product_image_add(
                actor=request.user,
                product=product,
                file=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The picture was added."))
            return redirect(
                _next_url(request, reverse("registry:product_detail", args=[product.pk]))
            )
    context = {"form": form, "product": product, "next": _next_url(request, "")}
    return render(request, "registry/documents/image_form.html", context)


def product_image(request, pk):
    image = get_object_or_404(ProductImage.objects.restrict(request.user), pk=pk)
    response = FileResponse(
        _open(image.image),
        content_type=docs.content_type_for(image.image.name),
        filename=docs.download_name(
            image.caption or str(image.product_id), docs.file_extension(image.image.name)
        ),
    )
    return _harden(response)


@require_POST
def product_image_remove(request, pk):
    image = get_object_or_404(
        ProductImage.objects.restrict(request.user, CHANGE).select_related("product__producer"),
        pk=pk,
    )
    product_pk = image.product_id
    docs.product_image_remove(
        actor=request.user, image=image, reason=request.POST.get("reason", "").strip()
    )
    messages.success(request, _("The picture was removed."))
    return redirect(_next_url(request, reverse("registry:product_detail", args=[product_pk])))
