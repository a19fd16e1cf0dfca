from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import audit
from core.history import entries as history_entries
from core.models import AuditEvent, Notice


@login_not_required
@never_cache
def healthz(request):
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def history(request, app_label: str, model_name: str, pk: str):
    """The audit trail of one object, shown to whoever may see the object itself."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager, "restrict"):
        raise Http404
    obj = manager.restrict(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    events = audit.visible_events(
        request.user, AuditEvent.objects.for_object(obj).select_related("actor")[:200]
    )
    events = history_entries(request.user, model, events)
    template = "core/_history.html" if request.headers.get("HX-Request") else "core/history.html"
    return render(request, template, {"object": obj, "events": events})


def notices(request):
    items = Notice.objects.filter(user=request.user)[:100]
    return render(request, "core/notices.html", {"notices": items})


@require_POST
def notices_read(request):
    Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:notices")


def server_error(request, *args, **kwargs):
    """handler500: the database being down is a 503 "try again", anything else the 500 page
    (both rendered without the request's context, which may need the database)."""
    import sys

    from django.template.loader import render_to_string

    from core.middleware import DATABASE_DOWN, unavailable_response

    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return unavailable_response()
    from django.http import HttpResponseServerError

    return HttpResponseServerError(render_to_string("500.html"))
