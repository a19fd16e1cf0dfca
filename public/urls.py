"""Every page an anonymous visitor can reach: stamp verification and the public catalogue."""

from django.urls import include, path

app_name = "public"

urlpatterns = [
    path("", include("public.urls_verify")),
    path("catalogue/", include("public.urls_catalogue")),
]
