from django.shortcuts import render
from django.utils import timezone

from dashboard import selectors


def home(request):
    """The dashboard of the signed-in user's main role (an empty shell for now)."""
    user = request.user
    context = {
        "role": user.primary_role,
        "assignments": user.valid_assignments(),
        "tiles": selectors.tiles_for(user),
        "waiting": selectors.waiting_for(user),
        "today": timezone.localdate(),
        "panel": f"dashboard/roles/{user.primary_role or 'none'}.html",
    }
    return render(request, "dashboard/home.html", context)
