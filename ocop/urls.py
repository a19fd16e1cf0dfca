from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # first: the stamp addresses are the busiest URLs, and resolving walks this list
    path("", include("public.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("dossiers/", include("submissions.urls")),
    path("recognition/", include("recognition.urls")),
    path("market/", include("market.urls")),
    path("promotion/", include("promotion.urls")),
    path("trace/", include("trace.urls")),
    path("programme/", include("programme.urls")),
    path("outreach/", include("outreach.urls")),
    path("inspection/", include("inspection.urls")),
    path("plans/", include("plans.urls")),
    path("core/", include("core.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("", include("dashboard.urls")),
]

handler500 = "core.views.server_error"
