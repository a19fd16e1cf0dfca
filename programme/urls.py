from django.urls import path

from core.workflow.views import TransitionView
from programme import views, views_funding

app_name = "programme"

urlpatterns = [
    path("ideas/", views.idea_list, name="idea_list"),
    path("ideas/new/", views.idea_create, name="idea_create"),
    path("ideas/<int:pk>/", views.idea_detail, name="idea_detail"),
    path("ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path(
        "ideas/<int:pk>/status/",
        TransitionView.as_view(workflow="idea"),
        name="idea_transition",
    ),
    path("ideas/<int:idea_pk>/plan/", views.plan_create, name="plan_create"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path(
        "plans/<int:pk>/status/",
        TransitionView.as_view(workflow="business_plan"),
        name="plan_transition",
    ),
    path("plans/<int:pk>/lines/add/", views.line_add, name="line_add"),
    path("plans/<int:pk>/lines/<int:line_pk>/remove/", views.line_remove, name="line_remove"),
    path("plans/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("plans/<int:pk>/dossier/", views.plan_dossier, name="plan_dossier"),
    path("support/needs/", views_funding.support_needs, name="support_needs"),
    path("support/allocations/", views_funding.allocation_list, name="allocation_list"),
    path(
        "support/lines/<int:line_pk>/allocate/",
        views_funding.allocation_add,
        name="allocation_add",
    ),
    path(
        "support/allocations/<int:allocation_pk>/pay/",
        views_funding.disbursement_add,
        name="disbursement_add",
    ),
    path("support/decisions/", views_funding.decision_list, name="decision_list"),
    path("support/decisions/new/", views_funding.decision_create, name="decision_create"),
    path(
        "support/decisions/<int:pk>/contents/add/",
        views_funding.content_add,
        name="content_add",
    ),
]
