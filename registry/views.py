from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from registry import selectors
from registry.models import Producer, Product

PAGE_SIZE = 50


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def producer_list(request):
    q = request.GET.get("q", "").strip()
    page = _page(request, selectors.producer_list(user=request.user, q=q))
    return render(request, "registry/producer_list.html", {"page": page, "q": q})


def producer_detail(request, pk):
    producer = get_object_or_404(
        Producer.objects.restrict(request.user).select_related(
            "current_unit__province", "unit_recorded__parent", "unit_recorded__province"
        ),
        pk=pk,
    )
    products = producer.products.select_related("product_set")
    return render(
        request, "registry/producer_detail.html", {"producer": producer, "products": products}
    )


def product_list(request):
    q = request.GET.get("q", "").strip()
    page = _page(request, selectors.product_list(user=request.user, q=q))
    return render(request, "registry/product_list.html", {"page": page, "q": q})


def product_detail(request, pk):
    product = get_object_or_404(
        Product.objects.restrict(request.user).select_related(
            "producer__current_unit__province", "product_set"
        ),
        pk=pk,
    )
    return render(request, "registry/product_detail.html", {"product": product})
