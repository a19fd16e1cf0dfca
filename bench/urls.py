"""``ocop.urls`` plus ``/bench/trivial``: the floor a Django page cannot go below."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from ocop.urls import urlpatterns as project_urlpatterns


@login_not_required
def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial, name="bench_trivial"), *project_urlpatterns]
