from django.urls import include, path

from registry import views

app_name = "registry"

urlpatterns = [
    path("producers/", views.producer_list, name="producer_list"),
    path("producers/new/", views.producer_create, name="producer_create"),
    path("producers/<int:pk>/", views.producer_detail, name="producer_detail"),
    path("producers/<int:pk>/edit/", views.producer_edit, name="producer_edit"),
    path("producers/<int:pk>/figures/", views.figure_add, name="figure_add"),
    path("products/", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/code/", views.product_assign_code, name="product_assign_code"),
    path("products/<int:pk>/<str:kind>/add/", views.product_part_add, name="product_part_add"),
    path(
        "products/<int:pk>/<str:kind>/<int:part_pk>/remove/",
        views.product_part_remove,
        name="product_part_remove",
    ),
    # import/export and evidence documents live in their own modules
    path("", include("registry.urls_io")),
    path("", include("registry.urls_documents")),
]
