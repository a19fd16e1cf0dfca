from django.urls import path

from core.scoping import CHANGE
from core.workflow.views import TransitionView
from promotion import views

app_name = "promotion"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path(
        "events/<int:pk>/participants/<int:participation_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("participations/", views.participation_list, name="participation_list"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    # the one view of core.workflow (the "next step" panel); found among the contracts the
    # user may change, as before
    path(
        "contracts/<int:pk>/status/",
        TransitionView.as_view(workflow="contract", scope_action=CHANGE),
        name="contract_transition",
    ),
    path("figures/", views.figures, name="figures"),
]
