from django.urls import path

from plans import statistics, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/refresh/", views.plan_refresh, name="plan_refresh"),
    path("<int:pk>/report/", views.plan_report, name="plan_report"),
    path("<int:pk>/targets/new/", views.target_create, name="target_create"),
    path("<int:pk>/targets/<int:target_pk>/edit/", views.target_edit, name="target_edit"),
    path("<int:pk>/targets/<int:target_pk>/delete/", views.target_delete, name="target_delete"),
    path("<int:pk>/targets/<int:target_pk>/records/", views.target_records, name="target_records"),
    path("<int:pk>/targets/<int:target_pk>/units/", views.target_units, name="target_units"),
    path("statistics/", statistics.statistics_view, name="statistics"),
    path("statistics/export.xlsx", statistics.statistics_export, name="statistics_export"),
]
