from django.urls import path

from core.workflow.views import TransitionView
from submissions import views, views_calendar

app_name = "submissions"

urlpatterns = [
    path("", views.dossier_list, name="dossier_list"),
    path("new/", views.dossier_create, name="dossier_create"),
    path("<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("<int:pk>/move/", TransitionView.as_view(workflow="dossier"), name="dossier_move"),
    path("<int:pk>/advisory/", views.advisory_note_add, name="advisory_note_add"),
    path("rounds/", views.round_list, name="round_list"),
    path("calendar/", views_calendar.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views_calendar.calendar_remove, name="calendar_remove"),
]
