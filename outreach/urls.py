"""Training and communication."""

from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/tick/", views.attendance_tick, name="attendance_tick"),
    path("courses/<int:pk>/attendees/add/", views.attendance_add, name="attendance_add"),
    path("courses/<int:pk>/attendees/import/", views.attendance_import, name="attendance_import"),
    path(
        "courses/<int:pk>/attendees/<int:attendance_pk>/edit/",
        views.attendance_edit,
        name="attendance_edit",
    ),
    path(
        "courses/<int:pk>/attendees/<int:attendance_pk>/remove/",
        views.attendance_remove,
        name="attendance_remove",
    ),
    path("attendance/", views.attendance_list, name="attendance_list"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<str:measure>/", views.coverage_people, name="coverage_people"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
]
