"""Photos of recognised products, for anonymous visitors (uploads are otherwise private)."""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from core.replica import reads_from_replica
from public import selectors
from registry.models import ProductImage

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


@login_not_required
@require_safe
@reads_from_replica
def product_image(request, pk):
    image = get_object_or_404(
        ProductImage.objects.filter(product__in=selectors.recognised_products().values("pk")),
        pk=pk,
    )
    name = image.image.name or ""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in CONTENT_TYPES:
        raise Http404
    try:
        handle = image.image.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=CONTENT_TYPES[suffix])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response
