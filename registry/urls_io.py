"""Import and export of producers and products (names under the ``registry:`` namespace)."""

from django.urls import path

from registry import views_io

urlpatterns = [
    path("import/", views_io.import_start, name="import"),
    path("import/confirm/", views_io.import_confirm, name="import_confirm"),
    path("import/template/", views_io.import_template, name="import_template"),
    path("producers/export/", views_io.producer_export, name="producer_export"),
    path("products/export/", views_io.product_export, name="product_export"),
]
