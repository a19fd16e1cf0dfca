from django.urls import include, path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("criteria/", views.catalogue, name="catalogue"),
    path("criteria/<str:code>/", views.version_detail, name="version_detail"),
    path("criteria/<str:code>/<int:number>/", views.sheet_detail, name="sheet_detail"),
    path("criteria/<str:code>/<int:number>/pdf/", views.sheet_pdf, name="sheet_pdf"),
    path("self-assessments/", views.assessment_list, name="assessment_list"),
    path("self-assessments/start/", views.assessment_start, name="assessment_start"),
    path("self-assessments/<int:pk>/", views.assessment_edit, name="assessment_edit"),
    path("self-assessments/<int:pk>/preview/", views.assessment_preview, name="assessment_preview"),
    path("self-assessments/<int:pk>/pdf/", views.assessment_pdf, name="assessment_pdf"),
    path("", include("evaluation.urls_council")),
]
