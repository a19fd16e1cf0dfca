from django.urls import path

from core.scoping import CHANGE
from core.workflow.views import TransitionView
from inspection import views

app_name = "inspection"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path(
        "<int:pk>/status/",
        TransitionView.as_view(workflow="inspection", scope_action=CHANGE),
        name="inspection_transition",
    ),
    path("<int:pk>/findings/new/", views.finding_add, name="finding_add"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/<int:pk>/propose/", views.violation_propose, name="violation_propose"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
