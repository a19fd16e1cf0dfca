from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html

from core.replica import on_replica
from dashboard import figures, inbox, selectors


def home(request):
    """The dashboard of the signed-in user's main role, with the work inbox across modules.

    The tiles and figures (counts and overviews) may come from the read replica, a few
    seconds behind; the inbox, what waits on this user and changes with what they have
    just done, is read from the primary (ADR 0037)."""
    user = request.user
    context = {
        "role": user.primary_role,
        "assignments": user.valid_assignments(),
        "tiles": on_replica(selectors.tiles_for, user),
        "inbox": inbox.for_request(request),
        "today": timezone.localdate(),
        "panel": f"dashboard/roles/{user.primary_role or 'none'}.html",
        "figures": on_replica(figures.for_role, user, user.primary_role),
    }
    return render(request, "dashboard/home.html", context)


def inbox_count(request):
    """The header's count of the same items, loaded after the page (htmx) so that no page
    pays for it."""
    count = len(inbox.for_request(request))
    if not count:
        return HttpResponse("")
    return HttpResponse(format_html('<span class="count">{}</span>', count))
