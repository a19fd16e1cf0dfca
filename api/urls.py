"""``/api/v1/``: every app's resources, the schema, the docs and the national export."""

from importlib import import_module

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from api import views
from api.models import MODULES
from core.api import RESOURCES

# each app declares its resources in its own api.py (the token modules, lowest layer first)
for app in MODULES:
    import_module("api.audit" if app == "audit" else f"{app}.api")


router = DefaultRouter(trailing_slash=True)
for declared in RESOURCES:
    router.register(declared.name, declared.viewset_class(), basename=declared.name)


def _for_people(view):
    """DRF lets its views authenticate by themselves (tokens); the documentation pages are
    for people, who sign in through the site's login first."""
    view.login_required = True
    return view


api_v1 = [
    path(
        "docs/",
        # the split view serves Swagger UI's start-up script as a file (?script), not inline:
        # the Content-Security-Policy runs no inline script (ADR 0030)
        _for_people(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("redoc/", _for_people(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("", include(router.urls)),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("national-export/", views.NationalExport.as_view(), name="national_export"),
    path("me/", views.Me.as_view(), name="me"),
    re_path(r"^.*$", login_not_required(views.not_found), name="not_found"),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(api_v1)),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
]
