"""Evidence documents and product images (included by ``registry/urls.py``)."""

from django.urls import path

from registry import views_documents as views

urlpatterns = [
    path("producers/<int:pk>/documents/", views.document_list, name="document_list"),
    path("producers/<int:pk>/documents/upload/", views.document_upload, name="document_upload"),
    path("documents/expiring/", views.documents_expiring, name="documents_expiring"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("products/<int:pk>/images/upload/", views.product_image_add, name="product_image_add"),
    path("product-images/<int:pk>/", views.product_image, name="product_image"),
    path(
        "product-images/<int:pk>/remove/",
        views.product_image_remove,
        name="product_image_remove",
    ),
]
