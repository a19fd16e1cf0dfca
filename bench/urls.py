"""``ocop.urls`` plus two reference views for ``bench/verify_wrk.py``:

- ``/bench/trivial``: the floor a Django page cannot go below (a few bytes, no database);
- ``/bench/one-query``: the same plus one ``SELECT 1`` through Django's connection — the
  least a page that reads the database on every request can do, so its throughput is
  the ceiling of any such page on the machine measured.
"""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from ocop.urls import urlpatterns as project_urlpatterns


@login_not_required
def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


@login_not_required
def one_query(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial", trivial, name="bench_trivial"),
    path("bench/one-query", one_query, name="bench_one_query"),
    *project_urlpatterns,
]
