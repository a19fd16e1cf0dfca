from django.urls import path

from core.workflow.views import TransitionView
from recognition import views

app_name = "recognition"

urlpatterns = [
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/pdf/", views.decision_pdf, name="decision_pdf"),
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.revocation_propose, name="revocation_propose"),
    path("revocations/", views.revocation_list, name="revocation_list"),
    path("revocations/<int:pk>/", views.revocation_detail, name="revocation_detail"),
    path("revocations/<int:pk>/decide/", views.revocation_decide, name="revocation_decide"),
    # the one view of core.workflow: dismiss (the proposal's "next step" panel); the decision
    # is recorded with its own form above, its step taken by services.revocation_decide
    path(
        "revocations/<int:pk>/step/",
        TransitionView.as_view(workflow="revocation"),
        name="revocation_step",
    ),
    path("reports/", views.report_index, name="reports"),
    path("reports/dossiers.xlsx", views.report_dossiers, name="report_dossiers"),
    path("reports/recognised.xlsx", views.report_recognised, name="report_recognised"),
]
