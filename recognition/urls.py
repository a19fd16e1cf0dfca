from django.urls import path

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
    path("revocations/<int:pk>/dismiss/", views.revocation_dismiss, name="revocation_dismiss"),
    path("reports/", views.report_index, name="reports"),
    path("reports/dossiers.xlsx", views.report_dossiers, name="report_dossiers"),
    path("reports/recognised.xlsx", views.report_recognised, name="report_recognised"),
]
