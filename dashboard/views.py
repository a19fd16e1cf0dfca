from django.shortcuts import render
from django.utils import timezone

from dashboard import inbox, selectors


def home(request):
    """The dashboard of the signed-in user's main role, with the work inbox across modules."""
    user = request.user
    context = {
        "role": user.primary_role,
        "assignments": user.valid_assignments(),
        "tiles": selectors.tiles_for(user),
        "inbox": inbox.for_request(request),
        "today": timezone.localdate(),
        "panel": f"dashboard/roles/{user.primary_role or 'none'}.html",
    }
    return render(request, "dashboard/home.html", context)
