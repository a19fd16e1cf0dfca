from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("history/<str:app_label>/<str:model_name>/<str:pk>/", views.history, name="history"),
    path("notices/", views.notices, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
]
