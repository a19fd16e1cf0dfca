"""Council URLs, included by ``evaluation/urls.py`` (namespace ``evaluation``)."""

from django.urls import path

from core.workflow.views import TransitionView
from evaluation import views_council as views

urlpatterns = [
    path("councils/", views.council_list, name="council_list"),
    path("councils/new/", views.council_create, name="council_create"),
    path("councils/<int:pk>/", views.council_detail, name="council_detail"),
    path("councils/<int:pk>/members/", views.council_member_add, name="council_member_add"),
    path(
        "councils/<int:pk>/members/<int:member_pk>/remove/",
        views.council_member_remove,
        name="council_member_remove",
    ),
    path("councils/<int:pk>/sessions/", views.session_open, name="council_session_open"),
    path("council-sessions/<int:pk>/", views.session_detail, name="council_session"),
    path(
        "council-sessions/<int:pk>/attendance/",
        views.session_attendance,
        name="council_session_attendance",
    ),
    path(
        "council-sessions/<int:pk>/step/",
        TransitionView.as_view(workflow="council_session"),
        name="council_session_transition",
    ),
    path(
        "council-sessions/<int:pk>/minutes.pdf",
        views.session_minutes,
        name="council_session_minutes",
    ),
    path("scoring/", views.my_scoring, name="my_scoring"),
    path("council-evaluations/<int:pk>/", views.evaluation_detail, name="council_evaluation"),
    path("council-evaluations/<int:pk>/sheet/", views.score_sheet, name="score_sheet"),
    path(
        "council-evaluations/<int:pk>/sheet/preview/",
        views.score_sheet_preview,
        name="score_sheet_preview",
    ),
    path(
        "council-evaluations/<int:pk>/sheets/<int:sheet_pk>/",
        views.score_sheet_view,
        name="score_sheet_view",
    ),
    path("council-evaluations/<int:pk>/recuse/", views.recusal_declare, name="recusal_declare"),
    path(
        "council-evaluations/<int:pk>/step/",
        TransitionView.as_view(workflow="evaluation"),
        name="council_evaluation_transition",
    ),
]
