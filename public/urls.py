"""Every page an anonymous visitor can reach: stamp verification and the public catalogue."""

from django.urls import include, path

from public.language import set_language

app_name = "public"

urlpatterns = [
    path("language/", set_language, name="language"),
    path("", include("public.urls_verify")),
    path("catalogue/", include("public.urls_catalogue")),
]
