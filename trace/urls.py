"""Traceability stamps."""

from django.urls import path

from core.workflow.views import TransitionView
from trace import views

app_name = "trace"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("export.<str:fmt>", views.batch_export, name="batch_export"),
    path("request/", views.batch_request, name="batch_request"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    # the one view of core.workflow: approve, reject, withdraw (the "next step" panel)
    path(
        "batches/<int:pk>/decide/",
        TransitionView.as_view(workflow="stamp_batch"),
        name="batch_decide",
    ),
    path("batches/<int:pk>/labels.pdf", views.batch_labels, name="batch_labels"),
    path("batches/<int:pk>/stamps.csv", views.batch_csv, name="batch_csv"),
    path("stamps/", views.stamp_search, name="stamp_search"),
    path("stamps/<int:pk>/", views.stamp_detail, name="stamp_detail"),
    # the one view of core.workflow: withdraw one stamp (the stamp's "next step" panel; the
    # stamp is found by its id there, after the search by serial)
    path(
        "stamps/<int:pk>/withdraw/",
        TransitionView.as_view(workflow="stamp"),
        name="stamp_withdraw",
    ),
    path("anomalies/", views.anomalies, name="anomalies"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    # the one view of core.workflow: mark as handled (the report's "next step" panel)
    path(
        "reports/<int:pk>/handle/",
        TransitionView.as_view(workflow="fake_report"),
        name="report_handle",
    ),
]
