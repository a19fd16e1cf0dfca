from django.urls import include, path

from registry import views

app_name = "registry"

urlpatterns = [
    path("producers/", views.producer_list, name="producer_list"),
    path("producers/<int:pk>/", views.producer_detail, name="producer_detail"),
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    # import/export and evidence documents live in their own modules
    path("", include("registry.urls_io")),
    path("", include("registry.urls_documents")),
]
