from django.urls import path

from core.workflow.views import TransitionView
from market import views

app_name = "market"

urlpatterns = [
    path("", views.point_map, name="map"),
    path("points/", views.point_list, name="point_list"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/export/", views.export, name="export"),
    path("points/import/", views.import_points, name="import"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    # the one view of core.workflow: suspend, reopen, close (the point's "next step" panel)
    path(
        "points/<int:pk>/step/",
        TransitionView.as_view(workflow="sales_point"),
        name="point_transition",
    ),
    path("points/<int:pk>/products/", views.product_add, name="product_add"),
    path(
        "points/<int:pk>/products/<int:link_pk>/stop/",
        views.product_stop,
        name="product_stop",
    ),
    path("coverage/", views.coverage, name="coverage"),
    path("where-to-buy/", views.where_to_buy, name="where_to_buy"),
]
